"""The fixpoint: every instruction of the function and its callees, stepped over
abstract states until nothing changes, refusing whatever could reach the slot."""

from __future__ import annotations

import heapq
import time

import capstone
from capstone import x86

from pvverify.arch import Arch
from pvverify.frame.assumptions import (
    CONTEXT_SWITCH,
    NORETURN,
    OBJECT_ARITHMETIC,
    RECURSION,
    STACK_ALIGNED,
    STACK_OBJECT,
    TAIL_CALL,
    TRAP,
    UNKNOWN_CALLEE,
    UNKNOWN_TAIL,
    NoProof,
    Proof,
)
from pvverify.frame.instructions import (
    ARGS,
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
    UNSIGNED,
    addrs_read_value,
    att,
    full_reg,
    partial_reg,
    pure_write,
    segment_operand,
    undecoded,
)
from pvverify.frame.state import State, join_states, leave_phase, touch
from pvverify.frame.values import (
    FLAGS,
    HP,
    INTERVAL,
    A,
    H,
    N,
    P,
    Q,
    Val,
    arith,
    below,
    bounds,
    const,
    interval,
    ints,
    join,
    join_all,
    mixed,
    piece,
    stacky,
    stride,
)
from pvverify.kernel.closure import decoder
from pvverify.program import Program, Region

Ctx = tuple  # ((return pc, offset of the return address, callee), ...) of the calls in progress


class Analysis:
    """One run of the analysis over `entry` as `program` lays out the code."""

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
    def reg(self, st: State, name: str) -> Val:
        return st.regs.get(full_reg(name, self.bits), N)

    def set_reg(self, st: State, name: str, v: Val, ins) -> None:
        full = full_reg(name, self.bits)
        touch(st, full)
        if partial_reg(name):
            old = st.regs.get(full, N)
            limit = 256 if name.lower()[-1] in "lb" else 65536 if name.lower()[-1] != "h" else 0
            bo, bv = bounds(old), bounds(v)
            if bv is not None:  # the rest of the register is zero when old fits below limit
                v = v if bo is not None and bo[1] < limit and bv[1] < limit else N
            else:
                v = join(old, v)
        elif full != name.lower() and self.bits == 64:  # a 32-bit write zero-extends
            v = const(v[1] & 0xFFFFFFFF) if v[0] == "c" else piece(v)
        if full == self.sp:
            if v[0] != "s":
                # e.g. i386 __switch_to_asm's `mov TASK_threadsp(%edx), %esp`: the code
                # after it runs on another task's stack and returns through that task's
                # return address. Nothing bounds what that stack holds: no proof.
                raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} makes the stack pointer "
                              "a value not on this stack (a switch to another stack, as a "
                              "context switch or IRQ stack switch does): this method follows "
                              "one stack")
            if v[1] != st.sp:
                st.parked = None
            if v[1] > st.sp:  # what is left below the stack pointer is dead (loads there are A)
                for o in [o for o in st.stack if o < v[1]]:
                    del st.stack[o]
                st.saved = frozenset(o for o in st.saved if o >= v[1])
            st.sp = v[1]
            st.regs[full] = ("s", st.sp)
        elif v == N:
            st.regs.pop(full, None)
        else:
            st.regs[full] = v

    def address(self, st: State, ins, m) -> Val:
        """The abstract address of a memory operand."""
        base = self.md.reg_name(m.base) if m.base else None
        index = self.md.reg_name(m.index) if m.index else None
        if base in ("rip", "eip"):
            return const((ins.address + ins.size + m.disp) & self.arch.mask)
        b = self.reg(st, base) if base else const(0)
        i = self.reg(st, index) if index else None
        if m.segment not in (0, x86.X86_REG_DS, x86.X86_REG_SS, x86.X86_REG_ES, x86.X86_REG_CS):
            # %fs/%gs: per-cpu data, never the stack, unless the offset is stack-derived;
            # an offset from an object address is arithmetic on it (Q, OBJECT_ARITHMETIC)
            parts = [b] + ([i] if i is not None else [])
            if any(stacky(x) and x[0] not in ("p", "q", "hp") for x in parts):
                return A
            return Q if any(stacky(x) for x in parts) else N
        if i is None:
            if b[0] == "s":
                return ("s", b[1] + m.disp)
            if b[0] == "r":
                return ("r", b[1] + m.disp, b[2] + m.disp)
            if b[0] == "o":
                return b  # a member of the same object
            if b[0] == "c":
                return const((b[1] + m.disp) & self.arch.mask)
            if b[0] == "h":  # below 4 GiB (plus the displacement): no kernel stack address
                return H if -(1 << 31) <= m.disp < (1 << 31) else A
            if b[0] == "hp":
                return HP if -(1 << 31) <= m.disp < (1 << 31) else Q
            return Q if b[0] in ("p", "q") and m.disp else b
        bi = bounds(i)
        if b[0] == "s" and bi is not None:
            return ("r", b[1] + bi[0] * m.scale + m.disp, b[1] + bi[1] * m.scale + m.disp)
        # base + index: the object of whichever is the stack address (STACK_OBJECT)
        if below(b) and not stacky(i):
            return arith(b)
        if below(i) and not stacky(b) and m.scale == 1:
            return arith(i)
        if b[0] in ("s", "a", "r", "o") or i[0] in ("s", "a", "r", "o"):
            return A
        if stacky(b) or stacky(i):
            return Q
        if bounds(b) and bi and b[0] == "c":
            return interval(b[1] + bi[0] * m.scale + m.disp, b[1] + bi[1] * m.scale + m.disp) \
                if bi[0] != bi[1] else const((b[1] + bi[0] * m.scale + m.disp) & self.arch.mask)
        if b[0] == "c" and i[0] == "c":
            return const((b[1] + i[1] * m.scale + m.disp) & self.arch.mask)
        return N

    def load(self, st: State, ins, addr: Val, size: int) -> Val:
        if addr[0] in ("p", "q"):
            # an object that code not analysed handed back: anywhere but the slot and
            # the return addresses of the calls in progress (OBJECT_ARITHMETIC)
            self.assumptions[OBJECT_ARITHMETIC] = None
            marks = {off for _, off, _ in self._ctx}
            vals = [e[1] for o, e in st.stack.items() if o >= st.sp and o not in marks and o not in st.saved]
            vals.append(self._heap(st))
            if size < self.w:
                return N if not any(self._may_be_slot(v) for v in vals) else A
            return A if any(self._may_be_slot(v) for v in vals) else P
        if addr[0] == "r":
            lo, hi = addr[1], addr[2]
            self._check_slot(ins, lo, hi - lo + size, "may read")
            if lo < st.sp:
                return A
            over = [e for o, e in st.stack.items() if o < hi + size and lo < o + e[0]]
            v = A if any(stacky(e[1]) for e in over) else N
            return join(v, self._heap(st)) if hi + size > self.w and size >= self.w else v
        if addr[0] == "o":
            self.assumptions[STACK_OBJECT] = None
            if addr[1] < st.sp:
                return A  # (part of) the object may be dead stack: whatever a callee left
            vals = [e[1] for o, e in st.stack.items() if o in self._object(st, addr)]
            if size < self.w:
                return A if any(stacky(x) for x in vals) else N
            return join(join_all(vals), self._heap(st))
        if addr[0] in ("a", "h", "hp"):
            raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} accesses memory through a "
                          "stack-derived pointer of unknown offset (it may be the return address)")
        if addr[0] != "s":
            # a stack address given to unknown code comes back whole (UNKNOWN_CALLEE)
            return self._heap(st) if size >= self.w else N
        k = addr[1]
        self._check_slot(ins, k, size, "reads")
        if k < st.sp:
            return A  # below the stack pointer: whatever a callee left there
        over = [(o, e) for o, e in st.stack.items() if o < k + size and k < o + e[0]]
        if len(over) == 1 and over[0][0] == k and over[0][1][0] == size:
            v = over[0][1][1]
        elif not over:
            v = N
        else:
            # pieces of stack addresses: a piece of an object's address is one too
            v = mixed(*(e[1] for _, e in over))
            if v != N and size <= 4 and self.bits == 64 \
                    and all(e[1][0] in ("p", "q", "hp") or not stacky(e[1]) for _, e in over):
                v = HP
        if k >= self.w and size >= self.w:
            v = join(v, self._heap(st))  # the caller's frame is reachable by other pointers
        return v

    def store(self, st: State, ins, addr: Val, size: int, v: Val) -> None:
        if addr[0] in ("p", "q"):
            self.assumptions[OBJECT_ARITHMETIC] = None
            marks = {off for _, off, _ in self._ctx}
            for o, (osize, ov) in list(st.stack.items()):
                if o >= st.sp and o not in marks and o not in st.saved:
                    st.stack[o] = (osize, join(ov, v) if osize == size else self._spliced(ov, v))
            if stacky(v):
                st.leaked = True
                st.wild = st.wild or self._may_be_slot(v)
            return
        if addr[0] == "r":
            lo, hi = addr[1], addr[2]
            self._check_slot(ins, lo, hi - lo + size, "may write")
            if stacky(v):
                raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} stores a stack address at a "
                              "stack offset not fixed")
            if st.saved:
                st.saved = frozenset(o for o in st.saved if not lo - self.w < o < hi + size)
            for o, (osize, ov) in list(st.stack.items()):  # some of them are written
                if o < hi + size and lo < o + osize:
                    st.stack[o] = (osize, mixed(ov, v))
            return
        if addr[0] == "o":
            self.assumptions[STACK_OBJECT] = None
            for o in self._object(st, addr):
                osize, ov = st.stack[o]
                st.stack[o] = (osize, join(ov, v) if osize == size else mixed(ov, v))
            if stacky(v):  # (the address may be no stack address at all)
                st.leaked = True
                st.wild = st.wild or self._may_be_slot(v)
            return
        if addr[0] in ("a", "h", "hp"):
            raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} writes through a stack-derived "
                          "pointer of unknown offset (it may be the return address)")
        if addr[0] != "s":
            if stacky(v):
                st.leaked = True
                st.wild = st.wild or self._may_be_slot(v)
            return
        k = addr[1]
        self._check_slot(ins, k, size, "writes")
        if st.saved:
            st.saved = frozenset(o for o in st.saved if not k - self.w < o < k + size)
        over = [(o, e) for o, e in st.stack.items() if o < k + size and k < o + e[0]]
        for o, (osize, ov) in over:
            del st.stack[o]
            # bytes of an older value that survive beside the new one: a piece of a
            # stack address is no longer one at a known offset
            rest = mixed(ov)
            if o < k:
                st.stack[o] = (k - o, rest)
            if o + osize > k + size:
                st.stack[k + size] = (o + osize - k - size, rest)
        st.stack[k] = (size, v)
        if k >= self.w and stacky(v):
            st.leaked = True
            st.wild = st.wild or self._may_be_slot(v)

    def _object(self, st: State, addr: Val) -> list[int]:
        """The live stack slots the object of ("o", lo, hi) may cover: from the stack
        pointer up to the first return address above hi (the object lies in one frame),
        except return addresses and pushed callee-saved registers (in no object)."""
        marks = {off for _, off, _ in self._ctx} | {0}
        top = min(m for m in marks if m > addr[2])
        return [o for o in st.stack if st.sp <= o < top and o not in marks and o not in st.saved]

    def _spliced(self, old: Val, new: Val) -> Val:
        """A slot that a store through an object address may have overwritten in part:
        bytes of `new` among bytes of `old`. Under OBJECT_ARITHMETIC (the store itself
        is through an address unknown code handed back) a stack address so mangled is
        one into an object (Q), unless either may already be the return address's."""
        if self._may_be_slot(old) or self._may_be_slot(new):
            return A
        return Q if stacky(old) or stacky(new) else N

    def _heap(self, st: State) -> Val:
        """What a pointer-wide load from memory others can write may return."""
        return A if st.wild else P if st.leaked else N

    def _may_be_slot(self, v: Val) -> bool:
        """A stack address that may point into the return-address slot."""
        if v[0] == "q":
            self.assumptions[OBJECT_ARITHMETIC] = None
        if v[0] == "o":
            self.assumptions[STACK_OBJECT] = None
        if v[0] == "r":
            return v[1] < self.w and v[2] > -self.w
        return v[0] == "a" or v[0] == "s" and -self.w < v[1] < self.w

    def _check_slot(self, ins, k: int, size: int, what: str) -> None:
        if k < self.w and k + size > 0:
            raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} {what} its return address "
                          f"(stack offset {k:+d}, {size} bytes): the patched call's return "
                          "address, which differs between the two sides")

    # -- one instruction
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
                self.store(st, ins, ("s", st.sp), size, A)
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

    def _value(self, st: State, ins, op) -> Val:
        if op.type == x86.X86_OP_REG:
            return self.reg(st, self.md.reg_name(op.reg))
        if op.type == x86.X86_OP_IMM:
            return const(op.imm & self.arch.mask)
        return self.load(st, ins, self.address(st, ins, op.mem), op.size)

    def _write(self, st: State, ins, op, v: Val) -> None:
        if op.type == x86.X86_OP_REG:
            self.set_reg(st, self.md.reg_name(op.reg), v, ins)
        else:
            self.store(st, ins, self.address(st, ins, op.mem), op.size, v)

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
    def _target(self, st: State, ins, op) -> int | None:
        """A branch's destination, when the analysis knows it."""
        if op.type == x86.X86_OP_IMM:
            return op.imm & self.arch.mask
        if op.type == x86.X86_OP_REG:
            v = self.reg(st, self.md.reg_name(op.reg))
            return v[1] if v[0] == "c" else None
        a = self.address(st, ins, op.mem)
        self.load(st, ins, a, op.size)  # refuses a read of the slot
        if a[0] == "c" and a[1] in self.preset and len(self.preset[a[1]]) >= self.w:
            return int.from_bytes(self.preset[a[1]][:self.w], "little")
        return None

    def _jump(self, pc, ctx, st, ins, mn, nxt, pending=None):
        op = ins.operands[0]
        if mn != "jmp":
            if mn.startswith("loop") or mn.endswith("cxz"):
                c = "ecx" if self.bits == 32 else "rcx"
                if stacky(self.reg(st, c)):
                    self.set_reg(st, c, A, ins)
            t = self._target(st, ins, op)
            assert t is not None
            fall, taken = st.copy(), st
            if pending is not None and pending[1] == "z" and mn in ("je", "jne"):
                # `test reg, reg`: ZF says whether it is zero; a known value picks the edge
                v = st.regs.get(pending[0], N)
                b = bounds(v) if v[0] != "c" else (v[1] & ((1 << (8 * pending[2])) - 1),) * 2
                if b is not None and b[1] < 1 << (8 * pending[2]) and (b[0] > 0 or b[1] == 0):
                    if (b[1] == 0) == (mn == "je"):
                        fall = None
                    else:
                        taken = None
            elif pending is not None and pending[1] != "z" and mn in UNSIGNED:
                fall = self._refine(fall, pending, UNSIGNED[mn][1])
                taken = self._refine(taken, pending, UNSIGNED[mn][0])
            out = [(nxt, ctx, fall)] if fall is not None else []
            return out + (self._goto(pc, ctx, taken, ins, t) if taken is not None else [])
        t = self._target(st, ins, op)
        if t is None:
            raise NoProof(f"`{att(ins, self.bits)}` at {pc:#x} jumps to a target that is not fixed")
        return self._goto(pc, ctx, st, ins, t)

    def _refine(self, st: State, cmp: tuple, rel: str) -> State | None:
        """The state on the edge where `reg rel imm` (unsigned, SDM Vol. 1 B.1: JB is CF=1,
        JBE CF=1 or ZF=1, ...) holds after `cmp reg, imm`; None when it cannot hold.
        Only a value whose compared bytes are all of it is refined: a small integer
        (its upper bits are zero), or any value compared at full width."""
        reg, imm, size = cmp
        v = st.regs.get(reg, N)
        b = bounds(v)
        if b is None and not (v == N and size == self.w):
            return st
        lo, hi = b if b is not None else (0, (1 << (8 * size)) - 1)
        g, base = max(stride(v), 1) if b is not None else 1, lo
        if rel == "<":
            hi = min(hi, imm - 1)
        elif rel == "<=":
            hi = min(hi, imm)
        elif rel == ">":
            lo = max(lo, imm + 1)
        else:
            lo = max(lo, imm)
        if lo > hi:
            return None
        if hi - lo > INTERVAL and hi >= 1 << 16:
            return st  # nothing small to say
        lo = base + -(-(lo - base) // g) * g  # onto the steps
        if lo > hi:
            return None
        st.regs[reg] = ints(lo, hi, g)
        return st

    def _goto(self, pc, ctx, st, ins, t):
        if t <= pc:
            self.heads.add(t)
        if t in self.p.return_thunks or t in self.retpolines:
            return [(t, ctx, st)]
        if self.forbidden[0] <= t < self.forbidden[1]:
            raise NoProof(f"`{att(ins, self.bits)}` at {pc:#x} jumps into the patch site's own code")
        if self.region_of(t) is None:
            return self._tail_unknown(ctx, st, f"`{att(ins, self.bits)}` at {pc:#x}",
                                      f"{t:#x}, code that is not analysed")
        return [(t, ctx, st)]

    def _tail_unknown(self, ctx, st, what: str, where: str):
        """A jump out of the analysed code with the frame torn down (the stack pointer
        at the current return address): a tail call, which returns for the current
        function. Anything else leaving the analysed code has no proof."""
        top = ctx[-1][1] if ctx else 0
        if st.sp != top:
            raise NoProof(f"{what} jumps to {where} with the stack pointer {st.sp:+d} from entry "
                          "(not a tail call)")
        self._unknown_effect(ctx, st, what, where, tail=True)
        self.assumptions[TAIL_CALL] = None
        if not ctx:
            # the unknown code returns for F: its return address is F's own
            self.assumptions[UNKNOWN_TAIL] = None
            return []
        retpc, off, _ = ctx[-1]
        if st.stack.get(off) != (self.w, const(retpc)):
            raise NoProof(f"{what} tail-calls {where} with a return address other than the one "
                          "the call pushed")
        del st.stack[off]
        self.set_reg(st, self.sp, ("s", off + self.w), None)
        leave_phase(st, len(ctx) - 1)
        st.pristine = st.pristine[:-1]
        return [(retpc, ctx[:-1], st)]

    def _call(self, ctx, st, ins, nxt):
        op = ins.operands[0]
        t = self._target(st, ins, op)
        via = None
        if t is not None and t in self.retpolines:
            via = self.retpolines[t]
            v = self.reg(st, via)
            t = v[1] if v[0] == "c" else None
        if t is not None and t in self.p.return_thunks:
            raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} calls the return thunk")
        known = t is not None and self.region_of(t) is not None \
            and not self.forbidden[0] <= t < self.forbidden[1]
        if not known:
            return self._unknown_call(ctx, st, ins, nxt, t)
        if any(f == t for _, _, f in ctx):
            # recursion: the instance below is analysed; a deeper one is taken as
            # code not analysed, under the same assumption
            self.assumptions[RECURSION] = None
            return self._unknown_call(ctx, st, ins, nxt, t)
        if len(ctx) >= self.MAX_DEPTH:
            raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x}: calls nested deeper than "
                          f"{self.MAX_DEPTH} (recursion?)")
        self.set_reg(st, self.sp, ("s", st.sp - self.w), ins)
        self.store(st, ins, ("s", st.sp), self.w, const(nxt))
        self.functions.add(t)
        st.pristine = st.pristine + (frozenset(CALLEE_SAVED[self.bits] - {self.sp}),)
        return [(t, ctx + ((nxt, st.sp, t),), st)]

    def _unknown_call(self, ctx, st, ins, nxt, t):
        where = "a target that is not fixed" if t is None else f"{t:#x}, code that is not analysed"
        self._unknown_effect(ctx, st, f"`{att(ins, self.bits)}` at {ins.address:#x}", where)
        if self.region_of(nxt) is None:
            # nothing follows the call in its function: the callee does not return
            self.assumptions[NORETURN] = None
            return []
        return [(nxt, ctx, st)]

    def _unknown_effect(self, ctx, st, what: str, where: str, tail: bool = False) -> None:
        """What code the analysis cannot see may do, under UNKNOWN_CALLEE; refuses
        when it could reach the return-address slot."""
        args = set(ARGS[self.bits])
        for r, v in st.regs.items():
            if r == self.sp or not stacky(v):
                continue
            if self._may_be_slot(v) and (r in args or v[0] == "s"):
                raise NoProof(f"{what} passes {where} a pointer in %{r} that may reach the "
                              "return address")
        if st.wild:
            raise NoProof(f"{what} calls {where} after storing a stack address that may "
                          "reach the return address where it could read it")
        given = [("s", v[-1]) for r, v in st.regs.items() if r in args and v[0] in ("s", "r", "o")]
        self.assumptions[UNKNOWN_CALLEE] = None
        marks = sorted({off for _, off, _ in ctx} | {0})
        for _, k in given:
            # the object it points at lies in the frame that holds it: from the stack
            # pointer up to that frame's return address (a C object never spans one)
            top = next(m for m in marks if m > k) if k < 0 else None
            for o, (size, v) in list(st.stack.items()):
                if o in marks or o in st.saved:
                    continue
                if (top is None and o >= self.w) or (top is not None and st.sp <= o < top):
                    if self._may_be_slot(v):
                        raise NoProof(f"{what} passes {where} a pointer to memory holding a "
                                      f"stack address that may reach the return address (at {o:+d})")
                    if v[0] == "o":
                        self.assumptions[STACK_OBJECT] = None  # (it becomes Q: not the slot)
                    st.stack[o] = (size, join(v, P) if size >= self.w else join(v, N))
            st.leaked = True
        for k, (size, v) in list(st.stack.items()):
            if k >= self.w:
                st.stack[k] = (size, join(v, N))
        keep = CALLEE_SAVED[self.bits]
        for r in list(st.regs):
            if r not in keep:
                del st.regs[r]
        if st.leaked:  # it may return what it was given
            st.regs["eax" if self.bits == 32 else "rax"] = P
            if self.bits == 32:
                st.regs["edx"] = P

    def _iret(self, ctx, st, ins, mn):
        """IRET to the same privilege level, as the kernel's sync_core() does to itself
        (SDM Vol. 2A, IRET: pops EIP/RIP, CS, EFLAGS/RFLAGS; in 64-bit mode also RSP and
        SS). It lands where the frame says: a fixed address, and in 64-bit mode an exact
        stack pointer; anything else is no proof. The flags it pops may set DF."""
        what = f"`{att(ins, self.bits)}` at {ins.address:#x}"
        if mn != ("iretq" if self.bits == 64 else "iretd") and not (mn == "iret" and self.bits == 32):
            raise NoProof(f"{what} is not analysed by this method (operand size)")
        w = self.w
        rip = self.load(st, ins, ("s", st.sp), w)
        for k in (1, 2):
            self.load(st, ins, ("s", st.sp + k * w), w)  # CS, flags: checked, not followed
        if self.bits == 64:
            rsp = self.load(st, ins, ("s", st.sp + 3 * w), w)
            self.load(st, ins, ("s", st.sp + 4 * w), w)
            if rsp[0] != "s":
                raise NoProof(f"{what} returns to a stack pointer that is not fixed")
            top = rsp
        else:
            top = ("s", st.sp + 3 * w)
        if rip[0] != "c":
            raise NoProof(f"{what} returns to an address that is not fixed")
        st.df = st.df or self.load(st, ins, ("s", st.sp + 2 * w), w) != FLAGS
        self.set_reg(st, self.sp, top, ins)
        return self._goto(ins.address, ctx, st, ins, rip[1])

    def _switch(self, ctx, st, ins, nxt):
        """`mov D(%next), %sp` right after `mov %sp, D(%prev)`: the context switch
        (__switch_to_asm). The instructions after it run for this task when another
        task switches back to it, loading the stack pointer this task saved: so the
        analysis goes on at that stack pointer, with other tasks' code in between as
        unknown code (CONTEXT_SWITCH). Every register but the stack pointer holds what
        the resuming task left there; the pops that follow restore this task's own."""
        self._unknown_effect(ctx, st, f"`{att(ins, self.bits)}` at {ins.address:#x}",
                             "other tasks (a context switch)")
        self.assumptions[CONTEXT_SWITCH] = None
        # The instructions after the switch also run at once, for the next task, with
        # this task's registers: one that holds an address into this stack may not be
        # used before it is loaded afresh (the real switch pops them first), so it is
        # "anywhere" (A) until written; the others hold what the resuming task left.
        heap = self._heap(st)
        ours = {r for r, v in st.regs.items() if r != self.sp and stacky(v) and v[0] not in ("p", "q", "hp")}
        st.regs = {self.sp: ("s", st.sp)} | {r: heap for r in CALLEE_SAVED[self.bits] if r != self.sp
                                            and heap != N} | dict.fromkeys(ours, A)
        st.parked = None
        if st.pristine:  # the registers are another task's now
            st.pristine = st.pristine[:-1] + (frozenset(),)
        return [(nxt, ctx, st)]

    def _ret(self, ctx, st, ins, imm, pc):
        what = f"`{att(ins, self.bits)}`" if ins is not None else "the return thunk"
        if not ctx:
            if st.sp != 0:
                raise NoProof(f"{what} at {pc:#x} returns with the stack "
                              f"pointer {st.sp:+d} from entry (not through the return address)")
            return []  # consumes the return address: the end this method proves
        retpc, off, _ = ctx[-1]
        if st.sp != off or st.stack.get(off) != (self.w, const(retpc)):
            raise NoProof(f"{what} at {pc:#x} returns to an address other than "
                          "the one its call pushed")
        del st.stack[off]
        self.set_reg(st, self.sp, ("s", off + self.w + imm), ins)
        leave_phase(st, len(ctx) - 1)
        st.pristine = st.pristine[:-1]
        return [(retpc, ctx[:-1], st)]


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

