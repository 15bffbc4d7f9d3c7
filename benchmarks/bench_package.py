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
import contextlib
import json
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def gate(package: str, cache: str, jobs: int, cluster: str | None = None) -> tuple[float, dict, int]:
    """One CLI run in a child; (wall seconds, JSON report, peak RSS MB of the child tree's largest)."""
    cmd = [sys.executable, "-m", "pvverify", "gate", "--package", package, "--cache", cache,
           "--format", "json", "--jobs", str(jobs), "--progress", "never"]
    if cluster:
        cmd += ["--cluster", cluster]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = ("import resource, subprocess, sys, time; t = time.monotonic(); "
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "dt = time.monotonic() - t; "
            "sys.stderr.write(p.stderr); "
            "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); "
            "print(p.stdout)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env)
    head, _, body = out.stdout.partition("\n")
    dt, peak = head.split()
    if not body.strip():
        raise SystemExit(f"gate failed: {out.stderr[-2000:]}")
    return float(dt), json.loads(body), int(peak)


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


def pyelftools_baseline(modules: list[Path], para: int, alt: int, jobs: int) -> tuple[float, int]:
    t = time.monotonic()
    with mp.get_context("fork").Pool(jobs) as pool:
        n = sum(pool.imap_unordered(_pyelftools_count, [(str(m), para, alt) for m in modules], chunksize=16))
    return time.monotonic() - t, n


# -- module-at-a-time baseline --------------------------------------------------------------


def _one_at_a_time(args: tuple[str, str, str]) -> int:
    from pvverify.gate import canonical_site, obligation_of
    from pvverify.kernel.binary import read_binary
    from pvverify.kernel.closure import Targets, decoder
    from pvverify.kernel.elf import open_image
    from pvverify.obligation import ObligationError

    path, vmlinux, cache = args
    vm = _VM.get(vmlinux) or _VM.setdefault(vmlinux, open_image(vmlinux))
    b = read_binary(path, vm, Path(cache))
    targets = Targets(b.code, b.arch, (b.ops.address, b.ops.address + b.ops.size))
    canon, md = canonical_site(b.code), decoder(b.arch)
    for o in b.outcomes:
        with contextlib.suppress(ObligationError):
            obligation_of(b, targets, canon, o, md).key()
    return len(b.outcomes)


_VM: dict = {}


def module_baseline(modules: list[Path], vmlinux: Path, cache: str, sample: int,
                    jobs: int) -> tuple[float, int]:
    """Seconds per module (today's --vmlinux path), measured on a sample in one process."""
    from pvverify.kernel.elf import open_image

    _VM[str(vmlinux)] = open_image(vmlinux)  # opened once, as one `gate --vmlinux` run does
    random.seed(13)
    picked = random.sample(modules, min(sample, len(modules)))
    t = time.monotonic()
    for m in picked:
        _one_at_a_time((str(m), str(vmlinux), cache))
    return (time.monotonic() - t) / len(picked), len(picked)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("package")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--sample", type=int, default=100, help="modules timed on the module-at-a-time path")
    p.add_argument("--cluster", help="also gate on Dask (e.g. local:2) and compare every verdict")
    a = p.parse_args()

    from pvverify.kernel.binary import read_binary
    from pvverify.package import open_package

    with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
        pkg = open_package(a.package, tmp)
        cache = str(Path(tmp) / "cache")
        cold, doc, peak_cold = gate(a.package, cache, a.jobs)
        warm, doc_w, peak_warm = gate(a.package, cache, a.jobs)
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
              f"{doc['seconds'] - doc['read_seconds']:.1f} s), peak RSS {peak_cold} MB, jobs {a.jobs}")
        print(f"warm: total {warm:.1f} s (read {doc_w['read_seconds']} s), peak RSS {peak_warm} MB; "
              f"same verdicts as cold: {same}")

        view = read_binary(str(pkg.vmlinux), None, Path(cache))
        layout = view.layout
        modules = pkg.modules
        if pkg.decided:
            print("  (a .deb: the pyelftools and module baselines see only the modules written out)")
        if layout is not None:
            t_elf, n_elf = pyelftools_baseline(modules, layout.para or 0, layout.alt, a.jobs)
            print(f"pyelftools baseline (count only, {a.jobs} processes): {t_elf:.1f} s for "
                  f"{len(modules)} modules, {n_elf} outcomes (gate: {module_outcomes}: "
                  f"{'equal' if n_elf == module_outcomes else 'DIFFERENT'}); "
                  f"cold = {cold / t_elf:.2f}x, warm = {warm / t_elf:.2f}x of it")
        per, n = module_baseline(modules, pkg.vmlinux, cache, a.sample, a.jobs)
        print(f"module-at-a-time baseline: {per * 1000:.0f} ms per module on {n} sampled, about "
              f"{per * len(modules) / a.jobs:.0f} s for all {len(modules)} modules on {a.jobs} processes "
              f"(reading only, warm DWARF caches; extrapolated)")

        if a.cluster:
            dt, doc_c, _ = gate(a.package, cache, a.jobs, a.cluster)
            local = {(r["file"], r["address"], r["kind"], r["hex"]): r["verdict"] for r in rows}
            remote = {(r["file"], r["address"], r["kind"], r["hex"]): r["verdict"] for r in doc_c["results"]}
            diff = sum(1 for k in local.keys() | remote.keys() if local.get(k) != remote.get(k))
            print(f"--cluster {a.cluster} (warm cache): {dt:.1f} s, {len(remote)} outcomes, "
                  f"{diff} with a different verdict from the local pool")


if __name__ == "__main__":
    main()
