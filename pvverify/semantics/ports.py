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
