"""Executes angr's P-code lifting (pypcode, Ghidra's SLEIGH x86 spec) of one
ordinary instruction exactly, in z3.

Why not angr's own engine: it concretises symbolic memory addresses, and its
resilience options replace what it cannot lift with unconstrained values
(docs/domain.md 4). Here memory is a z3 array, every P-code op has an exact
bit-vector meaning, and an op or user-defined operation (CALLOTHER) we do not
know stops the path as unmodelled instead of being guessed. Which instructions
may reach this module at all is decided in `semantics.dispatch`; their results
are checked against unicorn in tests/test_semantics_unicorn.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pypcode
import z3

from pvverify.semantics.sleigh import context
from pvverify.semantics.state import PathState, Unmodelled, to_width
from pvverify.x86.arch import Arch

OP = pypcode.OpCode

# CALLOTHER operations that have no architectural effect in a single-CPU model.
_HARMLESS_CALLOTHER = {"LOCK", "UNLOCK"}


@cache
def lift(arch: Arch, address: int, code: bytes) -> tuple:
    """P-code ops of the single instruction `code` at `address` (cached: the same
    instruction is met on many paths)."""
    tx = context(arch).translate(code, address, max_instructions=1)
    return tuple(tx.ops)


def _bool(c: z3.BoolRef) -> z3.BitVecRef:
    return z3.If(c, z3.BitVecVal(1, 8), z3.BitVecVal(0, 8))


def _nz(v: z3.BitVecRef) -> z3.BoolRef:
    return v != 0


def _shift(kind: str, a: z3.BitVecRef, amt: z3.BitVecRef) -> z3.BitVecRef:
    """P-code shifts: amounts >= the width give 0 (or sign fill), whatever the amount's width."""
    w = a.size()
    if amt.size() < w:
        amt = z3.ZeroExt(w - amt.size(), amt)
    elif amt.size() > w:
        big = z3.UGE(amt, w)
        amt = z3.If(big, z3.BitVecVal(w, amt.size()), amt)
        amt = z3.Extract(w - 1, 0, amt) if w < amt.size() else amt
    if kind == "left":
        return a << amt
    if kind == "right":
        return z3.LShR(a, amt)
    return a >> amt


def _popcount(v: z3.BitVecRef, out_bits: int) -> z3.BitVecRef:
    return z3.Sum([z3.ZeroExt(out_bits - 1, z3.Extract(i, i, v)) for i in range(v.size())])


def _lzcount(v: z3.BitVecRef, out_bits: int) -> z3.BitVecRef:
    w = v.size()
    r = z3.BitVecVal(w, out_bits)
    for i in range(w):  # the highest set bit wins: build from low to high
        r = z3.If(z3.Extract(i, i, v) == 1, z3.BitVecVal(w - 1 - i, out_bits), r)
    return r


def _div(kind: str, a: z3.BitVecRef, b: z3.BitVecRef) -> z3.BitVecRef:
    # x86 faults (#DE) on a zero divisor; `dispatch` keeps div/idiv out of
    # this module unless the divisor is proven non-zero, so any value is fine.
    return {"udiv": z3.UDiv, "urem": z3.URem, "sdiv": lambda x, y: x / y, "srem": z3.SRem}[kind](a, b)


_BINARY: dict[object, Callable[[z3.BitVecRef, z3.BitVecRef], z3.BitVecRef]] = {
    OP.INT_ADD: lambda a, b: a + b,
    OP.INT_SUB: lambda a, b: a - b,
    OP.INT_MULT: lambda a, b: a * b,
    OP.INT_AND: lambda a, b: a & b,
    OP.INT_OR: lambda a, b: a | b,
    OP.INT_XOR: lambda a, b: a ^ b,
    OP.INT_EQUAL: lambda a, b: _bool(a == b),
    OP.INT_NOTEQUAL: lambda a, b: _bool(a != b),
    OP.INT_LESS: lambda a, b: _bool(z3.ULT(a, b)),
    OP.INT_LESSEQUAL: lambda a, b: _bool(z3.ULE(a, b)),
    OP.INT_SLESS: lambda a, b: _bool(a < b),
    OP.INT_SLESSEQUAL: lambda a, b: _bool(a <= b),
    OP.INT_CARRY: lambda a, b: _bool(z3.ULT(a + b, a)),
    OP.INT_SCARRY: lambda a, b: _bool(z3.Not(z3.BVAddNoOverflow(a, b, True))
                                      | z3.Not(z3.BVAddNoUnderflow(a, b))),
    OP.INT_SBORROW: lambda a, b: _bool(z3.Not(z3.BVSubNoOverflow(a, b))
                                       | z3.Not(z3.BVSubNoUnderflow(a, b, True))),
    OP.INT_LEFT: lambda a, b: _shift("left", a, b),
    OP.INT_RIGHT: lambda a, b: _shift("right", a, b),
    OP.INT_SRIGHT: lambda a, b: _shift("sright", a, b),
    OP.INT_DIV: lambda a, b: _div("udiv", a, b),
    OP.INT_REM: lambda a, b: _div("urem", a, b),
    OP.INT_SDIV: lambda a, b: _div("sdiv", a, b),
    OP.INT_SREM: lambda a, b: _div("srem", a, b),
    OP.BOOL_AND: lambda a, b: _bool(_nz(a) & _nz(b)),
    OP.BOOL_OR: lambda a, b: _bool(_nz(a) | _nz(b)),
    OP.BOOL_XOR: lambda a, b: _bool(z3.Xor(_nz(a), _nz(b))),
}


class _Frame:
    """One in-flight execution of an instruction's op list (forks copy it)."""

    __slots__ = ("state", "index", "uniques")

    def __init__(self, state: PathState, index: int, uniques: dict) -> None:
        self.state = state
        self.index = index
        self.uniques = uniques


def _get(f: _Frame, vn) -> z3.BitVecRef:
    space = vn.space.name
    if space == "const":
        return z3.BitVecVal(vn.offset, 8 * vn.size)
    if space == "register":
        return f.state.read_varnode(vn.offset, vn.size)
    if space == "unique":
        v = f.uniques.get(vn.offset)
        if v is None:
            raise Unmodelled(f"P-code read of an unset temporary {vn.offset:#x}")
        if v.size() != 8 * vn.size:
            v = z3.Extract(8 * vn.size - 1, 0, v)
        return v
    if space == "ram":
        bits = f.state.inputs.arch.bits
        return f.state.load(z3.BitVecVal(vn.offset, bits), vn.size)
    raise Unmodelled(f"P-code address space {space!r}")


def _put(f: _Frame, vn, value: z3.BitVecRef) -> None:
    assert value.size() == 8 * vn.size, (vn, value.size())
    space = vn.space.name
    if space == "register":
        f.state.write_varnode(vn.offset, vn.size, value)
    elif space == "unique":
        f.uniques[vn.offset] = value
    elif space == "ram":
        bits = f.state.inputs.arch.bits
        f.state.store(z3.BitVecVal(vn.offset, bits), vn.size, value)
    else:
        raise Unmodelled(f"P-code write to address space {space!r}")


def execute(
    state: PathState, address: int, code: bytes, text: str,
    feasible: Callable[[PathState], bool],
) -> list[tuple[PathState, z3.BitVecRef]]:
    """Run one instruction; return each resulting state with its next pc (symbolic or not).

    Conditional branches inside the instruction (string ops, shifts by zero)
    and across instructions fork; `feasible` prunes forks that no input reaches.
    """
    arch = state.inputs.arch
    try:
        ops = lift(arch, address, code)
    except (pypcode.BadDataError, pypcode.DecoderError, pypcode.UnimplError) as e:
        # bytes capstone decodes but the P-code lifter does not: no semantics, not a crash
        raise Unmodelled(f"`{text}` ({code.hex()}): the P-code lifter cannot decode it "
                         f"({type(e).__name__})") from None
    bits = arch.bits
    fallthrough = z3.BitVecVal((address + len(code)) & arch.mask, bits)
    work = [_Frame(state, 0, {})]
    done: list[tuple[PathState, z3.BitVecRef]] = []
    while work:
        f = work.pop()
        while True:
            if f.index >= len(ops):
                done.append((f.state, fallthrough))
                break
            op = ops[f.index]
            f.index += 1
            code = op.opcode
            ins = op.inputs
            if code == OP.IMARK:
                continue
            if code == OP.COPY:
                _put(f, op.output, _get(f, ins[0]))
            elif code == OP.LOAD:
                addr = _get(f, ins[1])
                _put(f, op.output, f.state.load(to_width(addr, bits), op.output.size))
            elif code == OP.STORE:
                addr = _get(f, ins[1])
                val = _get(f, ins[2])
                f.state.store(to_width(addr, bits), ins[2].size, val)
            elif code in _BINARY:
                _put(f, op.output, _BINARY[code](_get(f, ins[0]), _get(f, ins[1])))
            elif code == OP.INT_ZEXT:
                v = _get(f, ins[0])
                _put(f, op.output, z3.ZeroExt(8 * op.output.size - v.size(), v))
            elif code == OP.INT_SEXT:
                v = _get(f, ins[0])
                _put(f, op.output, z3.SignExt(8 * op.output.size - v.size(), v))
            elif code == OP.INT_2COMP:
                _put(f, op.output, -_get(f, ins[0]))
            elif code == OP.INT_NEGATE:
                _put(f, op.output, ~_get(f, ins[0]))
            elif code == OP.BOOL_NEGATE:
                _put(f, op.output, _bool(_get(f, ins[0]) == 0))
            elif code == OP.PIECE:
                _put(f, op.output, z3.Concat(_get(f, ins[0]), _get(f, ins[1])))
            elif code == OP.SUBPIECE:
                v = _get(f, ins[0])
                lo = 8 * ins[1].offset
                hi = min(lo + 8 * op.output.size, v.size())
                piece = z3.Extract(hi - 1, lo, v)
                if piece.size() < 8 * op.output.size:
                    piece = z3.ZeroExt(8 * op.output.size - piece.size(), piece)
                _put(f, op.output, piece)
            elif code == OP.POPCOUNT:
                _put(f, op.output, _popcount(_get(f, ins[0]), 8 * op.output.size))
            elif code == OP.LZCOUNT:
                _put(f, op.output, _lzcount(_get(f, ins[0]), 8 * op.output.size))
            elif code in (OP.BRANCH, OP.CALL):
                target = ins[0]
                if target.space.name == "const":  # relative to this op list
                    f.index = f.index - 1 + _signed(target.offset, 64)
                    continue
                done.append((f.state, z3.BitVecVal(target.offset, bits)))
                break
            elif code == OP.CBRANCH:
                cond = _nz(_get(f, ins[1]))
                cond = z3.simplify(cond)
                target = ins[0]
                taken = f.state
                if z3.is_true(cond):
                    branches = [(taken, True)]
                elif z3.is_false(cond):
                    branches = [(taken, False)]
                else:
                    other = taken.fork()
                    taken.cond.append(cond)
                    other.cond.append(z3.Not(cond))
                    branches = [(s, t) for s, t in ((taken, True), (other, False)) if feasible(s)]
                    if not branches:
                        break
                stay = None
                for s, t in branches:
                    if not t:
                        stay = s
                        continue
                    if target.space.name == "const":
                        work.append(_Frame(s, f.index - 1 + _signed(target.offset, 64),
                                           dict(f.uniques)))
                    else:
                        done.append((s, z3.BitVecVal(target.offset, bits)))
                if stay is None:
                    break
                f = _Frame(stay, f.index, dict(f.uniques)) if stay is not f.state else f
            elif code in (OP.BRANCHIND, OP.CALLIND, OP.RETURN):
                done.append((f.state, to_width(_get(f, ins[0]), bits)))
                break
            elif code == OP.CALLOTHER:
                name = ins[0].getUserDefinedOpName()
                if name in _HARMLESS_CALLOTHER:
                    continue
                raise Unmodelled(f"`{text}`: lifter gives an opaque operation {name}()")
            else:
                raise Unmodelled(f"`{text}`: P-code op {code.name} has no modelled semantics")
    return done



def _signed(v: int, bits: int) -> int:
    return v - (1 << bits) if v >> (bits - 1) else v
