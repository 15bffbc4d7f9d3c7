"""Control and debug registers: mov to/from CR0, CR2, CR3, CR4, CR8, DR0-DR7, and clts.

CRn moves always use the full register width of the mode (SDM MOV-Control
Registers: "operand size ... 64 bits in 64-bit mode"); VEX truncates CR2 to
32 bits and cannot decode them in 32-bit mode (DOMAIN.md 4). A write to CR3
also invalidates the TLB, so it enters the trace as well as the state.

Debug registers (SDM MOV-Move to/from Debug Registers, and 18.2): DR4/DR5 are
DR6/DR7 when CR4.DE is clear and #UD when it is set; any access while DR7.GD
is set is a #DB (general detect) before the move; writing a 1 to bits 63:32 of
DR6 or DR7 in 64-bit mode is #GP(0). A write stores the value with the bits the
SDM fixes on every processor: DR6 bits 4-10 and 17-31 read as 1, bit 12 as 0;
DR7 bit 10 reads as 1. Bits whose behaviour depends on the processor (DR6.BLD,
DR6.RTM, DR7's other reserved bits) are stored as written, so two writes are
only ever identified where every processor identifies them.
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


DR6_ONES, DR6_ZEROS = 0xFFFE07F0, 0x1000
DR7_ONES = 0x400
DR7_GD = 1 << 13
CR4_DE = 1 << 3


def _debug_register(name: str | None) -> int | None:
    return int(name[2:]) if name is not None and name.startswith("dr") else None


def faults(st: PathState, ins: Insn) -> list[tuple[z3.BoolRef, str]]:
    """The exceptions a control/debug register move can raise, in the order the
    CPU checks them: each is taken where it holds and no earlier one does."""
    dst, src = reg_operand_name(ins, 0), reg_operand_name(ins, 1)
    n = _debug_register(dst) if _debug_register(dst) is not None else _debug_register(src)
    out: list[tuple[z3.BoolRef, str]] = []
    if n is not None:
        if n in (4, 5):
            out.append(((st.reg("cr4") & CR4_DE) != 0, "fault:#UD"))
        out.append(((st.reg("dr7") & DR7_GD) != 0, "fault:#DB"))
        named = n + 2 if n in (4, 5) else n
        if _debug_register(dst) is not None and st.inputs.arch.bits == 64 and named in (6, 7):
            out.append((z3.Extract(63, 32, st.reg(src)) != 0, "fault:#GP"))
        return out
    fault = write_fault(st, ins)
    return [(fault, "fault:#GP")] if fault is not None else []


def _mov_dr(st: PathState, ins: Insn, dst: str, src: str) -> None:
    """DR4/DR5 are DR6/DR7 here: faults() has split off the CR4.DE path."""
    n = _debug_register(dst)
    if n is not None:
        n = n + 2 if n in (4, 5) else n
        if n > 7:
            raise Unmodelled(f"`{ins.text}`: dr{n} does not exist")
        value = st.reg(src)
        if n == 6:
            value = (value | DR6_ONES) & ~z3.BitVecVal(DR6_ZEROS, value.size())
        elif n == 7:
            value = value | DR7_ONES
        st.set_reg(f"dr{n}", value)
        return
    n = _debug_register(src)
    assert n is not None
    n = n + 2 if n in (4, 5) else n
    if n > 7:
        raise Unmodelled(f"`{ins.text}`: dr{n} does not exist")
    st.set_reg(dst, st.reg(f"dr{n}"))


def mov_cr(st: PathState, ins: Insn) -> None:
    dst = reg_operand_name(ins, 0)
    src = reg_operand_name(ins, 1)
    if dst is None or src is None:
        raise Unmodelled(f"`{ins.text}`: unexpected control-register operands")
    if dst.startswith("dr") or src.startswith("dr"):
        _mov_dr(st, ins, dst, src)
        return
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


__all__ = ["is_control_move", "mov_cr", "faults", "write_fault", "clts", "read"]
HANDLERS = {"clts": clts}
