"""Symbolic execution of one program from the shared input state, path by path.

Decoding is capstone's; each instruction's meaning comes from
`semantics.dispatch`. A path ends when it reaches the program's exit, leaves
the mapped code (its exit address is then an observable), leaves the kernel
(sysret/sysexit/iret), traps, hits something unmodelled (`stuck`), or runs
past the step bound (`limit`). Branches fork only when both sides are
feasible under the path condition.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

import capstone
import z3

from pvverify.arch import Arch
from pvverify.observe import separated
from pvverify.program import Program
from pvverify.semantics import dispatch
from pvverify.semantics.operands import Insn
from pvverify.semantics.state import Inputs, PathState, Unmodelled


@dataclass(frozen=True)
class Limits:
    """Bounds that turn a proof attempt into `unknown` rather than a hang."""

    max_steps: int = 2000     # instructions on one path
    max_paths: int = 64       # finished paths per program
    solver_ms: int = 30000    # per solver query
    seconds: float = 60.0     # exploring one program, wall clock
    # Give up at the first path that reaches something unmodelled. Sound (the
    # verdict is unknown either way) but forgoes a counterexample on the other
    # paths; the gate uses it where both sides run the same function.
    stop_when_stuck: bool = False


class PathBound(Exception):
    """Too many paths: the program is not explored completely."""


class Stuck(Exception):
    """A path reached something unmodelled and Limits.stop_when_stuck is set."""


@cache
def _decoder(arch: Arch) -> capstone.Cs:
    cs = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64 if arch.bits == 64 else capstone.CS_MODE_32)
    cs.detail = True
    return cs


def decode(program: Program, pc: int) -> Insn | None:
    code = program.fetch(pc, 15)
    if not code:
        return None
    for i in _decoder(program.arch).disasm(code, pc, count=1):
        return Insn(i.address, i.size, i.mnemonic, i.op_str, bytes(i.bytes), i)
    return None


def entry_assumptions(inputs: Inputs) -> list[z3.BoolRef]:
    """What every kernel call site guarantees on entry (DOMAIN.md 2): DF is clear,
    ring-0 code does not run in virtual-8086 mode, and TF is clear (a set TF
    single-steps into #DB after every instruction, and traps are not modelled).
    GDTR/IDTR limits are 16 bits: the wider slots P-code keeps them in start with
    their upper bits clear."""
    out = [z3.BitVec("DF", 1) == 0, z3.BitVec("VM", 1) == 0, z3.BitVec("TF", 1) == 0]
    for table in ("GDTR", "IDTR"):
        _, size = inputs.layout.by_name[f"{table}_Limit"]
        if size > 2:
            whole = inputs.layout.by_name[table][1]
            out.append(z3.Extract(8 * size - 1, 16, z3.BitVec(table, 8 * whole)) == 0)
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
                   kernel_gs_base=inputs.kernel_gs_base)
    st.window = st.flag("if") == 1
    return st


class Explorer:
    """Runs all paths of one program."""

    def __init__(self, program: Program, inputs: Inputs, assumptions: list[z3.BoolRef],
                 limits: Limits) -> None:
        self.program = program
        self.inputs = inputs
        self.assumptions = assumptions
        self.limits = limits
        self.deadline = float("inf")  # set by run()

    def _solver_ms(self) -> int:
        """A query may use what is left of the exploration's time bound, no more:
        one slow query must not carry exploration far past it."""
        left = (self.deadline - time.monotonic()) * 1000
        return int(max(1, min(self.limits.solver_ms, left)))

    def feasible(self, st: PathState) -> bool:
        s = z3.Solver()
        s.set("timeout", self._solver_ms())
        s.add(*self.assumptions, *st.cond)
        return s.check() != z3.unsat  # `unknown` keeps the path: exploring more is sound

    def _resolve(self, st: PathState, npc: z3.BitVecRef) -> int | None:
        """A concrete next pc if the path condition forces one, else None."""
        npc = z3.simplify(npc)
        if z3.is_bv_value(npc):
            return npc.as_long()
        s = z3.Solver()
        s.set("timeout", self._solver_ms())
        # Under the separation assumption the verdict rests on anyway, a store
        # through an argument pointer cannot have hit the return address.
        s.add(*self.assumptions, *st.cond, *separated(self.inputs.arch, list(st.accessed)))
        if s.check() != z3.sat:
            return None
        v = s.model().eval(npc, model_completion=True).as_long()
        s.add(npc != v)
        return v if s.check() == z3.unsat else None

    def run(self, preset: tuple[tuple[int, bytes], ...]) -> list[PathState]:
        work = [initial_state(self.inputs, self.program, preset)]
        done: list[PathState] = []
        self.deadline = deadline = time.monotonic() + self.limits.seconds
        while work:
            if time.monotonic() > deadline:
                raise PathBound(f"time bound: exploring took more than {self.limits.seconds:g} s")
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
