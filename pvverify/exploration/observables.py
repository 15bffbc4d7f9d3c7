"""What must be equal after both paths (docs/domain.md 3), as a list of named observables.

The order of the list is the order in which a counterexample reports the
first difference: where control went, side effects, the returned value,
preserved registers, the stack pointer, flags, system registers, MSRs, memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import z3

from pvverify.semantics.separation import DEAD_STACK, mentions
from pvverify.semantics.state import FLAG_REGS, PathState
from pvverify.x86.arch import ARITH_FLAGS, CONTROL_REGS, SYSTEM_FLAGS, Arch
from pvverify.x86.conventions import ReturnSlot


def any_of(cs: list[z3.BoolRef]) -> z3.BoolRef:
    """Disjunction that never has a single argument (SMT-LIB's `or` needs two)."""
    if not cs:
        return z3.BoolVal(False)
    return cs[0] if len(cs) == 1 else z3.Or(cs)


# P-code registers that are not machine state of their own (views of the
# flags assembled by lifted pushf) and the program counter.
_NOT_STATE = {"rflags", "eflags", "RIP", "EIP"}
# Flags are compared by name above (arithmetic flags are clobbered by a call;
# RF and VM are not state a kernel call site can observe); F1..F15 are the
# reserved bits SLEIGH names.
_FLAG_CONTAINERS = set(FLAG_REGS) | {"F1", "F3", "F5", "F15"}


@dataclass
class Observable:
    """A named quantity; it differs when `diff` holds. `original`/`replacement`
    are what a report shows (expressions evaluated in the model, or text)."""

    name: str
    diff: z3.BoolRef
    original: z3.ExprRef | str
    replacement: z3.ExprRef | str
    kind: str = "value"  # value | memory | msr | trace | exit
    address: z3.BitVecRef | None = None  # for memory: the byte compared
    stored: tuple[z3.BoolRef, z3.BoolRef] | None = None  # for memory: did each path store it


def _bytes_of(v: z3.BitVecRef, idx: frozenset[int]) -> z3.BitVecRef | None:
    parts = [z3.Extract(8 * i + 7, 8 * i, v) for i in sorted(idx, reverse=True)]
    if not parts:
        return None
    return z3.Concat(*parts) if len(parts) > 1 else parts[0]


def _written(st: PathState, k: z3.BitVecRef) -> z3.BoolRef:
    return any_of([z3.ULT(k - a, size) for a, size in st.written])


def dead(k: z3.BitVecRef, sp0: z3.BitVecRef) -> z3.BoolRef:
    """k lies in [sp0 - DEAD_STACK, sp0), modulo the address width."""
    return z3.ULT(sp0 - 1 - k, DEAD_STACK)


def separation(arch: Arch, o: PathState, r: PathState) -> list[z3.BoolRef]:
    """Pointers do not point into the dead stack: an access whose address does not
    derive from the entry stack pointer lies outside [sp0 - DEAD_STACK, sp0).

    Without it a store through an argument pointer could hit the return address
    the original's `call` pushed, a state no caller can create (the area below
    its stack pointer holds nothing it may point to)."""
    return separated(arch, [*o.accessed, *r.accessed])


def separated(arch: Arch, accessed: list[tuple[z3.BitVecRef, int]]) -> list[z3.BoolRef]:
    """The separation assumption for these accesses (see `separation`)."""
    sp_name = arch.sp.upper()
    sp0 = z3.BitVec(sp_name, arch.bits)
    memo: dict[int, bool] = {}
    out = []
    for a, size in accessed:
        # constant addresses too: kernel globals are not on the stack
        if mentions(a, sp_name, memo):
            continue
        out.append(z3.And(z3.Not(dead(a, sp0)), z3.Not(dead(a + (size - 1), sp0))))
    return out


def _exit_desc(st: PathState) -> str:
    return st.end or "running"


def faulted(o: PathState, r: PathState) -> bool:
    """Both paths stop on the same exception. The interrupted context (the
    registers, the stack pointer and the faulting address in the exception
    frame) then differs by construction between a called and an inlined
    sequence: the call pushed a return address and faults inside the callee.
    What the two runs did to the machine (memory, system state, side effects,
    flags) is still compared; the context is not. Two paths that both spin forever
    without reading memory (lift._repeats) are compared the same way: neither
    reaches its caller again,
    and an interrupt taken while they spin sees memory and system state, and an
    interrupted context that differs by construction."""
    return o.end == r.end and o.end is not None and o.end.startswith(("fault", "trap", "spin"))


def leaves_elsewhere(o: PathState, r: PathState, site_exit: int | None) -> z3.BoolRef | None:
    """When both paths stop somewhere other than the site's end (None: never)."""
    if o.end != r.end or o.end is None:
        return None  # the stop kinds differ: that alone is an observable
    if o.end.startswith("left-kernel"):
        return z3.BoolVal(True)
    if o.end == "exit" and site_exit is not None and o.exit_pc is not None:
        e = z3.simplify(o.exit_pc != site_exit)
        return None if z3.is_false(e) else e
    return None


def collect(arch: Arch, o: PathState, r: PathState, clobbers: frozenset[str],
            returns: tuple[ReturnSlot, ...], site_exit: int | None = None) -> list[Observable]:
    """Every observable of the pair (o, r) of finished paths."""
    obs: list[Observable] = []

    def value(name: str, a: z3.BitVecRef, b: z3.BitVecRef) -> None:
        if not a.eq(b):
            obs.append(Observable(name, a != b, a, b))

    # where control went
    if o.end != r.end:
        obs.append(Observable("exit", z3.BoolVal(True), _exit_desc(o), _exit_desc(r), "exit"))
    elif o.end == "exit":
        obs.append(Observable("exit address", o.exit_pc != r.exit_pc, o.exit_pc, r.exit_pc, "exit"))
    elif o.exit_pc is not None and r.exit_pc is not None:  # sysret/sysexit: where user mode resumes
        value("landing RIP", o.exit_pc, r.exit_pc)

    # side effects, in order
    if [e.kind for e in o.trace] != [e.kind for e in r.trace] or any(
        len(a.args) != len(b.args) for a, b in zip(o.trace, r.trace, strict=False)
    ):
        obs.append(Observable("side effects", z3.BoolVal(True), _trace_text(o), _trace_text(r), "trace"))
    else:
        for i, (a, b) in enumerate(zip(o.trace, r.trace, strict=True)):
            for j, (x, y) in enumerate(zip(a.args, b.args, strict=True)):
                name = f"side effect #{i + 1} {a.kind} argument {j + 1}"
                if x.size() != y.size():  # e.g. an 8-bit against a 16-bit port write
                    obs.append(Observable(name, z3.BoolVal(True), x, y))
                else:
                    value(name, x, y)

    # returned value, projected by type, and the preserved registers and stack
    # pointer; not when both paths stop on the same exception (see faulted)
    for slot in () if faulted(o, r) else returns:
        a, b = _bytes_of(o.reg(slot.reg), slot.observed), _bytes_of(r.reg(slot.reg), slot.observed)
        if a is not None:
            value(f"return value in {slot.reg}" + _bytes_label(slot), a, b)
    for g in () if faulted(o, r) else arch.gprs:
        if g in clobbers and g != arch.sp:
            continue
        value(g, o.reg(g), r.reg(g))

    # Leaving anywhere but the site's end (a jump out of the mapped code, a
    # return to an address the code computed, sysret/iret to user mode): what
    # runs next is not the caller whose convention lets registers be
    # clobbered, so the clobbered registers and arithmetic flags count too.
    elsewhere = leaves_elsewhere(o, r, site_exit)
    if elsewhere is not None:
        for g in arch.gprs:
            a, b = o.reg(g), r.reg(g)
            if g in clobbers and g != arch.sp and not a.eq(b):
                obs.append(Observable(g, z3.And(elsewhere, a != b), a, b))
        for f in ARITH_FLAGS:
            a, b = o.flag(f), r.flag(f)
            if not a.eq(b):
                obs.append(Observable(f.upper(), z3.And(elsewhere, a != b), a, b))

    # DF and the system flags
    for f in ("df", *SYSTEM_FLAGS):
        value(f.upper(), o.flag(f), r.flag(f))

    # control registers, segment bases
    for cr in CONTROL_REGS:
        if cr == "cr8" and arch.bits == 32:
            continue
        value(cr, o.reg(cr), r.reg(cr))
    value("FS base", o.reg("FS_OFFSET"), r.reg("FS_OFFSET"))
    value("GS base", o.reg("GS_OFFSET"), r.reg("GS_OFFSET"))
    value("swapped GS base (KERNEL_GS_BASE)", o.kernel_gs_base, r.kernel_gs_base)
    value("XCR0", o.xcr0, r.xcr0)

    # any other register either path wrote (segment selectors, vector registers)
    layout = o.inputs.layout
    covered = {layout.locate(*layout.by_name[n.upper()]).offset
               for n in (*arch.gprs, *CONTROL_REGS[: 4 if arch.bits == 32 else 5],
                         "FS_OFFSET", "GS_OFFSET")}
    for off in sorted(set(o.regs) | set(r.regs)):
        c = layout.locate(off, 1)
        if off in covered or c.name in _NOT_STATE or c.name in _FLAG_CONTAINERS:
            continue
        value(c.name, o.read_varnode(off, c.size), r.read_varnode(off, c.size))

    # MSRs
    if not o.msr.eq(r.msr):
        j = z3.BitVec("differing_msr", 32)
        a, b = z3.Select(o.msr, j), z3.Select(r.msr, j)
        obs.append(Observable("MSR", a != b, a, b, "msr"))

    # memory outside the dead stack: contents and which bytes were stored.
    # (A path that separation lets skip an alias case does not matter here:
    # every written address is an access the separation assumption covers.)
    # Only a byte some path wrote can differ (others still hold the shared
    # initial value), so the comparison runs over the written addresses.
    sp0 = z3.BitVec(arch.sp.upper(), arch.bits)
    seen: set[int] = set()
    for w, _ in (*o.mem_writes, *r.mem_writes):
        if w.get_id() in seen:
            continue
        seen.add(w.get_id())
        live = z3.Not(dead(w, sp0))
        if elsewhere is not None:
            # code that runs on from elsewhere owns the stack from its stack
            # pointer up: what was pushed there (a return address) is its data
            sp = o.reg(arch.sp)
            live = z3.Or(live, z3.And(elsewhere, z3.ULT(w - sp, sp0 - sp)))
        live = z3.simplify(live)
        if z3.is_false(live):
            continue
        a, b = o.read_byte(w), r.read_byte(w)
        wa, wb = _written(o, w), _written(r, w)
        diff = z3.And(live, z3.Or(a != b, wa != wb))
        obs.append(Observable("memory", diff, a, b, "memory", address=w, stored=(wa, wb)))
    return obs


def _bytes_label(slot: ReturnSlot) -> str:
    width = max(slot.observed) + 1 if slot.observed else 0
    return f" (bytes {sorted(slot.observed)})" if len(slot.observed) != width else ""


def _trace_text(st: PathState) -> str:
    return "; ".join(e.text or e.kind for e in st.trace) or "(none)"
