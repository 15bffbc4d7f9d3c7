"""Concrete machine states and run outcomes: the common language of the
symbolic engine (counterexamples), the unicorn oracle (replay) and reports.

Plain data only. Register names are lower-case full-width names of the mode
(`rax`..`r15` or `eax`..`edi`); flags use the names of `arch.FLAG_BITS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEBUG_REGS = ("dr0", "dr1", "dr2", "dr3", "dr6", "dr7")
DR_RESET = {"dr6": 0xFFFF0FF0, "dr7": 0x400}  # SDM 18.2: values after reset
TABLE_REGS = ("gdtr_base", "gdtr_limit", "idtr_base", "idtr_limit", "tr", "ldtr")


@dataclass
class ConcreteState:
    """A complete ring-0 input (or output) state.

    Memory is total: every byte not listed in `memory` holds `memory_default`.
    MSRs likewise default to `msr_default`; the FS/GS base and the swapped GS
    base are the MSRs 0xC0000100-0xC0000102. `port_inputs[k]` is the value the
    k-th `in` of a run reads; `cpuid` maps (leaf, subleaf) to eax, ebx, ecx, edx.
    """

    regs: dict[str, int] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)
    cr: dict[str, int] = field(default_factory=dict)
    dr: dict[str, int] = field(default_factory=dict)  # dr0-dr3, dr6, dr7 (DEBUG_REGS)
    # descriptor-table registers: gdtr/idtr as (base, limit), tr/ldtr selectors (TABLE_REGS)
    tables: dict[str, int] = field(default_factory=dict)
    msrs: dict[int, int] = field(default_factory=dict)
    msr_default: int = 0
    memory: dict[int, int] = field(default_factory=dict)
    memory_default: int = 0
    port_inputs: list[int] = field(default_factory=list)
    port_input_default: int = 0
    cpuid: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict)
    cpuid_default: tuple[int, int, int, int] = (0, 0, 0, 0)
    xcr0: int = 1  # XCR0 (bit 0, x87, is always set: SDM Vol. 1 13.3)
    # the values the k-th fresh read of a run gets (semantics/fresh.py: a TSC or
    # random value, rdrand's CF and value as two): one path's stream
    fresh: list[int] = field(default_factory=list)
    fresh_default: int = 0

    def debug_register(self, name: str) -> int:
        """DRn, with the processor's reset value where the state does not say."""
        return self.dr.get(name, DR_RESET.get(name, 0))

    def read_mem(self, addr: int, size: int) -> int:
        """Little-endian read of `size` bytes."""
        return int.from_bytes(
            bytes(self.memory.get(addr + i, self.memory_default) for i in range(size)), "little"
        )


@dataclass(frozen=True)
class Event:
    """One side effect that is not plain state, in program order.

    kind is one of: hlt(IF, window), wbinvd, invd, invlpg(addr),
    cr3(value stored, PCIDE, no-flush bit), tlb:cr0(old, new) and tlb:cr4(old, new)
    (the TLB-relevant bits of a write that changes them), wrmsr(msr, value),
    in(port, size), out(port, size, value), sysretq/sysretl/sysexitq/sysexitl
    (window, CS, SS), iretq/iretl/iretw. `window` is 1 for hlt/sysret/sysexit
    when an interrupt could have been taken between the last enabling of
    interrupts and the event (0 in the shadow of an STI that found IF clear).
    """

    kind: str
    args: tuple[int, ...] = ()


@dataclass
class Outcome:
    """How a concrete run ended and what it left behind."""

    state: ConcreteState
    exit_pc: int | None                  # None when the run did not leave (step limit)
    trace: list[Event] = field(default_factory=list)
    written: set[int] = field(default_factory=set)   # addresses of every byte stored
    stop: str = "exit"                   # "exit" | "limit" | "fault: ..." | "unsupported: ..."
