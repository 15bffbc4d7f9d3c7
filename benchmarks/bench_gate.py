"""Gate throughput on a real vmlinux: cold, warm, and the baselines beside them.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_gate.py VMLINUX [--sample 200] [--jobs 2]
        [--cache DIR] [--no-dedup-baseline] [--no-exploration-baseline]

Cold runs the CLI with an empty cache (DWARF read included); warm runs it
again on that cache. Three baselines, measured in the same run:
- pyelftools merely reading the patch records as patch sites: open the ELF,
  unpack every `.altinstructions` / `.parainstructions` record, read the
  instruction at its site and name the ops slot a `call *` there goes
  through (the pv_ops* symbols: what tells a paravirt record from any other
  alternative). Cold and warm are reported as multiples of it (issue 11's
  targets). The record bytes unpacked alone, without a symbol (0.01 s), are
  printed beside it: no reader can say which records are paravirt sites from
  them, and 0.75x of them is less than the Python interpreter takes to start;
- exploration alone (the same-callee method off) on the same distinct
  obligations, with the gate's bounds and job count: what the same-callee
  method saves;
- every outcome its own proof, no dedup and no cache, on a random sample,
  extrapolated to all outcomes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def gate(vmlinux: str, cache: str, jobs: int) -> tuple[float, dict, int]:
    t = time.monotonic()
    # this checkout's pvverify, whatever the venv's entry point was installed from
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "pvverify", "gate", vmlinux, "--cache", cache,
                          "--format", "json", "--jobs", str(jobs)], capture_output=True, text=True,
                         env=env)
    dt = time.monotonic() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return dt, json.loads(out.stdout), peak


def pyelftools_records(vmlinux: str, sizes: dict[str, int],
                       sites: bool = True) -> tuple[float, int, int]:
    """Seconds pyelftools takes to read every patch record, the records' count and
    how many are calls through an ops table (`sites=False`: the record bytes
    unpacked alone, no symbol table, no site read; the count of calls is then 0)."""
    from elftools.elf.elffile import ELFFile

    t = time.monotonic()
    n = calls = 0
    with open(vmlinux, "rb") as f:
        elf = ELFFile(f)
        w = 8 if elf.elfclass == 64 else 4
        tables: list[tuple[int, int]] = []
        code: list[tuple[int, int, bytes]] = []
        if sites:
            symtab = elf.get_section_by_name(".symtab")
            tables = [(s["st_value"], s["st_value"] + s["st_size"]) for s in symtab.iter_symbols()
                      if s.name in ("pv_ops", "pv_ops_lock")]
            code = [(c["sh_addr"], c["sh_addr"] + c["sh_size"], c.data()) for c in elf.iter_sections()
                    if c["sh_flags"] & 0x4 and c["sh_type"] == "SHT_PROGBITS"]  # SHF_EXECINSTR
        for name, size in sizes.items():
            sec = elf.get_section_by_name(name)
            if sec is None or not size:
                continue
            data, base = sec.data(), sec["sh_addr"]
            for off in range(0, len(data) - size + 1, size):
                rec = data[off:off + size]
                if name == ".altinstructions":  # s32 instr_offset, s32 repl_offset, ...
                    instr, repl = struct.unpack_from("<ii", rec)
                    site = base + off + instr
                    _ = (site, base + off + 4 + repl, rec[size - 2], rec[size - 1])
                else:  # pointer-sized instr, u8 type, u8 len
                    site = int.from_bytes(rec[:w], "little")
                    _ = (site, rec[w], rec[w + 1])
                n += 1
                at = next(((lo, d) for lo, hi, d in code if lo <= site < hi), None)
                if at is None:
                    continue
                insn = at[1][site - at[0]:site - at[0] + 7]
                if insn[:2] == b"\xff\x15":  # call *disp32: rip-relative on x86-64, absolute on i386
                    disp = int.from_bytes(insn[2:6], "little", signed=w == 8)
                    slot = site + 6 + disp if w == 8 else disp
                elif insn[:3] == b"\xff\x14\x25" and w == 8:  # call *abs32, sign-extended (5.10)
                    slot = int.from_bytes(insn[3:7], "little", signed=True) & (1 << 64) - 1
                else:
                    continue
                calls += any(lo <= slot < hi for lo, hi in tables)
    return time.monotonic() - t, n, calls


def _explore_one(item):
    from pvverify.check import check
    from pvverify.gate.obligations import is_call_to

    ob, limits = item
    same = is_call_to(ob.replacement.hex or "", ob.address or 0, ob.target_address)
    try:
        return check(ob, limits=replace(limits, stop_when_stuck=same), same_callee=False).verdict
    except Exception:  # noqa: BLE001 - the baseline counts time, not verdicts
        return "unknown"


def exploration_baseline(obs: list, jobs: int) -> tuple[float, Counter]:
    """Seconds exploration alone takes on the distinct obligations, with the gate's bounds."""
    from pvverify.util.budget import GATE_SOLVER_RLIMIT, Limits
    from pvverify.util.signals import context

    t = time.monotonic()
    with context().Pool(jobs) as pool:
        gate_limits = Limits(solver_rlimit=GATE_SOLVER_RLIMIT)
        verdicts = Counter(pool.imap_unordered(_explore_one, [(ob, gate_limits) for ob in obs]))
    return time.monotonic() - t, verdicts


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("vmlinux")
    p.add_argument("--sample", type=int, default=200)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--cache", help="cache directory (default: a fresh temporary one); emptied first")
    p.add_argument("--no-dedup-baseline", action="store_true")
    p.add_argument("--no-exploration-baseline", action="store_true")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = a.cache or tmp
        if a.cache:
            shutil.rmtree(a.cache, ignore_errors=True)
        cold, doc, peak = gate(a.vmlinux, cache, a.jobs)
        warm, _, _ = gate(a.vmlinux, cache, a.jobs)
        rows = doc["results"]
        kinds = Counter(f"{r['source']}:{r['kind']}" for r in rows)
        print(f"{a.vmlinux}: {len(rows)} outcomes, {doc['obligations']} obligations")
        for k, n in sorted(kinds.items()):
            print(f"  {k:32s} {n}")
        print(f"  verdicts: {doc['totals']}")
        methods = Counter(r.get("method", "exploration") for r in rows if r["verdict"] == "equivalent")
        print(f"  equivalent by method: {dict(methods)}")
        print(f"cold {cold:.1f} s (reading {doc['read_seconds']} s), warm {warm:.2f} s, "
              f"peak RSS {peak} MB, jobs {a.jobs}")

        from pvverify.check import check
        from pvverify.gate.obligations import canonical_site, obligation_of, targets_of
        from pvverify.kernel.binary import read_binary
        from pvverify.util.cache import Cache
        from pvverify.x86.decode import decoder

        b = read_binary(a.vmlinux, None, Cache(cache))
        lay = b.layout
        para = lay.para if b.arch.bits == 64 else lay.para_i386
        sizes = {".altinstructions": lay.alt, ".parainstructions": para or 0}
        floor, _, _ = pyelftools_records(a.vmlinux, sizes, sites=False)
        read, n, calls = pyelftools_records(a.vmlinux, sizes)
        print(f"pyelftools reading {n} patch records as sites ({calls} calls through an ops table): "
              f"{read:.2f} s; cold/read {cold / read:.2f}x (target <= 3x, <= 10 s), "
              f"warm/read {warm / read:.2f}x (target <= 0.75x, <= 2 s)")
        print(f"  (their bytes unpacked alone, no symbols: {floor:.3f} s; cold {cold / floor:.0f}x, "
              f"warm {warm / floor:.0f}x)")

        targets = targets_of(b)
        md = decoder(b.arch)
        canon = canonical_site(b.code)
        if not a.no_exploration_baseline:
            obs: dict = {}
            for o in b.outcomes:
                try:
                    ob = obligation_of(b, targets, canon, o, md)
                except Exception:  # noqa: BLE001 - as the gate: no obligation, no proof
                    continue
                obs.setdefault(ob.key(), ob)
            t_ex, verdicts = exploration_baseline(list(obs.values()), a.jobs)
            print(f"baseline, exploration alone on the {len(obs)} obligations: {t_ex:.1f} s "
                  f"proving on {a.jobs} jobs, verdicts {dict(verdicts)}")
        if a.no_dedup_baseline:
            return
        # baseline: every outcome its own symbolic execution, no dedup, no cache
        random.seed(1)
        sample = random.sample(b.outcomes, min(a.sample, len(b.outcomes)))
        t = time.monotonic()
        for o in sample:
            try:
                check(obligation_of(b, targets, canon, o, md))
            except Exception as e:  # noqa: BLE001 - the baseline counts time, not verdicts
                print(f"  baseline: {e}", file=sys.stderr)
        per = (time.monotonic() - t) / len(sample)
        print(f"baseline without dedup: {per * 1000:.0f} ms per outcome on {len(sample)} sampled, "
              f"about {per * len(b.outcomes) / a.jobs:.0f} s for all {len(b.outcomes)} on {a.jobs} cores")


if __name__ == "__main__":
    main()
