"""Reading and writing capstone-decoded operands on a symbolic state.

Used by pvverify's own instruction semantics (the system instructions and the
flag fix-ups), which work from the decoded instruction rather than from P-code.
"""

from __future__ import annotations

from dataclasses import dataclass

import z3
from capstone import x86_const as X

from pvverify.semantics.state import PathState, Unmodelled, to_width
from pvverify.x86.decode import decoder


@dataclass(frozen=True)
class Insn:
    """A decoded instruction: what every semantic handler receives."""

    address: int
    size: int
    mnemonic: str
    op_str: str
    code: bytes
    cs: object  # the capstone CsInsn, for operand details
    bits: int = 64

    @property
    def text(self) -> str:
        """AT&T, as the kernel sources and objdump write it: reasons quote it to kernel developers."""
        return att_text(self.code, self.address, self.bits) or f"{self.mnemonic} {self.op_str}".strip()

    @property
    def operands(self) -> list:
        return list(self.cs.operands)

    def reg_name(self, reg: int) -> str:
        return self.cs.reg_name(reg)


def att_text(code: bytes, address: int, bits: int) -> str:
    """The first instruction of `code` in AT&T syntax ("" if it does not decode)."""
    for _, _, mnemonic, op_str in decoder(bits, detail=False, att=True).disasm_lite(code, address, 1):
        return f"{mnemonic} {op_str}".strip()
    return ""


def effective_address(st: PathState, ins: Insn, op) -> z3.BitVecRef:
    """Linear address of a memory operand: segment base (fs/gs only) + base + index*scale + disp."""
    arch = st.inputs.arch
    bits = arch.bits
    m = op.mem
    addr = z3.BitVecVal(m.disp & arch.mask, bits)
    if m.base != 0:
        name = ins.reg_name(m.base)
        if name in ("rip", "eip"):
            base = z3.BitVecVal((ins.address + ins.size) & arch.mask, bits)
        else:
            base = to_width(st.reg(name), bits)
        addr = addr + base
    if m.index != 0:
        addr = addr + to_width(st.reg(ins.reg_name(m.index)), bits) * m.scale
    if m.segment in (X.X86_REG_FS, X.X86_REG_GS):
        seg = "FS_OFFSET" if m.segment == X.X86_REG_FS else "GS_OFFSET"
        addr = addr + st.reg(seg)
    return addr



def read(st: PathState, ins: Insn, i: int) -> z3.BitVecRef:
    """Value of operand i at its own width (immediates at the operand size)."""
    op = ins.operands[i]
    if op.type == X.X86_OP_REG:
        return st.reg(ins.reg_name(op.reg))
    if op.type == X.X86_OP_IMM:
        return z3.BitVecVal(op.imm & ((1 << (8 * op.size)) - 1), 8 * op.size)
    if op.type == X.X86_OP_MEM:
        return st.load(effective_address(st, ins, op), op.size)
    raise Unmodelled(f"`{ins.text}`: operand kind {op.type}")


def write(st: PathState, ins: Insn, i: int, value: z3.BitVecRef) -> None:
    """Store to operand i; a 32-bit register write zero-extends in 64-bit mode (SDM 3.4.1.1)."""
    op = ins.operands[i]
    if op.type == X.X86_OP_REG:
        set_reg_zx(st, ins.reg_name(op.reg), value)
        return
    if op.type == X.X86_OP_MEM:
        st.store(effective_address(st, ins, op), op.size, value)
        return
    raise Unmodelled(f"`{ins.text}`: cannot write operand kind {op.type}")


def set_reg_zx(st: PathState, name: str, value: z3.BitVecRef) -> None:
    """Register write with the 64-bit mode rule: a 32-bit destination clears bits 63:32."""
    off, size = st.inputs.layout.by_name[name.upper()]
    c = st.inputs.layout.locate(off, size)
    if st.inputs.arch.bits == 64 and size == 4 and c.size == 8 and off == c.offset:
        st.write_varnode(c.offset, 8, z3.ZeroExt(32, value))
    else:
        st.write_varnode(off, size, value)


def reg_operand_name(ins: Insn, i: int) -> str | None:
    op = ins.operands[i]
    return ins.reg_name(op.reg) if op.type == X.X86_OP_REG else None
