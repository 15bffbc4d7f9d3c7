"""The one capstone decoder factory: every layer that decodes x86 asks here.

Decoders are built once per (width, detail, syntax) and shared: building a
`Cs` costs about half a millisecond, which across thousands of sites
dominated a warm gate. `detail=False` decoders give lengths, mnemonics and
operand text only, several times faster for scans that need no more; `att=True`
writes AT&T syntax, as the kernel sources and objdump do.
"""

from __future__ import annotations

from functools import cache

import capstone

from pvverify.x86.arch import Arch


def decoder(arch: Arch | int, *, detail: bool = True, att: bool = False) -> capstone.Cs:
    """The shared decoder for `arch` (an Arch or its width in bits). Callers must not
    change its options: it is shared."""
    return _decoder(arch if isinstance(arch, int) else arch.bits, detail, att)


@cache
def _decoder(bits: int, detail: bool, att: bool) -> capstone.Cs:
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64 if bits == 64 else capstone.CS_MODE_32)
    if att:
        md.syntax = capstone.CS_OPT_SYNTAX_ATT
    md.detail = detail
    return md


def disasm(arch: Arch | int, code: bytes, at: int) -> list[str]:
    """`code` at `at` as AT&T text, one line per instruction (the rows' listing)."""
    md = decoder(arch, att=True)
    out = [f"{mn} {ops}".strip() for _, _, mn, ops in md.disasm_lite(code, at)]
    return out or ["(nothing: NOPs only)"]
