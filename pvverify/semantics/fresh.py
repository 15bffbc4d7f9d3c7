"""Instructions whose register effects are known but whose values are not:
the time-stamp counter (rdtsc, rdtscp) and the random-number generator
(rdrand, rdseed); and the processor ID (rdpid), which is an MSR's value.

A TSC or RNG value is fresh at every execution: the original and the
replacement do not read the same TSC (they run at different times) nor the
same random number, so each execution on each path gets a new unconstrained
variable (`fresh_<mnemonic>_<n>`, n counting every execution of the process),
never one shared between paths. Two `rdtsc`s are therefore never proved
equal, and a replacement that leaves one where the convention protects a
register (`rdtsc` for save_fl clobbers edx) is refuted. For a replay, the
values the solver chose are recorded per path, in execution order
(`PathState.queries` kind "fresh"), and the CPU model is fed the same stream
(oracle.py); `ConcreteState.fresh` holds them, one stream per side.

rdtscp's ECX and rdpid's destination are IA32_TSC_AUX (MSR 0xC0000103): state,
the same on both paths, read through the MSR file as rdmsr reads it.

Faults not modelled (CPL 0 is assumed, check.ASSUMED): CR4.TSD only bites at
CPL > 0; rdrand/rdseed/rdpid/rdtscp are #UD where CPUID lacks them: a kernel
patches them in only behind the feature, so the CPU is taken to have it.
"""

from __future__ import annotations

import itertools

import z3
from capstone import x86_const as X

from pvverify.semantics.msr import read_msr
from pvverify.semantics.operands import Insn, set_reg_zx
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState, Unmodelled

MSR_TSC_AUX = 0xC0000103
_COUNT = itertools.count()


def fresh(st: PathState, what: str, bits: int) -> z3.BitVecRef:
    """A new unconstrained value for this execution, recorded for the replay."""
    v = z3.BitVec(f"fresh_{what}_{next(_COUNT)}", 64)
    st.queries.append(("fresh", (v,)))
    return z3.Extract(bits - 1, 0, v) if bits < 64 else v


def _tsc_aux(st: PathState) -> z3.BitVecRef:
    idx = z3.BitVecVal(MSR_TSC_AUX, 32)
    st.queries.append(("msr", (idx,)))
    return read_msr(st, idx)


def rdtsc(st: PathState, ins: Insn) -> None:
    tsc = fresh(st, "tsc", 64)
    set_reg_zx(st, "eax", z3.Extract(31, 0, tsc))
    set_reg_zx(st, "edx", z3.Extract(63, 32, tsc))


def rdtscp(st: PathState, ins: Insn) -> None:
    rdtsc(st, ins)
    set_reg_zx(st, "ecx", z3.Extract(31, 0, _tsc_aux(st)))


def rdpid(st: PathState, ins: Insn) -> None:
    op = ins.operands[0]
    name = ins.reg_name(op.reg)
    value = _tsc_aux(st)
    set_reg_zx(st, name, z3.Extract(8 * op.size - 1, 0, value))


def rdrand(st: PathState, ins: Insn) -> None:
    """CF = 1 and a random value, or CF = 0 and 0 (none available); OF SF ZF AF PF
    cleared (SDM Vol. 2B RDRAND, Flags Affected)."""
    op = ins.operands[0]
    if op.type != X.X86_OP_REG:
        raise Unmodelled(f"`{ins.text}`: rdrand/rdseed take a register")
    ok = fresh(st, ins.mnemonic + "_cf", 1)
    value = fresh(st, ins.mnemonic, 8 * op.size)
    set_reg_zx(st, ins.reg_name(op.reg), z3.If(ok == 1, value, z3.BitVecVal(0, 8 * op.size)))
    st.set_flag("cf", ok)
    for f in ("of", "sf", "zf", "af", "pf"):
        st.set_flag(f, 0)


HANDLERS = {"rdtsc": rdtsc, "rdtscp": rdtscp, "rdpid": rdpid, "rdrand": rdrand, "rdseed": rdrand}

RULES: tuple[Rule, ...] = (
    Rule("rdtsc", ("rdtsc",), ("x86_64", "i386"), "the time-stamp counter",
         "EDX:EAX (upper halves cleared): a fresh value per execution", (), "-",
         "Vol. 2B RDTSC",
         (Case("x86_64", "rdtsc", (("rax", -1), ("rdx", -1), ("fresh:0", 0x1122334455667788)),
               after=(("rax", 0x55667788), ("rdx", 0x11223344)), cpu=True),
          Case("i386", "rdtsc", (("fresh:0", 0xAABBCCDD00112233),),
               after=(("eax", 0x00112233), ("edx", 0xAABBCCDD)), cpu=True)),
         out_of_scope="CR4.TSD (#GP at CPL > 0)"),
    Rule("rdtscp", ("rdtscp",), ("x86_64",), "the time-stamp counter, IA32_TSC_AUX",
         "EDX:EAX (fresh), ECX = IA32_TSC_AUX[31:0]", (), "-", "Vol. 2B RDTSCP",
         (Case("x86_64", "rdtscp", (("fresh:0", 0x0000000500000007), ("msr:0xc0000103", 3)),
               after=(("rax", 7), ("rdx", 5), ("rcx", 3)), cpu=True),),
         out_of_scope="CR4.TSD (#GP at CPL > 0); #UD without CPUID.80000001H:EDX.RDTSCP"),
    Rule("rdpid r64 / r32", ("rdpid",), ("x86_64",), "IA32_TSC_AUX", "the register", (), "-",
         "Vol. 2B RDPID",
         (Case("x86_64", "rdpid %rax", (("rax", -1), ("msr:0xc0000103", 0x2a)),
               after=(("rax", 0x2a),), cpu=True),),
         out_of_scope="#UD without CPUID.7H.0:ECX.RDPID"),
    Rule("rdrand / rdseed r16/r32/r64", ("rdrand", "rdseed"), ("x86_64", "i386"),
         "the random-number generator",
         "the register (fresh, or 0 with CF = 0), CF; OF SF ZF AF PF cleared", (), "-",
         "Vol. 2B RDRAND, RDSEED",
         (Case("x86_64", "rdrand %rcx", (("fresh:0", 1), ("fresh:1", 0x123456789), ("zf", 1)),
               after=(("rcx", 0x123456789), ("cf", 1), ("zf", 0)), cpu=True),
          Case("x86_64", "rdseed %ecx", (("rcx", -1), ("fresh:0", 0), ("fresh:1", 5)),
               after=(("rcx", 0), ("cf", 0)), cpu=True),
          Case("i386", "rdrand %ax", (("eax", 0xFFFF0000), ("fresh:0", 1), ("fresh:1", 0xBEEF)),
               after=(("eax", 0xFFFFBEEF), ("cf", 1)), cpu=True)),
         out_of_scope="#UD without CPUID.1:ECX.RDRAND / CPUID.7H.0:EBX.RDSEED"),
)


def fresh_values(p: PathState) -> list[z3.BitVecRef]:
    """The fresh values a path read, in execution order."""
    return [args[0] for kind, args in p.queries if kind == "fresh"]
