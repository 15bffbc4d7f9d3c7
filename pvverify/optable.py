"""The paravirt ops table: what each pointer-sized slot of `pv_ops` is.

A slot's convention and signature decide what the gate compares, so they come
from the best source available, and every outcome's report names it:

1. `dwarf`: the binary's own DWARF (`struct paravirt_patch_template`), read
   directly (pyelftools, one compilation unit found through `.debug_aranges`
   from a paravirt site: well under a second on a 300 MB vmlinux), or, when
   that cannot be done, with gdb's `ptype/o` (reads all of DWARF: 10-20 s).
2. `builtin`: the same gdb output captured from a Debian kernel of that
   version (pvverify/data), used when the binary has no DWARF.
3. `strictest`: nothing known. The slot is callee-save (only the return
   register may change) and returns a full-width word, the assumption under
   which the fewest replacements pass.

A `struct paravirt_callee_save` member is callee-save (PV_CALLEE_SAVE ops);
its `void *func` hides the prototype, so the return type of those ops comes
from paravirt.h (CALLEE_SAVE_RETURNS below).
"""

from __future__ import annotations

import mmap
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib import resources

from elftools.common.exceptions import ELFError as PyElfError
from elftools.dwarf.dwarfinfo import DebugSectionDescriptor
from elftools.elf.elffile import ELFFile

from pvverify.arch import Arch


@dataclass(frozen=True)
class Op:
    """One ops-table slot."""

    slot: int            # index in pv_ops (pointer-sized slots)
    name: str            # e.g. "irq.save_fl"
    convention: str      # pvverify convention name
    returns: str         # type word
    args: tuple[str, ...]
    source: str          # dwarf | builtin | strictest


# paravirt.h: what the callee-save ops return (their DWARF type is `void *func`).
CALLEE_SAVE_RETURNS = {
    "save_fl": "ulong", "irq_disable": "void", "irq_enable": "void", "read_cr2": "ulong",
    "queued_spin_unlock": "void", "vcpu_is_preempted": "bool",
    "pte_val": "u64", "pgd_val": "u64", "pmd_val": "u64", "pud_val": "u64", "p4d_val": "u64",
    "make_pte": "u64", "make_pgd": "u64", "make_pmd": "u64", "make_pud": "u64", "make_p4d": "u64",
}

_LINE = re.compile(r"^/\*\s*(\d+)(?::\s*\d+)?\s*\|\s*(\d+)\s*\*/\s*(.*)$")
_FNPTR = re.compile(r"^(?P<ret>.+?)\s*\(\*(?P<name>\w+)\)\((?P<args>.*)\);$")


def _word(ctext: str, arch: Arch) -> str | None:
    """A C type as a pvverify type word; None when its layout is not known."""
    t = ctext.replace("const ", "").replace("volatile ", "").strip()
    if t.endswith("*"):
        return "ptr"
    ulong = "u64" if arch.bits == 64 else "u32"
    table = {"void": "void", "bool": "bool", "_Bool": "bool", "u8": "u8", "u16": "u16",
             "u32": "u32", "u64": "u64", "int": "u32", "unsigned int": "u32",
             "unsigned long": ulong, "long": ulong, "ulong": ulong, "phys_addr_t": "u64",
             "unsigned long long": "u64", "long long": "u64"}
    return table.get(t)


def parse_ptype(text: str, arch: Arch, source: str) -> dict[int, Op]:
    """Ops from gdb's `ptype/o struct paravirt_patch_template` output."""
    width = arch.width
    ulong = "u64" if arch.bits == 64 else "u32"
    base = "sysv" if arch.bits == 64 else "regparm3"
    # One frame per open struct: (offset, callee-save?, slots declared inside).
    frames: list[tuple[int, bool, list[int]]] = []
    names: dict[int, list[str]] = {}
    ops: dict[int, Op] = {}
    for raw in text.splitlines():
        line = raw.strip()
        m = _LINE.match(line)
        if m:
            off, decl = int(m.group(1)), m.group(3).strip()
            if decl.endswith("{"):
                frames.append((off, decl.startswith("struct paravirt_callee_save"), []))
                continue
            fm = _FNPTR.match(decl)
            if fm and frames and not frames[-1][1] and off % width == 0:
                ret = _word(fm.group("ret"), arch)
                args = [a.strip() for a in fm.group("args").split(",")]
                words = tuple(_word(a, arch) or ulong for a in args if a not in ("", "void"))
                slot = off // width
                ops[slot] = Op(slot, "", base, ret or "u64", words,
                               source if ret else f"{source}; return type unknown, strictest")
                names[slot] = [fm.group("name")]
                frames[-1][2].append(slot)
            continue
        cm = re.match(r"^}\s*(\w+);$", line)
        if cm and frames:
            off, callee_save, inner = frames.pop()
            name = cm.group(1)
            if callee_save and off % width == 0:
                slot = off // width
                ret = CALLEE_SAVE_RETURNS.get(name)
                word = ulong if ret == "ulong" else ret
                ops[slot] = Op(slot, "", "pv-callee-save", word or "u64", (),
                               source if word else f"{source}; return type unknown, strictest")
                names[slot] = [name]
                inner = [slot]
            else:
                for s in inner:
                    names[s].insert(0, name)
            if frames:
                frames[-1][2].extend(inner)
    return {s: Op(s, ".".join(names[s]), o.convention, o.returns, o.args, o.source) for s, o in ops.items()}


# -- DWARF, read directly ----------------------------------------------------------

_MAX_CUS = 8  # compilation units tried (smallest first) before giving up on direct reading


def from_dwarf(path: str, arch: Arch, sites: list[int]) -> dict[int, Op] | None:
    """The ops table from the DWARF of the compilation units holding `sites`.

    Every unit with a paravirt call site declares `pv_ops`, so it carries the
    full `struct paravirt_patch_template`; the smallest such unit is parsed,
    found through `.debug_aranges` without reading the rest of DWARF. None
    when the binary has no DWARF or no aranges (the caller then asks gdb)."""

    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            elf = _MappedDwarf(f, mm)
            if not elf.has_dwarf_info():
                return None
            dwarf = elf.get_dwarf_info(relocate_dwarf_sections=elf["e_type"] == "ET_REL")
            aranges = dwarf.get_aranges()
            if aranges is None:
                return None
            offsets = {aranges.cu_offset_at_addr(a) for a in sites[:64]} - {None}
            units = sorted((dwarf.get_CU_at(o) for o in offsets), key=lambda u: u["unit_length"])
            for unit in units[:_MAX_CUS]:
                for die in unit.iter_DIEs():
                    if (die.tag == "DW_TAG_structure_type" and _name(die) == "paravirt_patch_template"
                            and "DW_AT_declaration" not in die.attributes):
                        return _ops_of(die, arch) or None
    except (OSError, PyElfError, KeyError, ValueError, AttributeError, IndexError):
        return None
    return None


class _Window:
    """A read-only file over [start, start + size) of a mapping: what pyelftools
    reads a DWARF section through (read, seek, tell), without copying it."""

    def __init__(self, mm: mmap.mmap, start: int, size: int) -> None:
        self.mm, self.start, self.size, self.pos = mm, start, size, 0

    def read(self, n: int = -1) -> bytes:
        end = self.size if n is None or n < 0 else min(self.size, self.pos + n)
        data = self.mm[self.start + self.pos:self.start + end] if end > self.pos else b""
        self.pos = max(self.pos, end)
        return data

    def seek(self, off: int, whence: int = 0) -> int:
        self.pos = off if whence == 0 else self.pos + off if whence == 1 else self.size + off
        return self.pos

    def tell(self) -> int:
        return self.pos


class _MappedDwarf(ELFFile):
    """ELFFile whose uncompressed, unrelocated DWARF sections are windows onto the
    mapped file: pyelftools would otherwise copy every section (a 220 MB
    .debug_info) to parse the one unit that holds the ops table."""

    def __init__(self, stream, mm: mmap.mmap) -> None:
        super().__init__(stream)
        self._mm = mm

    def _read_dwarf_section(self, section, relocate_dwarf_sections: bool):
        compressed = section["sh_flags"] & 0x800  # SHF_COMPRESSED
        if compressed or self.has_phantom_bytes() or relocate_dwarf_sections:
            return super()._read_dwarf_section(section, relocate_dwarf_sections)
        return DebugSectionDescriptor(
            stream=_Window(self._mm, section["sh_offset"], section["sh_size"]),
            name=section.name, global_offset=section["sh_offset"],
            size=section["sh_size"], address=section["sh_addr"])


def _name(die) -> str | None:
    a = die.attributes.get("DW_AT_name")
    return a.value.decode(errors="replace") if a is not None else None


def _type(die):
    return die.get_DIE_from_attribute("DW_AT_type") if "DW_AT_type" in die.attributes else None


def _strip(t):
    while t is not None and t.tag in ("DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type",
                                      "DW_TAG_restrict_type", "DW_TAG_atomic_type"):
        t = _type(t)
    return t


def _type_word(t, arch: Arch) -> str | None:
    """A DWARF type as a pvverify type word; None when its layout is not a word we
    model (a struct returned in registers is described by its fields)."""
    t = _strip(t)
    if t is None:
        return "void"
    size = t.attributes["DW_AT_byte_size"].value if "DW_AT_byte_size" in t.attributes else None
    if t.tag == "DW_TAG_pointer_type":
        return "ptr"
    if t.tag == "DW_TAG_base_type" and t.attributes["DW_AT_encoding"].value == 2:  # DW_ATE_boolean
        return "bool"
    if t.tag in ("DW_TAG_base_type", "DW_TAG_enumeration_type") and size in (1, 2, 4, 8):
        return f"u{8 * size}"
    return None


def _ops_of(struct, arch: Arch) -> dict[int, Op]:
    width = arch.width
    base = "sysv" if arch.bits == 64 else "regparm3"
    ulong = f"u{arch.bits}"
    ops: dict[int, Op] = {}

    def walk(s, offset: int, path: list[str]) -> None:
        for m in s.iter_children():
            if m.tag != "DW_TAG_member":
                continue
            loc = m.attributes.get("DW_AT_data_member_location")
            if loc is None or not isinstance(loc.value, int):
                continue
            off, name = offset + loc.value, [*path, _name(m) or "?"]
            t = _strip(_type(m))
            if t is None:
                continue
            if t.tag == "DW_TAG_structure_type":
                if _name(t) == "paravirt_callee_save":
                    if off % width == 0:
                        word = CALLEE_SAVE_RETURNS.get(name[-1])
                        word = ulong if word == "ulong" else word
                        ops[off // width] = Op(off // width, ".".join(name), "pv-callee-save",
                                               word or "u64", (), "dwarf" if word else
                                               "dwarf; return type unknown, strictest")
                else:
                    walk(t, off, name)
            elif t.tag == "DW_TAG_pointer_type" and off % width == 0:
                fn = _strip(_type(t))
                if fn is None or fn.tag != "DW_TAG_subroutine_type":
                    continue
                ret = _type_word(_type(fn), arch)
                args = tuple(_type_word(_type(p), arch) or ulong for p in fn.iter_children()
                             if p.tag == "DW_TAG_formal_parameter")
                ops[off // width] = Op(off // width, ".".join(name), base, ret or "u64", args,
                                       "dwarf" if ret else "dwarf; return type unknown, strictest")

    walk(struct, 0, [])
    return ops


def from_gdb(path: str, arch: Arch, timeout: float = 120.0) -> dict[int, Op] | None:
    """Read the ops table's layout from the binary's DWARF with gdb, if both are there."""
    gdb = shutil.which("gdb")
    if gdb is None:
        return None
    try:
        out = subprocess.run(
            [gdb, "-batch", "-nx", "-ex", "ptype/o struct paravirt_patch_template", path],
            capture_output=True, text=True, timeout=timeout,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    if "paravirt_patch_template {" not in out:
        return None
    return parse_ptype(out, arch, "dwarf") or None


def builtin(version: str, arch: Arch) -> dict[int, Op] | None:
    """The captured layout for a kernel series (e.g. "6.1") and arch, if shipped."""
    name = f"paravirt_patch_template-{version}-{arch.name}.txt"
    try:
        text = resources.files("pvverify.data").joinpath(name).read_text()
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return parse_ptype(text, arch, f"builtin {version}")


def strictest(slot: int, arch: Arch) -> Op:
    return Op(slot, f"slot {slot}", "pv-callee-save", "u64", (),
              "strictest (no DWARF, no built-in table)")
