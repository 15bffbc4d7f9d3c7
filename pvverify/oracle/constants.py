"""The oracle's own constants: kept apart from the model's (`x86.bits`), so that
a wrong constant cannot be wrong on both sides."""

PAGE = 0x1000
# unicorn's code buffer: see _Run (its default, 1 GiB of address space, is more
# than a memory-limited job may have)
TCG_BUFFER = 32 << 20
# Without paging, unicorn's 64-bit mode treats a linear address as physical and
# masks it to 52 bits (measured): memory is mapped at the masked address and
# hook addresses are turned back into canonical linear ones.
PHYS52 = (1 << 52) - 1
GDT_32 = 0xFFFFF000  # where the 32-bit GDT lives (top page, rarely in a counterexample)
MSR_TSC_AUX = 0xC0000103
CF, PF, AF, ZF, SF, OF = 1, 1 << 2, 1 << 4, 1 << 6, 1 << 7, 1 << 11
CR0_WP, CR0_NW, CR0_CD, CR0_PG = 1 << 16, 1 << 29, 1 << 30, 1 << 31
CR4_PAE, CR4_LA57, CR4_FSGSBASE, CR4_PCIDE, CR4_OSXSAVE, CR4_CET = (
    1 << 5, 1 << 12, 1 << 16, 1 << 17, 1 << 18, 1 << 23)
# TLB-relevant bits (semantics.control.TLB_BITS, kept apart: the oracle shares
# nothing with the model but machine.py)
TLB_BITS = {"cr0": 1 | CR0_WP | CR0_NW | CR0_CD | CR0_PG,
             "cr4": (1 << 4) | CR4_PAE | (1 << 7) | CR4_PCIDE | (1 << 20) | CR4_LA57}


