"""Model-specific registers: rdmsr and wrmsr.

The MSR file is a z3 array indexed by ECX. The three MSRs that alias segment
bases (FS, GS, KERNEL_GS) are routed to those registers so that `wrmsr` to
IA32_GS_BASE and a later `%gs:` access or `swapgs` agree (SDM Vol. 4 2-2).
A write is also a trace event: WRMSR is serialising and many MSR writes have
effects beyond the stored value.
"""

from __future__ import annotations

import z3

from pvverify.semantics.operands import Insn, set_reg_zx
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState
from pvverify.x86.bits import MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE


def _base_width(st: PathState, v: z3.BitVecRef) -> z3.BitVecRef:
    bits = st.inputs.arch.bits
    return v if bits == 64 else z3.Extract(bits - 1, 0, v)


def read_msr(st: PathState, index: z3.BitVecRef) -> z3.BitVecRef:
    def widen(v: z3.BitVecRef) -> z3.BitVecRef:
        return v if v.size() == 64 else z3.ZeroExt(64 - v.size(), v)

    return z3.If(index == MSR_FS_BASE, widen(st.reg("FS_OFFSET")),
           z3.If(index == MSR_GS_BASE, widen(st.reg("GS_OFFSET")),
           z3.If(index == MSR_KERNEL_GS_BASE, widen(st.kernel_gs_base),
                 z3.Select(st.msr, index))))


def rdmsr(st: PathState, ins: Insn) -> None:
    st.queries.append(("msr", (st.reg("ecx"),)))
    value = read_msr(st, st.reg("ecx"))
    set_reg_zx(st, "eax", z3.Extract(31, 0, value))
    set_reg_zx(st, "edx", z3.Extract(63, 32, value))


def wrmsr(st: PathState, ins: Insn) -> None:
    index = st.reg("ecx")
    value = z3.Concat(st.reg("edx"), st.reg("eax"))
    aliased = z3.Or(index == MSR_FS_BASE, index == MSR_GS_BASE, index == MSR_KERNEL_GS_BASE)
    st.set_reg("FS_OFFSET", z3.If(index == MSR_FS_BASE, _base_width(st, value), st.reg("FS_OFFSET")))
    st.set_reg("GS_OFFSET", z3.If(index == MSR_GS_BASE, _base_width(st, value), st.reg("GS_OFFSET")))
    st.kernel_gs_base = z3.If(index == MSR_KERNEL_GS_BASE, _base_width(st, value), st.kernel_gs_base)
    st.msr = z3.If(aliased, st.msr, z3.Store(st.msr, index, value))
    st.event("wrmsr", index, value, text=ins.text)


HANDLERS = {"rdmsr": rdmsr, "wrmsr": wrmsr}

RULES: tuple[Rule, ...] = (
    Rule("rdmsr", ("rdmsr",), ("x86_64", "i386"), "ECX, the MSR (FS/GS/KERNEL_GS base aliased)",
         "EDX:EAX", (("MSR not implemented", "#GP(0) (model-specific: assumed implemented)"),),
         "-", "Vol. 2B RDMSR; Vol. 4 2-2",
         (Case("x86_64", "rdmsr", (("rcx", 0xC0000101), ("msr:0xc0000101", 0x1122334455667788)),
               after=(("rax", 0x55667788), ("rdx", 0x11223344)), cpu=True),)),
    Rule("wrmsr", ("wrmsr",), ("x86_64", "i386"), "ECX, EDX:EAX", "the MSR",
         (("MSR not implemented or reserved bits", "#GP(0) (model-specific: assumed not)"),),
         "wrmsr(index, value): serialising, effects beyond the value", "Vol. 2D WRMSR",
         (Case("i386", "wrmsr", (("ecx", 0x10), ("edx", 1), ("eax", 2)),
               events=(("wrmsr", 0x10, 0x100000002),), after=(("msr:0x10", 0x100000002),),
               cpu=True),)),
)
