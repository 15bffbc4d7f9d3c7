"""`pvverify gate --html`: the page rendered by a real headless Chromium (Debian's
`chromium`, installed by scripts/install-browser), read back from the browser's DOM.

Without a browser the test is skipped, except under scripts/test
(PVVERIFY_REQUIRE_BROWSER=1), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from kernel_fixture import Alt, build

from pvverify.cli.gate import main as gate_main

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
if BROWSER is None and os.environ.get("PVVERIFY_REQUIRE_BROWSER") == "1":
    pytest.fail("chromium is not installed (scripts/install-browser)", pytrace=False)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium (scripts/install-browser)")


def render(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp / 'profile'}", *extra, page.absolute().as_uri()],
        capture_output=True, text=True, timeout=120, check=True)


class Page(HTMLParser):
    """The text the page shows, by element: totals, by-op rows, site blocks, listing cells."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict] = []
        self.totals = ""
        self.ops: dict[str, list[str]] = {}
        self.sites: list[dict] = []
        self.cells: list[str] = []
        self.text = ""
        self._row: list[str] | None = None
        self._op: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append({"tag": tag, **a})
        if tag == "tr" and "data-op" in a:
            self._op, self._row = a["data-op"], []
        if tag == "div" and "site" in (a.get("class") or ""):
            self.sites.append({"verdict": a.get("data-verdict"), "text": ""})
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        while self.stack:
            top = self.stack.pop()
            if top["tag"] == tag:
                break
        if tag == "td" and self._cell is not None:
            cell = "".join(self._cell)
            if self._row is not None:
                self._row.append(cell)
            if any(e.get("class") == "listing" for e in self.stack):
                self.cells.append(cell)
            self._cell = None
        if tag == "tr" and self._op is not None:
            self.ops[self._op] = self._row or []
            self._op = self._row = None

    def handle_data(self, data):
        self.text += data
        if any(e.get("id") == "totals" for e in self.stack):
            self.totals += data
        if self._cell is not None:
            self._cell.append(data)
        if self.sites and any(e["tag"] == "div" and "site" in (e.get("class") or "") for e in self.stack):
            self.sites[-1]["text"] += data


def test_html_report_renders_in_chromium(tmp_path):
    k = build(tmp_path, 64, "6.1", [Alt("s_save", "pushfq\npopq %rax"), Alt("s_cli", "sti"),
                                     Alt("s_sti", "rdpmc")])
    page = tmp_path / "report.html"
    with contextlib.redirect_stdout(io.StringIO()):
        # (--no-conformance: the page's per-op counts here are the outcomes')
        code = gate_main([str(k), "--no-cache", "--jobs", "1", "--html", str(page), "--no-conformance"])
    assert code == 1
    raw = page.read_text()
    # self-contained: no scripts, no stylesheets or images fetched from anywhere
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|https?://", raw, re.I)

    dom = render(page, tmp_path, "--dump-dom").stdout
    assert dom.lstrip().lower().startswith("<!doctype html>") or "<html" in dom[:200]
    p = Page()
    p.feed(dom)
    totals = " ".join(p.totals.split())
    n = int(re.search(r"; (\d+) outcomes", totals)[1])
    assert n >= 8 and totals.startswith(f"{n - 2} equivalent, 1 not-equivalent, 1 unknown; {n} outcomes")
    # verdicts by op: equivalent | not-equivalent | unknown
    assert p.ops["irq.irq_disable"] == ["irq.irq_disable", "1", "1", "0"]
    assert p.ops["irq.irq_enable"] == ["irq.irq_enable", "1", "0", "1"]
    assert p.ops["irq.save_fl"][3] == "0" and p.ops["irq.save_fl"][2] == "0"
    # one block per failing or unknown site, the unsafe one first, with its counterexample
    assert [s["verdict"] for s in p.sites] == ["not-equivalent", "unknown"]
    bad, unknown = (" ".join(s["text"].split()) for s in p.sites)
    assert "irq.irq_disable at s_cli+0x0" in bad
    assert "Why it matters: IF is the interrupt flag" in bad
    assert "the original leaves IF = 0x0, the replacement IF = 0x1" in bad
    assert "rdpmc" in unknown and "has no modelled semantics" in unknown
    listing = [" ".join(c.split()) for c in p.cells]
    assert any(re.search(r"<s_cli>: callq \*0x[0-9a-f]+\(%rip\) # 0x[0-9a-f]+ <pv_ops\+0xf8>", c)
               for c in listing), listing
    assert any(c.endswith("<s_cli>: sti") for c in listing), listing

    # and the browser draws it: a screenshot of the page is written
    shot = tmp_path / "shot.png"
    render(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,900")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000


def test_the_failure_is_on_the_first_screen_of_a_big_package_report(tmp_path):
    """234 files and 80 ops all proved but one module site: the browser lays the
    page out at 1200x900 and the failing block (naming its module) starts within
    that first screen; the per-file and per-op detail is collapsed below."""
    from pvverify.gate.rows import OutcomeResult
    from pvverify.reports import html

    rows, binaries = [], []
    for i in range(234):
        f = f"pkg/usr/lib/debug/lib/modules/6.1/kernel/m{i:03}.ko"
        binaries.append({"file": f, "arch": "x86_64", "version": "6.1", "outcomes": 30})
        for j in range(30):
            rows.append(OutcomeResult(f, 0xffffffffa0000000 + j * 8, ".parainstructions",
                                      f"op.n{(i + j) % 80}", "dwarf", "call", "", "e800000000",
                                      ["callq 0x0"], "equivalent", "proved", f"k{j}", package="pkg"))
    bad = OutcomeResult("pkg/usr/lib/debug/lib/modules/6.1/kernel/arch/x86/kvm/kvm.ko", 0xffffffffa0020b3c,
                        ".altinstructions", "irq.save_fl", "dwarf", "inline", "!feature 8*32+16", "9c59",
                        ["pushfq", "popq %rcx"], "not-equivalent", "rax differs", "kb",
                        place={"function": "kvm_on_user_return", "offset": 12, "file": "arch/x86/kvm/x86.c",
                               "line": 367, "section": ".text", "section_offset": 0x20abc},
                        package="pkg", feature_name="!X86_FEATURE_XENPV")
    rows.insert(len(rows) // 2, bad)
    page = tmp_path / "big.html"
    raw = html.render(rows, {"binaries": binaries, "obligations": 81, "seconds": 1.0})
    assert "<script" not in raw
    # measured by the browser: a copy of the page with a probe that writes the
    # failing block's top edge and the page height into the DOM
    probe = ("<script>addEventListener('load',()=>{const b=document.querySelector('.site.not-equivalent')"
             ".getBoundingClientRect();document.body.setAttribute('data-top',Math.round(b.top));"
             "document.body.setAttribute('data-height',document.documentElement.scrollHeight)})</script>")
    page.write_text(raw.replace("</body>", probe + "</body>"))
    dom = render(page, tmp_path, "--window-size=1200,900", "--dump-dom").stdout
    top = int(re.search(r'data-top="(-?\d+)"', dom)[1])
    assert 0 <= top < 900 - 100, top  # its heading and first lines visible
    p = Page()
    p.feed(dom)
    [site] = p.sites
    assert "kvm.ko" in site["text"] and "!X86_FEATURE_XENPV" in site["text"]
    # totals: the zero count is not painted as a failure
    assert '<span class="zero" data-verdict="unknown">0 unknown</span>' in raw
