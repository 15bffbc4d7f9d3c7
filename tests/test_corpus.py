"""Every corpus obligation gets its expected verdict; every not-equivalent replays on unicorn."""

from __future__ import annotations

from pathlib import Path

import pytest

from pvverify.check import check
from pvverify.obligation import load

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = sorted(CORPUS.rglob("*.toml"))


def test_corpus_is_not_empty():
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(CORPUS)) for f in FILES])
def test_corpus_verdict(path: Path):
    ob = load(path)
    assert ob.expect is not None, f"{path} has no expect"
    if path.parent.name in ("equivalent", "not-equivalent", "unknown"):
        assert path.parent.name == ob.expect, "file is filed under the wrong verdict"
    res = check(ob)
    assert res.verdict == ob.expect, f"{res.verdict}: {res.reason}"
    if res.verdict == "not-equivalent" and res.counterexample and res.counterexample.state:
        assert res.counterexample.replayed
