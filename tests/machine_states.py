"""Hypothesis strategies for ring-0 machine states that both pvverify and a CPU model accept.

Shared by the differential tests and the soundness fuzz: the stack pointer and
one pointer argument point at mapped, canonical kernel addresses, DF is clear
(every call site guarantees it), and the flags no kernel call site runs with
(VM, RF, TF) are clear.
"""

from __future__ import annotations

from hypothesis import strategies as st

from pvverify.x86.arch import Arch
from pvverify.x86.bits import MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE
from pvverify.x86.machine import ConcreteState

CODE = {64: 0xFFFFFFFF81000000, 32: 0xC1000000}
STACK = {64: 0xFFFFC90000004000, 32: 0xC8004000}
DATA = {64: 0xFFFF888000100000, 32: 0xC8100000}

# Flags a ring-0 CPU model can hold in any combination. VM (virtual-8086) and
# RF are left clear: they are not states kernel code at a call site runs in.
FREE_FLAGS = ("cf", "pf", "af", "zf", "sf", "tf", "if", "df", "of", "nt", "ac", "vif", "vip", "id")


@st.composite
def states(draw, arch: Arch, any_df: bool = False) -> ConcreteState:
    bits = arch.bits
    word = st.integers(0, arch.mask)
    # Bit 8 (TF) stays clear in every register: a popf that loads TF makes the
    # CPU single-step trap, and traps are outside the model (no interrupts).
    regs = {g: draw(word) & ~0x100 for g in arch.gprs}
    regs[arch.sp] = STACK[bits]
    ptr = "rdi" if bits == 64 else "eax"
    regs[ptr] = DATA[bits] + draw(st.integers(0, 64))
    flags = {f: draw(st.integers(0, 1)) for f in FREE_FLAGS}
    flags["tf"] = 0  # a trap flag would single-step into the debug exception
    if not any_df:
        flags["df"] = 0  # clear at every call site (docs/domain.md 2)
    flags["iopl"] = draw(st.integers(0, 3))
    flags["rf"] = flags["vm"] = 0
    canon = st.integers(0, (1 << 47) - 1).map(lambda v: v | (0xFFFF << 48) if v >> 46 else v)
    base = canon if bits == 64 else st.integers(0, 0xFFFFFFFF)
    msrs = {MSR_FS_BASE: draw(base), MSR_GS_BASE: draw(base), MSR_KERNEL_GS_BASE: draw(base)}
    msrs[0x10] = draw(st.integers(0, (1 << 64) - 1))
    memory = {STACK[bits] + i: draw(st.integers(0, 255)) for i in range(-16, 32)}
    memory.update({DATA[bits] + i: draw(st.integers(0, 255)) for i in range(0, 80)})
    cr0, cr4, efer = control_bits(draw, arch)
    pcid = draw(st.integers(0, 0xFFF)) if cr4 & CR4_PCIDE or draw(st.booleans()) else 0
    if cr4 & CR4_PCIDE == 0 and draw(st.booleans()):
        pcid &= 0x18  # without PCIDE only PWT/PCD mean something
    cr3 = (draw(word) & (((1 << 52) - 1) & arch.mask) & ~0xFFF) | pcid
    cr = {"cr0": cr0, "cr4": cr4, "cr2": draw(word), "cr3": cr3, "cr8": draw(st.integers(0, 15))}
    msrs[MSR_EFER] = efer
    msrs[MSR_STAR] = draw(st.integers(0, (1 << 64) - 1))
    msrs[MSR_SYSENTER_CS] = draw(st.sampled_from([0, 3, 0x10, 0x60, draw(st.integers(0, 0xFFFF))]))
    xcr0 = draw(st.sampled_from([1, 3, 7, 0xE7, 0x2E7]))
    # debug registers: addresses, and DR6/DR7 as a CPU holds them (fixed bits
    # set), DR7.GD (general detect) set in about one state of four
    dr = {f"dr{i}": draw(word) for i in range(4)}
    dr["dr6"] = draw(st.integers(0, 0xFFFFFFFF)) | 0xFFFE07F0
    dr["dr7"] = (draw(st.integers(0, 0xFFFF)) | 0x400) & ~(0 if draw(st.integers(0, 3)) == 0 else 1 << 13)
    tables = {"gdtr_base": draw(word), "gdtr_limit": draw(st.integers(0, 0xFFFF)),
              "idtr_base": draw(word), "idtr_limit": draw(st.integers(0, 0xFFFF)),
              "tr": draw(st.integers(0, 0xFFFF)), "ldtr": draw(st.integers(0, 0xFFFF))}
    return ConcreteState(
        regs=regs, flags=flags, cr=cr, dr=dr, tables=tables, msrs=msrs, memory=memory,
        port_inputs=[draw(st.integers(0, 0xFFFFFFFF)) for _ in range(2)],
        cpuid={(regs["rax" if bits == 64 else "eax"] & 0xFFFFFFFF,
                regs["rcx" if bits == 64 else "ecx"] & 0xFFFFFFFF): (1, 2, 3, 4),
               (0xD, 0): (XCR0_SUPPORTED, 0, 0, 0)},
        xcr0=xcr0,
    )


# Control-register bits that decide faults and effects, each drawn on or off
# (SDM Vol. 3A 2.5): CR0 MP EM TS NE WP AM; CR4 VME PVI TSD DE PSE PGE PCE
# OSFXSR OSXMMEXCPT UMIP FSGSBASE PCIDE OSXSAVE SMEP SMAP PKE; EFER SCE NXE.
CR0_FREE = (1 << 1, 1 << 2, 1 << 3, 1 << 5, 1 << 16, 1 << 18)
CR4_FREE = (1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 7, 1 << 8, 1 << 9, 1 << 10, 1 << 11,
            1 << 16, 1 << 17, 1 << 18, 1 << 20, 1 << 21, 1 << 22)
CR4_PCIDE = 1 << 17
MSR_EFER, MSR_STAR, MSR_SYSENTER_CS = 0xC0000080, 0xC0000081, 0x174
XCR0_SUPPORTED = 0x2E7


def control_bits(draw, arch: Arch) -> tuple[int, int, int]:
    """CR0, CR4 and IA32_EFER as a CPU running this kernel holds them (lift.reachable):
    protected and paged, PAE and long mode on x86_64, every free bit drawn."""
    cr0 = 1 | (1 << 4) | (1 << 31)  # PE, ET, PG
    for b in CR0_FREE:
        cr0 |= b if draw(st.booleans()) else 0
    cd_nw = draw(st.sampled_from([0, 1 << 30, (1 << 30) | (1 << 29)]))  # NW only with CD
    cr0 |= cd_nw
    cr4 = 1 << 5 if arch.bits == 64 else draw(st.sampled_from([0, 1 << 5]))
    for b in CR4_FREE:
        if b == CR4_PCIDE and arch.bits != 64:
            continue
        cr4 |= b if draw(st.booleans()) else 0
    efer = (1 << 8) | (1 << 10) if arch.bits == 64 else 0
    efer |= (1 if draw(st.booleans()) else 0) | ((1 << 11) if draw(st.booleans()) else 0)
    return cr0, cr4, efer
