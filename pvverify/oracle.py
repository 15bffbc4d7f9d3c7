"""The concrete CPU: unicorn running ring-0 code, used to replay counterexamples
and, in tests, as the reference the semantics are checked against.

It shares nothing with the symbolic engine but the data types of machine.py.
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

from __future__ import annotations

from collections.abc import Sequence

from pvverify.x86.arch import FLAG_BITS, FLAG_WIDTH, Arch
from pvverify.x86.bits import MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE
from pvverify.x86.decode import decoder
from pvverify.x86.machine import DEBUG_REGS, ConcreteState, Event, Outcome

PAGE = 0x1000
# unicorn's code buffer: see _Run (its default, 1 GiB of address space, is more
# than a memory-limited job may have)
TCG_BUFFER = 32 << 20
# Without paging, unicorn's 64-bit mode treats a linear address as physical and
# masks it to 52 bits (measured): memory is mapped at the masked address and
# hook addresses are turned back into canonical linear ones.
_PHYS52 = (1 << 52) - 1
_GDT_32 = 0xFFFFF000  # where the 32-bit GDT lives (top page, rarely in a counterexample)
_MSR_TSC_AUX = 0xC0000103
_CF, _PF, _AF, _ZF, _SF, _OF = 1, 1 << 2, 1 << 4, 1 << 6, 1 << 7, 1 << 11
_CR0_WP, _CR0_NW, _CR0_CD, _CR0_PG = 1 << 16, 1 << 29, 1 << 30, 1 << 31
_CR4_PAE, _CR4_LA57, _CR4_FSGSBASE, _CR4_PCIDE, _CR4_OSXSAVE, _CR4_CET = (
    1 << 5, 1 << 12, 1 << 16, 1 << 17, 1 << 18, 1 << 23)
# TLB-relevant bits (semantics.control.TLB_BITS, kept apart: the oracle shares
# nothing with the model but machine.py)
_TLB_BITS = {"cr0": 1 | _CR0_WP | _CR0_NW | _CR0_CD | _CR0_PG,
             "cr4": (1 << 4) | _CR4_PAE | (1 << 7) | _CR4_PCIDE | (1 << 20) | _CR4_LA57}


def _eflags(flags: dict[str, int]) -> int:
    v = 0x2
    for name, pos in FLAG_BITS.items():
        v |= (flags.get(name, 0) & ((1 << FLAG_WIDTH[name]) - 1)) << pos
    return v


def _flags(v: int) -> dict[str, int]:
    return {n: (v >> p) & ((1 << FLAG_WIDTH[n]) - 1) for n, p in FLAG_BITS.items()}


def run(arch: Arch, regions: Sequence[tuple[int, bytes]], entry: int, exit_pc: int,
        state: ConcreteState, max_steps: int = 10_000) -> Outcome:
    """Run from `entry` until `exit_pc`, leaving the regions, leaving the kernel, or max_steps."""
    try:
        return _Run(arch, regions, state).go(entry, exit_pc, max_steps)
    except Exception as e:  # a solver's state can be anything; never crash the caller
        return Outcome(state, None, [], set(), f"unsupported: {type(e).__name__}: {e}")


class _Run:
    def __init__(self, arch: Arch, regions: Sequence[tuple[int, bytes]], st: ConcreteState) -> None:
        from unicorn import UC_ARCH_X86, UC_MODE_32, UC_MODE_64, Uc
        from unicorn import x86_const as U

        self.U = U
        self.arch = arch
        self.st = st
        self.mask = arch.mask
        self.regions = [(a, bytes(d)) for a, d in regions]
        self.uc = Uc(UC_ARCH_X86, UC_MODE_64 if arch.bits == 64 else UC_MODE_32)
        # A replay runs a few hundred instructions; unicorn's default 1 GiB code
        # buffer is address space a memory-limited CI job may not have (qemu then
        # exits the process with status 1, which would read as "not-equivalent").
        # A full buffer is flushed and refilled, never an error.
        self.uc.ctl_set_tcg_buffer_size(TCG_BUFFER)
        # Broadwell: the first model with SMAP, so stac/clac execute instead of #UD.
        self.uc.ctl_set_cpu_model(U.UC_CPU_X86_BROADWELL)
        self.cs = decoder(arch)
        self.mapped: set[int] = set()
        self.trace: list[Event] = []
        self.written: set[int] = set()
        self.ports = 0
        self.fresh_reads = 0
        self.crs = {"cr0": st.cr.get("cr0", 0), "cr4": st.cr.get("cr4", 0), "cr8": st.cr.get("cr8", 0)}
        self.drs = {d: st.debug_register(d) & self.mask for d in DEBUG_REGS}
        self.msrs = dict(st.msrs)
        self.xcr0 = st.xcr0
        self.stop = "exit"
        self.exit_pc: int | None = None
        self.window = 0
        self.prev: tuple[str, int] | None = None  # (mnemonic, IF before it)
        self.fault: str | None = None

    # -- memory -------------------------------------------------------------
    def phys(self, a: int) -> int:
        return a & _PHYS52 if self.arch.bits == 64 else a & self.mask

    def linear(self, p: int) -> int:
        if self.arch.bits == 64 and (p >> 47) & 1:
            return p | (0xFFF << 52)
        return p

    def map_page(self, page: int) -> None:
        """Map the page holding linear address `page`, filled from the state and the code."""
        if self.phys(page) in self.mapped:
            return
        self.uc.mem_map(self.phys(page), PAGE)
        self.mapped.add(self.phys(page))
        st = self.st
        data = bytearray([st.memory_default]) * PAGE
        for a in range(page, page + PAGE):
            v = st.memory.get(a)
            if v is not None:
                data[a - page] = v
        for base, code in self.regions:
            lo, hi = max(base, page), min(base + len(code), page + PAGE)
            if lo < hi:
                data[lo - page:hi - page] = code[lo - base:hi - base]
        self.uc.mem_write(self.phys(page), bytes(data))

    def on_unmapped(self, uc, access, addr, size, value, user) -> bool:
        addr = self.linear(addr)
        for a in range(addr & ~(PAGE - 1), addr + max(size, 1), PAGE):
            self.map_page(a & self.mask)
        return True

    def on_write(self, uc, access, addr, size, value, user) -> None:
        addr = self.linear(addr)
        self.written.update((addr + i) & self.mask for i in range(size))

    # -- setup --------------------------------------------------------------
    def setup(self) -> None:
        U, uc, st, arch = self.U, self.uc, self.st, self.arch
        from unicorn import (
            UC_HOOK_CODE,
            UC_HOOK_INSN,
            UC_HOOK_INSN_INVALID,
            UC_HOOK_INTR,
            UC_HOOK_MEM_UNMAPPED,
            UC_HOOK_MEM_WRITE,
        )

        for base, code in self.regions:
            for p in range(base & ~(PAGE - 1), base + len(code), PAGE):
                self.map_page(p & self.mask)
        regs = {"rax": U.UC_X86_REG_RAX, "rbx": U.UC_X86_REG_RBX, "rcx": U.UC_X86_REG_RCX,
                "rdx": U.UC_X86_REG_RDX, "rsi": U.UC_X86_REG_RSI, "rdi": U.UC_X86_REG_RDI,
                "rbp": U.UC_X86_REG_RBP, "rsp": U.UC_X86_REG_RSP}
        regs |= {f"r{i}": getattr(U, f"UC_X86_REG_R{i}") for i in range(8, 16)}
        regs |= {"e" + k[1:]: getattr(U, "UC_X86_REG_E" + k[1:].upper())
                 for k in ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp")}
        self.regmap = {g: regs[g] for g in arch.gprs}
        for g, r in self.regmap.items():
            uc.reg_write(r, st.regs.get(g, 0) & self.mask)
        uc.reg_write(U.UC_X86_REG_EFLAGS, _eflags(st.flags))
        uc.reg_write(U.UC_X86_REG_CR2, st.cr.get("cr2", 0) & self.mask)
        uc.reg_write(U.UC_X86_REG_CR3, st.cr.get("cr3", 0) & self.mask)
        if arch.bits == 64:
            for m in (MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE):
                uc.msr_write(m, self.msrs.get(m, st.msr_default))
        else:
            self.setup_gdt32()
        # The state's descriptor tables, after the segment registers are loaded
        # (in 32-bit mode from the oracle's own GDT, whose descriptors stay cached).
        t = st.tables
        for reg, name in ((U.UC_X86_REG_GDTR, "gdtr"), (U.UC_X86_REG_IDTR, "idtr")):
            base, limit = t.get(f"{name}_base", 0) & self.mask, t.get(f"{name}_limit", 0) & 0xFFFF
            uc.reg_write(reg, (0, base, limit, 0))
        uc.reg_write(U.UC_X86_REG_TR, (t.get("tr", 0) & 0xFFFF, 0, 0x67, 0x8B))
        uc.reg_write(U.UC_X86_REG_LDTR, (t.get("ldtr", 0) & 0xFFFF, 0, 0, 0x82))
        uc.hook_add(UC_HOOK_MEM_UNMAPPED, self.on_unmapped)
        uc.hook_add(UC_HOOK_MEM_WRITE, self.on_write)
        uc.hook_add(UC_HOOK_CODE, self.on_code)
        uc.hook_add(UC_HOOK_INTR, self.on_intr)
        uc.hook_add(UC_HOOK_INSN_INVALID, self.on_invalid)
        uc.hook_add(UC_HOOK_INSN, self.on_in, None, 1, 0, U.UC_X86_INS_IN)
        uc.hook_add(UC_HOOK_INSN, self.on_out, None, 1, 0, U.UC_X86_INS_OUT)

    def setup_gdt32(self) -> None:
        """Flat code/data segments, and FS/GS descriptors with the state's bases."""
        U, uc = self.U, self.uc

        def desc(base: int, limit: int, access: int) -> bytes:
            d = limit & 0xFFFF
            d |= (base & 0xFFFFFF) << 16
            d |= access << 40
            d |= ((limit >> 16) & 0xF) << 48
            d |= 0xC << 52  # 4 KiB granularity, 32-bit
            d |= ((base >> 24) & 0xFF) << 56
            return d.to_bytes(8, "little")

        fs = self.msrs.get(MSR_FS_BASE, self.st.msr_default) & 0xFFFFFFFF
        gs = self.msrs.get(MSR_GS_BASE, self.st.msr_default) & 0xFFFFFFFF
        gdt = bytes(8) + desc(0, 0xFFFFF, 0x9B) + desc(0, 0xFFFFF, 0x93) + desc(fs, 0xFFFFF, 0x93) \
            + desc(gs, 0xFFFFF, 0x93)
        self.map_page(_GDT_32)
        uc.mem_write(self.phys(_GDT_32), gdt)
        uc.reg_write(U.UC_X86_REG_GDTR, (0, _GDT_32, len(gdt) - 1, 0))
        uc.reg_write(U.UC_X86_REG_CS, 0x08)
        for seg in (U.UC_X86_REG_DS, U.UC_X86_REG_ES, U.UC_X86_REG_SS):
            uc.reg_write(seg, 0x10)
        uc.reg_write(U.UC_X86_REG_FS, 0x18)
        uc.reg_write(U.UC_X86_REG_GS, 0x20)
        self.written.clear()

    # -- instruction hooks --------------------------------------------------
    def pc_reg(self) -> int:
        return self.U.UC_X86_REG_RIP if self.arch.bits == 64 else self.U.UC_X86_REG_EIP

    def if_flag(self) -> int:
        return (self.uc.reg_read(self.U.UC_X86_REG_EFLAGS) >> 9) & 1

    def leave(self, kind: str, pc: int | None) -> None:
        self.stop = kind
        self.exit_pc = pc
        self.uc.emu_stop()

    def on_code(self, uc, addr: int, size: int, user) -> None:
        if not any(b <= addr < b + len(c) for b, c in self.regions):
            self.leave("exit", addr)
            return
        if self.exit_target is not None and addr == self.exit_target:
            self.leave("exit", addr)
            return
        self.steps += 1
        if self.steps > self.max_steps:
            self.leave("limit", None)
            return
        # the interrupt window at this boundary (DOMAIN.md 3)
        iflag = self.if_flag()
        if self.prev is None:
            self.window = iflag
        elif iflag == 0:
            self.window = 0
        elif not (self.prev[0] == "sti" and self.prev[1] == 0):
            self.window = 1
        # unicorn reports size 0xF1F1F1F1 for an instruction it cannot decode:
        # read at most 15 bytes (the longest x86 instruction) from the region.
        code = self.region_bytes(addr, min(size, 15))
        ins = next(self.cs.disasm(code, addr, 1), None)
        if ins is None:
            return
        mn = ins.mnemonic
        self.prev = (mn, iflag)
        handler = getattr(self, "_i_" + mn.replace(" ", "_"), None)
        if mn == "mov" and any(o.type == 1 and ins.reg_name(o.reg) in ("cr0", "cr4", "cr8")
                               for o in ins.operands):
            handler = self._mov_cr04
        elif mn == "mov" and any(o.type == 1 and ins.reg_name(o.reg).startswith("dr")
                                 for o in ins.operands):
            handler = self._mov_dr
        elif mn == "mov" and ins.operands and ins.operands[0].type == 1 \
                and ins.reg_name(ins.operands[0].reg) == "cr3":
            handler = self._mov_cr3
        elif mn in ("rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase"):
            handler = self._fsgsbase
        if handler is not None:
            handler(ins)

    def region_bytes(self, addr: int, n: int) -> bytes:
        for base, code in self.regions:
            if base <= addr < base + len(code):
                return code[addr - base:addr - base + n]
        return b""

    def skip(self, ins) -> None:
        self.uc.reg_write(self.pc_reg(), (ins.address + ins.size) & self.mask)

    def read_reg(self, name: str) -> int:
        U = self.U
        return self.uc.reg_read(getattr(U, "UC_X86_REG_" + name.upper()))

    def write_reg(self, name: str, value: int) -> None:
        self.uc.reg_write(getattr(self.U, "UC_X86_REG_" + name.upper()), value)

    def _gp(self) -> None:
        self.fault = "fault:#GP"
        self.uc.emu_stop()

    def _ud(self) -> None:
        self.fault = "fault:#UD"
        self.uc.emu_stop()

    def _canonical(self, v: int) -> bool:
        top = 56 if self.crs["cr4"] & _CR4_LA57 else 47
        hi = v >> top
        return hi == 0 or hi == (1 << (64 - top)) - 1

    def _cr_fault(self, dst: str, v: int) -> bool:
        """SDM MOV CR exceptions fixed on every processor (as control.write_fault)."""
        long = self.arch.bits == 64
        cr0, cr4, old = self.crs["cr0"], self.crs["cr4"], self.crs.get(dst, 0)
        if dst == "cr0":
            return bool((long and (v >> 32 or not v & _CR0_PG)) or (v & _CR0_PG and not v & 1)
                        or (v & _CR0_NW and not v & _CR0_CD) or (not v & _CR0_WP and cr4 & _CR4_CET))
        if dst == "cr4":
            cr3 = self.read_reg("cr3")
            return bool((long and (not v & _CR4_PAE or (v ^ old) & _CR4_LA57))
                        or (not long and v & _CR4_PCIDE)
                        or (v & _CR4_PCIDE and not old & _CR4_PCIDE and cr3 & 0xFFF)
                        or (v & _CR4_CET and not cr0 & _CR0_WP))
        if dst == "cr8":
            return bool(long and v >> 4)
        return False

    def _mov_cr04(self, ins) -> None:
        # CR0, CR4 and CR8 live in shadows: unicorn would act on their bits
        # (paging, PAE) or, for CR8, has no local APIC to hold the TPR.
        dst, src = (ins.reg_name(o.reg) for o in ins.operands)
        if dst in self.crs:
            v = self.read_reg(src) & self.mask
            if self._cr_fault(dst, v):
                self._gp()
                return
            tlb = _TLB_BITS.get(dst, 0)
            if (self.crs[dst] ^ v) & tlb:
                self.trace.append(Event(f"tlb:{dst}", (self.crs[dst] & tlb, v & tlb)))
            self.crs[dst] = v
        else:
            self.write_reg(dst, self.crs[src])
        self.skip(ins)

    def _mov_cr3(self, ins) -> None:
        # SDM MOV CR, 4.10.4.1: under CR4.PCIDE bit 63 asks for no flush and is not stored
        v = self.read_reg(ins.reg_name(ins.operands[1].reg)) & self.mask
        pcide = int(bool(self.crs["cr4"] & _CR4_PCIDE))
        noflush = 0
        if self.arch.bits == 64:
            if (v >> 63 and not pcide) or (v >> 52) & 0x1FF:
                self._gp()
                return
            noflush = (v >> 63) & pcide
            v &= ~(1 << 63)
        self.trace.append(Event("cr3", (v, pcide, noflush)))
        self.write_reg("cr3", v)
        self.skip(ins)

    def _fsgsbase(self, ins) -> None:
        if self.arch.bits != 64 or not self.crs["cr4"] & _CR4_FSGSBASE:
            self._ud()
            return
        op = ins.operands[0]
        if ins.mnemonic.startswith("wr") and op.size == 8 \
                and not self._canonical(self.read_reg(ins.reg_name(op.reg))):
            self._gp()

    def _xcr_gate(self) -> bool:
        if not self.crs["cr4"] & _CR4_OSXSAVE:
            self._ud()
            return False
        return True

    def _i_xgetbv(self, ins) -> None:
        if not self._xcr_gate():
            return
        ecx = self.read_reg("ecx") & 0xFFFFFFFF
        if ecx > 1:
            self._gp()
            return
        if ecx == 1:
            self.fault = "unsupported: xgetbv with ECX = 1"
            self.uc.emu_stop()
            return
        self._set_edx_eax(self.xcr0)
        self.skip(ins)

    def _i_xsetbv(self, ins) -> None:
        if not self._xcr_gate():
            return
        v = self._edx_eax()
        eax, _, _, edx = self.st.cpuid.get((0xD, 0), self.st.cpuid_default)
        sup = (edx << 32) | eax
        avx512 = (v >> 5) & 7
        bad = (self.read_reg("ecx") & 0xFFFFFFFF) != 0 or v & ~sup or not v & 1 \
            or (v & 4 and not v & 2) or (avx512 not in (0, 7)) or (avx512 and not v & 4) \
            or ((v >> 17) & 1) != ((v >> 18) & 1)
        if bad:
            self._gp()
            return
        self.xcr0 = v
        self.skip(ins)

    def _mov_dr(self, ins) -> None:
        # Debug registers live in a shadow, moved by the SDM's rules: QEMU
        # drops DR6/DR7 bits 63:32 instead of raising #GP, has no DR7.GD
        # general-detect #DB, and forces DR6 bits that some processors keep.
        dst, src = (ins.reg_name(o.reg) for o in ins.operands)
        n = int((dst if dst.startswith("dr") else src)[2:])
        if n in (4, 5):
            if self.crs["cr4"] & 0x8:  # CR4.DE
                self.fault = "fault:#UD"
                self.uc.emu_stop()
                return
            n += 2
        if self.drs["dr7"] & (1 << 13):  # DR7.GD
            self.fault = "fault:#DB"
            self.uc.emu_stop()
            return
        if dst.startswith("dr"):
            v = self.read_reg(src) & self.mask
            if self.arch.bits == 64 and n in (6, 7) and v >> 32:
                self.fault = "fault:#GP"
                self.uc.emu_stop()
                return
            if n == 6:
                v = (v | 0xFFFE07F0) & ~0x1000
            elif n == 7:
                v |= 0x400
            self.drs[f"dr{n}"] = v
        else:
            self.write_reg(dst, self.drs[f"dr{n}"])
        self.skip(ins)

    def _pushf(self, ins, size: int) -> None:
        # unicorn 2.1.4 with both a code and a memory-write hook (as here) loses
        # the lazily computed arithmetic flags after a PUSHF: the next PUSHF
        # pushes 0x2 (found by the soundness fuzz). So PUSHF is done here, by
        # the SDM: the EFLAGS image with RF and VM cleared, `size` bytes.
        sp_reg = "rsp" if self.arch.bits == 64 else "esp"
        image = self.uc.reg_read(self.U.UC_X86_REG_EFLAGS) & ~((1 << 16) | (1 << 17))
        sp = (self.read_reg(sp_reg) - size) & self.mask
        for a in {sp & ~(PAGE - 1), (sp + size - 1) & ~(PAGE - 1)}:
            self.map_page(a & self.mask)
        self.uc.mem_write(self.phys(sp), (image & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))
        self.written.update((sp + i) & self.mask for i in range(size))
        self.write_reg(sp_reg, sp)
        self.skip(ins)

    def _i_pushfq(self, ins) -> None:
        self._pushf(ins, 8)

    def _i_pushfd(self, ins) -> None:
        self._pushf(ins, 4)

    def _i_pushf(self, ins) -> None:
        self._pushf(ins, 2)

    def _i_clts(self, ins) -> None:
        self.crs["cr0"] &= ~0x8
        self.skip(ins)

    def _edx_eax(self) -> int:
        return ((self.read_reg("edx") & 0xFFFFFFFF) << 32) | (self.read_reg("eax") & 0xFFFFFFFF)

    def _set_edx_eax(self, v: int) -> None:
        big = "r" if self.arch.bits == 64 else "e"
        self.write_reg(big + "ax", v & 0xFFFFFFFF)
        self.write_reg(big + "dx", (v >> 32) & 0xFFFFFFFF)

    def _i_rdmsr(self, ins) -> None:
        idx = self.read_reg("ecx") & 0xFFFFFFFF
        if idx in (MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE) and self.arch.bits == 64:
            v = self.uc.msr_read(idx)
        else:
            v = self.msrs.get(idx, self.st.msr_default)
        self._set_edx_eax(v)
        self.skip(ins)

    def _i_wrmsr(self, ins) -> None:
        idx = self.read_reg("ecx") & 0xFFFFFFFF
        v = self._edx_eax()
        if idx in (MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE) and self.arch.bits == 64:
            self.uc.msr_write(idx, v)
        else:
            self.msrs[idx] = v
        self.trace.append(Event("wrmsr", (idx, v)))
        self.skip(ins)

    def _i_cpuid(self, ins) -> None:
        key = (self.read_reg("eax") & 0xFFFFFFFF, self.read_reg("ecx") & 0xFFFFFFFF)
        vals = self.st.cpuid.get(key, self.st.cpuid_default)
        big = "r" if self.arch.bits == 64 else "e"
        for r, v in zip(("ax", "bx", "cx", "dx"), vals, strict=True):
            self.write_reg(big + r, v & 0xFFFFFFFF)
        self.skip(ins)

    # -- fresh values (semantics/fresh.py): the run's stream, as the model read it
    def _fresh(self) -> int:
        k = self.fresh_reads
        self.fresh_reads += 1
        return self.st.fresh[k] if k < len(self.st.fresh) else self.st.fresh_default

    def _i_rdtsc(self, ins) -> None:
        self._set_edx_eax(self._fresh())
        self.skip(ins)

    def _i_rdtscp(self, ins) -> None:
        self._set_edx_eax(self._fresh())
        self.write_reg("rcx" if self.arch.bits == 64 else "ecx", self._msr(_MSR_TSC_AUX) & 0xFFFFFFFF)
        self.skip(ins)

    def _i_rdpid(self, ins) -> None:
        op = ins.operands[0]
        v = self._msr(_MSR_TSC_AUX) & ((1 << (8 * op.size)) - 1)
        self.write_reg(ins.reg_name(op.reg), v)  # a 32-bit destination only outside 64-bit mode
        self.skip(ins)

    def _i_rdrand(self, ins) -> None:
        op = ins.operands[0]
        ok = self._fresh() & 1
        value = self._fresh() & ((1 << (8 * op.size)) - 1)
        name = ins.reg_name(op.reg)
        if op.size == 4 and self.arch.bits == 64:
            name = "r" + name[1:]  # a 32-bit write clears bits 63:32
        self.write_reg(name, value if ok else 0)
        fl = self.read_reg("eflags") & ~(_CF | _PF | _AF | _ZF | _SF | _OF)
        self.write_reg("eflags", fl | (_CF if ok else 0))
        self.skip(ins)

    _i_rdseed = _i_rdrand

    def _i_hlt(self, ins) -> None:
        self.trace.append(Event("hlt", (self.if_flag(), self.window)))
        self.skip(ins)

    def _i_wbinvd(self, ins) -> None:
        self.trace.append(Event("wbinvd"))

    def _i_invpcid(self, ins) -> None:
        # SDM INVPCID, from the shadow CR4 (unicorn checks its own): #GP for type
        # > 3, descriptor bits 63:12, a non-canonical type-0 address, a PCID
        # without CR4.PCIDE; the event says what the type invalidates
        kind = self.read_reg(ins.reg_name(ins.operands[0].reg)) & self.mask
        m = ins.operands[1].mem
        addr = m.disp
        if m.base:
            addr += self.read_reg(ins.reg_name(m.base))
        if m.index:
            addr += self.read_reg(ins.reg_name(m.index)) * m.scale
        if m.segment and ins.reg_name(m.segment) in ("fs", "gs"):
            msr = MSR_FS_BASE if ins.reg_name(m.segment) == "fs" else MSR_GS_BASE
            addr += (self.uc.msr_read(msr) if self.arch.bits == 64
                     else self.msrs.get(msr, self.st.msr_default))
        addr &= self.mask
        for a in {addr & ~(PAGE - 1), (addr + 15) & ~(PAGE - 1)}:
            self.map_page(a & self.mask)
        desc = int.from_bytes(bytes(self.uc.mem_read(self.phys(addr), 16)), "little")
        low, high = desc & ((1 << 64) - 1), desc >> 64
        pcid = low & 0xFFF
        if kind > 3 or low >> 12 or (kind <= 1 and pcid and not self.crs["cr4"] & _CR4_PCIDE) \
                or (kind == 0 and self.arch.bits == 64 and not self._canonical(high)):
            self._gp()
            return
        lin = high & self.mask if kind == 0 else 0
        self.trace.append(Event("invpcid", (kind, pcid if kind <= 1 else 0, lin)))
        self.skip(ins)

    def _i_invd(self, ins) -> None:
        self.trace.append(Event("invd"))
        self.skip(ins)

    def _i_invlpg(self, ins) -> None:
        m = ins.operands[0].mem
        addr = m.disp
        if m.base:
            name = ins.reg_name(m.base)
            addr += (ins.address + ins.size) if name in ("rip", "eip") else self.read_reg(name)
        if m.index:
            addr += self.read_reg(ins.reg_name(m.index)) * m.scale
        if m.segment:
            seg = ins.reg_name(m.segment)
            if seg in ("fs", "gs"):
                msr = MSR_FS_BASE if seg == "fs" else MSR_GS_BASE
                addr += (self.uc.msr_read(msr) if self.arch.bits == 64
                         else self.msrs.get(msr, self.st.msr_default))
        self.trace.append(Event("invlpg", (addr & self.mask,)))

    def _msr(self, index: int) -> int:
        return self.msrs.get(index, self.st.msr_default)

    def _i_sysret(self, ins) -> None:
        # SDM SYSRET: #UD outside 64-bit mode or without EFER.SCE; #GP for a
        # non-canonical RCX (64-bit form); RIP := RCX / ECX, RFLAGS from R11.
        q = ins.mnemonic == "sysretq"
        if self.arch.bits != 64:  # Intel #UD, AMD returns: the model says unknown
            self.fault = "unsupported: sysret outside 64-bit mode is vendor-specific"
            self.uc.emu_stop()
            return
        if not self._msr(0xC0000080) & 1:
            self._ud()
            return
        rcx = self.read_reg("rcx")
        if q and not self._canonical(rcx):
            self._gp()
            return
        star = (self._msr(0xC0000081) >> 48) & 0xFFFF
        cs = ((star + (16 if q else 0)) | 3) & 0xFFFF
        ss = ((star + 8) | 3) & 0xFFFF
        kind = "sysretq" if q else "sysretl"
        self.trace.append(Event(kind, (self.window, cs, ss)))
        self.uc.reg_write(self.U.UC_X86_REG_EFLAGS, (self.read_reg("r11") & 0x3C7FD7) | 2)
        self.leave(f"left-kernel:{kind}", rcx if q else rcx & 0xFFFFFFFF)

    _i_sysretq = _i_sysret

    def _i_sysexit(self, ins) -> None:
        # SDM SYSEXIT: #GP if SYSENTER_CS[15:2] = 0 or (64-bit form) RCX/RDX
        # non-canonical; RSP := RCX, RIP := RDX (ECX/EDX for the 32-bit form).
        q = ins.mnemonic == "sysexitq"
        base = self._msr(0x174) & 0xFFFF
        big = "r" if self.arch.bits == 64 else "e"
        rcx, rdx = self.read_reg(big + "cx"), self.read_reg(big + "dx")
        if not base >> 2 or (q and not (self._canonical(rcx) and self._canonical(rdx))):
            self._gp()
            return
        if not q:
            rcx, rdx = rcx & 0xFFFFFFFF, rdx & 0xFFFFFFFF
        cs = ((base + (32 if q else 16)) | 3) & 0xFFFF
        ss = ((base + (40 if q else 24)) | 3) & 0xFFFF
        kind = "sysexitq" if q else "sysexitl"
        self.trace.append(Event(kind, (self.window, cs, ss)))
        self.write_reg(big + "sp", rcx)
        self.leave(f"left-kernel:{kind}", rdx)

    _i_sysexitq = _i_sysexit

    def __getattr__(self, name: str):
        kinds = {"_i_iret": "iretw", "_i_iretd": "iretl", "_i_iretq": "iretq"}
        if name in kinds:
            kind = kinds[name]

            def h(ins) -> None:
                self.trace.append(Event(kind))
                self.leave(f"left-kernel:{kind}", None)
            return h
        if name in ("_i_int3", "_i_ud2"):
            return lambda ins: self.leave(f"trap:{name[3:]}", None)
        raise AttributeError(name)

    def on_in(self, uc, port: int, size: int, user) -> int:
        k = self.ports
        self.ports += 1
        v = self.st.port_inputs[k] if k < len(self.st.port_inputs) else self.st.port_input_default
        self.trace.append(Event("in", (port & 0xFFFF, size)))
        return v & ((1 << (8 * size)) - 1)

    def on_out(self, uc, port: int, size: int, value: int, user) -> None:
        self.trace.append(Event("out", (port & 0xFFFF, size, value & ((1 << (8 * size)) - 1))))

    def on_invalid(self, uc, user) -> bool:
        # Stop here: letting unicorn deliver #UD through an empty IDT in long mode
        # costs seconds and gigabytes per run.
        self.fault = "fault:#UD"
        return False

    def on_intr(self, uc, intno: int, user) -> None:
        self.fault = "fault:#DE" if intno == 0 else f"fault: interrupt {intno}"
        uc.emu_stop()

    # -- run ----------------------------------------------------------------
    def go(self, entry: int, exit_pc: int, max_steps: int) -> Outcome:
        from unicorn import UcError

        self.exit_target = exit_pc
        self.steps = 0
        self.max_steps = max_steps
        self.setup()
        try:
            self.uc.emu_start(entry, 1 << 63 if self.arch.bits == 64 else 0xFFFFFFFF)
        except UcError as e:
            if self.fault is None:
                self.fault = f"fault: {e}"
        if self.fault is not None:
            self.stop, self.exit_pc = self.fault, None
        return Outcome(self.final_state(), self.exit_pc, self.trace, self.written, self.stop)

    def final_state(self) -> ConcreteState:
        st = self.st
        uc = self.uc
        out = ConcreteState(msr_default=st.msr_default, memory_default=st.memory_default,
                            port_inputs=list(st.port_inputs), cpuid=dict(st.cpuid))
        out.regs = {g: uc.reg_read(r) & self.mask for g, r in self.regmap.items()}
        out.flags = _flags(uc.reg_read(self.U.UC_X86_REG_EFLAGS))
        out.cr = {"cr0": self.crs["cr0"], "cr4": self.crs["cr4"],
                  "cr2": uc.reg_read(self.U.UC_X86_REG_CR2) & self.mask,
                  "cr3": uc.reg_read(self.U.UC_X86_REG_CR3) & self.mask}
        if self.arch.bits == 64:
            out.cr["cr8"] = self.crs["cr8"]
        else:
            out.cr["cr8"] = st.cr.get("cr8", 0)
        out.msrs = dict(self.msrs)
        out.xcr0 = self.xcr0
        out.dr = dict(self.drs)
        for reg, name in ((self.U.UC_X86_REG_GDTR, "gdtr"), (self.U.UC_X86_REG_IDTR, "idtr")):
            _, base, limit, _ = uc.reg_read(reg)
            out.tables[f"{name}_base"], out.tables[f"{name}_limit"] = base & self.mask, limit & 0xFFFF
        out.tables["tr"] = uc.reg_read(self.U.UC_X86_REG_TR)[0] & 0xFFFF
        out.tables["ldtr"] = uc.reg_read(self.U.UC_X86_REG_LDTR)[0] & 0xFFFF
        if self.arch.bits == 64:
            for m in (MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE):
                out.msrs[m] = uc.msr_read(m)
        out.memory = dict(st.memory)
        for a in self.written:
            out.memory[a] = uc.mem_read(self.phys(a), 1)[0]
        return out
