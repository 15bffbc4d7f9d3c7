"""Registers and memory in the abstract: what an operand's address is, what a load
gives, what a store changes, and the refusal of any access that may reach the slot.
A mixin of Analysis (it uses the analysis's architecture, call context and assumptions)."""

from __future__ import annotations

from capstone import x86

from pvverify.samecallee.abstract_state import State, touch
from pvverify.samecallee.assumptions import OBJECT_ARITHMETIC, STACK_OBJECT, NoProof
from pvverify.samecallee.instructions import att, full_reg, partial_reg
from pvverify.samecallee.values import (
    HP,
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
    join,
    join_all,
    mixed,
    piece,
    stacky,
)


class Memory:
    """Register and memory steps of the analysis (see Analysis for the attributes)."""

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
                    left = st.stack.pop(o)
                    if stacky(left[1]):
                        self._bury(st, o, left)
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
            if b[0] in ("s", "sn"):
                return (b[0], b[1] + m.disp)
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
        if b[0] in ("s", "a", "r", "o", "sn") or i[0] in ("s", "a", "r", "o", "sn"):
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
        if addr[0] == "sn":  # the stack at a known offset, or memory off the stack
            v = self.load(st, ins, ("s", addr[1]), size)
            return join(v, self._heap(st) if size >= self.w else N)
        if addr[0] in ("p", "q"):
            # an object that code not analysed handed back: anywhere but the slot and
            # the return addresses of the calls in progress (OBJECT_ARITHMETIC)
            self.assumptions[OBJECT_ARITHMETIC] = None
            marks = {off for _, off, _ in self._ctx}
            vals = [e[1] for o, e in st.stack.items() if o >= st.sp and o not in marks and o not in st.saved]
            vals.append(self._heap(st))  # (not bytes of an object nothing wrote: C)
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
            v = join(v, self._unwritten(st, lo, hi + size - lo))
            return join(v, self._heap(st)) if hi + size > self.w and size >= self.w else v
        if addr[0] == "o":
            self.assumptions[STACK_OBJECT] = None
            if addr[1] < st.sp:
                return A  # (part of) the object may be dead stack: whatever a callee left
            vals = [e[1] for o, e in st.stack.items() if o in self._object(st, addr)]
            if size < self.w:
                return A if any(stacky(x) for x in vals) else N
            return join(join_all(vals), self._heap(st))  # (not bytes of it nothing wrote: C)
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
        if st.dead and sum(min(o + e[0], k + size) - max(o, k) for o, e in over) < size:
            v = join(v, self._unwritten(st, k, size))  # bytes not written since: maybe left
        if k >= self.w and size >= self.w:
            v = join(v, self._heap(st))  # the caller's frame is reachable by other pointers
        return v

    def _unwritten(self, st: State, k: int, size: int) -> Val:
        """What the bytes [k, k + size) may hold where nothing wrote them since the stack
        pointer last rose over them: a stack address left there, else an input value.
        Whole values where they lie as they were left, pieces of them (A) otherwise."""
        out = N
        for o, (n, v) in st.dead.items():
            if o < k + size and k < o + n:
                out = join(out, v if (o, n) == (k, size) else mixed(v))
        return out

    def _bury(self, st: State, o: int, entry: tuple[int, Val]) -> None:
        """A stack address left below the stack pointer at o (replacing what lay there)."""
        _overwrite_dead(st, o, entry[0])
        st.dead[o] = entry

    def store(self, st: State, ins, addr: Val, size: int, v: Val) -> None:
        if addr[0] == "sn":
            # the stack at a known offset, or memory off the stack: the stack bytes
            # hold either what they held or v
            self._check_slot(ins, addr[1], size, "writes")
            old = self.load(st, ins, ("s", addr[1]), size)
            self.store(st, ins, ("s", addr[1]), size, join(old, v))
            self.store(st, ins, N, size, v)
            return
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
        _overwrite_dead(st, k, size)
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
        if v[0] in ("s", "sn") and -self.w < v[1] < 0:
            # the address of an object of this frame just below the slot: the object
            # ends below the return address, so whatever reaches it without the exact
            # offset (code not analysed, a load that cannot tell which slot it read)
            # reaches no further through it
            self.assumptions[STACK_OBJECT] = None
            return False
        return v[0] == "a" or v[0] in ("s", "sn") and 0 <= v[1] < self.w

    def _check_slot(self, ins, k: int, size: int, what: str) -> None:
        if k < self.w and k + size > 0:
            raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} {what} its return address "
                          f"(stack offset {k:+d}, {size} bytes): the patched call's return "
                          "address, which differs between the two sides")

    # -- one instruction

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


def _overwrite_dead(st: State, k: int, size: int) -> None:
    """Bytes [k, k + size) written: a stack address left there is gone, and what is left
    of one it covered in part are pieces of it."""
    for d in [d for d, e in st.dead.items() if d < k + size and k < d + e[0]]:
        n, dv = st.dead.pop(d)
        if d < k:
            st.dead[d] = (k - d, mixed(dv))
        if d + n > k + size:
            st.dead[k + size] = (d + n - k - size, mixed(dv))
