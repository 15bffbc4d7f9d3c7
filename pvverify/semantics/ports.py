"""Port I/O: in and out (immediate or DX port; AL/AX/EAX data).

A port read returns a value from the outside world: the k-th `in` of a path
reads the k-th value of one input stream shared by both paths, so two paths
that read the same ports in the same order see the same values. Both reads
and writes are trace events with port and size (and value for `out`).
String forms (ins/outs) are not modelled.
"""

from __future__ import annotations

import z3
from capstone import x86_const as X

from pvverify.semantics.operands import Insn, read, set_reg_zx
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState


def _port(st: PathState, ins: Insn, i: int) -> z3.BitVecRef:
    op = ins.operands[i]
    if op.type == X.X86_OP_IMM:
        return z3.BitVecVal(op.imm & 0xFF, 16)
    return st.reg("dx")


def port_in(st: PathState, ins: Insn) -> None:
    size = ins.operands[0].size
    port = _port(st, ins, 1)
    value = z3.Extract(8 * size - 1, 0, st.inputs.port_input(st.port_reads))
    st.port_reads += 1
    set_reg_zx(st, ins.reg_name(ins.operands[0].reg), value)
    st.event("in", port, z3.BitVecVal(size, 8), text=ins.text)


def port_out(st: PathState, ins: Insn) -> None:
    port = _port(st, ins, 0)
    value = read(st, ins, 1)
    st.event("out", port, z3.BitVecVal(value.size() // 8, 8), value, text=ins.text)


HANDLERS = {"in": port_in, "out": port_out}

RULES: tuple[Rule, ...] = (
    Rule("in al/ax/eax, imm8/dx", ("in",), ("x86_64", "i386"), "the port, the outside world",
         "AL/AX/EAX (EAX zero-extends)", (), "in(port, size)", "Vol. 2A IN",
         (Case("x86_64", "inb $0x60, %al", events=(("in", 0x60, 1),), cpu=True),),
         out_of_scope="IOPL / I/O-bitmap checks at CPL > IOPL"),
    Rule("out imm8/dx, al/ax/eax", ("out",), ("x86_64", "i386"), "the port, AL/AX/EAX", "-", (),
         "out(port, size, value)", "Vol. 2B OUT",
         (Case("i386", "outw %ax, %dx", (("eax", 0x1234), ("edx", 0x3F8)),
               events=(("out", 0x3F8, 2, 0x1234),), cpu=True),),
         out_of_scope="IOPL / I/O-bitmap checks at CPL > IOPL"),
)
