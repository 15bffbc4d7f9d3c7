"""`pvverify gate`: every paravirt outcome of kernel binaries, proved or rejected.

The pipeline, each stage plain data into the next:
  elf.open_image -> sites.*_outcomes (Outcome) -> obligations (content-addressed,
  deduplicated) -> check in parallel, through a persistent cache -> reports.

Obligations are made independent of where a site sits: every site is moved
to one canonical address (its rel32 calls re-targeted so they reach the same
functions), so the thousands of sites calling the same op with the same
replacement become one proof. A replacement with other position-dependent
operands (rip-relative data) keeps its real address.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import capstone

from pvverify import __version__, dwarf
from pvverify.arch import I386, X86_64, Arch
from pvverify.ctype import parse_ctype
from pvverify.elf import SHF_ALLOC, SHF_EXECINSTR, ElfError, Image, open_image
from pvverify.obligation import CodeSpec, Obligation, ObligationError
from pvverify.optable import Op, builtin, from_dwarf, from_gdb, strictest
from pvverify.sites import (
    LayoutError,
    OpsTable,
    Outcome,
    RecordShape,
    alt_outcomes,
    kernel_version,
    layout_for,
    para_outcomes,
    retarget,
    series_of,
)
from pvverify.verdict import EXIT_BAD_INPUT, SEVERITY, Result

FRAGMENT = 64  # bytes read for a code fragment outside function symbols
MAX_CALLEES = 24          # functions pulled in below a target before giving up on the rest
NOP5 = bytes.fromhex("0f1f440000")


@dataclass
class OutcomeResult:
    """One outcome with its verdict: a row of every report."""

    file: str
    address: int
    source: str
    op: str
    op_source: str
    kind: str
    feature: str
    hex: str
    disassembly: list[str]
    verdict: str
    reason: str
    key: str
    counterexample: dict | None = None


@dataclass
class Binary:
    """What the gate read from one input: the image the sites are in and the one with the targets."""

    path: str
    arch: Arch
    version: str | None
    sites: Image
    code: Image              # vmlinux: itself; a module: --vmlinux
    ops: OpsTable
    table: dict[int, Op]
    outcomes: list[Outcome]


# -- reading -----------------------------------------------------------------


def _dwarf(path: str, img: Image, arch: Arch, cache: Path | None,
           sites: list[int]) -> dict[int, Op] | None:
    if img.section(".debug_info") is None:
        return None
    ident = _build_id(img) or f"{os.path.getsize(path)}-{int(os.path.getmtime(path))}"
    f = cache / "optables" / f"{ident}-{arch.name}.json" if cache else None
    if f is not None and f.exists():
        return {int(k): Op(**v) for k, v in json.loads(f.read_text()).items()}
    table = from_dwarf(path, arch, sites) or from_gdb(path, arch)
    if table is not None and f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps({k: asdict(v) for k, v in table.items()}))
    return table


def _record_shapes(img: Image, cache: Path | None) -> dict[str, RecordShape] | None:
    """struct alt_instr and paravirt_patch_site as the binary's DWARF lays them out,
    from the unit of the code that applies them (cached like the ops table)."""
    if img.section(".debug_info") is None:
        return None
    ident = _build_id(img) or f"{os.path.getsize(img.path)}-{int(os.path.getmtime(img.path))}"
    f = cache / "records" / f"{ident}.json" if cache else None
    if f is not None and f.exists():
        return {k: (v[0], v[1]) for k, v in json.loads(f.read_text()).items()}
    where = [s.value for n in ("apply_alternatives", "apply_paravirt", "alternative_instructions")
             if (s := img.symbol(n)) is not None]
    shapes = dwarf.find_structs(str(img.path), where, {"alt_instr", "paravirt_patch_site"},
                                lambda d: (dwarf.byte_size(d), dwarf.members(d))) if where else None
    if shapes is not None and f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(shapes))
    return shapes


def _build_id(img: Image) -> str | None:
    s = img.section(".note.gnu.build-id")
    if s is None:
        return None
    data = img.section_data(s)
    return data[16:].hex() if len(data) > 16 else None


def read_binary(path: str, vmlinux: Image | None, cache: Path | None) -> Binary:
    img = open_image(path)
    arch = X86_64 if img.bits == 64 else I386
    code = img
    pv = img.symbol("pv_ops")
    if pv is None and vmlinux is not None:
        code, pv = vmlinux, vmlinux.symbol("pv_ops")
        if img.relocatable:
            img = open_image(path, externs=vmlinux)
    if pv is None:
        raise ElfError(f"{path}: no pv_ops symbol" +
                       ("" if vmlinux else " (for a module, give --vmlinux)"))
    version = kernel_version(img) or kernel_version(code)
    series = series_of(version)
    layout = layout_for(series, _record_shapes(img, cache), path, arch.bits)
    ops = OpsTable(pv.value, pv.size or 0x1000, arch.width)
    outcomes = para_outcomes(img, arch, layout, ops, code) + alt_outcomes(img, arch, layout, ops, code)
    # the DWARF units to read the table from are those of the code's own sites
    sites = [o.site for o in outcomes] if code is img else \
        [o.site for o in para_outcomes(code, arch, layout, ops) + alt_outcomes(code, arch, layout, ops)]
    table = _dwarf(code.path, code, arch, cache, sites) or builtin(series or "", arch) or {}
    return Binary(path, arch, version, img, code, ops, table, outcomes)


# -- obligations ---------------------------------------------------------------


@cache
def _cs(arch: Arch) -> capstone.Cs:
    """One decoder per arch: built once, shared by target scans and report listings."""
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64 if arch.bits == 64 else capstone.CS_MODE_32)
    md.detail = True
    return md


class Targets:
    """Function bytes as the booted kernel runs them, and the functions they reach."""

    def __init__(self, img: Image, arch: Arch, table: tuple[int, int] = (0, 0)) -> None:
        self.img, self.arch, self.md = img, arch, _cs(arch)
        self.table = table  # pv_ops [start, end): calls through it reach its initial targets
        self.slots: dict[int, tuple[tuple[int, bytes], ...]] = {}
        fentry = img.symbol("__fentry__")
        self.fentry = fentry.value if fentry else None
        thunk = img.symbol("__x86_return_thunk")
        self.thunks = (thunk.value,) if thunk else ()
        self.retpolines = tuple(sorted(
            (s.value, r) for r in arch.gprs
            if (s := img.symbol(f"__x86_indirect_thunk_{r}")) is not None and r != arch.sp))
        self._stubs = set(self.thunks) | {a for a, _ in self.retpolines}
        self.code_ranges = tuple(sorted(
            (s.addr, s.addr + s.size) for s in img.sections
            if s.flags & SHF_ALLOC and s.flags & SHF_EXECINSTR and s.size))
        self._code: dict[int, tuple[int, bytes] | None] = {}
        self._closure: dict[int, tuple[tuple[int, bytes], ...]] = {}

    def function(self, addr: int) -> tuple[int, bytes] | None:
        """(start, bytes) from addr to its function's end, with the ftrace call NOPed."""
        if addr in self._code:
            return self._code[addr]
        f = self.img.function_at(addr)
        res = None
        if f is not None and f[1]:
            start, size, _ = f
            data = self.img.read(addr, start + size - addr)
            if data is not None:
                res = (addr, self._unfentry(addr, data))
        self._code[addr] = res
        return res

    def _unfentry(self, addr: int, data: bytes) -> bytes:
        # ftrace turns `call __fentry__` at function entry into a 5-byte NOP at boot
        out = bytearray(data)
        for i, ins in enumerate(self.md.disasm(data[:16], addr)):
            if i > 1:
                break
            off = ins.address - addr
            if ins.size == 5 and data[off] == 0xE8 and self.fentry is not None:
                dest = (ins.address + 5 + int.from_bytes(data[off + 1:off + 5], "little", signed=True)) \
                    & self.arch.mask
                if dest == self.fentry:
                    out[off:off + 5] = NOP5
        return bytes(out)

    def fragment(self, addr: int) -> tuple[int, bytes] | None:
        """Code outside any sized function symbol, up to its first unconditional
        transfer: the `.altinstr_aux` blocks that `static_cpu_has()` jumps to
        before alternatives are applied (they test the feature bit in
        boot_cpu_data, which is what the patched jump would have decided)."""
        if not self.img.executable(addr):
            return None
        end = min((s.addr + s.size for s in self.img.sections
                   if s.flags & SHF_EXECINSTR and s.addr <= addr < s.addr + s.size), default=addr)
        data = self.img.read(addr, min(FRAGMENT, end - addr)) or b""
        end = 0
        for ins in self.md.disasm(data, addr):
            end = ins.address + ins.size - addr
            if ins.mnemonic in ("jmp", "ret", "ud2", "int3") or ins.mnemonic.startswith("ljmp"):
                return addr, data[:end]
        return None

    def callees(self, addr: int) -> tuple[tuple[int, bytes], ...]:
        """Functions reachable from the function at addr (bounded): by direct call or
        jmp first, then functions whose address the code takes (`lea f(%rip)`,
        `mov $f`), which a retpoline call through a register may reach."""
        if addr in self._closure:
            return self._closure[addr]
        seen: dict[int, bytes] = {}
        used: dict[int, bytes] = {}
        root = self.function(addr)
        work = [root] if root else []
        taken: list[int] = []
        covered = [(addr, addr + len(root[1]))] if root else []

        def add(dest: int) -> None:
            if any(lo <= dest < hi for lo, hi in covered) or dest in self._stubs \
                    or dest == self.fentry:
                return
            f = self.img.function_at(dest)
            fn = self.function(f[0]) if f is not None and f[1] else self.fragment(dest)
            if fn is None:
                return
            seen[fn[0]] = fn[1]
            covered.append((fn[0], fn[0] + len(fn[1])))
            work.append(fn)

        while (work or taken) and len(seen) < MAX_CALLEES:
            if not work:
                add(taken.pop(0))
                continue
            start, data = work.pop()
            for ins in self.md.disasm(data, start):
                op = ins.operands[0] if ins.operands else None
                if ins.group(capstone.CS_GRP_JUMP) or ins.group(capstone.CS_GRP_CALL):
                    if op is not None and op.type == capstone.x86.X86_OP_IMM:
                        add(op.imm & self.arch.mask)
                    elif op is not None and op.type == capstone.x86.X86_OP_MEM:
                        slot = self._table_slot(ins, op)
                        if slot is not None:
                            used[slot[0]] = slot[1]
                            add(int.from_bytes(slot[1], "little"))
                elif ins.mnemonic in ("lea", "mov") and len(ins.operands) == 2:
                    src = ins.operands[1]
                    dest = None
                    if src.type == capstone.x86.X86_OP_IMM:
                        dest = src.imm & self.arch.mask
                    elif ins.mnemonic == "lea" and src.mem.base == capstone.x86.X86_REG_RIP:
                        dest = (ins.address + ins.size + src.mem.disp) & self.arch.mask
                    f = self.img.function_at(dest) if dest is not None else None
                    if f is not None and f[0] == dest:
                        taken.append(dest)
        self._closure[addr] = tuple(sorted(seen.items()))
        self.slots[addr] = tuple(sorted(used.items()))
        return self._closure[addr]

    def _table_slot(self, ins: capstone.CsInsn, op) -> tuple[int, bytes] | None:
        """The ops-table slot a `call *pv_ops+N` reads, with its initial contents: a
        nested paravirt call in a native function, which the patcher turns into a
        call to that same initial target."""
        m = op.mem
        if m.index != 0 or m.segment != 0:
            return None
        if m.base == capstone.x86.X86_REG_RIP:
            where = (ins.address + ins.size + m.disp) & self.arch.mask
        elif m.base == 0:
            where = m.disp & self.arch.mask
        else:
            return None
        lo, hi = self.table
        w = self.arch.width
        if not (lo <= where and where + w <= hi and (where - lo) % w == 0):
            return None
        data = self.img.read(where, w)
        return (where, data) if data is not None else None


def _position_free(arch: Arch, md: capstone.Cs, code: bytes, at: int) -> bool:
    """True if code means the same at any address once rel32 call/jmp are re-targeted."""
    for ins in md.disasm(code, at):
        for op in ins.operands:
            if op.type == capstone.x86.X86_OP_MEM and op.mem.base == capstone.x86.X86_REG_RIP:
                return False
        if (ins.group(capstone.CS_GRP_JUMP) or ins.group(capstone.CS_GRP_CALL)) and ins.size != 5:
            op = ins.operands[0] if ins.operands else None
            if op is not None and op.type == capstone.x86.X86_OP_IMM \
                    and not at <= op.imm < at + len(code):
                return False
    return True


def canonical_site(img: Image) -> int:
    """An address no code of the image occupies, within rel32 reach of all of it."""
    lo = min((s.addr for s in img.sections if s.flags & SHF_ALLOC and s.flags & SHF_EXECINSTR
              and s.size), default=0x1000000)
    return lo - 0x10000 if lo >= 0x20000 else lo + 0x8000000


def obligation_of(b: Binary, targets: Targets, canon: int, o: Outcome, md: capstone.Cs) -> Obligation:
    arch = b.arch
    op = b.table.get(o.slot) or strictest(o.slot, arch)
    slot_addr = b.ops.address + o.slot * b.ops.width
    target = b.code.read_word(slot_addr) or 0
    fn = targets.function(target)
    if fn is None:
        raise ObligationError(f"slot {o.slot} ({op.name}) holds {target:#x}, which is no function "
                              "with a size in the symbol table")
    site = canon if _position_free(arch, md, o.replacement, o.site) else o.site
    repl = retarget(arch, o.replacement, o.site, site) if site != o.site else o.replacement
    width = arch.width
    return Obligation(
        name=op.name, arch=arch, convention=op.convention,
        returns=parse_ctype(op.returns, width), args=tuple(parse_ctype(a, width) for a in op.args),
        site_length=o.length, target=CodeSpec(hex=fn[1].hex()), replacement=CodeSpec(hex=repl.hex()),
        address=site, target_address=target, slot=slot_addr,
        regions=targets.callees(target), slots=targets.slots.get(target, ()),
        return_thunks=targets.thunks,
        indirect_thunks=targets.retpolines, unloaded=targets.code_ranges, source=b.path,
    )


# -- proving -------------------------------------------------------------------


def _is_call_to(hexcode: str, at: int, target: int | None) -> bool:
    code = bytes.fromhex(hexcode)
    if target is None or len(code) < 5 or code[0] != 0xE8 or code[5:].strip(b"\x90"):
        return False
    return (at + 5 + int.from_bytes(code[1:5], "little", signed=True)) % (1 << 64) == target \
        or (at + 5 + int.from_bytes(code[1:5], "little", signed=True)) % (1 << 32) == target


def _check_one(item: tuple[str, Obligation, float]) -> tuple[str, dict]:
    key, ob, timeout = item
    from pvverify.check import check
    from pvverify.lift import Limits

    # A direct call to the slot's own target runs the same function on both
    # sides: whatever stops one side stops the other, so stop at the first.
    same = _is_call_to(ob.replacement.hex or "", ob.address or 0, ob.target_address)
    limits = Limits(solver_ms=int(timeout * 1000), seconds=timeout, stop_when_stuck=same)
    try:
        res = check(ob, timeout=timeout, limits=limits)
    except ObligationError as e:
        res = Result("unknown", f"cannot build the obligation: {e}")
    except Exception as e:  # never lose an outcome to a crash
        res = Result("unknown", f"internal error: {type(e).__name__}: {e}")
    return key, res.to_json()


@cache
def model_id() -> str:
    """The tool version plus a digest of its sources: a cached verdict is only as
    good as the model that decided it, so any change to the semantics (even
    without a version bump, as in a development checkout) starts a new cache."""
    h = hashlib.sha256()
    root = Path(__file__).parent
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".txt") and f.is_file():
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return f"{__version__}-{h.hexdigest()[:12]}"


def prove_all(obs: dict[str, Obligation], jobs: int, cache: Path | None, timeout: float,
              progress: bool) -> dict[str, dict]:
    results: dict[str, dict] = {}
    todo = []
    cdir = cache / "results" / model_id() if cache else None
    for key, ob in obs.items():
        f = cdir / key[:2] / f"{key}.json" if cdir else None
        if f is not None and f.exists():
            try:
                results[key] = json.loads(f.read_text())
                continue
            except (OSError, ValueError):
                pass
        todo.append((key, ob, timeout))
    # Longest first, so the slow ones (big callee closures) do not start last
    # and leave the other workers idle at the end.
    todo.sort(key=lambda item: -(sum(len(b) for _, b in item[1].regions) + len(item[1].target.hex or "")))
    done = 0

    def record(key: str, res: dict) -> None:
        nonlocal done
        results[key] = res
        done += 1
        if cdir is not None and "internal error" not in res.get("reason", ""):
            f = cdir / key[:2] / f"{key}.json"
            f.parent.mkdir(parents=True, exist_ok=True)
            tmp = f.with_suffix(".tmp")
            tmp.write_text(json.dumps(res))
            tmp.replace(f)
        if progress:
            print(f"\r  proving {done}/{len(todo)} obligations", end="", file=sys.stderr, flush=True)

    if jobs > 1 and len(todo) > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(jobs) as pool:
            for key, res in pool.imap_unordered(_check_one, todo):
                record(key, res)
    else:
        for item in todo:
            record(*_check_one(item))
    if progress and todo:
        print(file=sys.stderr)
    return results


# -- the command -----------------------------------------------------------------


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pvverify"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pvverify gate", description=__doc__.split("\n")[0])
    p.add_argument("binaries", nargs="+", help="vmlinux, modules (.ko, .ko.xz) or relocatable .o files")
    p.add_argument("--vmlinux", help="the kernel image that supplies pv_ops and its targets to modules")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, help="parallel provers")
    p.add_argument("--cache", default=str(_default_cache()), help="result cache (default %(default)s)")
    p.add_argument("--no-cache", action="store_true", help="prove everything afresh, store nothing")
    p.add_argument("--timeout", type=float, default=5.0,
                   help="time per obligation, seconds (beyond it: unknown)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--sarif", metavar="FILE", help="also write SARIF 2.1.0 here")
    p.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report here")
    p.add_argument("--allow-unknown", action="store_true", help="unknown outcomes do not fail the gate")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto")
    return p


def run(a: argparse.Namespace) -> tuple[list[OutcomeResult], dict]:
    cache = None if a.no_cache else Path(a.cache)
    vm = open_image(a.vmlinux) if a.vmlinux else None
    rows: list[OutcomeResult] = []
    obs: dict[str, Obligation] = {}
    pending: list[tuple[Binary, Outcome, str | None, str]] = []
    t0 = time.monotonic()
    meta: dict = {"binaries": []}
    for path in a.binaries:
        b = read_binary(path, vm, cache)
        targets = Targets(b.code, b.arch, (b.ops.address, b.ops.address + b.ops.size))
        canon = canonical_site(b.code)
        md = _cs(b.arch)
        sources = Counter(op.source.split(";")[0] for op in b.table.values())
        meta["binaries"].append({"file": path, "arch": b.arch.name, "version": b.version,
                                 "outcomes": len(b.outcomes),
                                 "ops_table": dict(sources) or {"strictest": 0}})
        for o in b.outcomes:
            try:
                ob = obligation_of(b, targets, canon, o, md)
                key = ob.key()
                obs.setdefault(key, ob)
                pending.append((b, o, key, ""))
            except ObligationError as e:
                pending.append((b, o, None, str(e)))
    meta["read_seconds"] = round(time.monotonic() - t0, 2)
    progress = a.progress == "always" or (a.progress == "auto" and sys.stderr.isatty())
    results = prove_all(obs, max(1, a.jobs), cache, a.timeout, progress)
    for b, o, key, err in pending:
        op = b.table.get(o.slot) or strictest(o.slot, b.arch)
        res = results.get(key) if key else None
        verdict = res["verdict"] if res else "unknown"
        reason = res["reason"] if res else f"no obligation: {err}"
        rows.append(OutcomeResult(
            b.path, o.site, o.source, op.name, op.source, o.kind, o.feature,
            (o.replacement + b"\x90" * (o.length - len(o.replacement))).hex(),
            _disasm(b.arch, o.replacement, o.site), verdict, reason, key or "",
            res.get("counterexample") if res else None))
    meta["obligations"] = len(obs)
    meta["seconds"] = round(time.monotonic() - t0, 2)
    return rows, meta


def _disasm(arch: Arch, code: bytes, at: int) -> list[str]:
    md = _cs(arch)
    out = [f"{i.mnemonic} {i.op_str}".strip() for i in md.disasm(code, at)]
    return out or ["(nothing: NOPs only)"]


def exit_code(rows: list[OutcomeResult], allow_unknown: bool) -> int:
    verdicts = {r.verdict for r in rows}
    if "not-equivalent" in verdicts:
        return 1
    if "unknown" in verdicts and not allow_unknown:
        return 2
    return 0


def main(argv: list[str]) -> int:
    from pvverify import formats

    a = parser().parse_args(argv)
    try:
        rows, meta = run(a)
    except (ElfError, LayoutError, OSError) as e:
        print(f"pvverify gate: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    totals = Counter(r.verdict for r in rows)
    if a.format == "json":
        print(json.dumps({"results": [formats.row_json(r) for r in rows],
                          "totals": {v: totals.get(v, 0) for v in SEVERITY}, **meta}))
    else:
        print(formats.text_summary(rows, meta))
    if a.sarif:
        Path(a.sarif).write_text(json.dumps(formats.sarif(rows), indent=1))
    if a.junit:
        Path(a.junit).write_text(formats.junit(rows))
    return exit_code(rows, a.allow_unknown)

