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
import contextlib
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import capstone

from pvverify.cli import exits
from pvverify.cli.exits import ArgumentParser, positive_int
from pvverify.gate import backends as backend_gate
from pvverify.gate import baseline, coverage
from pvverify.gate.executor import Executor
from pvverify.kernel import features
from pvverify.kernel.binary import Binary, read_binary
from pvverify.kernel.closure import Targets
from pvverify.kernel.elf import SHF_ALLOC, SHF_EXECINSTR, ElfError, Image, open_image
from pvverify.kernel.records import (
    LayoutError,
    Outcome,
    direct_branch,
    retarget,
)
from pvverify.obligation import CodeSpec, Obligation, ObligationError
from pvverify.util import budget
from pvverify.util.budget import Limits
from pvverify.util.cache import Cache, tool_id
from pvverify.util.files import write_atomic
from pvverify.util.signals import worker_init
from pvverify.verdict import SEVERITY, Result
from pvverify.x86.arch import I386, X86_64, Arch
from pvverify.x86.ctype import parse_ctype
from pvverify.x86.decode import decoder


@dataclass
class OutcomeResult:
    """One outcome with its verdict: a row of every report."""

    file: str
    address: int
    source: str
    op: str
    op_source: str
    kind: str
    feature: str
    hex: str
    disassembly: list[str]
    verdict: str
    reason: str
    key: str
    counterexample: dict | None = None
    place: dict | None = None  # symbolize.Place of the site: function, offset, file, line
    method: str = "exploration"  # what decided it: exploration | same-callee
    package: str = ""            # the --package the file came from, if any
    feature_name: str = ""       # `feature` with the kernel's names: `!X86_FEATURE_XENPV`
    backend: str = "native"      # the backends whose patcher writes it (comma-joined)


@dataclass
class SiteIssue:
    """A record that became no outcome (`skipped`), or an indirect call through an
    ops table that no record covers (`unpatched`): reported, and failing the gate
    unless --allow-skipped."""

    file: str
    address: int
    status: str          # skipped | unpatched | late-assignment | unattributed-write | unresolved-write
    source: str
    op: str
    reason: str


# -- obligations ---------------------------------------------------------------


_FREE: dict[tuple[int, bytes], bool] = {}  # per code, where the answer is the same at every address


def _position_free(arch: Arch, md: capstone.Cs, code: bytes, at: int) -> bool:
    """True if code means the same at any address once rel32 call/jmp are re-targeted.
    Remembered per code unless a short branch makes the answer depend on `at`:
    thousands of outcomes share a few hundred replacements."""
    if direct_branch(code):
        return True  # a 5-byte rel32 branch and NOPs: nothing that depends on the address
    key = (arch.bits, code)
    got = _FREE.get(key)
    if got is not None:
        return got
    free, depends = True, False
    for ins in md.disasm(code, at):
        if any(op.type == capstone.x86.X86_OP_MEM and op.mem.base == capstone.x86.X86_REG_RIP
               for op in ins.operands):
            _FREE[key] = False  # rip-relative data: at no address the same
            return False
        if (ins.group(capstone.CS_GRP_JUMP) or ins.group(capstone.CS_GRP_CALL)) and ins.size != 5:
            depends = True
            op = ins.operands[0] if ins.operands else None
            if op is not None and op.type == capstone.x86.X86_OP_IMM and not at <= op.imm < at + len(code):
                free = False
    if not depends:
        _FREE[key] = free
    return free


def canonical_site(img: Image) -> int:
    """An address no code of the image occupies, within rel32 reach of all of it."""
    lo = min((s.addr for s in img.sections if s.flags & SHF_ALLOC and s.flags & SHF_EXECINSTR
              and s.size), default=0x1000000)
    return lo - 0x10000 if lo >= 0x20000 else lo + 0x8000000


_AS_IS = tuple(f.name for f in fields(Outcome) if f.name not in ("site", "replacement", "call", "backend"))


def _memo_key(o: Outcome, where: tuple[int, bytes]) -> tuple:
    """Everything of an outcome but where it sits (its address, and its bytes that
    encode the address, which `where` = placed(...) says again for the obligation's
    site): as reading._memo_key, without dataclasses.asdict's deep copy per outcome."""
    default_call = o.call[:2] == b"\xff\x15" and len(o.call) == 6
    return (tuple(getattr(o, n) for n in _AS_IS), None if default_call else o.call, where)


def placed(b: Binary, canon: int, o: Outcome, md: capstone.Cs) -> tuple[int, bytes]:
    """Where the obligation puts the site, and the replacement's bytes there: the
    only way an outcome's own address enters its obligation (so outcomes equal
    in everything else and in this have one obligation; reading.KernelView
    relies on it)."""
    arch = b.arch
    # the default `call *slot(%rip)` is rebuilt by the obligation for its own site
    # (rip-relative, so never "position free" as bytes); another original form is
    # kept as bytes, so its position counts
    default_call = o.call[:2] == b"\xff\x15" and len(o.call) == 6
    free = _position_free(arch, md, o.replacement, o.site) and (
        default_call or _position_free(arch, md, o.call, o.site))
    site = canon if free else o.site
    repl = retarget(arch, o.replacement, o.site, site) if site != o.site else o.replacement
    return site, repl


def obligation_of(b: Binary, targets: Targets, canon: int, o: Outcome, md: capstone.Cs) -> Obligation:
    arch = b.arch
    op = b.op(o.table, o.slot)
    table = b.table(o.table)
    slot_addr = table.address + o.slot * table.width
    # under a backend the slot holds what its init code wrote (kernel/replay.py)
    target = o.target if o.target is not None else b.code.read_word(slot_addr) or 0
    # an asm entry point with no symbol size (5.10's native_iret): its code up to
    # the first unconditional transfer
    if target == 0:
        raise ObligationError(
            f"{op.name} is NULL under {o.backend}: the patcher writes `{o.kind}` "
            f"({_disasm(arch, o.replacement, o.site)[0]}: the kernel BUGs here) where the unpatched "
            "site would call address 0; no equivalence to prove, reported as what it is")
    fn = targets.function(target) or targets.fragment(target)
    if fn is None:
        raise ObligationError(f"slot {o.slot} ({op.name}) holds {target:#x}, which is no function "
                              "with a size in the symbol table")
    site, repl = placed(b, canon, o, md)
    # the original's own bytes where they are not the default `ff 15` call that
    # program.build lays out at any address (x86_64 `ff 14 25 abs32` before 6.x,
    # indirect jumps)
    default = o.call[:2] == b"\xff\x15" and len(o.call) == 6
    call = None if default else CodeSpec(hex=o.call.hex())
    width = arch.width
    return Obligation(
        name=op.name, arch=arch, convention=op.convention, clobbers=o.clobbers, call=call,
        returns=parse_ctype(op.returns, width), args=tuple(parse_ctype(a, width) for a in op.args),
        site_length=o.length, target=CodeSpec(hex=fn[1].hex()), replacement=CodeSpec(hex=repl.hex()),
        address=site, target_address=target, slot=slot_addr,
        regions=targets.callees(target), slots=targets.slots.get(target, ()),
        return_thunks=targets.thunks,
        indirect_thunks=targets.retpolines, unloaded=targets.code_ranges, source=b.path,
    )


# -- proving -------------------------------------------------------------------


def _is_call_to(hexcode: str, at: int, target: int | None) -> bool:
    code = bytes.fromhex(hexcode)
    if target is None or len(code) < 5 or code[0] != 0xE8 or code[5:].strip(b"\x90"):
        return False
    return (at + 5 + int.from_bytes(code[1:5], "little", signed=True)) % (1 << 64) == target \
        or (at + 5 + int.from_bytes(code[1:5], "little", signed=True)) % (1 << 32) == target


def _check_one(item: tuple[str, Obligation, Limits]) -> tuple[str, dict]:
    key, ob, limits = item
    from dataclasses import replace

    from pvverify.check import check

    # A direct call to the slot's own target runs the same function on both
    # sides: check() proves it by the same-callee method (samecallee/method.py); when
    # that gives no proof, exploration may stop at the first unmodelled
    # instruction, since whatever stops one side stops the other.
    same = _is_call_to(ob.replacement.hex or "", ob.address or 0, ob.target_address)
    try:
        if ob.extra.get("mode") == "conformance":
            from pvverify import conformance
            res = conformance.check(ob, limits)
        else:
            res = check(ob, limits=replace(limits, stop_when_stuck=same))
    except ObligationError as e:
        res = Result("unknown", f"cannot build the obligation: {e}")
    except Exception as e:  # never lose an outcome to a crash
        res = Result("unknown", f"{exits.INTERNAL_PREFIX} {type(e).__name__}: {e}")
    return key, res.to_json()


def _valid_result(res: object) -> bool:
    """A cached result has the shape `run` reads; a not-equivalent carries its counterexample."""
    return (isinstance(res, dict) and res.get("verdict") in SEVERITY
            and isinstance(res.get("reason"), str)
            and not res["reason"].startswith(exits.INTERNAL_PREFIX)
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
    return not reason.startswith(exits.INTERNAL_PREFIX) and budget.SAFETY_REASON not in reason


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
                    "unknown", f"{exits.INTERNAL_PREFIX} a prover process died ({e})").to_json()
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
        hit = cache.get("results", result_key(key, limits), _valid_result) if cache else None
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


# -- the command -----------------------------------------------------------------

SAFETY_SECONDS = 300.0  # --timeout: the wall-clock safety net per obligation (budget.py)


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
    budget.add_flags(p, SAFETY_SECONDS, budget.GATE_SOLVER_RLIMIT)
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
                        "xen-hvm, kvm, hyperv, vmware, tdx, ...); default: every backend the binary "
                        "carries")
    p.add_argument("--no-conformance", action="store_true",
                   help="do not check that every function a backend installs in a callee-save slot "
                        "keeps the convention")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="show a proving counter on stderr: auto (default) when stderr is a terminal")
    return p


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
        targets = Targets(b.code, b.arch, tuple((t.address, t.address + t.size) for t in b.tables))
        canon = canonical_site(b.code)
        canon_of[b.path] = canon
        md = decoder(b.arch)
        _account(meta, b)
        extras += backend_gate.obligations(b, targets, canon, obs, not getattr(a, "no_conformance", False),
                                           meta, SiteIssue)
        # thousands of sites share a few hundred obligations: an outcome equal to an
        # earlier one in all but its address, placed at the same site with the same
        # bytes, has the same obligation (reading.KernelView's memo, same key), so it
        # is built and hashed once
        memo: dict[tuple, tuple[str, Obligation] | str] = {}
        for o in b.outcomes:
            mk = _memo_key(o, placed(b, canon, o, md))
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
            _disasm(b.arch, o.replacement, o.site), verdict, reason, key or "",
            res.get("counterexample") if res else None,
            method=res.get("method", "exploration") if res else "exploration",
            feature_name=features.named(o.feature, feature_names.get(id(b.code), {})),
            backend=o.backend))
    # source lines only where a report shows them: every failing site for JSON,
    # SARIF and HTML, the first few of each group for the text report
    every = getattr(a, "format", "json") != "text" or bool(getattr(a, "sarif", None)) \
        or bool(getattr(a, "html", None)) or bool(getattr(a, "json_file", None))
    _annotate(rows, pending, canon_of, every, cache)
    rows += backend_gate.rows(extras, results, OutcomeResult)
    meta["obligations"] = len(obs)
    meta["seconds"] = round(time.monotonic() - t0, 2)
    return rows, meta


def _account(meta: dict, b: Binary) -> None:
    """Per binary: its figures, and every record without an outcome and every
    uncovered ops-table call as a SiteIssue."""
    r = b.records
    for s in r.skipped:
        meta["issues"].append(SiteIssue(b.path, s.site, "skipped", s.source, s.op, s.reason))
    for u in b.unpatched:
        meta["issues"].append(SiteIssue(
            b.path, u.address, "unpatched", u.section, b.op(u.table, u.slot).name,
            f"{_disasm(b.arch, u.code, u.address)[0]}: an indirect call through {u.table} slot "
            f"{u.slot} that no patch record covers stays an indirect branch at run time"))
    sources = Counter(op.source.split(";")[0] for ops in b.names.values() for op in ops.values())
    meta["binaries"].append({
        "file": b.path, "arch": b.arch.name, "version": b.version, "outcomes": len(r.outcomes),
        "skipped": len(r.skipped), "unpatched": len(b.unpatched), "not_pv_records": r.not_pv,
        "ops_tables": {t.name: b.ops_count(t) for t in b.tables},
        "ops_table": dict(sources) or {"strictest": 0},
        "patch_rule": r.rule, "templates": b.templates, "assumptions": r.assumptions,
        "backends": b.backend_slots})
    backend_gate.issues(meta, b, SiteIssue)


def run_packages(a: argparse.Namespace) -> tuple[list[OutcomeResult], dict]:
    """Every file of every --package: each vmlinux read once, modules against it,
    reading and proving on one executor, one deduplication across the matrix."""
    import tempfile

    from pvverify.gate import progress as prog
    from pvverify.gate.executor import executor_for
    from pvverify.gate.package import open_package
    from pvverify.gate.reading import Builder, read_packages

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
            build = Builder(obligation_of, canonical_site, placed, _account)
            views, reads = read_packages(packages, executor, cache, build, prog.Progress(show))
            read_s = time.monotonic() - t0
            obs = {k: ob for r in reads for k, ob in r.obligations.items()}
            limits = budget.limits_of(a)
            conf = backend_gate.package_obligations(a, packages, views, obs)
            results = prove_all(obs, max(1, a.jobs), cache, limits, show, on)
            # a file read from the cache brings keys, not obligations: their verdicts
            # come from the cache too, and a file with one that is not there is read
            # afresh and its obligations proved
            for k in {k for r in reads for k in r.keys if k and k not in results}:
                hit = cache.get("results", result_key(k, limits), _valid_result) if cache else None
                if hit is not None:
                    results[k] = hit  # type: ignore[assignment]
            again = {(r.package, r.file) for r in reads
                     if any(k and k not in results for k in r.keys)}
            if again:
                for v in views.values():
                    v.fresh = True
                _, fresh = read_packages(packages, executor, cache, build, prog.Progress(show),
                                         views, again)
                more = {k: ob for r in fresh for k, ob in r.obligations.items() if k not in results}
                results |= prove_all(more, max(1, a.jobs), cache, limits, show, on)
                index = {(r.package, r.file): r for r in fresh}
                reads = [index.get((r.package, r.file), r) for r in reads]
        finally:
            executor.close()
        rows, meta = _package_rows(reads, results)
        rows += backend_gate.package_rows(conf, results, OutcomeResult)
        # while the package's files are still unpacked: the failing sites named
        # from their own file's DWARF, their counterexamples at the real site
        every = a.format != "text" or bool(a.sarif or a.html or a.json_file)
        _name_features(rows, packages)
        _annotate_packages(rows, [o for r in reads for o in r.outcomes], packages, every, cache)
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
                _disasm(arch, o.replacement, o.site), res["verdict"] if res else "unknown",
                res["reason"] if res else f"no obligation: {problem}", key or "",
                res.get("counterexample") if res else None, place=place,
                method=res.get("method", "exploration") if res else "exploration", package=r.package,
                backend=o.backend))
    return rows, meta


def _name_features(rows: list[OutcomeResult], packages: list) -> None:
    """Each row's feature condition with the names of its package's vmlinux."""
    names: dict[str, dict[int, str]] = {}
    for row in rows:
        if not row.feature:
            continue
        if row.package not in names:
            p = next((p for p in packages if p.name == row.package), None)
            try:
                names[row.package] = features.names_of(open_image(p.vmlinux) if p else None)
            except (ElfError, OSError):
                names[row.package] = features.names_of(None)
        row.feature_name = features.named(row.feature, names[row.package])


def _annotate_packages(rows: list[OutcomeResult], outcomes: list[Outcome], packages: list,
                       every: bool, cache: Cache | None) -> None:
    """_annotate for the files of a package run that have a site not proved: each
    module opened again (headers, symbols and DWARF; relocated against its
    package's vmlinux as it was read), the vmlinux for the code the sites reach."""
    from types import SimpleNamespace

    need = {r.file for r in rows if r.verdict != "equivalent"}
    if not need:
        return
    where: dict[str, tuple] = {}
    for p in packages:
        for f in (p.vmlinux, *p.modules):
            where[f"{p.name}/{p.name_of(f)}"] = (p, f)
    vms: dict[str, tuple[Image, int]] = {}
    shims: dict[str, SimpleNamespace] = {}
    pending, chosen = [], []
    for row, o in zip(rows, outcomes, strict=True):
        if row.file not in need or row.file not in where:
            continue
        if row.file not in shims:
            p, f = where[row.file]
            try:
                if p.name not in vms:
                    vm = open_image(p.vmlinux)
                    vms[p.name] = (vm, canonical_site(vm))
                vm = vms[p.name][0]
                img = vm if f == p.vmlinux else open_image(f, externs=vm)
            except (ElfError, OSError):
                need.discard(row.file)
                continue
            shims[row.file] = SimpleNamespace(sites=img, code=vm, path=row.file,
                                              arch=X86_64 if img.bits == 64 else I386)
        pending.append((shims[row.file], o, None, None))
        chosen.append(row)
    canon_of = {name: vms[where[name][0].name][1] for name in shims}
    _annotate(chosen, pending, canon_of, every, cache)


def _annotate(rows: list[OutcomeResult], pending: list, canon_of: dict[str, int],
              every: bool = True, cache: Cache | None = None) -> None:
    """Name every site (function+offset; the source line for the ones a report
    shows) and put each counterexample at its real site with symbols. A source
    line is remembered in the cache (opening the DWARF and walking a unit's
    DIEs costs seconds on a Debian vmlinux; a warm run opens none)."""
    from pvverify.gate.annotate import place_counterexample
    from pvverify.kernel.symbolize import Symbolizer
    from pvverify.reports.gate_text import SITES_SHOWN

    seen: Counter = Counter()
    idents: dict[int, str] = {}

    syms: dict[int, tuple[Symbolizer, Symbolizer]] = {}
    for row, (b, o, _, _) in zip(rows, pending, strict=True):
        if id(b) not in syms:
            sites = Symbolizer(b.sites)
            syms[id(b)] = (sites, sites if b.code is b.sites else Symbolizer(b.code))
        sites, code = syms[id(b)]
        group = (row.file, row.verdict, row.op, row.reason)  # as the text report groups them
        seen[group] += row.verdict != "equivalent"
        shown = row.verdict != "equivalent" and (every or seen[group] <= SITES_SHOWN)
        row.place = _place(sites, o.site, cache, idents, b) if shown and cache is not None \
            else sites.place(o.site, lines=shown).to_json()
        if row.verdict != "equivalent":
            row.place["names"] = _names_in(row.reason, code, sites, canon_of[b.path], o.site, o.length)
        if row.counterexample:
            row.counterexample = place_counterexample(row.counterexample, canon_of[b.path], o.site,
                                                      o.length, sites, code, b.arch.bits)
    for sites, code in syms.values():
        sites.close()
        code.close()


def _place(sites, addr: int, cache: Cache, idents: dict[int, str], b: Binary) -> dict:
    """sites.place(addr) with its source line, as JSON, through the cache: keyed by
    the tool, the image holding the site (build ID, else its bytes' hash) and the address."""
    if id(b) not in idents:
        idents[id(b)] = sites.img.identity()
    key = {"tool": tool_id(), "image": idents[id(b)], "address": addr}
    hit = cache.get("places", key, _valid_place)
    if hit is not None:
        return hit  # type: ignore[return-value]
    place = sites.place(addr, lines=True).to_json()
    cache.put("places", key, place)
    return place


def _valid_place(d: object) -> bool:
    return isinstance(d, dict) and {"address", "function", "offset", "file", "line", "inlined",
                                    "chain"} <= set(d) <= {"address", "function", "offset", "file",
                                                           "line", "inlined", "chain", "section",
                                                           "section_offset"}


def _names_in(reason: str, code, sites, canon: int, site: int, length: int) -> dict[str, str]:
    """How a report shows each code address a reason mentions: with its symbol
    (`0x... <func+0x3>`), and an address in the canonical site as the real one."""
    out = {}
    for m in re.finditer(r"\b0x[0-9a-f]{6,16}\b", reason):
        a = int(m[0], 16)
        names = code
        if canon <= a < canon + length:
            a, names = site + (a - canon), sites
        name = names.symbol(a)
        if name or a != int(m[0], 16):
            out[m[0]] = f"{a:#x}" + (f" <{name}>" if name else "")
    return out


def _disasm(arch: Arch, code: bytes, at: int) -> list[str]:
    from pvverify.x86.decode import decoder as att_decoder

    md = att_decoder(arch, att=True)
    out = [f"{mn} {ops}".strip() for _, _, mn, ops in md.disasm_lite(code, at)]
    return out or ["(nothing: NOPs only)"]


def exit_code(rows: list[OutcomeResult], allow_unknown: bool, issues: list[SiteIssue] | None = None,
              allow_skipped: bool = False, errors: bool = False) -> int:
    """A crash is never a verdict: an outcome whose proof raised is exit 5 even with
    --allow-unknown (it would otherwise pass as `unknown`). A file not read is
    bad input (3) after the others are reported; a skipped record or an
    unpatched call fails like an unknown (2) unless --allow-skipped."""
    if any(r.reason.startswith(exits.INTERNAL_PREFIX) for r in rows):
        return exits.INTERNAL
    if errors:
        return exits.BAD_INPUT
    verdicts = {r.verdict for r in rows}
    # a slot written after the patcher ran: its sites keep calling the earlier
    # target, whatever the proofs say (a defect, like a not-equivalent outcome)
    if "not-equivalent" in verdicts or any(i.status in backend_gate.FAILING_ISSUES for i in issues or ()):
        return exits.NOT_EQUIVALENT
    if "unknown" in verdicts and not allow_unknown:
        return exits.UNKNOWN
    if issues and not allow_skipped:
        return exits.UNKNOWN
    return exits.EQUIVALENT


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
        rows, meta = run_packages(a) if a.package else run(a)
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
