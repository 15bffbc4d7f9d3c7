"""Where the gate's work runs: this machine's processes, or a Dask cluster.

Two kinds of work go through here: reading files (each task a chunk of one
package's modules, against that package's kernel view) and proving
obligations. Both are plain functions of picklable arguments, so the same
task runs in a forked pool worker or on a Dask worker on another machine,
and gives the same answer.

`shared` is what every task of a batch needs and is expensive to ship (the
kernel views): each local worker receives it once, when it starts, as a Dask
worker does (`scatter(broadcast=True)`), and each task gets a reference. Local
workers come from a fork server (signals.context): forking this process,
which runs threads, is not safe.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

_SHARED: Any = None  # what a pool worker received when it started (_receive)


class Executor(Protocol):
    workers: int

    def map(self, fn: Callable[[Any, Any], Any], items: Iterable[Any], shared: Any = None) -> Iterator[Any]:
        """fn(shared, item) for every item, results in completion order."""
        ...

    def close(self) -> None: ...


def _call(job: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    fn, item = job
    return fn(_SHARED, item)


def _receive(shared: Any) -> None:
    from pvverify.util.signals import worker_init

    global _SHARED
    worker_init()
    _SHARED = shared


class LocalPool:
    """`jobs` worker processes (or this process alone for one job)."""

    forks = False  # workers do not inherit what the parent holds: `shared` is sent to each

    def __init__(self, jobs: int) -> None:
        self.workers = max(1, jobs)

    def map(self, fn: Callable[[Any, Any], Any], items: Iterable[Any], shared: Any = None) -> Iterator[Any]:
        items = list(items)
        if self.workers == 1 or len(items) <= 1:
            for item in items:
                yield fn(shared, item)
            return
        from pvverify.util.signals import context

        with context().Pool(self.workers, initializer=_receive, initargs=(shared,)) as pool:
            yield from pool.imap_unordered(_call, [(fn, item) for item in items])

    def close(self) -> None:
        pass


class DaskPool:
    """A Dask distributed cluster: `tcp://host:8786` (a running scheduler) or
    `local:N` (a LocalCluster of N single-threaded worker processes, started here)."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise RuntimeError("--cluster needs Dask: pip install 'pvverify[cluster]' "
                               "(dask and distributed)") from None
        self._cluster = None
        if address.startswith("local:"):
            n = int(address.split(":", 1)[1] or os.cpu_count() or 1)
            # workers are new processes: they import pvverify from the same path
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         dashboard_address=None, host="127.0.0.1")
            self.client = Client(self._cluster)
        else:
            self.client = Client(address, timeout=30)
        self.workers = max(1, sum(w.get("nthreads", 1) for w in
                                  self.client.scheduler_info(n_workers=-1)["workers"].values()))
        # verdicts are cached under this process's tool identity: a worker running
        # other sources, solver or lifter versions would file its answers under it
        from pvverify.util.cache import tool_id

        mine = tool_id()
        other = sorted(w for w, t in self.client.run(_tool_id).items() if t != mine)
        if other:
            self.close()
            raise RuntimeError(f"Dask workers {', '.join(other)} run another pvverify than this one "
                               f"({mine}): install the same sources and versions on every worker")

    def map(self, fn: Callable[[Any, Any], Any], items: Iterable[Any], shared: Any = None) -> Iterator[Any]:
        from distributed import as_completed

        # one object, whole: scatter would split a dict or list into its items
        ref = self.client.scatter([shared], broadcast=True)[0] if shared is not None else None
        futures = [self.client.submit(fn, ref, item, pure=False) for item in items]
        try:
            for f in as_completed(futures):
                yield f.result()
        finally:
            for f in futures:
                f.release()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _tool_id() -> str:
    from pvverify.util.cache import tool_id

    return tool_id()


def executor_for(cluster: str | None, jobs: int) -> Executor:
    return DaskPool(cluster) if cluster else LocalPool(jobs)
