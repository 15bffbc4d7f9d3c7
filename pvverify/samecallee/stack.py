"""Instructions that move the stack pointer or save into the stack: push and pop
(registers, flags, segment selectors), leave, word moves (saves of callee-saved
registers, the stack pointer parked for a context switch), stack realignment,
an immediate added to a stack address held in memory, and a counted string copy
from one stack area to another (`va_copy` is a `rep movsl` of the va_list).

A mixin of Analysis. Each rule takes (state, instruction, operands, context,
next address) and returns the successors, or None when the instruction is not
of the form it handles (the next rule, else the generic step, takes it).
"""

from __future__ import annotations

from capstone import x86

from pvverify.samecallee.abstract_state import Ctx, State
from pvverify.samecallee.assumptions import STACK_ALIGNED, NoProof
from pvverify.samecallee.instructions import CALLEE_SAVED, att, full_reg, segment_operand
from pvverify.samecallee.values import FLAGS, N, const

MAX_ALIGN = 64  # the widest `and $-align, %rsp` followed (one node per residue below it)
MAX_COPY = 4096  # the longest string copy between stack areas followed value by value
ELEMENT = {"b": 1, "w": 2, "d": 4, "q": 8}

Steps = list[tuple[int, Ctx, State]] | None


class Stack:
    """Stack-pointer and stack-slot rules of the analysis (see Analysis for the attributes)."""

    def _on_add_to_stack_address(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """`addq $8, (%rsp)` after `push %rsp` (sync_core's iret frame): an exact stack
        address in memory moves by the immediate and stays exact."""
        if len(ops) != 2 or ops[0].type != x86.X86_OP_MEM or ops[1].type != x86.X86_OP_IMM \
                or ops[0].size != self.w:
            return None
        a = self.address(st, ins, ops[0].mem)
        v = self.load(st, ins, a, self.w)
        d = ops[1].imm if ins.mnemonic.split()[-1] == "add" else -ops[1].imm
        if a[0] == "s" and v[0] == "s":
            self.store(st, ins, a, self.w, ("s", v[1] + d))
            return [(nxt, ctx, st)]
        return None

    def _on_segment_push_pop(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """SDM Vol. 2B, PUSH/POP: the stack pointer moves by the operand size (the mode's
        width, 2 with a 66 prefix); a push writes the selector in 2 bytes or
        zero-extended, so the slot holds no address; POP SS (which also shadows the
        next instruction) is not followed."""
        if not segment_operand(self.md, ops):
            return None
        size = 2 if 0x66 in ins.prefix else self.w
        if ins.mnemonic.split()[-1] == "push":
            self.set_reg(st, self.sp, ("s", st.sp - size), ins)
            self.store(st, ins, ("s", st.sp), 2, N)  # the rest: as it was
            return [(nxt, ctx, st)]
        if self.md.reg_name(ops[0].reg) == "ss":
            raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} pops the stack segment")
        self.load(st, ins, ("s", st.sp), size)
        self.set_reg(st, self.sp, ("s", st.sp + size), ins)
        return [(nxt, ctx, st)]

    def _on_push(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """A push of a register, an immediate, memory or the flags; a callee-saved
        register pushed whole is a save (its slot is in no object)."""
        v = FLAGS if not ops and not st.df else N if not ops else self._value(st, ins, ops[0])
        size = self.w if not ops or ops[0].type == x86.X86_OP_IMM else ops[0].size
        self.set_reg(st, self.sp, ("s", st.sp - size), ins)
        self.store(st, ins, ("s", st.sp), size, v)
        if ops and ops[0].type == x86.X86_OP_REG and size == self.w \
                and full_reg(self.md.reg_name(ops[0].reg), self.bits) in CALLEE_SAVED[self.bits]:
            st.saved = st.saved | {st.sp}
        return [(nxt, ctx, st)]

    def _on_pop(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        size = ops[0].size if ops else self.w
        v = self.load(st, ins, ("s", st.sp), size)
        st.df = st.df or not ops and v != FLAGS  # popf may load DF = 1
        self.set_reg(st, self.sp, ("s", st.sp + size), ins)
        if ops:
            self._write(st, ins, ops[0], v)
        return [(nxt, ctx, st)]

    def _on_leave(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        fp = "ebp" if self.bits == 32 else "rbp"
        self.set_reg(st, self.sp, self.reg(st, fp), ins)
        v = self.load(st, ins, ("s", st.sp), self.w)
        self.set_reg(st, self.sp, ("s", st.sp + self.w), ins)
        self.set_reg(st, fp, v, ins)
        return [(nxt, ctx, st)]

    def _on_word_move(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """A word-sized move: the stack pointer reloaded from where it was parked is a
        context switch; the stack pointer stored outside this stack is parked; a
        callee-saved register stored while it still holds the caller's value is a
        save (gcc's shrink-wrapped `mov %rbp,0x28(%rsp)`)."""
        if len(ops) != 2 or not ops[0].size == ops[1].size == self.w \
                or ops[0].type not in (x86.X86_OP_REG, x86.X86_OP_MEM) or segment_operand(self.md, ops):
            return None
        to_sp = ops[0].type == x86.X86_OP_REG and full_reg(self.md.reg_name(ops[0].reg), self.bits) == self.sp
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

    def _on_realign(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """`and $-align, %rsp`: one successor per residue of the entry stack pointer
        modulo the alignment (multiples of the width: STACK_ALIGNED), each its own node
        until the function returns."""
        if len(ops) != 2 or ops[0].type != x86.X86_OP_REG or ops[1].type != x86.X86_OP_IMM \
                or full_reg(self.md.reg_name(ops[0].reg), self.bits) != self.sp or ops[0].size != self.w:
            return None
        align = (~ops[1].imm & self.arch.mask) + 1
        if align & (align - 1) or align > MAX_ALIGN:
            raise NoProof(f"`{att(ins, self.bits)}` at {ins.address:#x} aligns the stack pointer "
                          f"to {align:#x}")
        self.assumptions[STACK_ALIGNED] = None
        r0, m0, depth = st.phase or (0, self.w, len(ctx))
        out = []
        for r in range(r0, max(m0, align), m0):
            s2 = st.copy() if r + m0 < max(m0, align) else st
            s2.phase = (r, max(m0, align), depth)
            self.set_reg(s2, self.sp, ("s", ((r + s2.sp) & -align) - r), ins)
            out.append((nxt, ctx, s2))
        return out

    def _on_string_copy(self, st: State, ins, ops, ctx: Ctx, nxt: int) -> Steps:
        """`[rep] movs` from one exact stack area to another, forwards (DF clear), with a
        constant count and the areas apart: the destination gets the source's values
        where they lie (a stack address copied stays that address; SDM Vol. 2B MOVS,
        REP), segment by segment as loads of the source give them; the registers
        advance past both areas. Any other form is the generic step's."""
        if len(ops) != 2 or any(o.type != x86.X86_OP_MEM for o in ops) or st.df \
                or 0x67 in ins.prefix or 0xF2 in ins.prefix:
            return None
        si, di, cx = ("esi", "edi", "ecx") if self.bits == 32 else ("rsi", "rdi", "rcx")
        src, dst, count = self.reg(st, si), self.reg(st, di), self.reg(st, cx)
        rep = 0xF3 in ins.prefix
        n = (count[1] if count[0] == "c" else None) if rep else 1
        length = n * ELEMENT[ins.mnemonic.split()[-1][-1]] if n is not None else None
        if src[0] != "s" or dst[0] != "s" or length is None or length > MAX_COPY \
                or min(src[1], dst[1]) < st.sp or src[1] < dst[1] + length and dst[1] < src[1] + length:
            return None
        lo, hi = src[1], src[1] + length
        cuts = {lo, hi} | {min(max(c, lo), hi) for o, (size, _) in st.stack.items()
                           if o < hi and lo < o + size for c in (o, o + size)}
        edges = sorted(cuts)
        values = [(a, b - a, self.load(st, ins, ("s", a), b - a)) for a, b in zip(edges, edges[1:],
                                                                              strict=False)]
        for a, size, v in values:
            self.store(st, ins, ("s", dst[1] + a - lo), size, v)
        self.set_reg(st, si, ("s", hi), ins)
        self.set_reg(st, di, ("s", dst[1] + length), ins)
        if rep:
            self.set_reg(st, cx, const(0), ins)
        return [(nxt, ctx, st)]
