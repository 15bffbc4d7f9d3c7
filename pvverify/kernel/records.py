"""Patch sites of a kernel binary and every replacement its patcher may write there.

A *site* is an indirect call through the ops table (`call *pv_ops+off`); an
*outcome* is one replacement the boot-time patcher can write at it. The two
sources (DOMAIN.md 1):

- `.parainstructions` (up to 6.7): the record's type is the slot index; the
  patcher (6.1 `paravirt_patch`) writes a direct `call` to the slot's
  target, nothing at all when the target is `_paravirt_nop`, or `ud2` when
  the slot is empty.
- `.altinstructions`: each record whose original is such an indirect call.
  The replacement is copied with a relative `call`/`jmp` re-targeted to keep
  its destination; an inverted feature only changes *when* it is chosen, so
  it is an outcome either way; a 6.8+ `ALT_FLAG_DIRECT_CALL` record becomes a
  direct call to the target read from the original's slot.

Record layouts are per kernel series (LAYOUTS) and checked against the
binary's DWARF when it has some; an unknown series without DWARF is refused.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import cache

import capstone

from pvverify.arch import Arch
from pvverify.kernel.elf import ElfError, Image


class LayoutError(ValueError):
    """The binary's patch records are in a layout this tool does not know."""


@dataclass(frozen=True)
class Layout:
    series: str
    para: int | None     # .parainstructions record size (None: section gone)
    para_i386: int | None
    alt: int             # alt_instr size
    flags: str           # "cpuid-bit15" | "ft_flags"


LAYOUTS = {
    "6.1": Layout("6.1", 16, 8, 12, "cpuid-bit15"),
    "6.12": Layout("6.12", None, None, 14, "ft_flags"),
}
ALT_FLAG_NOT, ALT_FLAG_DIRECT_CALL = 1, 2
NOP_TARGETS = ("_paravirt_nop", "paravirt_nop", "nop_func")


@dataclass(frozen=True)
class Outcome:
    """One replacement the patcher may write at one site."""

    site: int
    length: int          # bytes at the site
    source: str          # section the record came from
    slot: int            # pv_ops index the original calls through
    call: bytes          # the original indirect call's bytes
    replacement: bytes   # what the patcher writes (unpadded)
    kind: str            # call | nop | ud2 | inline | direct-call
    feature: str = ""    # the alternative's feature condition, for reports


def kernel_version(img: Image) -> str | None:
    """"6.1.0-50-amd64" from linux_banner or a module's vermagic, if present."""
    sym = img.symbol("linux_banner")
    if sym is not None:
        text = img.string_at(sym.value) or ""
        m = re.search(r"Linux version (\S+)", text)
        if m:
            return m.group(1)
    mi = img.section(".modinfo")
    if mi is not None:
        m = re.search(rb"vermagic=(\S+)", img.section_data(mi))
        if m:
            return m.group(1).decode("latin-1")
    return None


def series_of(version: str | None) -> str | None:
    if version is None:
        return None
    m = re.match(r"(\d+)\.(\d+)", version)
    return f"{m.group(1)}.{m.group(2)}" if m else None


# Where the parsers below read each field; a layout read from DWARF must agree.
_ALT_FIELDS = {"cpuid-bit15": {"instr_offset": 0, "repl_offset": 4, "cpuid": 8, "instrlen": 10,
                               "replacementlen": 11},
               "ft_flags": {"instr_offset": 0, "repl_offset": 4, "ft_flags": 8, "instrlen": 12,
                            "replacementlen": 13}}
_PARA_FIELDS = {64: {"instr": 0, "type": 8, "len": 9}, 32: {"instr": 0, "type": 4, "len": 5}}
# .parainstructions records mean "direct call or nop" from 5.13 (templates moved
# to ALT_NOT alternatives) until the section went away; before, native_patch
# wrote per-op templates this tool has no table of.
_PARA_FROM = (5, 13)

RecordShape = tuple[int, dict[str, int]]  # (byte size, member -> offset), from DWARF


def layout_for(series: str | None, shapes: dict[str, RecordShape] | None, path: str,
               bits: int = 64) -> Layout:
    """The record layout: the series' known one, checked against the binary's DWARF
    when it has some; for another series, the one DWARF describes, if its fields
    sit where the parsers read them. Anything else is refused, never guessed."""
    known = LAYOUTS.get(series or "")
    derived = _from_dwarf(series, shapes, path, bits) if shapes else None
    if known is not None and derived is not None:
        size = known.para if bits == 64 else known.para_i386
        if known.alt != derived.alt or (derived.para is not None and size != derived.para):
            raise LayoutError(f"{path}: DWARF says alt_instr is {derived.alt} bytes and "
                              f"paravirt_patch_site {derived.para}, but Linux {series} records are "
                              f"{known.alt} and {size}: refusing to guess")
        return known
    if known is not None:
        return known
    if derived is not None:
        return derived
    raise LayoutError(f"{path}: kernel series {series or '(unknown: no linux_banner/vermagic)'} has "
                      f"no known patch-record layout (known: {', '.join(LAYOUTS)}) and no DWARF "
                      "to read it from")


def _from_dwarf(series: str | None, shapes: dict[str, RecordShape], path: str, bits: int) -> Layout | None:
    alt = shapes.get("alt_instr")
    if alt is None:
        return None
    size, fields = alt
    kind = "ft_flags" if "ft_flags" in fields else "cpuid-bit15"
    if any(fields.get(k) != v for k, v in _ALT_FIELDS[kind].items()):
        raise LayoutError(f"{path}: DWARF's struct alt_instr ({size} bytes: {fields}) is not a layout "
                          "this tool can read")
    para = None
    pps = shapes.get("paravirt_patch_site")
    if pps is not None:
        psize, pfields = pps
        if "clobbers" in pfields:
            raise LayoutError(f"{path}: paravirt_patch_site records carry clobber masks (kernels "
                              "before 5.x): their patch templates are not modelled")
        if any(pfields.get(k) != v for k, v in _PARA_FIELDS[bits].items()):
            raise LayoutError(f"{path}: DWARF's struct paravirt_patch_site ({psize} bytes: {pfields}) "
                              "is not a layout this tool can read")
        version = tuple(int(x) for x in (series or "0.0").split(".")[:2])
        if version < _PARA_FROM:
            raise LayoutError(f"{path}: Linux {series or '?'} patches .parainstructions sites with "
                              "per-op templates (before 5.13), which this tool has no table of")
        para = psize
    return Layout(f"{series or '?'} (DWARF)", para, para, size, kind)


@dataclass(frozen=True)
class OpsTable:
    address: int
    size: int
    width: int

    def slot_of(self, slot_addr: int) -> int | None:
        off = slot_addr - self.address
        if 0 <= off < self.size and off % self.width == 0:
            return off // self.width
        return None


def indirect_slot(arch: Arch, site: int, code: bytes) -> int | None:
    """The slot address of `call *slot(%rip)` / `call *slot` at the start of code."""
    if len(code) < 6 or code[0] != 0xFF or code[1] != 0x15:
        return None
    disp = int.from_bytes(code[2:6], "little", signed=arch.bits == 64)
    return (site + 6 + disp) & arch.mask if arch.bits == 64 else disp


def direct_call(arch: Arch, site: int, target: int) -> bytes:
    rel = (target - (site + 5)) & 0xFFFFFFFF
    return b"\xe8" + rel.to_bytes(4, "little")


@cache
def _lengths(bits: int) -> capstone.Cs:
    """One decoder per mode, without operand detail: retarget only needs where each
    instruction starts (a kernel has thousands of records; building a decoder per
    record cost more than decoding them)."""
    return capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64 if bits == 64 else capstone.CS_MODE_32)


def retarget(arch: Arch, code: bytes, old: int, new: int) -> bytes:
    """Copy code from `old` to `new`, keeping rel32 call/jmp destinations outside it."""
    out = bytearray(code)
    for ins in _lengths(arch.bits).disasm(code, old):
        op = code[ins.address - old]
        if ins.size == 5 and op in (0xE8, 0xE9):
            dest = (ins.address + 5 + int.from_bytes(code[ins.address - old + 1:ins.address - old + 5],
                                                     "little", signed=True)) & arch.mask
            if not old <= dest < old + len(code):
                at = ins.address - old
                rel = (dest - (new + at + 5)) & 0xFFFFFFFF
                out[at + 1:at + 5] = rel.to_bytes(4, "little")
    return bytes(out)


def para_outcomes(img: Image, arch: Arch, layout: Layout, ops: OpsTable,
                  kernel: Image | None = None) -> list[Outcome]:
    """`kernel`: the image holding pv_ops and its targets (the vmlinux, for a module)."""
    kernel = kernel or img
    sec = img.section(".parainstructions")
    size = layout.para if arch.bits == 64 else layout.para_i386
    if sec is None:
        return []
    if size is None:
        raise LayoutError(f"{img.path}: Linux {layout.series} has no .parainstructions, but the "
                          "binary holds one: refusing to guess its layout")
    data = img.section_data(sec)
    if len(data) % size:
        raise LayoutError(f"{img.path}: .parainstructions is {len(data)} bytes, not a multiple of "
                          f"the {size}-byte records of Linux {layout.series}")
    fmt = "<QBB" if arch.bits == 64 else "<IBB"
    nop_addrs = {s.value for n in NOP_TARGETS if (s := kernel.symbol(n)) is not None}
    out = []
    for i in range(0, len(data), size):
        instr, typ, ln = struct.unpack_from(fmt, data, i)
        code = img.read(instr, ln)
        if code is None:
            raise ElfError(f"{img.path}: .parainstructions record {i // size} points at {instr:#x}, "
                           "outside the image")
        slot_addr = indirect_slot(arch, instr, code)
        if slot_addr is None or ops.slot_of(slot_addr) != typ:
            continue  # not a call through pv_ops slot `typ`: nothing the gate proves
        target = kernel.read_word(ops.address + typ * ops.width)
        call = code[:6]
        if target is None:
            raise ElfError(f"{img.path}: pv_ops slot {typ} at {ops.address + typ * ops.width:#x} "
                           f"is outside {kernel.path}")
        if target == 0:
            out.append(Outcome(instr, ln, ".parainstructions", typ, call, b"\x0f\x0b", "ud2"))
        elif target in nop_addrs:
            out.append(Outcome(instr, ln, ".parainstructions", typ, call, b"", "nop"))
        elif ln >= 5:
            out.append(Outcome(instr, ln, ".parainstructions", typ, call,
                               direct_call(arch, instr, target), "call"))
    return out


def alt_outcomes(img: Image, arch: Arch, layout: Layout, ops: OpsTable,
                 kernel: Image | None = None) -> list[Outcome]:
    """`kernel`: the image holding pv_ops and its targets (the vmlinux, for a module)."""
    kernel = kernel or img
    sec = img.section(".altinstructions")
    if sec is None:
        return []
    data = img.section_data(sec)
    size = layout.alt
    if len(data) % size:
        raise LayoutError(f"{img.path}: .altinstructions is {len(data)} bytes, not a multiple of "
                          f"the {size}-byte alt_instr of Linux {layout.series}")
    out = []
    for i in range(0, len(data), size):
        rec = sec.addr + i
        if layout.flags == "cpuid-bit15":
            io, ro, cpuid, ilen, rlen = struct.unpack_from("<iiHBB", data, i)
            feature, flags = cpuid & 0x7FFF, ALT_FLAG_NOT if cpuid & 0x8000 else 0
        else:
            io, ro, ft, ilen, rlen = struct.unpack_from("<iiIBB", data, i)
            feature, flags = ft & 0xFFFF, ft >> 16
        instr = (rec + io) & arch.mask
        repl = (rec + 4 + ro) & arch.mask
        code = img.read(instr, ilen)
        if code is None:
            raise ElfError(f"{img.path}: .altinstructions record {i // size} points at {instr:#x}, "
                           "outside the image")
        slot_addr = indirect_slot(arch, instr, code)
        slot = ops.slot_of(slot_addr) if slot_addr is not None else None
        if slot is None:
            continue
        cond = f"{'!' if flags & ALT_FLAG_NOT else ''}feature {feature >> 5}*32+{feature & 31}"
        if flags & ALT_FLAG_DIRECT_CALL:
            target = kernel.read_word(slot_addr) or 0
            out.append(Outcome(instr, ilen, ".altinstructions", slot, code[:6],
                               direct_call(arch, instr, target), "direct-call", cond))
            continue
        rbytes = img.read(repl, rlen)
        if rbytes is None:
            raise ElfError(f"{img.path}: .altinstructions record {i // size}: replacement at "
                           f"{repl:#x} is outside the image")
        out.append(Outcome(instr, ilen, ".altinstructions", slot, code[:6],
                           retarget(arch, rbytes, repl, instr), "inline", cond))
    return out
