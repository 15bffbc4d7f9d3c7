"""`pvverify gate`: the command. Its flags, the run (`gate.pipeline`), the reports
it writes and the exit code it returns."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

from pvverify.cli import exits
from pvverify.cli.exits import ArgumentParser, positive_int
from pvverify.gate import backends as backend_gate
from pvverify.gate.pipeline import run
from pvverify.gate.rows import OutcomeResult, SiteIssue, exit_code
from pvverify.kernel.elf import ElfError
from pvverify.kernel.records import (
    LayoutError,
)
from pvverify.obligation import ObligationError
from pvverify.reports import baseline
from pvverify.util import budget
from pvverify.util.files import write_atomic
from pvverify.verdict import SEVERITY

# --timeout: the wall-clock safety net per obligation (budget.py). Far above what the
# largest work bound costs on a loaded runner: the pv spinlock slow path under every
# backend runs its 500,000 fixpoint visits in about a minute idle and passed 300 s
# with two CPU-bound processes beside a --jobs 2 gate (6.1, 2026-12-07).
SAFETY_SECONDS = 1800.0


def _default_cache() -> Path:
    try:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:  # no home directory: a relative cache, still only a warning if unusable
        base = ".cache"
    return Path(base) / "pvverify"


GATE_EXAMPLES = """\
examples:
  pvverify gate vmlinux                          every site of a kernel image
  pvverify gate --vmlinux vmlinux kvm.ko         a module, against its kernel's pv_ops
  pvverify gate --package linux-image-6.1.0-50-amd64-dbg_6.1.176-1_amd64.deb \\
      --sarif pv.sarif --junit pv.xml --html pv.html
                                                 a Debian -dbg package: vmlinux and modules,
                                                 with the reports CI uploads
  pvverify gate vmlinux --format gcc             one `file.c:line: error: ...` per finding
  pvverify gate vmlinux -q && echo ok            one summary line on success

"""


def parser() -> argparse.ArgumentParser:
    from pvverify.cli.exits import EPILOG

    p = ArgumentParser(
        prog="pvverify gate",
        description="Verify every paravirt patch site of kernel binaries: each site's every "
                    "outcome (the code each patch leaves there) is proved equivalent to the "
                    "indirect call it replaces, or refuted with a replayed counterexample. The "
                    "text report lists what failed, file by file, as function+0xoff "
                    "(file.c:line); the exit code says the worst verdict.",
        epilog=GATE_EXAMPLES + EPILOG)
    p.add_argument("binaries", nargs="*", metavar="BINARY",
                   help="vmlinux, modules (.ko, .ko.xz, .ko.zst) or relocatable .o files")
    p.add_argument("--package", action="append", default=[], metavar="PATH",
                   help="a kernel package: a Debian -dbg .deb or a directory holding one vmlinux and "
                        "its modules; every file is gated, each module against that vmlinux "
                        "(repeat for a matrix: one deduplication, one cache)")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="run reading and proving on Dask: tcp://host:8786 (a running scheduler) or "
                        "local:N (start N local worker processes)")
    p.add_argument("--workdir", metavar="DIR",
                   help="where a .deb's vmlinux and site-holding modules are unpacked (default: a "
                        "temporary directory; with a remote --cluster, one the workers can read)")
    p.add_argument("--vmlinux", metavar="PATH",
                   help="the kernel image that supplies pv_ops and its targets to modules given "
                        "as BINARY (a --package finds its own)")
    p.add_argument("--jobs", "-j", type=positive_int, default=os.cpu_count() or 1, metavar="N",
                   help="parallel prover processes (default: the CPU count, %(default)s here)")
    p.add_argument("--cache", default=str(_default_cache()), metavar="DIR",
                   help="result cache: a warm run proves nothing again (default: %(default)s)")
    p.add_argument("--no-cache", action="store_true", help="prove everything afresh, store nothing")
    exits.add_work_bounds(p, SAFETY_SECONDS, budget.GATE_SOLVER_RLIMIT)
    p.add_argument("--format", choices=("text", "json", "gcc"), default="text",
                   help="text (default): failures grouped by file, op and reason, sites as "
                        "function+0xoff (file.c:line); json: every outcome as one document; gcc: "
                        "one `file.c:line: error: op: what differs [rule]` line per finding (for "
                        "editors' quickfix and CI log annotators)")
    p.add_argument("--json", metavar="FILE", dest="json_file",
                   help="also write the JSON document (as --format json prints it) here")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="text: only the files with a finding and the one-line summary (on success, "
                        "just the summary)")
    p.add_argument("--sarif", metavar="FILE",
                   help="also write SARIF 2.1.0 here (code scanning: results at source lines, the "
                        "inline chain's header lines as related locations)")
    p.add_argument("--junit", metavar="FILE",
                   help="also write a JUnit XML report here (unknown is a failure unless --allow-unknown)")
    p.add_argument("--html", metavar="FILE",
                   help="also write a self-contained HTML page: totals, then every failing or "
                        "unknown site file by file with its counterexample, the rest collapsed")
    p.add_argument("--allow-unknown", action="store_true",
                   help="no unknown outcome fails the gate (exit 0 instead of 2): a blunt tool, which "
                        "passes the new ones too (accept known outcomes one by one with --baseline)")
    baseline.add_flags(p)
    p.add_argument("--allow-skipped", action="store_true",
                   help="skipped records and unpatched indirect calls do not fail the gate")
    p.add_argument("--color", "--colour", choices=("auto", "always", "never"), default="auto",
                   dest="color", help="colour the text report: auto (default) on a terminal "
                                      "unless NO_COLOR is set")
    p.add_argument("--backend", metavar="A,B",
                   help="replay the patcher only for these backends (native, native+lkgs, xen-pv, "
                        "xen-hvm, kvm, hyperv, vmware, tdx, lguest, vmi, ...); default: every backend the "
                        "binary carries")
    p.add_argument("--no-conformance", action="store_true",
                   help="do not check that every function a backend installs in a callee-save slot "
                        "keeps the convention")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="show a proving counter on stderr: auto (default) when stderr is a terminal")
    return p


def _reports(a: argparse.Namespace) -> list[Path]:
    return [Path(p) for p in (a.sarif, a.junit, a.html, a.json_file) if p]


def _clear_reports(paths: list[Path]) -> str | None:
    """Remove what a previous run left at the report paths, before anything else: a
    run that fails or is interrupted must not leave an old report for CI to upload."""
    for p in paths:
        if p.is_dir():
            return f"{p}: is a directory, not a report file"
        try:
            p.unlink(missing_ok=True)
        except OSError as e:
            return f"{p}: cannot replace the report: {e.strerror}"
        if not p.parent.is_dir():
            return f"{p}: directory {p.parent} does not exist"
    return None


def main(argv: list[str]) -> int:
    from pvverify.gate.package import PackageError
    from pvverify.reports import gate_text, gcc, html, junit, sarif
    from pvverify.reports import rows as row_report

    p = parser()
    a = p.parse_args(argv)
    if bool(a.binaries) == bool(a.package):
        p.error("give binaries or --package (not both)")
    if a.cluster and not a.package:
        p.error("--cluster runs package gates: give --package")
    backend_gate.select(p, a)
    problem = _clear_reports(_reports(a))
    if problem:
        print(f"pvverify gate: {problem}", file=sys.stderr)
        return exits.USAGE
    try:
        accepted = baseline.read(a.baseline) if a.baseline else None
    except baseline.BaselineError as e:
        print(f"pvverify gate: {e}", file=sys.stderr)
        return exits.BAD_INPUT
    try:
        rows, meta = run(a)
    except (ElfError, LayoutError, ObligationError, OSError, PackageError, RuntimeError) as e:
        print(f"pvverify gate: {e}", file=sys.stderr)
        return exits.BAD_INPUT
    issues: list[SiteIssue] = meta.pop("issues")
    for e in meta["errors"]:
        print(f"pvverify gate: {e['error']}", file=sys.stderr)
    try:
        cmp = _baseline(a, rows, accepted)
    except OSError as e:
        print(f"pvverify gate: cannot write the baseline: {e}", file=sys.stderr)
        return exits.USAGE
    totals = Counter(r.verdict for r in rows)
    ic = Counter(i.status for i in issues)
    if cmp is not None:
        meta["baseline"] = cmp.summary()
    document = None
    if a.format == "json" or a.json_file:
        document = json.dumps({"results": [_with_state(row_report.row_json(r), r, cmp) for r in rows],
                               "skipped": [row_report.issue_json(i) for i in issues
                                           if i.status == "skipped"],
                               "unpatched": [row_report.issue_json(i) for i in issues
                                             if i.status == "unpatched"],
                               "backend_findings": [row_report.issue_json(i) for i in issues
                                                    if i.status not in ("skipped", "unpatched")],
                               "totals": {**{v: totals.get(v, 0) for v in SEVERITY},
                                          "skipped": ic["skipped"], "unpatched": ic["unpatched"],
                                          "files_not_read": len(meta["errors"]),
                                          "files_found": meta["files"]["found"],
                                          "files_gated": meta["files"]["gated"]}, **meta})
    if a.format == "json":
        print(document)
    elif a.format == "gcc":
        print(gcc.render(rows, issues, meta["errors"], a.allow_unknown, a.allow_skipped), end="")
    else:
        for pk in () if a.quiet else meta.get("packages", ()):
            bad = f", {pk['errors']} not read" if pk["errors"] else ""
            print(f"{pk['package']}: {pk['files_found']} files found, {pk['files_gated']} gated, "
                  f"{pk['files_with_sites']} with paravirt sites "
                  f"({pk['files_read_whole']} read past their headers), {pk['outcomes']} outcomes{bad}")
        print(gate_text.render(rows, meta, gate_text.use_colour(sys.stdout, a.color), issues=issues,
                               quiet=a.quiet))
        if cmp is not None:
            print(gate_text.baseline_lines(cmp))
    try:
        if a.json_file:
            write_atomic(Path(a.json_file), document.encode())
        if a.sarif:
            write_atomic(Path(a.sarif), json.dumps(sarif.sarif(rows, issues, meta["errors"],
                                                               meta.get("files"), cmp), indent=1).encode())
        if a.junit:
            write_atomic(Path(a.junit), junit.junit(rows, a.allow_unknown, issues, meta["errors"],
                                                    a.allow_skipped, meta.get("files"),
                                                    cmp.accepted if cmp else None).encode())
        if a.html:
            write_atomic(Path(a.html), html.render(rows, meta, issues).encode())
    except OSError as e:
        print(f"pvverify gate: cannot write a report: {e}", file=sys.stderr)
        return exits.USAGE
    failing = [r for r in rows if cmp is None or not cmp.accepted(r)]  # crashes are never accepted
    return exit_code(failing, a.allow_unknown, issues, a.allow_skipped, bool(meta["errors"]))


def _baseline(a: argparse.Namespace, rows: list[OutcomeResult], accepted) -> baseline.Comparison | None:
    """Write the baseline if asked, and compare the rows with --baseline (else with
    the one just written)."""
    if a.write_baseline:
        baseline.write(a.write_baseline, rows)
        if accepted is None:
            return baseline.compare(a.write_baseline, baseline.read(a.write_baseline), rows)
    return baseline.compare(a.baseline, accepted, rows) if accepted is not None else None


def _with_state(d: dict, r: OutcomeResult, cmp: baseline.Comparison | None) -> dict:
    state = cmp.state.get(id(r)) if cmp is not None else None
    return {**d, "baselineState": state} if state else d
