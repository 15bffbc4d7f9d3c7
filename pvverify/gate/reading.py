"""Reading kernel packages: every file's outcomes and their obligations, for
every input (a `--package`, or the files given on the command line, a package
of one: `gate.package.from_files`).

Cost follows the work. Each package's vmlinux is read once per run into a
`KernelView` (its records, layout, ops table and slot types, symbols, and the
target closure, which fills as obligations ask for it) and shared: forked
pool workers inherit it, Dask workers receive it once and reopen the image
from its path. A module is first peeked at (`kernel.peek`: headers and symbol
table only); the ~95 % without a `pv_ops` symbol are done there. The rest are
read against the view: only the sections the records point into are
relocated, and nothing of the vmlinux is read again.

A file given without `--vmlinux` stands alone: it is its own kernel view. A
file whose code is its own (another kernel given beside `--vmlinux`) is read
against its own targets and canonical site, with a memo of its own.

Tasks are chunks of one package's files; each returns plain `FileRead`s with
the distinct obligations of that chunk (the outcomes', then the backends'
conformance and paravirt static calls: `gate.backends`), so the parent
deduplicates across files and packages and proves each obligation once. What
every task needs (the views, the cache, `--backend`, `--no-conformance`) is one
`Reading`, shipped once to each worker process: a worker imports pvverify
afresh and must be told the run's settings.

A file read whole is remembered in the cache (kind `reads`: its outcomes and
their obligation keys, not the obligations), keyed by the tool, the vmlinux it
was read against (a SHA-256 of all of it), the file itself (of all but its
DWARF, which a module's read does not use): `kernel.peek.content_digest`; a
build ID survives edits after linking), `--backend` and `--no-conformance`.
A warm run reads no module past its headers and builds no obligation; an
outcome whose verdict is not cached sends its file back to be read afresh
(`fresh`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from pvverify.gate import backends as backend_gate
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
    file: str                       # relative to the package root (a given file: as given)
    path: str = ""                  # where it was read from
    code: str = ""                  # the image its sites' code is in: its vmlinux, or itself
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
    # the backends' conformance and paravirt static-call items: (item, key, why none)
    extras: list[tuple] = field(default_factory=list)
    obligations: dict[str, Obligation] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def all_keys(self) -> list[str]:
        """Every obligation key its rows need a verdict for."""
        return [k for k in (*self.keys, *(e[1] for e in self.extras)) if k]


@dataclass
class Reading:
    """What every reading task of a run needs: sent once to each worker process,
    which imports pvverify afresh and knows nothing of the run's flags."""

    views: dict[str, KernelView]       # per package with a vmlinux
    cache: Cache | None
    backends: tuple[str, ...] | None   # --backend (replay.SELECTED)
    conformance: bool = True           # not --no-conformance
    fresh: bool = False                # ignore cached reads (their verdicts went missing)


class KernelView:
    """A package's vmlinux, read once per process: what every module is read against
    (a file given alone is a view of its own).

    Named in the caches by a digest of all of it; read whole (`binary`: records,
    layout, ops table, symbols) only when some file must be read against it, on
    first use in each process that needs it (a worker must see the same path)."""

    def __init__(self, package: str, path: Path | str, cache: Cache | None) -> None:
        self.package, self.path, self.cache = package, path, cache
        self._ident: str | None = None
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

    @property
    def ident(self) -> str:
        """What names the view in the read cache: a digest of all of it (not the build
        ID: see content_digest), taken once, when a cache asks for it."""
        if self._ident is None:
            self._ident = content_digest(self.path, dwarf=True)
        return self._ident

    # Pickled for Dask workers: what names the view travels; the worker reads the
    # vmlinux from its path if a task needs it.
    def __getstate__(self) -> dict:
        keep = {k: v for k, v in self.__dict__.items() if k not in ("targets", "md", "canon")}
        return keep | {"_binary": None, "_memo": {}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def obligations(self, b: Binary, read: FileRead, conformance: bool = True) -> None:
        """Every outcome's obligation key (or why it has none), the op it calls and
        where it sits, then the backends' conformance and static-call items, into `read`."""
        sym = Symbolizer(b.sites)
        try:
            read.places = [sym.place(o.site, lines=False).to_json() for o in b.outcomes]
        finally:
            sym.close()
        meta: dict = {"binaries": [], "issues": []}
        account(meta, b)
        read.account = {k: v for k, v in meta["binaries"][0].items() if k != "file"}
        read.issues = [[i.address, i.status, i.source, i.op, i.reason] for i in meta["issues"]]
        base = self.binary
        if b.code is base.code:
            targets, canon, md = self.targets, self.canon, self.md
        else:  # code of its own (another kernel given beside --vmlinux)
            targets, canon, md = targets_of(b), canonical_site(b.code), decoder(b.arch)
        # the view's memo holds for files read against its own code and slot types; a
        # file with its own (a module read the long way) has a memo of its own
        shared = b.code is base.code and b.names is base.names and b.tables is base.tables
        memo = self._memo if shared else {}
        for o in b.outcomes:
            op = b.op(o.table, o.slot)
            read.ops.append([op.name, op.source])
            mk = memo_key(o, placed(b, canon, o, md))
            got = memo.get(mk)
            if got is None:
                try:
                    ob = obligation_of(b, targets, canon, o, md)
                    got = memo[mk] = (ob.key(), ob)
                except ObligationError as e:
                    got = memo[mk] = str(e)
            if isinstance(got, str):
                read.keys.append(None)
                read.problems.append(got)
            else:
                read.obligations.setdefault(*got)
                read.keys.append(got[0])
                read.problems.append("")
        entries, skipped = backend_gate.obligations(b, targets, canon, conformance)
        read.issues += skipped
        for item, key, ob, err in entries:
            if ob is not None:
                read.obligations.setdefault(key, ob)
            read.extras.append((item, key, err))


def read_vmlinux(view: KernelView, name: str, ctx: Reading) -> FileRead:
    """The view's own file. Unreadable, it raises: every module of its package
    is read against it (a file read alone goes through read_alone)."""
    t = time.monotonic()
    path = str(view.path)
    key = _read_key(view, f"vmlinux {view.ident}", ctx.conformance) if view.cache is not None else None
    read = _cached(view, key, name, path, ctx.fresh)
    if read is None:
        b = view.binary
        read = FileRead(view.package, name, path, path, whole=True, arch=b.arch.name, version=b.version,
                        outcomes=list(b.outcomes))
        view.obligations(b, read, ctx.conformance)
        _store(view, key, read)
    read.seconds = time.monotonic() - t
    return read


def read_alone(ctx: Reading, package: str, path: str, name: str) -> FileRead:
    """A file given without --vmlinux: its own kernel view. Unreadable (a module
    without one has no pv_ops), it is an error of its own and the others go on."""
    t = time.monotonic()
    try:
        return read_vmlinux(KernelView(package, path, ctx.cache), name, ctx)
    except (ElfError, LayoutError, OSError) as e:
        return FileRead(package, name, path, whole=True, error=str(e), seconds=time.monotonic() - t)


def read_module(view: KernelView, path: str, name: str, ctx: Reading, peek: bool = True) -> FileRead:
    """A file read against the view: first judged from its headers when `peek`
    (a package's modules), else read whole (a file given by name). The view's own
    file unreadable raises: nothing of the package can be read."""
    t = time.monotonic()
    seen = peek_file(path) if peek else None
    if seen is not None and not seen.sites:
        return FileRead(view.package, name, path, note=seen.reason, seconds=time.monotonic() - t)
    try:
        key = _read_key(view, content_digest(path), ctx.conformance) if view.cache is not None else None
    except OSError as e:
        return FileRead(view.package, name, path, whole=True, error=str(e), seconds=time.monotonic() - t)
    read = _cached(view, key, name, path, ctx.fresh)
    if read is None:
        kernel = view.binary  # outside the try: the kernel unreadable is the run's error
        read = FileRead(view.package, name, path, whole=True)
        try:
            b = read_binary(path, None, view.cache, kernel=kernel)
        except (ElfError, LayoutError, OSError) as e:
            read.error = str(e)
        else:
            read.code = path if b.code is b.sites else str(view.path)
            read.arch, read.version, read.outcomes = b.arch.name, b.version, list(b.outcomes)
            view.obligations(b, read, ctx.conformance)
            _store(view, key, read)
    read.seconds = time.monotonic() - t
    return read


# -- the read cache ----------------------------------------------------------------


def _read_key(view: KernelView, file_ident: str, conformance: bool) -> dict | None:
    if view.cache is None:
        return None
    from pvverify.kernel import replay

    return {"tool": tool_id(), "vmlinux": view.ident, "file": file_ident,
            "backends": list(replay.SELECTED) if replay.SELECTED is not None else "all",
            "conformance": conformance}


_BYTES = {f.name for f in fields(Outcome) if f.type in ("bytes", bytes)}


def _valid_read(d: object) -> bool:
    return (isinstance(d, dict) and isinstance(d.get("outcomes"), list)
            and len(d["outcomes"]) == len(d.get("keys", ())) == len(d.get("problems", ()))
            == len(d.get("places", ())) == len(d.get("ops", ())) and isinstance(d.get("account"), dict)
            and isinstance(d.get("issues"), list) and isinstance(d.get("own_code"), bool)
            and isinstance(d.get("extras"), list)
            and all(isinstance(e, list) and len(e) == 3 and isinstance(e[0], dict) for e in d["extras"])
            and all(isinstance(o, dict) for o in d["outcomes"]))


def _cached(view: KernelView, key: dict | None, name: str, path: str, fresh: bool = False
            ) -> FileRead | None:
    if key is None or fresh or view.cache is None:
        return None
    d = view.cache.get("reads", key, _valid_read)
    if d is None:
        return None
    try:
        outcomes = [Outcome(**{k: bytes.fromhex(v) if k in _BYTES else tuple(v) if isinstance(v, list)
                               else v for k, v in o.items()}) for o in d["outcomes"]]  # type: ignore[index]
        extras = [(backend_gate.item_of(i), k, e) for i, k, e in d["extras"]]  # type: ignore[index]
    except (TypeError, ValueError):
        return None
    code = path if d["own_code"] else str(view.path)  # type: ignore[index]
    return FileRead(view.package, name, path, code, whole=True, arch=d["arch"],  # type: ignore[index]
                    version=d["version"], outcomes=outcomes, keys=d["keys"],  # type: ignore[index]
                    problems=d["problems"], places=d["places"], ops=d["ops"],  # type: ignore[index]
                    account=d["account"], issues=d["issues"], extras=extras)  # type: ignore[index]


def _store(view: KernelView, key: dict | None, read: FileRead) -> None:
    if key is None or view.cache is None:
        return
    view.cache.put("reads", key, {
        "arch": read.arch, "version": read.version, "keys": read.keys, "problems": read.problems,
        "places": read.places, "ops": read.ops, "account": read.account, "issues": read.issues,
        "own_code": read.code == read.path,
        "extras": [[backend_gate.item_json(i), k, e] for i, k, e in read.extras],
        "outcomes": [{k: v.hex() if k in _BYTES else v for k, v in asdict(o).items()}
                     for o in read.outcomes]})


@dataclass(frozen=True)
class Task:
    package: str
    vmlinux: str | None                       # the package's vmlinux name, if this task reads it
    files: tuple[tuple[str, str], ...]        # (path, name) of modules, read against it
    alone: tuple[tuple[str, str], ...] = ()   # (path, name) of files read as their own kernel
    peek: bool = True                         # modules judged from their headers first


def run_task(ctx: Reading, task: Task) -> list[FileRead]:
    """One task, in whichever process runs it."""
    from pvverify.kernel import replay

    replay.SELECTED = ctx.backends  # a worker process was started without the run's flags
    view = ctx.views.get(task.package)
    out = [read_vmlinux(view, task.vmlinux, ctx)] if view is not None and task.vmlinux else []
    out += [read_module(view, p, n, ctx, task.peek) for p, n in task.files] if view is not None else []
    out += [read_alone(ctx, task.package, p, n) for p, n in task.alone]
    return out


def tasks_of(pkg: Package, only: set[tuple[str, str]] | None = None) -> list[Task]:
    """The package's files as tasks: its vmlinux alone, its modules in chunks, each
    file that stands alone (given without --vmlinux) alone."""
    vm, mods, alone = None, [], []
    for path in pkg.members:
        name = pkg.name_of(path)
        if only is not None and (pkg.name, name) not in only:
            continue
        role = pkg.role(path)
        if role == "vmlinux":
            vm = name
        else:
            (mods if role == "module" else alone).append((path, name))
    out = [Task(pkg.name, vm, ())] if vm is not None else []
    out += [Task(pkg.name, None, tuple(mods[i:i + CHUNK]), peek=pkg.peeks)
            for i in range(0, len(mods), CHUNK)]
    out += [Task(pkg.name, None, (), alone=(f,)) for f in alone]
    return out


def read_packages(packages: list[Package], executor: Executor, ctx: Reading, progress: Progress,
                  only: set[tuple[str, str]] | None = None) -> list[FileRead]:
    """Every file of every package, read on the executor, in the order reports list
    them. Files a .deb's stream already decided from their headers come back as
    they are. `only`: just these (package, file) again (with `ctx.fresh`)."""
    if only is None:
        reads = [FileRead(p.name, rel, note=peek.reason) for p in packages for rel, peek in p.decided.items()]
        total = sum(p.files for p in packages)
    else:
        reads, total = [], len(only)
    tasks = [t for p in packages for t in tasks_of(p, only)]
    outcomes, keys = 0, set()
    progress.restart()
    for chunk in _each(executor.map(run_task, tasks, ctx)):
        reads.append(chunk)
        outcomes += len(chunk.outcomes)
        keys.update(chunk.obligations)
        progress.reading(len(reads), total, outcomes, len(keys))
    progress.reading(len(reads), total, outcomes, len(keys), force=True)
    progress.done()
    by_name = {p.name: p for p in packages}
    reads.sort(key=lambda r: (r.package, by_name[r.package].position(r.file)))
    return reads


def _each(results: Iterator[list[FileRead]]) -> Iterator[FileRead]:
    for chunk in results:
        yield from chunk
