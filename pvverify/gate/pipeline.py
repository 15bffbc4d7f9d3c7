"""`pvverify gate`: every paravirt outcome of kernel binaries, proved or rejected.

The pipeline, each stage plain data into the next:
  kernel.binary.read_binary (every record an Outcome or a Skipped; uncovered
  ops-table calls Unpatched) -> obligations (content-addressed, deduplicated)
  -> check in parallel, through a persistent cache -> reports. A file that
  cannot be read is recorded and the others go on (exit 3 at the end).

Obligations are made independent of where a site sits: every site is moved
to one canonical address (its rel32 calls re-targeted so they reach the same
functions), so the thousands of sites calling the same op with the same
replacement become one proof. A replacement with other position-dependent
operands (rip-relative data) keeps its real address.
"""

from __future__ import annotations

import argparse
import sys
import time

from pvverify.gate import backends as backend_gate
from pvverify.gate import coverage
from pvverify.gate.annotate import annotate_packages, annotate_rows, name_features
from pvverify.gate.obligations import canonical_site, memo_key, obligation_of, placed, targets_of
from pvverify.gate.proving import prove_all, result_key, valid_result
from pvverify.gate.rows import OutcomeResult, SiteIssue, account
from pvverify.kernel import features
from pvverify.kernel.binary import Binary, read_binary
from pvverify.kernel.elf import ElfError, open_image
from pvverify.kernel.records import (
    LayoutError,
    Outcome,
)
from pvverify.obligation import Obligation, ObligationError
from pvverify.util import budget
from pvverify.util.cache import Cache
from pvverify.x86.arch import I386, X86_64
from pvverify.x86.decode import decoder, disasm


def run(a: argparse.Namespace) -> tuple[list[OutcomeResult], dict]:
    """Read every binary (a bad one is recorded in meta["errors"] and the rest go
    on), prove every outcome, and return the rows; meta carries the skipped and
    unpatched sites (meta["issues"]) and per-binary figures."""
    cache = None if a.no_cache else Cache(a.cache)
    vm = open_image(a.vmlinux) if a.vmlinux else None
    rows: list[OutcomeResult] = []
    obs: dict[str, Obligation] = {}
    pending: list[tuple[Binary, Outcome, str | None, str]] = []
    extras: list = []  # conformance and static-call obligations, rows later (gate/backends.py)
    t0 = time.monotonic()
    meta: dict = {"binaries": [], "errors": [], "issues": []}
    canon_of: dict[str, int] = {}
    for path in a.binaries:
        try:
            b = read_binary(path, vm, cache)
        except (ElfError, LayoutError, OSError) as e:
            meta["errors"].append({"file": path, "error": str(e)})
            continue
        targets = targets_of(b)
        canon = canonical_site(b.code)
        canon_of[b.path] = canon
        md = decoder(b.arch)
        account(meta, b)
        extras += backend_gate.obligations(b, targets, canon, obs, not getattr(a, "no_conformance", False),
                                           meta, SiteIssue)
        # thousands of sites share a few hundred obligations: an outcome equal to an
        # earlier one in all but its address, placed at the same site with the same
        # bytes, has the same obligation (reading.KernelView's memo, same key), so it
        # is built and hashed once
        memo: dict[tuple, tuple[str, Obligation] | str] = {}
        for o in b.outcomes:
            mk = memo_key(o, placed(b, canon, o, md))
            got = memo.get(mk)
            if got is None:
                try:
                    ob = obligation_of(b, targets, canon, o, md)
                    got = memo[mk] = (ob.key(), ob)
                except ObligationError as e:
                    got = memo[mk] = str(e)
            if isinstance(got, str):
                pending.append((b, o, None, got))
            else:
                obs.setdefault(*got)
                pending.append((b, o, got[0], ""))
    meta["read_seconds"] = round(time.monotonic() - t0, 2)
    meta["files"] = {"found": len(a.binaries), "gated": len(a.binaries) - len(meta["errors"])}
    progress = a.progress == "always" or (a.progress == "auto" and sys.stderr.isatty())
    results = prove_all(obs, max(1, a.jobs), cache, budget.limits_of(a), progress)
    feature_names: dict[int, dict[int, str]] = {}
    for b, o, key, err in pending:
        op = b.op(o.table, o.slot)
        if o.feature and id(b.code) not in feature_names:
            feature_names[id(b.code)] = features.names_of(b.code)
        res = results.get(key) if key else None
        verdict = res["verdict"] if res else "unknown"
        reason = res["reason"] if res else f"no obligation: {err}"
        rows.append(OutcomeResult(
            b.path, o.site, o.source, op.name, op.source, o.kind, o.feature,
            (o.replacement + b"\x90" * (o.length - len(o.replacement))).hex(),
            disasm(b.arch, o.replacement, o.site), verdict, reason, key or "",
            res.get("counterexample") if res else None,
            method=res.get("method", "exploration") if res else "exploration",
            cause=res.get("cause", "") if res else "",
            feature_name=features.named(o.feature, feature_names.get(id(b.code), {})),
            backend=o.backend))
    # source lines only where a report shows them: every failing site for JSON,
    # SARIF and HTML, the first few of each group for the text report
    every = getattr(a, "format", "json") != "text" or bool(getattr(a, "sarif", None)) \
        or bool(getattr(a, "html", None)) or bool(getattr(a, "json_file", None))
    annotate_rows(rows, pending, canon_of, every, cache)
    rows += backend_gate.rows(extras, results, OutcomeResult)
    meta["obligations"] = len(obs)
    meta["seconds"] = round(time.monotonic() - t0, 2)
    return rows, meta


def run_packages(a: argparse.Namespace) -> tuple[list[OutcomeResult], dict]:
    """Every file of every --package: each vmlinux read once, modules against it,
    reading and proving on one executor, one deduplication across the matrix."""
    import tempfile

    from pvverify.gate import progress as prog
    from pvverify.gate.executor import executor_for
    from pvverify.gate.package import open_package
    from pvverify.gate.reading import read_packages

    cache = None if a.no_cache else Cache(a.cache)
    t0 = time.monotonic()
    show = prog.wanted(a.progress, a.format == "json")
    on = None
    with tempfile.TemporaryDirectory(prefix="pvverify-") as tmp:
        packages = [open_package(p, a.workdir or tmp) for p in a.package]
        names = [p.name for p in packages]
        if len(set(names)) != len(names):
            raise OSError(f"two --package with one name: {', '.join(sorted(names))}")
        executor = executor_for(a.cluster, max(1, a.jobs))
        on = executor if a.cluster else None
        try:
            views, reads = read_packages(packages, executor, cache, prog.Progress(show))
            read_s = time.monotonic() - t0
            obs = {k: ob for r in reads for k, ob in r.obligations.items()}
            limits = budget.limits_of(a)
            conf = backend_gate.package_obligations(a, packages, views, obs)
            results = prove_all(obs, max(1, a.jobs), cache, limits, show, on)
            # a file read from the cache brings keys, not obligations: their verdicts
            # come from the cache too, and a file with one that is not there is read
            # afresh and its obligations proved
            for k in {k for r in reads for k in r.keys if k and k not in results}:
                hit = cache.get("results", result_key(k, limits), valid_result) if cache else None
                if hit is not None:
                    results[k] = hit  # type: ignore[assignment]
            again = {(r.package, r.file) for r in reads
                     if any(k and k not in results for k in r.keys)}
            if again:
                for v in views.values():
                    v.fresh = True
                _, fresh = read_packages(packages, executor, cache, prog.Progress(show),
                                         views, again)
                more = {k: ob for r in fresh for k, ob in r.obligations.items() if k not in results}
                results |= prove_all(more, max(1, a.jobs), cache, limits, show, on)
                index = {(r.package, r.file): r for r in fresh}
                reads = [index.get((r.package, r.file), r) for r in reads]
        finally:
            executor.close()
        rows, meta = _package_rows(reads, results)
        # while the package's files are still unpacked: the failing sites named
        # from their own file's DWARF, their counterexamples at the real site
        every = a.format != "text" or bool(a.sarif or a.html or a.json_file)
        name_features(rows, packages)
        annotate_packages(rows, [o for r in reads for o in r.outcomes], packages, every, cache)
        # the backends' conformance and static-call rows: no outcome of a file's records
        rows += backend_gate.package_rows(conf, results, OutcomeResult)
    counts, unread = coverage.of_packages(packages, reads)
    meta["errors"] += unread
    meta["files"] = coverage.total(counts.values())
    for p in packages:
        mine = [r for r in reads if r.package == p.name]
        meta["packages"].append({
            "package": p.name, "vmlinux": p.name_of(p.vmlinux), "files": len(mine),
            "files_found": counts[p.name]["found"], "files_gated": counts[p.name]["gated"],
            "files_read_whole": sum(r.whole for r in mine),
            "files_with_sites": sum(bool(r.outcomes) for r in mine),
            "outcomes": sum(len(r.outcomes) for r in mine),
            "errors": sum(bool(r.error) for r in mine)})
    meta["obligations"] = len(obs | {k: None for r in reads for k in r.keys if k})
    meta["files_read_again"] = len(again)
    meta["read_seconds"] = round(read_s, 2)
    meta["seconds"] = round(time.monotonic() - t0, 2)
    return rows, meta


def _package_rows(reads: list, results: dict[str, dict]) -> tuple[list[OutcomeResult], dict]:
    """The rows of a package run (one per outcome, in the order of `reads`) and its meta."""
    rows: list[OutcomeResult] = []
    meta: dict = {"binaries": [], "errors": [], "issues": [], "packages": []}
    for r in reads:
        name = f"{r.package}/{r.file}"
        if r.error:
            meta["errors"].append({"file": name, "error": f"{name}: {r.error}"})
        if r.account:
            meta["binaries"].append({**r.account, "file": name})
        meta["issues"] += [SiteIssue(name, *i) for i in r.issues]
        if not r.outcomes:
            continue
        arch = X86_64 if r.arch == X86_64.name else I386
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
                backend=o.backend))
    return rows, meta
