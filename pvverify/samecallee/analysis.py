"""The fixpoint: every instruction of the function and its callees, stepped over
abstract states until nothing changes, refusing whatever could reach the slot."""

from __future__ import annotations

import heapq

import capstone
from capstone import x86

from pvverify.program import Program, Region
from pvverify.samecallee.abstract_state import Ctx, State, Work, join_states
from pvverify.samecallee.assumptions import ORDER, TRAP, NoProof, Proof
from pvverify.samecallee.flow import Control
from pvverify.samecallee.instructions import (
    BIG,
    CALLEE_SAVED,
    EXTENDS,
    HYPERCALLS,
    JCC,
    MOVES,
    NO_EFFECT,
    READS_ONLY,
    REFUSE,
    SIZE,
    STRING,
    TABLES,
    TRAPS,
    addrs_read_value,
    att,
    full_reg,
    pure_write,
    undecoded,
)
from pvverify.samecallee.integers import Integers
from pvverify.samecallee.memory import Memory
from pvverify.samecallee.stack import Stack
from pvverify.samecallee.summaries import Summaries
from pvverify.samecallee.values import (
    N,
    arith,
    const,
    join_all,
    piece,
    stacky,
)
from pvverify.util import budget
from pvverify.x86.arch import Arch
from pvverify.x86.decode import decoder


class _Names:
    """A capstone decoder whose reg_name is remembered (the rules ask it hundreds of
    thousands of times, and capstone's answers through ctypes)."""

    def __init__(self, md) -> None:
        self._md = md
        self._names: dict[int, str] = {}

    def reg_name(self, r: int) -> str:
        name = self._names.get(r)
        if name is None:
            name = self._names[r] = self._md.reg_name(r)
        return name

    def __getattr__(self, attr: str):
        return getattr(self._md, attr)


class Analysis(Summaries, Memory, Control, Stack, Integers):
    """One run of the analysis over `entry` as `program` lays out the code: the driver
    and the per-instruction dispatch here, callee summaries in Summaries (summaries.py),
    registers and memory in Memory (memory.py),
    branches, calls and returns in Control (control.py), the stack-pointer rules in
    Stack (stack.py), exact and bounded integers in Integers (integers.py), and
    everything else in the generic step below."""

    MAX_VISITS = 1_000_000
    MAX_DEPTH = 24

    def __init__(self, program: Program, entry: int, preset: dict[int, bytes],
                 forbidden: tuple[int, int], max_visits: int | None = None, baseline: bool = False,
                 summaries: bool | None = None) -> None:
        self.max_visits = self.MAX_VISITS if max_visits is None else max_visits
        # the analysis before callee summaries (issue 22): every callee in every calling
        # context, loop heads widened by values.join alone (the benchmarks' reference);
        # `summaries` False alone: the widening without them (benchmarks/bench_summaries)
        self.baseline = baseline
        self.summaries = not baseline if summaries is None else summaries
        self.visits = 0
        self.p, self.entry = program, entry
        self.arch: Arch = program.arch
        self.w = self.arch.width
        self.bits = self.arch.bits
        self.sp = self.arch.sp
        self.preset = preset
        self.forbidden = forbidden  # code F must never reach (the site)
        self.md = _Names(decoder(self.arch))
        self._insns: dict[int, capstone.CsInsn] = {}
        self.retpolines = dict(program.indirect_thunks)
        self.assumptions: dict[str, None] = {}
        self.functions: set[int] = {entry}
        self.thresholds: tuple[int, ...] = ()  # imm - 1 and imm of every `cmp reg, imm` met
        self.heads: set[int] = set()  # targets of backward jumps: where small integers widen
        self._regions: dict[int, Region | None] = {}
        self._static: dict[int, tuple] = {}  # _operands_of, per instruction address
        self.pcs: set[int] = set()  # instructions analysed
        self._store: dict[tuple, list] = {}  # summaries: (callee, key) -> [(footprint, {entry: Summary})]
        self._runs: list = []  # the summaries being made, innermost last
        self._lives: dict[tuple, object] = {}  # call context -> its own summary's run, to go on with
        self._unsummarised: set[int] = set()  # callees a summary failed for
        self._small: set[int] = set()  # callees analysed in context: summarising costs more
        self._made: list = []  # every summary's run (Summaries._forget)
        self._pollution: dict = {}  # frames.Run.polluted's, per caller entry and stores
        self._ctx: Ctx = ()
        self._peeking = False  # answering a lookup, recording nothing
        self._size = 0  # the size of the store in progress (Summaries._spliced)

    # -- driver
    def run(self) -> Proof:
        start = State(0, {self.sp: ("s", 0)}, {},
                      pristine=(frozenset(CALLEE_SAVED[self.bits] - {self.sp}),))
        work = Work(0)
        self._push(work.pending, work.order, self.entry, (), start)
        try:
            self._fixpoint(work)
        finally:
            self._forget()
        return Proof(len(self.functions), len(self.pcs),
                     sorted(self.assumptions, key=lambda a: ORDER.get(a, len(ORDER))))

    def _fixpoint(self, work: Work) -> None:
        """Chaotic iteration in address order until nothing is pending: every state
        reaching a node is joined into one pending state before the node is stepped,
        and the pending node with the lowest (call context, address) goes first, so the
        two arms of a branch meet at their join point before the code after it runs
        once (a last-in first-out worklist ran that code again for every arm, and loop
        bodies again for every path into them). A call into analysed code goes to its
        summary where it has one (summaries.py), else into its own context."""
        states, pending, order = work.states, work.pending, work.order
        while order:
            node = heapq.heappop(order)
            ctx, pc = node[0], node[1]
            st = pending.pop(node)
            old = states.get(node)
            if old is not None:
                new = self._merge(pc, old, st)
                if new.same(old):
                    continue
                st = new
            states[node] = st
            work.fresh.add(node)
            self.pcs.add(pc)
            self.visits += 1
            if self.visits > self.max_visits:
                raise NoProof(f"analysis bound: the fixpoint was not reached in {self.max_visits} "
                              "instruction visits")
            if self.visits % 256 == 0:
                budget.usage().fixpoint_visits += 256
                budget.tick()  # the wall-clock safety net: SafetyLimit, not a refusal
            if self.summaries and len(ctx) > work.depth and pc == ctx[-1][2]:
                # a callee's entry, reached from its call(s) in the caller's context (and
                # joined, as the address order has the caller's paths to it arrive first):
                # its summary's exit state at the return address, where it has one
                out = self._summarised(ctx[:-1], ctx, st.copy())
                if out is not None:
                    for spc, sctx, sst in out:
                        self._push(pending, order, spc, sctx, sst)
                    continue
            for spc, sctx, sst in self.step(pc, ctx, st.copy()):
                if len(sctx) < work.depth:
                    work.exits.append(sst)
                else:
                    self._push(pending, order, spc, sctx, sst)

    def _push(self, pending: dict, order: list, pc: int, ctx: Ctx, st: State) -> None:
        node = (ctx, pc, st.phase or ())
        waiting = pending.get(node)
        if waiting is None:
            pending[node] = st
            heapq.heappush(order, node)
        else:
            pending[node] = self._merge(pc, waiting, st)

    def _merge(self, pc: int, old: State, st: State) -> State:
        if old.sp != st.sp:
            raise NoProof(f"the stack pointer at {pc:#x} is not fixed "
                          f"({old.sp:+d} and {st.sp:+d} from entry)")
        return join_states(old, st, self.thresholds if pc in self.heads else None, not self.baseline)

    def region_of(self, pc: int) -> Region | None:
        """Program.region_of, remembered (the analysis asks about the same few
        hundred addresses millions of times)."""
        try:
            return self._regions[pc]
        except KeyError:
            r = self._regions[pc] = self.p.region_of(pc)
            return r

    def insn(self, pc: int) -> capstone.CsInsn:
        i = self._insns.get(pc)
        if i is not None:
            return i  # decoded, and checked to lie in its region, before
        code = self.p.fetch(pc, 15)
        i = next(self.md.disasm(code, pc, count=1), None) if code else None
        if i is None and code:
            i = undecoded(code, pc, self.bits)
        if i is None:
            if self.forbidden[0] <= pc < self.forbidden[1]:
                raise NoProof(f"reaches the patch site's own code at {pc:#x}")
            if self.region_of(pc) is None:
                past = any(lo <= pc < hi for lo, hi in self.p.unloaded)
                raise NoProof(f"continues into code at {pc:#x} that "
                              + ("was not loaded (callee bound)" if past else "is not available"))
            raise NoProof(f"cannot decode the bytes at {pc:#x}")
        if self.forbidden[0] <= pc < self.forbidden[1]:
            raise NoProof(f"reaches the patch site's own code at {pc:#x}")
        if len(self.p.fetch(pc, i.size)) < i.size:
            raise NoProof(f"`{att(i, self.bits)}` at {pc:#x} runs past its code region")
        self._insns[pc] = i
        return i

    # -- values
    def step(self, pc: int, ctx: Ctx, st: State) -> list[tuple[int, Ctx, State]]:
        self._ctx = ctx
        pending, st.cmp = st.cmp, None  # flags last set by `cmp reg, imm`, for a jcc right after
        if pc in self.p.return_thunks:
            return self._ret(ctx, st, None, 0, pc)
        if pc in self.retpolines:
            # the `jmp *%reg` a retpoline is: a call through it was resolved at the call
            r = self.retpolines[pc]
            v = self.reg(st, r)
            if v[0] != "c":
                return self._tail_unknown(ctx, st, f"a jump through the %{r} retpoline at {pc:#x}",
                                          "a target that is not fixed")
            return [(v[1], ctx, st)]
        ins = self.insn(pc)
        nxt = pc + ins.size
        mn = ins.mnemonic.split()[-1]
        if mn in NO_EFFECT or mn.startswith("nop"):
            return [(nxt, ctx, st)]
        if mn in ("std", "cld"):
            st.df = mn == "std"
            return [(nxt, ctx, st)]
        if mn in TRAPS:
            self.assumptions[TRAP] = None
            return []
        if mn in HYPERCALLS:
            return self._hypercall(ctx, st, ins, nxt)
        if mn in REFUSE:
            raise NoProof(f"`{att(ins, self.bits)}` at {pc:#x} is not analysed by this method")
        ops = ins.operands
        if mn == "jmp" or mn in JCC or mn.startswith("j") and mn not in ("jmp",) and len(ops) == 1 \
                and ops[0].type == x86.X86_OP_IMM:
            return self._jump(pc, ctx, st, ins, mn, nxt, pending)
        if mn == "call":
            return self._call(ctx, st, ins, nxt)
        if mn == "ret":
            return self._ret(ctx, st, ins, ops[0].imm if ops else 0, pc)
        if mn in ("iret", "iretd", "iretq"):
            return self._iret(ctx, st, ins, mn)
        for rule in RULES.get(mn) or (SETCC if mn.startswith("set") else ()):
            out = rule(self, st, ins, ops, ctx, nxt)
            if out is not None:
                return out
        string = mn in STRING and not any(o.type == x86.X86_OP_REG and "mm" in self.md.reg_name(o.reg)
                                          for o in ops)
        return self._generic(st, ins, ctx, nxt, string=string)

    def _operands_of(self, ins) -> tuple:
        """What _generic needs of an instruction that does not depend on the state
        (computed once per address: capstone's register queries are slow)."""
        mn = ins.mnemonic.split()[-1]
        reads, writes = ins.regs_access()
        rnames = {self.md.reg_name(r) for r in reads}
        wnames = [self.md.reg_name(r) for r in writes]
        mem_ops = [o for o in ins.operands if o.type == x86.X86_OP_MEM]
        if mn in ("clflush", "invlpg"):
            mem_ops = []
        bases = {self.md.reg_name(o.mem.base) for o in mem_ops if o.mem.base} | \
                {self.md.reg_name(o.mem.index) for o in mem_ops if o.mem.index}
        writes_sp = any(full_reg(r, self.bits) == self.sp for r in wnames)
        sp_as_data = any(o.type == x86.X86_OP_REG and full_reg(self.md.reg_name(o.reg), self.bits) == self.sp
                         for o in ins.operands)
        implicit_sp = any(full_reg(r, self.bits) == self.sp for r in rnames - bases) and not sp_as_data
        # MOVZX/MOVSX/MOVSXD into a 32- or 64-bit register write all of it (SDM Vol. 2B:
        # a 32-bit destination is zero-extended in 64-bit mode); into 16 bits they keep
        # the rest, so the old value flows on
        pure = pure_write(mn) or mn in EXTENDS and ins.operands[0].type == x86.X86_OP_REG \
            and ins.operands[0].size >= 4
        explicit = {self.md.reg_name(o.reg) for i, o in enumerate(ins.operands)
                    if o.type == x86.X86_OP_REG and not (i == 0 and pure)}
        dest = {self.md.reg_name(ins.operands[0].reg)} if ins.operands and pure \
            and ins.operands[0].type == x86.X86_OP_REG else set()
        # a register used only to address memory is not data, nor one only written
        data = explicit | (rnames - bases - dest)
        return mn, wnames, mem_ops, pure, data, writes_sp or implicit_sp

    def _generic(self, st: State, ins, ctx: Ctx, nxt: int, string: bool = False):
        """Any other instruction, with or without modelled semantics: its outputs are
        some function of its inputs. Every memory operand may be read and written."""
        info = self._static.get(ins.address)
        if info is None:
            info = self._static[ins.address] = self._operands_of(ins)
        mn, wnames, mem_ops, pure, data, uses_sp = info
        if uses_sp:
            # an implicit stack access, or a stack pointer change not modelled here
            raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} uses the stack in a way "
                          "this method does not model")
        count = self.reg(st, "ecx" if self.bits == 32 else "rcx")
        inputs = [self.reg(st, r) for r in data]
        inputs = [arith(v) for v in inputs]
        addrs = []
        for o in mem_ops:
            a = self.address(st, ins, o.mem)
            size = 1 << 20 if mn in BIG else SIZE.get(mn, max(o.size, 1))
            if mn in TABLES:
                size = 10 if self.bits == 64 else 6
            if string and a[0] == "s" and ins.prefix[0] in (0xF2, 0xF3):
                # a repeated string instruction over the stack: bounded when the count
                # is a constant; either direction (DF may have been set)
                n = self.reg(st, "ecx" if self.bits == 32 else "rcx")
                if (n[0] != "c" or n[1] > 1 << 16) and a[1] < 0:
                    a = arith(a)  # a memset or memcpy of a stack object (STACK_OBJECT)
                elif n[0] != "c" or n[1] > 1 << 16:
                    raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} repeats a string "
                                  "instruction over the stack a number of times not fixed")
                elif st.df:
                    a, size = ("s", a[1] - max(n[1] - 1, 0) * size), max(2 * n[1] - 1, 1) * size
                else:
                    size = max(n[1], 1) * size
            elif string and a[0] in ("a", "sn"):
                raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} is a string instruction "
                              "over the stack at an offset not fixed")
            if a[0] in ("s", "sn") and size >= (1 << 16):
                raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} accesses a stack area "
                              "of a size this method does not bound")
            # written: the destination (Intel order puts it first), or what capstone
            # marks written, or both operands of an exchange
            if (o is ins.operands[0] and mn not in READS_ONLY) or o.access & capstone.CS_AC_WRITE \
                    or mn == "xchg":
                addrs.append((a, size))
            v = self.load(st, ins, a, size)  # refuses the slot, whether read or written
            if not (o is ins.operands[0] and pure):
                inputs.append(arith(v))
        out = join_all(inputs) if inputs else N
        if mn in MOVES and len(data) == 1 and len(ins.operands) == 2 and not addrs_read_value(ins):
            # a narrow copy of a register: a piece of a stack address is no address
            v = self.reg(st, next(iter(data)))
            out = piece(v) if stacky(v) and v[0] != "a" and self.bits == 64 else arith(v)
        if out[0] in ("c", "i"):
            out = N
        for a, size in addrs:  # written with the old value or something from the inputs
            self.store(st, ins, a, size, out)
        for r in wnames:
            if r in ("rflags", "eflags", "flags", "rip", "eip"):
                continue
            if r in ("ss",):
                raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} loads the stack segment")
            full = full_reg(r, self.bits)
            if string and full[1:] == "cx" and ins.prefix[0] in (0xF2, 0xF3):
                v = const(0) if mn[:4] in ("movs", "stos", "lods") else N  # the count runs out
            elif string and full[1:] in ("di", "si"):
                # the pointer moves on by the count of elements
                v = self.reg(st, full)
                rep = ins.prefix[0] in (0xF2, 0xF3)
                step = ins.operands[0].size
                if v[0] == "s" and not st.df and (not rep or count[0] == "c") \
                        and not mn.startswith(("cmps", "scas")):
                    v = ("s", v[1] + step * (count[1] if rep else 1))
                else:
                    v = arith(v)
            else:
                v = out
            self.set_reg(st, r, v, ins)
        return [(nxt, ctx, st)]



# The rules (stack.py, integers.py) tried for a mnemonic, in order; the first that
# matches the form steps the instruction, else the generic step does.
_S, _I = Stack, Integers
_WORD_ADD = (_S._on_add_to_stack_address, _I._on_small_int_add, _I._on_word_add)
RULES = {
    "push": (_S._on_segment_push_pop, _S._on_push),
    "pop": (_S._on_segment_push_pop, _S._on_pop),
    **dict.fromkeys(("pushfq", "pushfd", "pushf", "pushw"), (_S._on_push,)),
    **dict.fromkeys(("popfq", "popfd", "popf", "popw"), (_S._on_pop,)),
    "leave": (_S._on_leave,),
    "mov": (_I._on_canary, _S._on_word_move, _I._on_small_int_copy, _I._on_move_immediate),
    **dict.fromkeys(("movabs", "movq", "movl"), (_I._on_canary, _S._on_word_move)),
    "lea": (_I._on_lea,),
    "test": (_I._on_test_self,),
    "cmp": (_I._on_compare_immediate,),
    "add": _WORD_ADD,
    "sub": (_I._on_canary, *_WORD_ADD, _I._on_address_difference, _I._on_zeroing),
    "and": (_S._on_realign,),
    "xor": (_I._on_canary, _I._on_zeroing),
    **dict.fromkeys(("movsb", "movsw", "movsd", "movsq"), (_S._on_string_copy,)),
}
SETCC = (_I._on_setcc,)


def analyse(program: Program, entry: int, preset: dict[int, bytes],
            forbidden: tuple[int, int], max_visits: int | None = None, baseline: bool = False) -> Proof:
    """Prove `entry`'s function independent of its return-address slot; raises NoProof.
    Code that aligns the stack pointer is analysed once per residue of the entry
    stack pointer modulo the alignment (from the `and` to its function's return),
    residues that are multiples of the width (STACK_ALIGNED, stated when used).
    `max_visits` bounds the whole analysis in instruction visits (work, not time: the
    same input reaches the bound or not on any machine); reaching it is a refusal.
    Callees are analysed once per abstract entry state in their own frame where
    that is their analysis in the caller's context (summaries.py says when and why);
    `baseline=True` analyses every callee in every calling context and widens loop
    heads by values.join alone, as before: the benchmarks' reference."""
    an = Analysis(program, entry, preset, forbidden, max_visits=max_visits, baseline=baseline)
    try:
        return an.run()
    finally:
        budget.usage().fixpoint_visits += an.visits % 256


