"""`--html FILE`: one self-contained page (inline CSS, no scripts, nothing fetched).

The verdict totals first (each file with a finding linked from them), then
every not-equivalent or unknown site, file by file, with its reason and,
where there is one, its counterexample: the difference, why it matters, the
inputs, the replay and both paths side by side. The files read, records
without an outcome and the verdicts by op come last, collapsed (<details>).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from typing import TYPE_CHECKING

from pvverify.reports import witness as words
from pvverify.reports.gate_text import address, feature, inline_chain, reason, short, short_of, site
from pvverify.reports.listing import line
from pvverify.util.version import __version__

if TYPE_CHECKING:
    from pvverify.gate.rows import OutcomeResult, SiteIssue

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
.zero{color:#555} h3.file{margin-top:1.5em;border-bottom:1px solid #ccc} h4{font-size:1em;margin:.2em 0}
details{margin:1em 0} summary{cursor:pointer;font-weight:bold}
"""


def _cls(verdict: str) -> str:
    return f'<span class="{verdict}">{escape(verdict)}</span>'


def render(rows: list[OutcomeResult], meta: dict, issues: list[SiteIssue] = ()) -> str:
    """Totals first (each file with a finding linked), then the failures file by
    file, worst first, each block naming its file; then, collapsed, the files read,
    records without an outcome and the verdicts by op."""
    c = Counter(r.verdict for r in rows)
    by_op: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_op[r.op][r.verdict] += 1
    bad = [r for r in rows if r.verdict != "equivalent"]
    by_file: dict[str, list[OutcomeResult]] = defaultdict(list)
    for r in sorted(bad, key=lambda r: (r.verdict != "not-equivalent", r.op, r.address)):
        by_file[r.file].append(r)
    files = sorted(by_file, key=lambda f: (-sum(r.verdict == "not-equivalent" for r in by_file[f]),
                                           -len(by_file[f]), f))
    anchor = {f: f"file-{i + 1}" for i, f in enumerate(files)}
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>pvverify gate report</title>", f"<style>{CSS}</style></head><body>",
           "<h1>pvverify gate report</h1>"]
    ic = Counter(i.status for i in issues)
    extra = [f"{n} {k}" for k, n in (("skipped", ic["skipped"]), ("unpatched", ic["unpatched"]),
                                     ("files not read", len(meta.get("errors", [])))) if n]
    out.append('<p id="totals">' + ", ".join(
        f'<span class="{v if c[v] else "zero"}" data-verdict="{v}">{c[v]} {v}</span>' for v in VERDICTS)
        + f"; {len(rows)} outcomes, {meta.get('obligations', 0)} distinct obligations"
        + (f' (<span class="not-equivalent">{escape(", ".join(extra))}</span>)' if extra else "")
        + (f", {meta['files']['found']} files found, {meta['files']['gated']} gated"
           if meta.get("files") else "")
        + f" ({meta.get('seconds', 0)} s), pvverify {escape(__version__)}</p>")
    for e in meta.get("errors", []):
        out.append(f'<p class="not-equivalent" data-error="1"><code>{escape(e["file"])}</code>: '
                   f"not read: {escape(e['error'])}</p>")
    if files:
        out.append('<ul id="failing-files">')
        for f in files:
            fc = Counter(r.verdict for r in by_file[f])
            counts = ", ".join(f'<span class="{v}">{fc[v]} {v}</span>' for v in VERDICTS[1:] if fc[v])
            out.append(f'<li><a href="#{anchor[f]}"><code>{escape(_name(by_file[f][0]))}</code></a>: '
                       f"{counts}</li>")
        out.append("</ul>")
    out.append(f'<h2 id="failures">Sites not proved equivalent ({len(bad)})</h2>')
    if not bad:
        out.append("<p>None: every outcome is proved equivalent.</p>")
    for f in files:
        out.append(f'<h3 class="file" id="{anchor[f]}"><code>{escape(f)}</code></h3>')
        for r in by_file[f]:
            out += _site(r)
    out.append(f'<details id="files"><summary>Files read ({len(meta.get("binaries", []))})</summary>')
    for b in meta.get("binaries", []):
        out.append(f"<p><code>{escape(b['file'])}</code>: {escape(b['arch'])} Linux "
                   f"{escape(b['version'] or '?')}, {b['outcomes']} outcomes, "
                   f"{b.get('skipped', 0)} skipped, {b.get('unpatched', 0)} unpatched</p>")
    out.append("</details>")
    if issues:
        out.append(f'<details id="issues" open><summary>Records without an outcome, and unpatched '
                   f"calls ({len(issues)})</summary><ul>")
        out += [f'<li data-status="{i.status}">{escape(i.status)} <code>{escape(i.op)}</code> in '
                f"<code>{escape(short(i.file))}</code> at <code>{i.address:#x}</code> "
                f"({escape(i.source)}): {escape(i.reason)}</li>" for i in issues]
        out.append("</ul></details>")
    out.append(f'<details id="ops"><summary>Verdicts by op ({len(by_op)} ops)</summary>'
               '<table id="by-op"><tr><th>op</th>' + "".join(f"<th>{v}</th>" for v in VERDICTS) + "</tr>")
    order = sorted(by_op, key=lambda op: (-by_op[op]["not-equivalent"], -by_op[op]["unknown"], op))
    for op in order:
        out.append(f'<tr data-op="{escape(op)}"><td><code>{escape(op)}</code></td>' + "".join(
            f'<td class="n {v if by_op[op][v] and v != "equivalent" else ""}">{by_op[op][v]}</td>'
            for v in VERDICTS) + "</tr>")
    out.append("</table></details>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _name(r: OutcomeResult) -> str:
    return short_of(r)


def _site(r: OutcomeResult) -> list[str]:
    cond = f" when <code>{escape(feature(r))}</code>" if feature(r) else ""
    chain = inline_chain(r)
    out = [f'<div class="site {r.verdict}" data-verdict="{r.verdict}" data-file="{escape(r.file)}">',
           f"<h4>{_cls(r.verdict)} <code>{escape(r.op)}</code> at <code>{escape(site(r))}</code> "
           f"<code>[{escape(address(r))}]</code> in <code>{escape(_name(r))}</code></h4>",
           f"<p>{escape(r.source)}, {escape(r.kind)}{cond}: <code>{escape('; '.join(r.disassembly))}</code>"
           + (f"<br>inlined: <code>{escape(chain)}</code>" if chain else "")
           + f"<br>{escape(reason(r))}</p>"]
    ce = r.counterexample
    if ce:
        if not r.reason.startswith(words.difference(ce)):
            out.append(f"<p>{escape(words.difference(ce))}</p>")
        if ce.get("why"):
            out.append(f"<p><b>Why it matters:</b> {escape(ce['why'])}</p>")
        more = [x for x in (words.word_line(ce), *words.flags_lines(ce), *words.other_lines(ce)) if x]
        if more:
            out.append('<ul class="more">' + "".join(f"<li>{escape(x)}</li>" for x in more) + "</ul>")
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
