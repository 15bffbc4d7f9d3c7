"""The concrete CPU: unicorn running ring-0 code, used to replay counterexamples
and, in tests, as the reference the semantics are checked against.

It shares nothing with the symbolic engine but the data types of x86/machine.py
(its constants are its own: `constants`). The package: `cpu` (one run: setup,
hooks, the final state), `system` (what it emulates from the SDM, below).
Unicorn executes almost everything itself (cli, sti, pushf, popf, CR2/CR3
moves, swapgs, invlpg, wbinvd, in/out, string ops, ordinary code). The
exceptions, each because unicorn cannot hold the architectural value without
breaking its own emulation or does not implement it, are emulated here from
the SDM and listed so they can be audited:

- CR0 and CR4 (moves to and from, clts): unicorn ignores writes of bits that
  would change its paging/protection mode; they live in a shadow. CR8 too:
  unicorn has no local APIC, so its TPR reads back 0. Writes setting
  CR0[63:32] or CR8[63:4] are #GP (SDM MOV-Control Registers).
- Instructions unicorn cannot decode stop the run as `fault:#UD` instead of
  being delivered through an empty IDT.
- The CPU model is Broadwell, the first with SMAP, so stac/clac execute.
- rdmsr/wrmsr for MSRs other than FS/GS/KERNEL_GS base: unicorn raises #GP
  for MSRs it does not know; they live in a shadow dictionary. The three base
  MSRs are unicorn's own.
- cpuid: answered from the state's table (the real CPU's answer is not an input).
- rdtsc, rdtscp, rdrand, rdseed: their values are the state's stream of fresh
  values (`ConcreteState.fresh`, the ones the solver chose for this path);
  rdtscp's ECX and rdpid from IA32_TSC_AUX in the MSR shadow (unicorn has no
  rdpid and its own TSC and RNG).
- FS/GS bases in 32-bit mode come from a GDT built here, as on hardware.
- hlt, sysret, sysexit, iret, int3, ud2 are recorded (and hlt skipped, the
  others stop the run) before unicorn executes them, since they would stop or
  leave the emulated ring 0. sysret and sysexit land as the SDM says (RIP,
  RSP, RFLAGS, CS and SS selectors; unicorn agrees on all but RFLAGS, where it
  keeps RF and VM from R11: measured), with their #UD/#GP conditions.
- The SDM's fault conditions on moves to CR0/CR3/CR4 (control.write_fault),
  the TLB-invalidation events of such moves, and the CR3 no-flush bit under
  CR4.PCIDE: unicorn's CR0/CR4 are shadows, so it cannot apply them.
- rd/wrfsbase, rd/wrgsbase are #UD without CR4.FSGSBASE, xgetbv/xsetbv without
  CR4.OSXSAVE: unicorn executes them whatever CR4 holds (measured). XCR0 is a
  shadow (unicorn answers 3 whatever was set).
"""

from pvverify.oracle.cpu import run

__all__ = ["run"]
