"""One kernel binary as the booted kernel sees it: image, version, record layout,
ops tables and every outcome (or skip) its patch records allow.

A module is read against its vmlinux: the vmlinux supplies the `pv_ops*`
arrays, the slots' initial targets and their code, the ops tables' DWARF,
and the record layout when the module has no DWARF of its own for it; a
relocatable module is laid out so its rel32 calls reach them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from pvverify.kernel import dwarf, replay, templates
from pvverify.kernel.elf import ElfError, Image, open_image
from pvverify.kernel.era_alt import alt_outcomes
from pvverify.kernel.era_para import para_outcomes
from pvverify.kernel.optable import (
    Op,
    builtin,
    from_gdb,
    strictest,
    tables_from_dwarf,
    template_from_dwarf,
)
from pvverify.kernel.records import (
    Layout,
    LayoutError,
    OpsTable,
    Outcome,
    Records,
    RecordShape,
    kernel_version,
    layout_for,
    ops_tables,
    series_of,
    series_tuple,
)
from pvverify.kernel.unpatched import Unpatched, scan
from pvverify.util.cache import Cache, tool_id
from pvverify.x86.arch import I386, X86_64, Arch

# functions whose compilation units define the ops arrays and apply the records
_OPS_UNITS = ("paravirt_patch", "paravirt_patch_default", "native_patch", "paravirt_set_cap",
              "_paravirt_ident_64", "__native_queued_spin_unlock", "pv_is_native_spin_unlock")
_RECORD_UNITS = ("apply_alternatives", "apply_paravirt", "alternative_instructions")
TEMPLATES_UNTIL = (5, 13)  # before: native_patch copies per-op templates


@dataclass
class Binary:
    """What the gate read from one input: the image the sites are in and the one with the targets."""

    path: str
    arch: Arch
    version: str | None
    sites: Image
    code: Image              # vmlinux: itself; a module: --vmlinux
    tables: list[OpsTable]   # pv_ops first
    # table -> slot -> op; "pv_ops" is the patch template (before 4.20, the
    # pv_*_ops structs together: a table's slot is at its `base` there)
    names: dict[str, dict[int, Op]]
    records: Records
    unpatched: list[Unpatched] = field(default_factory=list)
    templates: str = ""      # where the pre-5.13 templates were read, if used
    layout: Layout | None = None  # the record layout read (a package run reuses the vmlinux's)
    backends: object = None  # kernel.backends.Findings of the vmlinux (None: not recovered)
    backend_slots: dict = field(default_factory=dict)  # {backend: {op: target symbol(s)}}

    @property
    def outcomes(self) -> list[Outcome]:
        return self.records.outcomes

    @property
    def ops(self) -> OpsTable:
        """The first ops table (pv_ops)."""
        return self.tables[0]

    def table(self, name: str) -> OpsTable:
        return next(t for t in self.tables if t.name == name)

    def op(self, table: str, slot: int) -> Op:
        t = self.table(table)
        if t.name not in self.names and t.base is not None:
            op = self.names.get("pv_ops", {}).get(t.base + slot)
        else:
            op = self.names.get(t.name, {}).get(slot)
        return op or strictest(slot, self.arch)

    def ops_count(self, t: OpsTable) -> int:
        """How many of a table's slots have a known op."""
        unknown = strictest(0, self.arch).source
        return sum(1 for s in range(t.size // t.width) if self.op(t.name, s).source != unknown)


def _cached(cache: Cache | None, kind: str, img: Image, extra: str, where: list[int], compute, load,
            dump):
    """What DWARF says, computed once per image and tool version: named by the build
    ID and a digest of the DWARF the units at `where` are read from (a build ID
    survives edits after linking; gdb's fallback for the ops table, when those units
    lack it, reads units the digest does not cover); an entry that does not load is
    recomputed."""
    if cache is None:
        return compute()
    key = {"tool": tool_id(), "image": img.identity(), "extra": extra,
           "dwarf": dwarf.digest(str(img.path), where)}

    def valid(payload: object) -> bool:
        try:
            load(payload)
            return True
        except (TypeError, ValueError, KeyError, AttributeError):
            return False

    hit = cache.get(kind, key, valid) if cache else None
    if hit is not None:
        return load(hit)
    value = compute()
    if value is not None and cache is not None:
        cache.put(kind, key, dump(value))
    return value


def _op_names(img: Image, arch: Arch, tables: list[OpsTable], cache: Cache | None,
              sites: list[int]) -> dict[str, dict[int, Op]]:
    """Each table's slots from DWARF (cached per build id), else the built-in capture."""
    if img.section(".debug_info") is None:
        return {}
    where = [s.value for n in _OPS_UNITS if (s := img.symbol(n)) is not None] + sites[:16]
    sizes = {t.name: t.size for t in tables}

    def compute():
        found = tables_from_dwarf(img.path, arch, where, sizes)
        if not found or "pv_ops" not in found:
            gdb = from_gdb(img.path, arch)
            if gdb is not None:
                found = {**(found or {}), "pv_ops": gdb}
        return found

    return _cached(cache, "optables2", img, arch.name, where, compute,
                   lambda d: {t: {int(k): Op(**{**v, "args": tuple(v["args"])}) for k, v in ops.items()}
                              for t, ops in d.items()},
                   lambda v: {t: {str(k): asdict(o) for k, o in ops.items()} for t, ops in v.items()}) or {}


def _record_shapes(img: Image, cache: Cache | None) -> dict[str, RecordShape] | None:
    """struct alt_instr and paravirt_patch_site as the binary's DWARF lays them out,
    from the unit of the code that applies them (cached like the ops table)."""
    if img.section(".debug_info") is None:
        return None
    where = [s.value for n in _RECORD_UNITS if (s := img.symbol(n)) is not None]
    if not where:
        return None
    return _cached(cache, "records2", img, "", where,
                   lambda: dwarf.find_structs(str(img.path), where, {"alt_instr", "paravirt_patch_site"},
                                              lambda d: (dwarf.byte_size(d), dwarf.members(d))),
                   _load_shapes, lambda v: v)


def _old_tables(code: Image, arch: Arch, tables: list[OpsTable], cache: Cache | None,
                path: str) -> tuple[list[OpsTable], dict[str, dict[int, Op]]]:
    """Before 4.20: each pv_*_ops struct's place in paravirt_patch_template, from DWARF."""
    where = [s.value for n in _OPS_UNITS + _RECORD_UNITS if (s := code.symbol(n)) is not None]
    found = _cached(cache, "template", code, arch.name, where,
                    lambda: template_from_dwarf(code.path, arch, where) if where else None,
                    lambda d: ({k: int(v) for k, v in d[0].items()},
                               {int(k): Op(**{**v, "args": tuple(v["args"])}) for k, v in d[1].items()}),
                    lambda v: (v[0], {str(k): asdict(o) for k, o in v[1].items()}))
    if found is None:
        raise LayoutError(f"{path}: the ops are separate pv_*_ops structs (before 4.20), whose place in "
                          "the patch template only DWARF's struct paravirt_patch_template gives, and "
                          f"{code.path} has none (field 'paravirt_patch_template')")
    members, ops = found
    placed = []
    for t in tables:
        off = members.get(t.name)
        if off is None or off % t.width:
            raise LayoutError(f"{path}: {t.name} is no member of struct paravirt_patch_template "
                              f"(members: {', '.join(members)})")
        placed.append(OpsTable(t.name, t.address, t.size, t.width, off // t.width))
    return placed, {"pv_ops": ops}


def _load_shapes(d: dict) -> dict[str, RecordShape]:
    out = {}
    for k, (size, members) in d.items():
        if not isinstance(size, int) or not all(isinstance(o, int) for o in members.values()):
            raise ValueError(f"cached shape of {k} is not sizes and offsets")
        out[k] = (size, dict(members))
    return out


def _templates(code: Image, names: dict[int, Op], cache: Cache | None) -> templates.Templates | None:
    op_names = {o.name for o in names.values()}
    native = code.symbol("native_patch")
    where = [native.value] if native is not None else []
    shapes = _cached(cache, "patchdata", code, "", where,
                     lambda: templates.patch_data_shapes(code.path, where) if where else None,
                     lambda d: {k: {m: tuple(x) for m, x in v.items()} for k, v in d.items()},
                     lambda v: v) if code.section(".debug_info") is not None else None
    return templates.from_patch_data(code, shapes, op_names) or templates.from_symbols(code, op_names)


def read_binary(path: str, vmlinux: Image | None, cache: Cache | None,
                kernel: Binary | None = None) -> Binary:
    """The ops tables (the binary's, else --vmlinux's), the kernel series, the record
    layout (DWARF, checked against the series), each table's slots, the pre-5.13
    templates, then every record (era_para, era_alt) and the unpatched scan.
    Raises ElfError / LayoutError naming the file and the field it cannot read.

    `kernel`: the vmlinux already read (a package run reads it once): a module
    of that same kernel release takes its layout, ops tables and slot types from
    it instead of reading them again."""
    if kernel is not None:
        module = _module_of(path, kernel)
        if module is not None:
            return module
        vmlinux = kernel.code
    img = open_image(path)
    arch = X86_64 if img.bits == 64 else I386
    code = img
    tables = ops_tables(img, arch.width)
    if not tables and vmlinux is not None:
        if vmlinux.bits != img.bits:
            raise ElfError(f"{path}: ELF{img.bits}, but --vmlinux {vmlinux.path} is ELF{vmlinux.bits}")
        code, tables = vmlinux, ops_tables(vmlinux, arch.width)
        if img.relocatable:
            img = open_image(path, externs=vmlinux)
    if not tables:
        raise ElfError(f"{path}: no pv_ops symbol" +
                       ("" if vmlinux else " (for a module, give --vmlinux)"))
    version = kernel_version(img) or kernel_version(code)
    if code is not img:
        kv = kernel_version(code)
        if version and kv and version.split()[0] != kv:
            raise ElfError(f"{path}: built for Linux {version.split()[0]}, but --vmlinux "
                           f"{code.path} is Linux {kv}")
    series = series_of(version)
    shapes = _record_shapes(img, cache)
    if (not shapes or "alt_instr" not in shapes) and code is not img:
        shapes = _record_shapes(code, cache)  # the module's records are the kernel's structs
    layout = layout_for(series, shapes, path, arch.bits)
    own = [] if code is not img else [
        s.value for n in _RECORD_UNITS if (s := img.symbol(n)) is not None]
    if any(t.base is None and t.name != "pv_ops_lock" for t in tables):
        tables, names = _old_tables(code, arch, tables, cache, path)
    else:
        names = _op_names(code, arch, tables, cache, own)
    if "pv_ops" not in names:
        table = builtin(series or "", arch)
        if table:
            names["pv_ops"] = table
    tmpl = None
    if img.section(".parainstructions") is not None and series is None:
        raise LayoutError(f"{path}: no linux_banner or vermagic: which patcher applies its "
                          ".parainstructions (templates before 5.13, a direct call after) is unknown")
    if img.section(".parainstructions") is not None and series_tuple(series) < TEMPLATES_UNTIL:
        if "pv_ops" not in names:
            raise LayoutError(f"{path}: Linux {series or '?'} patches with per-op templates, which are "
                              "matched to ops by name, but the ops table has no DWARF here")
        tmpl = _templates(code, names["pv_ops"], cache)
        if tmpl is None:
            raise LayoutError(f"{path}: Linux {series or '?'} patches .parainstructions with per-op "
                              "templates, but neither patch_data_xxl/patch_data_lock nor "
                              f"start_/end_ template symbols are in {code.path}")
    records = para_outcomes(img, arch, layout, tables, code, names.get("pv_ops", {}), tmpl)
    records.extend(alt_outcomes(img, arch, layout, tables, code, series))
    if tmpl is not None and tmpl.lock_ops and any(o.feature == templates.LOCK_ASSUMPTION
                                                  for o in records.outcomes):
        records.assumptions.append(templates.LOCK_ASSUMPTION)
    found = replay.findings_of(code, arch, tables, cache)
    records = replay.per_backend(img, arch, layout, tables, code, names, tmpl, series, records, found)
    unpatched = scan(img, arch, tables, records.covered)
    b = Binary(path, arch, version, img, code, tables, names, records, unpatched,
               tmpl.source if tmpl else "", layout, found)
    b.backend_slots = replay.summary(found, code, lambda t, s: b.op(t, s).name
                                     if any(x.name == t for x in tables) else f"static_call {t}")
    return b


def _module_of(path: str, kernel: Binary) -> Binary | None:
    """A relocatable module read against a vmlinux read before: one open, no DWARF,
    the kernel's layout and tables. None (read it the long way, with its own
    checks and messages) unless it is a module of that very release, in a
    series whose `.parainstructions` need no per-op templates."""
    if kernel.layout is None or kernel.templates:
        return None
    img = open_image(path, externs=kernel.code)
    version = kernel_version(img)
    if not img.relocatable or img.bits != kernel.code.bits or ops_tables(img, kernel.arch.width) \
            or version is None or version.split()[0] != kernel.version:
        return None
    arch, layout, code = kernel.arch, kernel.layout, kernel.code
    if img.section(".parainstructions") is not None and series_tuple(series_of(version)) < TEMPLATES_UNTIL:
        return None
    records = para_outcomes(img, arch, layout, kernel.tables, code, kernel.names.get("pv_ops", {}), None)
    records.extend(alt_outcomes(img, arch, layout, kernel.tables, code, series_of(version)))
    found = kernel.backends if kernel.backends is not None else replay.findings_of(code, arch, kernel.tables)
    records = replay.per_backend(img, arch, layout, kernel.tables, code, kernel.names, None,
                                 series_of(version), records, found)
    unpatched = scan(img, arch, kernel.tables, records.covered)
    return Binary(path, arch, version, img, code, kernel.tables, kernel.names, records, unpatched, "",
                  layout, found, kernel.backend_slots)
