"""A whole kernel package through `pvverify gate --package`, against two baselines
measured in the same run.

    .venv/bin/python benchmarks/bench_package.py PACKAGE [--jobs 2] [--sample 100] [--cluster local:2]

PACKAGE: an unpacked `-dbg` package directory (or a .deb). Figures:
- files, files read past their headers, files with sites, outcomes, obligations;
- cold (empty cache) and warm runs of the CLI: read / prove / total time, peak RSS;
- pyelftools baseline: the time pyelftools needs merely to count the modules'
  outcomes (open every module, walk `.altinstructions`/`.parainstructions`,
  count the records whose original is `call *pv_ops+N`, found through the
  relocations), on the same number of processes; its count must equal the
  gate's module outcomes;
- module-at-a-time baseline: the path before package runs (`read_binary` of
  each module with `--vmlinux`, then its obligations), timed on a random sample
  of modules and extrapolated to all of them on the same number of processes;
- with --cluster: the same gate on Dask, and whether every outcome's verdict
  agrees with the local run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def gate(package: str, cache: str, jobs: int, cluster: str | None = None) -> tuple[float, dict, int, float]:
    """One CLI run in a child: (wall seconds, JSON report, peak RSS MB of the largest
    process, CPU seconds of all its processes). The machine may be shared: CPU
    seconds say what the run cost, wall seconds what it took under that load."""
    cmd = [sys.executable, "-m", "pvverify", "gate", "--package", package, "--cache", cache,
           "--format", "json", "--jobs", str(jobs), "--progress", "never"]
    if cluster:
        cmd += ["--cluster", cluster]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = ("import resource, subprocess, sys, time; t = time.monotonic(); "
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "dt = time.monotonic() - t; "
            "sys.stderr.write(p.stderr); "
            "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "print(dt, r.ru_maxrss // 1024, r.ru_utime + r.ru_stime); "
            "print(p.stdout)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env)
    head, _, body = out.stdout.partition("\n")
    dt, peak, cpu = head.split()
    if not body.strip():
        raise SystemExit(f"gate failed: {out.stderr[-2000:]}")
    return float(dt), json.loads(body), int(peak), float(cpu)


# -- pyelftools baseline -------------------------------------------------------------


def _pyelftools_count(args: tuple[str, int, int]) -> int:
    """Outcomes of one module, counted with pyelftools: records whose original
    is `ff 15` with its displacement relocated against a pv_ops* symbol."""
    from elftools.elf.elffile import ELFFile
    from elftools.elf.relocation import RelocationSection

    path, para_size, alt_size = args
    with open(path, "rb") as f:
        elf = ELFFile(f)
        records = [(s, size) for s, size in ((elf.get_section_by_name(".parainstructions"), para_size),
                                             (elf.get_section_by_name(".altinstructions"), alt_size))
                   if s is not None and size]
        if not records:
            return 0
        symtab = elf.get_section_by_name(".symtab")
        # relocation sections by the section they apply to, parsed only when asked
        # for (a debug module's .rela.debug_* are far bigger than what is needed)
        rel_secs = {s["sh_info"]: s for s in elf.iter_sections() if isinstance(s, RelocationSection)
                    and s["sh_flags"] & 0x40}  # SHF_INFO_LINK
        parsed: dict[int, dict[int, object]] = {}

        class Relocs(dict):
            def get(self, i, default=None):
                if i not in parsed:
                    s = rel_secs.get(i)
                    parsed[i] = {r["r_offset"]: r for r in s.iter_relocations()} if s is not None else {}
                return parsed[i]

        relocs = Relocs()
        idx = {elf.get_section_index(s.name): (s, size) for s, size in records}
        n = 0
        for i, (sec, size) in idx.items():
            rel = relocs.get(i, {})
            for off in range(0, sec["sh_size"], size):
                r = rel.get(off)  # the record's first field: where the original instruction is
                if r is None:
                    continue
                sym = symtab.get_symbol(r["r_info_sym"])
                where_sec = sym["st_shndx"]
                where = sym["st_value"] + r["r_addend"]
                if not isinstance(where_sec, int):
                    continue
                code = elf.get_section(where_sec)
                data = code.data()[where:where + 2]
                target = relocs.get(where_sec, {}).get(where + 2)
                if data == b"\xff\x15" and target is not None and \
                        symtab.get_symbol(target["r_info_sym"]).name.startswith("pv_ops"):
                    n += 1
        return n


def _timed_count(args: tuple[str, int, int]) -> tuple[int, float]:
    t = time.process_time()
    n = _pyelftools_count(args)
    return n, time.process_time() - t


def pyelftools_baseline(modules: list[Path], para: int, alt: int, jobs: int) -> tuple[float, int, float]:
    """(wall seconds, outcomes counted, CPU seconds) on `jobs` processes."""
    t = time.monotonic()
    with mp.get_context("fork").Pool(jobs) as pool:
        got = list(pool.imap_unordered(_timed_count, [(str(m), para, alt) for m in modules], chunksize=16))
    return time.monotonic() - t, sum(n for n, _ in got), sum(c for _, c in got)


# -- module-at-a-time baseline --------------------------------------------------------------


_BASELINE = """
import contextlib, sys, time
from pathlib import Path
import inspect
from pvverify.gate.obligations import canonical_site, obligation_of, targets_of
from pvverify.kernel.binary import read_binary
if "Path" in str(inspect.signature(read_binary).parameters["cache"].annotation):
    Cache = Path  # trees before the verified cache took a directory
else:
    from pvverify.util.cache import Cache
from pvverify.kernel.closure import Targets
from pvverify.x86.decode import decoder
from pvverify.kernel.elf import open_image
from pvverify.obligation import ObligationError

vmlinux, cache, *modules = sys.argv[1:]
vm = open_image(vmlinux)  # opened once, as one `gate --vmlinux` run does
cache = Cache(cache)
t = time.monotonic()
for m in modules:
    b = read_binary(m, vm, cache)
    targets = targets_of(b)
    canon, md = canonical_site(b.code), decoder(b.arch)
    for o in b.outcomes:
        with contextlib.suppress(ObligationError):
            obligation_of(b, targets, canon, o, md).key()
print(time.monotonic() - t)
"""


def module_baseline(modules: list[Path], vmlinux: Path, cache: str, sample: int,
                    tree: Path) -> tuple[float, int]:
    """Seconds per module on the module-at-a-time path (`read_binary` with
    `--vmlinux`, then each outcome's obligation) of the source tree `tree`,
    measured on a random sample in one process."""
    random.seed(13)
    picked = random.sample(modules, min(sample, len(modules)))
    out = subprocess.run([sys.executable, "-c", _BASELINE, str(vmlinux), cache, *map(str, picked)],
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(tree)),
                         cwd=tree)  # `python -c` puts the working directory first on sys.path
    if out.returncode:
        raise SystemExit(f"baseline failed: {out.stderr[-2000:]}")
    return float(out.stdout.split()[-1]) / len(picked), len(picked)


def warm_page_cache(root: Path) -> int:
    """Read every file under root (or root itself) once; the bytes read."""
    files = [root] if root.is_file() else [f for f in root.rglob("*") if f.is_file()]
    total = 0
    for f in files:
        with open(f, "rb") as fh:
            while chunk := fh.read(1 << 22):
                total += len(chunk)
    return total


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("package")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--sample", type=int, default=100, help="modules timed on the module-at-a-time path")
    p.add_argument("--cluster", help="also gate on Dask (e.g. local:2) and compare every verdict")
    p.add_argument("--baseline-tree", default=str(ROOT),
                   help="the pvverify source tree whose module-at-a-time path is the baseline "
                        "(default: this one; e.g. a checkout of the commit before package runs)")
    a = p.parse_args()

    from pvverify.gate.package import open_package
    from pvverify.kernel.binary import read_binary
    from pvverify.util.cache import Cache

    with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
        pkg = open_package(a.package, tmp)
        cache = str(Path(tmp) / "cache")
        # the page cache warmed for every file first, so "cold" means an empty pvverify
        # cache for the gate and the baseline alike, not whichever of them reads the disk
        # first (a package is 5-7 GB; on a shared machine that swung the ratio by 0.3x)
        t = time.monotonic()
        size = warm_page_cache(Path(a.package))
        print(f"page cache: {size / 1e9:.1f} GB read in {time.monotonic() - t:.1f} s before timing")
        cold, doc, peak_cold, cpu_cold = gate(a.package, cache, a.jobs)
        warm, doc_w, peak_warm, cpu_warm = gate(a.package, cache, a.jobs)
        shutil.rmtree(Path(cache) / "reads")
        reread, doc_r, _, cpu_reread = gate(a.package, cache, a.jobs)
        rows = doc["results"]
        pk = doc["packages"][0]
        vm_name = pk["vmlinux"]
        module_outcomes = sum(1 for r in rows if not r["file"].endswith(vm_name))
        kinds = Counter(f"{r['source']}:{r['kind']}" for r in rows)
        print(f"{pk['package']}: {pk['files']} files ({len(pkg.modules) + len(pkg.decided)} modules), "
              f"{pk['files_read_whole']} read past their headers, {pk['files_with_sites']} with sites, "
              f"{pk['outcomes']} outcomes ({module_outcomes} in modules), {doc['obligations']} obligations")
        print("  " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
        print(f"  verdicts: {doc['totals']}; unreadable files: {len(doc['errors'])}")
        same = [(r["file"], r["address"], r["verdict"]) for r in rows] == \
            [(r["file"], r["address"], r["verdict"]) for r in doc_w["results"]]
        print(f"cold: total {cold:.1f} s (read {doc['read_seconds']} s, prove "
              f"{doc['seconds'] - doc['read_seconds']:.1f} s), CPU {cpu_cold:.1f} s, "
              f"peak RSS {peak_cold} MB, jobs {a.jobs}")
        print(f"warm: total {warm:.1f} s (read {doc_w['read_seconds']} s), CPU {cpu_warm:.1f} s, "
              f"peak RSS {peak_warm} MB; same verdicts as cold: {same}")
        print(f"reads cold, verdicts cached: total {reread:.1f} s (read {doc_r['read_seconds']} s), "
              f"CPU {cpu_reread:.1f} s")

        view = read_binary(str(pkg.vmlinux), None, Cache(cache))
        layout = view.layout
        modules = pkg.modules
        if pkg.decided:
            print("  (a .deb: the pyelftools and module baselines see only the modules written out)")
        if layout is not None:
            t_elf, n_elf, c_elf = pyelftools_baseline(modules, layout.para or 0, layout.alt, a.jobs)
            print(f"pyelftools baseline (count only, {a.jobs} processes): {t_elf:.1f} s, CPU {c_elf:.1f} s "
                  f"for {len(modules)} modules, {n_elf} outcomes (gate: {module_outcomes}: "
                  f"{'equal' if n_elf == module_outcomes else 'DIFFERENT'}); wall: cold = "
                  f"{cold / t_elf:.2f}x, warm = {warm / t_elf:.2f}x of it; "
                  f"CPU: cold = {cpu_cold / c_elf:.2f}x, reads cold = {cpu_reread / c_elf:.2f}x, "
                  f"warm = {cpu_warm / c_elf:.2f}x")
        per, n = module_baseline(modules, pkg.vmlinux, str(Path(tmp) / "cache-baseline"), a.sample,
                                 Path(a.baseline_tree))
        print(f"module-at-a-time baseline ({a.baseline_tree}): {per * 1000:.0f} ms per module on {n} "
              f"sampled, about {per * len(modules) / a.jobs:.0f} s for all {len(modules)} modules on "
              f"{a.jobs} processes (reading only, DWARF caches filled by the sample; extrapolated)")

        if a.cluster:
            # a fresh cache: the cluster reads and proves everything itself
            dt, doc_c, _, _ = gate(a.package, str(Path(tmp) / "cache-cluster"), a.jobs, a.cluster)

            def index(d: dict) -> dict:
                return {(r["file"], r["address"], r["kind"], r["hex"]): r for r in d["results"]}

            local, remote = index(doc), index(doc_c)
            keys = sum(1 for k in local.keys() | remote.keys()
                       if (local.get(k) or {}).get("key") != (remote.get(k) or {}).get("key"))
            diff = [k for k in local.keys() | remote.keys()
                    if (local.get(k) or {}).get("verdict") != (remote.get(k) or {}).get("verdict")]
            bound = sum(1 for k in diff if "time bound" in (local.get(k) or {}).get("reason", "")
                        + (remote.get(k) or {}).get("reason", ""))
            print(f"--cluster {a.cluster} (cold, own cache): {dt:.1f} s, {len(remote)} outcomes, "
                  f"{keys} with another obligation, {len(diff)} with another verdict than the local "
                  f"pool ({bound} of them a {5.0:.0f} s time bound reached in one run and not the other)")

if __name__ == "__main__":
    main()
