"""Callee summaries: a callee analysed once per abstract entry state in its own frame,
rather than once per calling context (a mixin of Analysis).

A callee's entry node in a caller's context (reached, and joined, as any node:
Analysis._fixpoint) is not stepped into when a summary stands for it: the caller's
state is rewritten into the callee's frame (frames.Run): every stack offset moved
so that the return address lies at a canonical base, each entry value (registers,
dead stack, the return address itself) replaced by a Proxy of the caller's
(entry_values.py), everything from the return address up (the callers' frames,
the slot the proof is about among them) by one Outside entry. The callee is
analysed from there to its returns by the same fixpoint and the same rules, its
own calls summarised in turn. The summary is the exit states, the assumptions,
functions and instructions the run used, and its footprint: what of each entry
value it looked at (its kind, whether it may be the slot, all of it), and what it
asked of the callers' frames. Another call whose entry state agrees on that
footprint, and on what every summary's key holds (the flags, the dead stack's
layout, the stack pointer's residue modulo 64, a realignment in progress), gets
the same exit states, with that caller's values put back and its offsets restored.

Why that is the analysis of the callee in the caller's context:
- the run decided only from what it looked at, which is the same there, and moved
  the rest, which is put back (entry_values.py: a look at a Proxy is recorded by
  construction, whatever rule makes it);
- every offset the run met lies at least MARGIN below the slot in the caller's
  frame (`high`, checked against each caller), so every test the rules make of an
  offset against the slot ([0, width), -8 and 8, the sign) comes out the same in
  the run's frame and the caller's; an alignment does too (the base keeps the
  residue modulo 64); a range from values.FAR up is the same in both frames;
- the callers' frames are looked at by nothing but a load or store through an
  object address (memory.load and store of P or Q, which read or write every stack
  entry): the Outside entry records such stores and answers such loads from the
  caller's own state (frames.Run.ask, polluted), as the caller's context would;
  any other look at it (a load of a stack argument, an object that may span it)
  ends the run;
- the chain of calls above is shown to flow._call as it is (phantom frames), and
  the summary records what it entered and took for recursion and how deep it
  went: it is applied only under a chain that agrees.
Anything else that breaks this ends the run without a summary (NoSummary: a value
near the slot, one of a kind entry_values does not know, a state left holding the
callers' frames), and so does a refusal (NoProof): the callee is then analysed in
its caller's context, as before, and refuses there if it must.

When the state reaching a call grows past what the summaries cover, the context's
own run goes on from it (Live), as the context's fixpoint would. A callee whose
run takes a handful of visits and calls nothing is cheaper analysed in context.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from pvverify.samecallee.abstract_state import State, Work, join_states
from pvverify.samecallee.assumptions import NoProof
from pvverify.samecallee.entry_values import MARGIN, NoSummary, Outside, Proxy, Unpeekable
from pvverify.samecallee.frames import RETURN, Run
from pvverify.samecallee.values import const

MAX_GROUPS = 16     # footprints kept per callee and key
SMALL = 8           # a callee whose run takes no more visits (and calls nothing) is not summarised
FAILED = "failed"   # a call context analysed in context from then on


@dataclass(frozen=True)
class Summary:
    """A callee's run from one footprint's worth of entry state: its exit states joined,
    one per realignment residue (None: no summary), and what applying it adds to,
    and asks of, the run or analysis it is applied in."""

    exit: tuple | None                 # the exit states, one per realignment residue
    entered: frozenset = frozenset()   # functions it entered (Proof.functions, recursion)
    pcs: frozenset = frozenset()       # instructions it analysed (Proof.instructions)
    assumptions: tuple = ()
    depth: int = 0                     # deepest call context, the callee's own frame being 1
    high: int = 0                      # the highest stack offset it met (the run's offsets)
    recursed: frozenset = frozenset()  # functions of the chain above it it took for recursion


@dataclass
class Live:
    """A call context's own summary run, kept to go on with when the state reaching the
    call grows past what the summaries cover (as the context's own fixpoint would)."""

    g: int
    run: Run
    work: Work
    assumptions: dict = field(default_factory=dict)
    functions: set = field(default_factory=set)
    pcs: set = field(default_factory=set)


class Summaries:
    """The summary of each call into analysed code, where one can be made (a mixin of
    Analysis: `_fixpoint` calls `_summarised` for every call successor)."""

    def _may_be_slot(self, v) -> bool:
        if isinstance(v, Proxy):
            return v.may_be_slot(self)
        if type(v) is not Outside:
            return super()._may_be_slot(v)
        # memory.load of an object address asks it of every stack entry, in order:
        # the callers' frames come first (they were there before the call)
        if self._peeking:
            yes, used = v.run.ask(("slot", v.stores), True)
            self.assumptions.update(dict.fromkeys(used))
            return yes
        return v.run.answer(("slot", v.stores))  # (its assumptions: the caller's, at _apply)

    def store(self, st, ins, addr, size, v) -> None:
        self._size = size  # (for _spliced: a store through an object address)
        super().store(st, ins, addr, size, v)

    def _spliced(self, old, new):
        if type(old) is not Outside:
            return super()._spliced(old, new)
        # memory.store of an object address writes every stack entry: for the
        # callers' frames, recorded (frames.Run.polluted applies it to them)
        return old.stored(old.run.tag(new), self._size)

    def _call(self, ctx, st, ins, nxt):
        if not self._runs:
            return super()._call(ctx, st, ins, nxt)
        # in a summary's run: the recursion check and the depth see the whole chain
        phantoms = self._runs[-1].phantoms
        return [(pc, c[len(phantoms):], s) for pc, c, s in super()._call(phantoms + ctx, st, ins, nxt)]

    def _summarised(self, ctx: tuple, sctx: tuple, st: State) -> list | None:
        """The successors of `call g` (its context sctx, the state after the call) by
        g's summary: its exit state at the return address in the caller's context;
        None when the call is to be analysed in context instead."""
        retpc, b, g = sctx[-1]
        if g in self._small:
            return None
        outer = self._runs[-1] if self._runs else None
        lives = outer.lives if outer else self._lives
        here = (sctx, st.phase)  # the callee's entry node (its realignment residue is part of it)
        live = lives.get(here)
        if live is FAILED or st.parked is not None or st.sp != b or b + self.w > -MARGIN \
                or len(sctx) + (len(outer.chain) if outer else 0) >= self.MAX_DEPTH \
                or any(o >= self.w for o in st.stack) or st.stack.get(b) != (self.w, const(retpc)):
            return None
        run = Run(self, st, ctx, b, outer.phantoms if outer else ())
        groups = self._store.setdefault((g, run.key()), [])
        found = self._lookup(groups, run)
        if found is not None:
            return self._hit(found, run, ctx, retpc, lives, here)
        if live is not None:
            s, run = self._resume(live, st), live.run
        elif g in self._unsummarised:
            lives[here] = FAILED
            return None
        else:
            s, live = self._summarise(g, run)
            self._keep(groups, run, s)
            lives[here] = live
            if s.exit is None:
                self._unsummarised.add(g)  # (its summaries fail alike: not tried again)
        if s.exit is None or not self._applies(s, run):
            lives[here] = FAILED
            return None
        try:
            self.assumptions.update(dict.fromkeys(run.projection(tuple(sorted(run.footprint.items())))[1]))
        except Unpeekable:
            lives[here] = FAILED
            return None
        return self._apply(s, run, ctx, retpc)

    def _hit(self, found: tuple, run: Run, ctx: tuple, retpc: int, lives: dict, here: tuple) -> list | None:
        """A summary found for this entry state, applied (None: it is no summary, or does
        not hold here; then in context)."""
        s, spec, used = found
        if s.exit is None or not self._applies(s, run):
            lives[here] = FAILED
            return None
        run.replay(spec)
        self.assumptions.update(dict.fromkeys(used))
        return self._apply(s, run, ctx, retpc)

    def _lookup(self, groups: list, run: Run) -> tuple | None:
        """(the Summary, its footprint, the assumptions its questions about this entry
        state use) for this entry state, if one was made."""
        for spec, table in groups:
            try:
                key, used = run.projection(spec)
            except Unpeekable:
                continue
            found = table.get(key)
            if found is not None:
                return found, spec, used
        return None

    @staticmethod
    def _keep(groups: list, run: Run, s: Summary) -> None:
        spec = tuple(sorted(run.footprint.items()))
        table = next((t for f, t in groups if f == spec), None)
        if table is None and len(groups) < MAX_GROUPS:
            table = {}
            groups.append((spec, table))
        if table is not None:
            with contextlib.suppress(Unpeekable):
                table[run.projection(spec)[0]] = s

    def _applies(self, s: Summary, run: Run) -> bool:
        """Under the chain of calls above it: no function it entered on it (there:
        recursion, an unknown callee), every one it took for recursion on it, no
        deeper than the analysis goes; and every offset it met at least MARGIN below
        the slot in this caller's frame too."""
        chain = set(run.chain)
        return not (s.entered & chain) and s.recursed <= chain \
            and len(run.chain) + s.depth < self.MAX_DEPTH and s.high - run.shift <= -MARGIN

    def _apply(self, s: Summary, run: Run, ctx: tuple, retpc: int) -> list:
        self.assumptions.update(dict.fromkeys(s.assumptions))
        self.functions |= s.entered
        self.pcs |= s.pcs
        if self._runs:  # what the summary met, the run it is applied in meets
            outer = self._runs[-1]
            outer.depth = max(outer.depth, len(ctx) + s.depth)
            outer.high = max(outer.high, s.high - run.shift)
            outer.recursed |= s.recursed & set(outer.chain)
        return [(retpc, ctx, run.restore(e)) for e in s.exit]

    def _summarise(self, g: int, run: Run) -> tuple[Summary, Live]:
        """g's run from `run`'s entry state: its Summary (exit None when there is none)."""
        live = Live(g, run, Work(1))
        self._made.append(run)
        self._push(live.work.pending, live.work.order, g, ((RETURN, run.base, g),), run.entry())
        visits = self.visits
        s = self._go_on(live)
        if s.exit is not None and self.visits - visits <= SMALL and not s.entered:
            self._small.add(g)  # (cheaper analysed in context than summarised)
        return s, live

    def _forget(self) -> None:
        """The summaries' references back to their runs and states dropped (the analysis
        is over: without this, the cycles would wait for the garbage collector)."""
        for run in self._made:
            run.forget()
        self._made.clear()
        self._pollution.clear()
        self._store.clear()
        self._lives.clear()

    def _resume(self, live: Live, st: State) -> Summary:
        """A context's own run, gone on with from the grown state `st` at its call."""
        run = live.run
        asked = dict(run.answers)
        run.st = st
        if any(run.ask(q, False) != a for q, a in asked.items()):
            return Summary(None)  # its callers' frames changed under what it asked of them
        self._push(live.work.pending, live.work.order, live.g, ((RETURN, run.base, live.g),), run.entry())
        return self._go_on(live)

    def _go_on(self, live: Live) -> Summary:
        run, work = live.run, live.work
        saved = self.assumptions, self.functions, self.pcs
        self.assumptions, self.functions, self.pcs = live.assumptions, live.functions, live.pcs
        self._runs.append(run)
        try:
            self._fixpoint(work)
            ends: dict = {}  # phase -> the exit states joined
            for st in work.exits:
                e = ends.get(st.phase)
                ends[st.phase] = st if e is None else join_states(e, st, None)
            run.check([work.states[n] for n in work.fresh], list(ends.values()))
            work.fresh.clear()
            depth = max([run.depth, *(len(n[0]) for n in work.states)])
            return Summary(tuple(ends.values()), frozenset(self.functions), frozenset(self.pcs),
                           tuple(self.assumptions), depth, run.high, frozenset(run.recursed))
        except NoSummary as e:
            if e.run is not run and e.run is not None:
                raise
            return Summary(None)
        except NoProof:
            if self.visits > self.max_visits:
                raise
            return Summary(None)
        finally:
            self.assumptions, self.functions, self.pcs = saved
            self._runs.pop()
