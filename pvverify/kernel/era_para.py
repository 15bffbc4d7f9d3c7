"""`.parainstructions` (2.6.20 - 6.7): one record per site, the patcher picks the bytes.

The record (`struct paravirt_patch_site`, layout from DWARF) gives the site,
its length, the op's slot index in `pv_ops` and, before 5.x, a clobber mask.
What the patcher writes, per era:

- 5.13 - 6.7 (`paravirt_patch`): a direct `call` to the slot's target,
  nothing when the target is `_paravirt_nop`, `ud2` for an empty slot.
- before 5.13 (`native_patch`, templates.py): the op's template when it has
  one and it fits, else `paravirt_patch_default`: `ud2a` for an empty slot,
  nothing for `_paravirt_nop`, the identity template for
  `_paravirt_ident_64`, a `jmp` for the ops that never return to the site
  (cpu.iret), a direct `call` otherwise; with clobber masks (before 5.x) the
  call only when the site lets the target clobber everything (CLBR_ANY),
  else the indirect call stays.

The site is the indirect call, or (2.6.20 - 2.6.29 i386 irq ops, entry code's
PARA_SITE with a narrow clobber set) the call wrapped in the pushes and pops of
PV_SAVE_REGS / PV_RESTORE_REGS: the original is then the whole wrapper.
The seed era's hypervisor patchers (xen_patch, lguest_patch, vmi_patch) are
kernel/seed.py's, replayed under their backend by kernel/replay.py.
"""

from __future__ import annotations

import struct

from pvverify.kernel.elf import Image
from pvverify.kernel.optable import Op
from pvverify.kernel.records import (
    NOP_TARGETS,
    Layout,
    LayoutError,
    OpsTable,
    Outcome,
    Records,
    Skipped,
    direct_call,
    indirect_ref,
    para_fields,
    table_slot,
    wrapped_ref,
)
from pvverify.kernel.templates import JMP_OPS, LOCK_ASSUMPTION, Templates
from pvverify.x86.arch import Arch

SOURCE = ".parainstructions"
# paravirt_types.h CLBR_* bits, in bit order
CLOBBER_BITS = {64: ("rax", "rcx", "rdx", "rdi", "rsi", "r8", "r9", "r10", "r11"),
                32: ("eax", "ecx", "edx", "edi")}


def _records(img: Image, arch: Arch, layout: Layout):
    """(index, site, type, len, clobbers | None) of every record."""
    sec = img.section(SOURCE)
    if sec is None:
        return
    size = layout.para if arch.bits == 64 else layout.para_i386
    if size is None:
        raise LayoutError(f"{img.path}: Linux {layout.series} has no .parainstructions, but the "
                          "binary holds one: refusing to guess its layout")
    if sec.entsize and sec.entsize != size:
        raise LayoutError(f"{img.path}: .parainstructions sh_entsize is {sec.entsize}, but DWARF's "
                          f"paravirt_patch_site is {size} bytes (field 'sh_entsize')")
    data = img.section_data(sec)
    f = para_fields(layout, arch.bits)
    widths = {"instr": arch.width, "instr_offset": 4, "type": 1, "len": 1, "clobbers": 2}
    used = max(off + widths[k] for k, off in f.items())
    # the last record may lack its tail padding: 5.10's asm emits 12 bytes then
    # `.align 8` before the next one, so the section ends 4 bytes short of 16
    if len(data) % size and len(data) % size < used:
        raise LayoutError(f"{img.path}: .parainstructions is {len(data)} bytes, not a multiple of "
                          f"the {size}-byte records of Linux {layout.series}")
    ptr = "<Q" if arch.bits == 64 else "<I"
    for n, i in enumerate(range(0, len(data) - used + 1, size)):
        if "instr_offset" in f:
            rel = struct.unpack_from("<i", data, i + f["instr_offset"])[0]
            instr = (sec.addr + i + f["instr_offset"] + rel) & arch.mask
        else:
            instr = struct.unpack_from(ptr, data, i + f["instr"])[0]
        clobbers = struct.unpack_from("<H", data, i + f["clobbers"])[0] if "clobbers" in f else None
        yield n, instr, data[i + f["type"]], data[i + f["len"]], clobbers


def _clobber_names(mask: int | None, bits: int) -> tuple[str, ...] | None:
    if mask is None:
        return None
    return tuple(r for b, r in enumerate(CLOBBER_BITS[bits]) if mask & (1 << b))


def para_outcomes(img: Image, arch: Arch, layout: Layout, tables: list[OpsTable],
                  kernel: Image, names: dict[int, Op], templates: Templates | None) -> Records:
    """`names`: the patch template's slots (pv_ops', or the pv_*_ops structs' together)."""
    """Every record as an outcome or a skip. `kernel` holds pv_ops and the targets
    (the vmlinux, for a module); `templates`: native_patch's, before 5.13."""
    out = Records()
    nop_addrs = {s.value for n in NOP_TARGETS if (s := kernel.symbol(n)) is not None}
    ident = kernel.symbol("_paravirt_ident_64")
    ident32 = kernel.symbol("_paravirt_ident_32")
    for n, instr, typ, ln, mask in _records(img, arch, layout):
        where = f"{SOURCE}[{n}]"
        out.covered.append((instr, instr + ln))
        code = img.read(instr, ln)
        if code is None:
            out.skipped.append(Skipped(instr, where, f"the record points at {instr:#x}, outside the image"))
            continue
        ref = indirect_ref(arch, instr, code) or wrapped_ref(arch, instr, code)
        ts = table_slot(tables, ref.address) if ref else None
        if ref is None or ts is None:
            what = "is no indirect call through memory" if ref is None else \
                f"calls through {ref.address:#x}, in no pv_ops* table"
            out.skipped.append(Skipped(instr, where, f"the site ({code.hex()}) {what}; the record's "
                                                     f"type is slot {typ}"))
            continue
        table, slot = ts
        op = names.get(typ)
        opname = op.name if op else f"slot {slot}"
        if table.base is None or table.base + slot != typ:
            out.skipped.append(Skipped(instr, where, f"the record's type is patch-template slot {typ} "
                                                     f"but the site calls through {table.name} slot "
                                                     f"{slot}", opname))
            continue
        target = kernel.read_word(table.address + slot * table.width)
        if target is None:
            out.skipped.append(Skipped(instr, where, f"{table.name} slot {slot} is outside {kernel.path}",
                                       opname))
            continue
        if templates is None:
            got = _default_61(arch, instr, ln, target, nop_addrs)
        else:
            got = _native_patch(arch, instr, ln, target, opname, code, mask, templates, nop_addrs,
                                ident.value if ident else None, ident32.value if ident32 else None)
        if isinstance(got, str):
            out.skipped.append(Skipped(instr, where, got, opname))
        else:
            out.outcomes.append(Outcome(instr, ln, SOURCE, slot, code[:ref.length], got[0], got[1],
                                        got[2], table.name, _clobber_names(mask, arch.bits)))
    return out


Patch = tuple[bytes, str, str] | str  # (replacement, kind, feature), or why there is none


def _default_61(arch, instr, ln, target, nop_addrs) -> Patch:
    """5.13-6.7 paravirt_patch."""
    if target == 0:
        return b"\x0f\x0b", "ud2", ""
    if target in nop_addrs:
        return b"", "nop", ""
    if ln >= 5:
        return direct_call(arch, instr, target), "call", ""
    return f"a {ln}-byte site cannot hold the direct call to {target:#x} (the patcher BUGs)"


def _fitted(code: bytes, ln: int, kind: str, what: str, note: str = "", why: str = "") -> Patch:
    """The patcher writes `code` only when it fits the site; else the record is skipped, saying so."""
    if len(code) > ln:
        return f"{what} does not fit the {ln}-byte site{why}"
    return code, kind, note


def _native_patch(arch, instr, ln, target, opname, code, mask, t: Templates, nop_addrs,
                  ident, ident32) -> Patch:
    """Before 5.13: native_patch, then paravirt_patch_default."""
    tmpl = t.by_op.get(opname)
    if tmpl is not None:
        return _fitted(tmpl, ln, "template", f"the {len(tmpl)}-byte template of {opname}",
                       LOCK_ASSUMPTION if opname in t.lock_ops else "",
                       " (paravirt_patch_insns refuses it)")
    if target == 0:
        if t.ud2 is None:
            return "an empty slot is patched with ud2a, which this binary has no symbol of"
        return _fitted(t.ud2, ln, "ud2", "ud2a")
    if target in nop_addrs:
        return b"", "nop", ""
    if ident32 is not None and target == ident32 and t.ident32 is not None:
        return _fitted(t.ident32, ln, "ident", f"the {len(t.ident32)}-byte identity template")
    if ident is not None and target == ident:
        if t.ident is None:
            return "_paravirt_ident_64 target, but no identity template (mov64) in the binary"
        return _fitted(t.ident, ln, "ident", f"the {len(t.ident)}-byte identity template")
    if opname in JMP_OPS:
        if ln >= 5:
            return direct_call(arch, instr, target, 0xE9), "jmp", ""
        return code, "unchanged", "a site too short for the jmp stays as it is"
    if mask is not None and mask != (1 << len(CLOBBER_BITS[arch.bits])) - 1:
        # paravirt_patch_call: the target may clobber more than the site allows
        return code, "unchanged", f"clobber mask {mask:#x} is not CLBR_ANY: the indirect call stays"
    if ln >= 5:
        return direct_call(arch, instr, target), "call", ""
    return f"a {ln}-byte site cannot hold the direct call to {target:#x}"
