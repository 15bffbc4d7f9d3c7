"""The gate's rows: one outcome with its verdict (`OutcomeResult`), a record that
became no outcome or an uncovered call (`SiteIssue`), a binary's figures, and the
exit policy over rows. Every report reads these; nothing here renders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pvverify.gate import backends as backend_gate
from pvverify.kernel.binary import Binary
from pvverify.verdict import INTERNAL_PREFIX, Exit
from pvverify.x86.decode import disasm

# how many sites of one failing group a text report names (and gives source lines)
SITES_SHOWN = 3


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
    cause: str = ""              # verdict.Cause of the result ("": classed from the reason)
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


def account(meta: dict, b: Binary) -> None:
    """Per binary: its figures, and every record without an outcome and every
    uncovered ops-table call as a SiteIssue."""
    r = b.records
    for s in r.skipped:
        meta["issues"].append(SiteIssue(b.path, s.site, "skipped", s.source, s.op, s.reason))
    for u in b.unpatched:
        meta["issues"].append(SiteIssue(
            b.path, u.address, "unpatched", u.section, b.op(u.table, u.slot).name,
            f"{disasm(b.arch, u.code, u.address)[0]}: an indirect call through {u.table} slot "
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


def exit_code(rows: list[OutcomeResult], allow_unknown: bool, issues: list[SiteIssue] | None = None,
              allow_skipped: bool = False, errors: bool = False) -> int:
    """A crash is never a verdict: an outcome whose proof raised is exit 5 even with
    --allow-unknown (it would otherwise pass as `unknown`). A file not read is
    bad input (3) after the others are reported; a skipped record or an
    unpatched call fails like an unknown (2) unless --allow-skipped."""
    if any(r.reason.startswith(INTERNAL_PREFIX) for r in rows):
        return Exit.INTERNAL
    if errors:
        return Exit.BAD_INPUT
    verdicts = {r.verdict for r in rows}
    # a slot written after the patcher ran: its sites keep calling the earlier
    # target, whatever the proofs say (a defect, like a not-equivalent outcome)
    if "not-equivalent" in verdicts or any(i.status in backend_gate.FAILING_ISSUES for i in issues or ()):
        return Exit.NOT_EQUIVALENT
    if "unknown" in verdicts and not allow_unknown:
        return Exit.UNKNOWN
    if issues and not allow_skipped:
        return Exit.UNKNOWN
    return Exit.EQUIVALENT
