"""Patch records, whatever the kernel era: the shared vocabulary and the layouts.

A *site* is an indirect call (or jump) through an ops-table slot
(`call *pv_ops+off`, `call *pv_ops_lock+off`); an *outcome* is one
replacement the boot-time patcher can write at it. Where each era's records
are read:

| era | records | read by |
|---|---|---|
| 2.6.20 - 5.12 | `.parainstructions` + per-op templates | `era_para._native_patch`; `templates.py` |
| 2.6.21 - 4.13 | the same, under Xen's, lguest's, VMI's own patcher | `seed.outcomes` |
| 5.13 - 6.7 | `.parainstructions`, direct call or nothing | `era_para._default_61` |
| all | `.altinstructions` groups (2.6.x: absolute) | `era_alt.alt_outcomes` (patch rule per series) |
| all | indirect calls no record covers | `unpatched.scan` |
| all | which of these a binary gets, layouts | `binary.read_binary` |

Nothing is dropped without a word: every record read becomes an outcome, is
counted as "not a paravirt site" (an alternative whose original is no call
through an ops table), or is `Skipped` with its reason.

Record layouts are per kernel series (LAYOUTS) and checked against the
binary's DWARF when it has some; a series without a built-in layout is read
from DWARF; anything else is refused, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pvverify.kernel.elf import Image
from pvverify.x86.arch import Arch
from pvverify.x86.decode import decoder


class LayoutError(ValueError):
    """The binary's patch records are in a layout this tool does not know."""


@dataclass(frozen=True)
class Layout:
    series: str
    para: int | None     # .parainstructions record size (None: section gone)
    para_i386: int | None
    alt: int             # alt_instr size
    flags: str           # "cpuid-bit15" | "ft_flags" | "pointer" (2.6.x: absolute pointers)
    # paravirt_patch_site member -> offset: instr/type/len[/clobbers], or the
    # packed relative form instr_offset/type/len (6.5-6.7); () = the fixed 6.x one
    para_fields: tuple[tuple[str, int], ...] = ()
    # alt_instr member -> offset, for the "pointer" form only (from DWARF)
    alt_fields: tuple[tuple[str, int], ...] = ()


LAYOUTS = {
    "6.1": Layout("6.1", 16, 8, 12, "cpuid-bit15"),
    "6.12": Layout("6.12", None, None, 14, "ft_flags"),
}
ALT_FLAG_NOT, ALT_FLAG_DIRECT_CALL = 1, 2
NOP_TARGETS = ("_paravirt_nop", "paravirt_nop", "nop_func")
OPS_TABLE = re.compile(r"^pv_ops(_\w+)?$")
# before 4.20 the ops were separate structs, each a part of paravirt_patch_template
OLD_OPS_TABLE = re.compile(r"^pv_(init|time|cpu|irq|apic|mmu|lock)_ops$")


@dataclass(frozen=True)
class Outcome:
    """One replacement the patcher may write at one site."""

    site: int
    length: int          # bytes at the site
    source: str          # section the record came from
    slot: int            # index in `table` the original calls through
    call: bytes          # the original indirect call's bytes
    replacement: bytes   # what the patcher writes (unpadded)
    kind: str            # call | jmp | nop | ud2 | inline | direct-call | template | ident | unchanged
    feature: str = ""    # the alternative's feature condition / assumption, for reports
    table: str = "pv_ops"
    clobbers: tuple[str, ...] | None = None  # the record's clobber mask, where it has one
    backend: str = "native"   # the backend(s) whose patcher writes it, comma-joined (replay.py)
    target: int | None = None  # the slot's value under that backend, when not its static one


@dataclass(frozen=True)
class Skipped:
    """A record read but turned into no outcome: always reported, never silent."""

    site: int
    source: str          # section (and record index)
    reason: str
    op: str = ""


@dataclass
class Records:
    """Everything the patch sections of one binary said."""

    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    not_pv: int = 0      # alternatives whose original is no call through an ops table
    covered: list[tuple[int, int]] = field(default_factory=list)  # [site, site+len) of every record
    rule: str = ""       # the alternatives patch rule replayed
    assumptions: list[str] = field(default_factory=list)

    def extend(self, other: Records) -> None:
        self.outcomes += other.outcomes
        self.skipped += other.skipped
        self.not_pv += other.not_pv
        self.covered += other.covered
        self.rule = self.rule or other.rule
        self.assumptions += [a for a in other.assumptions if a not in self.assumptions]


@dataclass(frozen=True)
class OpsTable:
    name: str
    address: int
    size: int
    width: int
    # where its slots sit in struct paravirt_patch_template, whose index a
    # .parainstructions record's type is: 0 for pv_ops, the member's slot for
    # the pv_*_ops structs before 4.20, None for a table outside it (pv_ops_lock)
    base: int | None = 0

    def slot_of(self, slot_addr: int) -> int | None:
        off = slot_addr - self.address
        if 0 <= off < self.size and off % self.width == 0:
            return off // self.width
        return None


def ops_tables(img: Image, width: int) -> list[OpsTable]:
    """Every `pv_ops*` array (pv_ops; pv_ops_lock from 7.0): objtool treats each as a
    table. Without any, the pv_*_ops structs of the kernels before 4.20 (their
    `base` in the patch template is set from DWARF by the caller)."""
    out: list[OpsTable] = []
    candidates = [s for s in img.symbols if s[0].startswith("pv_")]  # (one pass, no regex per symbol)
    for pattern in (OPS_TABLE, OLD_OPS_TABLE):
        for s in candidates:
            if pattern.match(s.name) and s.shndx != 0 and s.size and s.type in (0, 1) \
                    and not any(t.name == s.name for t in out):
                out.append(OpsTable(s.name, s.value, s.size, width,
                                    0 if s.name == "pv_ops" else None))
        if out:
            break
    return sorted(out, key=lambda t: (t.name != "pv_ops", t.name))


@dataclass(frozen=True)
class IndirectRef:
    """`call *mem` / `jmp *mem` with an absolute or rip-relative address."""

    address: int
    length: int
    jump: bool


def indirect_ref(arch: Arch, site: int, code: bytes) -> IndirectRef | None:
    """The memory operand of an indirect call/jmp at the start of code: `ff 15`/`ff 25`
    (rip-relative on x86_64, absolute on i386) or x86_64's absolute `ff 14 25`/`ff 24 25`."""
    if len(code) < 6 or code[0] != 0xFF:
        return None
    modrm = code[1]
    reg = (modrm >> 3) & 7
    if reg not in (2, 4) or modrm >> 6 != 0:
        return None
    jump = reg == 4
    if modrm & 7 == 5:
        if arch.bits == 64:
            disp = int.from_bytes(code[2:6], "little", signed=True)
            return IndirectRef((site + 6 + disp) & arch.mask, 6, jump)
        return IndirectRef(int.from_bytes(code[2:6], "little"), 6, jump)
    if modrm & 7 == 4 and arch.bits == 64 and len(code) >= 7 and code[2] == 0x25:
        return IndirectRef(int.from_bytes(code[3:7], "little", signed=True) & arch.mask, 7, jump)
    return None


def wrapped_ref(arch: Arch, site: int, code: bytes) -> IndirectRef | None:
    """`PV_SAVE_REGS; call *slot; PV_RESTORE_REGS`: registers pushed, the indirect call,
    the same registers popped in reverse (paravirt.h of 2.6.20-2.6.29, around every
    i386 irq-op call (`push %ecx; push %edx`); entry code's PARA_SITE with a clobber
    set smaller than CLBR_ANY until 4.x). The ref's length is the whole wrapper's:
    the record's original is all of it."""
    i, regs = 0, []
    while i < len(code):
        if 0x50 <= code[i] <= 0x57:
            regs.append(code[i] - 0x50)
            i += 1
        elif arch.bits == 64 and code[i] == 0x41 and i + 1 < len(code) and 0x50 <= code[i + 1] <= 0x57:
            regs.append(8 + code[i + 1] - 0x50)
            i += 2
        else:
            break
    ref = indirect_ref(arch, site + i, code[i:]) if regs else None
    if ref is None or ref.jump:
        return None
    j = i + ref.length
    for r in reversed(regs):
        pop = bytes([0x58 + r]) if r < 8 else bytes([0x41, 0x50 + r])
        if code[j:j + len(pop)] != pop:
            return None
        j += len(pop)
    return IndirectRef(ref.address, j, False)


def table_slot(tables: list[OpsTable], addr: int) -> tuple[OpsTable, int] | None:
    for t in tables:
        slot = t.slot_of(addr)
        if slot is not None:
            return t, slot
    return None


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


def series_tuple(series: str | None) -> tuple[int, int]:
    m = re.match(r"(\d+)\.(\d+)", series or "")
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


# Where the parsers read each alt_instr field; a layout read from DWARF must agree.
_ALT_FIELDS = {"cpuid-bit15": {"instr_offset": 0, "repl_offset": 4, "cpuid": 8, "instrlen": 10,
                               "replacementlen": 11},
               "ft_flags": {"instr_offset": 0, "repl_offset": 4, "ft_flags": 8, "instrlen": 12,
                            "replacementlen": 13}}
_PARA_FIELDS = {64: {"instr": 0, "type": 8, "len": 9}, 32: {"instr": 0, "type": 4, "len": 5}}
# the paravirt_patch_site forms there have been: absolute pointer, with or
# without a clobber mask (u16), or the packed relative form of 6.5-6.7
_PARA_FORMS = ({"instr", "type", "len"}, {"instr", "type", "len", "clobbers"},
               {"instr_offset", "type", "len"})

# 2.6.20 - 2.6.3x: `u8 *instr; u8 *replacement; u8 cpuid (u16 later); u8 instrlen;
# u8 replacementlen; pad` (include/asm-x86/alternative.h of those series): no inverted
# features yet
_ALT_POINTER = ("instr", "replacement", "cpuid", "instrlen", "replacementlen")

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
                      "to read it from (for a module, give --vmlinux with its debug info)")


def _from_dwarf(series: str | None, shapes: dict[str, RecordShape], path: str, bits: int) -> Layout | None:
    alt = shapes.get("alt_instr")
    if alt is None:
        return None
    size, fields = alt
    kind = "ft_flags" if "ft_flags" in fields else "cpuid-bit15"
    alt_fields: tuple[tuple[str, int], ...] = ()
    if "replacement" in fields:
        kind, w = "pointer", bits // 8
        ilen = fields.get("instrlen")
        if fields.get("instr") != 0 or fields.get("replacement") != w or fields.get("cpuid") != 2 * w \
                or ilen not in (2 * w + 1, 2 * w + 2) or fields.get("replacementlen") != ilen + 1 \
                or ilen + 2 > size:
            raise LayoutError(f"{path}: DWARF's struct alt_instr ({size} bytes: {fields}) is not a "
                              "layout this tool can read")
        alt_fields = tuple((k, fields[k]) for k in _ALT_POINTER)
    elif any(fields.get(k) != v for k, v in _ALT_FIELDS[kind].items()):
        raise LayoutError(f"{path}: DWARF's struct alt_instr ({size} bytes: {fields}) is not a layout "
                          "this tool can read")
    para, pfields = None, ()
    pps = shapes.get("paravirt_patch_site")
    if pps is not None:
        psize, pf = pps
        if "instrtype" in pf and "type" not in pf:  # its name until 4.19
            pf = {("type" if k == "instrtype" else k): v for k, v in pf.items()}
        if set(pf) not in _PARA_FORMS:
            raise LayoutError(f"{path}: DWARF's struct paravirt_patch_site ({psize} bytes: {pf}) "
                              "is not a layout this tool can read (field 'paravirt_patch_site')")
        widths = {"instr": bits // 8, "instr_offset": 4, "type": 1, "len": 1, "clobbers": 2}
        if any(off + widths[k] > psize for k, off in pf.items()):
            raise LayoutError(f"{path}: DWARF's struct paravirt_patch_site ({psize} bytes: {pf}) "
                              "has a member past its end")
        para, pfields = psize, tuple(sorted(pf.items()))
    return Layout(f"{series or '?'} (DWARF)", para, para, size, kind, pfields, alt_fields)


def para_fields(layout: Layout, bits: int) -> dict[str, int]:
    return dict(layout.para_fields) if layout.para_fields else _PARA_FIELDS[bits]


def direct_call(arch: Arch, site: int, target: int, opcode: int = 0xE8) -> bytes:
    rel = (target - (site + 5)) & 0xFFFFFFFF
    return bytes([opcode]) + rel.to_bytes(4, "little")


def default_call(code: bytes) -> bool:
    """The unpatched site's default form, `call *slot(%rip)` (`ff 15` + disp32): the
    obligation rebuilds it for its own site, so its bytes say nothing of where the
    site is. Other forms (x86_64 `ff 14 25 abs32` before 6.x, indirect jumps) are
    kept as bytes."""
    return code[:2] == b"\xff\x15" and len(code) == 6


def direct_branch(code: bytes) -> bool:
    """`call`/`jmp rel32` followed by one-byte NOPs only: every direct-call replacement.
    Its one instruction is known without a decode (thousands per kernel)."""
    return len(code) >= 5 and code[0] in (0xE8, 0xE9) and code.count(0x90, 5) == len(code) - 5


def retarget(arch: Arch, code: bytes, old: int, new: int) -> bytes:
    """Copy code from `old` to `new`, keeping rel32 call/jmp destinations outside it."""
    out = bytearray(code)
    if direct_branch(code):
        insns = [(old, 5)]
    else:
        insns = [(a, n) for a, n, _, _ in decoder(arch, detail=False).disasm_lite(code, old)]
    for address, size in insns:
        op = code[address - old]
        if size == 5 and op in (0xE8, 0xE9):
            dest = (address + 5 + int.from_bytes(code[address - old + 1:address - old + 5],
                                                     "little", signed=True)) & arch.mask
            if not old <= dest < old + len(code):
                at = address - old
                rel = (dest - (new + at + 5)) & 0xFFFFFFFF
                out[at + 1:at + 5] = rel.to_bytes(4, "little")
    return bytes(out)
