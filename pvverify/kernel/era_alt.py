"""`.altinstructions` (5.x - 7.x): paravirt alternatives, with each series' patch rule.

A record (`struct alt_instr`) points at original code and replacement bytes;
a paravirt one is one whose original is a call through an ops-table slot.
Consecutive records with one instruction address form a *group* (nested
alternatives, 6.11+; ALTERNATIVE_2 before): the site is the group's longest
original. Which bytes a CPU ends up with depends on which of the group's
features it has, and on the series' patch rule:

- up to 6.19: every matching entry is applied in table order, each on top
  of the last (an entry writes its replacement, NOP-padded to its own
  length, over the bytes the previous one left);
- from 7.0 (a4233c21e773): the last eligible entry wins and is applied once
  to the original bytes, NOP-padded to the group's length.

Every combination of features is an outcome (features are not assumed to
imply one another), deduplicated by the bytes it produces. A replacement is
copied with a relative `call`/`jmp` re-targeted to keep its destination; an
`ALT_FLAG_DIRECT_CALL` entry (6.8+) becomes a direct call to the slot's
target (BUG_func for an empty slot, nothing for `nop_func`).
"""

from __future__ import annotations

import struct
from itertools import combinations

from pvverify.kernel.elf import Image
from pvverify.kernel.records import (
    ALT_FLAG_DIRECT_CALL,
    ALT_FLAG_NOT,
    NOP_TARGETS,
    Layout,
    LayoutError,
    OpsTable,
    Outcome,
    Records,
    Skipped,
    direct_call,
    indirect_ref,
    retarget,
    series_tuple,
    table_slot,
)
from pvverify.x86.arch import Arch

SOURCE = ".altinstructions"
MAX_GROUP = 6  # entries in one group whose feature combinations are enumerated
RULE_IN_ORDER = "in order, each on top of the last (up to 6.19)"
RULE_LAST_WINS = "last eligible entry wins, applied once to the original (7.0+, a4233c21e773)"


def rule_for(series: str | None) -> str:
    return RULE_LAST_WINS if series_tuple(series) >= (7, 0) else RULE_IN_ORDER


def _entries(img: Image, arch: Arch, layout: Layout):
    """(index, instr, repl, ilen, rlen, feature, flags) of every record."""
    sec = img.section(SOURCE)
    if sec is None:
        return []
    size = layout.alt
    if sec.entsize and sec.entsize != size:
        raise LayoutError(f"{img.path}: .altinstructions sh_entsize is {sec.entsize}, but struct "
                          f"alt_instr is {size} bytes (field 'sh_entsize')")
    data = img.section_data(sec)
    if len(data) % size:
        raise LayoutError(f"{img.path}: .altinstructions is {len(data)} bytes, not a multiple of "
                          f"the {size}-byte alt_instr of Linux {layout.series}")
    out = []
    f = dict(layout.alt_fields)
    for n, i in enumerate(range(0, len(data), size)):
        rec = sec.addr + i
        if layout.flags == "pointer":  # 2.6.x: absolute addresses, the cpuid never inverted
            w = arch.width
            instr = int.from_bytes(data[i + f["instr"]:i + f["instr"] + w], "little")
            repl = int.from_bytes(data[i + f["replacement"]:i + f["replacement"] + w], "little")
            cpuid = int.from_bytes(data[i + f["cpuid"]:i + f["instrlen"]], "little")
            out.append((n, instr, repl, data[i + f["instrlen"]], data[i + f["replacementlen"]], cpuid, 0))
            continue
        if layout.flags == "cpuid-bit15":
            io, ro, cpuid, ilen, rlen = struct.unpack_from("<iiHBB", data, i)
            feature, flags = cpuid & 0x7FFF, ALT_FLAG_NOT if cpuid & 0x8000 else 0
        else:
            io, ro, ft, ilen, rlen = struct.unpack_from("<iiIBB", data, i)
            feature, flags = ft & 0xFFFF, ft >> 16
        out.append((n, (rec + io) & arch.mask, (rec + 4 + ro) & arch.mask, ilen, rlen, feature, flags))
    return out


def _groups(entries):
    group: list = []
    for e in entries:
        if group and e[1] != group[0][1]:
            yield group
            group = []
        group.append(e)
    if group:
        yield group


def alt_outcomes(img: Image, arch: Arch, layout: Layout, tables: list[OpsTable], kernel: Image,
                 series: str | None, fixed=None) -> Records:
    """`kernel`: the image holding the ops tables and their targets (the vmlinux, for a module).
    `fixed(feature, flags, slot address)`: True/False when a backend decides whether
    that entry is applied (replay.py), None to enumerate it as on bare metal."""
    rule = rule_for(series)
    out = Records(rule=rule)
    nop_addrs = {s.value for n in NOP_TARGETS if (s := kernel.symbol(n)) is not None}
    bug = kernel.symbol("BUG_func")
    for group in _groups(_entries(img, arch, layout)):
        instr = group[0][1]
        length = max(e[3] for e in group)
        where = f"{SOURCE}[{group[0][0]}" + (f"..{group[-1][0]}]" if len(group) > 1 else "]")
        code = img.read(instr, length)
        if code is None:
            out.covered.append((instr, instr + length))
            out.skipped.append(Skipped(instr, where, f"the record points at {instr:#x}, outside the image"))
            continue
        ref = indirect_ref(arch, instr, code)
        ts = table_slot(tables, ref.address) if ref else None
        if ts is None:
            # not a paravirt site: an ops-table call elsewhere in its original
            # is no patch site, so it stays for the unpatched scan to find
            out.not_pv += len(group)
            continue
        out.covered.append((instr, instr + length))
        table, slot = ts
        slot_addr = table.address + slot * table.width
        if len(group) > MAX_GROUP:
            out.skipped.append(Skipped(instr, where, f"a group of {len(group)} alternatives: more than "
                                                     f"the {MAX_GROUP} whose combinations are enumerated"))
            continue
        effects, bad, forced = [], None, []
        for n, _, repl, ilen, rlen, feature, flags in group:
            cond = f"{'!' if flags & ALT_FLAG_NOT else ''}feature {feature >> 5}*32+{feature & 31}"
            decided = fixed(feature, flags, slot_addr) if fixed is not None else None
            if decided is False:
                continue
            if decided is True:
                forced.append(len(effects))
            if flags & ALT_FLAG_DIRECT_CALL:
                target = kernel.read_word(slot_addr)
                if target is None:
                    bad = f"{table.name} slot {slot} at {slot_addr:#x} is outside {kernel.path}"
                    break
                if target in nop_addrs:
                    rbytes, kind = b"", "nop"
                elif target == 0:
                    if bug is None:
                        bad = "an empty slot's direct call goes to BUG_func, which has no symbol here"
                        break
                    rbytes, kind = direct_call(arch, instr, bug.value), "bug-call"
                else:
                    rbytes, kind = direct_call(arch, instr, target), "direct-call"
            else:
                raw = img.read(repl, rlen)
                if raw is None:
                    bad = f"record {n}: the replacement at {repl:#x} is outside the image"
                    break
                rbytes, kind = retarget(arch, raw, repl, instr), "inline"
            if len(rbytes) > ilen:
                bad = f"record {n}: a {len(rbytes)}-byte replacement for a {ilen}-byte original"
                break
            effects.append((rbytes, ilen, kind, cond))
        if bad is not None:
            out.skipped.append(Skipped(instr, where, bad))
            continue
        seen: set[bytes] = set()
        for subset in _choices(len(effects), rule, forced):
            buf = bytearray(code)
            for k in subset:
                rbytes, ilen, _, _ = effects[k]
                span = length if rule == RULE_LAST_WINS else ilen
                buf[:span] = rbytes + b"\x90" * (span - len(rbytes))
            if bytes(buf) in seen:
                continue
            seen.add(bytes(buf))
            last = effects[subset[-1]]
            repl = bytes(buf) if len(buf) > len(last[0]) and buf[len(last[0]):].strip(b"\x90") \
                else last[0]
            out.outcomes.append(Outcome(instr, length, SOURCE, slot, code[:ref.length], repl, last[2],
                                        " then ".join(effects[k][3] for k in subset), table.name))
    return out


def _choices(n: int, rule: str, forced: list[int] | tuple = ()):
    """Which entries end up applied: under the 7.0 rule one (the last eligible), up to
    6.19 every non-empty subset in table order. `forced`: entries known applied
    (a backend's features): in every subset."""
    if not forced:
        if rule == RULE_LAST_WINS:
            return [(k,) for k in range(n)]
        return [c for r in range(1, n + 1) for c in combinations(range(n), r)]
    free = [k for k in range(n) if k not in forced]
    subsets = [tuple(sorted(set(forced) | set(c))) for r in range(len(free) + 1)
               for c in combinations(free, r)]
    if rule == RULE_LAST_WINS:  # the last eligible entry: after every forced one
        return sorted({(max(s),) for s in subsets})
    return subsets
