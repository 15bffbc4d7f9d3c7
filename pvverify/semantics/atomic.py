"""CMPXCHG and LOCK CMPXCHG, from the SDM rather than the lifter.

SDM Vol. 2A CMPXCHG: "The destination operand is written back if the
comparison fails" and, for a memory destination, "the destination operand
receives a write cycle without regard to the result of the comparison".
SLEIGH's lifting skips the store when the comparison fails, so the memory
footprint it gives differs from the CPU's (a fault on a read-only page, an
MMIO write, which bytes a counterexample says were stored). Here the memory
form always stores: the source when equal, the old value when not.

The register form with a 32-bit destination in 64-bit mode is refused: the
SDM's operation (DEST := TEMP on failure, which zero-extends) and CPUs as
emulated by QEMU (the destination is not written, its upper half kept) differ,
so no single meaning is sound. Byte, word and quadword register forms write
the same bits either way.

Flags are those of CMP accumulator, destination (AF included).
"""

from __future__ import annotations

import z3
from capstone import x86_const as X

from pvverify.semantics.operands import Insn, effective_address, set_reg_zx
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState, Unmodelled

_ACC = {1: "al", 2: "ax", 4: "eax", 8: "rax"}


def _parity(v: z3.BitVecRef) -> z3.BitVecRef:
    b = z3.Extract(7, 0, v)
    x = z3.Extract(0, 0, b)
    for i in range(1, 8):
        x = x ^ z3.Extract(i, i, b)
    return ~x  # PF = 1 when the low byte has an even number of ones


def cmpxchg(st: PathState, ins: Insn) -> None:
    dst_op, src_op = ins.operands
    size = dst_op.size
    if src_op.type != X.X86_OP_REG:
        raise Unmodelled(f"`{ins.text}`: unexpected operands")
    src = st.reg(ins.reg_name(src_op.reg))
    acc_name = _ACC[size]
    acc = st.reg(acc_name)
    if dst_op.type == X.X86_OP_MEM:
        addr = effective_address(st, ins, dst_op)
        old = st.load(addr, size)
        equal = acc == old
        st.store(addr, size, z3.If(equal, src, old))
    elif dst_op.type == X.X86_OP_REG:
        if size == 4 and st.inputs.arch.bits == 64:
            raise Unmodelled(f"`{ins.text}`: a 32-bit register destination on a failed compare "
                             "is zero-extended by the SDM's operation but not by QEMU's CPUs")
        name = ins.reg_name(dst_op.reg)
        old = st.reg(name)
        equal = acc == old
        set_reg_zx(st, name, z3.If(equal, src, old))
    else:
        raise Unmodelled(f"`{ins.text}`: unexpected operands")
    # the accumulator is written only when the comparison fails (SDM: a 32-bit
    # EAX load then zero-extends RAX; an untouched RAX keeps its upper half)
    if size == 4 and st.inputs.arch.bits == 64:
        st.set_reg("rax", z3.If(equal, st.reg("rax"), z3.ZeroExt(32, old)))
    else:
        st.set_reg(acc_name, z3.If(equal, acc, old))
    r = acc - old
    one, zero = z3.BitVecVal(1, 1), z3.BitVecVal(0, 1)
    w = 8 * size
    st.set_flag("zf", z3.If(equal, one, zero))
    st.set_flag("cf", z3.If(z3.ULT(acc, old), one, zero))
    st.set_flag("sf", z3.Extract(w - 1, w - 1, r))
    st.set_flag("of", z3.Extract(w - 1, w - 1, (acc ^ old) & (acc ^ r)))
    st.set_flag("af", z3.Extract(4, 4, acc ^ old ^ r))
    st.set_flag("pf", _parity(r))


HANDLERS = {"cmpxchg": cmpxchg, "lock cmpxchg": cmpxchg}

_P = ("rdi", 0xFFFF888000100000)
RULES: tuple[Rule, ...] = (
    Rule("cmpxchg / lock cmpxchg m8/m16/m32/m64, r", ("cmpxchg", "lock cmpxchg"),
         ("x86_64", "i386"), "accumulator, destination, source",
         "destination := source if equal, else written back unchanged (always a write cycle); "
         "accumulator := destination if not equal; flags as CMP",
         (), "-", "Vol. 2A CMPXCHG",
         (Case("x86_64", "lock cmpxchgq %rsi, (%rdi)",
               (_P, ("rax", 1), ("rsi", 9), ("mem:0xffff888000100000", 2)),
               after=(("rax", 2), ("zf", 0), ("written", 8)), cpu=True),
          Case("x86_64", "cmpxchgb %sil, (%rdi)",
               (_P, ("rax", 2), ("rsi", 9), ("mem:0xffff888000100000", 2)),
               after=(("mem:0xffff888000100000", 9), ("zf", 1), ("written", 1)), cpu=True),
          Case("i386", "lock cmpxchgw %cx, (%eax)",
               (("eax", 0xC8100000), ("ecx", 5), ("mem:0xc8100000", 7)),
               after=(("eax", 0xC8100007), ("zf", 0), ("written", 2)), cpu=True)),
         out_of_scope="the 32-bit register form in 64-bit mode (SDM and CPUs differ): unknown"),
)
