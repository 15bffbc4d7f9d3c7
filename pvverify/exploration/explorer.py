"""Symbolic execution of one program from the shared input state, path by path.

Decoding is capstone's; each instruction's meaning comes from
`semantics.dispatch`. A path ends when it reaches the program's exit, leaves
the mapped code (its exit address is then an observable), leaves the kernel
(sysret/sysexit/iret), traps, hits something unmodelled (`stuck`), or runs
past the step bound (`limit`). Branches fork only when both sides are
feasible under the path condition.
"""

from __future__ import annotations

import z3

from pvverify.exploration.observables import separated
from pvverify.program import Program
from pvverify.semantics import dispatch
from pvverify.semantics.operands import Insn
from pvverify.semantics.state import Inputs, PathState, Unmodelled
from pvverify.util import budget
from pvverify.util.budget import Limits  # noqa: F401 (where callers have always found it)
from pvverify.x86.bits import (
    CR0_CD,
    CR0_ET,
    CR0_NW,
    CR0_PE,
    CR0_PG,
    CR0_RESERVED,
    CR0_WP,
    CR4_CET,
    CR4_PAE,
    CR4_PCIDE,
    DR6_ONES,
    DR6_ZEROS,
    DR7_ONES,
    EFER_LMA,
    EFER_LME,
    EFER_RESERVED,
    MSR_EFER,
)
from pvverify.x86.decode import decoder


class PathBound(Exception):
    """Too many paths or instructions: the program is not explored completely."""


class Stuck(Exception):
    """A path reached something unmodelled and Limits.stop_when_stuck is set."""


def decode(program: Program, pc: int) -> Insn | None:
    code = program.fetch(pc, 15)
    if not code:
        return None
    for i in decoder(program.arch).disasm(code, pc, count=1):
        return Insn(i.address, i.size, i.mnemonic, i.op_str, bytes(i.bytes), i, program.arch.bits)
    return None


def entry_assumptions(inputs: Inputs) -> list[z3.BoolRef]:
    """What every kernel call site guarantees on entry (docs/domain.md 2): DF is clear,
    ring-0 code does not run in virtual-8086 mode, and TF is clear (a set TF
    single-steps into #DB after every instruction, and traps are not modelled).
    GDTR/IDTR limits are 16 bits: the wider slots P-code keeps them in start with
    their upper bits clear. And only states a CPU running the kernel can be in
    (`reachable`), so that no counterexample rests on an impossible state."""
    out = [z3.BitVec("DF", 1) == 0, z3.BitVec("VM", 1) == 0, z3.BitVec("TF", 1) == 0]
    for table in ("GDTR", "IDTR"):
        _, size = inputs.layout.by_name[f"{table}_Limit"]
        if size > 2:
            whole = inputs.layout.by_name[table][1]
            out.append(z3.Extract(8 * size - 1, 16, z3.BitVec(table, 8 * whole)) == 0)
    return out + reachable(inputs)




def reachable(inputs: Inputs) -> list[z3.BoolRef]:
    """The entry state is one a CPU running this kernel can be in (check.ASSUMED):

    - CR0: PE and PG set (the kernel runs protected, paged), ET set (hard-wired
      to 1 since the P6: SDM Vol. 3A 2.5), reserved bits clear, NW only with CD
      (the other combination is #GP to load), WP set when CR4.CET is.
    - CR4 (x86_64): PAE set (IA-32e mode requires it: SDM Vol. 3A 9.8.5),
      bits 63:33 clear (bit 32 is FRED on recent CPUs). CR4 (i386): PCIDE clear
      (settable only in IA-32e mode).
    - CR3 (x86_64): bit 63 clear (never stored: SDM MOV CR), bits 60:52 clear
      (above any MAXPHYADDR, below the LAM bits). CR8: bits 63:4 clear.
    - IA32_EFER: LME and LMA set in x86_64, clear in i386; reserved bits clear.
    - DR6/DR7: the bits the SDM fixes (DR6 4-10 and 17-31 set, 12 clear, DR7 10
      set, both 63:32 clear), as control.py writes them.
    - XCR0: x87 set, the consistency rules of XSETBV, only supported bits.
    - RFLAGS: reserved bits are not state here (PUSHF stores bit 1 set and the
      others clear, SDM Vol. 1 3.4.3); VM clear (above); RF clear: the processor
      clears it after every instruction that completes (SDM Vol. 3B 18.3.1.1),
      the call that reached the site included.
    """
    from pvverify.semantics.xsave import valid_xcr0

    arch = inputs.arch
    long = arch.bits == 64
    w = arch.bits
    cr0, cr3, cr4 = (z3.BitVec(n, w) for n in ("CR0", "CR3", "CR4"))
    efer = z3.Select(inputs.msr, z3.BitVecVal(MSR_EFER, 32))

    def on(x: z3.BitVecRef, bits: int) -> z3.BoolRef:
        return x & bits == bits

    def off(x: z3.BitVecRef, bits: int) -> z3.BoolRef:
        return x & bits == 0

    out = [z3.BitVec("RF", 1) == 0, on(cr0, CR0_PE | CR0_PG | CR0_ET), off(cr0, CR0_RESERVED),
           z3.Implies(on(cr0, CR0_NW), on(cr0, CR0_CD)),
           z3.Implies(on(cr4, CR4_CET), on(cr0, CR0_WP)),
           off(efer, EFER_RESERVED)]
    if long:
        out += [z3.Extract(63, 32, cr0) == 0, on(cr4, CR4_PAE), z3.Extract(63, 33, cr4) == 0,
                z3.Extract(63, 63, cr3) == 0, z3.Extract(60, 52, cr3) == 0,
                z3.Extract(63, 4, z3.BitVec("CR8", 64)) == 0, on(efer, EFER_LME | EFER_LMA)]
    else:
        out += [off(cr4, CR4_PCIDE), off(efer, EFER_LME | EFER_LMA)]
    dr6, dr7 = z3.BitVec("DR6", w), z3.BitVec("DR7", w)
    out += [on(dr6, DR6_ONES), off(dr6, DR6_ZEROS), on(dr7, DR7_ONES)]
    if long:
        out += [z3.Extract(63, 32, dr6) == 0, z3.Extract(63, 32, dr7) == 0]
    leaf, sub = z3.BitVecVal(0xD, 32), z3.BitVecVal(0, 32)
    eax, _, _, edx = (f(leaf, sub) for f in inputs.cpuid)
    out.append(valid_xcr0(inputs.xcr0, z3.Concat(edx, eax)))
    return out


def initial_memory(inputs: Inputs, preset: tuple[tuple[int, bytes], ...]) -> z3.ArrayRef:
    """Input memory with the bytes every run starts from (the ops-table slot)."""
    arch = inputs.arch
    mem = inputs.mem
    for addr, data in preset:
        for i, b in enumerate(data):
            mem = z3.Store(mem, z3.BitVecVal((addr + i) & arch.mask, arch.bits), z3.BitVecVal(b, 8))
    return mem


def initial_state(inputs: Inputs, program: Program, preset: tuple[tuple[int, bytes], ...]) -> PathState:
    mem = initial_memory(inputs, preset)
    st = PathState(inputs=inputs, pc=program.entry, mem=mem, msr=inputs.msr,
                   kernel_gs_base=inputs.kernel_gs_base, xcr0=inputs.xcr0)
    st.window = st.flag("if") == 1
    return st


def _snapshot(st: PathState) -> tuple:
    """Everything the rest of a path depends on, but the path condition: a path
    that reaches a pc again in the same state runs the same instructions on the
    same values, and every branch it took is already in its condition, so it
    loops forever (no interrupts or other CPUs: check.ASSUMED). Memory and the
    trace are append-only lists, so equal lengths mean nothing was added. The
    number of accesses is kept apart: a loop that reads memory polls for a write
    by another CPU or a device, so it may leave after all (`_repeats`)."""
    return (dict(st.regs), len(st.mem_writes), len(st.trace), st.port_reads,
            st.kernel_gs_base, st.xcr0, st.msr, st.window, len(st.accessed))


def _same(a: tuple, b: tuple) -> bool:
    ra, rb = a[0], b[0]
    if a[1:4] != b[1:4] or ra.keys() != rb.keys():
        return False
    pairs = [(ra[k], rb[k]) for k in ra] + list(zip(a[4:-1], b[4:-1], strict=True))
    for x, y in pairs:
        if x is None or y is None:
            if x is not y:
                return False
        elif not x.eq(y):
            return False
    return True


def _repeats(st: PathState) -> str | None:
    """`spin` when the path is back at a pc in the same state and read no memory
    since (it never leaves), `spin:poll` when it read memory (it never leaves
    unless another CPU or a device writes what it reads): a decided difference
    from a path that leaves, but two polling paths are never proved equal
    (prove.prove), since they may leave at different writes."""
    snap = _snapshot(st)
    before = st.seen.get(st.pc)
    st.seen[st.pc] = snap
    if before is None or not _same(before, snap):
        return None
    return "spin" if before[-1] == snap[-1] else "spin:poll"


class Explorer:
    """Runs all paths of one program."""

    def __init__(self, program: Program, inputs: Inputs, assumptions: list[z3.BoolRef],
                 limits: Limits) -> None:
        self.program = program
        self.inputs = inputs
        self.assumptions = assumptions
        self.limits = limits
        self.visits = 0  # instructions stepped, all paths

    def feasible(self, st: PathState) -> bool:
        s = z3.Solver()
        s.add(*self.assumptions, *st.cond)
        # `unknown` (the resource bound) keeps the path: exploring more is sound
        return budget.check(s, self.limits.solver_rlimit) != z3.unsat

    def _resolve(self, st: PathState, npc: z3.BitVecRef) -> int | None:
        """A concrete next pc if the path condition forces one, else None."""
        npc = z3.simplify(npc)
        if z3.is_bv_value(npc):
            return npc.as_long()
        s = z3.Solver()
        # Under the separation assumption the verdict rests on anyway, a store
        # through an argument pointer cannot have hit the return address.
        s.add(*self.assumptions, *st.cond, *separated(self.inputs.arch, list(st.accessed)))
        if budget.check(s, self.limits.solver_rlimit) != z3.sat:
            return None
        v = s.model().eval(npc, model_completion=True).as_long()
        s.add(npc != v)
        return v if budget.check(s, self.limits.solver_rlimit) == z3.unsat else None

    def run(self, preset: tuple[tuple[int, bytes], ...]) -> list[PathState]:
        work = [initial_state(self.inputs, self.program, preset)]
        done: list[PathState] = []
        while work:
            budget.tick()
            if self.visits >= self.limits.max_visits:
                raise PathBound(f"exploration bound: more than {self.limits.max_visits} "
                                "instructions stepped over all paths")
            st = work.pop()
            for s in self._advance(st):
                if s.end is None:
                    work.append(s)
                else:
                    if s.stuck and self.limits.stop_when_stuck:
                        raise Stuck(s.stuck)
                    done.append(s)
                    if len(done) > self.limits.max_paths:
                        raise PathBound(f"more than {self.limits.max_paths} paths")
        return done

    def _advance(self, st: PathState) -> list[PathState]:
        """Execute one instruction (or end the path) and return the successors."""
        prog = self.program
        arch = self.inputs.arch
        if st.pc == prog.exit:
            st.end, st.exit_pc = "exit", z3.BitVecVal(st.pc, arch.bits)
            return [st]
        if st.pc in prog.return_thunks:
            ret = st.pop(arch.width)
            st.listing.append(f"{st.pc:#x}: <return thunk>")
            return self._goto(st, ret, None)
        reg = dict(prog.indirect_thunks).get(st.pc)
        if reg is not None:
            return self._through_retpoline(st, reg)
        spin = _repeats(st)
        if spin is not None:
            st.end = spin  # the same state at the same pc: it never leaves
            return [st]
        if st.steps >= self.limits.max_steps:
            st.end = "limit"
            st.stuck = f"path bound: more than {self.limits.max_steps} instructions (a loop?)"
            return [st]
        ins = decode(prog, st.pc)
        if ins is None:
            if any(lo <= st.pc < hi for lo, hi in prog.unloaded) and prog.region_of(st.pc) is None:
                st.end = "stuck"
                st.stuck = f"continues into code at {st.pc:#x} that was not loaded (callee bound)"
            elif prog.region_of(st.pc) is None:
                st.end, st.exit_pc = "exit", z3.BitVecVal(st.pc, arch.bits)
            else:
                st.end = "stuck"
                st.stuck = f"cannot decode the bytes at {st.pc:#x}: {prog.fetch(st.pc, 8).hex(' ')}"
            return [st]
        if ins.address + ins.size > st.pc + len(prog.fetch(st.pc, 15)):
            st.end, st.stuck = "stuck", f"`{ins.text}` at {st.pc:#x} runs past its code region"
            return [st]
        if_before = st.flag("if")
        st.listing.append(f"{ins.address:#x}: {ins.text}")
        try:
            results = dispatch.step(st, ins, self.feasible)
        except Unmodelled as e:
            st.end, st.stuck = "stuck", f"{e} (at {ins.address:#x})"
            return [st]
        self.visits += 1
        budget.usage().steps += 1
        out: list[PathState] = []
        for s, npc in results:
            s.steps += 1
            if_after = s.flag("if") == 1
            if ins.mnemonic == "sti":
                s.window = z3.And(if_after, z3.Or(if_before == 1, s.window))
            else:
                s.window = if_after
            if s.end is not None:
                out.append(s)
                continue
            out.extend(self._goto(s, npc, ins))
        return out

    def _through_retpoline(self, st: PathState, reg: str) -> list[PathState]:
        """A retpoline thunk (`__x86_indirect_thunk_<reg>`) transfers to %reg, as the
        `jmp *%reg` that the kernel may patch it into at boot; its stack games
        stay below the stack pointer, in memory no observer reads."""
        st.listing.append(f"{st.pc:#x}: <retpoline: jmp *%{reg}>")
        pc = self._resolve(st, st.reg(reg))
        if pc is None or self.program.region_of(pc) is None:
            where = "a target that is not fixed" if pc is None else f"{pc:#x}, whose code is not available"
            st.end, st.stuck = "stuck", f"indirect branch through the %{reg} retpoline to {where}"
            return [st]
        st.pc = pc
        return [st]

    def _goto(self, st: PathState, npc: z3.BitVecRef, ins: Insn | None) -> list[PathState]:
        pc = self._resolve(st, npc)
        if pc is None:
            if ins is not None and ins.mnemonic.startswith("call"):
                st.end, st.stuck = "stuck", f"`{ins.text}` calls a target that is not fixed"
            else:
                st.end, st.exit_pc = "exit", npc
            return [st]
        if (ins is not None and ins.mnemonic.startswith("call") and pc != self.program.exit
                and self.program.region_of(pc) is None):
            st.end = "stuck"
            bound = any(lo <= pc < hi for lo, hi in self.program.unloaded)
            why = "which was not loaded (callee bound)" if bound else "whose code is not available"
            st.stuck = f"`{ins.text}` calls {pc:#x}, {why}"
            return [st]
        st.pc = pc
        return [st]
