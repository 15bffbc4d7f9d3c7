"""The fixpoint: every instruction of the function and its callees, stepped over
abstract states until nothing changes, refusing whatever could reach the slot."""

from __future__ import annotations

import heapq
import time

import capstone
from capstone import x86

from pvverify.arch import Arch
from pvverify.frame.assumptions import STACK_ALIGNED, STACK_OBJECT, TRAP, NoProof, Proof
from pvverify.frame.control import Control
from pvverify.frame.instructions import (
    BIG,
    CALLEE_SAVED,
    EXTENDS,
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
    segment_operand,
    undecoded,
)
from pvverify.frame.memory import Memory
from pvverify.frame.state import Ctx, State, join_states, touch
from pvverify.frame.values import (
    FLAGS,
    A,
    N,
    Q,
    arith,
    below,
    bounds,
    const,
    interval,
    ints,
    join_all,
    piece,
    stacky,
    stride,
)
from pvverify.kernel.closure import decoder
from pvverify.program import Program, Region


class Analysis(Memory, Control):
    """One run of the analysis over `entry` as `program` lays out the code: the driver
    and the per-instruction step here, registers and memory in Memory (memory.py),
    branches, calls and returns in Control (control.py)."""

    MAX_VISITS = 200_000
    MAX_DEPTH = 24

    def __init__(self, program: Program, entry: int, preset: dict[int, bytes],
                 forbidden: tuple[int, int], deadline: float | None = None) -> None:
        self.deadline = deadline  # time.monotonic() past which the analysis gives up
        self.p, self.entry = program, entry
        self.arch: Arch = program.arch
        self.w = self.arch.width
        self.bits = self.arch.bits
        self.sp = self.arch.sp
        self.preset = preset
        self.forbidden = forbidden  # code F must never reach (the site)
        self.md = decoder(self.arch)
        self._insns: dict[int, capstone.CsInsn] = {}
        self.retpolines = dict(program.indirect_thunks)
        self.assumptions: dict[str, None] = {}
        self.functions: set[int] = {entry}
        self._ctx: Ctx = ()
        self.thresholds: tuple[int, ...] = ()  # imm - 1 and imm of every `cmp reg, imm` met
        self.heads: set[int] = set()  # targets of backward jumps: where small integers widen
        self._regions: dict[int, Region | None] = {}
        self._static: dict[int, tuple] = {}  # _operands_of, per instruction address

    # -- driver
    def run(self) -> Proof:
        """Chaotic iteration in address order: every state reaching a node is joined
        into one pending state before the node is stepped, and the pending node with
        the lowest (call context, address) goes first, so the two arms of a branch
        meet at their join point before the code after it runs once (a last-in
        first-out worklist ran that code again for every arm, and loop bodies again
        for every path into them)."""
        states: dict[tuple, State] = {}
        pending: dict[tuple, State] = {}
        order: list[tuple] = []
        start = State(0, {self.sp: ("s", 0)}, {},
                      pristine=(frozenset(CALLEE_SAVED[self.bits] - {self.sp}),))
        self._push(pending, order, self.entry, (), start)
        visits = 0
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
            visits += 1
            if visits > self.MAX_VISITS:
                raise NoProof(f"analysis bound: more than {self.MAX_VISITS} instruction visits")
            if self.deadline is not None and visits % 256 == 0 and time.monotonic() > self.deadline:
                raise NoProof(f"time bound: the fixpoint was not reached in the time given "
                              f"({visits} instruction visits)")
            for spc, sctx, sst in self.step(pc, ctx, st.copy()):
                self._push(pending, order, spc, sctx, sst)
        return Proof(len(self.functions), len({n[1] for n in states}), list(self.assumptions))

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
        return join_states(old, st, self.thresholds if pc in self.heads else None)

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
        if mn in ("add", "sub") and len(ops) == 2 and ops[0].type == x86.X86_OP_MEM \
                and ops[1].type == x86.X86_OP_IMM and ops[0].size == self.w:
            # `addq $8, (%rsp)` after `push %rsp` (sync_core's iret frame): an exact stack
            # address in memory moves by the immediate and stays exact
            a = self.address(st, ins, ops[0].mem)
            v = self.load(st, ins, a, self.w)
            d = ops[1].imm if mn == "add" else -ops[1].imm
            if a[0] == "s" and v[0] == "s":
                self.store(st, ins, a, self.w, ("s", v[1] + d))
                return [(nxt, ctx, st)]
        if mn in ("push", "pop") and segment_operand(self.md, ops):
            # SDM Vol. 2B, PUSH/POP: the stack pointer moves by the operand size (the
            # mode's width, 2 with a 66 prefix); a push writes the selector in 2 bytes or
            # zero-extended, so the slot holds no address; POP SS (which also shadows
            # the next instruction) is not followed
            size = 2 if 0x66 in ins.prefix else self.w
            if mn == "push":
                self.set_reg(st, self.sp, ("s", st.sp - size), ins)
                self.store(st, ins, ("s", st.sp), 2, N)  # the rest: as it was
                return [(nxt, ctx, st)]
            if self.md.reg_name(ops[0].reg) == "ss":
                raise NoProof(f"`{att(ins, self.bits)}` at {pc:#x} pops the stack segment")
            self.load(st, ins, ("s", st.sp), size)
            self.set_reg(st, self.sp, ("s", st.sp + size), ins)
            return [(nxt, ctx, st)]
        if mn in ("push", "pushfq", "pushfd", "pushf", "pushw"):
            v = FLAGS if not ops and not st.df else N if not ops else self._value(st, ins, ops[0])
            size = self.w if not ops or ops[0].type == x86.X86_OP_IMM else ops[0].size
            self.set_reg(st, self.sp, ("s", st.sp - size), ins)
            self.store(st, ins, ("s", st.sp), size, v)
            if ops and ops[0].type == x86.X86_OP_REG and size == self.w \
                    and full_reg(self.md.reg_name(ops[0].reg), self.bits) in CALLEE_SAVED[self.bits]:
                st.saved = st.saved | {st.sp}
            return [(nxt, ctx, st)]
        if mn in ("pop", "popfq", "popfd", "popf", "popw"):
            size = ops[0].size if ops else self.w
            v = self.load(st, ins, ("s", st.sp), size)
            st.df = st.df or not ops and v != FLAGS  # popf may load DF = 1
            self.set_reg(st, self.sp, ("s", st.sp + size), ins)
            if ops:
                self._write(st, ins, ops[0], v)
            return [(nxt, ctx, st)]
        if mn == "leave":
            self.set_reg(st, self.sp, self.reg(st, "ebp" if self.bits == 32 else "rbp"), ins)
            v = self.load(st, ins, ("s", st.sp), self.w)
            self.set_reg(st, self.sp, ("s", st.sp + self.w), ins)
            self.set_reg(st, "ebp" if self.bits == 32 else "rbp", v, ins)
            return [(nxt, ctx, st)]
        if mn in STRING and not any(o.type == x86.X86_OP_REG and "mm" in self.md.reg_name(o.reg)
                                     for o in ops):
            return self._generic(st, ins, ctx, nxt, string=True)
        if mn in ("mov", "movabs", "movq", "movl") and len(ops) == 2 \
                and ops[0].size == ops[1].size == self.w \
                and ops[0].type in (x86.X86_OP_REG, x86.X86_OP_MEM) and not segment_operand(self.md, ops):
            to_sp = ops[0].type == x86.X86_OP_REG \
                and full_reg(self.md.reg_name(ops[0].reg), self.bits) == self.sp
            if to_sp and ops[1].type == x86.X86_OP_MEM and st.parked == (ops[1].mem.disp, st.sp):
                return self._switch(ctx, st, ins, nxt)
            src = full_reg(self.md.reg_name(ops[1].reg), self.bits) if ops[1].type == x86.X86_OP_REG else None
            dest = self.address(st, ins, ops[0].mem) if ops[0].type == x86.X86_OP_MEM else None
            parks = src == self.sp and dest is not None and dest[0] in ("n", "c", "p", "q")
            self._write(st, ins, ops[0], self._value(st, ins, ops[1]))
            if parks:
                st.parked = (ops[0].mem.disp, st.sp)
            elif dest is not None and dest[0] == "s" and st.pristine and src in st.pristine[-1] \
                    and src != self.sp:
                st.saved = st.saved | {dest[1]}
            return [(nxt, ctx, st)]
        if mn == "mov" and len(ops) == 2 and ops[0].type == ops[1].type == x86.X86_OP_REG \
                and ops[0].size == ops[1].size == 4 and self.bits == 64 \
                and bounds(self.reg(st, self.md.reg_name(ops[1].reg))) is not None:
            # a small integer copied to a 32-bit register: the same value, zero-extended
            v = self.reg(st, self.md.reg_name(ops[1].reg))
            st.regs[full_reg(self.md.reg_name(ops[0].reg), self.bits)] = v
            touch(st, full_reg(self.md.reg_name(ops[0].reg), self.bits))
            return [(nxt, ctx, st)]
        if mn == "mov" and len(ops) == 2 and ops[1].type == x86.X86_OP_IMM:
            self._write(st, ins, ops[0], const(ops[1].imm & self.arch.mask) if ops[0].type == x86.X86_OP_REG
                        else N)
            return [(nxt, ctx, st)]
        if mn == "lea":
            a = self.address(st, ins, ops[1].mem)
            if ops[0].size != self.w:
                a = (piece(a) if self.bits == 64 and ops[0].size == 4 else A) if stacky(a) else N
            self.set_reg(st, self.md.reg_name(ops[0].reg), a, ins)
            return [(nxt, ctx, st)]
        if mn == "test" and len(ops) == 2 and ops[0].type == ops[1].type == x86.X86_OP_REG \
                and ops[0].reg == ops[1].reg:
            out = self._generic(st, ins, ctx, nxt)
            st.cmp = (full_reg(self.md.reg_name(ops[0].reg), self.bits), "z", ops[0].size)
            return out
        if mn == "cmp" and len(ops) == 2 and ops[0].type == x86.X86_OP_REG \
                and ops[1].type == x86.X86_OP_IMM and ops[0].size in (4, 8) \
                and 0 < ops[1].imm < 1 << 16:
            out = self._generic(st, ins, ctx, nxt)  # reads the register: checks as before
            reg = full_reg(self.md.reg_name(ops[0].reg), self.bits)
            st.cmp = (reg, ops[1].imm, ops[0].size)
            if ops[1].imm not in self.thresholds:
                self.thresholds = tuple(sorted({*self.thresholds, ops[1].imm - 1, ops[1].imm}))
            return out
        if mn in ("add", "sub") and len(ops) == 2 and ops[0].type == x86.X86_OP_REG \
                and ops[1].type == x86.X86_OP_IMM and ops[0].size == 4 and self.bits == 64 \
                and bounds(self.reg(st, self.md.reg_name(ops[0].reg))) is not None:
            # a small integer in a 32-bit register: while the sum stays non-negative and
            # below 2^16 it is that integer (the write zero-extends); otherwise N
            name = self.md.reg_name(ops[0].reg)
            lo, hi = bounds(self.reg(st, name))  # type: ignore[misc]
            g = stride(self.reg(st, name))
            d = ops[1].imm if mn == "add" else -ops[1].imm
            st.regs.pop(full_reg(name, self.bits), None)
            if lo + d >= 0 and hi + d < 1 << 16:  # (a widened interval may be wide)
                st.regs[full_reg(name, self.bits)] = ints(lo + d, hi + d, g)
            touch(st, full_reg(name, self.bits))
            return [(nxt, ctx, st)]
        if mn in ("add", "sub") and len(ops) == 2 and ops[0].type == x86.X86_OP_REG \
                and ops[1].type == x86.X86_OP_IMM and ops[0].size == self.w:
            name = self.md.reg_name(ops[0].reg)
            v = self.reg(st, name)
            d = ops[1].imm if mn == "add" else -ops[1].imm
            if v[0] == "s":
                v = ("s", v[1] + d)
            elif v[0] == "r":
                v = ("r", v[1] + d, v[2] + d)
            elif v[0] == "i":
                v = interval(v[1] + d, v[2] + d, v[3])
            elif v[0] in ("p", "q"):
                v = Q
            elif v[0] == "c":
                v = const((v[1] + d) & self.arch.mask)
            self.set_reg(st, name, v, ins)
            return [(nxt, ctx, st)]
        if mn == "and" and len(ops) == 2 and ops[0].type == x86.X86_OP_REG \
                and full_reg(self.md.reg_name(ops[0].reg), self.bits) == self.sp \
                and ops[1].type == x86.X86_OP_IMM and ops[0].size == self.w:
            align = (~ops[1].imm & self.arch.mask) + 1
            if align & (align - 1) or align > MAX_ALIGN:
                raise NoProof(f"`{att(ins, self.bits)}` at {pc:#x} aligns the stack pointer to {align:#x}")
            # one successor per residue of the entry stack pointer modulo the alignment
            # (multiples of the width: STACK_ALIGNED), each its own node until the
            # function returns
            self.assumptions[STACK_ALIGNED] = None
            r0, m0, depth = st.phase or (0, self.w, len(ctx))
            out = []
            for r in range(r0, max(m0, align), m0):
                s2 = st.copy() if r + m0 < max(m0, align) else st
                s2.phase = (r, max(m0, align), depth)
                self.set_reg(s2, self.sp, ("s", ((r + s2.sp) & -align) - r), ins)
                out.append((nxt, ctx, s2))
            return out
        if mn.startswith("set") and len(ops) == 1 and ops[0].type == x86.X86_OP_REG \
                and ops[0].size == 1 and self.md.reg_name(ops[0].reg)[-1] == "l":
            name = self.md.reg_name(ops[0].reg)
            old = bounds(self.reg(st, name))
            st.regs[full_reg(name, self.bits)] = ("i", 0, 1, 1) if old and old[1] < 256 else N
            touch(st, full_reg(name, self.bits))
            if st.regs[full_reg(name, self.bits)] == N:
                del st.regs[full_reg(name, self.bits)]
            return [(nxt, ctx, st)]
        if mn == "sub" and len(ops) == 2 and ops[0].type == ops[1].type == x86.X86_OP_REG \
                and ops[0].size == self.w and ops[0].reg != ops[1].reg \
                and below(self.reg(st, self.md.reg_name(ops[0].reg))) \
                and below(self.reg(st, self.md.reg_name(ops[1].reg))):
            # the difference of two addresses below the return address (within one object,
            # STACK_OBJECT): a length, no address
            self.assumptions[STACK_OBJECT] = None
            self.set_reg(st, self.md.reg_name(ops[0].reg), N, ins)
            return [(nxt, ctx, st)]
        if mn in ("xor", "sub") and len(ops) == 2 and ops[0].type == ops[1].type == x86.X86_OP_REG \
                and ops[0].reg == ops[1].reg:
            self.set_reg(st, self.md.reg_name(ops[0].reg), const(0), ins)
            return [(nxt, ctx, st)]
        return self._generic(st, ins, ctx, nxt)

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
            elif string and a[0] == "a":
                raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} is a string instruction "
                              "over the stack at an offset not fixed")
            if a[0] == "s" and size >= (1 << 16):
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

    # -- control flow
MAX_ALIGN = 64


def analyse(program: Program, entry: int, preset: dict[int, bytes],
            forbidden: tuple[int, int], seconds: float | None = None) -> Proof:
    """Prove `entry`'s function independent of its return-address slot; raises NoProof.
    Code that aligns the stack pointer is analysed once per residue of the entry
    stack pointer modulo the alignment (from the `and` to its function's return),
    residues that are multiples of the width (STACK_ALIGNED, stated when used).
    `seconds` bounds the whole analysis (a time bound is a refusal, like any other)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    return Analysis(program, entry, preset, forbidden, deadline=deadline).run()


