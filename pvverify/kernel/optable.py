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

import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib import resources

from pvverify.kernel import dwarf
from pvverify.x86.arch import Arch


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


# -- DWARF -----------------------------------------------------------------------


def from_dwarf(path: str, arch: Arch, sites: list[int]) -> dict[int, Op] | None:
    """The ops table from the DWARF of the compilation units holding `sites`.

    Every unit with a paravirt call site declares `pv_ops`, so it carries the
    full `struct paravirt_patch_template`. None when the binary has no DWARF or
    no aranges (the caller then asks gdb)."""
    found = dwarf.find_structs(path, sites, {"paravirt_patch_template"}, lambda d: _ops_of(d, arch))
    return (found or {}).get("paravirt_patch_template") or None


# The struct each ops array is, and the prefix its op names carry: from 7.0
# the spinlock ops are a second array, `pv_ops_lock` (struct pv_lock_ops).
TABLE_STRUCTS = {"pv_ops": ("paravirt_patch_template", ()), "pv_ops_lock": ("pv_lock_ops", ("lock",))}


def tables_from_dwarf(path: str, arch: Arch, where: list[int],
                      sizes: dict[str, int]) -> dict[str, dict[int, Op]] | None:
    """Every ops array's slots from DWARF (`sizes`: table name -> its symbol's size,
    which the struct must match: a struct of another size is not that table)."""
    wanted = {TABLE_STRUCTS[t][0]: t for t in sizes if t in TABLE_STRUCTS}
    if not wanted:
        return None
    found = dwarf.find_structs(
        path, where, set(wanted),
        lambda d: (dwarf.byte_size(d), _ops_of(d, arch, list(TABLE_STRUCTS[wanted[dwarf.name(d)]][1]))))
    if not found:
        return None
    out = {wanted[sname]: ops for sname, (size, ops) in found.items() if size == sizes[wanted[sname]]}
    return out or None


def template_from_dwarf(path: str, arch: Arch,
                        where: list[int]) -> tuple[dict[str, int], dict[int, Op]] | None:
    """Before 4.20: struct paravirt_patch_template's members (one per pv_*_ops struct,
    name -> byte offset) and its slots, which .parainstructions types index."""
    found = dwarf.find_structs(path, where, {"paravirt_patch_template"},
                               lambda d: (dwarf.members(d), _ops_of(d, arch)))
    return (found or {}).get("paravirt_patch_template")


def _type_word(t, arch: Arch) -> str | None:
    """A DWARF type as a pvverify type word; None when its layout is not a word we
    model (a struct returned in registers is described by its fields)."""
    t = dwarf.strip(t)
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


def _ops_of(struct, arch: Arch, prefix: list[str] | None = None) -> dict[int, Op]:
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
            off, name = offset + loc.value, [*path, dwarf.name(m) or "?"]
            t = dwarf.strip(dwarf.type_of(m))
            if t is None:
                continue
            if t.tag == "DW_TAG_structure_type":
                if dwarf.name(t) == "paravirt_callee_save":
                    if off % width == 0:
                        word = CALLEE_SAVE_RETURNS.get(name[-1])
                        word = ulong if word == "ulong" else word
                        ops[off // width] = Op(off // width, ".".join(name), "pv-callee-save",
                                               word or "u64", (), "dwarf" if word else
                                               "dwarf; return type unknown, strictest")
                else:
                    walk(t, off, name)
            elif t.tag == "DW_TAG_pointer_type" and off % width == 0:
                fn = dwarf.strip(dwarf.type_of(t))
                if fn is None or fn.tag != "DW_TAG_subroutine_type":
                    continue
                ret = _type_word(dwarf.type_of(fn), arch)
                args = tuple(_type_word(dwarf.type_of(p), arch) or ulong for p in fn.iter_children()
                             if p.tag == "DW_TAG_formal_parameter")
                ops[off // width] = Op(off // width, ".".join(name), base, ret or "u64", args,
                                       "dwarf" if ret else "dwarf; return type unknown, strictest")

    walk(struct, 0, list(prefix or []))
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
    except subprocess.TimeoutExpired:
        # not "no layout": falling back to the built-in table would make the outcome
        # depend on the machine's speed (and be cached); the file is not read instead
        raise OSError(f"{path}: gdb did not print the ops table's layout within {timeout:g} s "
                      "(wall-clock safety limit, the machine was slow): run again") from None
    except OSError:
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
