"""Reading whole kernel packages: every file's outcomes and their obligations.

Cost follows the work. Each package's vmlinux is read once per run into a
`KernelView` (its records, layout, ops table and slot types, symbols, and the
target closure, which fills as obligations ask for it) and shared: forked
pool workers inherit it, Dask workers receive it once and reopen the image
from its path. A module is first peeked at (`kernel.peek`: headers and symbol
table only); the ~95 % without a `pv_ops` symbol are done there. The rest are
read against the view: only the sections the records point into are
relocated, and nothing of the vmlinux is read again.

Tasks are chunks of one package's files; each returns plain `FileRead`s with
the distinct obligations of that chunk, so the parent deduplicates across
files and packages and proves each obligation once.

A file read whole is remembered in the cache (kind `reads`: its outcomes and
their obligation keys, not the obligations), keyed by the tool, the vmlinux it
was read against (a SHA-256 of all of it) and the file itself (of all but its
DWARF, which a module's read does not use): `kernel.peek.content_digest`; a
build ID survives edits after linking.
A warm run reads no module past its headers and builds no obligation; an
outcome whose verdict is not cached sends its file back to be read afresh
(`fresh`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from pvverify.gate.executor import Executor
from pvverify.gate.obligations import canonical_site, memo_key, obligation_of, placed, targets_of
from pvverify.gate.package import Package
from pvverify.gate.progress import Progress
from pvverify.gate.rows import account
from pvverify.kernel.binary import Binary, read_binary
from pvverify.kernel.elf import ElfError
from pvverify.kernel.peek import content_digest, peek_file
from pvverify.kernel.records import LayoutError, Outcome
from pvverify.kernel.symbolize import Symbolizer
from pvverify.obligation import Obligation, ObligationError
from pvverify.util.cache import Cache, tool_id
from pvverify.x86.decode import decoder

CHUNK = 24  # files per task: enough to amortise a task, small enough to balance


@dataclass
class FileRead:
    """One file of a package, as read: its outcomes, each with its obligation's key
    (or why there is none), or why the file holds no site, or why it could not be read."""

    package: str
    file: str                       # relative to the package root
    whole: bool = False             # read past its headers
    note: str = ""                  # why no site, when not read whole
    error: str | None = None        # unreadable: the reader's message
    arch: str | None = None
    version: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)   # per outcome: function+offset (no line)
    ops: list[list[str]] = field(default_factory=list)  # per outcome: [op name, where its type is from]
    account: dict = field(default_factory=dict)          # the file's figures, as the gate reports them
    issues: list[list] = field(default_factory=list)     # skipped / unpatched: SiteIssue fields but file
    obligations: dict[str, Obligation] = field(default_factory=dict)
    seconds: float = 0.0


class KernelView:
    """A package's vmlinux, read once per run: what every module is read against.

    Named in the caches by its identity (build ID, from the headers alone); read
    whole (`binary`: records, layout, ops table, symbols) only when some file
    must be read against it, once per process: before the fork for a local pool,
    on first use on a Dask worker (which must see the same path)."""

    def __init__(self, package: str, path: Path, cache: Cache | None) -> None:
        self.package, self.path, self.cache = package, path, cache
        self.ident = content_digest(path, dwarf=True)  # not the build ID: see content_digest
        self.fresh = False  # True: ignore cached reads (their verdicts went missing)
        self._binary: Binary | None = None
        # (outcome without its address, placed site and bytes) -> (key, obligation) or
        # the reason there is none: thousands of sites share a few hundred obligations
        self._memo: dict[tuple, tuple[str, Obligation] | str] = {}

    @property
    def binary(self) -> Binary:
        if self._binary is None:
            b = self._binary = read_binary(str(self.path), None, self.cache)
            self.targets = targets_of(b)
            self.canon = canonical_site(b.code)
            self.md = decoder(b.arch)
        return self._binary

    def needed(self) -> bool:
        """Will reading this package need the vmlinux itself? (not when its own read is cached)"""
        return _cached(self, _read_key(self, f"vmlinux {self.ident}"), "") is None

    # Pickled for Dask workers: what names the view travels; the worker reads the
    # vmlinux from its path if a task needs it.
    def __getstate__(self) -> dict:
        keep = {k: v for k, v in self.__dict__.items() if k not in ("targets", "md", "canon")}
        return keep | {"_binary": None, "_memo": {}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def obligations(self, b: Binary, read: FileRead) -> None:
        """Every outcome's obligation key (or why it has none), the op it calls and
        where it sits, into `read`."""
        sym = Symbolizer(b.sites)
        try:
            read.places = [sym.place(o.site, lines=False).to_json() for o in b.outcomes]
        finally:
            sym.close()
        meta: dict = {"binaries": [], "issues": []}
        account(meta, b)
        read.account = {k: v for k, v in meta["binaries"][0].items() if k != "file"}
        read.issues = [[i.address, i.status, i.source, i.op, i.reason] for i in meta["issues"]]
        # the memo holds for files read against this view's own code and tables (a
        # module of another release brings its own: no memo for it)
        base = self.binary
        shared = b.code is base.code and b.names is base.names and b.tables is base.tables
        for o in b.outcomes:
            op = b.op(o.table, o.slot)
            read.ops.append([op.name, op.source])
            memo = memo_key(o, placed(b, self.canon, o, self.md)) if shared else None
            got = self._memo.get(memo) if memo is not None else None
            if got is None:
                try:
                    ob = obligation_of(b, self.targets, self.canon, o, self.md)
                    got = (ob.key(), ob)
                except ObligationError as e:
                    got = str(e)
                if memo is not None:
                    self._memo[memo] = got
            if isinstance(got, str):
                read.keys.append(None)
                read.problems.append(got)
            else:
                read.obligations.setdefault(*got)
                read.keys.append(got[0])
                read.problems.append("")


def read_vmlinux(view: KernelView, name: str) -> FileRead:
    t = time.monotonic()
    key = _read_key(view, f"vmlinux {view.ident}")
    read = _cached(view, key, name)
    if read is None:
        b = view.binary
        read = FileRead(view.package, name, whole=True, arch=b.arch.name, version=b.version,
                        outcomes=list(b.outcomes))
        view.obligations(b, read)
        _store(view, key, read)
    read.seconds = time.monotonic() - t
    return read


def read_module(view: KernelView, path: Path, name: str) -> FileRead:
    t = time.monotonic()
    peek = peek_file(path)
    if not peek.sites:
        return FileRead(view.package, name, note=peek.reason, seconds=time.monotonic() - t)
    key = _read_key(view, content_digest(path)) if view.cache is not None else None
    read = _cached(view, key, name)
    if read is None:
        read = FileRead(view.package, name, whole=True)
        try:
            b = read_binary(str(path), None, view.cache, kernel=view.binary)
        except (ElfError, LayoutError, OSError) as e:
            read.error = str(e)
        else:
            read.arch, read.version, read.outcomes = b.arch.name, b.version, list(b.outcomes)
            view.obligations(b, read)
            _store(view, key, read)
    read.seconds = time.monotonic() - t
    return read


# -- the read cache ----------------------------------------------------------------


def _read_key(view: KernelView, file_ident: str) -> dict | None:
    if view.cache is None:
        return None
    from pvverify.kernel import replay

    return {"tool": tool_id(), "vmlinux": view.ident, "file": file_ident,
            "backends": list(replay.SELECTED) if replay.SELECTED is not None else "all"}


_BYTES = {f.name for f in fields(Outcome) if f.type in ("bytes", bytes)}


def _valid_read(d: object) -> bool:
    return (isinstance(d, dict) and isinstance(d.get("outcomes"), list)
            and len(d["outcomes"]) == len(d.get("keys", ())) == len(d.get("problems", ()))
            == len(d.get("places", ())) == len(d.get("ops", ())) and isinstance(d.get("account"), dict)
            and isinstance(d.get("issues"), list)
            and all(isinstance(o, dict) for o in d["outcomes"]))


def _cached(view: KernelView, key: dict | None, name: str) -> FileRead | None:
    if key is None or view.fresh or view.cache is None:
        return None
    d = view.cache.get("reads", key, _valid_read)
    if d is None:
        return None
    try:
        outcomes = [Outcome(**{k: bytes.fromhex(v) if k in _BYTES else tuple(v) if isinstance(v, list)
                               else v for k, v in o.items()}) for o in d["outcomes"]]  # type: ignore[index]
    except (TypeError, ValueError):
        return None
    return FileRead(view.package, name, whole=True, arch=d["arch"], version=d["version"],  # type: ignore[index]
                    outcomes=outcomes, keys=d["keys"], problems=d["problems"],  # type: ignore[index]
                    places=d["places"], ops=d["ops"], account=d["account"],  # type: ignore[index]
                    issues=d["issues"])  # type: ignore[index]


def _store(view: KernelView, key: dict | None, read: FileRead) -> None:
    if key is None or view.cache is None:
        return
    view.cache.put("reads", key, {
        "arch": read.arch, "version": read.version, "keys": read.keys, "problems": read.problems,
        "places": read.places, "ops": read.ops, "account": read.account, "issues": read.issues,
        "outcomes": [{k: v.hex() if k in _BYTES else v for k, v in asdict(o).items()}
                     for o in read.outcomes]})


@dataclass(frozen=True)
class Task:
    package: str
    vmlinux: str | None                   # the package's vmlinux name, if this task reads it
    files: tuple[tuple[str, str], ...]    # (path, name) of modules


def run_task(views: dict[str, KernelView], task: Task) -> list[FileRead]:
    """One task, in whichever process runs it."""
    view = views[task.package]
    out = [read_vmlinux(view, task.vmlinux)] if task.vmlinux else []
    out += [read_module(view, Path(p), n) for p, n in task.files]
    return out


def tasks_of(pkg: Package, only: set[tuple[str, str]] | None = None) -> list[Task]:
    files = [(str(p), pkg.name_of(p)) for p in pkg.modules
             if only is None or (pkg.name, pkg.name_of(p)) in only]
    vm = pkg.name_of(pkg.vmlinux)
    out = [Task(pkg.name, vm, ())] if only is None or (pkg.name, vm) in only else []
    out += [Task(pkg.name, None, tuple(files[i:i + CHUNK])) for i in range(0, len(files), CHUNK)]
    return out


def read_packages(packages: list[Package], executor: Executor, cache: Cache | None,
                  progress: Progress, views: dict[str, KernelView] | None = None,
                  only: set[tuple[str, str]] | None = None) -> tuple[dict[str, KernelView], list[FileRead]]:
    """Every file of every package, read on the executor. Files a .deb's stream
    already decided from their headers come back as they are. `only`: just
    these (package, file) again, with `views` from the first pass (made fresh)."""
    if views is None:
        views = {p.name: KernelView(p.name, p.vmlinux, cache) for p in packages}
    if executor.workers > 1 and getattr(executor, "forks", False):
        for v in views.values():
            if v.fresh or v.needed():
                v.binary  # noqa: B018  (read here once, inherited by the forked workers)
    if only is None:
        reads = [FileRead(p.name, rel, note=peek.reason) for p in packages for rel, peek in p.decided.items()]
        total = sum(p.files for p in packages)
        tasks = [t for p in packages for t in tasks_of(p)]
    else:
        reads, total = [], len(only)
        tasks = [t for p in packages for t in tasks_of(p, only)]
    outcomes, keys = 0, set()
    progress.restart()
    for chunk in _each(executor.map(run_task, tasks, views)):
        reads.append(chunk)
        outcomes += len(chunk.outcomes)
        keys.update(chunk.obligations)
        progress.reading(len(reads), total, outcomes, len(keys))
    progress.reading(len(reads), total, outcomes, len(keys), force=True)
    progress.done()
    reads.sort(key=lambda r: (r.package, r.file))
    return views, reads


def _each(results: Iterator[list[FileRead]]) -> Iterator[FileRead]:
    for chunk in results:
        yield from chunk
