"""CPUID: the result is an uninterpreted function of leaf (EAX) and subleaf (ECX).

pvverify does not know which CPU runs the kernel; all it may assume is that
the same query gives the same answer on both paths.
"""

from __future__ import annotations

from pvverify.semantics.operands import Insn, set_reg_zx
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState


def cpuid(st: PathState, ins: Insn) -> None:
    leaf, sub = st.reg("eax"), st.reg("ecx")
    st.queries.append(("cpuid", (leaf, sub)))
    for reg, fn in zip(("eax", "ebx", "ecx", "edx"), st.inputs.cpuid, strict=True):
        set_reg_zx(st, reg, fn(leaf, sub))


HANDLERS = {"cpuid": cpuid}

RULES: tuple[Rule, ...] = (
    Rule("cpuid", ("cpuid",), ("x86_64", "i386"), "EAX, ECX, the processor",
         "EAX EBX ECX EDX (upper halves cleared): one answer per (leaf, subleaf), the same on both "
         "paths", (), "-", "Vol. 2A CPUID",
         (Case("x86_64", "cpuid", (("rax", 0xD), ("rcx", 0), ("cpuid:0xd,0", 0x7)),
               after=(("rax", 7), ("rdx", 0)), cpu=True),)),
)
