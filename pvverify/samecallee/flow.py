"""Control flow in the abstract: branches (refined by the comparison before them),
calls into analysed code or unknown callees, tail calls, returns, context switches and
iret. A mixin of Analysis."""

from __future__ import annotations

from capstone import x86

from pvverify.samecallee.abstract_state import State, leave_phase
from pvverify.samecallee.assumptions import (
    CONTEXT_SWITCH,
    HYPERCALL,
    NORETURN,
    RECURSION,
    STACK_OBJECT,
    TAIL_CALL,
    UNKNOWN_CALLEE,
    UNKNOWN_TAIL,
    NoProof,
)
from pvverify.samecallee.instructions import ARGS, CALLEE_SAVED, UNSIGNED, att
from pvverify.samecallee.values import FLAGS, INTERVAL, A, N, P, bounds, const, ints, join, stacky, stride


class Control:
    """Control-flow steps of the analysis (see Analysis for the attributes)."""

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

    def _hypercall(self, ctx, st, ins, nxt):
        """A hypercall, under HYPERCALL: what it may do to memory is what an unknown
        callee may (it reads what its arguments point to), and r10 carries an argument too."""
        what = f"`{att(ins, self.bits)}` at {ins.address:#x}"
        v = st.regs.get("r10")
        if v is not None and stacky(v) and self._may_be_slot(v):
            raise NoProof(f"{what} passes the hypervisor a pointer in %r10 that may reach the "
                          "return address")
        self._unknown_effect(ctx, st, what, "the hypervisor")
        self.assumptions[HYPERCALL] = None
        return [(nxt, ctx, st)]

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
            if self._may_be_slot(v) and (r in args or v[0] in ("s", "sn")):
                raise NoProof(f"{what} passes {where} a pointer in %{r} that may reach the "
                              "return address")
        if st.wild:
            raise NoProof(f"{what} calls {where} after storing a stack address that may "
                          "reach the return address where it could read it")
        given = [("s", v[-1]) for r, v in st.regs.items() if r in args and v[0] in ("s", "r", "o", "sn")]
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
        # The instructions after the switch also run at once, for the next task, with
        # this task's registers (every one of them, not only those a callee keeps): one
        # that holds an address into this stack may not be used before it is loaded
        # afresh (the real switch pops them first), so it is "anywhere" (A) until
        # written; the others hold what the resuming task left.
        ours = {r for r, v in st.regs.items() if r != self.sp and stacky(v) and v[0] not in ("p", "q", "hp")}
        self._unknown_effect(ctx, st, f"`{att(ins, self.bits)}` at {ins.address:#x}",
                             "other tasks (a context switch)")
        self.assumptions[CONTEXT_SWITCH] = None
        heap = self._heap(st)
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


