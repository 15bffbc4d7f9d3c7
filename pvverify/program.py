"""From an obligation to the two programs to compare: code at addresses, an entry and an exit.

Both programs map the same code (the target's body, the return-thunk stub,
any extra regions) except the `length` bytes of the site itself: the
original holds the indirect call padded with NOPs, the replacement holds the
replacement padded with NOPs. The ops-table slot is preset in the initial
memory both paths share, so the original's `call *slot` reaches the target
through memory exactly as the kernel's does.
"""

from __future__ import annotations

from dataclasses import dataclass

from pvverify.obligation import CodeSpec, Obligation, ObligationError, parse_hex
from pvverify.x86.arch import Arch
from pvverify.x86.assemble import AssemblyError, assemble

NOP = 0x90
RETURN_THUNK = bytes([0xC3, 0xCC])  # Linux's __x86_return_thunk: ret; int3


@dataclass(frozen=True)
class Region:
    address: int
    data: bytes
    name: str

    def contains(self, addr: int) -> bool:
        return self.address <= addr < self.address + len(self.data)


_REG_NUM = {n: i for i, n in enumerate(("ax", "cx", "dx", "bx", "sp", "bp", "si", "di"))}


def jmp_reg(reg: str) -> bytes:
    """`jmp *%reg` (FF /4, register form)."""
    if reg[1:].isdigit():  # r8..r15
        return bytes([0x41, 0xFF, 0xE0 + int(reg[1:]) - 8])
    return bytes([0xFF, 0xE0 + _REG_NUM[reg[1:]]])


@dataclass(frozen=True)
class Program:
    """One path's code: execution starts at `entry` and should leave at `exit`."""

    arch: Arch
    entry: int
    exit: int
    regions: tuple[Region, ...]
    return_thunks: frozenset[int] = frozenset()
    indirect_thunks: tuple[tuple[int, str], ...] = ()  # retpolines: (address, register)
    unloaded: tuple[tuple[int, int], ...] = ()  # code that exists but was not loaded
    canary: tuple[str, int] | None = None  # the stack protector's canary (segment, offset)

    def region_of(self, addr: int) -> Region | None:
        for r in self.regions:
            if r.contains(addr):
                return r
        return None

    def fetch(self, addr: int, n: int) -> bytes:
        r = self.region_of(addr)
        if r is None:
            return b""
        off = addr - r.address
        return r.data[off:off + n]


@dataclass(frozen=True)
class SitePair:
    """The two programs of an obligation, plus what reports need to show."""

    arch: Arch
    site: int
    length: int
    original: Program
    replacement: Program
    call_bytes: bytes          # the original site, unpadded
    replacement_bytes: bytes   # the replacement, unpadded
    slot: int
    target: int
    preset: tuple[tuple[int, bytes], ...]  # initial memory both paths share (the slot)


def _thunk_symbols(arch: Arch) -> tuple[tuple[str, int], ...]:
    return (("__x86_return_thunk", arch.thunk_address),)


def _code(spec: CodeSpec, arch: Arch, address: int, where: str) -> tuple[int, bytes]:
    """Bytes of a code spec and the address they run from (ELF symbols keep theirs)."""
    if spec.hex is not None:
        return address, parse_hex(spec.hex, where)
    if spec.asm is not None:
        try:
            return address, assemble(arch, spec.asm, address, _thunk_symbols(arch))
        except AssemblyError as e:
            raise ObligationError(f"{where}: {e}") from None
    view = _booted(spec, arch, where)
    return view.address, view.code


def _booted(spec: CodeSpec, arch: Arch, where: str):
    """An `{ elf, symbol }` target as the booted kernel runs it (kernel/closure.py):
    `__fentry__` NOPed, callees and `.altinstr_aux` fragments loaded, the
    return thunk a return, retpolines indirect jumps, nested pv calls through
    their slots' initial targets."""
    from pvverify.kernel.closure import booted_function
    from pvverify.kernel.elf import ElfError

    try:
        return booted_function(str(spec.elf), spec.symbol, arch.bits)
    except ElfError as e:
        raise ObligationError(f"{where}: {e}") from None


def default_call(arch: Arch, site: int, slot: int) -> bytes:
    """`call *slot(%rip)` (x86_64) or `call *slot` (i386): ff 15 + disp32."""
    if arch.bits == 64:
        rel = slot - (site + 6)
        if not -(1 << 31) <= rel < (1 << 31):
            raise ObligationError(f"slot {slot:#x} is out of rip-relative reach of site {site:#x}")
        return bytes([0xFF, 0x15]) + (rel & 0xFFFFFFFF).to_bytes(4, "little")
    return bytes([0xFF, 0x15]) + slot.to_bytes(4, "little")


def build(ob: Obligation) -> SitePair:
    """Lay out both programs; raises ObligationError on input that cannot be built."""
    arch = ob.arch
    src = ob.source or ob.name
    site = ob.address if ob.address is not None else arch.site_address
    slot = ob.slot if ob.slot is not None else arch.slot_address
    taddr = ob.target_address if ob.target_address is not None else arch.target_address
    target, tbytes = _code(ob.target, arch, taddr, f"{src}: field 'original.target'")
    if not tbytes:
        raise ObligationError(f"{src}: field 'original.target': the target has no code")
    if ob.call is not None:
        call = parse_hex(ob.call.hex or "", f"{src}: field 'original.call'")
    else:
        if ob.site_length < 6:
            raise ObligationError(
                f"{src}: field 'site_length': {ob.site_length} bytes cannot hold the 6-byte "
                "indirect call; give [original] call = {{ hex = ... }}")
        call = default_call(arch, site, slot)
    if len(call) > ob.site_length:
        raise ObligationError(f"{src}: field 'original.call': {len(call)} bytes exceed site_length")
    _, rbytes = _code(ob.replacement, arch, site, f"{src}: field 'replacement'")

    view = _booted(ob.target, arch, f"{src}: field 'original.target'") if ob.target.elf else None
    regions = tuple(ob.regions) + (view.regions if view else ())
    ind = tuple(ob.indirect_thunks) + (view.retpolines if view else ())
    thunk = Region(arch.thunk_address, RETURN_THUNK, "__x86_return_thunk")
    shared = [Region(target, tbytes, "target"), thunk]
    shared += [Region(a, b, f"region@{a:#x}") for a, b in regions]
    # what a retpoline thunk does, as code the concrete CPU can run too
    shared += [Region(a, jmp_reg(reg), f"__x86_indirect_thunk_{reg}") for a, reg in ind]
    pad = ob.site_length
    orig_site = Region(site, call + bytes([NOP]) * (pad - len(call)), "site")
    repl_site = Region(site, rbytes + bytes([NOP]) * max(0, pad - len(rbytes)), "site")
    for r in shared:
        if r.address < site + pad and site < r.address + len(r.data):
            raise ObligationError(f"{src}: code region {r.name} at {r.address:#x} overlaps the site")
    thunks = frozenset(ob.return_thunks) | frozenset(view.return_thunks if view else ())
    exit_pc = (site + pad) & arch.mask
    un = tuple(ob.unloaded) + (view.unloaded if view else ())
    canary = ob.canary or (view.canary if view else None)
    original = Program(arch, site, exit_pc, (orig_site, *shared), thunks, ind, un, canary)
    replacement = Program(arch, site, exit_pc, (repl_site, *shared), thunks, ind, un, canary)
    preset = ((slot, target.to_bytes(arch.width, "little")),
              *((a, b) for a, b in ob.slots + (view.slots if view else ()) if a != slot))
    return SitePair(arch, site, pad, original, replacement, call, rbytes, slot, target, preset)
