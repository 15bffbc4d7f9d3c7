"""Small counterexamples: a witness whose inputs are 0 where the difference does
not depend on them, and as small as it allows where it does.

The solver's first model is whatever its search reached (`rdi =
0xfffffffffffffeff` where `rdi = 0x2` shows the same difference). After a
refutation, each input register and flag the model sets is tried, in a fixed
order, at 0, then below 2, 16, 256, 2^16, 2^32, 2^33, 2^40 and 2^48: the first bound the solver
satisfies (with every difference the first model has, the path conditions
and every bound kept so far) is kept. Bounded and deterministic: each query is limited by z3's
resource count (`rlimit`), not by time, and there are at most
`MAX_QUERIES`; a query that gives no answer keeps the model it had.
"""

from __future__ import annotations

import z3

from pvverify.exploration.query import Refutation, query
from pvverify.x86.arch import FLAG_WIDTH

MAX_QUERIES = 48
RLIMIT = 3_000_000  # per query: ~0.1-0.3 s on the small pairs a site gives
BOUNDS = (2, 16, 256, 1 << 16, 1 << 32, 1 << 33, 1 << 40, 1 << 48)


def minimise(ref: Refutation, assumptions: list[z3.BoolRef], shape: list[z3.BoolRef],
             gprs: tuple[str, ...], sp: str, bits: int, prefer: list[z3.BoolRef] = ()) -> None:
    """Replace ref.model by one with small inputs, where the solver finds one.
    `shape`: constraints the model met that must hold still (replayability);
    `prefer`: constraints a witness should meet if it can (a flags argument the
    kernel can hold), tried first, before the differences are fixed."""
    m = ref.model
    s = z3.Solver()
    s.set("rlimit", RLIMIT)
    s.add(*query(assumptions, ref.original, ref.replacement, ref.observables), *shape)
    changed = False
    for c in prefer:
        s.push()
        s.add(c)
        if s.check() == z3.sat:
            m, changed = s.model(), True
        else:
            s.pop()
    # every observable that differs in the first model still differs: a smaller
    # witness, not a poorer one (rdtsc for save_fl keeps clobbering rdx)
    s.add(*[o.diff for o in ref.observables if z3.is_true(m.eval(o.diff, model_completion=True))])
    sp0 = z3.BitVec(sp.upper(), bits)
    s.add(sp0 == m.eval(sp0, model_completion=True))
    names = [(g, z3.BitVec(g.upper(), bits)) for g in gprs if g != sp]
    names += [(f, z3.BitVec(f.upper(), w)) for f, w in FLAG_WIDTH.items()]
    names += [(str(v), v) for p in (ref.original, ref.replacement)  # TSC and RNG reads
              for kind, (v, *_) in p.queries if kind == "fresh"]
    left = MAX_QUERIES
    for _, v in names:
        cur = m.eval(v, model_completion=True).as_long()
        kept = cur == 0
        for bound in (1, *BOUNDS):
            if kept or left <= 0 or bound > cur:
                break
            left -= 1
            s.push()
            s.add(v == 0 if bound == 1 else z3.ULT(v, bound))
            if s.check() == z3.sat:
                m, kept = s.model(), True
            else:
                s.pop()
        # what the model now has, held for the inputs after this one
        s.add(v == m.eval(v, model_completion=True).as_long())
    if left < MAX_QUERIES or changed:
        ref.model = m
