"""pvverify's own semantics run on a concrete input state, producing the same
`Outcome` the unicorn oracle produces, so the two can be compared field by field.

This is how the model is checked against a CPU (tests/test_semantics_unicorn.py):
the program is executed symbolically once, the input state is pinned with
equalities, and the path whose condition holds is read out of the model.
"""

from __future__ import annotations

import z3

from pvverify.exploration.explorer import Explorer, Limits
from pvverify.program import Program, Region
from pvverify.semantics import tables
from pvverify.semantics.fresh import fresh_values
from pvverify.semantics.msr import read_msr
from pvverify.semantics.state import Inputs, PathState
from pvverify.x86.arch import CONTROL_REGS, FLAG_WIDTH, Arch
from pvverify.x86.bits import MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE
from pvverify.x86.machine import DEBUG_REGS, ConcreteState, Event, Outcome


def pin(inputs: Inputs, st: ConcreteState, port_reads: int = 8) -> list[z3.BoolRef]:
    """Equalities that fix every input of `inputs` to the values of `st`."""
    arch = inputs.arch
    layout = inputs.layout
    eqs: list[z3.BoolRef] = []
    for g in arch.gprs:
        eqs.append(z3.BitVec(g.upper(), arch.bits) == st.regs.get(g, 0))
    for f, w in FLAG_WIDTH.items():
        eqs.append(z3.BitVec(f.upper(), w) == st.flags.get(f, 0))
    for cr in CONTROL_REGS:
        if cr.upper() in layout.by_name:
            eqs.append(z3.BitVec(cr.upper(), 8 * layout.by_name[cr.upper()][1]) == st.cr.get(cr, 0))
    for dr in DEBUG_REGS:
        eqs.append(z3.BitVec(dr.upper(), arch.bits) == st.debug_register(dr) & arch.mask)
    for table in ("gdtr", "idtr"):
        whole = z3.BitVec(table.upper(), 8 * layout.by_name[table.upper()][1])
        lsize = layout.by_name[f"{table.upper()}_Limit"][1]
        limit, base = st.tables.get(f"{table}_limit", 0), st.tables.get(f"{table}_base", 0)
        eqs.append(z3.Extract(8 * lsize - 1, 0, whole) == limit & 0xFFFF)
        eqs.append(z3.Extract(whole.size() - 1, 8 * lsize, whole) == base & arch.mask)
    for sel in ("tr", "ldtr"):
        eqs.append(z3.BitVec(f"{sel.upper()}_SELECTOR", 16) == st.tables.get(sel, 0) & 0xFFFF)
    mask = arch.mask
    eqs.append(z3.BitVec("FS_OFFSET", arch.bits) == st.msrs.get(MSR_FS_BASE, st.msr_default) & mask)
    eqs.append(z3.BitVec("GS_OFFSET", arch.bits) == st.msrs.get(MSR_GS_BASE, st.msr_default) & mask)
    eqs.append(inputs.kernel_gs_base == st.msrs.get(MSR_KERNEL_GS_BASE, st.msr_default) & mask)
    eqs.append(inputs.xcr0 == st.xcr0)
    mem = z3.K(z3.BitVecSort(arch.bits), z3.BitVecVal(st.memory_default, 8))
    for a, v in st.memory.items():
        mem = z3.Store(mem, z3.BitVecVal(a & mask, arch.bits), z3.BitVecVal(v, 8))
    eqs.append(inputs.mem == mem)
    msr = z3.K(z3.BitVecSort(32), z3.BitVecVal(st.msr_default, 64))
    for i, v in st.msrs.items():
        msr = z3.Store(msr, z3.BitVecVal(i, 32), z3.BitVecVal(v, 64))
    eqs.append(inputs.msr == msr)
    for k in range(port_reads):
        v = st.port_inputs[k] if k < len(st.port_inputs) else st.port_input_default
        eqs.append(inputs.port_input(k) == v)
    leaf, sub = z3.BitVecs("cpuid_leaf cpuid_sub", 32)
    for i, fn in enumerate(inputs.cpuid):
        body = z3.BitVecVal(st.cpuid_default[i], 32)
        for (a, b), vals in st.cpuid.items():
            body = z3.If(z3.And(leaf == a, sub == b), z3.BitVecVal(vals[i], 32), body)
        eqs.append(z3.ForAll([leaf, sub], fn(leaf, sub) == body))
    return eqs


def run_model(arch: Arch, regions: list[tuple[int, bytes]], entry: int, exit_pc: int,
              state: ConcreteState, max_steps: int = 2000) -> Outcome:
    """Execute `regions` from `state` with pvverify's semantics."""
    prog = Program(arch, entry, exit_pc, tuple(Region(a, d, f"r{a:#x}") for a, d in regions))
    inputs = Inputs(arch)
    paths = Explorer(prog, inputs, [], Limits(max_steps=max_steps)).run(())
    s = z3.Solver()
    s.add(*pin(inputs, state))
    for p in paths:  # each path reads the state's stream of fresh values, in order
        for k, v in enumerate(fresh_values(p)):
            s.add(v == (state.fresh[k] if k < len(state.fresh) else state.fresh_default))
    if s.check() != z3.sat:
        raise RuntimeError("the pinned input state is inconsistent")
    m = s.model()
    for p in paths:
        if all(z3.is_true(m.eval(c, model_completion=True)) for c in p.cond):
            return _outcome(m, inputs, p, state)
    raise RuntimeError("no path's condition holds for this state")


def _outcome(m: z3.ModelRef, inputs: Inputs, p: PathState, st: ConcreteState) -> Outcome:
    arch = inputs.arch

    def ev(e: z3.ExprRef) -> int:
        return m.eval(e, model_completion=True).as_long()

    out = ConcreteState(msr_default=st.msr_default, memory_default=st.memory_default)
    out.xcr0 = ev(p.xcr0)
    for g in arch.gprs:
        out.regs[g] = ev(p.reg(g))
    for f in FLAG_WIDTH:
        out.flags[f] = ev(p.flag(f))
    for cr in CONTROL_REGS:
        if cr.upper() in inputs.layout.by_name:
            out.cr[cr] = ev(p.reg(cr))
    for dr in DEBUG_REGS:
        out.dr[dr] = ev(p.reg(dr))
    for table in ("gdtr", "idtr"):
        out.tables[f"{table}_base"] = ev(tables.part(p, f"{table.upper()}_Address"))
        out.tables[f"{table}_limit"] = ev(tables.part(p, f"{table.upper()}_Limit")) & 0xFFFF
    for sel in ("tr", "ldtr"):
        out.tables[sel] = st.tables.get(sel, 0) & 0xFFFF  # nothing modelled writes them
    idx = set(st.msrs) | {ev(e.args[0]) for e in p.trace if e.kind == "wrmsr"}
    if arch.bits == 64:  # the segment-base MSRs are always state (as the oracle reports them)
        idx |= {MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE}
    for i in idx:
        out.msrs[i] = ev(read_msr(p, z3.BitVecVal(i, 32)))
    out.memory = dict(st.memory)
    written: set[int] = set()
    for a, size in p.written:
        base = ev(a)
        written.update((base + i) & arch.mask for i in range(size))
    for a in written:
        out.memory[a] = ev(p.read_byte(z3.BitVecVal(a, arch.bits), separate=False))
    trace = [Event(e.kind, tuple(ev(x) for x in e.args)) for e in p.trace]
    stop = p.end or "running"
    exit_pc = ev(p.exit_pc) if p.exit_pc is not None else None
    if p.stuck:
        stop = f"unsupported: {p.stuck}"
    return Outcome(out, exit_pc, trace, written, stop)
