"""hlt, and the instructions that leave the kernel or trap: sysret, sysexit, iret, int3, ud2.

HLT is a trace event carrying the interrupt-enable flag it halts with and the
interrupt window (could an interrupt have been taken between the last
enabling of interrupts and the hlt: docs/domain.md 3). With IF = 0 only NMI, SMI,
INIT or reset end the halt (SDM Vol. 2 HLT); with IF = 1 a maskable interrupt
does, so `cli; hlt` and `sti; hlt` are different events even though neither
has a window. Execution continues after it.

SYSRET, SYSEXIT and IRET end the path in user mode. Their operand-size forms
land in different states (SDM Vol. 2 SYSRET, SYSEXIT, IRET): the 64-bit forms
return to 64-bit mode, the others to compatibility (or protected) mode, with
CS selectors 16 apart. So each form is its own exit kind, never equal to
another, and the landing state is computed here: the landing RIP is the
path's exit address, RSP and RFLAGS are set as the instruction sets them, and
the leave event carries the CS and SS selectors it loads. IRET's landing is a
function of its stack frame (memory at the exit stack pointer, which is
compared as live stack) and its descriptor checks are not modelled: an IRET
is assumed to land (check.ASSUMED).

INT3/UD2 trap: the path ends there too.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from pvverify.semantics.flags import load_rflags
from pvverify.semantics.operands import Insn
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState
from pvverify.x86.bits import CR4_LA57, EFER_SCE, MSR_EFER, MSR_STAR, MSR_SYSENTER_CS

# SDM SYSRET: RFLAGS := (R11 & 3C7FD7H) | 2 (RF, VM and the reserved bits cleared)
SYSRET_RFLAGS_MASK = 0x3C7FD7

Faults = Callable[[PathState, Insn], list[tuple[z3.BoolRef, str]]]


def _bit(c: z3.BoolRef) -> z3.BitVecRef:
    return z3.If(c, z3.BitVecVal(1, 1), z3.BitVecVal(0, 1))


def _window(st: PathState) -> z3.BitVecRef:
    w = st.window if st.window is not None else st.flag("if") == 1
    return _bit(w)


def msr(st: PathState, index: int) -> z3.BitVecRef:
    """An MSR the instruction reads, recorded so a counterexample states it."""
    st.queries.append(("msr", (z3.BitVecVal(index, 32),)))
    return z3.Select(st.msr, z3.BitVecVal(index, 32))


def canonical(st: PathState, v: z3.BitVecRef) -> z3.BoolRef:
    """Canonical for the paging mode CR4 selects (48 bits, 57 with CR4.LA57)."""
    la57 = (st.reg("cr4") & CR4_LA57) != 0
    c48 = z3.Or(z3.Extract(63, 47, v) == 0, z3.Extract(63, 47, v) == 0x1FFFF)
    c57 = z3.Or(z3.Extract(63, 56, v) == 0, z3.Extract(63, 56, v) == 0xFF)
    return z3.If(la57, c57, c48)


def hlt(st: PathState, ins: Insn) -> None:
    st.event("hlt", st.flag("if"), _window(st), text=ins.text)


def _sysret_faults(st: PathState, ins: Insn) -> list[tuple[z3.BoolRef, str]]:
    if st.inputs.arch.bits != 64:
        # Intel: #UD outside 64-bit mode; AMD: a legacy-mode SYSRET returns
        return [(z3.BoolVal(True), "stuck:`sysret` outside 64-bit mode is #UD on Intel "
                 "and returns on AMD")]
    efer = msr(st, MSR_EFER)
    out = [((efer & EFER_SCE) == 0, "fault:#UD")]
    if ins.mnemonic == "sysretq":
        out.append((z3.Not(canonical(st, st.reg("rcx"))), "fault:#GP"))
    return out


def sysret(st: PathState, ins: Insn) -> None:
    q = ins.mnemonic == "sysretq"
    star = z3.Extract(63, 48, msr(st, MSR_STAR))
    cs = (star + (16 if q else 0)) | 3
    ss = (star + 8) | 3
    rip = st.reg("rcx") if q else z3.ZeroExt(32, st.reg("ecx"))
    kind = "sysretq" if q else "sysretl"
    st.event(kind, _window(st), cs, ss, text=ins.text)
    load_rflags(st, (st.reg("r11") & SYSRET_RFLAGS_MASK) | 2)
    st.end, st.exit_pc = f"left-kernel:{kind}", rip


def _sysexit_faults(st: PathState, ins: Insn) -> list[tuple[z3.BoolRef, str]]:
    cs = msr(st, MSR_SYSENTER_CS)
    out = [(z3.Extract(15, 2, cs) == 0, "fault:#GP")]
    if ins.mnemonic == "sysexitq":
        out.append((z3.Or(z3.Not(canonical(st, st.reg("rcx"))),
                          z3.Not(canonical(st, st.reg("rdx")))), "fault:#GP"))
    return out


def sysexit(st: PathState, ins: Insn) -> None:
    q = ins.mnemonic == "sysexitq"
    base = z3.Extract(15, 0, msr(st, MSR_SYSENTER_CS))
    cs = (base + (32 if q else 16)) | 3
    ss = (base + (40 if q else 24)) | 3
    bits = st.inputs.arch.bits
    if q:
        rsp, rip = st.reg("rcx"), st.reg("rdx")
    else:
        rsp, rip = st.reg("ecx"), st.reg("edx")
        if bits == 64:
            rsp, rip = z3.ZeroExt(32, rsp), z3.ZeroExt(32, rip)
    kind = "sysexitq" if q else "sysexitl"
    st.event(kind, _window(st), cs, ss, text=ins.text)
    st.set_reg(st.inputs.arch.sp, rsp)
    st.end, st.exit_pc = f"left-kernel:{kind}", rip


_IRET_KIND = {"iretq": "iretq", "iretd": "iretl", "iret": "iretw"}


def iret(st: PathState, ins: Insn) -> None:
    kind = _IRET_KIND[ins.mnemonic]
    st.event(kind, text=ins.text)
    st.end = f"left-kernel:{kind}"


def iret_in_kernel(st: PathState, ins: Insn) -> z3.BitVecRef | None:
    """A 64-bit IRETQ that provably returns to the same code segment and stack
    segment it runs on (the frame's CS and SS are, as expressions, the selectors
    the code pushed from %cs and %ss: sync_core's `iret_to_self`): per SDM Vol.
    2A IRET, a same-privilege IRETQ in 64-bit mode pops RIP, CS, RFLAGS, RSP and
    SS and execution goes on at RIP. The state takes the frame's RFLAGS and RSP
    (CS and SS are unchanged) and the trace an `iretq-same-cpl` event (IRET is
    serializing and ends NMI blocking); the next pc is returned. None when that
    cannot be shown (the frame may come from elsewhere): the path then leaves
    the kernel as before."""
    if ins.mnemonic != "iretq" or st.inputs.arch.bits != 64:
        return None
    try:
        cs, ss = st.reg("cs"), st.reg("ss")
    except (KeyError, ValueError, AttributeError):
        return None
    sp = st.reg("rsp")
    rip = st.load(sp, 8)
    fcs = z3.Extract(15, 0, st.load(sp + 8, 8))
    rflags = st.load(sp + 16, 8)
    rsp = st.load(sp + 24, 8)
    fss = z3.Extract(15, 0, st.load(sp + 32, 8))
    same = z3.simplify(z3.And(fcs == z3.Extract(15, 0, cs), fss == z3.Extract(15, 0, ss)))
    if not z3.is_true(same):
        return None
    st.event("iretq-same-cpl", rip, text=ins.text)
    load_rflags(st, rflags)
    st.set_reg("rsp", rsp)
    return rip


def _trap(kind: str):
    def trap(st: PathState, ins: Insn) -> None:
        st.end = f"trap:{kind}"
    return trap


HANDLERS = {
    "hlt": hlt,
    "sysret": sysret, "sysretq": sysret,
    "sysexit": sysexit, "sysexitq": sysexit,
    "iret": iret, "iretd": iret, "iretq": iret,
    "int3": _trap("int3"), "ud2": _trap("ud2"),
}
FAULTS: dict[str, Faults] = {
    "sysret": _sysret_faults, "sysretq": _sysret_faults,
    "sysexit": _sysexit_faults, "sysexitq": _sysexit_faults,
}

_STAR = ("msr:0xc0000081", 0x0023001000000000)
_SCE = ("msr:0xc0000080", 0xD01)
_SEP = ("msr:0x174", 0x10)

RULES: tuple[Rule, ...] = (
    Rule("hlt", ("hlt",), ("x86_64", "i386"), "RFLAGS.IF, the interrupt shadow", "-",
         (), "hlt(IF, window): IF = 0 halts until NMI/SMI/INIT only; window = an interrupt could "
         "have been taken since interrupts were last enabled (0 in the sti shadow)",
         "Vol. 2A HLT; Vol. 2B STI; Vol. 3A 6.8.3",
         (Case("x86_64", "cli\nhlt", events=(("hlt", 0, 0),), cpu=True),
          Case("x86_64", "sti\nhlt", (("if", 0),), events=(("hlt", 1, 0),), cpu=True),
          Case("x86_64", "sti\nnop\nhlt", (("if", 0),), events=(("hlt", 1, 1),), cpu=True),
          Case("i386", "hlt", (("if", 1),), events=(("hlt", 1, 1),), cpu=True)),
         out_of_scope="#GP at CPL > 0"),
    Rule("sysretq (REX.W: to 64-bit mode)", ("sysretq",), ("x86_64",),
         "RCX, R11, IA32_STAR[63:48], IA32_EFER.SCE, CR4.LA57",
         "RIP := RCX, RFLAGS := (R11 & 3C7FD7H) | 2, CS := STAR[63:48]+16 | 3, SS := STAR[63:48]+8 | 3",
         (("IA32_EFER.SCE = 0", "#UD"), ("RCX not canonical", "#GP(0)")),
         "sysretq(window, CS, SS); the path leaves with exit address RIP",
         "Vol. 2B SYSRET",
         (Case("x86_64", "sysretq", (_STAR, _SCE, ("rcx", 0x400000), ("r11", 0x10246)),
               stop="left-kernel:sysretq", events=(("sysretq", 0, 0x33, 0x2B),),
               after=(("if", 1), ("rf", 0), ("zf", 1)), cpu=True),
          Case("x86_64", "sysretq", (_STAR, ("msr:0xc0000080", 0xD00)), stop="fault:#UD", cpu=True),
          Case("x86_64", "sysretq", (_STAR, _SCE, ("rcx", 0x0000800000000000)), stop="fault:#GP",
               cpu=True)),
         out_of_scope="#GP at CPL > 0"),
    Rule("sysretl (no REX.W: to compatibility mode)", ("sysret",), ("x86_64", "i386"),
         "ECX, R11, IA32_STAR[63:48], IA32_EFER.SCE",
         "RIP := ECX (zero-extended), RFLAGS := (R11 & 3C7FD7H) | 2, CS := STAR[63:48] | 3, "
         "SS := STAR[63:48]+8 | 3",
         (("not in 64-bit mode (i386)", "#UD on Intel, returns on AMD: unknown"),
          ("IA32_EFER.SCE = 0", "#UD")),
         "sysretl(window, CS, SS); the path leaves with exit address RIP",
         "Vol. 2B SYSRET",
         (Case("x86_64", "sysretl", (_STAR, _SCE, ("rcx", 0xFFFFFFFF00401000), ("r11", 0x202)),
               stop="left-kernel:sysretl", events=(("sysretl", 0, 0x23, 0x2B),), cpu=True),
          Case("x86_64", "sysretl", (_STAR, ("msr:0xc0000080", 0xD00)), stop="fault:#UD",
               cpu=True),
          Case("i386", "sysret", stop="stuck")),
         out_of_scope="#GP at CPL > 0"),
    Rule("sysexitq (REX.W: to 64-bit mode)", ("sysexitq",), ("x86_64",),
         "RCX, RDX, IA32_SYSENTER_CS",
         "RSP := RCX, RIP := RDX, CS := SYSENTER_CS+32 | 3, SS := SYSENTER_CS+40 | 3; RFLAGS unchanged",
         (("IA32_SYSENTER_CS[15:2] = 0", "#GP(0)"), ("RCX or RDX not canonical", "#GP(0)")),
         "sysexitq(window, CS, SS); the path leaves with exit address RIP",
         "Vol. 2B SYSEXIT",
         (Case("x86_64", "sysexitq", (_SEP, ("rcx", 0x7FFF0000), ("rdx", 0x400000)),
               stop="left-kernel:sysexitq", events=(("sysexitq", 0, 0x33, 0x3B),),
               after=(("rsp", 0x7FFF0000),), cpu=True),
          Case("x86_64", "sysexitq", (("msr:0x174", 3),), stop="fault:#GP", cpu=True)),
         out_of_scope="#GP at CPL > 0"),
    Rule("sysexit (no REX.W: to compatibility / protected mode)", ("sysexit",), ("x86_64", "i386"),
         "ECX, EDX, IA32_SYSENTER_CS",
         "RSP := ECX, RIP := EDX (zero-extended), CS := SYSENTER_CS+16 | 3, SS := SYSENTER_CS+24 | 3",
         (("IA32_SYSENTER_CS[15:2] = 0", "#GP(0)"),),
         "sysexitl(window, CS, SS); the path leaves with exit address RIP",
         "Vol. 2B SYSEXIT",
         (Case("x86_64", "sysexit", (_SEP, ("rcx", 0xAAAA00007FFF0000), ("rdx", 0x400000)),
               stop="left-kernel:sysexitl", events=(("sysexitl", 0, 0x23, 0x2B),),
               after=(("rsp", 0x7FFF0000),), cpu=True),
          Case("i386", "sti\nsysexit", (_SEP, ("if", 0)), stop="left-kernel:sysexitl",
               events=(("sysexitl", 0, 0x23, 0x2B),)),
          Case("i386", "sysexit", (("msr:0x174", 0),), stop="fault:#GP", cpu=True)),
         out_of_scope="#GP at CPL > 0"),
    Rule("iretq / iretl / iretw", ("iretq", "iretd", "iret"), ("x86_64", "i386"),
         "the stack frame (8-, 4- or 2-byte slots)", "RIP, CS, RFLAGS, RSP, SS from the frame",
         (), "iretq / iretl / iretw: one exit kind per operand size; the landing is the frame, "
         "compared as the live stack above the exit stack pointer; descriptor checks assumed to pass",
         "Vol. 2A IRET/IRETD/IRETQ",
         (Case("x86_64", "iretq", stop="left-kernel:iretq", events=(("iretq",),)),
          Case("x86_64", "iretl", stop="left-kernel:iretl", events=(("iretl",),)),
          Case("i386", "iretw", stop="left-kernel:iretw", events=(("iretw",),)))),
    Rule("int3 / ud2", ("int3", "ud2"), ("x86_64", "i386"), "-", "-", (),
         "the path ends in the trap", "Vol. 2A INT n/INTO/INT3/INT1; Vol. 2B UD",
         (Case("x86_64", "ud2", stop="trap:ud2"), Case("i386", "int3", stop="trap:int3"))),
)
