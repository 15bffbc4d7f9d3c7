"""proofs/ is current with corpus/, and z3, cvc5 and bitwuzla all confirm every proof."""

from __future__ import annotations

from pathlib import Path

import pytest

from pvverify import __version__
from pvverify.obligation import load
from pvverify.proofs import SOLVERS, load_manifest, recheck

ROOT = Path(__file__).resolve().parents[1]
PROOFS = ROOT / "proofs"
REGENERATE = ".venv/bin/pvverify prove corpus --emit proofs"


def _entries():
    return load_manifest(PROOFS) if (PROOFS / "manifest.json").exists() else []


def test_proofs_are_not_stale():
    entries = {e.file: e for e in _entries()}
    corpus = sorted((ROOT / "corpus").rglob("*.toml"))
    assert corpus, "no corpus"
    for f in corpus:
        rel = str(f.relative_to(ROOT))
        assert rel in entries, f"{rel} has no proof entry; run {REGENERATE}"
        ob = load(f)
        e = entries[rel]
        assert e.key == ob.key(), f"{rel} changed since its proof; run {REGENERATE}"
        assert e.tool == __version__, f"proofs made by pvverify {e.tool}; run {REGENERATE}"
        assert e.verdict == ob.expect, f"{rel}: proof says {e.verdict}, corpus expects {ob.expect}"
    assert len(entries) == len(corpus), f"proofs for deleted obligations; run {REGENERATE}"


@pytest.mark.parametrize("solver", SOLVERS)
def test_every_solver_confirms_every_proof(solver):
    checked = 0
    for e in _entries():
        if e.smt2 is None:
            continue
        answer = recheck((PROOFS / e.smt2).read_text(), solver)
        assert answer == e.expected, f"{solver} says {answer} on {e.file} ({e.smt2}), manifest {e.expected}"
        checked += 1
    assert checked > 0
