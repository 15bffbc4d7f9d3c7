"""A flags image (what pushf stores, what save_fl returns and restore_fl takes)
in the names the SDM gives its bits (Vol. 1 3.4.3): `ID|AC|NT|IOPL=1, IF=0`.

Set bits are listed by name, most significant first, IOPL as a number; IF is
always said (set or clear), since it is what the irq ops are about. Bit 1 is
reserved and always 1 in a real image: it is left out. An image that sets a
bit the SDM reserves says so (`reserved bits 0x...`).
"""

from __future__ import annotations

import re

from pvverify.x86.arch import FLAG_BITS

# the bits of EFLAGS with a name, and the reserved bit 1 that reads as 1
_NAMED = sum((3 if n == "iopl" else 1) << b for n, b in FLAG_BITS.items())
_ALWAYS = 1 << 1


def decode(v: int) -> str:
    """`ID|AC|NT|IOPL=1, IF=0` for 0x245002 with IF clear; `none set, IF=0` for 0x2."""
    v &= 0xFFFFFFFF
    names = []
    for name, bit in sorted(FLAG_BITS.items(), key=lambda kv: -kv[1]):
        if name == "if":
            continue
        if name == "iopl":
            if (v >> bit) & 3:
                names.append(f"IOPL={(v >> bit) & 3}")
        elif v >> bit & 1:
            names.append(name.upper())
    out = ("|".join(names) or "none set") + f", IF={v >> FLAG_BITS['if'] & 1}"
    extra = v & ~(_NAMED | _ALWAYS)
    if extra:
        out += f", reserved bits {extra:#x}"
    return out


def is_flags_op(op: str) -> str | None:
    """What of the op is a flags image: 'return' (save_fl), 'arg' (restore_fl), or None."""
    m = re.search(r"(?<![a-z])(save_fl|restore_fl)(?![a-z])", op)
    return {"save_fl": "return", "restore_fl": "arg"}.get(m[1]) if m else None


# bits no flags image the kernel holds has set: TF, DF (clear at every call:
# the ABI), IOPL and NT (0 in the kernel since entry clears them), RF, VM
KERNEL_CLEAR = (1 << 8) | (1 << 10) | (3 << 12) | (1 << 14) | (1 << 16) | (1 << 17)
