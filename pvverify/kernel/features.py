"""CPU feature numbers as the kernel names them: `8*32+16` is `X86_FEATURE_XENPV`.

An alternative's record holds the feature's number (word*32+bit). The kernel
that was built names its features in `x86_cap_flags[]` (a `const char *` per
number, generated from cpufeatures.h by mkcapflags.sh: the lowercase name,
or NULL for a feature whose comment starts with `""`), so names are read from
the binary's own table where it has one. Features without a string there
(XENPV is `""`-commented up to 6.x) come from `FALLBACK`, the numbers of
arch/x86/include/asm/cpufeatures.h that paravirt and hypercall alternatives
use, unchanged from v4.x to 7.x:

    X86_FEATURE_ALWAYS      ( 3*32+21)  "" Always-present feature
    X86_FEATURE_PTI         ( 7*32+11)  Kernel Page Table Isolation enabled
    X86_FEATURE_VMMCALL     ( 8*32+15)  Prefer VMMCALL to VMCALL
    X86_FEATURE_XENPV       ( 8*32+16)  "" Xen paravirtual guest
    X86_FEATURE_VMCALL      ( 8*32+18)  "" Hypervisor supports the VMCALL instruction
    X86_FEATURE_VMW_VMMCALL ( 8*32+19)  "" VMware prefers VMMCALL hypercall instruction
    X86_FEATURE_INVPCID     ( 9*32+10)  Invalidate Processor Context ID
    X86_FEATURE_SMAP        ( 9*32+20)  Supervisor Mode Access Prevention

A number named by neither stays `feature W*32+B`: never a guessed name.
"""

from __future__ import annotations

import re

from pvverify.kernel.elf import Image

FALLBACK = {3 * 32 + 21: "ALWAYS", 7 * 32 + 11: "PTI", 8 * 32 + 15: "VMMCALL", 8 * 32 + 16: "XENPV",
            8 * 32 + 18: "VMCALL", 8 * 32 + 19: "VMW_VMMCALL", 9 * 32 + 10: "INVPCID",
            9 * 32 + 20: "SMAP"}
MAX_FEATURES = 64 * 32  # x86_cap_flags has NCAPINTS*32 entries; NCAPINTS is ~20-25
_COND = re.compile(r"feature (\d+)\*32\+(\d+)")


def names_of(img: Image | None) -> dict[int, str]:
    """Feature number -> `X86_FEATURE_NAME`: the binary's x86_cap_flags, then FALLBACK."""
    out = {n: f"X86_FEATURE_{v}" for n, v in FALLBACK.items()}
    sym = img.symbol("x86_cap_flags") if img is not None and not img.relocatable else None
    if sym is None or not sym.size:
        return out
    width = img.bits // 8
    for i in range(min(sym.size // width, MAX_FEATURES)):
        ptr = img.read_word(sym.value + i * width)
        name = img.string_at(ptr, 64) if ptr else None
        if name and re.fullmatch(r"[a-z0-9_]+", name):
            out[i] = f"X86_FEATURE_{name.upper()}"
    return out


def named(condition: str, names: dict[int, str]) -> str:
    """`!feature 8*32+16` as `!X86_FEATURE_XENPV` (a number without a name unchanged)."""
    def one(m: re.Match) -> str:
        return names.get(int(m[1]) * 32 + int(m[2]), m[0])
    return _COND.sub(one, condition)
