"""Finding a kernel's writes into ops tables and static-call keys, the parts
`backends.recover` is built from: references into the written areas found by a
byte scan of the executable sections, a constant-propagating walk over one
function (stores of immediates, of registers whose value is known, `rep movs`
copies and `rep stos` fills, `__static_call_update` arguments), and the direct
call graph between functions, decoded on demand."""


from __future__ import annotations

import re
import struct
from collections import deque
from dataclasses import dataclass

import capstone
from capstone import x86 as cx

from pvverify.kernel.elf import SHF_ALLOC, SHF_EXECINSTR, Image
from pvverify.x86.arch import Arch
from pvverify.x86.decode import decoder

# The backend names a report uses, by the suffix of the binary's x86_hyper_<suffix>.
TEXT_DEPTH = 2          # calls followed into .text below init code
MAX_FUNCS = 20000       # functions one walk decodes


# -- finding references --------------------------------------------------------------


def _exec_sections(img: Image):
    return [s for s in img.sections if s.flags & SHF_ALLOC and s.flags & SHF_EXECINSTR and s.size
            and s.type != 8]


_RIP_OPS = re.compile(rb"(?=[\x88\x89\xc6\xc7\x8d\x87\x8b][\x05\x0d\x15\x1d\x25\x2d\x35\x3d])", re.S)


def _ranges(tables: list[tuple[int, int]]):
    return sorted(tables)


def references(img: Image, arch: Arch, ranges: list[tuple[int, int]]) -> dict[int, int]:
    """Addresses of bytes that may belong to an instruction referring into `ranges`,
    with the address referred to (low 32 bits for an absolute one): candidates only
    (the function holding each is decoded to confirm)."""
    out: dict[int, int] = {}
    lows = sorted({(lo & 0xFFFFFFFF) >> 16 for lo, hi in ranges} |
                  {((hi - 1) & 0xFFFFFFFF) >> 16 for lo, hi in ranges})
    ab = re.compile(b"(?=(?s:..)(?:" + b"|".join(re.escape(struct.pack("<H", v)) for v in lows) + b"))")
    mask32 = 0xFFFFFFFF
    absr = [(lo & mask32, (hi - 1 & mask32) + 1) for lo, hi in ranges]
    for s in _exec_sections(img):
        data = img.section_data(s)
        for m in ab.finditer(data):
            p = m.start()
            v = int.from_bytes(data[p:p + 4], "little")
            if any(lo <= v < hi for lo, hi in absr):
                # an indirect call through the slot (a patch site) writes nothing
                if p >= 2 and data[p - 2] == 0xFF and data[p - 1] in (0x15, 0x25):
                    continue
                if p >= 3 and data[p - 3] == 0xFF and data[p - 2] in (0x14, 0x24) and data[p - 1] == 0x25:
                    continue
                out[s.addr + p] = v
        if arch.bits != 64:
            continue
        for m in _RIP_OPS.finditer(data):
            p = m.start()
            if p + 6 > len(data):
                continue
            disp = int.from_bytes(data[p + 2:p + 6], "little", signed=True)
            op = data[p]
            extra = {0xC6: (1,), 0xC7: (4, 2)}.get(op, (0,))
            for k in extra:
                t = (s.addr + p + 6 + k + disp) & arch.mask
                if any(lo <= t < hi for lo, hi in ranges):
                    out[s.addr + p] = t & 0xFFFFFFFF
    return out


# -- constant propagation over one function -------------------------------------------


_CALLER_SAVED = {64: ("rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"),
                 32: ("eax", "ecx", "edx")}


@dataclass
class _Event:
    kind: str                # store | copy | call | unresolved
    at: int
    addr: int | None = None  # store/copy destination
    value: int | None = None  # stored value, copy source, or call target
    size: int = 0            # bytes stored / copied
    args: tuple = ()         # (rdi, rsi, rdx) known values at a call
    why: str = ""
    block: int = 0           # straight-line block: a later write in it replaces an earlier one
    stack: bool = False      # the destination is a stack address (never an ops table)


_WIDE = {}


def _reg64(md: capstone.Cs, reg: int, bits: int) -> str | None:
    """A register's full-width name (eax -> rax), None for non-GPRs."""
    name = md.reg_name(reg)
    if name is None:
        return None
    if bits == 32:
        return {"ax": "eax", "bx": "ebx", "cx": "ecx", "dx": "edx", "si": "esi", "di": "edi",
                "bp": "ebp", "sp": "esp"}.get(name, name) if name in (
            "eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "ax", "bx", "cx", "dx", "si", "di",
            "bp", "sp") else None
    if name.startswith("r") and name[1:].isdigit():
        return name
    m = re.match(r"^r(\d+)[dwb]$", name)
    if m:
        return f"r{m.group(1)}"
    table = {"eax": "rax", "ebx": "rbx", "ecx": "rcx", "edx": "rdx", "esi": "rsi", "edi": "rdi",
             "ebp": "rbp", "esp": "rsp"}
    if name in table:
        return table[name]
    if name in ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp"):
        return name
    return None


def walk_function(img: Image, arch: Arch, md: capstone.Cs, start: int, code: bytes,
          static_value, in_area=lambda a: False) -> list[_Event]:
    """The stores, copies and calls of one function, with what a linear constant
    propagation knows of their values (known registers are forgotten at every
    branch target and, caller-saved ones, after every call)."""
    bits, mask = arch.bits, arch.mask
    insns = list(md.disasm(code, start))
    targets = set()
    for ins in insns:
        if ins.group(capstone.CS_GRP_JUMP) and ins.operands and ins.operands[0].type == cx.X86_OP_IMM:
            targets.add(ins.operands[0].imm & mask)
    known: dict[str, int] = {}
    onstack: set[str] = set()  # registers holding an address derived from the stack pointer
    events: list[_Event] = []
    sp = "rsp" if bits == 64 else "esp"
    block = 0
    for ins in insns:
        if ins.address in targets:
            known.clear()
            block += 1
        mn = ins.mnemonic
        ops = ins.operands
        if ins.group(capstone.CS_GRP_JUMP):
            block += 1  # what follows a branch may run without what came before

        def mem_addr(op, ins=ins) -> int | None:
            m = op.mem
            if m.index != 0 or m.segment not in (0,):
                return None
            if m.base == cx.X86_REG_RIP:
                return (ins.address + ins.size + m.disp) & mask
            if m.base == 0:
                return m.disp & mask
            base = _reg64(md, m.base, bits)
            if base is not None and base in known:
                return (known[base] + m.disp) & mask
            return None

        def value_of(op, ins=ins) -> int | None:
            if op.type == cx.X86_OP_IMM:
                return op.imm & mask
            if op.type == cx.X86_OP_REG:
                r = _reg64(md, op.reg, bits)
                if r is not None and op.size * 8 == bits:
                    return known.get(r)
            return None

        if mn.startswith("rep stos"):
            # memset: rcx units of al/ax/eax/rax from rdi (5.10's `pv_ops.mmu = (struct){...}`
            # zeroes the struct, then stores the members it names)
            unit = {"b": 1, "w": 2, "d": 4, "l": 4, "q": 8}.get(mn[-1], 0)
            di, ax, cnt = ("rdi", "rax", "rcx") if bits == 64 else ("edi", "eax", "ecx")
            v = known.get(ax)
            reps = (8 if bits == 64 else 4) // unit if unit else 0
            fill = None if v is None or not unit else \
                int.from_bytes((v & ((1 << 8 * unit) - 1)).to_bytes(unit, "little") * reps, "little")
            events.append(_Event("fill", ins.address, known.get(di), fill,
                                 unit * known[cnt] if cnt in known and unit else 0, block=block,
                                 stack=di in onstack))
            for r in (di, cnt):
                known.pop(r, None)
            continue
        if mn.startswith("rep movs") or mn.startswith("rep movs"):
            unit = {"b": 1, "w": 2, "d": 4, "l": 4, "q": 8}.get(mn[-1], 0)
            di, si, cnt = ("rdi", "rsi", "rcx") if bits == 64 else ("edi", "esi", "ecx")
            events.append(_Event("copy", ins.address, known.get(di), known.get(si),
                                 unit * known[cnt] if cnt in known and unit else 0, block=block,
                                 stack=di in onstack))
            for r in (di, si, cnt):
                known.pop(r, None)
            continue
        if mn == "call":
            dest = ops[0].imm & mask if ops and ops[0].type == cx.X86_OP_IMM else None
            regs = ("rdi", "rsi", "rdx") if bits == 64 else ("eax", "edx", "ecx")
            events.append(_Event("call", ins.address, value=dest, args=tuple(known.get(r) for r in regs)))
            for r in _CALLER_SAVED[bits]:
                known.pop(r, None)
            continue
        # stores
        if ops and ops[0].type == cx.X86_OP_MEM and (ops[0].access & capstone.CS_AC_WRITE):
            a = mem_addr(ops[0])
            v = value_of(ops[1]) if len(ops) > 1 else None
            events.append(_Event("store", ins.address, a, v if mn == "mov" else None, ops[0].size,
                                 why="" if mn == "mov" else f"`{mn} {ins.op_str}`", block=block))
        # register effects
        try:
            _, written = ins.regs_access()
        except capstone.CsError:
            written = []
        dst = _reg64(md, ops[0].reg, bits) if ops and ops[0].type == cx.X86_OP_REG else None
        newval: int | None = None
        if dst is not None and len(ops) == 2:
            src = ops[1]
            if mn == "mov" and src.type == cx.X86_OP_IMM:
                newval = src.imm & (mask if ops[0].size * 8 == bits else 0xFFFFFFFF)
            elif mn == "mov" and src.type == cx.X86_OP_REG and ops[0].size * 8 == bits:
                newval = known.get(_reg64(md, src.reg, bits) or "")
            elif mn == "lea" and src.type == cx.X86_OP_MEM:
                newval = mem_addr(src)
            elif mn == "mov" and src.type == cx.X86_OP_MEM and ops[0].size * 8 == bits:
                a = mem_addr(src)
                newval = static_value(a) if a is not None else None
            elif mn == "xor" and src.type == cx.X86_OP_REG and src.reg == ops[0].reg:
                newval = 0
        stacky = False
        if dst is not None and len(ops) == 2 and ops[0].size * 8 == bits:
            src = ops[1]
            if mn == "lea" and src.type == cx.X86_OP_MEM and src.mem.index == 0 and \
                    _reg64(md, src.mem.base, bits) in (sp, *onstack) or \
                    mn == "mov" and src.type == cx.X86_OP_REG and \
                    _reg64(md, src.reg, bits) in (sp, *onstack):
                stacky = True
        for r in written:
            name = _reg64(md, r, bits)
            if name is not None and name != sp:
                known.pop(name, None)
                onstack.discard(name)
        if stacky:
            onstack.add(dst)
        if dst is not None and newval is not None and ops[0].size * 8 >= 32:
            known[dst] = newval
            if in_area(newval):
                events.append(_Event("taken", ins.address, newval))
    return events


# -- the call graph -----------------------------------------------------------------


class CallGraph:
    """Direct calls and jumps between functions, decoded on demand."""

    def __init__(self, img: Image, arch: Arch) -> None:
        self.img, self.arch = img, arch
        self.md = decoder(arch, detail=False)
        init = img.section(".init.text")
        self.init = (init.addr, init.addr + init.size) if init else (0, 0)
        self._edges: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}

    def in_init(self, a: int) -> bool:
        return self.init[0] <= a < self.init[1]

    def edges(self, start: int) -> tuple[list[tuple[int, int]], list[int]]:
        """((call site, destination function start) ..., [taken function starts])."""
        if start in self._edges:
            return self._edges[start]
        f = self.img.function_at(start)
        calls: list[tuple[int, int]] = []
        taken: list[int] = []
        if f is not None and f[1]:
            data = self.img.read(f[0], f[1]) or b""
            mask = self.arch.mask
            for at, size, mn, ops in self.md.disasm_lite(data, f[0]):
                if mn == "call" or mn.startswith("j"):
                    if ops.startswith("0x"):
                        d = int(ops, 16) & mask
                        g = self.img.function_at(d)
                        if g is not None and g[0] != f[0]:
                            calls.append((at, g[0]))
                elif mn in ("mov", "lea", "movabs") and ", " in ops:
                    src = ops.rsplit(", ", 1)[1]
                    val = None
                    if src.startswith("0x"):
                        val = int(src, 16) & mask
                    elif src.startswith("[rip + 0x") and src.endswith("]"):
                        val = (at + size + int(src[9:-1], 16)) & mask
                    elif src.startswith("[rip - 0x") and src.endswith("]"):
                        val = (at + size - int(src[9:-1], 16)) & mask
                    if val is not None and self.in_init(val):
                        g = self.img.function_at(val)
                        if g is not None and g[0] == val:
                            taken.append(val)
        self._edges[start] = (calls, taken)
        return self._edges[start]

    def reach(self, roots: list[int], barriers: set[int], before: dict[int, int] | None = None
              ) -> dict[int, int]:
        """Function start -> the root it was reached from. `before`: per function, only
        the calls placed below that address are followed (the patch point's caller)."""
        seen: dict[int, int] = {}
        depth: dict[int, int] = {}
        work = deque()
        for r in roots:
            if r not in seen:
                seen[r], depth[r] = r, 0
                work.append(r)
        while work and len(seen) < MAX_FUNCS:
            fn = work.popleft()
            calls, taken = self.edges(fn)
            limit = (before or {}).get(fn)
            for at, dest in calls + [(0, t) for t in taken]:
                if limit is not None and at >= limit:
                    continue
                if dest in seen or dest in barriers:
                    continue
                d = 0 if self.in_init(dest) else depth[fn] + 1
                if d > TEXT_DEPTH:
                    continue
                seen[dest], depth[dest] = seen[fn], d
                work.append(dest)
        return seen


