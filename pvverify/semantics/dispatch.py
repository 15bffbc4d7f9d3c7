"""Where an instruction's meaning comes from: pvverify's own semantics, the
lifter, or nowhere (then the path is unmodelled and the verdict `unknown`).

System instructions are decided by mnemonic and routed to the family modules
beside this one. Ordinary instructions go to P-code only if their mnemonic is
on `PCODE_CHECKED`, the list that tests/test_semantics_unicorn.py compares
against unicorn; everything else, including every privileged instruction not
handled here, is refused by name rather than lifted and trusted.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from pvverify.semantics import (
    arith,
    atomic,
    cache,
    control,
    cpuid,
    exits,
    flags,
    fresh,
    msr,
    pcode,
    ports,
    segments,
    tables,
    xsave,
)
from pvverify.semantics.operands import Insn, reg_operand_name
from pvverify.semantics.state import PathState, Unmodelled

Handler = Callable[[PathState, Insn], None]

SYSTEM: dict[str, Handler] = {
    **flags.HANDLERS, **control.HANDLERS, **segments.HANDLERS, **msr.HANDLERS,
    **ports.HANDLERS, **cache.HANDLERS, **cpuid.HANDLERS, **exits.HANDLERS, **tables.HANDLERS,
    **xsave.HANDLERS, **atomic.HANDLERS, **fresh.HANDLERS,
}
# Exceptions a system instruction raises before it executes (SDM: the
# "Exceptions" sections), as (condition, end) pairs in the CPU's checking order.
FAULTS = {**exits.FAULTS, **segments.FAULTS, **xsave.FAULTS, **cache.FAULTS}
# Prefixed forms that are system instructions in their own right.
PREFIXED = frozenset(atomic.HANDLERS)

_CC = ("o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g")

# Ordinary (unprivileged, integer) instructions whose P-code has been checked
# against unicorn. Kept as an explicit list so that a new instruction is a
# decision, not an accident.
PCODE_CHECKED: frozenset[str] = frozenset(
    [
        # moves and stack
        "mov", "movabs", "movzx", "movsx", "movsxd", "lea", "xchg", "push", "pop", "bswap",
        "cbw", "cwde", "cdqe", "cwd", "cdq", "cqo", "leave", "movbe",
        # arithmetic and logic
        "add", "adc", "sub", "sbb", "cmp", "inc", "dec", "neg", "not", "and", "or", "xor",
        "test", "imul", "mul", "div", "idiv", "xadd",
        "shl", "sal", "shr", "sar", "rol", "ror", "shld", "shrd",
        "bt", "bts", "btr", "btc", "bsf", "bsr", "popcnt", "lzcnt", "tzcnt",
        # flags the program may set itself
        "clc", "stc", "cmc", "cld", "std", "lahf", "sahf",
        # control flow
        "jmp", "call", "ret", "nop", "endbr64", "endbr32", "jecxz", "jrcxz",
        # string operations (rep loops are bounded by the path limit)
        "movsb", "movsw", "movsd", "movsq", "stosb", "stosw", "stosd", "stosq",
        "lodsb", "lodsw", "lodsd", "lodsq",
    ]
    + [f"j{c}" for c in _CC] + [f"set{c}" for c in _CC] + [f"cmov{c}" for c in _CC]
    + ["jz", "jnz", "jc", "jnc", "setz", "setnz", "cmovz", "cmovnz"]
)

DIVISION = frozenset(["div", "idiv"])


def step(
    st: PathState, ins: Insn, feasible: Callable[[PathState], bool]
) -> list[tuple[PathState, z3.BitVecRef]]:
    """Execute one instruction; return each successor state with its next pc."""
    arch = st.inputs.arch
    fallthrough = z3.BitVecVal((ins.address + ins.size) & arch.mask, arch.bits)
    mn = ins.mnemonic
    if control.is_control_move(ins):
        results: list[tuple[PathState, z3.BitVecRef]] = []
        for fault, end in control.faults(st, ins):
            st = _fork_fault(st, fault, end, fallthrough, feasible, results)
            if st is None:
                return results
        change = control.tlb_change(st, ins)
        if change is not None:
            # the write invalidates TLB entries on the paths where it changes a
            # TLB-relevant bit (a trace event), and is plain state elsewhere
            flush = st.fork()
            flush.cond.append(change)
            st.cond.append(z3.Not(change))
            if feasible(flush):
                control.tlb_event(flush, ins)
                control.mov_cr(flush, ins)
                results.append((flush, fallthrough))
            if not feasible(st):
                return results
        control.mov_cr(st, ins)
        return results + [(st, fallthrough)]
    if mn == "iretq":
        landing = exits.iret_in_kernel(st, ins)
        if landing is not None:
            return [(st, landing)]
    handler = SYSTEM.get(mn)
    if handler is not None:
        if mn not in PREFIXED:
            _no_prefix_surprises(ins)
        results = []
        for fault, end in FAULTS.get(mn, lambda s, i: [])(st, ins):
            st = _fork_fault(st, fault, end, fallthrough, feasible, results)
            if st is None:
                return results
        handler(st, ins)
        if mn in flags.POPF:
            _assume_no_single_step(st, feasible)
        return results + [(st, fallthrough)]
    base = mn.split()[-1]  # "rep stosb" -> "stosb"
    if base not in PCODE_CHECKED:
        raise Unmodelled(f"`{ins.text}` has no modelled semantics")
    _one_prefix_per_group(ins)
    if _writes_segment_register(ins):
        # Loading a selector loads a descriptor: base, limit and (for SS) an
        # interrupt shadow, none of which the lifter models.
        raise Unmodelled(f"`{ins.text}`: segment register loads are not modelled")
    results = []
    if mn in DIVISION:
        st = _fork_fault(st, arith.division_fault(st, ins), "fault:#DE", fallthrough, feasible, results)
        if st is None:
            return results
    fixes = [f for f in (arith.af_fixup(st, ins), arith.undefined_flags(st, ins)) if f is not None]
    for s, npc in pcode.execute(st, ins.address, ins.code, ins.text, feasible):
        if s.end is None:
            for fix in fixes:
                fix(s)
        results.append((s, npc))
    return results


def _assume_no_single_step(st: PathState, feasible: Callable[[PathState], bool]) -> None:
    """POPF that loads TF = 1 makes the CPU trap (#DB) after the *next* instruction
    (SDM 17.3.1.4), a control transfer the model does not follow. Kernel flags
    never carry TF, so inputs that would set it are assumed away (check.ASSUMED);
    a popf that sets TF whatever the inputs is `unknown`, never silently dropped."""
    tf = z3.simplify(st.flag("tf") == 1)
    if z3.is_false(tf):
        return
    st.cond.append(z3.Not(tf))
    if z3.is_true(tf) or not feasible(st):
        raise Unmodelled("`popf` sets TF here: the single-step trap after the next "
                         "instruction is not modelled")


def _fork_fault(
    st: PathState, fault: z3.BoolRef, end: str, fallthrough: z3.BitVecRef,
    feasible: Callable[[PathState], bool], results: list[tuple[PathState, z3.BitVecRef]],
) -> PathState | None:
    """Split off the path where `fault` holds (it ends there); return the other, if feasible."""
    faulting = st.fork()
    faulting.cond.append(fault)
    if feasible(faulting):
        if end.startswith("stuck:"):  # the condition leads somewhere not modelled
            faulting.end, faulting.stuck = "stuck", f"{end[6:]} (at {st.pc:#x})"
        else:
            faulting.end = end
        results.append((faulting, fallthrough))
    st.cond.append(z3.Not(fault))
    return st if feasible(st) else None


_SEGMENTS = frozenset(["cs", "ds", "es", "fs", "gs", "ss"])


def _writes_segment_register(ins: Insn) -> bool:
    if ins.mnemonic.split()[-1] not in ("mov", "pop", "xchg"):
        return False
    ops = ins.operands
    return bool(ops) and reg_operand_name(ins, 0) in _SEGMENTS


_PREFIX_GROUPS = [frozenset([0xF0, 0xF2, 0xF3]), frozenset([0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65]),
                  frozenset([0x66]), frozenset([0x67])]


def _one_prefix_per_group(ins: Insn) -> None:
    """SLEIGH misreads repeated legacy prefixes (measured: `66 66 50` lifts as a
    4-byte push; the CPU pushes 2). The SDM makes more than one prefix from a
    group undefined or redundant; either way the lifting is not trusted."""
    seen = [0] * len(_PREFIX_GROUPS)
    for b in ins.code:
        hit = next((i for i, g in enumerate(_PREFIX_GROUPS) if b in g), None)
        if hit is None:
            break  # the opcode (or a REX prefix, which must come last)
        seen[hit] += 1
        if seen[hit] > 1:
            raise Unmodelled(f"`{ins.text}` ({ins.code.hex()}): more than one prefix of a group, "
                             "which the lifter does not decode as the CPU does")


def _no_prefix_surprises(ins: Insn) -> None:
    # A rep/lock prefix on a system instruction is either #UD or meaningless;
    # refuse rather than guess.
    if " " in ins.mnemonic:
        raise Unmodelled(f"`{ins.text}`: prefixed system instruction")
