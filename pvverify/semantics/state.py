"""The symbolic machine state one path carries, and the shared inputs both paths start from.

The register file is P-code's register space (so lifted code reads and writes
it directly), grouped into *containers*: the widest registers, each holding
its sub-registers (RAX holds EAX, AX, AL, AH). System state the lifter does
not model well lives here too, owned by pvverify's semantics: the flags are
P-code's one-byte flag registers holding 0/1, CRn are P-code's CR registers,
the FS/GS bases are P-code's FS_OFFSET/GS_OFFSET (what `%fs:`/`%gs:`
addressing uses), and the swapped GS base, the MSR file and memory are ours.

Every input is a named z3 constant, so two paths built from one `Inputs`
share the same input state by construction.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cache

import z3

from pvverify.semantics.separation import DEAD_STACK, mentions
from pvverify.semantics.sleigh import context
from pvverify.x86.arch import FLAG_WIDTH, Arch

FLAG_REGS = tuple(n.upper() for n in FLAG_WIDTH)  # CF PF ... ID, P-code's names


class Unmodelled(Exception):
    """The path reached something pvverify has no exact semantics for."""


@dataclass(frozen=True)
class Container:
    offset: int
    size: int
    name: str


class RegisterLayout:
    """Maps P-code register varnodes to the container that holds them."""

    def __init__(self, registers: dict) -> None:
        spans = sorted(
            ((v.offset, v.size, k) for k, v in registers.items()), key=lambda t: (t[0], -t[1], t[2])
        )
        containers: list[Container] = []
        for off, size, name in spans:
            if containers and off + size <= containers[-1].offset + containers[-1].size:
                continue  # inside the previous (wider or equal) register
            containers.append(Container(off, size, name))
        self.containers = containers
        self._starts = [c.offset for c in containers]
        self.by_name: dict[str, tuple[int, int]] = {k: (v.offset, v.size) for k, v in registers.items()}

    def locate(self, offset: int, size: int) -> Container:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            raise Unmodelled(f"register varnode {offset:#x}:{size} outside the register file")
        c = self.containers[i]
        if offset + size > c.offset + c.size:
            raise Unmodelled(f"register varnode {offset:#x}:{size} spans two registers")
        return c


@cache
def layout_for(arch: Arch) -> RegisterLayout:
    return RegisterLayout(context(arch).registers)


class Inputs:
    """The one symbolic input state both paths of an obligation start from."""

    def __init__(self, arch: Arch) -> None:
        self.arch = arch
        self.layout = layout_for(arch)
        bits = arch.bits
        self.mem = z3.Array("mem", z3.BitVecSort(bits), z3.BitVecSort(8))
        self.msr = z3.Array("msr", z3.BitVecSort(32), z3.BitVecSort(64))
        self.kernel_gs_base = z3.BitVec("KERNEL_GS_BASE", bits)
        self.xcr0 = z3.BitVec("XCR0", 64)  # XCR0, read by xgetbv, written by xsetbv
        self.cpuid = tuple(
            z3.Function(f"cpuid_{r}", z3.BitVecSort(32), z3.BitVecSort(32), z3.BitVecSort(32))
            for r in ("eax", "ebx", "ecx", "edx")
        )
        self.sp0 = z3.BitVec(arch.sp.upper(), bits)
        self._sp_memo: dict[int, tuple[z3.BitVecRef, bool]] = {}
        self._dead_memo: dict[int, tuple[z3.BitVecRef, bool]] = {}
        self._alias_memo: dict[tuple[int, int], tuple[z3.BitVecRef, z3.BitVecRef, bool | None]] = {}

    def container(self, c: Container) -> z3.BitVecRef:
        if c.name in FLAG_REGS:
            w = FLAG_WIDTH[c.name.lower()]
            return z3.ZeroExt(8 * c.size - w, z3.BitVec(c.name, w))
        return z3.BitVec(c.name, 8 * c.size)

    def apart(self, a: z3.BitVecRef, b: z3.BitVecRef) -> bool:
        """True when the separation assumption alone keeps a and b apart: one is a
        fixed offset into the dead stack below the entry stack pointer, the other
        does not derive from the stack pointer at all.

        Every access is constrained by that assumption in every query that decides
        a verdict (observe.separation), so dropping the alias case here changes no
        verdict; it keeps the if-then-else chains of a return address read after
        stores through argument pointers from reaching the solver at all (on
        native_cpuid, four pointer stores made that read take tens of seconds)."""
        return (self._in_dead_stack(a) and not self._from_sp(b)) or (
            self._in_dead_stack(b) and not self._from_sp(a))

    def may_alias(self, a: z3.BitVecRef, b: z3.BitVecRef) -> bool | None:
        """_may_alias, remembered: reads over the same writes repeat across the
        path pairs the proof compares, and each answer costs a simplify."""
        key = (a.get_id(), b.get_id())
        hit = self._alias_memo.get(key)
        if hit is None:
            hit = self._alias_memo[key] = (a, b, _may_alias(a, b))  # refs keep ids valid
        return hit[2]

    def _in_dead_stack(self, a: z3.BitVecRef) -> bool:
        key = a.get_id()
        hit = self._dead_memo.get(key)
        if hit is None:
            d = z3.simplify(self.sp0 - a)
            hit = self._dead_memo[key] = (a, z3.is_bv_value(d) and 1 <= d.as_long() <= DEAD_STACK)
        return hit[1]

    def _from_sp(self, a: z3.BitVecRef) -> bool:
        key = a.get_id()
        hit = self._sp_memo.get(key)
        if hit is None:
            hit = mentions(a, self.sp0.decl().name())
            self._sp_memo[key] = (a, hit)  # keep `a` alive: z3 ids are reused after GC
            return hit
        return hit[1]

    def port_input(self, k: int) -> z3.BitVecRef:
        """The value the k-th `in` of a path reads: the same stream for both paths."""
        return z3.BitVec(f"port_in_{k}", 32)


def to_width(v: z3.BitVecRef, bits: int) -> z3.BitVecRef:
    """v truncated or zero-extended to `bits`: addresses are always the mode's width."""
    if v.size() == bits:
        return v
    if v.size() > bits:
        return z3.Extract(bits - 1, 0, v)
    return z3.ZeroExt(bits - v.size(), v)


def _may_alias(a: z3.BitVecRef, b: z3.BitVecRef) -> bool | None:
    """True if a == b always, False if never, None if it depends on the inputs."""
    if a.eq(b):
        return True
    if z3.is_bv_value(a) and z3.is_bv_value(b):
        return a.as_long() == b.as_long()
    d = z3.simplify(a - b)
    if z3.is_bv_value(d):
        return d.as_long() == 0
    return None


@dataclass
class SymEvent:
    """A side effect in the ordered trace (see machine.Event for the kinds)."""

    kind: str
    args: tuple[z3.BitVecRef, ...] = ()
    text: str = ""  # the instruction, for reports


@dataclass
class PathState:
    """One execution path: machine state plus what was observed along it."""

    inputs: Inputs
    pc: int
    mem: z3.ArrayRef
    msr: z3.ArrayRef
    kernel_gs_base: z3.BitVecRef
    xcr0: z3.BitVecRef
    regs: dict[int, z3.BitVecRef] = field(default_factory=dict)
    mem_writes: list[tuple[z3.BitVecRef, z3.BitVecRef]] = field(default_factory=list)
    written: list[tuple[z3.BitVecRef, int]] = field(default_factory=list)
    accessed: list[tuple[z3.BitVecRef, int]] = field(default_factory=list)
    trace: list[SymEvent] = field(default_factory=list)
    cond: list[z3.BoolRef] = field(default_factory=list)
    window: z3.BoolRef | None = None     # could an interrupt have been taken (docs/domain.md 3)
    port_reads: int = 0
    queries: list[tuple[str, tuple[z3.BitVecRef, ...]]] = field(default_factory=list)  # msr/cpuid reads
    steps: int = 0
    listing: list[str] = field(default_factory=list)
    end: str | None = None               # None while running; see lift.run_paths
    exit_pc: z3.BitVecRef | None = None
    stuck: str | None = None             # reason, when the path hit something unmodelled
    seen: dict = field(default_factory=dict, repr=False)  # pc -> state snapshot (lift._repeats)
    # read_byte results, keyed by address, `separate` and the number of writes
    # so far (a finished path is read once per path pair it is compared in)
    _reads: dict = field(default_factory=dict, repr=False)

    def fork(self) -> PathState:
        return PathState(
            inputs=self.inputs, pc=self.pc, mem=self.mem, msr=self.msr,
            kernel_gs_base=self.kernel_gs_base, xcr0=self.xcr0, regs=dict(self.regs),
            mem_writes=list(self.mem_writes), written=list(self.written),
            accessed=list(self.accessed), trace=list(self.trace), cond=list(self.cond),
            window=self.window, port_reads=self.port_reads, queries=list(self.queries),
            steps=self.steps,
            listing=list(self.listing), end=self.end, exit_pc=self.exit_pc, stuck=self.stuck,
            seen=dict(self.seen),
        )

    # -- registers --------------------------------------------------------
    def read_varnode(self, offset: int, size: int) -> z3.BitVecRef:
        c = self.inputs.layout.locate(offset, size)
        full = self.regs.get(c.offset)
        if full is None:
            full = self.inputs.container(c)
        if size == c.size:
            return full
        lo = 8 * (offset - c.offset)
        return z3.Extract(lo + 8 * size - 1, lo, full)

    def write_varnode(self, offset: int, size: int, value: z3.BitVecRef) -> None:
        c = self.inputs.layout.locate(offset, size)
        if size == c.size:
            self.regs[c.offset] = value
            return
        full = self.regs.get(c.offset)
        if full is None:
            full = self.inputs.container(c)
        lo = 8 * (offset - c.offset)
        hi = lo + 8 * size
        parts = []
        if hi < 8 * c.size:
            parts.append(z3.Extract(8 * c.size - 1, hi, full))
        parts.append(value)
        if lo > 0:
            parts.append(z3.Extract(lo - 1, 0, full))
        self.regs[c.offset] = z3.Concat(*parts) if len(parts) > 1 else parts[0]

    def reg(self, name: str) -> z3.BitVecRef:
        off, size = self.inputs.layout.by_name[name.upper()]
        return self.read_varnode(off, size)

    def set_reg(self, name: str, value: z3.BitVecRef) -> None:
        off, size = self.inputs.layout.by_name[name.upper()]
        self.write_varnode(off, size, value)

    def flag(self, name: str) -> z3.BitVecRef:
        """A flag as a bit-vector of its own width (1, or 2 for IOPL)."""
        return z3.Extract(FLAG_WIDTH[name.lower()] - 1, 0, self.reg(name))

    def set_flag(self, name: str, value: z3.BitVecRef | int) -> None:
        w = FLAG_WIDTH[name.lower()]
        v = z3.BitVecVal(value, w) if isinstance(value, int) else value
        self.set_reg(name, z3.ZeroExt(8 - w, v))

    # -- memory -----------------------------------------------------------
    # Memory is the shared initial array plus this path's byte writes, oldest
    # first. A read is an if-then-else over the writes that may alias it,
    # ending in a read of the initial array: formulas stay bit-vector logic
    # with one array term both paths share, which the solver decides fast.
    def read_byte(self, addr: z3.BitVecRef, separate: bool = True) -> z3.BitVecRef:
        """The byte at addr. `separate`: addr is an access of some path, so the
        separation assumption covers it (observe.separation); an evaluator
        reading arbitrary concrete addresses passes False."""
        key = (addr.get_id(), separate, len(self.mem_writes))
        hit = self._reads.get(key)
        if hit is not None and hit[0].eq(addr):
            return hit[1]
        value = z3.Select(self.mem, addr)
        for waddr, wval in self.mem_writes:
            alias = self.inputs.may_alias(addr, waddr)
            if alias is None and separate and self.inputs.apart(addr, waddr):
                alias = False
            if alias is True:
                value = wval
            elif alias is None:
                value = z3.If(addr == waddr, wval, value)
        self._reads[key] = (addr, value)
        return value

    def load(self, addr: z3.BitVecRef, size: int) -> z3.BitVecRef:
        self.accessed.append((addr, size))
        parts = [self.read_byte(addr + i if i else addr) for i in reversed(range(size))]
        return z3.Concat(*parts) if size > 1 else parts[0]

    def store(self, addr: z3.BitVecRef, size: int, value: z3.BitVecRef) -> None:
        self.accessed.append((addr, size))
        self.written.append((addr, size))
        for i in range(size):
            self.mem_writes.append((addr + i if i else addr, z3.Extract(8 * i + 7, 8 * i, value)))

    def push(self, value: z3.BitVecRef) -> None:
        arch = self.inputs.arch
        size = value.size() // 8
        sp = self.reg(arch.sp) - size
        self.set_reg(arch.sp, sp)
        self.store(sp, size, value)

    def pop(self, size: int) -> z3.BitVecRef:
        arch = self.inputs.arch
        sp = self.reg(arch.sp)
        value = self.load(sp, size)
        self.set_reg(arch.sp, sp + size)
        return value

    def event(self, kind: str, *args: z3.BitVecRef, text: str = "") -> None:
        self.trace.append(SymEvent(kind, tuple(args), text))
