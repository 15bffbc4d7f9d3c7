"""Corrections to the lifter for ordinary arithmetic: the AF flag and #DE.

SLEIGH's x86 spec never computes AF for add/sub and friends (measured: `add`
leaves AF stale), though the SDM defines it as the carry out of bit 3 and
`pushf` makes it observable. For an addition or subtraction chain with carry
in, the carry into bit 4 is bit 4 of (a ^ b ^ r), so AF comes from the
operands before and the result after.

DIV/IDIV raise #DE on a zero divisor or a quotient that does not fit; P-code
division has no fault, so the stepper forks a faulting path first.
"""

from __future__ import annotations

from collections.abc import Callable

import z3
from capstone import x86_const as X

from pvverify.semantics.operands import Insn, effective_address, read
from pvverify.semantics.state import PathState

_AF_BINARY = {"add", "adc", "sub", "sbb", "cmp", "xadd"}
_AF_UNARY = {"inc", "dec", "neg"}


def _af(a: z3.BitVecRef, b: z3.BitVecRef, r: z3.BitVecRef) -> z3.BitVecRef:
    return z3.Extract(4, 4, a ^ b ^ r)


def _operand_reader(st: PathState, ins: Insn, i: int) -> Callable[[PathState], z3.BitVecRef]:
    """Read operand i again after the instruction, at the address it had before."""
    op = ins.operands[i]
    if op.type == X.X86_OP_MEM:
        addr = effective_address(st, ins, op)
        return lambda s: s.load(addr, op.size)
    return lambda s: read(s, ins, i)


def af_fixup(st: PathState, ins: Insn) -> Callable[[PathState], None] | None:
    """Capture the inputs of an AF-defining instruction; the returned function sets AF after it."""
    mn = ins.mnemonic
    if mn in _AF_BINARY:
        a = read(st, ins, 0)
        b = read(st, ins, 1)
        if b.size() < a.size():
            b = z3.SignExt(a.size() - b.size(), b)
        if mn == "cmp":
            r = a - b
            return lambda s: s.set_flag("af", _af(a, b, r))
        after = _operand_reader(st, ins, 0)
        return lambda s: s.set_flag("af", _af(a, b, after(s)))
    if mn in _AF_UNARY:
        x = read(st, ins, 0)
        after = _operand_reader(st, ins, 0)
        if mn == "neg":
            zero = z3.BitVecVal(0, x.size())
            return lambda s: s.set_flag("af", _af(zero, x, after(s)))
        one = z3.BitVecVal(1, x.size())
        return lambda s: s.set_flag("af", _af(x, one, after(s)))
    if mn == "cmpxchg":
        dst = read(st, ins, 0)
        acc = st.reg({1: "al", 2: "ax", 4: "eax", 8: "rax"}[dst.size() // 8])
        r = acc - dst
        return lambda s: s.set_flag("af", _af(acc, dst, r))
    return None


def division_fault(st: PathState, ins: Insn) -> z3.BoolRef:
    """When DIV/IDIV with this state raises #DE (SDM DIV, IDIV)."""
    src = read(st, ins, 0)
    n = src.size()
    names = {8: ("ah", "al"), 16: ("dx", "ax"), 32: ("edx", "eax"), 64: ("rdx", "rax")}[n]
    hi, lo = st.reg(names[0]), st.reg(names[1])
    if ins.mnemonic == "div":
        return z3.Or(src == 0, z3.UGE(hi, src))
    dividend = z3.Concat(hi, lo)
    q = dividend / z3.SignExt(n, src)
    lim = 1 << (n - 1)
    return z3.Or(src == 0, q > lim - 1, q < -lim)
