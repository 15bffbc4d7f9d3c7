"""The abstract machine state at one instruction of one call context, and the join of
two of them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pvverify.samecallee.entry_values import Outside
from pvverify.samecallee.values import INTERVAL, N, Val, bounds, ints, join, mixed

Ctx = tuple  # ((return pc, offset of the return address, callee), ...) of the calls in progress


@dataclass
class State:
    sp: int                                    # stack pointer - entry stack pointer
    regs: dict[str, Val]                       # missing: N
    stack: dict[int, tuple[int, Val]]          # offset -> (size, value)
    leaked: bool = False                       # a stack-derived value is in reachable memory
    df: bool = False                           # DF may be set (clear at entry: check.ASSUMED)
    wild: bool = False                         # ... and it may be the return address's
    saved: frozenset = frozenset()             # slots a callee-saved register was pushed to
    cmp: tuple | None = None                   # (register, imm, size): flags of `cmp reg, imm` just run
    # after `and $-align, %sp`: (r, modulus, depth): the entry stack pointer is r modulo
    # modulus on this path, forked at call depth `depth` (states of other residues are
    # other nodes: the offsets after the `and` differ)
    phase: tuple[int, int, int] | None = None
    # (displacement, offset): the stack pointer, at this offset, was just saved to memory
    # outside the stack at that displacement from some register (a task's saved sp)
    parked: tuple[int, int] | None = None
    # per function in progress (outermost first): the callee-saved registers it has not
    # written yet, which still hold its caller's values; a `mov` of one to the stack is
    # a save like a push (gcc's shrink-wrapped prologues), so the slot is in no object
    pristine: tuple[frozenset, ...] = ()
    # offset -> (size, value): stack addresses left below the stack pointer when it rose
    # (a push popped, a callee's frame); a later `sub` re-exposes those bytes, and a read
    # of them before anything writes them again gives that value back
    dead: dict[int, tuple[int, Val]] = field(default_factory=dict)

    def copy(self) -> State:
        return State(self.sp, dict(self.regs), dict(self.stack), self.leaked, self.df, self.wild,
                     self.saved, self.cmp, self.phase, self.parked, self.pristine, dict(self.dead))

    def same(self, other: State) -> bool:
        """Equal as abstract states."""
        return self.sp == other.sp and self.regs == other.regs and self.stack == other.stack \
            and self.leaked == other.leaked and self.df == other.df and self.wild == other.wild \
            and self.saved == other.saved and self.cmp == other.cmp and self.phase == other.phase \
            and self.parked == other.parked and self.pristine == other.pristine \
            and self.dead == other.dead



def widen(a: Val, b: Val, thresholds: tuple[int, ...] | None, early: bool = True) -> Val:
    """join(a, b, thresholds); at a loop head (thresholds given) a small integer that
    was already an interval and grows has each bound that moved widened at once to
    the next threshold past it, where there is one (else exactly, as join does);
    and one wider than INTERVAL whose least value fell goes down to the next
    threshold below, else 0 (join widens only upwards). join alone keeps the exact
    hull up to INTERVAL wide: a counter stepping by one took a pass of its loop per
    value, 64 of them for get_page_from_freelist's zone loop, 32,768 for the pv
    spinlock's counting down from 0x8000 (its whole 500,000-visit bound). Every
    value is a superset of join's at every step, and none becomes N sooner than
    join would make it: a bounded range that reaches the slot is met (and refused)
    as before, never traded for an unbounded one (object arithmetic). (`early`
    False: join alone, the analysis before this, for the benchmarks' baseline.)
    (A summary's stand-in for its callers' frames joins itself: entry_values.Outside.)"""
    if type(a) is Outside:
        return a.merge(b)
    v = join(a, b, thresholds)
    if not early or thresholds is None or v[0] != "i" or v == a:
        return v
    ba, bb = bounds(a), bounds(b)
    if ba is None or bb is None:
        return v
    lo, hi = v[1], v[2]
    if a[0] == "i":
        if bb[1] > ba[1]:
            hi = min((t for t in thresholds if t >= hi), default=hi)
        if bb[0] < ba[0]:
            lo = max((t for t in thresholds if t <= lo), default=lo)
    if hi - lo > INTERVAL and bb[0] < ba[0]:
        lo = max((t for t in thresholds if t <= lo), default=0)
    return ints(lo, hi, math.gcd(v[3], v[1] - lo))


@dataclass
class Work:
    """A fixpoint in progress from the frame `depth` deep: the state of every node
    visited, the states pending and their order, and the states of the successors
    leaving that frame (a summarised callee's returns)."""

    depth: int
    states: dict = field(default_factory=dict)
    pending: dict = field(default_factory=dict)
    order: list = field(default_factory=list)
    exits: list = field(default_factory=list)
    fresh: set = field(default_factory=set)  # nodes whose state changed since it was last looked over


def join_entry(ea, eb, thresholds, early: bool = True):
    """Two stack entries at one offset (either may be missing: an input value, N)."""
    if ea is not None and eb is not None and ea[0] == eb[0]:
        return (ea[0], widen(ea[1], eb[1], thresholds, early))
    if ea is not None and eb is not None:  # another width: no longer one value
        return (max(ea[0], eb[0]), mixed(ea[1], eb[1]))
    e = ea if ea is not None else eb
    return (e[0], join(e[1], N))


def join_states(a: State, b: State, thresholds: tuple[int, ...] | None = (), early: bool = True) -> State:
    if a.regs == b.regs:  # (most joins: dict equality is far cheaper than the loop)
        regs = dict(a.regs)
    else:
        ar, br, regs = a.regs, b.regs, {}
        for r in ar.keys() | br.keys():
            va, vb = ar.get(r, N), br.get(r, N)
            v = va if va is vb else widen(va, vb, thresholds, early)
            if v is not N and v != N:
                regs[r] = v
    # only the entries that differ are joined (deep frames hold a hundred, few change)
    stack = dict(a.stack)
    if a.stack != b.stack:
        bs = b.stack
        for k, eb in bs.items():
            ea = stack.get(k)
            if ea is not eb and ea != eb:
                stack[k] = join_entry(ea, eb, thresholds, early)
        for k in [k for k in stack if k not in bs]:
            stack[k] = join_entry(stack[k], None, thresholds)
    pristine = a.pristine if a.pristine == b.pristine else \
        tuple(x & y for x, y in zip(a.pristine, b.pristine, strict=True))
    return State(a.sp, regs, stack, a.leaked or b.leaked, a.df or b.df, a.wild or b.wild,
                 a.saved & b.saved, a.cmp if a.cmp == b.cmp else None, a.phase,
                 a.parked if a.parked == b.parked else None, pristine, _join_dead(a.dead, b.dead))


def touch(st: State, full: str) -> None:
    """A write to a register: in this function it no longer holds the caller's value."""
    if st.pristine and full in st.pristine[-1]:
        st.pristine = st.pristine[:-1] + (st.pristine[-1] - {full},)


def leave_phase(st: State, depth: int) -> None:
    """Back in a caller of the function that aligned the stack pointer: the residue
    split ends (the stack pointer is again an exact offset for every residue, or the
    join of the residues' states refuses it), and the residues' states join."""
    if st.phase is not None and depth < st.phase[2]:
        st.phase = None


def _join_dead(a: dict, b: dict) -> dict:
    """Stack addresses left in dead stack on either path (missing: none there)."""
    if a == b:
        return dict(a)
    out = {}
    for k in a.keys() | b.keys():
        ea, eb = a.get(k), b.get(k)
        out[k] = ea if eb is None or ea is eb else eb if ea is None else join_entry(ea, eb, None)
    return out
