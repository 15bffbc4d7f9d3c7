"""Prints the corpus coverage table of the README: entries per era, arch and op,
and how many proofs each solver confirms.

    .venv/bin/python scripts/corpus-coverage.py

An era is the corpus directory: corpus/history/<era>/ for the Linux patch
templates of that era, and the verdict directories (corpus/equivalent, ...)
for the model's own cases ("semantics"). The op is read from the file name.
Each proof in proofs/ is re-checked here by z3, cvc5 and bitwuzla; a solver
confirms a proof when it gives the manifest's answer.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pvverify.obligation import load  # noqa: E402
from pvverify.proofs import SOLVERS, load_manifest, recheck  # noqa: E402

# file-name words -> op, first match wins
OPS = [
    ("hlt", "halt"), ("tlb", "flush_tlb"), ("gsbase", "fs/gs base"), ("xgetbv", "xgetbv/xsetbv"),
    ("cmpxchg", "cmpxchg"), ("spin-", "spin loops"), ("mov-ss", "segment loads"),
    ("sysret", "usergs_sysret"), ("save_fl", "save_fl"), ("restore_fl", "restore_fl"), ("popf", "restore_fl"),
    ("pushf", "save_fl"), ("irq_disable", "irq_disable"), ("cli", "irq_disable"),
    ("irq_enable_sysexit", "irq_enable_sysexit"), ("sysexit", "irq_enable_sysexit"),
    ("irq_enable", "irq_enable"), ("sti", "irq_enable"), ("safe_halt", "safe_halt"),
    ("halt", "halt"), ("read_cr2", "read_cr2"), ("read_cr3", "read_cr3"),
    ("write_cr3", "write_cr3"), ("cr0", "read/write_cr0"), ("read_cr", "read_crN"),
    ("write_cr", "write_crN"), ("cr8", "read/write_cr8"), ("clts", "clts"),
    ("wbinvd", "wbinvd"), ("invd", "wbinvd"), ("invlpg", "flush_tlb_one"),
    ("flush_tlb", "flush_tlb_one"), ("swapgs", "swapgs"), ("sysret", "usergs_sysret"),
    ("iret", "iret"), ("spin_unlock", "queued_spin_unlock"),
    ("vcpu_is_preempted", "vcpu_is_preempted"), ("pte_val", "pte_val/make_pte"),
    ("ident", "ident_32/64"), ("mov64", "ident_32/64"), ("read_tsc", "read_tsc"),
    ("rdtsc", "read_tsc"), ("cpuid", "cpuid"), ("msr", "read/write_msr"),
    ("debugreg", "get/set_debugreg"), ("stac", "stac/clac"), ("clac", "stac/clac"),
    ("inb", "port I/O"), ("out", "port I/O"), ("fence", "fences"),
]


def op_of(name: str) -> str:
    for word, op in OPS:
        if word in name:
            return op
    return "convention (args, returns, clobbers, stack)"


def main() -> int:
    corpus = ROOT / "corpus"
    manifest = {e.file: e for e in load_manifest(ROOT / "proofs")}
    rows: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"n": 0, "verdicts": defaultdict(int), "ops": set(), "proofs": 0,
                 **{s: 0 for s in SOLVERS}})
    for f in sorted(corpus.rglob("*.toml")):
        rel = f.relative_to(corpus)
        era = rel.parts[1] if rel.parts[0] == "history" else "semantics"
        ob = load(f)
        row = rows[(era, ob.arch.name)]
        row["n"] += 1
        row["verdicts"][ob.expect] += 1
        row["ops"].add(op_of(f.stem))
        e = manifest.get(str(f.relative_to(ROOT)))
        if e is None or e.smt2 is None:
            continue
        row["proofs"] += 1
        text = (ROOT / "proofs" / e.smt2).read_text()
        for s in SOLVERS:
            row[s] += recheck(text, s) == e.expected
    print("| era | arch | entries | eq / not-eq / unknown | ops | proofs | z3 | cvc5 | bitwuzla |")
    print("|---|---|---|---|---|---|---|---|---|")
    total: dict[str, int] = defaultdict(int)
    for (era, arch), r in sorted(rows.items(), key=lambda kv: (kv[0][0] != "semantics", kv[0])):
        v = r["verdicts"]
        ops = ", ".join(sorted(r["ops"]))
        print(f"| {era} | {arch} | {r['n']} | {v['equivalent']} / {v['not-equivalent']} / "
              f"{v['unknown']} | {ops} | {r['proofs']} | "
              + " | ".join(str(r[s]) for s in SOLVERS) + " |")
        for k in ("n", "proofs", *SOLVERS):
            total[k] += r[k]
    print(f"| all | | {total['n']} | | | {total['proofs']} | "
          + " | ".join(str(total[s]) for s in SOLVERS) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
