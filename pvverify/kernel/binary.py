"""One kernel binary as the booted kernel sees it: image, version, record layout,
ops table and every outcome its patch records allow.

A module is read against its vmlinux: the vmlinux supplies `pv_ops`, the
slots' initial targets and their code; a relocatable module is laid out so
its rel32 calls reach them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pvverify.arch import I386, X86_64, Arch
from pvverify.cache import Cache, tool_id
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


def _dwarf(path: str, img: Image, arch: Arch, cache: Cache | None,
           sites: list[int]) -> dict[int, Op] | None:
    if img.section(".debug_info") is None:
        return None
    key = {"tool": tool_id(), "image": img.identity(), "arch": arch.name}
    hit = cache.get("optables", key, _valid_table) if cache else None
    if hit is not None:
        return {int(k): Op(**v) for k, v in hit.items()}  # type: ignore[union-attr]
    table = from_dwarf(path, arch, sites) or from_gdb(path, arch)
    if table is not None and cache is not None:
        cache.put("optables", key, {str(k): asdict(v) for k, v in table.items()})
    return table


def _valid_table(payload: object) -> bool:
    if not isinstance(payload, dict):
        return False
    for k, v in payload.items():
        int(k)
        Op(**v)
    return True


def _record_shapes(img: Image, cache: Cache | None) -> dict[str, RecordShape] | None:
    """struct alt_instr and paravirt_patch_site as the binary's DWARF lays them out,
    from the unit of the code that applies them (cached like the ops table)."""
    if img.section(".debug_info") is None:
        return None
    key = {"tool": tool_id(), "image": img.identity()}
    hit = cache.get("records", key, _valid_shapes) if cache else None
    if hit is not None:
        return {k: (v[0], v[1]) for k, v in hit.items()}  # type: ignore[union-attr]
    where = [s.value for n in ("apply_alternatives", "apply_paravirt", "alternative_instructions")
             if (s := img.symbol(n)) is not None]
    shapes = dwarf.find_structs(str(img.path), where, {"alt_instr", "paravirt_patch_site"},
                                lambda d: (dwarf.byte_size(d), dwarf.members(d))) if where else None
    if shapes is not None and cache is not None:
        cache.put("records", key, shapes)
    return shapes


def _valid_shapes(payload: object) -> bool:
    return isinstance(payload, dict) and all(
        isinstance(v, list) and len(v) == 2 and (v[0] is None or isinstance(v[0], int))
        and isinstance(v[1], dict) and all(isinstance(o, int) for o in v[1].values())
        for v in payload.values())


def read_binary(path: str, vmlinux: Image | None, cache: Cache | None,
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
