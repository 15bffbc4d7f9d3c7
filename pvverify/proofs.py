"""Proof artefacts: each obligation's query as SMT-LIB2, re-checked by other solvers.

A proof only z3 has seen is one solver's word. `emit` writes, per obligation,
the query that is satisfiable exactly when some input state makes some
observable differ (the disjunction over path pairs of the pair's query in
`exploration.query`), and a manifest entry with the obligation's key, its verdict,
the answer every solver must give (`unsat` for equivalent, `sat` for
not-equivalent) and the versions that produced it. `recheck` runs one file
through z3, cvc5 or bitwuzla.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import z3

from pvverify.check import analyse, check
from pvverify.exploration.explorer import Limits, PathBound
from pvverify.exploration.query import any_of, query
from pvverify.obligation import Obligation
from pvverify.program import build
from pvverify.util.version import __version__

SOLVERS = ("z3", "cvc5", "bitwuzla")
MANIFEST = "manifest.json"


@dataclass
class Entry:
    file: str          # the obligation, relative to the corpus root
    key: str           # Obligation.key(): content hash
    verdict: str
    expected: str | None   # "unsat" | "sat" | None when there is no proof (unknown)
    smt2: str | None   # file name inside the proofs directory
    tool: str
    z3: str


def smt2_of(ob: Obligation, limits: Limits | None = None) -> str | None:
    """The obligation's query in SMT-LIB2, or None when it cannot be stated
    (exploration stopped: an `unknown` verdict has no proof to re-check)."""
    pair = build(ob)
    if len(pair.replacement_bytes) > ob.site_length:
        formula = z3.BoolVal(True)  # the site overflows: differs whatever the state
        return _smt2([formula])
    try:
        an = analyse(ob, pair, limits or Limits())
    except PathBound:
        return None
    if any(p.stuck for p in (*an.originals, *an.replacements)):
        return None
    disjuncts = []
    for o in an.originals:
        for r in an.replacements:
            obs = an.observables(o, r)
            if obs:
                disjuncts.append(z3.And(query([*an.assumptions, *an.pair_assumptions(o, r)], o, r, obs)))
    return _smt2([any_of(disjuncts)])


def _smt2(formulas: list[z3.BoolRef]) -> str:
    s = z3.Solver()
    s.add(*formulas)
    body = s.to_smt2().replace("(set-info :status unknown)\n", "")
    return "(set-logic ALL)\n" + body


def emit(obligations: list[tuple[str, Obligation]], outdir: Path) -> list[Entry]:
    """Write one .smt2 per decidable obligation and the manifest; returns the entries."""
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("*.smt2"):
        old.unlink()
    entries = []
    for rel, ob in obligations:
        res = check(ob)
        text = smt2_of(ob) if res.verdict != "unknown" else None
        name = None
        expected = None
        if text is not None:
            name = f"{ob.key()[:20]}.smt2"
            (outdir / name).write_text(f"; {rel}: {res.verdict}\n" + text)
            expected = "unsat" if res.verdict == "equivalent" else "sat"
        entries.append(Entry(rel, ob.key(), res.verdict, expected, name, __version__,
                             z3.get_version_string()))
    (outdir / MANIFEST).write_text(json.dumps([e.__dict__ for e in entries], indent=1) + "\n")
    return entries


def load_manifest(outdir: Path) -> list[Entry]:
    return [Entry(**d) for d in json.loads((outdir / MANIFEST).read_text())]


def recheck(text: str, solver: str) -> str:
    """`sat`, `unsat` or `unknown`: the answer of `solver` on an SMT-LIB2 text."""
    if solver == "z3":
        s = z3.Solver()
        s.from_string(text)
        return str(s.check())
    if solver == "cvc5":
        import cvc5

        tm = cvc5.TermManager()
        slv = cvc5.Solver(tm)
        sm = cvc5.SymbolManager(tm)
        parser = cvc5.InputParser(slv, sm)
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "proof")
        answer = "unknown"
        while True:
            cmd = parser.nextCommand()
            if cmd.isNull():
                break
            out = cmd.invoke(slv, sm).strip()
            if out:
                answer = out
        return answer
    if solver == "bitwuzla":
        import bitwuzla

        tm = bitwuzla.TermManager()
        parser = bitwuzla.Parser(tm, bitwuzla.Options())
        parser.parse(text, True, False)  # parse only; the check is ours
        return str(parser.bitwuzla().check_sat()).lower()
    raise ValueError(f"unknown solver {solver!r}")
