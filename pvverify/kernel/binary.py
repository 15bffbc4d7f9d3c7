"""One kernel binary as the booted kernel sees it: image, version, record layout,
ops table and every outcome its patch records allow.

A module is read against its vmlinux: the vmlinux supplies `pv_ops`, the
slots' initial targets and their code; a relocatable module is laid out so
its rel32 calls reach them.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from pvverify.arch import I386, X86_64, Arch
from pvverify.kernel import dwarf
from pvverify.kernel.elf import ElfError, Image, open_image
from pvverify.kernel.optable import Op, builtin, from_dwarf, from_gdb
from pvverify.kernel.records import (
    Layout,
    OpsTable,
    Outcome,
    RecordShape,
    alt_outcomes,
    kernel_version,
    layout_for,
    para_outcomes,
    series_of,
)


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
    layout: Layout | None = None


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


def build_id(img: Image) -> str | None:
    """The linker's build ID note, hex: what identifies a vmlinux for the caches."""
    return _build_id(img)


def _build_id(img: Image) -> str | None:
    s = img.section(".note.gnu.build-id")
    if s is None:
        return None
    data = img.section_data(s)
    return data[16:].hex() if len(data) > 16 else None


def read_binary(path: str, vmlinux: Image | None, cache: Path | None,
                kernel: Binary | None = None) -> Binary:
    """`kernel`: the vmlinux already read (a package run reads it once): a module
    of that same kernel release takes its layout, ops table and slot types from
    it instead of reading them again."""
    if kernel is not None:
        module = _module_of(path, kernel)
        if module is not None:
            return module
        vmlinux = kernel.code
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
    return Binary(path, arch, version, img, code, ops, table, outcomes, layout)


def _module_of(path: str, kernel: Binary) -> Binary | None:
    """A relocatable module read against a vmlinux read before; None when the module
    is not of the vmlinux's release (its own DWARF and version then decide)."""
    if kernel.layout is None:
        return None
    img = open_image(path, externs=kernel.code)
    version = kernel_version(img)
    if not img.relocatable or img.symbol("pv_ops") is not None or version != kernel.version:
        return None
    ops, code, arch = kernel.ops, kernel.code, kernel.arch
    if (X86_64 if img.bits == 64 else I386) != arch:
        return None
    outcomes = para_outcomes(img, arch, kernel.layout, ops, code) + \
        alt_outcomes(img, arch, kernel.layout, ops, code)
    return Binary(path, arch, version, img, code, ops, kernel.table, outcomes, kernel.layout)
