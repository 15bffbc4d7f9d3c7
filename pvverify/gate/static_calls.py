"""Paravirt static calls: `.static_call_sites` whose key is a paravirt one.

The pv time ops (`pv_steal_clock`, `pv_sched_clock`) are static calls since
5.13, and 7.3 made `queued_spin_unlock` and `queued_spin_lock_slowpath`
static calls too (they left `pv_ops_lock`). A compiled site is `call
__SCT__<name>` (a tail site `jmp __SCT__<name>`), the trampoline being `jmp
<func>`; `static_call_init()` and every `__static_call_update()` rewrite each
site of the key (kernel/static_call_inline.c; x86's
`__static_call_transform`, arch/x86/kernel/static_call.c):

- a function: `call func` (`jmp func` at a tail site);
- NULL (`static_call_cond`): a 5-byte NOP (`ret` at a tail site);
- `__static_call_return0`: the inline `xor %eax,%eax` form, `2e 2e 2e 31 c0`
  (x86_64; at a tail site not modelled: skipped, said so).

Each site's records (`struct static_call_site { s32 addr; s32 key; }`, both
relative to the field, the key's low bits flags: 1 = tail, 2 = init) are read
from `__start_static_call_sites`..`__stop_static_call_sites`, and each becomes
an outcome per backend (the key's function under that backend: the static
initial one, or what `backends.recover` found written by
`__static_call_update`/stores to the key). The obligation's original is the
compiled call into a trampoline holding `jmp <that function>`; its convention
is the C prototype's (sysv / regparm(3)): the sites are plain C calls.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from pvverify.kernel.backends import PV_STATIC_CALLS, describe
from pvverify.obligation import CodeSpec, Obligation, ObligationError
from pvverify.x86.ctype import parse_ctype

SOURCE = ".static_call_sites"
SIGNATURES = {  # include/linux/sched/cputime.h, asm/paravirt.h, asm/qspinlock.h (7.3)
    "pv_steal_clock": ("u64", ("u32",)),
    "pv_sched_clock": ("u64", ()),
    "queued_spin_unlock": ("void", ("ptr",)),
    "queued_spin_lock_slowpath": ("void", ("ptr", "u32")),
}
NOP5 = bytes.fromhex("0f1f440000")
XOR5RAX = bytes.fromhex("2e2e2e31c0")
XOR5RAX_PLAIN = bytes.fromhex("31c00f1f00")  # xor %eax,%eax; nopl (%rax)
TRAMP_SIG = bytes.fromhex("0fb9cc")  # ud1 %esp,%ecx after the trampoline's jmp (6.x+)


@dataclass(frozen=True)
class Site:
    site: int
    key: str          # pv_steal_clock, ...
    tail: bool
    tramp: int
    func: int         # the key's function under `backends`
    backends: tuple[str, ...]
    replacement: bytes
    kind: str         # call | jmp | nop | ret | return0


def _rel(site: int, dest: int, op: int) -> bytes:
    return bytes([op]) + ((dest - (site + 5)) & 0xFFFFFFFF).to_bytes(4, "little")


def sites(b) -> tuple[list[Site], list[tuple[int, str, str]]]:
    """Every paravirt static call site under every replayed backend, and the ones
    skipped (address, key, why)."""
    from pvverify.kernel import replay

    img, code = b.sites, b.code
    lo, hi = img.symbol("__start_static_call_sites"), img.symbol("__stop_static_call_sites")
    if lo is not None and hi is not None and hi.value > lo.value:
        base = lo.value
        data = img.read(lo.value, hi.value - lo.value) or b""
    else:
        # a module: its own section, relocated against the vmlinux it is read with
        sec = img.section(SOURCE)
        if sec is None or not sec.size:
            return [], []
        base, data = sec.addr, img.section_data(sec)
    mask = b.arch.mask
    keys = {}
    for name in PV_STATIC_CALLS:
        k, t = code.symbol(f"__SCK__{name}"), code.symbol(f"__SCT__{name}")
        if k is not None and t is not None:
            keys[k.value] = (name, t.value)
    if not keys:
        return [], []
    ret0 = code.symbol("__static_call_return0")
    found = b.backends
    chosen = replay.wanted(found) if found is not None else ["native"]
    out: dict[tuple, Site] = {}
    skipped = []
    for i in range(0, len(data) - 7, 8):
        a, k = struct.unpack_from("<ii", data, i)
        addr = (base + i + a) & mask
        key = (base + i + 4 + k) & mask
        flags, key = key & 3, key & ~3 & mask
        if key not in keys:
            continue
        name, tramp = keys[key]
        tail = bool(flags & 1)
        static = code.read_word(key) or 0
        for backend in chosen:
            vals = found.values(backend).get((name, 0), ()) if found is not None else ()
            for func in (*vals, static) if static not in vals else vals:
                if ret0 is not None and func == ret0.value:
                    if tail:
                        skipped.append((addr, name, "a tail call to __static_call_return0: its "
                                                    "patched form is not modelled"))
                        continue
                    repl, kind = XOR5RAX, "return0"
                elif func == 0:
                    repl, kind = (bytes.fromhex("c3cccccccc"), "ret") if tail else (NOP5, "nop")
                else:
                    repl, kind = _rel(addr, func, 0xE9 if tail else 0xE8), "jmp" if tail else "call"
                k2 = (addr, func)
                prev = out.get(k2)
                names = (prev.backends if prev else ()) + ((backend,) if not prev or
                                                           backend not in prev.backends else ())
                out[k2] = Site(addr, name, tail, tramp, func, names, repl, kind)
    return sorted(out.values(), key=lambda s: (s.site, s.func)), skipped


def obligation(b, targets, canon: int, s: Site) -> Obligation:
    arch = b.arch
    ret, args = SIGNATURES[s.key]
    conv = "sysv" if arch.bits == 64 else "regparm3"
    width = arch.width
    tramp_code = _rel(s.tramp, s.func, 0xE9) + TRAMP_SIG if s.func else bytes.fromhex("c3cccccccc")
    if s.func:
        fn = targets.function(s.func)
        if fn is None:
            raise ObligationError(f"static call {s.key}: {describe(b.code, s.func)} is no function "
                                  "with a size")
        target, taddr = CodeSpec(hex=fn[1].hex()), s.func
        regions = (*targets.callees(s.func), (s.tramp, tramp_code))
    else:
        target, taddr, regions = CodeSpec(hex=tramp_code.hex()), s.tramp, ()
    call = _rel(canon, s.tramp, 0xE9 if s.tail else 0xE8)
    repl = _rel(canon, s.func, 0xE9 if s.tail else 0xE8) if s.kind in ("call", "jmp") else s.replacement
    if repl == XOR5RAX and arch.bits == 64:
        # in 64-bit mode the CS override is ignored (SDM Vol. 1 3.3.7.1, Vol. 2A 2.1.1): the
        # lifter refuses repeated prefixes of one group, so the proof runs on the same
        # instruction without them, padded with a NOP to the site's 5 bytes
        repl = XOR5RAX_PLAIN
    key = code_sym = b.code.symbol(f"__SCK__{s.key}")
    return Obligation(
        name=f"static_call {s.key}", arch=arch, convention=conv,
        returns=parse_ctype(ret if ret != "u64" or arch.bits == 64 else "u64", width),
        args=tuple(parse_ctype(a, width) for a in args), site_length=5, target=target,
        replacement=CodeSpec(hex=repl.hex()), call=CodeSpec(hex=call.hex()), address=canon,
        target_address=taddr, slot=code_sym.value if key is not None else None, regions=tuple(regions),
        slots=targets.slots.get(s.func, ()) if s.func else (), return_thunks=targets.thunks,
        canary=targets.canary, indirect_thunks=targets.retpolines, unloaded=targets.code_ranges,
        source=b.path)


TRAMPOLINE_PROOF = ("the unpatched site calls (jumps to) the trampoline, whose one instruction is "
                    "`jmp {f}` (static_call_update keeps it in step with the key); the patched site "
                    "calls (jumps to) {f} directly: both enter {f} from the same state, with the same "
                    "return address (site+5), so nothing differs from there on")


def decided(s: Site) -> dict | None:
    """A direct call/jmp outcome, proved by construction (TRAMPOLINE_PROOF), as a result."""
    if s.kind not in ("call", "jmp"):
        return None
    return {"verdict": "equivalent", "method": "trampoline",
            "reason": TRAMPOLINE_PROOF.format(f=f"{s.func:#x}")}


def obligations_for(b, targets, canon: int):
    """(site, key, obligation, why none) for every paravirt static call outcome that
    needs a proof (a direct call/jmp is decided by `decided`: key None, no obligation)."""
    found, skipped = sites(b)
    out = []
    for s in found:
        if decided(s) is not None:
            out.append((s, None, None, ""))
            continue
        try:
            ob = obligation(b, targets, canon, s)
            out.append((s, ob.key(), ob, ""))
        except ObligationError as e:
            out.append((s, None, None, str(e)))
    return out, skipped


def row(row_type, path: str, s: Site, key: str | None, res: dict | None, err: str, code, arch,
        package: str = ""):
    from pvverify.x86.decode import disasm

    f = code.function_at(s.site)
    place = {"address": f"{s.site:#x}", "function": f[2] if f else None,
             "offset": s.site - f[0] if f else 0, "file": None, "line": None, "inlined": []}
    res = res or decided(s)
    verdict = res["verdict"] if res else "unknown"
    reason = res["reason"] if res else f"no obligation: {err}"
    if res and res.get("method") == "trampoline":
        reason = reason.replace(f"{s.func:#x}", describe(code, s.func))
    return row_type(path, s.site, SOURCE, f"static_call {s.key}", "prototype (static call)", s.kind,
                    "tail" if s.tail else "", s.replacement.hex(), disasm(arch, s.replacement, s.site),
                    verdict, reason, key or "", res.get("counterexample") if res else None, place=place,
                    method=res.get("method", "exploration") if res else "exploration",
                    cause=res.get("cause", "") if res else "",
                    package=package, backend=",".join(s.backends))
