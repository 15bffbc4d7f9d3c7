"""What the gate adds for hypervisor backends (issue 21): the `--backend`
selection, each vmlinux's backend findings as issues, and the conformance and
paravirt static-call obligations of every file read (gate/reading.py builds
them beside the file's outcomes) and their rows.

kernel/backends.py recovers the writes, kernel/replay.py replays the patcher
per backend, conformance.py and gate/static_calls.py build the obligations;
here they become the gate's issues and rows.
"""

from __future__ import annotations

import argparse

FAILING_ISSUES = ("late-assignment",)  # fail like a not-equivalent outcome (exit 1)


def select(p: argparse.ArgumentParser, a: argparse.Namespace) -> None:
    """`--backend a,b`: checked names into replay.SELECTED (None: every backend)."""
    from pvverify.kernel import replay
    from pvverify.kernel.backend_roots import HYPER_NAMES
    from pvverify.kernel.backends import BACKEND_ORDER

    replay.SELECTED = tuple(x.strip() for x in a.backend.split(",") if x.strip()) if a.backend else None
    if a.backend and not replay.SELECTED:
        p.error("--backend: give at least one backend name")
    known = {*BACKEND_ORDER, *HYPER_NAMES.values(), "runtime"}
    bad = [x for x in replay.SELECTED or () if x not in known]
    if bad:
        p.error(f"--backend: unknown backend(s) {', '.join(bad)} (known: {', '.join(sorted(known))})")


def issues(meta: dict, b, issue_type) -> None:
    """A vmlinux's slot writes the gate cannot use: late (after the patcher ran),
    unattributed (no backend's init path reaches them) or unresolved (value not
    computed). Reported as issues, never dropped (modules inherit their vmlinux's:
    reported once, with it)."""
    f = b.backends
    if f is None or b.code is not b.sites:
        return
    from pvverify.kernel.backends import describe

    def op(w) -> str:
        return b.op(w.table, w.slot).name if any(t.name == w.table for t in b.tables) \
            else f"static_call {w.table}"

    for w, root in f.late:
        meta["issues"].append(issue_type(
            b.path, w.at, "late-assignment", w.function, op(w),
            f"{w.function} writes {describe(b.code, w.value)} into {op(w)} after the patcher ran "
            f"(reached from {root}): the sites keep calling the earlier target"))
    for w in f.unattributed:
        meta["issues"].append(issue_type(
            b.path, w.at, "unattributed-write", w.function, op(w),
            f"{w.function} writes {describe(b.code, w.value)} into {op(w)}, and no backend's init "
            "path (nor bare metal's before the patch point) reaches it"))
    for w, owners in f.unresolved:
        meta["issues"].append(issue_type(
            b.path, w.at, "unresolved-write", w.function, op(w) if w.table != "?" else "?",
            f"{w.how[len('unresolved: '):]} (backends: {owners or 'none'})"))


def obligations(b, targets, canon: int, conformance_on: bool) -> tuple[list[tuple], list[list]]:
    """One binary's conformance (a vmlinux's) and paravirt static-call obligations (a
    vmlinux's, or a module's read against it): (item, key, obligation, why none) for
    each, and the static-call forms not modelled as skipped issues (SiteIssue fields
    but the file)."""
    from pvverify import conformance
    from pvverify.gate import static_calls

    out: list[tuple] = []
    if b.code is b.sites and conformance_on:
        out += conformance.obligations_for(b, targets, canon)
    found, skipped = static_calls.obligations_for(b, targets, canon)
    out += found
    return out, [[at, "skipped", static_calls.SOURCE, f"static_call {k}", why] for at, k, why in skipped]


def rows(entries: list[tuple], results: dict, row_type) -> list:
    """The rows of `obligations`' entries with their verdicts: each entry (file as
    rows name it, package, the image its code is in, arch, item, key, why none)."""
    from pvverify import conformance
    from pvverify.gate import static_calls

    out = []
    for name, package, code, arch, item, key, err in entries:
        res = results.get(key) if key else None
        if isinstance(item, static_calls.Site):
            out.append(static_calls.row(row_type, name, item, key, res, err, code, arch, package=package))
        else:
            out.append(conformance.row(row_type, name, item, key, res, err, code, package=package))
    return out


def item_json(item) -> dict:
    """An entry's item as plain values, for the read cache."""
    from dataclasses import asdict

    from pvverify.gate import static_calls

    d = {k: v.hex() if isinstance(v, bytes) else v for k, v in asdict(item).items()}
    return {"type": "static_call" if isinstance(item, static_calls.Site) else "conformance", **d}


def item_of(d: dict):
    """item_json's inverse; raises TypeError or ValueError on anything else."""
    from pvverify import conformance
    from pvverify.gate import static_calls

    d = dict(d)
    kind = d.pop("type", None)
    d["backends"] = tuple(d.get("backends", ()))
    if kind == "static_call":
        return static_calls.Site(**{**d, "replacement": bytes.fromhex(d.get("replacement", ""))})
    if kind == "conformance":
        return conformance.Installed(**d)
    raise ValueError(f"no backend item of type {kind!r}")
