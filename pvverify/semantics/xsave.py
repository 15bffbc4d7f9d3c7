"""Extended control registers: xgetbv and xsetbv (XCR0).

SDM Vol. 2C XGETBV/XSETBV: both are #UD unless CR4.OSXSAVE (bit 18) is set.
XGETBV reads XCR[ECX] into EDX:EAX: ECX = 0 is XCR0; ECX = 1 exists only where
CPUID.(EAX=0DH,ECX=1):EAX[2] says so (the XINUSE bitmap, not machine state
pvverify holds), so it is `unknown`; any other ECX is #GP(0). XSETBV writes
EDX:EAX to XCR0 (ECX != 0 is #GP(0)) and is #GP(0) when the value sets a bit
the processor does not support (CPUID.(EAX=0DH,ECX=0):EDX:EAX), clears bit 0
(x87), sets AVX (bit 2) without SSE (bit 1), sets the AVX-512 bits 7:5 other
than all together or without AVX, or sets only one of the AMX bits 18:17.
The supported set is the shared cpuid input, so both paths meet the same CPU.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from pvverify.semantics.operands import Insn, set_reg_zx
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState
from pvverify.x86.bits import CR4_OSXSAVE

Handler = Callable[[PathState, Insn], None]


def supported(st: PathState) -> z3.BitVecRef:
    """XCR0 bits the processor supports: CPUID.(EAX=0DH,ECX=0):EDX:EAX."""
    leaf, sub = z3.BitVecVal(0xD, 32), z3.BitVecVal(0, 32)
    st.queries.append(("cpuid", (leaf, sub)))
    eax, _, _, edx = (f(leaf, sub) for f in st.inputs.cpuid)
    return z3.Concat(edx, eax)


def valid_xcr0(v: z3.BitVecRef, sup: z3.BitVecRef) -> z3.BoolRef:
    """The architectural consistency rules of XCR0 (SDM Vol. 1 13.3, XSETBV)."""
    def bit(n: int) -> z3.BitVecRef:
        return z3.Extract(n, n, v)
    return z3.And(
        v & ~sup == 0, bit(0) == 1,
        z3.Implies(bit(2) == 1, bit(1) == 1),
        z3.Or(z3.Extract(7, 5, v) == 0, z3.And(z3.Extract(7, 5, v) == 7, bit(2) == 1)),
        bit(17) == bit(18))


def _faults(st: PathState, ins: Insn) -> list[tuple[z3.BoolRef, str]]:
    out = [((st.reg("cr4") & CR4_OSXSAVE) == 0, "fault:#UD")]
    ecx = st.reg("ecx")
    if ins.mnemonic == "xgetbv":
        out.append((z3.UGT(ecx, 1), "fault:#GP"))
        out.append((ecx == 1, "stuck:`xgetbv` with ECX = 1 reads XINUSE, which is not modelled"))
    else:
        value = z3.Concat(st.reg("edx"), st.reg("eax"))
        out.append((z3.Or(ecx != 0, z3.Not(valid_xcr0(value, supported(st)))), "fault:#GP"))
    return out


def xgetbv(st: PathState, ins: Insn) -> None:
    set_reg_zx(st, "eax", z3.Extract(31, 0, st.xcr0))
    set_reg_zx(st, "edx", z3.Extract(63, 32, st.xcr0))


def xsetbv(st: PathState, ins: Insn) -> None:
    st.xcr0 = z3.Concat(st.reg("edx"), st.reg("eax"))


HANDLERS: dict[str, Handler] = {"xgetbv": xgetbv, "xsetbv": xsetbv}
FAULTS = {"xgetbv": _faults, "xsetbv": _faults}

_ON = ("cr4", 0x40020)
RULES: tuple[Rule, ...] = (
    Rule("xgetbv", ("xgetbv",), ("x86_64", "i386"), "ECX, XCR0, CR4.OSXSAVE",
         "EDX:EAX := XCR0 (upper halves of RDX/RAX cleared)",
         (("CR4.OSXSAVE = 0", "#UD"), ("ECX > 1", "#GP(0)"), ("ECX = 1", "unknown (XINUSE)")),
         "-", "Vol. 2C XGETBV",
         (Case("x86_64", "xgetbv", (_ON, ("rcx", 0), ("xcr0", 7)), after=(("rax", 7), ("rdx", 0)),
               cpu=True),
          Case("x86_64", "xgetbv", (("cr4", 0x20), ("rcx", 0)), stop="fault:#UD"),
          Case("i386", "xgetbv", (("cr4", 0x40000), ("ecx", 2)), stop="fault:#GP")),
         out_of_scope="none (CPL-independent)"),
    Rule("xsetbv", ("xsetbv",), ("x86_64", "i386"), "ECX, EDX:EAX, CR4.OSXSAVE, CPUID.0DH",
         "XCR0 := EDX:EAX",
         (("CR4.OSXSAVE = 0", "#UD"), ("ECX != 0", "#GP(0)"),
          ("unsupported bit, bit 0 clear, AVX without SSE, partial AVX-512 or AMX", "#GP(0)")),
         "-", "Vol. 2C XSETBV; Vol. 1 13.3",
         (Case("x86_64", "xsetbv", (_ON, ("rcx", 0), ("rax", 7), ("rdx", 0), ("xcr0", 3),
                                    ("cpuid:0xd,0", 0xFF)), after=(("xcr0", 7),)),
          Case("x86_64", "xsetbv", (_ON, ("rcx", 0), ("rax", 5), ("rdx", 0),
                                    ("cpuid:0xd,0", 0xFF)), stop="fault:#GP"),
          Case("x86_64", "xsetbv", (_ON, ("rcx", 0), ("rax", 0), ("rdx", 0),
                                    ("cpuid:0xd,0", 0xFF)), stop="fault:#GP"),
          Case("x86_64", "xsetbv", (("cr4", 0x20), ("rcx", 0), ("rax", 3)), stop="fault:#UD")),
         out_of_scope="#GP at CPL > 0"),
)
