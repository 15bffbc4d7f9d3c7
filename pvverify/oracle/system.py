"""The instructions the oracle emulates from the SDM rather than leaving to
unicorn (the list, and why each, is the package docstring): CR0/CR4/CR8 and
debug-register moves in shadows, CR3 with the no-flush bit, rd/wr fs/gs base and
xgetbv/xsetbv gated by CR4, rdmsr/wrmsr of MSRs unicorn does not know, cpuid from
the state, the fresh-value reads (rdtsc, rdrand...), clts, pushf, hlt, cache and
TLB events, sysret/sysexit landings, and the exits (iret, int3, ud2) recorded
before they would leave ring 0.

`EMULATED` maps each mnemonic to its handler; `cpu._Run` consults it for every
instruction it executes."""

from __future__ import annotations

from collections.abc import Callable

from pvverify.oracle.constants import (
    AF,
    CF,
    CR0_CD,
    CR0_NW,
    CR0_PG,
    CR0_WP,
    CR4_CET,
    CR4_FSGSBASE,
    CR4_LA57,
    CR4_OSXSAVE,
    CR4_PAE,
    CR4_PCIDE,
    MSR_TSC_AUX,
    OF,
    PAGE,
    PF,
    SF,
    TLB_BITS,
    ZF,
)
from pvverify.x86.bits import MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE
from pvverify.x86.machine import Event


class SystemInstructions:
    """Mixin of `cpu._Run`: the handlers, each taking the capstone instruction."""

    def _gp(self) -> None:
        self.fault = "fault:#GP"
        self.uc.emu_stop()

    def _ud(self) -> None:
        self.fault = "fault:#UD"
        self.uc.emu_stop()

    def _canonical(self, v: int) -> bool:
        top = 56 if self.crs["cr4"] & CR4_LA57 else 47
        hi = v >> top
        return hi == 0 or hi == (1 << (64 - top)) - 1

    def _cr_fault(self, dst: str, v: int) -> bool:
        """SDM MOV CR exceptions fixed on every processor (as control.write_fault)."""
        long = self.arch.bits == 64
        cr0, cr4, old = self.crs["cr0"], self.crs["cr4"], self.crs.get(dst, 0)
        if dst == "cr0":
            return bool((long and (v >> 32 or not v & CR0_PG)) or (v & CR0_PG and not v & 1)
                        or (v & CR0_NW and not v & CR0_CD) or (not v & CR0_WP and cr4 & CR4_CET))
        if dst == "cr4":
            cr3 = self.read_reg("cr3")
            return bool((long and (not v & CR4_PAE or (v ^ old) & CR4_LA57))
                        or (not long and v & CR4_PCIDE)
                        or (v & CR4_PCIDE and not old & CR4_PCIDE and cr3 & 0xFFF)
                        or (v & CR4_CET and not cr0 & CR0_WP))
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
            tlb = TLB_BITS.get(dst, 0)
            if (self.crs[dst] ^ v) & tlb:
                self.trace.append(Event(f"tlb:{dst}", (self.crs[dst] & tlb, v & tlb)))
            self.crs[dst] = v
        else:
            self.write_reg(dst, self.crs[src])
        self.skip(ins)

    def _mov_cr3(self, ins) -> None:
        # SDM MOV CR, 4.10.4.1: under CR4.PCIDE bit 63 asks for no flush and is not stored
        v = self.read_reg(ins.reg_name(ins.operands[1].reg)) & self.mask
        pcide = int(bool(self.crs["cr4"] & CR4_PCIDE))
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
        if self.arch.bits != 64 or not self.crs["cr4"] & CR4_FSGSBASE:
            self._ud()
            return
        op = ins.operands[0]
        if ins.mnemonic.startswith("wr") and op.size == 8 \
                and not self._canonical(self.read_reg(ins.reg_name(op.reg))):
            self._gp()

    def _xcr_gate(self) -> bool:
        if not self.crs["cr4"] & CR4_OSXSAVE:
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
        self.write_reg("rcx" if self.arch.bits == 64 else "ecx", self._msr(MSR_TSC_AUX) & 0xFFFFFFFF)
        self.skip(ins)

    def _i_rdpid(self, ins) -> None:
        op = ins.operands[0]
        v = self._msr(MSR_TSC_AUX) & ((1 << (8 * op.size)) - 1)
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
        fl = self.read_reg("eflags") & ~(CF | PF | AF | ZF | SF | OF)
        self.write_reg("eflags", fl | (CF if ok else 0))
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
        if kind > 3 or low >> 12 or (kind <= 1 and pcid and not self.crs["cr4"] & CR4_PCIDE) \
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

    def _i_iret(self, ins) -> None:
        self._leave_kernel("iretw")

    def _i_iretd(self, ins) -> None:
        self._leave_kernel("iretl")

    def _i_iretq(self, ins) -> None:
        self._leave_kernel("iretq")

    def _leave_kernel(self, kind: str) -> None:
        self.trace.append(Event(kind))
        self.leave(f"left-kernel:{kind}", None)

    def _i_int3(self, ins) -> None:
        self.leave("trap:int3", None)

    def _i_ud2(self, ins) -> None:
        self.leave("trap:ud2", None)


# mnemonic -> the handler that emulates it (every other instruction is unicorn's own)
EMULATED: dict[str, Callable[[SystemInstructions, object], None]] = {
    "clts": SystemInstructions._i_clts,
    "cpuid": SystemInstructions._i_cpuid,
    "hlt": SystemInstructions._i_hlt,
    "int3": SystemInstructions._i_int3,
    "invd": SystemInstructions._i_invd,
    "invlpg": SystemInstructions._i_invlpg,
    "invpcid": SystemInstructions._i_invpcid,
    "iret": SystemInstructions._i_iret,
    "iretd": SystemInstructions._i_iretd,
    "iretq": SystemInstructions._i_iretq,
    "pushf": SystemInstructions._i_pushf,
    "pushfd": SystemInstructions._i_pushfd,
    "pushfq": SystemInstructions._i_pushfq,
    "rdmsr": SystemInstructions._i_rdmsr,
    "rdpid": SystemInstructions._i_rdpid,
    "rdrand": SystemInstructions._i_rdrand,
    "rdseed": SystemInstructions._i_rdseed,
    "rdtsc": SystemInstructions._i_rdtsc,
    "rdtscp": SystemInstructions._i_rdtscp,
    "sysexit": SystemInstructions._i_sysexit,
    "sysexitq": SystemInstructions._i_sysexitq,
    "sysret": SystemInstructions._i_sysret,
    "sysretq": SystemInstructions._i_sysretq,
    "ud2": SystemInstructions._i_ud2,
    "wbinvd": SystemInstructions._i_wbinvd,
    "wrmsr": SystemInstructions._i_wrmsr,
    "xgetbv": SystemInstructions._i_xgetbv,
    "xsetbv": SystemInstructions._i_xsetbv,
}
