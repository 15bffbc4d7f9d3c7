"""Interrupt and system flags: cli, sti, pushf, popf, stac, clac (ring 0).

The lifters get these wrong in the ways that matter here (DOMAIN.md 4: VEX
drops IF from pushf; SLEIGH's pushf omits IOPL and bit 1 and its popf zeroes
VIF/VIP), so they are defined here from the SDM's operation sections.
"""

from __future__ import annotations

import z3

from pvverify.arch import FLAG_BITS, FLAG_WIDTH
from pvverify.semantics.operands import Insn
from pvverify.semantics.state import PathState

# Flags POPF may change at CPL 0 (SDM POPF: "all non-reserved flags except RF,
# VIP, VIF, and VM can be modified; VIP, VIF, VM ... unaffected; RF is cleared").
_POPF_LOADS = ("cf", "pf", "af", "zf", "sf", "tf", "if", "df", "of", "iopl", "nt", "ac", "id")


def eflags_image(st: PathState, bits: int) -> z3.BitVecRef:
    """The value PUSHF stores: bit 1 set, RF and VM stored as 0 (SDM PUSHF)."""
    v = z3.BitVecVal(0x2, bits)
    for name, pos in FLAG_BITS.items():
        if name in ("rf", "vm") or pos >= bits:
            continue
        f = st.flag(name)
        v = v | (z3.ZeroExt(bits - FLAG_WIDTH[name], f) << pos)
    return v


def load_eflags(st: PathState, image: z3.BitVecRef) -> None:
    """POPF at CPL 0 with a 32/64-bit operand."""
    for name in _POPF_LOADS:
        pos = FLAG_BITS[name]
        st.set_flag(name, z3.Extract(pos + FLAG_WIDTH[name] - 1, pos, image))
    st.set_flag("rf", 0)


def cli(st: PathState, ins: Insn) -> None:
    st.set_flag("if", 0)


def sti(st: PathState, ins: Insn) -> None:
    # The interrupt shadow is tracked by the stepper (lift.py), which knows
    # the instruction that follows.
    st.set_flag("if", 1)


def pushf(st: PathState, ins: Insn) -> None:
    size = {"pushfq": 8, "pushfd": 4, "pushf": 2}[ins.mnemonic]
    st.push(eflags_image(st, 8 * size))


def popf(st: PathState, ins: Insn) -> None:
    size = {"popfq": 8, "popfd": 4, "popf": 2}[ins.mnemonic]
    image = st.pop(size)
    if size == 2:
        # 16-bit operand: only FLAGS[15:0] are loaded, all of them at CPL 0.
        for name, pos in FLAG_BITS.items():
            if pos < 16:
                st.set_flag(name, z3.Extract(pos + FLAG_WIDTH[name] - 1, pos, image))
        return
    load_eflags(st, image)


def stac(st: PathState, ins: Insn) -> None:
    st.set_flag("ac", 1)


def clac(st: PathState, ins: Insn) -> None:
    st.set_flag("ac", 0)


POPF = frozenset(["popf", "popfd", "popfq"])

HANDLERS = {
    "cli": cli, "sti": sti, "pushf": pushf, "pushfd": pushf, "pushfq": pushf,
    "popf": popf, "popfd": popf, "popfq": popf, "stac": stac, "clac": clac,
}
