"""Architectural constants of the model: control-register, EFER and debug-register
bits, reserved masks and MSR numbers, each defined once with its SDM source.

The oracle (`pvverify.oracle`) keeps its own copies on purpose: it is the
independent authority the model is checked against, and shares nothing with
the model but `x86.machine`.
"""

# CR0 (SDM Vol. 3A 2.5)
CR0_PE, CR0_ET, CR0_WP, CR0_NW, CR0_CD, CR0_PG = 1 << 0, 1 << 4, 1 << 16, 1 << 29, 1 << 30, 1 << 31
# bits 6-15, 17 and 19-28 are reserved (0 from reset, and kernels write back what
# they read); bits 63:32 are reserved in 64-bit mode
CR0_RESERVED = 0x1FFAFFC0

# CR3 (SDM Vol. 2B MOV CR; Vol. 3A 4.10.4.1): with CR4.PCIDE, bit 63 of a value
# written means "do not flush" and is not stored
CR3_NOFLUSH = 1 << 63

# CR4 (SDM Vol. 3A 2.5)
CR4_DE, CR4_PSE, CR4_PAE, CR4_PGE = 1 << 3, 1 << 4, 1 << 5, 1 << 7
CR4_LA57, CR4_FSGSBASE, CR4_PCIDE, CR4_OSXSAVE = 1 << 12, 1 << 16, 1 << 17, 1 << 18
CR4_SMEP, CR4_SMAP, CR4_CET = 1 << 20, 1 << 21, 1 << 23

# IA32_EFER (SDM Vol. 3A 2.2.1, Vol. 4): SCE 0, LME 8, LMA 10, NXE 11; AMD also
# defines 12-15 (SVME, LMSLE, FFXSR, TCE); 1-7, 9 and 63:16 are reserved
EFER_SCE, EFER_LME, EFER_LMA = 1 << 0, 1 << 8, 1 << 10
EFER_RESERVED = 0xFFFFFFFFFFFF0000 | 0x2FE

# DR6/DR7 fixed bits (SDM Vol. 3A 18.2.3, 18.2.4): DR6 4-10 and 17-31 read as 1,
# bit 12 as 0; DR7 bit 10 reads as 1; DR7.GD (bit 13) makes debug-register
# accesses fault
DR6_ONES, DR6_ZEROS = 0xFFFE07F0, 0x1000
DR7_ONES = 0x400
DR7_GD = 1 << 13

# MSR numbers (SDM Vol. 4, table 2-2)
MSR_SYSENTER_CS = 0x174
MSR_EFER = 0xC0000080
MSR_STAR = 0xC0000081
# MSRs that alias segment bases: swapgs exchanges the hidden GS base with
# IA32_KERNEL_GS_BASE, so both live in the MSR file
MSR_FS_BASE = 0xC0000100
MSR_GS_BASE = 0xC0000101
MSR_KERNEL_GS_BASE = 0xC0000102
