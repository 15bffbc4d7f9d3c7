"""The seed era's own patchers: Xen's `xen_patch`, lguest's `lguest_patch`, VMI's `vmi_patch`.

Before 5.13 the patcher is itself a slot (`pv_init_ops.patch`; `init.patch` in
`pv_ops` from 4.20), and until 4.13 a hypervisor's init code put its own there;
kernel/backends.py finds that write, kernel/replay.py asks here when the slot
holds one of these under a backend. Each is replayed as the kernel sources of
its era wrote it, its templates read from the binary by symbol, never typed in:

- `xen_patch` (arch/x86/xen/enlighten.c, v2.6.24 - v4.12; arch/i386/xen/ in
  v2.6.23; removed in v4.13): for irq_enable, irq_disable, save_fl and
  restore_fl (its `SITE` macro), with vcpu_info placement, the bytes from
  `xen_<op>_direct` to `xen_<op>_direct_end` (`ENDPATCH` in xen-asm*.S) are
  copied when they fit the site (`paravirt_patch_insns`), and when
  `xen_<op>_direct_reloc` (`RELOC(x, v)`: the rel32 of the embedded `call
  check_events`, 0 where there is none) lies strictly inside them, `start -
  addr` is added to the `long` there (`*relocp += delta`), so the call keeps
  its destination. Any other op, a template that does not fit, and these ops
  without placement: `paravirt_patch_default`. The template is proved against
  the call to `xen_<op>_direct`, the function it is cut from, which
  `xen_setup_vcpu_info_placement` puts in the slot under the same condition
  (`have_vcpu_info_placement`): an assumption each such outcome states.
- `lguest_patch` (arch/x86/lguest/boot.c, v2.6.23 - v4.13): the static table
  `lguest_insns`, indexed by the record's type, holds `{start, end}` pairs
  (`lgstart_<x>`/`lgend_<x>`, LGUEST_PATCH in i386_head.S / head_32.S): the
  template is copied (memcpy, nothing relocated) when there is one and it fits,
  else `paravirt_patch_default`; proved against what lguest_init put in the slot.
- `vmi_patch` (arch/x86/kernel/vmi_32.c, v2.6.21 - v2.6.36): for irq_disable,
  irq_enable, restore_fl, save_fl, iret and irq_enable_sysexit,
  `patch_internal` asks the VMI ROM (`get_reloc`) and writes `call`/`jmp` to a
  ROM entry (CALL_REL / JUMP_REL), nothing (NOP) or leaves the site (NONE);
  every other op keeps its site (`return len`). The ROM is the hypervisor's
  (`probe_vmi_rom` scans 0xC0000-0xE0000 at boot), not in the binary: NONE is
  the site itself; NOP is proved against `vmi_nop`, which `para_fill` puts in
  the slot on the same answer (iret and sysexit, which `activate_vmi` poisons:
  against the slot's value); CALL_REL / JUMP_REL cannot be built and are
  skipped, saying why.
"""

from __future__ import annotations

from dataclasses import replace

from pvverify.kernel.elf import Image
from pvverify.kernel.era_para import para_outcomes
from pvverify.kernel.optable import Op
from pvverify.kernel.records import Layout, OpsTable, Outcome, Records, Skipped
from pvverify.kernel.templates import Templates
from pvverify.x86.arch import Arch

PATCHERS = ("xen_patch", "lguest_patch", "vmi_patch")
PATCH_OPS = ("init.patch", "pv_init_ops.patch")
IRQ = ("irq", "pv_irq_ops")
XEN_OPS = ("irq_enable", "irq_disable", "save_fl", "restore_fl")
VMI_IRQ = ("irq_disable", "irq_enable", "restore_fl", "save_fl")
VMI_CPU = ("iret", "irq_enable_sysexit", "irq_enable_syscall_ret")
XEN_ASSUMPTION = ("xen_patch inlines xen_<op>_direct only with vcpu_info placement, under which "
                  "xen_setup_vcpu_info_placement has put that function in the slot")
VMI_ASSUMPTION = "a VMI ROM answering NOP for an irq op has para_fill put vmi_nop in its slot"
VMI_ROM = ("vmi_patch asks the VMI ROM (patch_internal: get_reloc) whether to write `call`/`jmp` "
           "to a ROM entry (CALL_REL/JUMP_REL); the ROM is the hypervisor's, found at boot "
           "(probe_vmi_rom, 0xC0000-0xE0000), not in the binary: those outcomes cannot be built")


def patch_slot(tables: list[OpsTable], names: dict[int, Op]) -> int | None:
    """The address of the patcher's own slot (`pv_init_ops.patch`, `init.patch`)."""
    k = next((s for s, o in names.items() if o.name in PATCH_OPS), None)
    for t in tables:
        if k is not None and t.base is not None and t.base <= k < t.base + t.size // t.width:
            return t.address + (k - t.base) * t.width
    return None


def patcher(code: Image, view, tables: list[OpsTable], names: dict[int, Op]) -> str | None:
    """What the patch slot holds under `view`, when the replay must differ from
    native_patch's: one of PATCHERS, or the name of a patcher not replayed. None
    for the static patcher and for `paravirt_patch_default` (replay.py's own cases)."""
    addr = patch_slot(tables, names)
    v = view.read_word(addr) if addr is not None else None
    if v is None or v == code.read_word(addr):
        return None
    for n in (*PATCHERS, "paravirt_patch_default"):
        s = code.symbol(n)
        if s is not None and s.value == v:
            return n if n in PATCHERS else None
    f = code.function_at(v)
    return f[2] if f is not None and f[0] == v else f"{v:#x}"


def outcomes(name: str, img: Image, arch: Arch, layout: Layout, tables: list[OpsTable], view,
             names: dict[int, Op], tmpl: Templates, code: Image) -> Records:
    """Every record's outcomes under the patcher `name`: paravirt_patch_default's,
    with the records of the ops it patches itself replaced by its own."""
    default = Templates(f"{tmpl.source} (under {name}: paravirt_patch_default)", {}, frozenset(),
                        tmpl.ident, tmpl.ident32, tmpl.ud2)
    base = para_outcomes(img, arch, layout, tables, view, names, default)
    out = Records(skipped=base.skipped, not_pv=base.not_pv, covered=base.covered, rule=base.rule,
                  assumptions=list(base.assumptions))
    lguest = _lguest_table(code, arch) if name == "lguest_patch" else None
    for o in base.outcomes:
        t = next(t for t in tables if t.name == o.table)
        typ = (t.base or 0) + o.slot
        op = names.get(typ)
        opname = op.name if op else f"slot {o.slot}"
        group, _, short = opname.rpartition(".")
        site = img.read(o.site, o.length) or b""
        if name == "xen_patch":
            got = _xen(o, group, short, site, arch, code, view.read_word(t.address + o.slot * t.width))
        elif name == "lguest_patch":
            if lguest is None:
                out.skipped.append(Skipped(o.site, o.source, "lguest_patch's template table "
                                           "lguest_insns is not in the symbol table", opname))
                continue
            got = _lguest(o, typ, site, lguest, code)
        elif name == "vmi_patch":
            got = _vmi(o, group, short, site, code)
            if _vmi_patches(group, short):
                out.skipped.append(Skipped(o.site, o.source, VMI_ROM, opname))
        else:
            out.skipped.append(Skipped(o.site, o.source, f"the patcher slot holds {name}, a patcher "
                                                         "this tool does not replay", opname))
            continue
        out.outcomes += got
        for g in got:
            if g.feature in (XEN_ASSUMPTION, VMI_ASSUMPTION) and g.feature not in out.assumptions:
                out.assumptions.append(g.feature)
    return out


def _xen(o: Outcome, group: str, short: str, site: bytes, arch: Arch, code: Image,
         value: int | None) -> list[Outcome]:
    """xen_patch: the template (with vcpu_info placement) beside the default outcome
    (without it, when the slot holds something else)."""
    start, end = code.symbol(f"xen_{short}_direct"), code.symbol(f"xen_{short}_direct_end")
    if group not in IRQ or short not in XEN_OPS or start is None or end is None:
        return [o]
    n = end.value - start.value
    keep = [o] if value != start.value else []
    if not 0 < n <= o.length:
        return [o]  # paravirt_patch_default, whatever the slot holds
    # apply_paravirt: insnbuf holds the site's bytes; paravirt_patch_insns copies the template
    buf = bytearray(site)
    buf[:n] = code.read(start.value, n) or b""
    reloc = code.symbol(f"xen_{short}_direct_reloc")
    r = reloc.value if reloc is not None else 0
    if start.value < r < end.value:  # `reloc > start && reloc < end`: *relocp += start - addr
        off, w = r - start.value, arch.width
        buf += bytes(max(0, off + w - len(buf)))  # insnbuf is MAX_PATCH_LEN long
        v = (int.from_bytes(buf[off:off + w], "little") + start.value - o.site) % (1 << 8 * w)
        buf[off:off + w] = v.to_bytes(w, "little")
    return keep + [Outcome(o.site, o.length, o.source, o.slot, o.call, bytes(buf[:n]), "template",
                           XEN_ASSUMPTION, o.table, o.clobbers, target=start.value)]


def _lguest_table(code: Image, arch: Arch) -> list[tuple[int, int]] | None:
    """lguest_insns: `{const char *start, *end}` per patch-template slot."""
    s = code.symbol("lguest_insns")
    data = code.read(s.value, s.size) if s is not None and s.size else None
    if data is None:
        return None
    w = arch.width
    words = [int.from_bytes(data[i:i + w], "little") for i in range(0, len(data) - w + 1, w)]
    return list(zip(words[0::2], words[1::2], strict=False))


def _lguest(o: Outcome, typ: int, site: bytes, table: list[tuple[int, int]], code: Image
            ) -> list[Outcome]:
    if typ >= len(table) or not table[typ][0]:
        return [o]
    start, end = table[typ]
    n = end - start
    tmpl = code.read(start, n) if n > 0 else None
    if tmpl is None or n > o.length:
        return [o]
    return [Outcome(o.site, o.length, o.source, o.slot, o.call, tmpl, "template", "", o.table,
                    o.clobbers)]


def _vmi_patches(group: str, short: str) -> bool:
    """The ops vmi_patch hands to patch_internal."""
    return group in IRQ and short in VMI_IRQ or group in ("cpu", "pv_cpu_ops") and short in VMI_CPU


def _vmi(o: Outcome, group: str, short: str, site: bytes, code: Image) -> list[Outcome]:
    """VMI_RELOCATION_NONE (the site as it is) and NOP (nothing, against vmi_nop)."""
    unchanged = replace(o, replacement=site, kind="unchanged", feature="")
    irq = group in IRQ and short in VMI_IRQ
    if not _vmi_patches(group, short):
        return [unchanged]  # vmi_patch: `return len`
    nop = code.symbol("vmi_nop")
    if irq and nop is None:
        return [unchanged]
    return [unchanged, replace(o, replacement=b"", kind="nop", feature=VMI_ASSUMPTION if irq else "",
                               target=nop.value if irq else None)]
