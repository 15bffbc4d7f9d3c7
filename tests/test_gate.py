"""`pvverify gate` on kernels the tests assemble: both arches, both record layouts,
broken replacements it must catch and malformed input it must refuse."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from kernel_fixture import Alt, assemble_to, build

from pvverify.cli.gate import main

GOOD_64 = [Alt("s_save", "pushfq\npopq %rax"), Alt("s_cli", "cli"), Alt("s_sti", "sti"),
           Alt("s_cr2", "movq %cr2, %rax")]
GOOD_32 = [Alt("s_save", "pushfl\npopl %eax"), Alt("s_cli", "cli"), Alt("s_sti", "sti"),
           Alt("s_cr2", "movl %cr2, %eax")]


def gate(capsys, *args: str) -> tuple[int, dict]:
    code = main([*map(str, args), "--no-cache", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr().out
    doc = json.loads(out) if out.strip() else {}
    if "results" in doc:  # the installed functions' conformance rows: tests/test_backends.py
        doc["conformance"] = [r for r in doc["results"] if r["kind"] == "conformance"]
        doc["results"] = [r for r in doc["results"] if r["kind"] != "conformance"]
    return code, doc


def by_site(doc: dict) -> dict[tuple[str, str], str]:
    return {(r["op"], r["source"]): r["verdict"] for r in doc["results"]}


@pytest.mark.parametrize(("bits", "good"), [(64, GOOD_64), (32, GOOD_32)])
def test_native_kernel_61_passes(tmp_path, capsys, bits, good):
    k = build(tmp_path, bits, "6.1", good)
    code, doc = gate(capsys, k)
    verdicts = [r["verdict"] for r in doc["results"]]
    # 6 .parainstructions sites (5 calls, one of them nested in native_read_cr2, 1 nop)
    # + 4 alternatives
    assert len(verdicts) == 10, doc["results"]
    assert set(verdicts) == {"equivalent"}, [(r["op"], r["reason"]) for r in doc["results"]]
    assert code == 0
    kinds = sorted(r["kind"] for r in doc["results"])
    assert kinds == ["call"] * 5 + ["inline"] * 4 + ["nop"]
    assert doc["obligations"] <= 10 + len(doc["conformance"])
    assert {r["verdict"] for r in doc["conformance"]} == {"equivalent"}
    assert doc["totals"]["skipped"] == 0 and doc["totals"]["unpatched"] == 0


@pytest.mark.parametrize(("bits", "broken", "why"), [
    (64, "pushfq\npopq %rcx", "rax"),          # save_fl returning in the wrong register
    (64, "sti", "if"),                          # irq_disable replaced by its opposite
    (32, "pushfl\npopl %edx", "eax"),
])
def test_broken_replacement_is_caught(tmp_path, capsys, bits, broken, why):
    alts = [Alt("s_save" if "pop" in broken else "s_cli", broken)]
    k = build(tmp_path, bits, "6.1", alts)
    code, doc = gate(capsys, k)
    bad = [r for r in doc["results"] if r["verdict"] == "not-equivalent"]
    assert code == 1
    assert len(bad) == 1 and bad[0]["source"] == ".altinstructions"
    assert why in json.dumps(bad[0]["counterexample"]).lower()


def test_612_layout_inverted_and_direct_call(tmp_path, capsys):
    alts = [Alt("s_save", "pushfq\npopq %rax", flags=1),   # ALT_FLAG_NOT
            Alt("s_cli", "ud2", flags=2),                   # ALT_FLAG_DIRECT_CALL: bytes ignored
            Alt("s_sti", "cli", flags=1)]                    # wrong: enable -> cli
    k = build(tmp_path, 64, "6.12", alts, para=False)
    code, doc = gate(capsys, k)
    rows = {r["address"]: r for r in doc["results"]}
    assert len(rows) == 4  # the three, and the nested call in native_read_cr2
    kinds = sorted(r["kind"] for r in doc["results"])
    assert kinds == ["direct-call", "direct-call", "inline", "inline"]
    assert [r["verdict"] for r in doc["results"] if r["kind"] == "direct-call"] == ["equivalent"] * 2
    assert sorted(r["verdict"] for r in doc["results"]) == ["equivalent"] * 3 + ["not-equivalent"]
    # no DWARF: the built-in Debian 6.12 table, and the report says so
    assert all(r["op_source"] == "builtin 6.12" for r in doc["results"])
    assert code == 1


def test_byte_changed_in_a_copy_is_caught(tmp_path, capsys):
    k = build(tmp_path, 64, "6.1", GOOD_64)
    assert gate(capsys, k)[0] == 0
    data = bytearray(k.read_bytes())
    i = data.find(bytes.fromhex("0f20d0"))  # mov %cr2,%rax in .altinstr_replacement (and the native fn)
    j = data.find(bytes.fromhex("0f20d0"), i + 1)
    data[j + 2] = 0xD1  # mov %cr2,%rcx
    bad = tmp_path / "vmlinux.bad"
    bad.write_bytes(data)
    code, doc = gate(capsys, bad)
    assert code == 1
    assert [r["op"] for r in doc["results"] if r["verdict"] == "not-equivalent"] == ["mmu.read_cr2"]


def test_reports_sarif_and_junit(tmp_path, capsys):
    k = build(tmp_path, 64, "6.1", [Alt("s_cli", "sti")])
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    code, _ = gate(capsys, k, "--sarif", sarif, "--junit", junit)
    assert code == 1
    s = json.loads(sarif.read_text())
    assert s["version"] == "2.1.0"
    res = s["runs"][0]["results"]
    assert [r["ruleId"] for r in res] == ["pvverify/not-equivalent"]
    assert res[0]["locations"][0]["physicalLocation"]["address"]["absoluteAddress"] > 0
    suite = ET.parse(junit).getroot()
    # 7 outcomes, and the 4 installed callee-save functions' conformance
    assert suite.get("failures") == "1" and int(suite.get("tests")) == 7 + 4


def test_cache_answers_the_second_run(tmp_path, capsys):
    k = build(tmp_path, 64, "6.1", GOOD_64)
    cache = tmp_path / "cache"
    for _ in range(2):
        code = main([str(k), "--cache", str(cache), "--format", "json", "--jobs", "2"])
        doc = json.loads(capsys.readouterr().out)
        outcomes = [r for r in doc["results"] if r["kind"] != "conformance"]
        assert code == 0 and len(outcomes) == 10
    assert list((cache / "results").rglob("*.json"))


@pytest.mark.parametrize("damage", ["not-elf", "truncated", "alt-size", "unknown-series"])
def test_bad_input_is_refused(tmp_path, capsys, damage):
    if damage == "unknown-series":
        k = build(tmp_path, 64, "5.4", GOOD_64)
    else:
        k = build(tmp_path, 64, "6.1", GOOD_64)
    data = k.read_bytes()
    if damage == "not-elf":
        k.write_bytes(b"hello")
    elif damage == "truncated":
        k.write_bytes(data[: len(data) // 2])
    elif damage == "alt-size":
        src = (tmp_path / "vmlinux.s").read_text().replace(".section .altinstructions,\"a\"",
                                                             ".section .altinstructions,\"a\"\n .byte 0")
        obj = assemble_to(src, tmp_path / "vmlinux.s", tmp_path / "vmlinux.o")
        subprocess.run(["ld", "-m", "elf_x86_64", "-static", "-nostdlib", "-Ttext=0xffffffff81000000",
                        "-o", k, obj], check=True)
    code = main([str(k), "--no-cache", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 3, err
    assert str(k) in err


def test_relocatable_object_and_module(tmp_path, capsys):
    """A .o's records are relocations until laid out; --vmlinux supplies pv_ops."""
    k = build(tmp_path, 64, "6.1", GOOD_64)
    obj = tmp_path / "vmlinux.o"
    code, doc = gate(capsys, obj)
    assert code == 0 and len(doc["results"]) == 10
    assert Path(k).exists()


def test_code_beyond_the_callee_bound_is_unknown(tmp_path, capsys, monkeypatch):
    """native_irq_disable tail-jumps to another function: followed, it proves;
    beyond the callee bound, exploration's path continues into code that was not
    loaded, which is unknown (not a departure whose stacked return address
    differs); the same-callee method proves the direct call there only under its
    stated tail-call assumption, and the inline outcome stays unknown."""
    import pvverify.kernel.closure as g

    k = build(tmp_path, 64, "6.1", GOOD_64)
    _, doc = gate(capsys, k)
    assert {r["verdict"] for r in doc["results"] if r["op"] == "irq.irq_disable"} == {"equivalent"}
    monkeypatch.setattr(g, "MAX_CALLEES", 0)
    _, doc = gate(capsys, k)
    para = [r for r in doc["results"] if r["op"] == "irq.irq_disable" and r["kind"] == "call"]
    assert para and all(r["verdict"] == "equivalent" and r["method"] == "same-callee"
                        for r in para), para
    inline = [r for r in doc["results"] if r["op"] == "irq.irq_disable" and r["kind"] == "inline"]
    assert inline and all(r["verdict"] == "unknown" and "not loaded" in r["reason"] for r in inline), inline


@pytest.mark.parametrize("bits", [64, 32])
def test_module_against_its_vmlinux(tmp_path, capsys, bits):
    """A module's sites call through the vmlinux's pv_ops: --vmlinux gives the
    table, its targets and their code; a wrong alternative in the module is caught."""
    from kernel_fixture import build_module

    k = build(tmp_path, bits, "6.1", [])
    ax = "%rax" if bits == 64 else "%eax"
    good = build_module(tmp_path, bits, [Alt("m_save", f"pushf\npop {ax}"), Alt("m_cli", "cli")])
    code, doc = gate(capsys, good, "--vmlinux", k)
    kinds = sorted(r["kind"] for r in doc["results"])
    assert kinds == ["call", "call", "inline", "inline", "nop"], doc["results"]
    assert {r["verdict"] for r in doc["results"]} == {"equivalent"}, doc["results"]
    assert code == 0
    bad = build_module(tmp_path, bits, [Alt("m_cli", "sti")], name="bad")
    code, doc = gate(capsys, bad, "--vmlinux", k)
    assert [r["verdict"] for r in doc["results"] if r["kind"] == "inline"] == ["not-equivalent"]
    assert code == 1
    code, _ = gate(capsys, good)  # no --vmlinux: no pv_ops to check against
    assert code == 3


@pytest.mark.parametrize("series", ["6.1", "6.12"])
def test_null_slot_names_what_the_patcher_writes(tmp_path, capsys, series):
    """An empty slot: 5.13-6.7 paravirt_patch writes `ud2` (arch/x86/kernel/paravirt.c);
    6.8+ alt_replace_call (arch/x86/kernel/alternative.c, 6.12) a direct call to
    BUG_func. The row says which, and what the kind is, as the bytes are."""
    null_slot = 40  # no native function in the fixture's pv_ops: 0
    extra = (f"s_null: call *pv_ops+{null_slot * 8}(%rip)\n .byte 0x90, 0x90\n"
             ".globl BUG_func\n.type BUG_func,@function\nBUG_func: ud2\n.size BUG_func, 2")
    alts = GOOD_64 if series == "6.1" else [Alt("s_null", "nop", flags=2)]
    k = build(tmp_path, 64, series, alts, extra=extra, cover=True)
    if series == "6.1":  # a .parainstructions record for the site, as PVOP calls have
        src = (tmp_path / "vmlinux.s").read_text().replace(
            ".section .parainstructions,\"a\"",
            f".section .parainstructions,\"a\"\n .quad s_null\n .byte {null_slot}, 8\n .skip 6", 1)
        obj = assemble_to(src, tmp_path / "vmlinux.s", tmp_path / "vmlinux.o")
        subprocess.run(["ld", "-m", "elf_x86_64", "-static", "-nostdlib", "-Ttext=0xffffffff81000000",
                        "-o", k, obj], check=True)
    code, doc = gate(capsys, k)
    null = [r for r in doc["results"] if r["hex"][:2] in ("0f", "e8") and "NULL" in r["reason"]]
    assert len(null) == 1, [(r["op"], r["hex"], r["reason"]) for r in doc["results"]]
    row = null[0]
    assert row["verdict"] == "unknown" and code == 2
    if series == "6.1":
        assert row["kind"] == "ud2" and row["hex"].startswith("0f0b")
        assert "the patcher writes `ud2` (the kernel BUGs here)" in row["reason"]
    else:
        assert row["kind"] == "bug-call" and row["hex"].startswith("e8")
        assert "the patcher writes `callq 0x" in row["reason"]
        assert "a call to BUG_func, which BUGs" in row["reason"] and "`ud2`" not in row["reason"]
