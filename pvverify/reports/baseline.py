"""Accepting known findings one by one: `--baseline FILE` / `--write-baseline FILE`.

A baseline is the list of outcomes a team has reviewed and accepted (7.3's
`flush_tlb_multi`, whose callee records `_RET_IP_` in a tracepoint, is unknown
for a real and understood reason). An outcome in the baseline does not fail
the gate; a new one does, as always; a baseline entry that no longer occurs
is reported as fixed. `--allow-unknown` remains the blunt alternative: it
passes every unknown, the new ones included.

What identifies an outcome across rebuilds of a kernel (a distribution rebuilds
the same sources with a new compiler, a new ABI number, another module
compression) must not be an address. A fingerprint is:

- the file, as the kernel names it: `vmlinux` for the image (`vmlinux-<release>`
  or a package's path to it), a module by its path from `lib/modules/<release>/`
  on (`kernel/drivers/x.ko`), without the release and without a compression
  suffix (`.ko.xz` is `.ko`);
- the site's function (its symbol, which survives rebuilds), not the offset in it,
  which moves with any change of the function's code; where the site has no
  symbol, the obligation's key (a hash of what is proved, independent of the
  address);
- the op, the verdict and the kind of cause (the reason's category: an
  `unknown` that becomes `unknown` for another kind of reason is new).

Several outcomes can share one fingerprint (one op called twice in a function):
the baseline keeps how many, so a third one is new. Outcomes the wall-clock
safety net stopped are never written into a baseline nor matched by one: they
say the machine was slow. Crashes (internal errors) never pass either.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pvverify.reports import categories
from pvverify.util import budget
from pvverify.verdict import INTERNAL_PREFIX

FORMAT = 1
_RELEASE_DIR = re.compile(r"(^|/)lib/modules/[^/]+/")
_COMPRESSED = re.compile(r"\.(xz|zst|gz)$")


class BaselineError(ValueError):
    """The baseline file cannot be read; the message says why."""


def file_id(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if name == "vmlinux" or name.startswith("vmlinux-"):
        return "vmlinux"
    ends = [m.end() for m in _RELEASE_DIR.finditer(path)]
    rel = path[ends[-1]:] if ends else name
    return _COMPRESSED.sub("", rel)


def fingerprint(row) -> tuple[str, str, str, str, str] | None:
    """(file, site, op, verdict, cause) of a failing outcome; None for one that is
    not a finding a baseline may accept (equivalent, a crash, the safety net)."""
    if row.verdict == "equivalent" or row.reason.startswith(INTERNAL_PREFIX) \
            or budget.SAFETY_REASON in row.reason:
        return None
    p = row.place or {}
    site = p.get("function") or f"key:{row.key}"
    return (file_id(row.file), site, row.op, row.verdict, categories.category(row.verdict, row.reason).id)


_FIELDS = ("file", "site", "op", "verdict", "cause")


@dataclass
class Comparison:
    """How a run's findings compare with a baseline."""

    path: str
    state: dict[int, str] = field(default_factory=dict)  # id(row) -> new | unchanged
    absent: list[dict] = field(default_factory=list)      # baseline entries no longer occurring

    def accepted(self, row) -> bool:
        return self.state.get(id(row)) == "unchanged"

    def summary(self) -> dict:
        c = Counter(self.state.values())
        return {"file": self.path, "unchanged": c["unchanged"], "new": c["new"],
                "absent": len(self.absent), "fixed": self.absent}


def write(path: str | Path, rows) -> None:
    from pvverify.util.files import write_atomic

    counts = Counter(fp for fp in map(fingerprint, rows) if fp is not None)
    entries = [{**dict(zip(_FIELDS, fp, strict=True)), "count": n} for fp, n in sorted(counts.items())]
    doc = {"pvverify_baseline": FORMAT,
           "about": "outcomes accepted by review: pvverify gate --baseline FILE (README: Baselines)",
           "fingerprints": entries}
    write_atomic(Path(path), (json.dumps(doc, indent=1) + "\n").encode())


def read(path: str | Path) -> Counter:
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError) as e:
        raise BaselineError(f"{path}: cannot read the baseline: {e}") from None
    except json.JSONDecodeError as e:
        raise BaselineError(f"{path}: not a baseline (not JSON: {e.msg}, line {e.lineno})") from None
    if not isinstance(doc, dict) or doc.get("pvverify_baseline") != FORMAT \
            or not isinstance(doc.get("fingerprints"), list):
        raise BaselineError(f"{path}: not a pvverify baseline (format {FORMAT}: written by "
                            "--write-baseline)")
    out: Counter = Counter()
    for i, e in enumerate(doc["fingerprints"]):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in _FIELDS) \
                or not isinstance(e.get("count", 1), int) or e.get("count", 1) < 1:
            raise BaselineError(f"{path}: fingerprint {i}: expected strings {', '.join(_FIELDS)} "
                                "and a count >= 1")
        out[tuple(e[k] for k in _FIELDS)] += e.get("count", 1)
    return out


def compare(path: str, accepted: Counter, rows) -> Comparison:
    """Each failing row new or unchanged (in address order within one fingerprint,
    the first `count` are unchanged), and the entries no row matched."""
    cmp = Comparison(path)
    left = Counter(accepted)
    for row in sorted(rows, key=lambda r: (r.file, r.address)):
        fp = fingerprint(row)
        if fp is None:
            continue
        if left[fp] > 0:
            left[fp] -= 1
            cmp.state[id(row)] = "unchanged"
        else:
            cmp.state[id(row)] = "new"
    cmp.absent = [{**dict(zip(_FIELDS, fp, strict=True)), "count": n}
                  for fp, n in sorted(left.items()) if n > 0]
    return cmp


def add_flags(p) -> None:
    p.add_argument("--baseline", metavar="FILE",
                   help="accepted outcomes (written by --write-baseline): an outcome in it does not fail "
                        "the gate, a new one does, and an entry that no longer occurs is reported as "
                        "fixed (fingerprints: file, function, op, verdict, kind of cause; no addresses)")
    p.add_argument("--write-baseline", metavar="FILE",
                   help="write this run's failing outcomes as a baseline (then judged against it)")
