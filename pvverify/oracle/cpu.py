"""One replay on unicorn: the machine set up from a ConcreteState, the hooks that
record what the model compares (writes, ports, the interrupt window), the run
and the final state."""

from __future__ import annotations

from collections.abc import Sequence
from types import MethodType

from pvverify.oracle.constants import GDT_32, PAGE, PHYS52, TCG_BUFFER
from pvverify.oracle.system import EMULATED, SystemInstructions
from pvverify.x86.arch import FLAG_BITS, FLAG_WIDTH, Arch
from pvverify.x86.bits import MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE
from pvverify.x86.decode import decoder
from pvverify.x86.machine import DEBUG_REGS, ConcreteState, Event, Outcome


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


class _Run(SystemInstructions):
    """One replay: unicorn set up from a ConcreteState, hooks that record what the
    model compares, and the emulated instructions of `system`."""

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
        return a & PHYS52 if self.arch.bits == 64 else a & self.mask

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
        self.map_page(GDT_32)
        uc.mem_write(self.phys(GDT_32), gdt)
        uc.reg_write(U.UC_X86_REG_GDTR, (0, GDT_32, len(gdt) - 1, 0))
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
        # the interrupt window at this boundary (docs/domain.md 3)
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
        emulated = EMULATED.get(mn.replace(" ", "_"))
        handler = None if emulated is None else MethodType(emulated, self)
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
