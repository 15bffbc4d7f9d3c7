"""Control and debug registers: mov to/from CR0, CR2, CR3, CR4, CR8, DR0-DR7, and clts.

CRn moves always use the full register width of the mode (SDM MOV-Control
Registers: "operand size ... 64 bits in 64-bit mode"); VEX truncates CR2 to
32 bits and cannot decode them in 32-bit mode (docs/domain.md 4). A write to CR3
also invalidates the TLB, so it enters the trace as well as the state, and
so does a write to CR0/CR4 that changes a bit on which TLB invalidation
depends (`tlb_change`, SDM Vol. 3A 4.10.4.1).

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
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState, Unmodelled
from pvverify.x86.bits import (
    CR0_CD,
    CR0_NW,
    CR0_PE,
    CR0_PG,
    CR0_WP,
    CR3_NOFLUSH,
    CR4_CET,
    CR4_DE,
    CR4_LA57,
    CR4_PAE,
    CR4_PCIDE,
    CR4_PGE,
    CR4_PSE,
    CR4_SMEP,
    DR6_ONES,
    DR6_ZEROS,
    DR7_GD,
    DR7_ONES,
)

MODELLED = ("cr0", "cr2", "cr3", "cr4", "cr8")


def is_control_move(ins: Insn) -> bool:
    if ins.mnemonic != "mov":
        return False
    names = [reg_operand_name(ins, i) for i in range(len(ins.operands))]
    return any(n is not None and n.startswith(("cr", "dr")) for n in names)




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


# Bits whose change may invalidate TLB entries on some processor. SDM Vol. 3A
# 4.10.4.1 requires: MOV to CR0 clearing PG flushes everything including global
# entries; MOV to CR4 changing PGE, or PCIDE from 1 to 0, flushes everything
# including global entries; changing PAE, or SMEP from 0 to 1, flushes the
# current PCID. The processor "is always free to invalidate additional
# entries" (ibid.; e.g. when CR0.CD/NW change), and AMD64 Vol. 2 5.5.3 also
# flushes on CR0.PE/WP and CR4.PSE changes. So a write that changes any of
# these bits is a trace event carrying their old and new values: two paths
# whose events agree invalidate alike on every processor, whatever its rule.
TLB_BITS = {"cr0": CR0_PE | CR0_WP | CR0_NW | CR0_CD | CR0_PG,
            "cr4": CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCIDE | CR4_SMEP | CR4_LA57}


def tlb_change(st: PathState, ins: Insn) -> z3.BoolRef | None:
    """When a move to CR0/CR4 changes a TLB-relevant bit (dispatch forks on it)."""
    dst, src = reg_operand_name(ins, 0), reg_operand_name(ins, 1)
    if dst not in TLB_BITS or src is None:
        return None
    mask = TLB_BITS[dst]
    return ((st.reg(dst) ^ st.reg(src)) & mask) != 0


def tlb_event(st: PathState, ins: Insn) -> None:
    dst, src = reg_operand_name(ins, 0), reg_operand_name(ins, 1)
    assert dst is not None and src is not None
    mask = TLB_BITS[dst]
    st.event(f"tlb:{dst}", st.reg(dst) & mask, st.reg(src) & mask, text=ins.text)


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
        if dst == "cr3":
            # SDM MOV CR / 4.10.4.1: with CR4.PCIDE = 1, bit 63 of the source asks
            # for no invalidation and is not written to CR3 (which keeps it 0);
            # otherwise the PCID in bits 11:0 (0 without PCIDE) loses its
            # non-global entries. The event carries the value stored, PCIDE and
            # the no-flush bit: together they say what was invalidated.
            pcide = (st.reg("cr4") & CR4_PCIDE) != 0
            bit = z3.BitVecVal(1, 1)
            noflush = z3.Extract(63, 63, value) if arch.bits == 64 else z3.BitVecVal(0, 1)
            if arch.bits == 64:
                value = value & ~z3.BitVecVal(CR3_NOFLUSH, 64)
            st.set_reg(dst, value)
            st.event("cr3", value, z3.If(pcide, bit, ~bit), z3.If(pcide, noflush, ~bit),
                     text=ins.text)
            return
        st.set_reg(dst, value)
        return
    if src not in MODELLED or (src == "cr8" and arch.bits == 32):
        raise Unmodelled(f"`{ins.text}`: {src} is not modelled")
    st.set_reg(dst, st.reg(src))


def write_fault(st: PathState, ins: Insn) -> z3.BoolRef | None:
    """When a move to a control register raises #GP (SDM Vol. 2B MOV-Move to/from
    Control Registers, Protected Mode and 64-Bit Mode Exceptions), for the
    conditions the SDM fixes on every processor:

    CR0: bits 63:32 set (64-bit); PG = 1 with PE = 0; NW = 1 with CD = 0; PG
    cleared in 64-bit mode; WP cleared while CR4.CET = 1.
    CR4: PAE cleared in 64-bit mode (leaving IA-32e mode); LA57 changed in
    64-bit mode; PCIDE set from 0 while CR3[11:0] != 0, or outside IA-32e mode;
    CET set while CR0.WP = 0.
    CR3 (64-bit): bit 63 set with CR4.PCIDE = 0, or bits 60:52 set (above any
    MAXPHYADDR, below the LAM bits).
    CR8: bits 63:4 set.
    CR4 bits a processor does not implement, and CR3 bits between its
    MAXPHYADDR and 51, depend on the model: stored as written (check.ASSUMED).
    """
    dst = reg_operand_name(ins, 0)
    src = reg_operand_name(ins, 1)
    if src is None or dst not in ("cr0", "cr3", "cr4", "cr8"):
        return None
    long = st.inputs.arch.bits == 64
    v = st.reg(src)
    w = v.size()
    old = st.reg(dst)

    def has(x: z3.BitVecRef, bit: int) -> z3.BoolRef:
        return (x & z3.BitVecVal(bit, w)) != 0

    conds: list[z3.BoolRef] = []
    if dst == "cr0":
        if long:
            conds.append(z3.Extract(63, 32, v) != 0)
            conds.append(z3.Not(has(v, CR0_PG)))
        conds.append(z3.And(has(v, CR0_PG), z3.Not(has(v, CR0_PE))))
        conds.append(z3.And(has(v, CR0_NW), z3.Not(has(v, CR0_CD))))
        conds.append(z3.And(z3.Not(has(v, CR0_WP)), has(st.reg("cr4"), CR4_CET)))
    elif dst == "cr4":
        if long:
            conds.append(z3.Not(has(v, CR4_PAE)))
            conds.append(has(v ^ old, CR4_LA57))
        else:
            conds.append(has(v, CR4_PCIDE))
        cr3 = st.reg("cr3")
        conds.append(z3.And(has(v, CR4_PCIDE), z3.Not(has(old, CR4_PCIDE)),
                            z3.Extract(11, 0, cr3) != 0))
        conds.append(z3.And(has(v, CR4_CET), z3.Not(has(st.reg("cr0"), CR0_WP))))
    elif dst == "cr3":
        if not long:
            return None
        conds.append(z3.And(z3.Extract(63, 63, v) == 1, z3.Not(has(st.reg("cr4"), CR4_PCIDE))))
        conds.append(z3.Extract(60, 52, v) != 0)
    elif dst == "cr8":
        if not long:
            return None
        conds.append(z3.Extract(63, 4, v) != 0)
    return z3.Or(conds) if len(conds) > 1 else conds[0]


def clts(st: PathState, ins: Insn) -> None:
    cr0 = st.reg("cr0")
    st.set_reg("cr0", cr0 & ~z3.BitVecVal(8, cr0.size()))  # CR0.TS is bit 3


__all__ = ["is_control_move", "mov_cr", "faults", "write_fault", "clts", "read"]
HANDLERS = {"clts": clts}

_BASE64 = (("cr0", 0x80010011), ("cr4", 0x20))   # PE ET WP PG; PAE
_PCIDE = ("cr4", 0x20020)
RULES: tuple[Rule, ...] = (
    Rule("mov cr3, r64 (CR4.PCIDE = 0)", ("mov",), ("x86_64",), "the source",
         "CR3 := source", (("source bit 63 set", "#GP(0)"), ("source bits 60:52 set", "#GP(0)")),
         "cr3(value, PCIDE = 0, no-flush = 0): PCID 0 loses its non-global entries",
         "Vol. 2B MOV-Move to/from Control Registers; Vol. 3A 4.10.4.1",
         (Case("x86_64", "movq %rsi, %cr3", (*_BASE64, ("rsi", 0x1234018)),
               events=(("cr3", 0x1234018, 0, 0),), after=(("cr3", 0x1234018),), cpu=True),
          Case("x86_64", "movq %rsi, %cr3", (*_BASE64, ("rsi", (1 << 63) | 0x5000)), stop="fault:#GP",
               cpu=True),
          Case("x86_64", "movq %rsi, %cr3", (*_BASE64, ("rsi", 1 << 55)), stop="fault:#GP", cpu=True)),
         out_of_scope="bits between MAXPHYADDR and 51 (model-specific): stored as written"),
    Rule("mov cr3, r64 (CR4.PCIDE = 1)", ("mov",), ("x86_64",), "the source, CR4.PCIDE",
         "CR3 := source with bit 63 cleared",
         (("source bits 60:52 set", "#GP(0)"),),
         "cr3(value, PCIDE = 1, no-flush = source bit 63): with bit 63 clear the PCID in bits 11:0 "
         "loses its non-global entries, with it set nothing need be invalidated",
         "Vol. 2B MOV-Move to/from Control Registers; Vol. 3A 4.10.4.1",
         (Case("x86_64", "movq %rsi, %cr3", (_BASE64[0], _PCIDE, ("rsi", (1 << 63) | 0x5007)),
               events=(("cr3", 0x5007, 1, 1),), after=(("cr3", 0x5007),), cpu=True),
          Case("x86_64", "movq %rsi, %cr3", (_BASE64[0], _PCIDE, ("rsi", 0x5007)),
               events=(("cr3", 0x5007, 1, 0),), cpu=True),
          Case("x86_64", "movq %rsi, %cr3", (_BASE64[0], _PCIDE, ("rsi", (1 << 63) | (1 << 52))),
               stop="fault:#GP", cpu=True))),
    Rule("mov cr3, r32 (i386)", ("mov",), ("i386",), "the source", "CR3 := source", (),
         "cr3(value, 0, 0): all non-global entries", "Vol. 3A 4.10.4.1",
         (Case("i386", "movl %edx, %cr3", (("edx", 0x1000),), events=(("cr3", 0x1000, 0, 0),),
               cpu=True),)),
    Rule("mov cr4, r", ("mov",), ("x86_64", "i386"), "the source, CR0, CR3, CR4",
         "CR4 := source",
         (("64-bit: PAE cleared", "#GP(0)"), ("64-bit: LA57 changed", "#GP(0)"),
          ("i386: PCIDE set", "#GP(0)"), ("PCIDE 0 -> 1 while CR3[11:0] != 0", "#GP(0)"),
          ("CET set while CR0.WP = 0", "#GP(0)")),
         "tlb:cr4(old, new) of the bits PSE PAE PGE PCIDE SMEP LA57 when any changes: PGE changed or "
         "PCIDE 1 -> 0 flushes all including global; PAE changed or SMEP 0 -> 1 the current PCID; "
         "other processors may flush more (hence the bits, not a scope)",
         "Vol. 2B MOV-Move to/from Control Registers; Vol. 3A 4.10.4.1; AMD64 Vol. 2 5.5.3",
         (Case("x86_64", "movq %rsi, %cr4", (*_BASE64, ("rsi", 0xA0)),
               events=(("tlb:cr4", 0x20, 0xA0),), after=(("cr4", 0xA0),), cpu=True),
          Case("x86_64", "movq %rsi, %cr4", (*_BASE64, ("rsi", 0x40020)), events=(),
               after=(("cr4", 0x40020),), cpu=True),
          Case("x86_64", "movq %rsi, %cr4", (*_BASE64, ("rsi", 0)), stop="fault:#GP", cpu=True),
          Case("x86_64", "movq %rsi, %cr4", (*_BASE64, ("cr3", 0x1005), ("rsi", 0x20020)),
               stop="fault:#GP", cpu=True),
          Case("x86_64", "movq %rsi, %cr4", (("cr0", 0x80010011), _PCIDE, ("rsi", 0x20)),
               events=(("tlb:cr4", 0x20020, 0x20),), cpu=True),
          Case("i386", "movl %edx, %cr4", (("edx", 0x20000),), stop="fault:#GP", cpu=True))),
    Rule("mov cr0, r", ("mov",), ("x86_64", "i386"), "the source, CR4.CET", "CR0 := source",
         (("64-bit: bits 63:32 set", "#GP(0)"), ("64-bit: PG cleared", "#GP(0)"),
          ("PG set with PE clear", "#GP(0)"), ("NW set with CD clear", "#GP(0)"),
          ("WP cleared while CR4.CET = 1", "#GP(0)")),
         "tlb:cr0(old, new) of the bits PE WP NW CD PG when any changes: PG 1 -> 0 flushes all "
         "including global; CD/NW/WP/PE changes may flush",
         "Vol. 2B MOV-Move to/from Control Registers; Vol. 3A 4.10.4.1",
         (Case("x86_64", "movq %rsi, %cr0", (*_BASE64, ("rsi", 0x80000011)),
               events=(("tlb:cr0", 0x80010001, 0x80000001),), cpu=True),
          Case("x86_64", "movq %rsi, %cr0", (*_BASE64, ("rsi", 0x80010019)), events=(),
               after=(("cr0", 0x80010019),), cpu=True),
          Case("x86_64", "movq %rsi, %cr0", (*_BASE64, ("rsi", 0x10011)), stop="fault:#GP", cpu=True),
          Case("x86_64", "movq %rsi, %cr0", (*_BASE64, ("rsi", 0xA0010011)), stop="fault:#GP",
               cpu=True),
          Case("i386", "movl %edx, %cr0", (("cr0", 0x80000011), ("edx", 0x11)),
               events=(("tlb:cr0", 0x80000001, 0x1),), cpu=True))),
    Rule("mov cr8, r64", ("mov",), ("x86_64",), "the source", "CR8 (TPR) := source",
         (("bits 63:4 set", "#GP(0)"),), "-", "Vol. 2B MOV-Move to/from Control Registers",
         (Case("x86_64", "movq %rsi, %cr8", (("rsi", 0x10),), stop="fault:#GP", cpu=True),
          Case("x86_64", "movq %rsi, %cr8", (("rsi", 0xF),), after=(("cr8", 0xF),), cpu=True))),
    Rule("mov r, cr0/cr2/cr3/cr4/cr8", ("mov",), ("x86_64", "i386"), "the control register",
         "the register, full width of the mode", (), "-",
         "Vol. 2B MOV-Move to/from Control Registers",
         (Case("x86_64", "movq %cr2, %rax", (("cr2", 0xFFFF888012345678),),
               after=(("rax", 0xFFFF888012345678),), cpu=True),)),
    Rule("clts", ("clts",), ("x86_64", "i386"), "CR0", "CR0.TS := 0", (), "- (TS is not TLB-relevant)",
         "Vol. 2A CLTS",
         (Case("x86_64", "clts", (("cr0", 0x80010019),), after=(("cr0", 0x80010011),), events=(),
               cpu=True),)),
    Rule("mov dr0-dr7", ("mov",), ("x86_64", "i386"), "DR7.GD, CR4.DE, the source",
         "DRn; DR6 reads bits 4-10, 17-31 as 1 and 12 as 0; DR7 bit 10 as 1",
         (("DR4/DR5 with CR4.DE = 1", "#UD"), ("DR7.GD = 1", "#DB"),
          ("64-bit: a 1 in DR6/DR7 bits 63:32", "#GP(0)")), "-",
         "Vol. 2B MOV-Move to/from Debug Registers; Vol. 3B 18.2",
         (Case("x86_64", "movq %dr4, %rax", (("cr4", 0x28),), stop="fault:#UD", cpu=True),
          Case("i386", "movl %edx, %dr7\nmovl %dr7, %ebx", (("edx", 0),), after=(("ebx", 0x400),),
               cpu=True))),
)
