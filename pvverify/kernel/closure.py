"""The functions a patch target runs, as the booted kernel runs them.

A slot's target is rarely self-contained: it calls helpers, returns through
`__x86_return_thunk`, branches through retpolines, starts with an ftrace
`call __fentry__` that boot turns into a NOP, jumps into `.altinstr_aux`
blocks, and makes nested paravirt calls through the ops table. `Targets`
collects that closure (bounded) so the prover lifts what really runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import capstone

from pvverify.kernel.elf import SHF_ALLOC, SHF_EXECINSTR, Image
from pvverify.x86.arch import Arch
from pvverify.x86.decode import decoder

FRAGMENT = 64  # bytes read for a code fragment outside function symbols
MAX_CALLEES = 24          # functions pulled in below a target before giving up on the rest
NOP5 = bytes.fromhex("0f1f440000")


class Targets:
    """Function bytes as the booted kernel runs them, and the functions they reach."""

    def __init__(self, img: Image, arch: Arch, tables: tuple[tuple[int, int], ...] = ()) -> None:
        self.img, self.arch, self.md = img, arch, decoder(arch)
        # pv_ops* [start, end): calls through them reach their initial targets
        # (one (start, end) pair is taken as one table)
        if len(tables) == 2 and all(isinstance(x, int) for x in tables):
            tables = (tables,)  # type: ignore[assignment]
        self.tables = tables
        self.slots: dict[int, tuple[tuple[int, bytes], ...]] = {}
        fentry = img.symbol("__fentry__")
        self.fentry = fentry.value if fentry else None
        thunk = img.symbol("__x86_return_thunk")
        self.thunks = (thunk.value,) if thunk else ()
        self.retpolines = tuple(sorted(
            (s.value, r) for r in arch.gprs
            if (s := img.symbol(f"__x86_indirect_thunk_{r}")) is not None and r != arch.sp))
        self._stubs = set(self.thunks) | {a for a, _ in self.retpolines}
        self.canary = stack_canary(img, arch)
        self.code_ranges = tuple(sorted(
            (s.addr, s.addr + s.size) for s in img.sections
            if s.flags & SHF_ALLOC and s.flags & SHF_EXECINSTR and s.size))
        self._code: dict[int, tuple[int, bytes] | None] = {}
        self._closure: dict[int, tuple[tuple[int, bytes], ...]] = {}

    def function(self, addr: int) -> tuple[int, bytes] | None:
        """(start, bytes) from addr to its function's end, with the ftrace call NOPed."""
        if addr in self._code:
            return self._code[addr]
        f = self.img.function_at(addr)
        res = None
        if f is not None and f[1]:
            start, size, _ = f
            data = self.img.read(addr, start + size - addr)
            if data is not None:
                res = (addr, self._unfentry(addr, data))
        self._code[addr] = res
        return res

    def _unfentry(self, addr: int, data: bytes) -> bytes:
        # ftrace turns `call __fentry__` at function entry into a 5-byte NOP at boot
        out = bytearray(data)
        for i, ins in enumerate(self.md.disasm(data[:16], addr)):
            if i > 1:
                break
            off = ins.address - addr
            if ins.size == 5 and data[off] == 0xE8 and self.fentry is not None:
                dest = (ins.address + 5 + int.from_bytes(data[off + 1:off + 5], "little", signed=True)) \
                    & self.arch.mask
                if dest == self.fentry:
                    out[off:off + 5] = NOP5
        return bytes(out)

    def fragment(self, addr: int) -> tuple[int, bytes] | None:
        """Code outside any sized function symbol, up to its first unconditional
        transfer: the `.altinstr_aux` blocks that `static_cpu_has()` jumps to
        before alternatives are applied (they test the feature bit in
        boot_cpu_data, which is what the patched jump would have decided)."""
        if not self.img.executable(addr):
            return None
        end = min((s.addr + s.size for s in self.img.sections
                   if s.flags & SHF_EXECINSTR and s.addr <= addr < s.addr + s.size), default=addr)
        data = self.img.read(addr, min(FRAGMENT, end - addr)) or b""
        end = 0
        for ins in self.md.disasm(data, addr):
            end = ins.address + ins.size - addr
            if ins.mnemonic in ("jmp", "ret", "ud2", "int3", "iret", "iretd", "iretq") \
                    or ins.mnemonic.startswith("ljmp"):
                return addr, data[:end]
        return None

    def callees(self, addr: int) -> tuple[tuple[int, bytes], ...]:
        """Functions reachable from the function at addr (bounded): by direct call or
        jmp first, then functions whose address the code takes (`lea f(%rip)`,
        `mov $f`), which a retpoline call through a register may reach."""
        if addr in self._closure:
            return self._closure[addr]
        seen: dict[int, bytes] = {}
        used: dict[int, bytes] = {}
        root = self.function(addr)
        work = [root] if root else []
        taken: list[int] = []
        covered = [(addr, addr + len(root[1]))] if root else []

        counted = 0  # functions towards MAX_CALLEES: a `.cold` part comes with its function

        def add(dest: int, cold_of: str | None = None) -> None:
            nonlocal counted
            if any(lo <= dest < hi for lo, hi in covered) or dest in self._stubs \
                    or dest == self.fentry:
                return
            f = self.img.function_at(dest)
            fn = self.function(f[0]) if f is not None and f[1] else self.fragment(dest)
            if fn is None or cold_of is not None and (f is None or not f[2].startswith(cold_of)):
                return
            seen[fn[0]] = fn[1]
            covered.append((fn[0], fn[0] + len(fn[1])))
            work.append(fn)
            if f is None or ".cold" in f[2]:
                counted += f is None
                return
            counted += 1
            # gcc moves a function's unlikely paths (WARN, panic) to `<name>.cold`, entered
            # by a jump with the frame up: load it with the function even when the bound
            # stops the function from being scanned, so the code it jumps to is there
            # (the symbol is looked up by name only to skip the scan when there is none;
            # the jumps themselves say which part is this function's)
            if self.img.symbol(f[2] + ".cold") is None:
                return
            code = fn[1]
            for at, size, _, _ in decoder(self.arch, detail=False).disasm_lite(code, fn[0]):
                i = at - fn[0]
                if size == 5 and code[i] == 0xE9 or size == 6 and code[i] == 0x0F \
                        and 0x80 <= code[i + 1] <= 0x8F:
                    rel = int.from_bytes(code[i + size - 4:i + size], "little", signed=True)
                    add((at + size + rel) & self.arch.mask, f[2] + ".cold")

        while (work or taken) and counted < MAX_CALLEES:
            if not work:
                add(taken.pop(0))
                continue
            start, data = work.pop()
            for kind, value in self._references(start, data):
                if kind in ("jump", "call"):
                    add(value)
                elif kind == "slot":
                    slot = self._table_slot(value, value.operands[0])
                    if slot is not None:
                        used[slot[0]] = slot[1]
                        add(int.from_bytes(slot[1], "little"))
                else:
                    f = self.img.function_at(value)
                    if f is not None and f[0] == value:
                        taken.append(value)
        # past the bound, a function loaded but not scanned still comes with the
        # `.altinstr_aux` fragments it jumps to (they are its own code, run before
        # alternatives are applied), so the code that runs in it is all there
        for start, data in work:
            for kind, dest in self._references(start, data):
                if kind == "jump" and self.img.function_at(dest) is None and \
                        not any(lo <= dest < hi for lo, hi in covered) and \
                        (frag := self.fragment(dest)) is not None:
                    seen[frag[0]] = frag[1]
                    covered.append((frag[0], frag[0] + len(frag[1])))
        self._closure[addr] = tuple(sorted(seen.items()))
        self.slots[addr] = tuple(sorted(used.items()))
        return self._closure[addr]

    def _references(self, start: int, data: bytes):
        """What the code refers to: ("jump" | "call", destination) for direct branches,
        ("slot", instruction) for branches through memory, ("taken", address) for an
        address `lea x(%rip)` or a `mov $imm` puts in a register or memory. From the
        text of capstone's lite decoder (Intel syntax), decoding in full only the
        branches through memory: full decoding of every instruction was most of a
        warm gate run."""
        mask = self.arch.mask
        for at, size, mn, ops in self.md.disasm_lite(data, start):
            if mn == "call" or mn.startswith(("j", "loop")):
                kind = "call" if mn == "call" else "jump"
                if ops.startswith("0x") or ops.isdigit():
                    yield kind, _number(ops) & mask
                elif "[" in ops:
                    i = at - start
                    ins = next(self.md.disasm(data[i:i + size], at, count=1), None)
                    if ins is not None and ins.operands and ins.operands[0].type == capstone.x86.X86_OP_MEM:
                        yield "slot", ins
            elif mn in ("lea", "mov") and ", " in ops:
                src = ops.rsplit(", ", 1)[1]
                if mn == "mov" and (src.startswith(("0x", "-0x")) or src.lstrip("-").isdigit()):
                    yield "taken", _number(src) & mask
                elif mn == "lea" and src.startswith("[rip") and src.endswith("]"):
                    disp = src[4:-1].replace(" ", "")
                    yield "taken", (at + size + (_number(disp) if disp else 0)) & mask

    def _table_slot(self, ins: capstone.CsInsn, op) -> tuple[int, bytes] | None:
        """The ops-table slot a `call *pv_ops+N` reads, with its initial contents: a
        nested paravirt call in a native function, which the patcher turns into a
        call to that same initial target."""
        m = op.mem
        if m.index != 0 or m.segment != 0:
            return None
        if m.base == capstone.x86.X86_REG_RIP:
            where = (ins.address + ins.size + m.disp) & self.arch.mask
        elif m.base == 0:
            where = m.disp & self.arch.mask
        else:
            return None
        w = self.arch.width
        if not any(lo <= where and where + w <= hi and (where - lo) % w == 0 for lo, hi in self.tables):
            return None
        data = self.img.read(where, w)
        return (where, data) if data is not None else None


def stack_canary(img: Image, arch: Arch) -> tuple[str, int] | None:
    """Where gcc's stack protector reads the running task's canary: (segment register,
    offset in it), from the symbols that hold it in each layout:
    - a per-CPU `__stack_chk_guard` where the kernel defines one: through %gs on
      x86_64 (Debian's 7.3), %fs on i386 (Debian's 6.1 686-pae);
    - x86_64 before that: 40 bytes into the per-CPU area, gcc's default guard offset,
      where `fixed_percpu_data` (Debian's 5.10-6.12) or, earlier, `irq_stack_union`
      puts the canary at the start of the zero-based per-CPU section;
    - i386 before `__stack_chk_guard`: %gs:20, a segment based 20 bytes below the
      per-CPU `stack_canary` (2.6.30 on: arch/x86/include/asm/stackprotector.h).
    None where none of them is there (no stack protector): the check is then any value."""
    seg = "gs" if arch.bits == 64 else "fs"
    guard = img.symbol("__stack_chk_guard")
    if guard is not None:
        return seg, guard.value
    if arch.bits == 64:
        for name in ("fixed_percpu_data", "irq_stack_union"):
            base = img.symbol(name)
            if base is not None:
                return "gs", base.value + 40
        return None
    return ("gs", 20) if img.symbol("stack_canary") is not None else None


@dataclass(frozen=True)
class BootedFunction:
    """A function of a kernel ELF as boot leaves it, with what it reaches: what an
    obligation's `{ elf, symbol }` target runs (the same view the gate uses)."""

    address: int
    code: bytes
    regions: tuple[tuple[int, bytes], ...]   # callees, `.altinstr_aux` fragments
    slots: tuple[tuple[int, bytes], ...]     # ops-table slots its nested pv calls read
    return_thunks: tuple[int, ...]
    retpolines: tuple[tuple[int, str], ...]
    unloaded: tuple[tuple[int, int], ...]
    canary: tuple[str, int] | None = None


@cache
def booted_function(path: str, name: str, bits: int) -> BootedFunction:
    from pvverify.kernel.elf import ElfError, open_image
    from pvverify.kernel.records import ops_tables
    from pvverify.x86.arch import I386, X86_64

    img = open_image(path)
    if img.bits != bits:
        raise ElfError(f"{path}: ELF{img.bits}, but the obligation's arch is {bits}-bit")
    sym = img.symbol(name)
    if sym is None:
        raise ElfError(f"{path}: no symbol {name!r}")
    if sym.size == 0:
        raise ElfError(f"{path}: symbol {name!r} has no size")
    arch = X86_64 if bits == 64 else I386
    t = Targets(img, arch, tuple((o.address, o.address + o.size) for o in ops_tables(img, arch.width)))
    fn = t.function(sym.value)
    if fn is None:
        raise ElfError(f"{path}: symbol {name!r} is not in an allocated section")
    regions = t.callees(sym.value)
    return BootedFunction(sym.value, fn[1], regions, t.slots.get(sym.value, ()), t.thunks,
                          t.retpolines, t.code_ranges, t.canary)


def _number(text: str) -> int:
    """An immediate or displacement as capstone prints it: [+-]0x... or decimal."""
    return int(text, 16) if text.lstrip("+-").startswith("0x") else int(text)
