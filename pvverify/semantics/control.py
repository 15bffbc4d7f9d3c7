"""Control registers: mov to/from CR0, CR2, CR3, CR4, CR8, and clts.

CRn moves always use the full register width of the mode (SDM MOV-Control
Registers: "operand size ... 64 bits in 64-bit mode"); VEX truncates CR2 to
32 bits and cannot decode them in 32-bit mode (DOMAIN.md 4). A write to CR3
also invalidates the TLB, so it enters the trace as well as the state.
"""

from __future__ import annotations

import z3

from pvverify.semantics.operands import Insn, read, reg_operand_name
from pvverify.semantics.state import PathState, Unmodelled

MODELLED = ("cr0", "cr2", "cr3", "cr4", "cr8")


def is_control_move(ins: Insn) -> bool:
    if ins.mnemonic != "mov":
        return False
    names = [reg_operand_name(ins, i) for i in range(len(ins.operands))]
    return any(n is not None and n.startswith(("cr", "dr")) for n in names)


def mov_cr(st: PathState, ins: Insn) -> None:
    dst = reg_operand_name(ins, 0)
    src = reg_operand_name(ins, 1)
    if dst is None or src is None:
        raise Unmodelled(f"`{ins.text}`: unexpected control-register operands")
    if dst.startswith("dr") or src.startswith("dr"):
        raise Unmodelled(f"`{ins.text}`: debug registers are not modelled")
    arch = st.inputs.arch
    if dst.startswith("cr"):
        if dst not in MODELLED or (dst == "cr8" and arch.bits == 32):
            raise Unmodelled(f"`{ins.text}`: {dst} is not modelled")
        value = st.reg(src)
        st.set_reg(dst, value)
        if dst == "cr3":
            st.event("cr3", value, text=ins.text)
        return
    if src not in MODELLED or (src == "cr8" and arch.bits == 32):
        raise Unmodelled(f"`{ins.text}`: {src} is not modelled")
    st.set_reg(dst, st.reg(src))


def write_fault(st: PathState, ins: Insn) -> z3.BoolRef | None:
    """When a move to CR0 or CR8 raises #GP: it sets an architecturally reserved bit.

    SDM MOV-Control Registers: setting any of CR0[63:32] or CR8[63:4] in 64-bit
    mode is #GP(0). CR3/CR4 reserved bits depend on the CPU model
    (MAXPHYADDR, feature bits), so they stay unmodelled stores.
    """
    dst = reg_operand_name(ins, 0)
    src = reg_operand_name(ins, 1)
    if st.inputs.arch.bits != 64 or src is None or dst not in ("cr0", "cr8"):
        return None
    value = st.reg(src)
    high = 4 if dst == "cr8" else 32
    return z3.Extract(63, high, value) != 0


def clts(st: PathState, ins: Insn) -> None:
    cr0 = st.reg("cr0")
    st.set_reg("cr0", cr0 & ~z3.BitVecVal(8, cr0.size()))  # CR0.TS is bit 3


__all__ = ["is_control_move", "mov_cr", "write_fault", "clts", "read"]
HANDLERS = {"clts": clts}
