"""Per-op inline templates of the kernels before 5.13, read from the binary itself.

Before 5.13 `.parainstructions` sites were patched by `native_patch`
(arch/x86/kernel/paravirt_patch*.c), which copies a per-op template when the
op has one and it fits, and otherwise falls back to `paravirt_patch_default`.
The templates are data in the vmlinux, never typed in here:

- 5.3 - 5.12: `static const struct patch_xxl patch_data_xxl` and
  `struct patch_lock patch_data_lock` in `.rodata`. Member offsets and sizes
  come from DWARF; a `patch_xxl` member is named `<ops>_<op>` (PATCH_CASE
  pastes `ops##_##m`, so `irq_save_fl` is `irq.save_fl`), a `patch_lock`
  member is the lock op's own name, and `mov64` is the identity template
  (`paravirt_patch_ident_64`).
- 2.6.20 - 5.2: `DEF_NATIVE(ops, op, "...")` symbol pairs
  `start_<ops>_<op>` / `end_<ops>_<op>` (`start_pv_irq_ops_save_fl` while the
  ops lived in separate `pv_*_ops` structs), `start__mov64` for the identity.

The lock templates are only used while the native spinlock ops are in place
(`pv_is_native_spin_unlock()`, `pv_is_native_vcpu_is_preempted()`): an
assumption every such outcome states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pvverify.kernel import dwarf
from pvverify.kernel.elf import Image
from pvverify.kernel.records import LayoutError

LOCK_ASSUMPTION = "assumes the native spinlock ops (pv_is_native_spin_unlock/vcpu_is_preempted)"
# paravirt_patch_default: the ops that never return to the site get a `jmp`
# (2.6.x-5.10: cpu.iret, and the sysret/sysexit ops while they existed)
JMP_OPS = tuple(f"{g}.{op}" for g in ("cpu", "pv_cpu_ops")
                for op in ("iret", "usergs_sysret64", "usergs_sysret32", "irq_enable_sysexit"))


@dataclass
class Templates:
    """What `native_patch` of this binary copies, by op name ("irq.save_fl")."""

    source: str                                  # where they were read, for reports
    by_op: dict[str, bytes] = field(default_factory=dict)
    lock_ops: frozenset[str] = frozenset()       # templates that assume native spinlocks
    ident: bytes | None = None                   # paravirt_patch_ident_64's template
    ident32: bytes | None = None                 # paravirt_patch_ident_32's (before 4.20)
    ud2: bytes | None = None                     # what an empty slot is patched with


def _member_sizes(struct) -> dict[str, tuple[int, int]]:
    """member -> (offset, size) of a struct of byte arrays, from DWARF."""
    out = {}
    for m in struct.iter_children():
        if m.tag != "DW_TAG_member":
            continue
        loc = m.attributes.get("DW_AT_data_member_location")
        t = dwarf.strip(dwarf.type_of(m))
        if loc is None or not isinstance(loc.value, int) or t is None:
            continue
        size = dwarf.byte_size(t)
        if size is None and t.tag == "DW_TAG_array_type":
            elem = dwarf.byte_size(dwarf.strip(dwarf.type_of(t)))
            count = None
            for sub in t.iter_children():
                if sub.tag == "DW_TAG_subrange_type":
                    if "DW_AT_count" in sub.attributes:
                        count = sub.attributes["DW_AT_count"].value
                    elif "DW_AT_upper_bound" in sub.attributes:
                        count = sub.attributes["DW_AT_upper_bound"].value + 1
            size = elem * count if elem is not None and count is not None else None
        if size is not None:
            out[dwarf.name(m) or "?"] = (loc.value, size)
    return out


def patch_data_shapes(path: str, where: list[int]) -> dict[str, dict[str, tuple[int, int]]] | None:
    """struct patch_xxl / patch_lock from the DWARF unit of native_patch."""
    return dwarf.find_structs(path, where, {"patch_xxl", "patch_lock"}, _member_sizes)


def from_patch_data(img: Image, shapes: dict[str, dict[str, tuple[int, int]]] | None,
                    op_names: set[str]) -> Templates | None:
    """5.3-5.12: the templates in patch_data_xxl / patch_data_lock. None if absent."""
    xxl, lock = img.symbol("patch_data_xxl"), img.symbol("patch_data_lock")
    if xxl is None and lock is None:
        return None
    if not shapes:
        raise LayoutError(f"{img.path}: patch_data_xxl/patch_data_lock are in the symbol table but "
                          "DWARF has no struct patch_xxl/patch_lock to read them with "
                          "(field 'patch_xxl')")
    t = Templates("patch_data_xxl/patch_data_lock (.rodata, DWARF layout)")
    locks = set()
    for sym, sname, lockish in ((xxl, "patch_xxl", False), (lock, "patch_lock", True)):
        if sym is None:
            continue
        members = shapes.get(sname)
        if members is None:
            raise LayoutError(f"{img.path}: no DWARF struct {sname} for symbol patch_data_"
                              f"{sname[6:]} (field '{sname}')")
        end = max((o + s for o, s in members.values()), default=0)
        if sym.size and end > sym.size:
            raise LayoutError(f"{img.path}: DWARF struct {sname} is {end} bytes but the symbol "
                              f"patch_data_{sname[6:]} is {sym.size} (field '{sname}')")
        data = img.read(sym.value, end)
        if data is None:
            raise LayoutError(f"{img.path}: patch_data_{sname[6:]} at {sym.value:#x} is outside the image")
        for name, (off, size) in members.items():
            code = data[off:off + size]
            if name == "mov64":
                t.ident = code
                continue
            op = f"lock.{name}" if lockish else _op_of(name, op_names)
            if op is None:
                raise LayoutError(f"{img.path}: {sname} member {name!r} names no op of the ops "
                                  "table: refusing to guess which op it patches")
            t.by_op[op] = code
            if lockish:
                locks.add(op)
    t.lock_ops = frozenset(locks)
    ud2 = img.symbol("ud2a")
    t.ud2 = img.read(ud2.value, ud2.size) if ud2 is not None and ud2.size else None
    return t


def _op_of(member: str, op_names: set[str]) -> str | None:
    """`irq_irq_disable` -> `irq.irq_disable`: PATCH_CASE's `ops##_##m`."""
    head, _, tail = member.partition("_")
    op = f"{head}.{tail}"
    return op if op in op_names else None


def from_symbols(img: Image, op_names: set[str]) -> Templates | None:
    """2.6.20-5.2: DEF_NATIVE's start_/end_ symbol pairs. None if there are none."""
    starts = {s.name[6:]: s.value for s in img.symbols if s.name.startswith("start_") and s.shndx}
    ends = {s.name[4:]: s.value for s in img.symbols if s.name.startswith("end_") and s.shndx}
    pairs = {k: (a, ends[k]) for k, a in starts.items() if k in ends and ends[k] >= a}
    if not pairs:
        return None
    t = Templates("start_<ops>_<op>/end_<ops>_<op> symbol pairs")
    locks = set()
    for op in op_names:
        group, _, name = op.partition(".")
        for key in (f"{group}_{name}", f"pv_{group}_ops_{name}"):
            if key in pairs:
                a, b = pairs[key]
                code = img.read(a, b - a)
                if code is None:
                    raise LayoutError(f"{img.path}: template start_{key} at {a:#x} is outside the image")
                t.by_op[op] = code
                if group in ("lock", "pv_lock_ops"):
                    locks.add(op)
                break
    for key, attr in (("_mov64", "ident"), ("xxl_mov64", "ident"), ("_mov32", "ident32")):
        if key in pairs:
            setattr(t, attr, img.read(pairs[key][0], pairs[key][1] - pairs[key][0]))
    t.lock_ops = frozenset(locks)
    ud2 = img.symbol("ud2a")
    t.ud2 = img.read(ud2.value, ud2.size) if ud2 is not None and ud2.size else None
    return t
