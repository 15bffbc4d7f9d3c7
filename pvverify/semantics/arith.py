"""Corrections to the lifter for ordinary arithmetic: the AF flag and #DE.

SLEIGH's x86 spec never computes AF for add/sub and friends (measured: `add`
leaves AF stale), though the SDM defines it as the carry out of bit 3 and
`pushf` makes it observable. For an addition or subtraction chain with carry
in, the carry into bit 4 is bit 4 of (a ^ b ^ r), so AF comes from the
operands before and the result after.

Flags the SDM leaves *undefined* (AF after logic ops, SF/ZF/AF/PF after MUL,
OF after multi-bit shifts, ...) are left stale by SLEIGH. Here each becomes
an uninterpreted function of the instruction and its operands: deterministic
as on real hardware (the same instruction on the same inputs on both paths
agrees), but equal to nothing else, so a proof cannot depend on its value.

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


# SDM "Flags Affected": flags left undefined, per mnemonic. Shift-like entries
# are refined by the count in `undefined_flags`.
_UNDEFINED = {
    "and": ("af",), "or": ("af",), "xor": ("af",), "test": ("af",),
    "mul": ("sf", "zf", "af", "pf"), "imul": ("sf", "zf", "af", "pf"),
    "bsf": ("cf", "of", "sf", "af", "pf"), "bsr": ("cf", "of", "sf", "af", "pf"),
    "bt": ("of", "sf", "af", "pf"), "bts": ("of", "sf", "af", "pf"),
    "btr": ("of", "sf", "af", "pf"), "btc": ("of", "sf", "af", "pf"),
}
_SHIFTS = {"shl", "sal", "shr", "sar", "shld", "shrd", "rol", "ror"}


def undefined_flags(st: PathState, ins: Insn) -> Callable[[PathState], None] | None:
    """After the instruction, replace the flags the SDM leaves undefined."""
    mn = ins.mnemonic.split()[-1]
    if mn not in _UNDEFINED and mn not in _SHIFTS:
        return None
    ops = [read(st, ins, i) for i in range(len(ins.operands))]
    if not ops:
        return None
    key = z3.Concat(*ops) if len(ops) > 1 else ops[0]

    def undef(flag: str) -> z3.BitVecRef:
        fn = z3.Function(f"undefined_{mn}_{flag}_{key.size()}", z3.BitVecSort(key.size()),
                         z3.BitVecSort(1))
        return fn(key)

    if mn in _UNDEFINED:
        def clobber(s: PathState) -> None:
            for f in _UNDEFINED[mn]:
                s.set_flag(f, undef(f))
        return clobber
    # shifts and rotates: the count is the last operand (implicit 1 if absent)
    width = ops[0].size()
    if len(ops) == 1:
        count = z3.BitVecVal(1, 8)
    else:
        count = ops[-1]
        count = z3.Extract(7, 0, count) if count.size() > 8 else count
    count = count & (0x3F if width == 64 else 0x1F)
    result_af = mn in ("shl", "sal", "shr", "sar", "shld", "shrd")

    def fix(s: PathState) -> None:
        if result_af:
            s.set_flag("af", z3.If(count != 0, undef("af"), s.flag("af")))
        s.set_flag("of", z3.If(z3.And(count != 0, count != 1), undef("of"), s.flag("of")))
        if mn in ("shld", "shrd"):
            s.set_flag("cf", z3.If(z3.UGT(z3.ZeroExt(8, count), width), undef("cf"), s.flag("cf")))
    return fix
