"""Descriptor-table registers: lgdt, lidt, sgdt, sidt, str, sldt (ring 0).

SDM LGDT/LIDT: the operand is a 16-bit limit followed by the base, 8 bytes in
64-bit mode (whatever the operand size), 4 bytes in 32-bit mode with a 32-bit
operand size (a 16-bit operand size keeps 24 bits: refused here). SGDT/SIDT
store the same 10 or 6 bytes. STR/SLDT store the TR/LDTR selector: 16 bits to
memory; to a register, zero-extended to its width (a 32-bit register in 64-bit
mode clears bits 63:32 as every 32-bit write does).

GDTR/IDTR are P-code's registers (limit, address), so a write enters the
observables like any other register. The TR and LDTR selectors are inputs that
nothing modelled writes: LTR and LLDT load a descriptor from the GDT (and LTR
marks it busy), which is not modelled (`unknown`).
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from pvverify.semantics.operands import Insn, effective_address, write
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState, Unmodelled

Handler = Callable[[PathState, Insn], None]

SELECTORS = ("TR_SELECTOR", "LDTR_SELECTOR")  # input constants, 16 bits


def part(st: PathState, name: str) -> z3.BitVecRef:
    """GDTR_Limit, IDTR_Address, ...: P-code names them in mixed case."""
    return st.read_varnode(*st.inputs.layout.by_name[name])


def _set_part(st: PathState, name: str, value: z3.BitVecRef) -> None:
    st.write_varnode(*st.inputs.layout.by_name[name], value)


def _operand(st: PathState, ins: Insn) -> z3.BitVecRef:
    if not ins.operands or ins.operands[0].type != 3:  # X86_OP_MEM
        raise Unmodelled(f"`{ins.text}`: expected a memory operand")
    if st.inputs.arch.bits == 32 and ins.code[:1] == b"\x66":
        raise Unmodelled(f"`{ins.text}`: 16-bit operand size (24-bit base) is not modelled")
    return effective_address(st, ins, ins.operands[0])


def _load(table: str) -> Handler:
    def load(st: PathState, ins: Insn) -> None:
        addr = _operand(st, ins)
        base_bytes = 8 if st.inputs.arch.bits == 64 else 4
        limit = st.load(addr, 2)
        base = st.load(addr + 2, base_bytes)
        lim_bits = part(st, f"{table}_Limit").size()
        _set_part(st, f"{table}_Limit", z3.ZeroExt(lim_bits - 16, limit) if lim_bits > 16 else limit)
        _set_part(st, f"{table}_Address", base)
    return load


def _store(table: str) -> Handler:
    def store(st: PathState, ins: Insn) -> None:
        addr = _operand(st, ins)
        st.store(addr, 2, z3.Extract(15, 0, part(st, f"{table}_Limit")))
        st.store(addr + 2, 8 if st.inputs.arch.bits == 64 else 4, part(st, f"{table}_Address"))
    return store


def _selector(name: str) -> Handler:
    def store_selector(st: PathState, ins: Insn) -> None:
        sel = z3.BitVec(name, 16)
        op = ins.operands[0]
        width = 8 * op.size
        write(st, ins, 0, z3.ZeroExt(width - 16, sel) if width > 16 else sel)
    return store_selector


HANDLERS: dict[str, Handler] = {
    "lgdt": _load("GDTR"), "lidt": _load("IDTR"), "sgdt": _store("GDTR"), "sidt": _store("IDTR"),
    "str": _selector("TR_SELECTOR"), "sldt": _selector("LDTR_SELECTOR"),
}

RULES: tuple[Rule, ...] = (
    Rule("lgdt / lidt m16&64 (m16&32 on i386)", ("lgdt", "lidt"), ("x86_64", "i386"),
         "a 16-bit limit and an 8- (4-) byte base", "GDTR / IDTR", (), "-", "Vol. 2A LGDT/LIDT",
         (Case("x86_64", "lgdt (%rdi)\nsgdt 16(%rdi)", (("rdi", 0xFFFF888000100000),),
               after=(("written", 10),), cpu=True),),
         out_of_scope="the 16-bit operand size on i386 (24-bit base): unknown"),
    Rule("sgdt / sidt m", ("sgdt", "sidt"), ("x86_64", "i386"), "GDTR / IDTR",
         "10 (6) bytes at the operand", (), "-", "Vol. 2B SGDT, SIDT",
         (Case("i386", "sidt (%eax)", (("eax", 0xC8100000),), after=(("written", 6),), cpu=True),),
         out_of_scope="UMIP (#GP at CPL > 0 with CR4.UMIP)"),
    Rule("str / sldt r/m", ("str", "sldt"), ("x86_64", "i386"), "TR / LDTR selector",
         "16 bits to memory; zero-extended to a register", (), "-", "Vol. 2B STR, SLDT",
         (Case("x86_64", "str %eax", (("rax", (1 << 64) - 1),), after=(("rax", 0),), cpu=True),),
         out_of_scope="UMIP (#GP at CPL > 0 with CR4.UMIP); smsw is not modelled (unknown)"),
)
