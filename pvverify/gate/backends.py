"""What the gate adds for hypervisor backends (issue 21), kept out of gate.py:
the `--backend` selection, each vmlinux's backend findings as issues, and the
conformance and paravirt static-call rows of file and package runs.

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
    from pvverify.kernel.backends import BACKEND_ORDER, HYPER_NAMES

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


def obligations(b, targets, canon: int, obs: dict, conformance_on: bool, meta: dict | None = None,
                issue_type=None) -> list[tuple]:
    """One binary's conformance (a vmlinux's) and paravirt static-call obligations (a
    vmlinux's, or a module's read against it), into `obs`; returns (binary, item, key,
    why none) for `rows`. A static-call form not modelled is a skipped issue in `meta`."""
    from pvverify import conformance
    from pvverify.gate import static_calls

    out: list[tuple] = []
    if b.code is b.sites and conformance_on:
        for inst, key, ob, err in conformance.obligations_for(b, targets, canon):
            if ob is not None:
                obs.setdefault(key, ob)
            out.append((b, inst, key, err))
    found, skipped = static_calls.obligations_for(b, targets, canon)
    for site, key, ob, err in found:
        if ob is not None:
            obs.setdefault(key, ob)
        out.append((b, site, key, err))
    if meta is not None and issue_type is not None:
        meta["issues"] += [issue_type(b.path, at, "skipped", static_calls.SOURCE, f"static_call {k}", why)
                           for at, k, why in skipped]
    return out


def rows(entries: list[tuple], results: dict, row_type, name=lambda b: b.path, package=lambda b: ""
         ) -> list:
    """The rows of `obligations`' entries, with their verdicts."""
    from pvverify import conformance
    from pvverify.gate import static_calls

    out = []
    for b, item, key, err in entries:
        res = results.get(key) if key else None
        if isinstance(item, static_calls.Site):
            out.append(static_calls.row(row_type, name(b), item, key, res, err, b.code, b.arch,
                                        package=package(b)))
        else:
            out.append(conformance.row(row_type, name(b), item, key, res, err, b.code,
                                       package=package(b)))
    return out


def package_obligations(a: argparse.Namespace, packages, views, obs: dict) -> list[tuple]:
    """Each package's vmlinux: its `obligations`, each entry tagged with the package
    and the vmlinux's name in it."""
    out = []
    for p in packages:
        view = views[p.name]
        b = view.binary
        for e in obligations(b, view.targets, view.canon, obs, not getattr(a, "no_conformance", False)):
            out.append((p.name, p.name_of(p.vmlinux), *e))
    return out


def package_rows(entries: list[tuple], results: dict, row_type) -> list:
    out = []
    for pkg, name, *e in entries:
        out += rows([tuple(e)], results, row_type, lambda b, pkg=pkg, name=name: f"{pkg}/{name}",
                    lambda b, pkg=pkg: pkg)
    return out
