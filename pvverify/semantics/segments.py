"""Segment bases: swapgs and the FSGSBASE instructions (64-bit mode only).

SWAPGS exchanges the current GS base with IA32_KERNEL_GS_BASE (MSR
0xC0000102); VEX lifts it to nothing and SLEIGH to an opaque call (DOMAIN.md
4). The current FS/GS bases are P-code's FS_OFFSET/GS_OFFSET so that
`%gs:`-relative accesses in lifted code use the same value.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from pvverify.semantics.operands import Insn, read, write
from pvverify.semantics.state import PathState, Unmodelled

Handler = Callable[[PathState, Insn], None]


def _long_mode_only(st: PathState, ins: Insn) -> None:
    if st.inputs.arch.bits != 64:
        raise Unmodelled(f"`{ins.text}`: invalid outside 64-bit mode (#UD)")


def swapgs(st: PathState, ins: Insn) -> None:
    _long_mode_only(st, ins)
    gs = st.reg("GS_OFFSET")
    st.set_reg("GS_OFFSET", st.kernel_gs_base)
    st.kernel_gs_base = gs


def _rdbase(seg: str) -> Handler:
    def rdbase(st: PathState, ins: Insn) -> None:
        _long_mode_only(st, ins)
        size = ins.operands[0].size
        write(st, ins, 0, z3.Extract(8 * size - 1, 0, st.reg(seg)))
    return rdbase


def _wrbase(seg: str) -> Handler:
    def wrbase(st: PathState, ins: Insn) -> None:
        _long_mode_only(st, ins)
        v = read(st, ins, 0)
        st.set_reg(seg, z3.ZeroExt(64 - v.size(), v) if v.size() < 64 else v)
    return wrbase


HANDLERS: dict[str, Handler] = {
    "swapgs": swapgs,
    "rdfsbase": _rdbase("FS_OFFSET"), "rdgsbase": _rdbase("GS_OFFSET"),
    "wrfsbase": _wrbase("FS_OFFSET"), "wrgsbase": _wrbase("GS_OFFSET"),
}
