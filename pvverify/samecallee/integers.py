"""Instructions whose result the analysis keeps exact or bounded: constants, small
integers (loop counters and indices, as intervals with a stride), stack addresses
moved by an immediate, `lea`, the flags of `test`/`cmp` that a following jcc
narrows, setcc, differences of two addresses in one stack object, and zeroing
idioms. Anything else an instruction computes is the generic step's.

A mixin of Analysis, with Stack's rule signature: (state, instruction, operands,
context, next address) -> the successors, or None when the form does not match.
"""

from __future__ import annotations

from capstone import x86

from pvverify.samecallee.abstract_state import Ctx, State, touch
from pvverify.samecallee.assumptions import STACK_CANARY, STACK_OBJECT
from pvverify.samecallee.instructions import full_reg
from pvverify.samecallee.values import (
    CANARY,
    A,
    N,
    Q,
    below,
    bounds,
    const,
    interval,
    ints,
    piece,
    stacky,
    stride,
)

Steps = list[tuple[int, Ctx, State]] | None


def _reg_imm(ops) -> bool:
    return len(ops) == 2 and ops[0].type == x86.X86_OP_REG and ops[1].type == x86.X86_OP_IMM


def _reg_reg(ops) -> bool:
    return len(ops) == 2 and ops[0].type == ops[1].type == x86.X86_OP_REG


class Integers:
    """Exact and bounded integer rules of the analysis (see Analysis for the attributes)."""

    def _on_small_int_copy(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """A small integer copied to a 32-bit register: the same value, zero-extended."""
        if not _reg_reg(ops) or not ops[0].size == ops[1].size == 4 or self.bits != 64:
            return None
        v = self.reg(st, self.md.reg_name(ops[1].reg))
        if bounds(v) is None:
            return None
        full = full_reg(self.md.reg_name(ops[0].reg), self.bits)
        st.regs[full] = v
        touch(st, full)
        return [(nxt, ctx, st)]

    def _reads_canary(self, ins, op) -> bool:
        """op is the stack protector's per-CPU canary word (Program.canary): a word
        through its segment at its offset, absolute or %rip-relative (7.x's
        `%gs:__stack_chk_guard(%rip)`)."""
        c = self.p.canary
        if c is None or op.type != x86.X86_OP_MEM or op.size != self.w or op.mem.index \
                or not op.mem.segment or self.md.reg_name(op.mem.segment) != c[0]:
            return False
        base = self.md.reg_name(op.mem.base) if op.mem.base else None
        if base not in (None, "rip", "eip"):
            return False
        at = op.mem.disp + (ins.address + ins.size if base else 0)
        return at & self.arch.mask == c[1] & self.arch.mask

    def _on_canary(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """gcc's stack protector: `mov %gs:40, %rax` reads the canary (CANARY, kept
        where it is stored and loaded back whole); `sub`/`xor %gs:40, %rax` at the end
        gives 0, so the jcc right after does not reach __stack_chk_fail, where %rax
        still holds the canary (STACK_CANARY); otherwise any value, both edges."""
        if len(ops) != 2 or ops[0].type != x86.X86_OP_REG or ops[0].size != self.w \
                or not self._reads_canary(ins, ops[1]):
            return None
        name = self.md.reg_name(ops[0].reg)
        if ins.mnemonic.split()[-1] in ("mov", "movq", "movl"):
            self.set_reg(st, name, CANARY, ins)
            return [(nxt, ctx, st)]
        checked = self.reg(st, name) == CANARY
        if checked:
            self.assumptions[STACK_CANARY] = None
        self.set_reg(st, name, const(0) if checked else N, ins)
        st.cmp = (full_reg(name, self.bits), "z", self.w)
        return [(nxt, ctx, st)]

    def _on_move_immediate(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        if len(ops) != 2 or ops[1].type != x86.X86_OP_IMM:
            return None
        self._write(st, ins, ops[0], const(ops[1].imm & self.arch.mask) if ops[0].type == x86.X86_OP_REG
                    else N)
        return [(nxt, ctx, st)]

    def _on_lea(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        a = self.address(st, ins, ops[1].mem)
        if ops[0].size != self.w:
            a = (piece(a) if self.bits == 64 and ops[0].size == 4 else A) if stacky(a) else N
        self.set_reg(st, self.md.reg_name(ops[0].reg), a, ins)
        return [(nxt, ctx, st)]

    def _on_test_self(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """`test %r, %r`: a jcc right after learns whether %r is zero."""
        if not _reg_reg(ops) or ops[0].reg != ops[1].reg:
            return None
        out = self._generic(st, ins, ctx, nxt)
        st.cmp = (full_reg(self.md.reg_name(ops[0].reg), self.bits), "z", ops[0].size)
        return out

    def _on_compare_immediate(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """`cmp $imm, %r` with a small imm: a jcc right after bounds %r, and imm - 1 and
        imm become widening thresholds (loop bounds)."""
        if not _reg_imm(ops) or ops[0].size not in (4, 8) or not 0 < ops[1].imm < 1 << 16:
            return None
        out = self._generic(st, ins, ctx, nxt)  # reads the register: checks as before
        st.cmp = (full_reg(self.md.reg_name(ops[0].reg), self.bits), ops[1].imm, ops[0].size)
        if ops[1].imm not in self.thresholds:
            self.thresholds = tuple(sorted({*self.thresholds, ops[1].imm - 1, ops[1].imm}))
        return out

    def _on_small_int_add(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """A small integer in a 32-bit register plus an immediate: while the sum stays
        non-negative and below 2^16 it is that integer (the write zero-extends);
        otherwise N."""
        if not _reg_imm(ops) or ops[0].size != 4 or self.bits != 64:
            return None
        name = self.md.reg_name(ops[0].reg)
        b = bounds(self.reg(st, name))
        if b is None:
            return None
        lo, hi = b
        g = stride(self.reg(st, name))
        d = ops[1].imm if ins.mnemonic.split()[-1] == "add" else -ops[1].imm
        full = full_reg(name, self.bits)
        st.regs.pop(full, None)
        if lo + d >= 0 and hi + d < 1 << 16:  # (a widened interval may be wide)
            st.regs[full] = ints(lo + d, hi + d, g)
        touch(st, full)
        return [(nxt, ctx, st)]

    def _on_word_add(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """A word register plus an immediate: stack addresses, address ranges,
        intervals and constants move by it; an address off the stack stays one."""
        if not _reg_imm(ops) or ops[0].size != self.w:
            return None
        name = self.md.reg_name(ops[0].reg)
        v = self.reg(st, name)
        d = ops[1].imm if ins.mnemonic.split()[-1] == "add" else -ops[1].imm
        if v[0] in ("s", "sn"):  # (no stack address plus d: none either)
            v = (v[0], v[1] + d)
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

    def _on_setcc(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """setcc into the low byte of a register holding a small integer: 0 or 1."""
        if len(ops) != 1 or ops[0].type != x86.X86_OP_REG or ops[0].size != 1 \
                or self.md.reg_name(ops[0].reg)[-1] != "l":
            return None
        name = self.md.reg_name(ops[0].reg)
        full = full_reg(name, self.bits)
        old = bounds(self.reg(st, name))
        st.regs[full] = ("i", 0, 1, 1) if old and old[1] < 256 else N
        touch(st, full)
        if st.regs[full] == N:
            del st.regs[full]
        return [(nxt, ctx, st)]

    def _on_address_difference(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """The difference of two addresses below the return address (within one
        object, STACK_OBJECT): a length, no address."""
        if not _reg_reg(ops) or ops[0].size != self.w or ops[0].reg == ops[1].reg \
                or not below(self.reg(st, self.md.reg_name(ops[0].reg))) \
                or not below(self.reg(st, self.md.reg_name(ops[1].reg))):
            return None
        self.assumptions[STACK_OBJECT] = None
        self.set_reg(st, self.md.reg_name(ops[0].reg), N, ins)
        return [(nxt, ctx, st)]

    def _on_zeroing(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """`xor %r, %r` and `sub %r, %r`: zero."""
        if not _reg_reg(ops) or ops[0].reg != ops[1].reg:
            return None
        self.set_reg(st, self.md.reg_name(ops[0].reg), const(0), ins)
        return [(nxt, ctx, st)]
