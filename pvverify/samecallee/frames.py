"""One summarised call (summaries.py): the caller's state rewritten into the callee's
frame, what the callee's run records of it, and the run's exit states written back.

Offsets: the caller's offset b of the callee's return address becomes the
canonical base (CANON, plus b's residue modulo 64 so that every alignment comes out
the same); `shift` takes the caller's offsets to the run's. The callers' frames
(from b + width up, the slot among them) are one `Outside` entry; the questions
the rules ask of them, and the stores they make to them, are answered and applied
here from the caller's own state.

Stores through an object address (memory.store of P or Q) write every stack entry
but return addresses and saved registers, the callers' frames included: the run
records each (value, size) on its Outside entry, and the caller's entries get
`polluted`: the least value above each one that every such store keeps (a store
of the same size joins its value in, memory._spliced otherwise), which covers
every order and repetition of the stores on every path, as the caller's context
would have applied them one by one. A load through an object address asks whether
any of them, so polluted, may be the slot (memory.load's question).
"""

from __future__ import annotations

from pvverify.samecallee.abstract_state import State
from pvverify.samecallee.entry_values import (
    KIND,
    MARGIN,
    SLOT,
    VALUE,
    NoSummary,
    Outside,
    Proxy,
    ReturnProxy,
    Unpeekable,
    peek,
    peek_kind,
    reach,
    rebase,
    touch,
)
from pvverify.samecallee.memory import Memory
from pvverify.samecallee.values import N, const, join, stacky

CANON = -(1 << 30)  # the canonical return address's offset (plus the caller's residue mod 64)
HUGE = 1 << 42      # the Outside entry's size: everything above the return address
RETURN = -1         # the canonical return pc
ROUNDS = 16         # `polluted`: joins until nothing changes, at most this many rounds
OUT = "out"         # the footprint label of a question about the callers' frames (Run.ask)
GPRS = {64: ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12",
             "r13", "r14", "r15"),
        32: ("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp")}


class Phantom(int):
    """A function of the chain of calls above a summarised callee, as its run's context
    shows it to flow._call's recursion check: found equal to a call's target, it
    records that the run took that call for recursion (summaries.Summaries._call)."""

    def __new__(cls, f: int, run) -> Phantom:
        p = int.__new__(cls, f)
        p.run = run
        return p

    def __eq__(self, other):
        same = int.__eq__(self, other)
        if same is True:
            self.run.recursed.add(int(self))
        return same

    __hash__ = int.__hash__


class Run:
    """One callee's entry, from the caller's state `st` at its call in context `ctx`
    (the caller's offset b of the return address; `above`: the frames of the chain
    above that context when the caller is itself a run, its phantoms), and what the
    run records: its footprint, the highest offset it met, how deep it called, what
    it took for recursion."""

    def __init__(self, an, st: State, ctx: tuple, b: int, above: tuple = ()) -> None:
        self.an, self.st, self.ctx, self.b = an, st, ctx, b
        self.marks = {off for _, off, _ in ctx}  # the caller's return addresses
        self.chain = (*(int(f) for _, _, f in above), *(f for _, _, f in ctx))
        self.w = an.w
        self.base = CANON + b % 64
        self.shift = self.base - b                 # caller's offsets -> the run's
        self.boundary = b + self.w                 # the callers' frames start here (caller's offsets)
        self.top = self.base + self.w              # ... here (the run's)
        self.high = self.top
        self.footprint: dict[tuple, int] = {}
        self.answers: dict[tuple, tuple] = {}      # ask's, once asked
        self.depth = 0
        self.recursed: set[int] = set()
        self.lives: dict[tuple, object] = {}  # summaries.Summaries._lives, for the calls it makes
        self.seen: dict[int, object] = {}  # check's: values looked over (kept alive, so ids stay theirs)
        # the chain, as frames outside the callee's (their offsets past the Outside entry)
        self.phantoms = tuple((RETURN, self.top + (i + 1) * self.w, Phantom(f, self))
                              for i, f in enumerate(self.chain))

    def forget(self) -> None:
        """Drop what points back into the analysis (summaries.Summaries._forget)."""
        self.an = self.st = None
        self.seen.clear()
        self.lives.clear()
        self.phantoms = ()

    def log(self, label: tuple, level: int) -> None:
        self.footprint[label] = self.footprint.get(label, 0) | level

    def rebased(self, v: tuple) -> tuple:
        """A caller's value in the callee's frame (see summaries.py: below the slot)."""
        top = reach(v, self)
        if top is not None:
            if top > -MARGIN:
                raise NoSummary(self, "is given an address near the slot")
            self.high = max(self.high, top + self.shift)
        return rebase(v, self.shift, self)

    def entry(self) -> State:
        st, w, sp = self.st, self.w, self.an.sp
        regs = {sp: ("s", self.base)}
        for r in (*GPRS[self.an.bits], *st.regs):
            if r != sp and r not in regs:
                regs[r] = Proxy(st.regs.get(r, N), ("r", r), self)
        ret = ReturnProxy(st.stack[self.b][1], ("ret",), self, const(RETURN))
        stack = {self.top: (HUGE, Outside(self)), self.base: (w, ret)}  # (the callers' frames first)
        dead = {o + self.shift: (n, Proxy(v, ("d", o - self.b), self)) for o, (n, v) in st.dead.items()
                if o < self.b}
        return State(self.base, regs, stack, st.leaked, st.df, st.wild, frozenset(), None,
                     self.phase(st.phase), None, (st.pristine[-1],), dead)

    def phase(self, phase: tuple | None, back: bool = False) -> tuple | None:
        """A stack realignment in progress (State.phase), its depth counted from the
        callee's frame (0 and less: a function above it realigned) or back."""
        if phase is None:
            return None
        r, m, depth = phase
        return (r, m, depth + len(self.chain) if back else depth - len(self.chain))

    def check(self, states, exits) -> None:
        """Every state of the run within the callee's frame but for values below the
        slot (summaries.py), and the highest offset its values hold."""
        edge = self.top
        seen = self.seen  # values looked over already (states share most of them)
        for st in [*states, *exits]:
            out = st.stack.get(edge)
            if out is None or type(out[1]) is not Outside or out[1].run is not self:
                raise NoSummary(self, "changes its callers' frames")
            if st.parked is not None:
                self._offset(st.parked[1])
            if max([o + n for o, (n, _) in st.stack.items() if o != edge]
                   + [o + n for o, (n, _) in st.dead.items()], default=edge) > edge:
                raise NoSummary(self, "leaves a stack entry above its frame")
            # (dead stack holds what left the stack or was there at entry, and joins of
            # them: no offset higher than one looked over already)
            new = [v for v in [*(e[1] for o, e in st.stack.items() if o != edge), *st.regs.values()]
                   if id(v) not in seen]
            for v in new:
                self._value(v)
                seen[id(v)] = v
        entry = self.phase(self.st.phase)
        for st in exits:
            if st.phase is not None and (entry is None or st.phase[2] != entry[2]) or st.pristine != () \
                    or st.cmp is not None or st.sp != edge:
                raise NoSummary(self, "returns in a way a summary does not carry")

    def _value(self, v) -> None:
        if isinstance(v, Proxy):
            if v.run is not self:
                raise NoSummary(self, "holds another run's value")
            return
        if type(v) is not tuple:
            raise NoSummary(self, "holds its callers' frames")
        top = reach(v, self)
        if top is not None:
            self._offset(top)

    def _offset(self, top: int) -> None:
        if top > -MARGIN:  # an absolute offset (values.BELOW's): none in a caller's frame
            raise NoSummary(self, "meets an address near the slot")
        self.high = max(self.high, top)

    def key(self) -> tuple:
        """What every summary of this callee holds fixed."""
        st = self.st
        dead = tuple(sorted((o - self.b, n) for o, (n, _) in st.dead.items() if o < self.b))
        extra = tuple(sorted(r for r in st.regs if r not in GPRS[self.an.bits]))
        return (self.b % 64, st.leaked, st.df, st.wild, dead, extra, self.phase(st.phase))

    def value_of(self, label: tuple):
        """The caller's value at `label`."""
        if label[0] == "r":
            return self.st.regs.get(label[1], N)
        if label[0] == "ret":
            return self.st.stack[self.b][1]
        return self.st.dead[self.b + label[1]][1]

    # -- the callers' frames
    def tag(self, v) -> tuple:
        """A value stored through an object address, as an Outside entry records it: one
        that is no stack address as N (a store of a constant or a small integer joins
        it into a caller's small integer; N covers every one of them, and the stores
        of a loop counter settle at once)."""
        if type(v) is tuple:
            return ("plain", v if stacky(v) else N)
        if isinstance(v, Proxy) and v.run is self:
            return ("entry", v.label)
        raise NoSummary(self, "stores through an object address what it cannot say")

    def untag(self, tag: tuple):
        """A recorded stored value in the caller's frame."""
        return rebase(tag[1], -self.shift, self) if tag[0] == "plain" else self.value_of(tag[1])

    def outside(self) -> list:
        """The caller's entries a store through an object address writes and a load
        through one reads: all of the callers' frames but return addresses and saved
        registers, in the order the caller's state holds them."""
        return [(o, e) for o, e in self.st.stack.items()
                if o >= self.boundary and o not in self.marks and o not in self.st.saved]

    def polluted(self, size: int, v, stores: frozenset, quiet: bool = False):
        """v, a caller's entry of `size` bytes, after the stores in any order (module)."""
        if not stores:
            return v
        an = self.an
        stored = [(peek(x) if quiet else x, n) for x, n in ((self.untag(t), n) for t, n in sorted(stores))]
        if type(v) is Outside:  # a caller's own summary run: its stores too
            out = v
            for x, n in stored:
                out = out.stored(v.run.tag(x), n)
            return out
        key = (size, id(v), stores) if type(v) is tuple and all(t[0] == "plain" for t, _ in stores) else None
        got = an._pollution.get(key) if key else None
        if got is None:
            saved = an.assumptions
            an.assumptions = {}
            try:
                got = (self._settle(size, peek(v) if quiet else v, stored), frozenset(an.assumptions), v)
            finally:
                an.assumptions = saved
            if key:
                an._pollution[key] = got  # (the same caller entry, polluted again: most applications)
        an.assumptions.update(dict.fromkeys(got[1]))
        return got[0]

    def _settle(self, size: int, x, stored: list):
        for _ in range(ROUNDS):
            y = x
            for s, n in stored:
                y = join(y, join(x, s) if n == size else Memory._spliced(self.an, x, s))
            if y == x:
                return x
            x = y
        raise NoSummary(self, "stores through object addresses that do not settle")

    def answer(self, q: tuple) -> bool:
        """ask(q), recorded in the footprint, once per run (the assumptions it uses are
        the caller's, as for Proxy.may_be_slot)."""
        got = self.answers.get(q)
        if got is None:
            self.log((OUT, q), KIND)
            got = self.answers[q] = self.ask(q, False)
        return got[0]

    def _asking(self, quiet: bool, question) -> tuple:
        """question() with the assumptions it uses set aside: (its answer, them)."""
        an = self.an
        saved, peeking = an.assumptions, an._peeking
        an.assumptions, an._peeking = {}, quiet
        try:
            return question(), frozenset(an.assumptions)
        finally:
            an.assumptions, an._peeking = saved, peeking

    def ask(self, q: tuple, quiet: bool) -> tuple[bool, frozenset]:
        """("slot", stores): whether any of the callers' entries, polluted by the
        stores, may be the slot (memory.load's question), and the assumptions that
        answer used. `quiet`: for a lookup, recording nothing in any run."""
        an = self.an
        return self._asking(quiet, lambda: any(an._may_be_slot(self.polluted(n, v, q[1], quiet))
                                               for _, (n, v) in self.outside()))

    def projection(self, spec: tuple) -> tuple[tuple, frozenset]:
        """The caller's entry state at a footprint, and the assumptions the questions
        it asks of it use (they are the caller's to make: the summary adds them where
        it is applied); raises Unpeekable."""
        out, used = [], set()
        an = self.an
        for label, level in spec:
            if label[0] == OUT:
                try:
                    yes, u = self.ask(label[1], True)
                except NoSummary as e:
                    raise Unpeekable from e
                out.append(yes)
                used |= u
                continue
            v = self.value_of(label)
            if level & VALUE:
                p = peek(v)
                top = reach(p, self)
                if top is not None and top > -MARGIN:
                    raise Unpeekable
                out.append(rebase(p, self.shift, self))
                continue
            if level & KIND:
                out.append(peek_kind(v))
            if level & SLOT:
                yes, u = self._asking(True, lambda v=v: an._may_be_slot(peek(v)))
                out.append(yes)
                used |= u
        return tuple(out), frozenset(used)

    def replay(self, spec: tuple) -> None:
        """Record in the caller's run what a summary found for it looked at."""
        for label, level in spec:
            if label[0] == OUT:
                self.ask(label[1], False)
            else:
                touch(self.value_of(label), level, self.an)

    def restore(self, exit_state: State) -> State:
        """An exit state of a summary of this callee, back in this caller's frame."""
        st, d = self.st, -self.shift

        def back(v):
            return self.value_of(v.label) if isinstance(v, Proxy) else rebase(v, d, self)

        regs = {}
        for r, v in exit_state.regs.items():
            if isinstance(v, Proxy) and v.label[0] == "r" and v.label[1] not in st.regs:
                continue  # an input value (N) the caller did not hold
            regs[r] = back(v)
        stores = exit_state.stack[self.top][1].stores
        stack = {o: e for o, e in st.stack.items() if o >= self.boundary}
        for o, (n, v) in self.outside() if stores else ():
            stack[o] = (n, self.polluted(n, v, stores))
        stack.update((o + d, (n, back(v))) for o, (n, v) in exit_state.stack.items() if o < self.top)
        dead = {o: e for o, e in st.dead.items() if o >= self.boundary}
        dead.update((o + d, (n, back(v))) for o, (n, v) in exit_state.dead.items())
        saved = frozenset(o for o in st.saved if o >= self.boundary) | {o + d for o in exit_state.saved}
        parked = None if exit_state.parked is None else (exit_state.parked[0], exit_state.parked[1] + d)
        return State(exit_state.sp + d, regs, stack, exit_state.leaked, exit_state.df, exit_state.wild,
                     saved, None, self.phase(exit_state.phase, back=True), parked, st.pristine[:-1], dead)
