"""Interrupt and system flags: cli, sti, pushf, popf, stac, clac (ring 0).

The lifters get these wrong in the ways that matter here (docs/domain.md 4: VEX
drops IF from pushf; SLEIGH's pushf omits IOPL and bit 1 and its popf zeroes
VIF/VIP), so they are defined here from the SDM's operation sections.
"""

from __future__ import annotations

import z3

from pvverify.semantics.operands import Insn
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState
from pvverify.x86.arch import FLAG_BITS, FLAG_WIDTH

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


def load_rflags(st: PathState, image: z3.BitVecRef) -> None:
    """Every flag from an RFLAGS image (SYSRET loads RFLAGS from R11 this way)."""
    for name, pos in FLAG_BITS.items():
        st.set_flag(name, z3.Extract(pos + FLAG_WIDTH[name] - 1, pos, image))


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

RULES: tuple[Rule, ...] = (
    Rule("cli", ("cli",), ("x86_64", "i386"), "-", "RFLAGS.IF := 0", (), "-",
         "Vol. 2A CLI", (Case("x86_64", "cli", (("if", 1),), after=(("if", 0),), cpu=True),),
         out_of_scope="#GP when CPL > IOPL (CPL 0 assumed)"),
    Rule("sti", ("sti",), ("x86_64", "i386"), "RFLAGS.IF",
         "RFLAGS.IF := 1; if IF was 0, interrupts stay inhibited until after the next instruction "
         "(the shadow: tracked by lift.Explorer as the interrupt window)", (), "-",
         "Vol. 2B STI; Vol. 3A 6.8.3",
         (Case("x86_64", "sti\nhlt", (("if", 0),), events=(("hlt", 1, 0),), cpu=True),
          Case("x86_64", "sti\nsti\nhlt", (("if", 0),), events=(("hlt", 1, 1),), cpu=True),
          Case("i386", "sti\nhlt", (("if", 1),), events=(("hlt", 1, 1),), cpu=True)),
         out_of_scope="#GP when CPL > IOPL (CPL 0 assumed)"),
    Rule("pushf / pushfd / pushfq", ("pushf", "pushfd", "pushfq"), ("x86_64", "i386"), "RFLAGS",
         "2, 4 or 8 bytes below RSP: the flags image with bit 1 set, RF and VM stored as 0", (), "-",
         "Vol. 2B PUSHF/PUSHFD/PUSHFQ",
         (Case("x86_64", "pushfq\npopq %rax", (("if", 1), ("ac", 1)), after=(("rax", 0x40202),),
               cpu=True),)),
    Rule("popf / popfd / popfq", ("popf", "popfd", "popfq"), ("x86_64", "i386"), "the stack",
         "at CPL 0 every flag but RF (cleared), VM, VIF, VIP; the 16-bit form only FLAGS[15:0]",
         (), "-", "Vol. 2B POPF/POPFD/POPFQ",
         (Case("x86_64", "pushq $0x200\npopfq", (("if", 0),), after=(("if", 1),), cpu=True),),
         out_of_scope="IOPL-sensitive behaviour at CPL > 0; a popf loading TF is unknown"),
    Rule("stac / clac", ("stac", "clac"), ("x86_64", "i386"), "-", "RFLAGS.AC := 1 / 0",
         (("CPUID.SMAP = 0", "#UD (the CPU's feature: assumed present)"),), "-",
         "Vol. 2B STAC, CLAC",
         (Case("x86_64", "stac", (("ac", 0),), after=(("ac", 1),), cpu=True),
          Case("i386", "clac", (("ac", 1),), after=(("ac", 0),), cpu=True)),
         out_of_scope="#UD at CPL > 0"),
)
