"""An outcome as an obligation: placed at one canonical address where its meaning
does not depend on the address (so thousands of sites with one replacement are one
proof), with the one memo key outcomes that share an obligation share."""

from __future__ import annotations

from dataclasses import fields

import capstone

from pvverify.kernel.binary import Binary
from pvverify.kernel.closure import Targets
from pvverify.kernel.elf import SHF_ALLOC, SHF_EXECINSTR, Image
from pvverify.kernel.records import (
    Outcome,
    default_call,
    direct_branch,
    retarget,
)
from pvverify.obligation import CodeSpec, Obligation, ObligationError
from pvverify.x86.arch import Arch
from pvverify.x86.ctype import parse_ctype
from pvverify.x86.decode import disasm

_FREE: dict[tuple[int, bytes], bool] = {}  # per code, where the answer is the same at every address


def _position_free(arch: Arch, md: capstone.Cs, code: bytes, at: int) -> bool:
    """True if code means the same at any address once rel32 call/jmp are re-targeted.
    Remembered per code unless a short branch makes the answer depend on `at`:
    thousands of outcomes share a few hundred replacements."""
    if direct_branch(code):
        return True  # a 5-byte rel32 branch and NOPs: nothing that depends on the address
    key = (arch.bits, code)
    got = _FREE.get(key)
    if got is not None:
        return got
    free, depends = True, False
    for ins in md.disasm(code, at):
        if any(op.type == capstone.x86.X86_OP_MEM and op.mem.base == capstone.x86.X86_REG_RIP
               for op in ins.operands):
            _FREE[key] = False  # rip-relative data: at no address the same
            return False
        if (ins.group(capstone.CS_GRP_JUMP) or ins.group(capstone.CS_GRP_CALL)) and ins.size != 5:
            depends = True
            op = ins.operands[0] if ins.operands else None
            if op is not None and op.type == capstone.x86.X86_OP_IMM and not at <= op.imm < at + len(code):
                free = False
    if not depends:
        _FREE[key] = free
    return free


def targets_of(b: Binary) -> Targets:
    """What the binary's targets run once booted, with every ops table's range as the
    slots (pv_ops and, from 7.0, pv_ops_lock): the one way an obligation's targets
    are read, for the gate, the package reader, the benchmarks and the tests."""
    return Targets(b.code, b.arch, tuple((t.address, t.address + t.size) for t in b.tables))


def canonical_site(img: Image) -> int:
    """An address no code of the image occupies, within rel32 reach of all of it."""
    lo = min((s.addr for s in img.sections if s.flags & SHF_ALLOC and s.flags & SHF_EXECINSTR
              and s.size), default=0x1000000)
    return lo - 0x10000 if lo >= 0x20000 else lo + 0x8000000


_AS_IS = tuple(f.name for f in fields(Outcome) if f.name not in ("site", "replacement", "call", "backend"))


def memo_key(o: Outcome, where: tuple[int, bytes]) -> tuple:
    """Everything of an outcome but where it sits (its address, and its bytes that
    encode the address, which `where` = placed(...) says again for the obligation's
    site), without dataclasses.asdict's deep copy per outcome: the one memo key
    (reading.KernelView's, and each file's own)."""
    default = default_call(o.call)
    return (tuple(getattr(o, n) for n in _AS_IS), None if default else o.call, where)


def placed(b: Binary, canon: int, o: Outcome, md: capstone.Cs) -> tuple[int, bytes]:
    """Where the obligation puts the site, and the replacement's bytes there: the
    only way an outcome's own address enters its obligation (so outcomes equal
    in everything else and in this have one obligation; reading.KernelView
    relies on it)."""
    arch = b.arch
    # the default `call *slot(%rip)` is rebuilt by the obligation for its own site
    # (rip-relative, so never "position free" as bytes); another original form is
    # kept as bytes, so its position counts
    default = default_call(o.call)
    free = _position_free(arch, md, o.replacement, o.site) and (
        default or _position_free(arch, md, o.call, o.site))
    site = canon if free else o.site
    repl = retarget(arch, o.replacement, o.site, site) if site != o.site else o.replacement
    return site, repl


def obligation_of(b: Binary, targets: Targets, canon: int, o: Outcome, md: capstone.Cs) -> Obligation:
    arch = b.arch
    op = b.op(o.table, o.slot)
    table = b.table(o.table)
    slot_addr = table.address + o.slot * table.width
    # under a backend the slot holds what its init code wrote (kernel/replay.py)
    target = o.target if o.target is not None else b.code.read_word(slot_addr) or 0
    # an asm entry point with no symbol size (5.10's native_iret): its code up to
    # the first unconditional transfer
    if target == 0:
        # 5.13-6.7 paravirt_patch writes `ud2`; 6.8+ alt_replace_call a call to BUG_func
        what = "a call to BUG_func, which BUGs" if o.kind == "bug-call" else "the kernel BUGs here"
        raise ObligationError(
            f"{op.name} is NULL under {o.backend}: the patcher writes "
            f"`{disasm(arch, o.replacement, o.site)[0]}` ({what}) where the unpatched "
            "site would call address 0; no equivalence to prove, reported as what it is")
    fn = targets.function(target) or targets.fragment(target)
    if fn is None:
        raise ObligationError(f"slot {o.slot} ({op.name}) holds {target:#x}, which is no function "
                              "with a size in the symbol table")
    site, repl = placed(b, canon, o, md)
    regions = targets.callees(target)
    regions += _reached(md, repl, site, o.length, targets, ((target, fn[1]), *regions))
    # the original's own bytes where they are not the default `ff 15` call that
    # program.build lays out at any address (x86_64 `ff 14 25 abs32` before 6.x,
    # indirect jumps)
    default = default_call(o.call)
    call = None if default else CodeSpec(hex=o.call.hex())
    width = arch.width
    return Obligation(
        name=op.name, arch=arch, convention=op.convention, clobbers=o.clobbers, call=call,
        returns=parse_ctype(op.returns, width), args=tuple(parse_ctype(a, width) for a in op.args),
        site_length=o.length, target=CodeSpec(hex=fn[1].hex()), replacement=CodeSpec(hex=repl.hex()),
        address=site, target_address=target, slot=slot_addr,
        regions=regions, slots=targets.slots.get(target, ()),
        return_thunks=targets.thunks, canary=targets.canary,
        indirect_thunks=targets.retpolines, unloaded=targets.code_ranges, source=b.path,
    )


def _reached(md: capstone.Cs, code: bytes, at: int, length: int, targets: Targets,
             have: tuple[tuple[int, bytes], ...]) -> tuple[tuple[int, bytes], ...]:
    """The code the replacement's own rel32 calls and jumps reach outside it and outside
    what is loaded already (an inline template's `call check_events` relocated by
    xen_patch, or relocated wrongly): loaded as the booted kernel would run it, from
    the destination on, so a wrong destination is explored instead of stopping the
    proof at its first instruction."""
    spans = [(a, a + len(c)) for a, c in have] + [(at, at + max(length, len(code)))]
    out: list[tuple[int, bytes]] = []
    stubs = set(targets.thunks) | {a for a, _ in targets.retpolines}
    for address, size, _, _ in md.disasm_lite(code, at):
        op = code[address - at]
        if size != 5 or op not in (0xE8, 0xE9):
            continue
        dest = (address + 5 + int.from_bytes(code[address - at + 1:address - at + 5], "little",
                                             signed=True)) & targets.arch.mask
        if any(lo <= dest < hi for lo, hi in spans) or dest in stubs:
            continue  # loaded, or a return thunk / retpoline, which the obligation models
        # a function's entry: it and its callees; anywhere else (a relocation gone wrong
        # lands mid-function): the bytes there as the CPU runs them, to the first
        # unconditional transfer, whatever symbol they belong to
        f = targets.img.function_at(dest)
        entry = f is not None and f[0] == dest and f[1]
        root = targets.function(dest) if entry else targets.fragment(dest)
        for a, c in ((root,) if root else ()) + (targets.callees(dest) if entry else ()):
            if any(lo <= a < hi for lo, hi in spans):
                continue
            # up to code loaded already, which goes on from there
            c = c[:min([lo - a for lo, _ in spans if a < lo < a + len(c)] + [len(c)])]
            out.append((a, c))
            spans.append((a, a + len(c)))
    return tuple(out)


def is_call_to(hexcode: str, at: int, target: int | None) -> bool:
    code = bytes.fromhex(hexcode)
    if target is None or len(code) < 5 or code[0] != 0xE8 or code[5:].strip(b"\x90"):
        return False
    return (at + 5 + int.from_bytes(code[1:5], "little", signed=True)) % (1 << 64) == target \
        or (at + 5 + int.from_bytes(code[1:5], "little", signed=True)) % (1 << 32) == target
