"""Segment bases: swapgs and the FSGSBASE instructions (64-bit mode only).

SWAPGS exchanges the current GS base with IA32_KERNEL_GS_BASE (MSR
0xC0000102); VEX lifts it to nothing and SLEIGH to an opaque call (docs/domain.md
4). The current FS/GS bases are P-code's FS_OFFSET/GS_OFFSET so that
`%gs:`-relative accesses in lifted code use the same value.

RDFSBASE/RDGSBASE/WRFSBASE/WRGSBASE are #UD unless CR4.FSGSBASE (bit 16) is
set, and #UD outside 64-bit mode; WR*BASE with a non-canonical 64-bit source
is #GP(0) (SDM Vol. 2B RDFSBASE/RDGSBASE, WRFSBASE/WRGSBASE). SWAPGS is #UD
outside 64-bit mode (SDM Vol. 2B SWAPGS). unicorn executes all four whatever
CR4 holds (measured), so the oracle applies the CR4 gate from the SDM too.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from pvverify.semantics.exits import canonical
from pvverify.semantics.operands import Insn, read, write
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState
from pvverify.x86.bits import CR4_FSGSBASE

Handler = Callable[[PathState, Insn], None]


def swapgs(st: PathState, ins: Insn) -> None:
    gs = st.reg("GS_OFFSET")
    st.set_reg("GS_OFFSET", st.kernel_gs_base)
    st.kernel_gs_base = gs


def _rdbase(seg: str) -> Handler:
    def rdbase(st: PathState, ins: Insn) -> None:
        size = ins.operands[0].size
        write(st, ins, 0, z3.Extract(8 * size - 1, 0, st.reg(seg)))
    return rdbase


def _wrbase(seg: str) -> Handler:
    def wrbase(st: PathState, ins: Insn) -> None:
        v = read(st, ins, 0)
        st.set_reg(seg, z3.ZeroExt(64 - v.size(), v) if v.size() < 64 else v)
    return wrbase


def _long_mode_only(st: PathState, ins: Insn) -> list[tuple[z3.BoolRef, str]]:
    return [(z3.BoolVal(st.inputs.arch.bits != 64), "fault:#UD")]


def _fsgsbase_faults(st: PathState, ins: Insn) -> list[tuple[z3.BoolRef, str]]:
    if st.inputs.arch.bits != 64:
        return _long_mode_only(st, ins)
    out = [((st.reg("cr4") & CR4_FSGSBASE) == 0, "fault:#UD")]
    if ins.mnemonic.startswith("wr") and ins.operands[0].size == 8:
        out.append((z3.Not(canonical(st, read(st, ins, 0))), "fault:#GP"))
    return out


HANDLERS: dict[str, Handler] = {
    "swapgs": swapgs,
    "rdfsbase": _rdbase("FS_OFFSET"), "rdgsbase": _rdbase("GS_OFFSET"),
    "wrfsbase": _wrbase("FS_OFFSET"), "wrgsbase": _wrbase("GS_OFFSET"),
}
FAULTS = {"swapgs": _long_mode_only, "rdfsbase": _fsgsbase_faults, "rdgsbase": _fsgsbase_faults,
          "wrfsbase": _fsgsbase_faults, "wrgsbase": _fsgsbase_faults}

_ON = ("cr4", 0x10020)
_OFF = ("cr4", 0x20)
RULES: tuple[Rule, ...] = (
    Rule("swapgs", ("swapgs",), ("x86_64",), "GS base, IA32_KERNEL_GS_BASE",
         "exchanges the two",
         (("not in 64-bit mode", "#UD (capstone does not decode it there: unknown)"),), "-",
         "Vol. 2B SWAPGS",
         (Case("x86_64", "swapgs", (("msr:0xc0000101", 1), ("msr:0xc0000102", 2)),
               after=(("msr:0xc0000101", 2), ("msr:0xc0000102", 1)), cpu=True),
),
         out_of_scope="#GP at CPL > 0"),
    Rule("rdfsbase / rdgsbase r32, r64", ("rdfsbase", "rdgsbase"), ("x86_64",),
         "FS/GS base, CR4.FSGSBASE", "the register (r32: low half, zero-extended)",
         (("not in 64-bit mode", "#UD (not decoded there: unknown)"), ("CR4.FSGSBASE = 0", "#UD")), "-",
         "Vol. 2B RDFSBASE/RDGSBASE",
         (Case("x86_64", "rdgsbase %rax", (_ON, ("msr:0xc0000101", 0xFFFF888000001000)),
               after=(("rax", 0xFFFF888000001000),), cpu=True),
          Case("x86_64", "rdfsbase %eax", (_ON, ("msr:0xc0000100", 0x1234567890)),
               after=(("rax", 0x34567890),), cpu=True),
          Case("x86_64", "rdgsbase %rax", (_OFF,), stop="fault:#UD", cpu=True)),
         out_of_scope="none (CPL-independent)"),
    Rule("wrfsbase / wrgsbase r32, r64", ("wrfsbase", "wrgsbase"), ("x86_64",),
         "the register, CR4.FSGSBASE", "FS/GS base (r32: zero-extended)",
         (("not in 64-bit mode", "#UD (not decoded there: unknown)"), ("CR4.FSGSBASE = 0", "#UD"),
          ("64-bit source not canonical", "#GP(0)")), "-", "Vol. 2B WRFSBASE/WRGSBASE",
         (Case("x86_64", "wrgsbase %rdi", (_ON, ("rdi", 0xFFFF888000002000)),
               after=(("msr:0xc0000101", 0xFFFF888000002000),), cpu=True),
          Case("x86_64", "wrfsbase %rdi", (_OFF,), stop="fault:#UD", cpu=True),
          Case("x86_64", "wrgsbase %rdi", (_ON, ("rdi", 0x0000800000000000)), stop="fault:#GP",
               cpu=True)),
         out_of_scope="none (CPL-independent)"),
)
