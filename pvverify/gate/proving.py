"""Proving a set of obligations: through the verified cache, in worker processes
or on a Dask executor; a worker that dies fails its obligations as internal
errors, never hangs the run."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from pvverify.gate.executor import Executor
from pvverify.gate.obligations import is_call_to
from pvverify.obligation import Obligation, ObligationError
from pvverify.util import budget
from pvverify.util.budget import Limits
from pvverify.util.cache import Cache, tool_id
from pvverify.util.signals import worker_init
from pvverify.verdict import INTERNAL_PREFIX, SEVERITY, Result


def _check_one(item: tuple[str, Obligation, Limits]) -> tuple[str, dict]:
    key, ob, limits = item
    from dataclasses import replace

    from pvverify.check import check

    # A direct call to the slot's own target runs the same function on both
    # sides: check() proves it by the same-callee method (samecallee/method.py); when
    # that gives no proof, exploration may stop at the first unmodelled
    # instruction, since whatever stops one side stops the other.
    same = is_call_to(ob.replacement.hex or "", ob.address or 0, ob.target_address)
    try:
        if ob.extra.get("mode") == "conformance":
            from pvverify import conformance
            res = conformance.check(ob, limits)
        else:
            res = check(ob, limits=replace(limits, stop_when_stuck=same))
    except ObligationError as e:
        res = Result("unknown", f"cannot build the obligation: {e}")
    except Exception as e:  # never lose an outcome to a crash
        res = Result("unknown", f"{INTERNAL_PREFIX} {type(e).__name__}: {e}")
    return key, res.to_json()


def valid_result(res: object) -> bool:
    """A cached result has the shape `run` reads; a not-equivalent carries its counterexample."""
    return (isinstance(res, dict) and res.get("verdict") in SEVERITY
            and isinstance(res.get("reason"), str)
            and not res["reason"].startswith(INTERNAL_PREFIX)
            and (res["verdict"] != "not-equivalent" or isinstance(res.get("counterexample"), dict)))


def result_key(obligation_key: str, limits: Limits) -> dict:
    """Everything a verdict depends on: the tool, the obligation and the work bounds.
    The bounds are part of the key: an `unknown` reached under a smaller bound is
    never served under a larger one (nor a verdict found under a larger bound to
    a run whose bound would not have reached it). The wall-clock safety net is not:
    an outcome it stopped is never cached (_cacheable)."""
    return {"tool": tool_id(), "obligation": obligation_key,
            "limits": {**budget.work_bounds(limits), "replay": True}}


def _cacheable(res: dict) -> bool:
    """Not a crash, and not stopped by the wall clock (that says the machine was slow)."""
    reason = res.get("reason", "")
    return not reason.startswith(INTERNAL_PREFIX) and budget.SAFETY_REASON not in reason


def _in_workers(todo: list[tuple[str, Obligation, Limits]], jobs: int) -> Iterator[tuple[str, dict]]:
    """Results from `jobs` worker processes, as they finish.

    A worker that dies (killed, out of memory, a crash in native code) fails
    its obligations as internal errors instead of hanging the run, as a
    multiprocessing.Pool would. On SIGINT/SIGTERM the parent's handler raises
    out of the wait and the workers are terminated at once (inside z3 or not)."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    from pvverify.util.signals import context

    ex = ProcessPoolExecutor(jobs, mp_context=context(), initializer=worker_init)
    try:
        futures = {ex.submit(_check_one, item): item[0] for item in todo}
        for f in as_completed(futures):
            try:
                yield f.result()
            except BrokenProcessPool as e:
                yield futures[f], Result(
                    "unknown", f"{INTERNAL_PREFIX} a prover process died ({e})").to_json()
    finally:
        procs = list(getattr(ex, "_processes", {}).values())
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.terminate()
        for proc in procs:  # gone before the run ends, not just signalled
            with contextlib.suppress(Exception):
                proc.join(1.0)
                if proc.is_alive():
                    proc.kill()
        ex.shutdown(wait=False, cancel_futures=True)


def _check_shared(_shared: object, item: tuple[str, Obligation, Limits]) -> tuple[str, dict]:
    return _check_one(item)


def prove_all(obs: dict[str, Obligation], jobs: int, cache: Cache | None, limits: Limits,
              progress: bool, executor: Executor | None = None) -> dict[str, dict]:
    """executor: where the proofs run (a Dask cluster); default `jobs` local processes."""
    results: dict[str, dict] = {}
    todo = []
    for key, ob in obs.items():
        hit = cache.get("results", result_key(key, limits), valid_result) if cache else None
        if hit is not None:
            results[key] = hit  # type: ignore[assignment]
            continue
        todo.append((key, ob, limits))
    # Longest first, so the slow ones (big callee closures) do not start last
    # and leave the other workers idle at the end.
    todo.sort(key=lambda item: -(sum(len(b) for _, b in item[1].regions) + len(item[1].target.hex or "")))
    done = 0

    def record(key: str, res: dict) -> None:
        nonlocal done
        results[key] = res
        done += 1
        if cache is not None and _cacheable(res):
            cache.put("results", result_key(key, limits), res)
        if progress:
            print(f"\r  proving {done}/{len(todo)} obligations", end="", file=sys.stderr, flush=True)

    if executor is not None:
        for key, res in executor.map(_check_shared, todo):
            record(key, res)
    elif jobs > 1 and len(todo) > 1:
        for key, res in _in_workers(todo, jobs):
            record(key, res)
    else:
        for item in todo:
            record(*_check_one(item))
    if progress and todo:
        print(file=sys.stderr)
    return results
