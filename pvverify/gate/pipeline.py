"""`pvverify gate`: every paravirt outcome of kernel binaries, proved or rejected.

One pipeline for every input: a `--package` (a `.deb` or a directory), or the
files given on the command line, which are a package of one
(`package.from_files`: a vmlinux, modules with their `--vmlinux`, or files
that each stand alone). Each stage plain data into the next:
  gate.reading (every file of every package read, on the executor: each record
  an Outcome or a Skipped, uncovered ops-table calls Unpatched, and each
  outcome's obligation, content-addressed and built once per distinct placed
  outcome; the backends' conformance and static-call obligations beside them)
  -> check in parallel, through a persistent cache -> rows, named, each file
  as its package names it -> reports. A file that cannot be read is recorded
  and the others go on (exit 3 at the end); the vmlinux every module of a
  package is read against cannot: the run is bad input.

Obligations are made independent of where a site sits: every site is moved
to one canonical address (its rel32 calls re-targeted so they reach the same
functions), so the thousands of sites calling the same op with the same
replacement become one proof. A replacement with other position-dependent
operands (rip-relative data) keeps its real address.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from pvverify.gate import backends as backend_gate
from pvverify.gate import coverage, reading
from pvverify.gate import progress as prog
from pvverify.gate.annotate import Images, annotate_reads
from pvverify.gate.executor import executor_for
from pvverify.gate.package import Package, from_files, open_package
from pvverify.gate.proving import prove_all, result_key, valid_result
from pvverify.gate.reading import FileRead, KernelView, Reading
from pvverify.gate.rows import OutcomeResult, SiteIssue
from pvverify.kernel import features, replay
from pvverify.util import budget
from pvverify.util.cache import Cache
from pvverify.x86.arch import I386, X86_64
from pvverify.x86.decode import disasm


def run(a: argparse.Namespace) -> tuple[list[OutcomeResult], dict]:
    """Read every file of every package (a bad one is recorded in meta["errors"] and
    the rest go on), prove every outcome once per distinct obligation, and return
    the rows; meta carries the skipped and unpatched sites (meta["issues"]), each
    file's figures and, for --package, each package's."""
    cache = None if a.no_cache else Cache(a.cache)
    t0 = time.monotonic()
    show = prog.wanted(a.progress, a.format == "json")
    with tempfile.TemporaryDirectory(prefix="pvverify-") as tmp:
        if a.package:
            packages = [open_package(p, a.workdir or tmp) for p in a.package]
        else:
            packages = [from_files(a.binaries, a.vmlinux)]
        names = [p.name for p in packages]
        if len(set(names)) != len(names):
            raise OSError(f"two --package with one name: {', '.join(sorted(names))}")
        ctx = Reading({p.name: KernelView(p.name, p.vmlinux, cache) for p in packages if p.vmlinux},
                      cache, replay.SELECTED, not a.no_conformance)
        executor = executor_for(a.cluster, max(1, a.jobs))
        on = executor if a.cluster else None
        try:
            reads = reading.read_packages(packages, executor, ctx, prog.Progress(show))
            read_s = time.monotonic() - t0
            obs = {k: ob for r in reads for k, ob in r.obligations.items()}
            limits = budget.limits_of(a)
            results = prove_all(obs, max(1, a.jobs), cache, limits, show, on)
            # a file read from the cache brings keys, not obligations: their verdicts
            # come from the cache too, and a file with one that is not there is read
            # afresh and its obligations proved
            for k in {k for r in reads for k in r.all_keys if k not in results}:
                hit = cache.get("results", result_key(k, limits), valid_result) if cache else None
                if hit is not None:
                    results[k] = hit  # type: ignore[assignment]
            again = {(r.package, r.file) for r in reads if any(k not in results for k in r.all_keys)}
            if again:
                ctx.fresh = True
                fresh = reading.read_packages(packages, executor, ctx, prog.Progress(show), again)
                more = {k: ob for r in fresh for k, ob in r.obligations.items() if k not in results}
                results |= prove_all(more, max(1, a.jobs), cache, limits, show, on)
                index = {(r.package, r.file): r for r in fresh}
                reads = [index.get((r.package, r.file), r) for r in reads]
        finally:
            executor.close()
        # while a .deb's files are still unpacked: the failing sites named from
        # their own file's DWARF, their counterexamples at the real site
        images = Images()
        rows, meta, placed = _rows(packages, reads, results, images)
        every = a.format != "text" or bool(a.sarif or a.html or a.json_file)
        annotate_reads(rows[:len(placed)], placed, images, every, cache)
        images.close()
    counts, unread = coverage.of_packages(packages, reads)
    meta["errors"] += unread
    given = packages[0].given is not None  # its JSON keeps the shape it had: no package keys
    if not given:
        meta["packages"] = [_figures(p, reads, counts[p.name]) for p in packages]
    meta["files"] = coverage.total(counts.values())
    meta["obligations"] = len(obs | {k: None for r in reads for k in r.all_keys})
    if not given:
        meta["files_read_again"] = len(again)
    meta["read_seconds"] = round(read_s, 2)
    meta["seconds"] = round(time.monotonic() - t0, 2)
    return rows, meta


def _rows(packages: list[Package], reads: list[FileRead], results: dict[str, dict], images: Images
          ) -> tuple[list[OutcomeResult], dict, list[tuple[FileRead, object]]]:
    """The rows of a run: one per outcome, in the order of `reads`, then the backends'
    conformance and static-call rows; its meta; and each outcome row's (read, outcome)."""
    rows: list[OutcomeResult] = []
    placed: list[tuple[FileRead, object]] = []
    extras: list[tuple] = []
    meta: dict = {"binaries": [], "errors": [], "issues": []}
    by_name = {p.name: p for p in packages}
    for r in reads:
        p = by_name[r.package]
        name = p.label(r.file)
        if r.error:
            # a package's file is named as the package names it; a given file's reader
            # message names it already, as it was given
            meta["errors"].append({"file": name, "error": f"{name}: {r.error}" if p.name else r.error})
        if r.account:
            meta["binaries"].append({"file": name, **r.account})
        meta["issues"] += [SiteIssue(name, *i) for i in r.issues]
        if r.extras:
            code, arch = images.code(r), X86_64 if r.arch == X86_64.name else I386
            if code is None:
                raise OSError(f"{r.code}: cannot be opened again to name its backends' rows")
            extras += [(name, r.package, code, arch, *e) for e in r.extras]
        if not r.outcomes:
            continue
        arch = X86_64 if r.arch == X86_64.name else I386
        names = images.features(r) if any(o.feature for o in r.outcomes) else {}
        places = r.places or [None] * len(r.outcomes)
        for o, key, problem, place, (op, op_source) in zip(r.outcomes, r.keys, r.problems, places, r.ops,
                                                             strict=True):
            res = results.get(key) if key else None
            rows.append(OutcomeResult(
                name, o.site, o.source, op, op_source, o.kind, o.feature,
                (o.replacement + b"\x90" * (o.length - len(o.replacement))).hex(),
                disasm(arch, o.replacement, o.site), res["verdict"] if res else "unknown",
                res["reason"] if res else f"no obligation: {problem}", key or "",
                res.get("counterexample") if res else None, place=place,
                method=res.get("method", "exploration") if res else "exploration",
                cause=res.get("cause", "") if res else "", package=r.package,
                feature_name=features.named(o.feature, names), backend=o.backend))
            placed.append((r, o))
    rows += backend_gate.rows(extras, results, OutcomeResult)
    return rows, meta, placed


def _figures(p: Package, reads: list[FileRead], counts: dict) -> dict:
    """One package's line of the report: files found, gated, read, with sites."""
    mine = [r for r in reads if r.package == p.name]
    return {"package": p.name, "vmlinux": p.name_of(p.vmlinux), "files": len(mine),
            "files_found": counts["found"], "files_gated": counts["gated"],
            "files_read_whole": sum(r.whole for r in mine),
            "files_with_sites": sum(bool(r.outcomes) for r in mine),
            "outcomes": sum(len(r.outcomes) for r in mine),
            "errors": sum(bool(r.error) for r in mine)}
