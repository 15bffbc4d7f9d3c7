"""One test per row of the SDM rule tables (pvverify/semantics/*.RULES).

Every row's cases run on the model (evaluate.run_model); the cases whose rule
unicorn implements (or the oracle emulates from the SDM, as oracle.py lists)
run on the CPU model too, and both must meet the row's expectation: the stop
(exit, fault, landing form, spin), the ordered trace, and the values after.
A test also checks that every system instruction the dispatcher routes has a
row, so the model cannot grow a handler without a rule and a test.
"""

from __future__ import annotations

import pytest
from evaluate import run_model

from pvverify.oracle import run as run_cpu
from pvverify.semantics import (
    atomic,
    cache,
    control,
    cpuid,
    dispatch,
    exits,
    flags,
    fresh,
    msr,
    ports,
    segments,
    tables,
    xsave,
)
from pvverify.semantics.rules import Case, Rule
from pvverify.x86.arch import ARCHES, Arch
from pvverify.x86.assemble import assemble
from pvverify.x86.machine import ConcreteState, Outcome

FAMILIES = (flags, control, segments, exits, xsave, atomic, cache, msr, ports, cpuid, tables, fresh)
ROWS: list[tuple[str, Rule, Case]] = [
    (f"{fam.__name__.rsplit('.', 1)[1]}:{rule.form}:{i}", rule, case)
    for fam in FAMILIES for rule in fam.RULES for i, case in enumerate(rule.cases)]

CODE = {64: 0xFFFFFFFF81000000, 32: 0xC1000000}
STACK = {64: 0xFFFFC90000004000, 32: 0xC8004000}


def base_state(arch: Arch) -> ConcreteState:
    """A reachable ring-0 state (lift.reachable) with everything else zero."""
    long = arch.bits == 64
    st = ConcreteState()
    st.regs = {g: 0 for g in arch.gprs}
    st.regs[arch.sp] = STACK[arch.bits]
    st.flags = {}
    st.cr = {"cr0": 0x80010011, "cr4": 0x20 if long else 0, "cr3": 0x1000, "cr2": 0, "cr8": 0}
    st.msrs = {0xC0000080: 0x500 if long else 0}
    st.xcr0 = 1
    st.cpuid = {(0xD, 0): (0x7, 0, 0, 0)}
    return st


def apply(st: ConcreteState, arch: Arch, overrides: tuple[tuple[str, int], ...]) -> ConcreteState:
    for key, v in overrides:
        if key.startswith("msr:"):
            st.msrs[int(key[4:], 16)] = v
        elif key.startswith("mem:"):
            st.memory[int(key[4:], 16)] = v
        elif key.startswith("cpuid:"):
            leaf, sub = (int(x, 16) for x in key[6:].split(","))
            st.cpuid[(leaf, sub)] = (v & 0xFFFFFFFF, 0, 0, v >> 32)
        elif key.startswith("fresh:"):
            k = int(key[6:])
            st.fresh += [0] * (k + 1 - len(st.fresh))
            st.fresh[k] = v
        elif key == "xcr0":
            st.xcr0 = v
        elif key.startswith("cr"):
            st.cr[key] = v
        elif key in arch.gprs:
            st.regs[key] = v & arch.mask
        else:
            st.flags[key] = v
    return st


def observed(out: Outcome, arch: Arch, key: str) -> int:
    s = out.state
    if key == "written":
        return len(out.written)
    if key.startswith("msr:"):
        return s.msrs.get(int(key[4:], 16), s.msr_default)
    if key.startswith("mem:"):
        return s.read_mem(int(key[4:], 16), 1)
    if key == "xcr0":
        return s.xcr0
    if key.startswith("cr"):
        return s.cr[key]
    if key in arch.gprs:
        return s.regs[key]
    return s.flags[key]


def meets(out: Outcome, arch: Arch, case: Case, who: str) -> None:
    stop = "spin" if out.stop == "limit" else out.stop  # the CPU still spinning at its bound
    if stop.startswith("unsupported"):
        stop = "stuck"  # the model refuses (unknown)
    assert stop == case.stop, f"{who}: stop {out.stop}, the rule says {case.stop}"
    if case.events is not None:
        got = tuple((e.kind, *e.args) for e in out.trace)
        assert got == case.events, f"{who}: trace {got}, the rule says {case.events}"
    for key, want in case.after:
        got = observed(out, arch, key)
        assert got == want, f"{who}: {key} = {got:#x}, the rule says {want:#x}"


@pytest.mark.parametrize(("rule", "case"), [(r, c) for _, r, c in ROWS], ids=[i for i, _, _ in ROWS])
def test_rule(rule: Rule, case: Case) -> None:
    arch = ARCHES[case.arch]
    assert case.arch in rule.arches
    addr = CODE[arch.bits]
    code = assemble(arch, case.asm, addr)
    regions = [(addr, code)]
    model = run_model(arch, regions, addr, addr + len(code), apply(base_state(arch), arch, case.state))
    meets(model, arch, case, f"model, `{case.asm}` ({rule.sdm})")
    if case.cpu:
        cpu = run_cpu(arch, regions, addr, addr + len(code), apply(base_state(arch), arch, case.state),
                      max_steps=500)
        meets(cpu, arch, case, f"cpu, `{case.asm}` ({rule.sdm})")


def test_every_system_instruction_has_a_rule() -> None:
    covered = {m for fam in FAMILIES for rule in fam.RULES for m in rule.mnemonics}
    missing = sorted(set(dispatch.SYSTEM) - covered)
    assert not missing, f"system instructions without an SDM rule row: {missing}"
    for fam in FAMILIES:
        for rule in fam.RULES:
            assert rule.sdm and rule.cases, f"{rule.form}: no SDM section or no case"


def test_rule_faults_have_cases() -> None:
    """A row that names a fault has a case that takes one (unless the row says the
    model answers `unknown` there, or the fault rests on a stated assumption)."""
    for fam in FAMILIES:
        for rule in fam.RULES:
            real = [f for f in rule.faults if "unknown" not in f[1] and "assumed" not in f[1]]
            if real:
                assert any(c.stop.startswith("fault") or c.stop == "stuck" for c in rule.cases), rule.form


LANDINGS = [("sysretq", 0x0023001000000000, 0x400000, 0x7FFF1000, 0x246),
            ("sysretl", 0x0023001000000000, 0xFFFFFFFF00401000, 0x7FFF1000, 0x202),
            ("sysexitq", 0x60, 0x7FFF0000, 0x400000, 0),
            ("sysexit", 0x60, 0xAAAA00007FFF0000, 0xBBBB000000400000, 0)]


@pytest.mark.parametrize(("asm", "msr_value", "rcx", "rdx", "r11"), LANDINGS,
                         ids=[t[0] for t in LANDINGS])
def test_landing_matches_unicorn(asm: str, msr_value: int, rcx: int, rdx: int, r11: int) -> None:
    """unicorn executes sysret/sysexit itself (the oracle stops before them): its
    CS, SS, RIP and RSP after the instruction are the model's landing state. Its
    RFLAGS are not compared: it keeps RF and VM from R11, which the SDM masks."""
    from unicorn import UC_ARCH_X86, UC_HOOK_CODE, UC_HOOK_MEM_UNMAPPED, UC_MODE_64, Uc, UcError
    from unicorn import x86_const as U

    arch = ARCHES["x86_64"]
    addr = CODE[64]
    code = assemble(arch, asm, addr)
    msr = 0xC0000081 if asm.startswith("sysret") else 0x174
    state = apply(base_state(arch), arch, (("msr:0xc0000080", 0xD01), (f"msr:{msr:#x}", msr_value),
                                           ("rcx", rcx), ("rdx", rdx), ("r11", r11)))
    model = run_model(arch, [(addr, code)], addr, addr + len(code), state)
    assert model.stop.startswith("left-kernel:"), model.stop

    phys = (1 << 52) - 1
    uc = Uc(UC_ARCH_X86, UC_MODE_64)
    uc.ctl_set_cpu_model(U.UC_CPU_X86_BROADWELL)
    uc.mem_map(addr & phys & ~0xFFF, 0x1000)
    uc.mem_write(addr & phys, code)
    uc.msr_write(0xC0000080, uc.msr_read(0xC0000080) | 1)  # EFER.SCE
    uc.msr_write(msr, msr_value)
    for reg, v in ((U.UC_X86_REG_RCX, rcx), (U.UC_X86_REG_RDX, rdx), (U.UC_X86_REG_R11, r11),
                   (U.UC_X86_REG_RSP, STACK[64])):
        uc.reg_write(reg, v)
    landed: list[int] = []

    def on_code(uc, a, size, user):
        if a != addr:
            landed.append(a)
            uc.emu_stop()

    uc.hook_add(UC_HOOK_CODE, on_code)
    uc.hook_add(UC_HOOK_MEM_UNMAPPED, lambda uc, acc, a, size, v, u: (
        uc.mem_map(a & phys & ~0xFFF, 0x1000), True)[1])
    try:
        uc.emu_start(addr, 1 << 63, count=3)
    except UcError as e:
        pytest.fail(f"unicorn: {e}")
    # The 32-bit sysexit lands in compatibility mode, where only EIP/ESP address
    # anything; the SDM zero-extends (RIP := EDX, RSP := ECX), QEMU keeps the
    # upper halves (measured), so only the low halves are unicorn's to witness.
    width = (1 << 64) - 1 if asm.endswith("q") or asm == "sysretl" else 0xFFFFFFFF
    assert model.exit_pc is not None and [a & width for a in landed] == [model.exit_pc & width], \
        f"landing RIP {landed} vs model {model.exit_pc:#x}"
    kind, _, cs, ss = (model.trace[-1].kind, *model.trace[-1].args)
    assert kind == model.stop.split(":")[1]
    assert (uc.reg_read(U.UC_X86_REG_CS), uc.reg_read(U.UC_X86_REG_SS)) == (cs, ss)
    assert uc.reg_read(U.UC_X86_REG_RSP) & width == model.state.regs["rsp"] & width
