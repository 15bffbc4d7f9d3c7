"""Stand-ins for the state a callee summary starts from (summaries.py, frames.py).

A summary's entry values are not copied in: each register, each entry of dead
stack and the return address holds a `Proxy` of the caller's value, which behaves
exactly as that value does (rebased into the callee's frame) and records what of
it the analysis looked at: its kind (`v[0]`: a stack address, a constant, an input
value, ...), whether it may be the slot (memory._may_be_slot, answered in the
caller's frame), or all of it. Every look at a Proxy goes through its methods
(it is no tuple: no C code reads it behind them), so whatever the analysis
decides, it decides from what is recorded; a value it only moved (a callee-saved
register pushed and popped) comes out as the same Proxy and stands for whatever
the next caller has there. A summary holds for every caller whose entry values
agree with the first one's on what was looked at.

The callee's own return address is a Proxy too (`ReturnProxy`: the `ret` that
consumes it compares it with the canonical one without looking at it). `Outside`
is one stack entry for everything from the return address up: only a load or
store through an object address may touch it (frames.Run answers and applies
those from the caller's state); any other look at it ends the run (NoSummary).

Values are plain tuples (values.py); those that hold stack offsets are rebased
here (`rebase`, `reach`), but for a range from values.FAR up (values.BELOW, "below
the slot", and addresses computed from it), which is absolute: it means the same
in the caller's frame and in the callee's, where the canonical slot [0, width)
stands for the caller's, so the rules answer alike for it in both. A kind this
module does not know ends the summary (never a guess): a new kind of value that
holds offsets must be added to OFFSETS.
"""

from __future__ import annotations

from pvverify.samecallee.values import FAR

# what of an entry value was looked at (bits): its kind, whether it may be the slot
# (memory._may_be_slot: the caller's answer, in the caller's frame), all of it
KIND, SLOT, VALUE = 1, 2, 4
MARGIN = 8  # every offset a summary meets lies this far below the slot, in its caller's frame and its own

OFFSET_FREE = frozenset(("c", "i", "n", "a", "p", "q", "h", "hp", "f", "k"))  # values.py: no stack offset
OFFSETS = {"s": (1,), "sn": (1,), "r": (1, 2), "o": (1, 2)}  # the kinds holding offsets, and where


class NoSummary(Exception):  # noqa: N818 (a stop, like NoProof)
    """The run of `run` (a frames.Run) cannot give a summary; None: no run could."""

    def __init__(self, run, why: str) -> None:
        super().__init__(why)
        self.run = run


class Unpeekable(Exception):  # noqa: N818
    """A caller value that cannot be written in the callee's frame (a lookup misses)."""


def _offsets(v: tuple, run) -> tuple[int, ...] | None:
    """Where v holds stack offsets (OFFSETS), None where it holds none; a kind this
    module does not know ends the summary."""
    where = OFFSETS.get(v[0])
    if where is None and v[0] not in OFFSET_FREE:
        raise NoSummary(run, f"a value of kind {v[0]!r}")
    return where


def rebase(v: tuple, d: int, run=None) -> tuple:
    """v with every stack offset moved by d (but an absolute one: `absolute`)."""
    where = _offsets(v, run)
    if where is None:
        return v
    if len(where) == 1:
        return (v[0], v[1] + d)
    return v if v[1] <= FAR // 2 else (v[0], v[1] + d, v[2] + d)


def reach(v: tuple, run=None) -> int | None:
    """The highest stack offset v may address, or None (no stack offset, or absolute)."""
    where = _offsets(v, run)
    if where is None:
        return None
    return None if len(where) > 1 and v[1] <= FAR // 2 else v[where[-1]]


class Proxy:
    """An entry value of a summary's run (see the module): `real` is the caller's
    value (itself a Proxy when the caller is another summary's run), `label` where it
    was ("r", register) or ("d", offset from the return address)."""

    __slots__ = ("_canon", "_kind", "_level", "label", "real", "run")

    def __init__(self, real, label: tuple, run) -> None:
        self.real, self.label, self.run = real, label, run
        self._canon = self._kind = None
        self._level = 0  # the most its run has recorded of it

    def _log(self, level: int) -> None:
        if not self._level & level:
            self._level |= level
            self.run.log(self.label, level)

    def kind(self) -> str:
        k = self._kind
        if k is None:
            self._log(KIND)
            k = self._kind = self.real[0]
        return k

    def may_be_slot(self, an) -> bool:
        """memory._may_be_slot of it, as its caller would answer (an address in the
        callers' frames is no value in the callee's: it may still be asked this). The
        assumptions the answer uses are the caller's: a summary adds them where it is
        applied (frames.Run.projection)."""
        self._log(SLOT)
        return self.run._asking(False, lambda: an._may_be_slot(self.real))[0]

    def value(self) -> tuple:
        if self._canon is None:
            self._log(VALUE)
            self._canon = self.run.rebased(self.real.value() if isinstance(self.real, Proxy) else self.real)
        return self._canon

    def __getitem__(self, i):
        return self.kind() if type(i) is int and i == 0 else self.value()[i]

    def __len__(self) -> int:
        self.kind()
        return len(self.real)

    def __iter__(self):
        return iter(self.value())

    def __contains__(self, x) -> bool:
        return x in self.value()

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other):
        if other is self:
            return True
        t = type(other)
        if isinstance(other, Proxy):
            if self.kind() != other.kind():
                return False
            return self.value() == other.value()
        if t is not tuple:
            return other.__eq__(self)  # a stand-in that ends the run
        if self.kind() != other[0]:
            return False
        return True if len(other) == 1 else self.value() == other  # (a kind of one element is its value)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.value())

    def __lt__(self, other):
        return self.value() < other

    def __le__(self, other):
        return self.value() <= other

    def __gt__(self, other):
        return self.value() > other

    def __ge__(self, other):
        return self.value() >= other

    def __repr__(self) -> str:
        return f"<entry {self.label}>"


class _Stop:
    """A stand-in every look at which ends the run (NoSummary)."""

    __slots__ = ("run",)
    WHY = ""

    def __init__(self, run) -> None:
        self.run = run

    def _stop(self, *_):
        raise NoSummary(self.run, self.WHY)

    __getitem__ = __len__ = __iter__ = __contains__ = __bool__ = __hash__ = _stop
    __lt__ = __le__ = __gt__ = __ge__ = _stop

    def __eq__(self, other):
        return True if other is self else self._stop()

    def __ne__(self, other):
        return False if other is self else self._stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class Outside(_Stop):
    """The stack from the callee's return address up: one entry, and `stores`, the
    stores through object addresses (memory.store of P or Q, which writes every stack
    entry) the callee made on the way to it: a set of (value, size), the value
    ("plain", v) or ("entry", label). Nothing looks at it but those stores and loads
    (frames.Run answers for it from the caller's state); two of one run are equal
    when their stores are, and join to the union."""

    __slots__ = ("stores",)
    WHY = "looks at its callers' frames"

    def __init__(self, run, stores: frozenset = frozenset()) -> None:
        super().__init__(run)
        self.stores = stores

    def __eq__(self, other):
        if other is self:
            return True
        if type(other) is Outside and other.run is self.run:
            return other.stores == self.stores
        return self._stop()

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = _Stop.__hash__

    def merge(self, other) -> Outside:
        if type(other) is not Outside or other.run is not self.run:
            self._stop()
        return self if other.stores <= self.stores else Outside(self.run, self.stores | other.stores)

    def stored(self, tag: tuple, size: int) -> Outside:
        if (tag, size) in self.stores:
            return self
        return Outside(self.run, self.stores | {(tag, size)})


class ReturnProxy(Proxy):
    """The callee's own return address (the caller's return pc, a constant): equal,
    without being looked at, to the canonical return address its summary's context
    holds (the check of every `ret` and tail call); anything else looks at it."""

    __slots__ = ("canon",)

    def __init__(self, real, label: tuple, run, canon: tuple) -> None:
        super().__init__(real, label, run)
        self.canon = canon

    def __eq__(self, other):
        if type(other) is tuple and other == self.canon:
            return True
        return Proxy.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = Proxy.__hash__


def peek_kind(v) -> str:
    """v[0] of a caller value, recording nothing."""
    t = type(v)
    if isinstance(v, Proxy):
        return peek_kind(v.real)
    if t is tuple:
        return v[0]
    raise Unpeekable


def peek(v) -> tuple:
    """A caller value as the analysis sees it, recording nothing (raises Unpeekable
    for one its run could not rebase)."""
    t = type(v)
    if isinstance(v, Proxy):
        if v._canon is None:
            inner = peek(v.real)
            top = reach(inner, v.run)
            if top is not None and top > -MARGIN:
                raise Unpeekable
            return rebase(inner, v.run.shift, v.run)
        return v._canon
    if t is tuple:
        return v
    raise Unpeekable


def touch(v, level: int, an) -> None:
    """Record, in every run v is an entry value of, that it was looked at so (bits)."""
    if isinstance(v, Proxy):
        if level & VALUE:
            v.value()
            return
        if level & KIND:
            v.kind()
        if level & SLOT:
            v.may_be_slot(an)
