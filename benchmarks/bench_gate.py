"""Gate throughput on a real vmlinux: cold, warm, and without deduplication.

    .venv/bin/python benchmarks/bench_gate.py VMLINUX [--sample 200] [--jobs 2]

Cold runs the CLI with an empty cache (DWARF read included); warm runs it
again on that cache. The baseline proves outcomes one by one with no dedup
and no cache, on a random sample (every outcome would take hours), and
extrapolates to all outcomes; it is measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def gate(vmlinux: str, cache: str, jobs: int) -> tuple[float, dict, int]:
    t = time.monotonic()
    out = subprocess.run([str(ROOT / ".venv/bin/pvverify"), "gate", vmlinux, "--cache", cache,
                          "--format", "json", "--jobs", str(jobs)], capture_output=True, text=True)
    dt = time.monotonic() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return dt, json.loads(out.stdout), peak


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("vmlinux")
    p.add_argument("--sample", type=int, default=200)
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        cold, doc, peak = gate(a.vmlinux, cache, a.jobs)
        warm, _, _ = gate(a.vmlinux, cache, a.jobs)
        rows = doc["results"]
        kinds = Counter(f"{r['source']}:{r['kind']}" for r in rows)
        print(f"{a.vmlinux}: {len(rows)} outcomes, {doc['obligations']} obligations")
        for k, n in sorted(kinds.items()):
            print(f"  {k:32s} {n}")
        print(f"  verdicts: {doc['totals']}")
        print(f"cold {cold:.1f} s (reading {doc['read_seconds']} s), warm {warm:.2f} s, "
              f"peak RSS {peak} MB, jobs {a.jobs}")

        # baseline: every outcome its own symbolic execution, no dedup, no cache
        from pvverify.check import check
        from pvverify.gate import canonical_site, obligation_of
        from pvverify.kernel.binary import read_binary
        from pvverify.kernel.closure import Targets, decoder

        b = read_binary(a.vmlinux, None, Path(cache))
        targets, md = Targets(b.code, b.arch), decoder(b.arch)
        canon = canonical_site(b.code)
        random.seed(1)
        sample = random.sample(b.outcomes, min(a.sample, len(b.outcomes)))
        t = time.monotonic()
        for o in sample:
            try:
                check(obligation_of(b, targets, canon, o, md), timeout=5.0)
            except Exception as e:  # noqa: BLE001 - the baseline counts time, not verdicts
                print(f"  baseline: {e}", file=sys.stderr)
        per = (time.monotonic() - t) / len(sample)
        print(f"baseline without dedup: {per * 1000:.0f} ms per outcome on {len(sample)} sampled, "
              f"about {per * len(b.outcomes) / a.jobs:.0f} s for all {len(b.outcomes)} on {a.jobs} cores")


if __name__ == "__main__":
    main()
