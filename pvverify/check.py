"""Deciding one obligation: build, explore both paths, prove, and replay a counterexample.

This is where a verdict is decided; every rule that turns evidence into a
verdict is in `check` below.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import z3

from pvverify.exploration import counterexample as cx
from pvverify.exploration import preconditions
from pvverify.exploration.explorer import (
    Explorer,
    Limits,
    PathBound,
    Stuck,
    entry_assumptions,
    initial_memory,
)
from pvverify.exploration.observables import Observable, collect, separation
from pvverify.exploration.query import Refutation, prove, query
from pvverify.obligation import Obligation, ObligationError
from pvverify.program import SitePair, build
from pvverify.samecallee import method as samecallee
from pvverify.semantics.assume import AssumptionError, compile_assumption
from pvverify.semantics.fresh import fresh_values
from pvverify.semantics.state import Inputs, PathState
from pvverify.util import budget
from pvverify.verdict import Counterexample, Result
from pvverify.x86.conventions import ConventionError, ReturnSlot, return_slots
from pvverify.x86.conventions import clobbers as clobber_set

# exploration's bound, in instructions stepped per program, when it checks an
# object-bounds assumption (it had 1 s: about 2,000 instructions on kernel code) ...
CROSS_CHECK_VISITS = 4000
CROSS_CHECK_RLIMIT = 1_000_000  # and z3 units per query (twice the most any corpus query took)
SMALL_CODE = 1024  # ... unless the callee is one function of at most this many bytes (the full bound)

ASSUMED = [
    "DF, VM and TF are clear at entry (the kernel calling convention; no single-stepping)",
    "no popf loads TF = 1 (kernel flags never carry TF; a popf that must set it is unknown)",
    "memory below the entry stack pointer is dead (no red zone), and no pointer other "
    "than the stack pointer points into it",
    "memory accesses do not fault and code is not read or written as data",
    "interrupts and other CPUs do not intervene (except the interrupt window recorded for "
    "hlt/sysret/sysexit; a loop that repeats its state exactly therefore never ends)",
    "CPL 0: rules that bite only at CPL > 0 (UMIP for sgdt/sidt/sldt/str/smsw, IOPL for "
    "cli/sti/in/out, the CPL checks of sysret/sysexit/wrmsr) are out of scope",
    "the entry state is reachable (lift.reachable, SDM Vol. 3A 2.5, 9.8.5): CR0.PE, PG and ET "
    "set, CR0 reserved bits clear, NW only with CD, WP when CR4.CET; x86_64: long mode "
    "(EFER.LME and LMA, CR4.PAE), CR0[63:32], CR4[63:33], CR3[63] and CR3[60:52], CR8[63:4] "
    "clear; i386: EFER.LME/LMA and CR4.PCIDE clear; EFER reserved bits clear; DR6/DR7 fixed "
    "bits as the SDM fixes them; XCR0 valid (x87 set, only supported bits, AVX with SSE); "
    "RFLAGS.RF clear (cleared after every completed instruction)",
    "the processor implements the MSRs read and written, and every CR4 bit and CR3 address "
    "bit written (those faults depend on the CPU model and are not modelled)",
    "iret's frame is valid: its descriptor and privilege checks pass (the landing is the frame)",
]


def check(ob: Obligation, timeout: float | None = None, limits: Limits | None = None,
          replay: bool = True, same_callee: bool = True) -> Result:
    """The verdict for `ob`. Raises ObligationError for input that cannot be built.
    Every bound that can make it `unknown` counts work (`limits`, budget.py);
    `timeout` (else limits.safety_seconds) is the wall-clock safety net, whose
    firing is reported as its own reason (budget.SAFETY_REASON).
    `same_callee=False` decides by exploration alone (the agreement tests compare)."""
    t0 = time.monotonic()
    pair = build(ob)
    limits = limits or Limits()
    if timeout is not None:
        limits = replace(limits, safety_seconds=timeout)
    with budget.safety(limits.safety_seconds) as used:
        try:
            preconditions.require_model(ob, pair, limits.solver_rlimit)
            res = _decide(ob, pair, limits, replay, same_callee)
        except preconditions.Undecided as e:
            res = Result("unknown", f"solver bound: {e}")
        except (ConventionError, AssumptionError) as e:
            raise ObligationError(f"{ob.source or ob.name}: {e}") from None
        except ObligationError:
            raise
        except budget.SafetyLimit as e:
            res = Result("unknown", str(e))
        except Exception as e:  # a bug must never become a verdict other than unknown
            res = Result("unknown", f"internal error: {type(e).__name__}: {e}")
    # the decision, completed with what names it (one new Result: none is edited after it is made)
    return replace(res, work=used.to_json(), name=ob.name, file=ob.source, key=ob.key(),
                   expect=ob.expect, seconds=time.monotonic() - t0,
                   assumptions=[*ASSUMED, *res.assumptions, *(f"stated: {a}" for a in ob.assume)],
                   preconditions=list(ob.assume))


@dataclass
class Analysis:
    """Both programs explored from one input state, with what the proof compares."""

    inputs: Inputs
    assumptions: list[z3.BoolRef]
    originals: list[PathState]
    replacements: list[PathState]
    clobbers: frozenset[str]
    returns: tuple[ReturnSlot, ...]
    site_exit: int

    def observables(self, o: PathState, r: PathState) -> list[Observable]:
        return collect(self.inputs.arch, o, r, self.clobbers, self.returns, self.site_exit)

    def pair_assumptions(self, o: PathState, r: PathState) -> list[z3.BoolRef]:
        return separation(self.inputs.arch, o, r)


def analyse(ob: Obligation, pair: SitePair, limits: Limits) -> Analysis:
    """Explore both paths; raises PathBound when there are too many paths."""
    arch = ob.arch
    inputs = Inputs(arch)
    assumptions = entry_assumptions(inputs)
    memory = initial_memory(inputs, pair.preset)
    assumptions += [compile_assumption(a, inputs, memory) for a in ob.assume]
    po = Explorer(pair.original, inputs, assumptions, limits).run(pair.preset)
    pr = Explorer(pair.replacement, inputs, assumptions, limits).run(pair.preset)
    return Analysis(inputs, assumptions, po, pr, clobber_set(arch, ob.convention, ob.clobbers),
                    return_slots(arch, ob.convention, ob.returns), pair.original.exit)


def _decide(ob: Obligation, pair: SitePair, limits: Limits, replay: bool,
            same_callee: bool = True) -> Result:
    if len(pair.replacement_bytes) > ob.site_length:
        return Result(
            "not-equivalent",
            f"the replacement is {len(pair.replacement_bytes)} bytes but the site has "
            f"{ob.site_length}: patching it overwrites the code after the site",
            counterexample=Counterexample(
                observable="bytes after the site",
                original=f"unchanged ({ob.site_length}-byte site)",
                replacement=f"overwritten ({len(pair.replacement_bytes)}-byte replacement)",
                inputs={},
                why="the patch must fit the site: the bytes after it are the next instruction",
            ),
        )
    if not same_callee:
        return _explore(ob, pair, limits, replay)
    # A direct call to the slot's own target: prove it by noninterference first
    # (cheap, and covers what exploration cannot run); exploration still decides
    # when that gives no proof, with a replayed counterexample where one exists.
    # bounded in work like exploration (its fixpoint's instruction visits)
    proved, refused = samecallee.decide(pair, limits.fixpoint_visits)
    if proved is not None and samecallee.rests_on_objects(proved):
        # the proof assumed C's object bounds for stack arithmetic it could not follow;
        # code that breaks them (an index past a local array) is what exploration finds
        # on small code: a replayed counterexample outranks the assumption
        # (its whole bound where the callee is one small function, which exploration
        # can finish; a kernel callee's closure never is, and there it only costs time)
        leaf = not any(r.name.startswith("region@") for r in pair.original.regions) and \
            sum(len(r.data) for r in pair.original.regions if r.name == "target") <= SMALL_CODE
        short = limits if leaf else replace(limits, max_visits=min(limits.max_visits, CROSS_CHECK_VISITS),
                                            solver_rlimit=min(limits.solver_rlimit, CROSS_CHECK_RLIMIT))
        explored = _explore(ob, pair, short, replay)
        if explored.verdict == "not-equivalent":
            return replace(explored, reason=explored.reason + (
                "; same-callee's proof assumed stack arithmetic stays in its object, which this "
                "run breaks"))
    if proved is not None:
        return proved
    res = _explore(ob, pair, limits, replay)
    if res.verdict == "unknown" and samecallee.shape(pair) is not None:
        # neither method decided: say what stopped each
        return replace(res, reason=f"{res.reason}; same-callee: no proof: {refused}")
    return res


def analysed(ob: Obligation, pair: SitePair, limits: Limits) -> Analysis | Result:
    """analyse(), or the `unknown` a path bound, an unmodelled instruction the
    limits stop at, or a solver error during exploration makes of it."""
    try:
        return analyse(ob, pair, limits)
    except PathBound as e:
        return Result("unknown", f"path bound: {e}")
    except Stuck as e:
        return Result("unknown", str(e))
    except z3.Z3Exception as e:
        return Result("unknown", f"solver error during exploration: {e}")


def _explore(ob: Obligation, pair: SitePair, limits: Limits, replay: bool) -> Result:
    an = analysed(ob, pair, limits)
    if isinstance(an, Result):
        return an
    inputs, po, pr = an.inputs, an.originals, an.replacements
    clob, rets = an.clobbers, an.returns
    _falls_off(ob, pair, po)

    def nicer(o: PathState, r: PathState) -> list[list[z3.BoolRef]]:
        return _replayable(pair, inputs, o, r)

    outcome = prove(po, pr, an.assumptions, an.observables, nicer, limits.solver_rlimit,
                    an.pair_assumptions)
    paths = (len(po), len(pr))
    if outcome.status == "refuted" and _reads_fresh(outcome.refutation):
        # a difference through TSC or random values may be only that the two paths
        # read them at different times: it stands if it shows even when both read
        # the same stream (semantics/fresh.py)
        same = prove(po, pr, an.assumptions, an.observables, nicer, limits.solver_rlimit,
                     lambda o, r: [*an.pair_assumptions(o, r), *_same_stream(o, r)])
        if same.status == "proved":
            names = sorted({str(v).split("_")[1] for p in (*po, *pr) for v in fresh_values(p)})
            return Result("unknown", "the paths differ only through values read at different times "
                          f"({', '.join(names)}: `rdtsc`/`rdrand`-style reads, fresh on each path), "
                          "which no input state fixes", paths=paths)
        if same.status == "unknown":
            return Result("unknown", same.reason, paths=paths)
        outcome = same
    if outcome.status == "proved":
        return Result("equivalent", "no input state makes any observable differ", paths=paths)
    if outcome.status == "unknown":
        return Result("unknown", outcome.reason, paths=paths)
    ref = outcome.refutation
    assert ref is not None
    if not ref.replayable:
        _find_replayable(an, pair, ref, limits.solver_rlimit)
    from pvverify.exploration.minimise import minimise
    from pvverify.x86.flagnames import KERNEL_CLEAR, is_flags_op

    prefer = []
    if is_flags_op(ob.name) == "arg" and _first_arg_register(ob):
        # a restore_fl argument as save_fl gives it: no DF, NT, IOPL, TF; bit 1 set
        a = z3.BitVec(_first_arg_register(ob).upper(), ob.arch.bits)
        prefer.append(z3.And(a & KERNEL_CLEAR == 0, a & 2 == 2))
    minimise(ref, [*an.assumptions, *an.pair_assumptions(ref.original, ref.replacement)],
             _replayable(pair, inputs, ref.original, ref.replacement)[1] if ref.replayable else [],
             ob.arch.gprs, ob.arch.sp, ob.arch.bits, prefer)
    ce = cx.describe(ref, pair, ob.convention, clob)
    state = cx.concrete_inputs(ref.model, inputs, pair, (ref.original, ref.replacement))
    streams = cx.fresh_streams(ref.model, (ref.original, ref.replacement))

    ce.flags_image = is_flags_op(ob.name) or ""
    if ce.flags_image == "arg" and ob.args:
        ce.flags_arg = _first_arg_register(ob)
    cx.with_state(ce, state, pair, streams)
    if not replay:
        return Result("not-equivalent", f"{ce.observable} differs (not replayed)",
                      counterexample=ce, paths=paths)
    undefined = _undefined_flags_in(cx.first_difference(ref).diff)
    return _replay(ob, pair, ce, state, clob, rets, paths, undefined, ref.replayable, streams)


def _first_arg_register(ob: Obligation) -> str:
    """The register the first argument arrives in (rdi, or eax under regparm3)."""
    return "eax" if ob.arch.bits == 32 else "rdi"  # i386: regparm3 (pv-callee-save too)


def _reads_fresh(ref) -> bool:
    return bool(fresh_values(ref.original) or fresh_values(ref.replacement))


def _same_stream(o: PathState, r: PathState) -> list[z3.BoolRef]:
    """The k-th fresh value of one path equal to the k-th of the other."""
    return [a == b for a, b in zip(fresh_values(o), fresh_values(r), strict=False)]


def _falls_off(ob: Obligation, pair: SitePair, paths: list[PathState]) -> None:
    """A target whose code runs off its end (no ret or jmp as its last transfer) is
    bad input, not a replacement to blame: the original would run into whatever
    follows it. Raised as ObligationError (exit 3)."""
    for r in pair.original.regions:
        if r.name != "target":
            continue
        end = r.address + len(r.data)
        if end == pair.original.exit:
            continue
        for p in paths:
            if p.end == "exit" and p.exit_pc is not None:
                pc = z3.simplify(p.exit_pc)
                if z3.is_bv_value(pc) and pc.as_long() == end:
                    raise ObligationError(
                        f"{ob.source or ob.name}: the target's code runs off its end at {end:#x} "
                        "(no ret or jmp ends it): the original would run into whatever follows")


def _undefined_flags_in(e: z3.ExprRef) -> list[str]:
    """The SDM-undefined flags (arith.undefined_flags) an expression depends on."""
    seen: set[int] = set()
    found: set[str] = set()
    work = [e]
    while work:
        x = work.pop()
        if x.get_id() in seen:
            continue
        seen.add(x.get_id())
        if z3.is_app(x) and x.decl().name().startswith("undefined_"):
            found.add(x.decl().name())
        work.extend(x.children())
    return sorted(found)


def _replay(ob, pair: SitePair, ce: Counterexample, state, clob, rets, paths,
            undefined: list[str], replayable: bool = True,
            streams: tuple[list[int], list[int]] = ([], [])) -> Result:
    """Run both programs on unicorn from the counterexample state and compare concretely:
    each with the fresh values (TSC, random numbers) the solver chose for its own path."""
    from pvverify import oracle

    arch = ob.arch
    regions = lambda prog: [(r.address, r.data) for r in prog.regions]  # noqa: E731
    steps = 10_000
    out_o = oracle.run(arch, regions(pair.original), pair.original.entry, pair.original.exit,
                       replace(state, fresh=streams[0]), steps)
    out_r = oracle.run(arch, regions(pair.replacement), pair.replacement.entry,
                       pair.replacement.exit, replace(state, fresh=streams[1]), steps)
    sp0 = state.regs[arch.sp]
    probe = None
    if ce.observable.startswith("memory byte at "):
        probe = int(ce.observable.rsplit(" ", 1)[1], 16)
    end = pair.original.exit
    co = cx.concrete_observables(out_o, arch.gprs, arch.sp, clob, rets, sp0, arch.mask, probe, end)
    cr = cx.concrete_observables(out_r, arch.gprs, arch.sp, clob, rets, sp0, arch.mask, probe, end)
    diffs = cx.compare_replay(co, cr)
    ce.replayed = True
    emulator = [o.stop for o in (out_o, out_r) if "UC_ERR" in o.stop]
    if emulator:
        # unicorn itself gave up (an address it cannot map), not the architecture
        return Result("unknown", f"{ce.observable} differs in the model, but the CPU model cannot "
                      f"run the counterexample ({emulator[0]})", counterexample=ce, paths=paths)
    if not diffs:
        ce.replay_observable = ""  # the CPU shows no difference
        if undefined:
            # The SDM leaves these flags undefined, so no proof may rely on them;
            # this CPU model happens to define them alike. Unknown, not a model bug.
            names = ", ".join(n.split("_", 2)[2].rsplit("_", 1)[0] + " after " + n.split("_")[1]
                              for n in undefined)
            return Result(
                "unknown",
                f"{ce.observable} differs only through flags the SDM leaves undefined ({names}); "
                "unicorn happens to define them alike", counterexample=ce, paths=paths)
        if not replayable:
            # The solver found no counterexample inside what a CPU model can run
            # (canonical, mapped addresses away from the code) in its time: the
            # one it gave may touch code or unmappable memory.
            return Result(
                "unknown",
                f"{ce.observable} differs in the model, but no counterexample a CPU model can run "
                "was found, and the CPU shows no difference on this one", counterexample=ce, paths=paths)
        return Result(
            "unknown",
            f"model and CPU disagree: the solver says {ce.observable} differs "
            f"({ce.original} vs {ce.replacement}) but unicorn shows no difference "
            f"(original stop: {out_o.stop}, replacement stop: {out_r.stop})",
            counterexample=ce, paths=paths)
    seen = {d[0] for d in diffs}
    for o in ce.others:
        o["replayed"] = o["observable"] in seen
    match = next((d for d in diffs if d[0] == ce.observable), diffs[0])
    ce.replay_observable, ce.replay_original, ce.replay_replacement = match
    return Result("not-equivalent",
                  f"{ce.observable} differs: {ce.original} after the original, "
                  f"{ce.replacement} after the replacement (confirmed by unicorn)",
                  counterexample=ce, paths=paths)


def _find_replayable(an: Analysis, pair: SitePair, ref: Refutation, rlimit: int) -> None:
    """The solver found no mappable counterexample in the share of its bound `prove`
    gives it: try once more, from scratch (faster than on top of the proof's solver,
    measured) with the stack pointer fixed, with a query's whole resource bound.
    Replaces the model when it succeeds, so unicorn runs a state it can map."""
    o, r = ref.original, ref.replacement
    s = z3.Solver()
    s.add(*query([*an.assumptions, *an.pair_assumptions(o, r)], o, r, ref.observables))
    s.add(*_replayable(pair, an.inputs, o, r)[0])
    if budget.check(s, rlimit) == z3.sat:
        ref.model, ref.replayable = s.model(), True


# Where counterexamples put the stack when they can: a kernel stack address
# (vmalloc'd stacks on x86_64, the direct map on i386) the oracle maps.
REPLAY_STACK = {64: 0xFFFFC90000004000, 32: 0xC8004000}


def _replayable(pair: SitePair, inputs: Inputs, o: PathState,
                r: PathState) -> list[list[z3.BoolRef]]:
    """Constraints that keep a counterexample inside what a CPU model can run:
    canonical, mapped-looking addresses away from the code and the slot, an
    aligned stack pointer; first with the stack pointer fixed at a kernel stack
    address (the solver finds those models in a fraction of the time), then
    free. They only shape the model; the proof never sees them."""
    cs = _mappable(pair, inputs, o, r)
    sp0 = z3.BitVec(inputs.arch.sp.upper(), inputs.arch.bits)
    return [[sp0 == REPLAY_STACK[inputs.arch.bits], *cs], cs]


def _mappable(pair: SitePair, inputs: Inputs, o: PathState, r: PathState) -> list[z3.BoolRef]:
    arch = inputs.arch
    bits = arch.bits
    sp0 = z3.BitVec(arch.sp.upper(), bits)
    cs: list[z3.BoolRef] = [sp0 & (arch.width - 1) == 0,
                            z3.UGT(sp0, 0x100000), z3.ULT(sp0, arch.mask - 0x100000)]
    avoid = [(r.address, len(r.data)) for r in pair.original.regions]
    avoid += [(r.address, len(r.data)) for r in pair.replacement.regions[:1]]
    avoid += [(a, len(d)) for a, d in pair.preset]
    addrs = list(o.accessed) + list(r.accessed)
    for a, size in addrs:
        if z3.is_bv_value(a):
            continue  # the slot, code: where the program itself points
        if bits == 64:
            cs.append(z3.Or(z3.Extract(63, 47, a) == 0, z3.Extract(63, 47, a) == 0x1FFFF))
            # not in the last page: unicorn cannot map a page whose end wraps past 2^64
            cs.append(z3.ULT(a, arch.mask - 0x1FFF))
        else:
            cs.append(z3.ULT(a, 0xFFFFF000 - 64))  # the oracle's GDT page (oracle.constants.GDT_32)
        for base, n in avoid:
            cs.append(z3.Or(z3.ULT(a + size, base - 64), z3.UGT(a, base + n + 64)))
    return cs
