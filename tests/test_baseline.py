"""`pvverify gate --baseline` / `--write-baseline` (issue 22): accepting known findings
one by one. An outcome in the baseline does not fail the gate, a new one does, an
entry that no longer occurs is reported as fixed; SARIF carries baselineState."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from kernel_fixture import Alt, build

from pvverify.cli import main as cli
from pvverify.gate.rows import OutcomeResult
from pvverify.reports import baseline


def gate(*args) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.run(["gate", *map(str, args), "--jobs", "1"])
    assert "Traceback" not in err.getvalue()
    text = out.getvalue()
    return code, (json.loads(text) if text.lstrip().startswith("{") else {"text": text}), err.getvalue()


@pytest.fixture(scope="module")
def kernels(tmp_path_factory) -> dict[str, Path]:
    """One unsafe site (known), the same and one more (worse), and none (fixed)."""
    good = Alt("s_save", "pushfq\npopq %rax")
    alts = {"known": [good, Alt("s_cli", "sti")],
            "worse": [good, Alt("s_cli", "sti"), Alt("s_sti", "cli")],
            "fixed": [good, Alt("s_cli", "cli")]}
    return {name: build(tmp_path_factory.mktemp(name), 64, "6.1", a) for name, a in alts.items()}


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def test_a_baseline_accepts_known_outcomes_and_nothing_else(kernels, cache, tmp_path):
    bl = tmp_path / "accepted.json"
    code, doc, _ = gate(kernels["known"], "--cache", cache, "--format", "json")
    assert code == 1
    # writing the baseline accepts what is there now
    code, doc, _ = gate(kernels["known"], "--cache", cache, "--format", "json", "--write-baseline", bl)
    assert code == 0 and doc["baseline"]["unchanged"] == 1 and doc["baseline"]["new"] == 0
    entries = json.loads(bl.read_text())["fingerprints"]
    assert [(e["file"], e["op"], e["verdict"], e["cause"], e["count"]) for e in entries] == [
        ("vmlinux", "irq.irq_disable", "not-equivalent", "pvverify/not-equivalent", 1)]
    assert not any("0x" in str(v) for e in entries for v in e.values())  # no addresses
    code, doc, _ = gate(kernels["known"], "--cache", cache, "--format", "json", "--baseline", bl)
    assert code == 0
    [bad] = [r for r in doc["results"] if r["verdict"] == "not-equivalent"]
    assert bad["baselineState"] == "unchanged"
    # a site newly broken in the next build fails the gate, the accepted one still passes
    code, doc, _ = gate(kernels["worse"], "--cache", cache, "--format", "json", "--baseline", bl)
    assert code == 1
    states = {r["op"]: r.get("baselineState") for r in doc["results"] if r["verdict"] != "equivalent"}
    assert states == {"irq.irq_disable": "unchanged", "irq.irq_enable": "new"}
    # the accepted outcome no longer occurs: reported as fixed, in every report
    sarif = tmp_path / "r.sarif"
    code, doc, _ = gate(kernels["fixed"], "--cache", cache, "--baseline", bl, "--sarif", sarif)
    assert code == 0
    assert "1 no longer occur (fixed)" in doc["text"]
    assert "fixed: not-equivalent irq.irq_disable" in doc["text"]
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [r["baselineState"] for r in results] == ["absent"]


def test_sarif_marks_new_and_unchanged(kernels, cache, tmp_path):
    bl = tmp_path / "accepted.json"
    gate(kernels["known"], "--cache", cache, "--format", "json", "--write-baseline", bl)
    sarif = tmp_path / "r.sarif"
    code, _, _ = gate(kernels["worse"], "--cache", cache, "--baseline", bl, "--sarif", sarif)
    assert code == 1
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert sorted(r["baselineState"] for r in results) == ["new", "unchanged"]


def test_allow_unknown_is_not_needed_and_does_not_accept_unsafe(kernels, cache):
    code, _, _ = gate(kernels["known"], "--cache", cache, "--allow-unknown")
    assert code == 1  # blunt for unknowns, and nothing more


@pytest.mark.parametrize("content", ["not json", "[]", '{"pvverify_baseline": 2, "fingerprints": []}',
                                     '{"pvverify_baseline": 1, "fingerprints": [{"file": 1}]}'])
def test_a_bad_baseline_is_bad_input(kernels, tmp_path, content):
    bl = tmp_path / "bl.json"
    bl.write_text(content)
    code, _, err = gate(kernels["known"], "--no-cache", "--baseline", bl)
    assert code == 3 and str(bl) in err
    code, _, err = gate(kernels["known"], "--no-cache", "--baseline", tmp_path / "missing.json")
    assert code == 3


def test_fingerprints_survive_a_rebuild():
    """No address: the site moving in its function, or the image moving, or a module
    changing compression or release directory keeps the fingerprint."""
    row = OutcomeResult("linux-image-7.3.4+deb13-amd64-dbg/usr/lib/debug/lib/modules/7.3.4+deb13-amd64/"
                        "kernel/arch/x86/kvm/kvm.ko.xz", 0xffffffffc0001234, "altinstructions",
                        "mmu.flush_tlb_multi", "", "call", "", "", [], "unknown",
                        "exploration bound: more than 20000 instructions", "k1",
                        place={"function": "kvm_flush", "offset": 0x34})
    moved = replace(row, file="linux-image-7.3.5+deb13-amd64-dbg/usr/lib/debug/lib/modules/"
                    "7.3.5+deb13-amd64/kernel/arch/x86/kvm/kvm.ko.zst", address=0xffffffffc0009999,
                    key="k2", place={"function": "kvm_flush", "offset": 0x80})
    assert baseline.fingerprint(row) == baseline.fingerprint(moved)
    assert baseline.fingerprint(row)[0] == "kernel/arch/x86/kvm/kvm.ko"
    assert baseline.file_id("pkg/usr/lib/debug/boot/vmlinux-7.3.4+deb13-amd64") == "vmlinux"
    # another kind of cause is another finding
    other = replace(row, reason="`rdpkru` has no modelled semantics")
    assert baseline.fingerprint(other) != baseline.fingerprint(row)
    # the wall-clock safety net and crashes are never accepted
    assert baseline.fingerprint(replace(row, reason="wall-clock safety limit: ...")) is None
    assert baseline.fingerprint(replace(row, reason="internal error: KeyError")) is None
