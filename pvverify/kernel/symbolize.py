"""Addresses as a kernel developer names them: `function+0xoff (file.c:line)`.

The symbol part comes from the ELF symbol table (`Image.function_at`). The
source line comes from DWARF's line table, read only for the addresses a
report shows: `.debug_aranges` finds the compilation unit of an address (as
`dwarf.find_structs` does), and only that unit's line program is decoded, by
the small state machine below rather than pyelftools' (whose per-row objects
cost 1.5 s for one large unit of a 360 MB vmlinux; this loop costs a fraction).
A unit's rows are kept, so the next address in the same unit is a bisection.

The line table gives the line the instruction was generated from: for a
paravirt call that is a wrapper's line in `paravirt.h`, the same for every
site of the op. What a kernel developer wants is the line in the function
that calls the wrapper, so the function's DIE is found among the unit's
top-level DIEs and its inlined-subroutine DIEs are followed down to the
outermost one holding the address: its DW_AT_call_file/call_line is that line
(what `addr2line -i` prints last). The wrapper's line is kept as `inlined`.
"""

from __future__ import annotations

import bisect
import mmap
import posixpath
from dataclasses import dataclass

from pvverify.kernel.elf import Image


@dataclass(frozen=True)
class Place:
    """Where an address is: the function holding it and the source line it came from."""

    address: int
    function: str | None = None
    offset: int = 0
    file: str | None = None
    line: int | None = None
    inlined: str | None = None  # file:line the instruction came from, when inlined there
    # every line of `addr2line -i`, innermost first: where the instruction came
    # from, then each inline call site out to the function's own line
    chain: tuple[tuple[str, int], ...] = ()
    section: str | None = None  # a relocatable image's: the section holding the address
    section_offset: int = 0     # and the address's offset in it (`addr2line -j SECTION`)

    @property
    def symbolic(self) -> str:
        """`function+0xoff`, or the bare address when no symbol holds it."""
        return f"{self.function}+{self.offset:#x}" if self.function else f"{self.address:#x}"

    @property
    def source(self) -> str | None:
        return f"{self.file}:{self.line}" if self.file and self.line else None

    def __str__(self) -> str:
        src = self.source
        return f"{self.symbolic} ({src})" if src else self.symbolic

    @property
    def inline_chain(self) -> str | None:
        """`paravirt.h:693 <- :711 <- x86.c:367` (a file named once while it repeats),
        or None when the code is not inlined."""
        return chain_text(self.chain)

    def to_json(self) -> dict:
        d = {"address": self.address, "function": self.function, "offset": self.offset,
             "file": self.file, "line": self.line, "inlined": self.inlined,
             "chain": [list(c) for c in self.chain]}
        if self.section:
            d["section"], d["section_offset"] = self.section, self.section_offset
        return d


def chain_text(chain) -> str | None:
    """An inline chain, innermost first, as `a.h:1 <- :2 <- b.c:3`; None for fewer than two."""
    if not chain or len(chain) < 2:
        return None
    out, last = [], None
    for f, ln in chain:
        out.append(f":{ln}" if f == last else f"{f}:{ln}")
        last = f
    return " <- ".join(out)


def _leb(buf: bytes, pos: int, signed: bool = False) -> tuple[int, int]:
    """A DWARF LEB128 number at pos, and the position after it (DWARF 5, 7.6)."""
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            if signed and b & 0x40:
                result -= 1 << shift
            return result, pos


def _uleb(buf: bytes, pos: int) -> tuple[int, int]:
    return _leb(buf, pos)


def _sleb(buf: bytes, pos: int) -> tuple[int, int]:
    return _leb(buf, pos, signed=True)


def line_rows(buf: bytes, pos: int, end: int, min_len: int, line_base: int, line_range: int,
              opcode_base: int, opcode_lengths: list[int]) -> list[tuple[int, int, int, bool]]:
    """The rows (address, file index, line, end_sequence) of one line program
    (DWARF 2-5, section 6.2.5); op_index (VLIW) is not used on x86."""
    out: list[tuple[int, int, int, bool]] = []
    addr, file, line = 0, 1, 1
    const_add = ((255 - opcode_base) // line_range) * min_len
    while pos < end:
        op = buf[pos]
        pos += 1
        if op >= opcode_base:
            adj = op - opcode_base
            addr += (adj // line_range) * min_len
            line += line_base + adj % line_range
            out.append((addr, file, line, False))
        elif op == 0:  # extended opcode
            n, pos = _uleb(buf, pos)
            sub = buf[pos] if n else 0
            if sub == 1:  # end_sequence
                out.append((addr, file, line, True))
                addr, file, line = 0, 1, 1
            elif sub == 2:  # set_address
                addr = int.from_bytes(buf[pos + 1:pos + n], "little")
            pos += n
        elif op == 1:  # copy
            out.append((addr, file, line, False))
        elif op == 2:  # advance_pc
            v, pos = _uleb(buf, pos)
            addr += v * min_len
        elif op == 3:  # advance_line
            v, pos = _sleb(buf, pos)
            line += v
        elif op == 4:  # set_file
            file, pos = _uleb(buf, pos)
        elif op == 8:  # const_add_pc
            addr += const_add
        elif op == 9:  # fixed_advance_pc
            addr += int.from_bytes(buf[pos:pos + 2], "little")
            pos += 2
        else:  # set_column, set_isa, flags, or an opcode this reader does not know: skip its operands
            for _ in range(opcode_lengths[op - 1] if op - 1 < len(opcode_lengths) else 0):
                _, pos = _uleb(buf, pos)
    return out


@dataclass
class _Unit:
    starts: list[int]                   # sorted row addresses (end_sequence rows excluded)
    rows: list[tuple[int, int, int]]    # (start, end, line index) per row, same order
    files: list[str | None]
    functions: list | None = None       # (low, high, DIE) of top-level functions, when asked


class Symbolizer:
    """Names addresses of one image. Opens the DWARF only when a line is asked for."""

    def __init__(self, img: Image) -> None:
        self.img = img
        self._dwarf = None          # (file, mmap, DWARFInfo, aranges, .debug_line offset) or False
        self._units: dict[int, _Unit | None] = {}
        self._places: dict[int, Place] = {}

    def function(self, addr: int) -> tuple[str, int] | None:
        f = self.img.function_at(addr)
        return (f[2], addr - f[0]) if f else None

    def place(self, addr: int, lines: bool = True) -> Place:
        if addr in self._places:
            return self._places[addr]
        fn = self.function(addr)
        src = self.line(addr) if lines else None
        calls = self.call_sites(addr) if src else []
        call = calls[0] if calls else None
        inlined = f"{src[0]}:{src[1]}" if call and src and call != src else None
        where = call or src
        chain = (src, *reversed(calls)) if src and calls else ()
        sec = self._section(addr) if self.img.relocatable else None
        p = Place(addr, fn[0] if fn else None, fn[1] if fn else 0,
                  where[0] if where else None, where[1] if where else None, inlined, chain,
                  sec.name if sec else None, addr - sec.addr if sec else 0)
        if lines:
            self._places[addr] = p
        return p

    def _section(self, addr: int):
        return next((s for s in self.img.sections
                     if s.flags & 0x2 and s.size and s.addr <= addr < s.addr + s.size), None)

    def symbol(self, addr: int) -> str | None:
        """`name+0xoff` for any symbol (data too) holding addr, e.g. `pv_ops+0x38`."""
        fn = self.img.function_at(addr)
        if fn:
            return f"{fn[2]}+{addr - fn[0]:#x}" if addr != fn[0] else fn[2]
        best = None
        for s in self._data_symbols():
            if s[0] <= addr < s[0] + s[1]:
                best = s
                break
        if best is None:
            return None
        return f"{best[2]}+{addr - best[0]:#x}" if addr != best[0] else best[2]

    def _data_symbols(self) -> list[tuple[int, int, str]]:
        if not hasattr(self, "_data"):
            self._data = sorted((s.value, s.size, s.name) for s in self.img.symbols
                                if s.size and s.name and s.shndx != 0)
        return self._data

    def line(self, addr: int) -> tuple[str, int] | None:
        """(file, line) from the DWARF line table, or None without DWARF for addr."""
        d = self._open()
        if not d:
            return None
        _, _, dwarf, aranges, _ = d
        off = aranges.unit_at(addr)
        if off is None:
            return None
        if off not in self._units:
            try:
                self._units[off] = self._read_unit(dwarf, off)
            except Exception:  # malformed DWARF: no line, never a crash in a report
                self._units[off] = None
        unit = self._units[off]
        if unit is None:
            return None
        i = bisect.bisect_right(unit.starts, addr) - 1
        if i < 0 or not unit.rows[i][0] <= addr < unit.rows[i][1]:
            return None  # sequences do not overlap: the row starting last before addr is the only one
        fidx = unit.rows[i][2]
        f = unit.files[fidx >> 32] if (fidx >> 32) < len(unit.files) else None
        return (f, fidx & 0xFFFFFFFF) if f else None

    def call_site(self, addr: int) -> tuple[str, int] | None:
        """The line in the enclosing function that the code at addr was inlined
        from (the outermost inline call site), or None when it is not inlined."""
        calls = self.call_sites(addr)
        return calls[0] if calls else None

    def call_sites(self, addr: int) -> list[tuple[str, int]]:
        """Every inline call site holding addr, outermost first ([] when not inlined)."""
        d = self._open()
        if not d:
            return []
        out: list[tuple[str, int]] = []
        dwarf, aranges = d[2], d[3]
        try:
            off = aranges.unit_at(addr)
            unit = self._units.get(off)
            if off is None or unit is None:
                return out
            if unit.functions is None:
                unit.functions = self._functions(dwarf, off)
            i = bisect.bisect_right(unit.functions, (addr, 1 << 64)) - 1
            die = None
            while i >= 0 and die is None:
                lo, hi, cand = unit.functions[i]
                if lo <= addr < hi:
                    die = cand
                elif addr - lo > 1 << 24:
                    break
                i -= 1
            while die is not None:
                nxt = next((c for c in die.iter_children()
                            if c.tag in ("DW_TAG_inlined_subroutine", "DW_TAG_lexical_block")
                            and any(lo <= addr < hi for lo, hi in self._ranges(c))), None)
                if nxt is not None and nxt.tag == "DW_TAG_inlined_subroutine":
                    f = nxt.attributes.get("DW_AT_call_file")
                    ln = nxt.attributes.get("DW_AT_call_line")
                    if f is None or ln is None or not 0 <= f.value < len(unit.files) \
                            or not unit.files[f.value]:
                        return out
                    out.append((unit.files[f.value], ln.value))
                die = nxt
        except Exception:  # malformed or unexpected DWARF: the line table's line stands
            return out
        return out

    def _functions(self, dwarf, cu_offset: int) -> list:
        """(low, high, DIE) of the unit's top-level functions, sorted."""
        top = dwarf.get_CU_at(cu_offset).get_top_DIE()
        out = []
        for c in top.iter_children():
            if c.tag == "DW_TAG_subprogram":
                out += [(lo, hi, c) for lo, hi in self._ranges(c)]
        out.sort(key=lambda t: (t[0], t[1]))
        return out

    def _ranges(self, die) -> list[tuple[int, int]]:
        at = die.attributes
        if "DW_AT_low_pc" in at and "DW_AT_high_pc" in at:
            lo = at["DW_AT_low_pc"].value
            hi = at["DW_AT_high_pc"]
            return [(lo, hi.value if hi.form == "DW_FORM_addr" else lo + hi.value)]
        if "DW_AT_ranges" not in at:
            return []
        lists = die.dwarfinfo.range_lists()
        if lists is None:
            return []
        base_attr = die.cu.get_top_DIE().attributes.get("DW_AT_low_pc")
        base = base_attr.value if base_attr is not None else 0
        out = []
        for r in lists.get_range_list_at_offset(at["DW_AT_ranges"].value, cu=die.cu):
            if type(r).__name__ == "BaseAddressEntry":
                base = r.base_address
            elif hasattr(r, "begin_offset"):
                absolute = getattr(r, "is_absolute", False)
                out.append((r.begin_offset + (0 if absolute else base),
                            r.end_offset + (0 if absolute else base)))
        return out

    def _open(self):
        if self._dwarf is None:
            self._dwarf = False
            if self.img.section(".debug_line") is None or self.img.section(".debug_aranges") is None:
                return False
            if self.img.relocatable:
                self._dwarf = _relocated_dwarf(self.img) or False
                return self._dwarf
            from pvverify.kernel.dwarf import Aranges, _MappedDwarf

            try:
                f = open(self.img.path, "rb")  # noqa: SIM115 (held for the symbolizer's life)
                mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
                elf = _MappedDwarf(f, mm)
                dwarf = elf.get_dwarf_info(relocate_dwarf_sections=False)
                aranges = Aranges.of(elf, mm)
                if aranges is not None:
                    line_off = elf.get_section_by_name(".debug_line")["sh_offset"]
                    self._dwarf = (f, mm, dwarf, aranges, line_off)
            except Exception:
                self._dwarf = False
        return self._dwarf

    def _read_unit(self, dwarf, cu_offset: int) -> _Unit | None:
        cu = dwarf.get_CU_at(cu_offset)
        lp = dwarf.line_program_for_CU(cu)
        if lp is None:
            return None
        h = lp.header
        version = h["version"]
        dirs = [d.decode(errors="replace") if isinstance(d, bytes) else str(d)
                for d in h["include_directory"]]
        files: list[str | None] = []
        for fe in h["file_entry"]:
            name = fe.name.decode(errors="replace") if isinstance(fe.name, bytes) else str(fe.name)
            di = fe.dir_index
            if version < 5:
                d = dirs[di - 1] if 0 < di <= len(dirs) else ""
            else:
                d = dirs[di] if 0 < di < len(dirs) else ""  # 0: the unit's build directory
            path = name if name.startswith("/") or not d else f"{d}/{name}"
            files.append(posixpath.normpath(path) if ".." in path or "./" in path else path)
        if version < 5:
            files.insert(0, None)  # file indices count from 1 before DWARF 5
        _, mm, _, _, line_off = self._dwarf  # mm: the mapped file, or .debug_line relocated
        start = line_off + lp.program_start_offset
        end = line_off + lp.program_end_offset
        buf = mm[start:end]
        raw = line_rows(buf, 0, len(buf), h["minimum_instruction_length"], h["line_base"],
                        h["line_range"], h["opcode_base"], list(h["standard_opcode_lengths"]))
        rows: list[tuple[int, int, int]] = []
        for (a, f, ln, last), nxt in zip(raw, raw[1:], strict=False):
            if last or nxt[0] <= a:
                continue  # an end_sequence row, or an empty row (the next one is at the same address)
            rows.append((a, nxt[0], (f << 32) | ln))
        rows.sort()
        return _Unit([r[0] for r in rows], rows, files)

    def close(self) -> None:
        if self._dwarf and self._dwarf[0] is not None:
            f, mm = self._dwarf[0], self._dwarf[1]
            mm.close()
            f.close()
        self._dwarf = None


# The DWARF sections a line and its inline chain are read from; a module's are
# relocated (.rela.debug_*: addresses against section symbols, offsets into
# .debug_str and .debug_line_str) as a linker would, to the addresses the image
# gave its sections, so its DWARF speaks the addresses its sites have.
_DWARF_READ = (".debug_info", ".debug_abbrev", ".debug_line", ".debug_aranges", ".debug_str",
               ".debug_line_str", ".debug_ranges", ".debug_rnglists", ".debug_str_offsets",
               ".debug_addr")


def _relocated_dwarf(img: Image):
    """(None, relocated .debug_line, DWARFInfo, Aranges, 0) of a relocatable image, its
    debug sections relocated against the image's section layout (what `addr2line -j
    SECTION` does with section-relative addresses); None when it cannot be read."""
    import io

    from elftools.dwarf.dwarfinfo import DebugSectionDescriptor
    from elftools.elf.elffile import ELFFile

    from pvverify.kernel.dwarf import Aranges
    from pvverify.kernel.elf import SHT_REL, SHT_RELA, _relocate

    try:
        data: dict[str, bytes] = {}
        by_index = {s.index: s for s in img.sections}
        for s in img.sections:
            if s.name not in _DWARF_READ or s.flags & 0x800:  # SHF_COMPRESSED: not in modules
                continue
            buf = bytearray(img.raw[s.offset:s.offset + s.size])
            for rs in img.sections:
                if rs.type in (SHT_RELA, SHT_REL) and rs.info == s.index and rs.info in by_index:
                    _relocate(img, rs, s, buf)
            data[s.name] = bytes(buf)

        class Relocated(ELFFile):
            def _read_dwarf_section(self, section, relocate_dwarf_sections):
                raw = data.get(section.name)
                if raw is None:
                    return super()._read_dwarf_section(section, False)
                return DebugSectionDescriptor(stream=io.BytesIO(raw), name=section.name,
                                              global_offset=0, size=len(raw), address=0)

        elf = Relocated(io.BytesIO(bytes(img.raw)))
        dwarf = elf.get_dwarf_info(relocate_dwarf_sections=False)
        aranges = Aranges(data[".debug_aranges"], elf.little_endian)
        return (None, data[".debug_line"], dwarf, aranges, 0)
    except Exception:  # malformed DWARF: no lines, never a crash in a report
        return None
