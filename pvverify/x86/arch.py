"""The two x86 modes pvverify understands, as plain data.

Everything mode-dependent (register names, widths, where sites and targets
are placed, which lifter/decoder/emulator mode to use) lives here so that the
semantics, the oracle and the conventions agree on one description.
"""

from __future__ import annotations

from dataclasses import dataclass

# EFLAGS bit positions (Intel SDM Vol. 1, 3.4.3). IOPL is two bits wide.
FLAG_BITS: dict[str, int] = {
    "cf": 0, "pf": 2, "af": 4, "zf": 6, "sf": 7, "tf": 8, "if": 9, "df": 10,
    "of": 11, "iopl": 12, "nt": 14, "rf": 16, "vm": 17, "ac": 18, "vif": 19,
    "vip": 20, "id": 21,
}
FLAG_WIDTH: dict[str, int] = {name: (2 if name == "iopl" else 1) for name in FLAG_BITS}
ARITH_FLAGS = ("cf", "pf", "af", "zf", "sf", "of")
# Flags that are machine state, not scratch: they must come out equal (docs/domain.md 2).
# RF and VM are not architecturally visible to ring-0 code that runs to the end
# of a site (pushf stores them as 0 in 64-bit mode and for RF always), VIF/VIP
# only matter under virtual-8086 / PVI extensions; they are compared anyway
# because popf at CPL0 preserves them and a replacement must not lose them.
SYSTEM_FLAGS = ("tf", "if", "iopl", "nt", "ac", "vif", "vip", "id")
CONTROL_REGS = ("cr0", "cr2", "cr3", "cr4", "cr8")



@dataclass(frozen=True)
class Arch:
    """One x86 execution mode."""

    name: str               # "i386" | "x86_64"
    bits: int               # 32 | 64
    gprs: tuple[str, ...]   # general-purpose registers, lower-case, full width
    sp: str                 # stack pointer name
    pc: str                 # instruction pointer name
    sleigh: str             # pypcode language id
    site_address: int       # default address of the patch site
    target_address: int     # default address of the call target's body
    slot_address: int       # default address of the ops-table slot
    thunk_address: int      # where __x86_return_thunk (ret; int3) is placed
    as_flag: str            # GNU as mode flag
    ld_emulation: str       # GNU ld -m value

    @property
    def width(self) -> int:
        """Pointer size in bytes."""
        return self.bits // 8

    @property
    def mask(self) -> int:
        return (1 << self.bits) - 1


X86_64 = Arch(
    name="x86_64",
    bits=64,
    gprs=("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
          "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"),
    sp="rsp",
    pc="rip",
    sleigh="x86:LE:64:default",
    site_address=0xFFFFFFFF81000000,
    target_address=0xFFFFFFFF81100000,
    slot_address=0xFFFFFFFF82000000,
    thunk_address=0xFFFFFFFF81200000,
    as_flag="--64",
    ld_emulation="elf_x86_64",
)

I386 = Arch(
    name="i386",
    bits=32,
    gprs=("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp"),
    sp="esp",
    pc="eip",
    sleigh="x86:LE:32:default",
    site_address=0xC1000000,
    target_address=0xC1100000,
    slot_address=0xC2000000,
    thunk_address=0xC1200000,
    as_flag="--32",
    ld_emulation="elf_i386",
)

ARCHES: dict[str, Arch] = {"x86_64": X86_64, "i386": I386}
