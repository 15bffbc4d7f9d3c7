"""The abstract values of the same-callee analysis: what a register or stack slot may
hold, relative to the analysed function's return-address slot, and how two of them join."""

from __future__ import annotations

import math

# ("c", v): the constant v (not a stack address); N: any value not derived from
# the stack pointer; ("s", k): entry stack pointer + k; A: possibly stack-derived,
# offset unknown (top).
Val = tuple
N: Val = ("n",)
A: Val = ("a",)


def const(v: int) -> Val:
    return ("c", v)


# P: an address the analysed code did not compute, that code it cannot see gave
# back (UNKNOWN_CALLEE): it may be a stack address, but not the return address's.
# Q: arithmetic on a P (OBJECT_ARITHMETIC says why it is not the slot's either).
P: Val = ("p",)
Q: Val = ("q",)
# H: the low 32 bits of a stack-derived value, zero-extended (x86_64 only): never a
# kernel address itself, but two of them could be put together again.
H: Val = ("h",)
HP: Val = ("hp",)  # the same of a P or Q


# ("i", lo, hi, g): a small non-negative integer in [lo, hi], congruent to lo mod g (setcc, lea, merged
# constants); ("r", lo, hi): a stack address at an offset in [lo, hi]. Hulls wider
# than INTERVAL widen to N / A, so loops reach their fixpoint; a hull of stack
# addresses all at least 8 bytes below the slot widens to BELOW instead (a stack
# address somewhere below the slot: two paths through a callee that leave different
# addresses of its dead frame in a scratch register join to it).
INTERVAL = 64
FAR = -(1 << 40)
BELOW: Val = ("r", FAR, -8)


# ("sn", k): either the stack address entry + k or a value not derived from the stack
# pointer: `p = cond ? &local : NULL`, where the two arms meet, at any offset (an
# object's address would let an access the analysis follows past the object's end
# reach the slot unchecked); accesses through it are checked against the slot at k,
# and also reach memory other than the stack.


# ("o", lo, hi): an address computed from a stack address at an offset in [lo, hi]
# (hi < 0: below the return address) by arithmetic the analysis does not follow (an
# unbounded index, a length, an alignment); under STACK_OBJECT it points into the
# object that stack address pointed into, which lies in one frame below the slot.


def stacky(v: Val) -> bool:
    return v[0] in ("s", "a", "p", "q", "h", "hp", "r", "o", "sn")


def below(v: Val) -> bool:
    """A stack address (exact, a range, or into an object) all below the return address."""
    return v[0] in ("s", "r", "o", "sn") and v[-1] < 0


def bounds(v: Val) -> tuple[int, int] | None:
    """[lo, hi] of a small non-negative integer, or None."""
    if v[0] == "c" and 0 <= v[1] < 1 << 16:
        return v[1], v[1]
    return (v[1], v[2]) if v[0] == "i" else None


def stride(v: Val) -> int:
    """Every value v may take is congruent to its least modulo this (0: a constant)."""
    return 0 if v[0] == "c" else v[3] if v[0] == "i" else 1


def interval(lo: int, hi: int, g: int = 1) -> Val:
    """[lo, hi] stepping by g (hi snapped down onto the steps); a loop counter that
    moves by 32 and is tested against 160 is at most 128, not 159."""
    if g > 1:
        hi = lo + (hi - lo) // g * g
    return const(lo) if lo == hi else ("i", lo, hi, max(g, 1)) if lo >= 0 and hi - lo <= INTERVAL else N


def ints(lo: int, hi: int, g: int) -> Val:
    """An ("i") value wider than INTERVAL allows for a hull (loop heads, refinements)."""
    if g > 1:
        hi = lo + (hi - lo) // g * g
    return const(lo) if lo == hi else ("i", lo, hi, max(g, 1))


def piece(v: Val) -> Val:
    """The low 32 bits of v (x86_64), zero-extended."""
    return HP if v[0] in ("p", "q", "hp") else H if stacky(v) else N


def join(a: Val, b: Val, thresholds: tuple[int, ...] | None = None) -> Val:
    """The least value covering a and b; `thresholds` (at a loop head: the target of a
    backward jump, which every cycle passes) widens small integers, None keeps the hull
    of two of them exact (every cycle is widened at its head, so the fixpoint is reached)."""
    if a == b:
        return a
    if a[0] == "sn" or b[0] == "sn":
        s, other = (a, b) if a[0] == "sn" else (b, a)
        if not stacky(other) or other == ("s", s[1]):
            return s
        j = join(("s", s[1]), ("s", other[1]) if other[0] == "sn" else other, thresholds)
        return A if j[0] in ("s", "r") else j  # (an exact stack address would lose the other arm)
    if a[0] == "o" or b[0] == "o":
        o, other = (a, b) if a[0] == "o" else (b, a)
        if not stacky(other):
            return o  # (accesses through it also cover non-stack memory)
        if other[0] in ("p", "q", "hp"):
            return Q  # into an object either way (STACK_OBJECT, OBJECT_ARITHMETIC)
        return ("o", min(o[1], other[1]), max(o[2], other[-1])) if below(other) else A
    ba, bb = bounds(a), bounds(b)
    if ba and bb:
        lo, hi = min(ba[0], bb[0]), max(ba[1], bb[1])
        g = math.gcd(stride(a), stride(b), abs(ba[0] - bb[0]))
        if hi - lo > INTERVAL and thresholds is None and (a[0] == "i" or b[0] == "i"):
            return ints(lo, hi, g) if hi < 1 << 16 else N
        if hi - lo > INTERVAL and thresholds is not None:
            # widening with thresholds: up to the next bound a `cmp reg, imm` tested
            # (the branch it guards refines the value below it again), else N
            hi = min((t for t in thresholds if t >= hi), default=None)
            return ints(lo, hi, g) if hi is not None else N
        return interval(lo, hi, g)
    if not stacky(a) and not stacky(b):
        return N
    if a[0] in ("s", "r") and b[0] in ("s", "r"):
        lo = min(a[1], b[1])
        hi = max(a[-1], b[-1])
        if hi > -8 and lo < 8:
            return A  # may be the slot's
        if hi - lo <= INTERVAL:
            return ("r", lo, hi)
        # wider: forget how far below (every access through it is checked against the
        # slot over the whole range), keep that it is below the slot; a range above
        # the slot (the caller's frame) is too rare to keep
        return BELOW if hi <= -8 else A
    if A in (a, b):
        return A
    s = a if a[0] == "s" else b if b[0] == "s" else None
    if s is not None:
        other = b if s is a else a
        if not stacky(other):
            # that stack address, or no stack address at all: the offset stays exact, so
            # an access the analysis follows through it (a pushed register's word plus 4)
            # is checked against the slot as the stack address alone would be
            return ("sn", s[1])
        # an object's address below the slot, or one code not analysed handed back:
        # either way an object's (P or Q, below), not the slot's
        handed = s[1] < 0 and other[0] in ("p", "q", "hp")
        if not handed and (-8 < s[1] < 8 or other[0] == "s"):
            return A  # two stack addresses, or one that may be the slot's: offset unknown
    if H in (a, b):
        other = b if a == H else a
        return H if not stacky(other) or other == H else A
    if HP in (a, b):
        other = b if a == HP else a
        if not stacky(other):
            return HP
    return Q if Q in (a, b) or HP in (a, b) else P


def arith(v: Val) -> Val:
    """What an arbitrary computation from v may give."""
    if v[0] in ("c", "i", "f", "k"):
        return N  # (arithmetic on a flags image may set DF; on the canary it is no canary)
    if below(v):
        return ("o", v[1], v[-1])
    return A if v[0] in ("s", "a", "h", "r", "sn") else Q if v[0] in ("p", "q", "hp") else v


def join_all(vals) -> Val:
    out: Val | None = None
    for v in vals:
        out = v if out is None else join(out, v)
    return out if out is not None else N


# CANARY: the running task's stack-protector canary, as the prologue reads it from
# its per-CPU word (STACK_CANARY); any computation on it is N
CANARY: Val = ("k",)


# FLAGS: the flags as pushf pushed them with DF clear (popf or iret of it keeps DF clear);
# otherwise like N
FLAGS: Val = ("f",)


def mixed(*vals: Val) -> Val:
    """Bytes of values laid out differently on two paths, read as one: a piece of a stack
    address is one of unknown offset (A); pieces of addresses unknown code handed back
    (P, Q, HP) are arithmetic on them (Q), under OBJECT_ARITHMETIC like Q itself."""
    if any(stacky(v) and v[0] not in ("p", "q", "hp") for v in vals):
        return A
    return Q if any(stacky(v) for v in vals) else N
