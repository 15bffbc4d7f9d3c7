"""Why an observable must be equal: the sentence a counterexample ends with.

A difference only matters because something relies on the value: the caller
(through the calling convention), the rest of the kernel (system state) or
the hardware (side effects). docs/observables.md says the same at length;
the names here are the ones observables.collect gives its observables.
"""

from __future__ import annotations

from pvverify.x86.arch import Arch

CONVENTION = {
    "regparm3": "an i386 regparm(3) C call",
    "sysv": "an x86_64 SysV C call",
    "pv-callee-save": "a pv-callee-save call",
}

_FLAGS = {
    "IF": "IF is the interrupt flag: the code after the site runs with interrupts enabled or "
          "disabled exactly as the op leaves them",
    "DF": "the kernel ABI requires DF clear at every call boundary; string instructions after "
          "the site would run backwards",
    "AC": "AC switches SMAP checks (stac/clac): a wrong AC lets the kernel touch user memory, "
          "or faults on a legitimate access",
    "IOPL": "IOPL decides which privilege levels may do port I/O and cli/sti",
    "NT": "NT changes what the next iret does (a task return)",
    "ID": "ID is the CPUID-detection flag other code tests",
    "VIF": "VIF/VIP carry the virtual interrupt state",
    "VIP": "VIF/VIP carry the virtual interrupt state",
    "TF": "TF single-steps the code after the site",
}

_SYSTEM = {
    "cr0": "cr0 holds the protection, paging, write-protect and FPU-switch modes",
    "cr2": "cr2 holds the last page-fault address, which the fault handler reads",
    "cr3": "cr3 selects the page tables every later access translates through",
    "cr4": "cr4 holds the paging and protection features (PGE, SMEP, SMAP, ...)",
    "cr8": "cr8 is the task-priority register: it masks interrupts by priority",
    "FS base": "the FS base locates user TLS (and the per-CPU area on i386)",
    "GS base": "the GS base locates the per-CPU area every percpu access goes through",
    "swapped GS base (KERNEL_GS_BASE)": "swapgs exchanges the GS base with KERNEL_GS_BASE on "
                                        "every kernel entry and exit",
    "GDTR": "GDTR locates the descriptor table every segment load reads",
    "IDTR": "IDTR locates the interrupt descriptor table every interrupt and exception goes through",
    "MSR": "an MSR is machine state the rest of the kernel and the hardware read",
}


def why(observable: str, arch: Arch, convention: str, clobbers: frozenset[str] | set[str]) -> str:
    """One sentence: why `observable` must not differ after the site."""
    call = CONVENTION.get(convention, f"a {convention} call")
    kept = sorted(clobbers - {arch.sp}, key=lambda r: arch.gprs.index(r) if r in arch.gprs else 99)
    if observable in arch.gprs:
        if observable == arch.sp:
            return (f"{observable} is the stack pointer: after {call} it is back where the caller "
                    "left it, or every later stack access is off")
        if observable in clobbers:
            return (f"{observable} may be clobbered by {call}, but this path leaves the site "
                    "elsewhere, where the code that runs next may read it")
        may = f"only {', '.join(kept)}" if kept else "no register"
        return f"{observable} is preserved across {call} (the callee may clobber {may})"
    if observable.startswith("return value in "):
        reg = observable.split()[3]
        return f"{reg} carries the op's return value back to the caller"
    if observable in _FLAGS:
        return _FLAGS[observable]
    if observable in ("CF", "PF", "AF", "ZF", "SF", "OF"):
        return (f"{observable} is clobbered by a call, but this path leaves the site elsewhere, "
                "where the code that runs next may test it")
    if observable in _SYSTEM:
        return _SYSTEM[observable]
    if observable.startswith("MSR "):
        return _SYSTEM["MSR"]
    if observable.startswith(("dr", "DR")):
        return "debug registers arm hardware breakpoints and watchpoints"
    if observable.startswith("memory byte at ") or observable in ("memory", "memory footprint"):
        return ("memory the caller can see (all but the dead stack below the entry stack pointer) "
                "holds the same bytes, written by the same stores, or a later load reads a different value")
    if observable in ("exit", "exit address"):
        return ("both must continue at the same place (the end of the site) or stop the same way "
                "(the same exception, the same return to user mode)")
    if observable.startswith("side effect") :
        return ("port I/O, MSR writes, TLB and cache flushes, halts and the like are seen outside "
                "the CPU's registers: they happen in the same order with the same arguments")
    if observable == "bytes after the site":
        return "the patch must fit the site: the bytes after it are the next instruction"
    return "it is machine state the caller or the rest of the kernel can observe (docs/observables.md)"
