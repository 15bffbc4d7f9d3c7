"""`--html FILE`: one self-contained page (inline CSS, no scripts, nothing fetched).

The verdicts by op, then every not-equivalent or unknown site with its
reason and, where there is one, its counterexample: the difference, why it
matters, the inputs, the replay and both paths side by side.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from typing import TYPE_CHECKING

from pvverify import __version__
from pvverify.reports import counterexample as words
from pvverify.reports.gate_text import reason, site
from pvverify.reports.listing import line

if TYPE_CHECKING:
    from pvverify.gate import OutcomeResult, SiteIssue

VERDICTS = ("equivalent", "not-equivalent", "unknown")
CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:110em}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:2em} h3{font-size:1em;margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.not-equivalent{color:#b00020;font-weight:bold} .unknown{color:#8a6d00} .equivalent{color:#1b5e20}
pre,code,.listing td{font-family:ui-monospace,monospace;font-size:.9em}
.listing td{border:none;border-right:1px solid #ccc;white-space:pre;vertical-align:top}
.site{border-left:4px solid #ccc;padding-left:1em;margin:1.2em 0}
.site.not-equivalent{border-color:#b00020;font-weight:normal;color:#222}
.site.unknown{border-color:#c9a400;color:#222}
"""


def _cls(verdict: str) -> str:
    return f'<span class="{verdict}">{escape(verdict)}</span>'


def render(rows: list[OutcomeResult], meta: dict, issues: list[SiteIssue] = ()) -> str:
    c = Counter(r.verdict for r in rows)
    by_op: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_op[r.op][r.verdict] += 1
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>pvverify gate report</title>", f"<style>{CSS}</style></head><body>",
           "<h1>pvverify gate report</h1>"]
    for b in meta.get("binaries", []):
        out.append(f"<p><code>{escape(b['file'])}</code>: {escape(b['arch'])} Linux "
                   f"{escape(b['version'] or '?')}, {b['outcomes']} outcomes, "
                   f"{b.get('skipped', 0)} skipped, {b.get('unpatched', 0)} unpatched</p>")
    for e in meta.get("errors", []):
        out.append(f'<p class="not-equivalent" data-error="1"><code>{escape(e["file"])}</code>: '
                   f"not read: {escape(e['error'])}</p>")
    if issues:
        out.append(f"<h2>Records without an outcome, and unpatched calls ({len(issues)})</h2><ul>")
        out += [f'<li data-status="{i.status}">{escape(i.status)} <code>{escape(i.op)}</code> at '
                f"<code>{i.address:#x}</code> ({escape(i.source)}): {escape(i.reason)}</li>"
                for i in issues]
        out.append("</ul>")
    out.append('<p id="totals">' + ", ".join(
        f'<span class="{v if c[v] else ""}" data-verdict="{v}">{c[v]} {v}</span>' for v in VERDICTS)
        + f"; {len(rows)} outcomes, {meta.get('obligations', 0)} distinct obligations"
        + (f", {meta['files']['found']} files found, {meta['files']['gated']} gated"
           if meta.get("files") else "") + " "
          f"({meta.get('seconds', 0)} s), pvverify {escape(__version__)}</p>")
    out.append('<h2>Verdicts by op</h2><table id="by-op"><tr><th>op</th>'
               + "".join(f"<th>{v}</th>" for v in VERDICTS) + "</tr>")
    order = sorted(by_op, key=lambda op: (-by_op[op]["not-equivalent"], -by_op[op]["unknown"], op))
    for op in order:
        out.append(f'<tr data-op="{escape(op)}"><td><code>{escape(op)}</code></td>' + "".join(
            f'<td class="n {v if by_op[op][v] and v != "equivalent" else ""}">{by_op[op][v]}</td>'
            for v in VERDICTS) + "</tr>")
    out.append("</table>")
    bad = [r for r in rows if r.verdict != "equivalent"]
    bad.sort(key=lambda r: (r.verdict != "not-equivalent", r.op, r.address))
    out.append(f"<h2>Sites not proved equivalent ({len(bad)})</h2>")
    if not bad:
        out.append("<p>None: every outcome is proved equivalent.</p>")
    for r in bad:
        out += _site(r)
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _site(r: OutcomeResult) -> list[str]:
    out = [f'<div class="site {r.verdict}" data-verdict="{r.verdict}">',
           f"<h3>{_cls(r.verdict)} <code>{escape(r.op)}</code> at <code>{escape(site(r))}</code> "
           f"<code>[{r.address:#x}]</code></h3>",
           f"<p>{escape(r.source)}, {escape(r.kind)}: <code>{escape('; '.join(r.disassembly))}</code>"
           f"<br>{escape(reason(r))}</p>"]
    ce = r.counterexample
    if ce:
        if not r.reason.startswith(words.difference(ce)):
            out.append(f"<p>{escape(words.difference(ce))}</p>")
        if ce.get("why"):
            out.append(f"<p><b>Why it matters:</b> {escape(ce['why'])}</p>")
        inputs = words.input_lines(ce)
        if inputs:
            out.append("<p><b>Inputs that matter</b> (flags not listed are clear):</p><pre>"
                       + escape("\n".join(x.strip() for x in inputs)) + "</pre>")
        out.append(f"<p>{escape(words.replay_words(ce))}</p>")
        left = [line(e) for e in ce.get("original_listing") or []]
        right = [line(e) for e in ce.get("replacement_listing") or []]
        if left or right:
            out.append('<table class="listing"><tr><th>original path</th><th>replacement path</th></tr>')
            for i in range(max(len(left), len(right))):
                a = left[i] if i < len(left) else ""
                b = right[i] if i < len(right) else ""
                out.append(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td></tr>")
            out.append("</table>")
    out.append("</div>")
    return out
