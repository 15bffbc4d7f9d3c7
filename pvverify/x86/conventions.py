"""Calling conventions: where arguments and returns live, and what a call may clobber.

This is the single place that knows the ABI. The equivalence proof itself needs
only the clobber set and the return projection (both paths run from the whole
machine state, so arguments are wherever the state has them); argument
placement serves counterexample reports and the gcc cross-checks in tests.
gcc is the authority for these rules (docs/domain.md 2); tests/test_abi_gcc.py
checks them against code it compiles.
"""

from __future__ import annotations

from dataclasses import dataclass

from pvverify.x86.arch import Arch
from pvverify.x86.ctype import CType

CONVENTIONS = ("regparm3", "sysv", "pv-callee-save")

_CLOBBERS = {
    ("i386", "regparm3"): ("eax", "ecx", "edx"),
    ("x86_64", "sysv"): ("rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"),
    # The callee-save thunks preserve everything but the return register(s):
    # x86_64 pushes rcx rdx rsi rdi r8-r11; i386 pushes only ecx.
    ("x86_64", "pv-callee-save"): ("rax",),
    ("i386", "pv-callee-save"): ("eax", "edx"),
}
_ARG_REGS = {"i386": ("eax", "edx", "ecx"), "x86_64": ("rdi", "rsi", "rdx", "rcx", "r8", "r9")}
_BASE = {"i386": "regparm3", "x86_64": "sysv"}


class ConventionError(ValueError):
    """A convention/arch/type combination the ABI does not define."""


@dataclass(frozen=True)
class Piece:
    """Bytes [value_offset, value_offset+size) of a value, held in a register or stack slot.

    `stack_offset` is relative to the stack pointer *at the site* (inline code);
    inside a called function add the return address size.
    """

    value_offset: int
    size: int
    reg: str | None = None
    stack_offset: int | None = None


@dataclass(frozen=True)
class ReturnSlot:
    """Which bytes of which register carry the returned value."""

    reg: str
    observed: frozenset[int]  # byte indices within the register


def base_convention(arch: Arch, convention: str) -> str:
    """The ordinary C convention that a pv-callee-save op uses for args and returns."""
    if convention == "pv-callee-save":
        return _BASE[arch.name]
    if (arch.name, convention) not in _CLOBBERS:
        raise ConventionError(f"convention {convention!r} is not defined for {arch.name}")
    return convention


def clobbers(
    arch: Arch, convention: str, explicit: tuple[str, ...] | None = None
) -> frozenset[str]:
    """Registers whose value after the site is unconstrained."""
    if explicit is not None:
        return frozenset(explicit)
    key = (arch.name, convention)
    if key not in _CLOBBERS:
        raise ConventionError(f"convention {convention!r} is not defined for {arch.name}")
    return frozenset(_CLOBBERS[key])


def returned_in_memory(arch: Arch, convention: str, ret: CType) -> bool:
    """Whether `ret` comes back through a hidden pointer instead of registers.

    Measured with gcc 12 (tests/test_abi_gcc.py): on i386 with
    -freg-struct-return a struct is returned in registers only when gcc gives it
    an integer machine mode, i.e. when its size is 1, 2, 4 or 8 bytes; a struct
    of 3, 5, 6, 7 or more bytes is written through a pointer the caller passes
    in eax (which shifts every argument by one register). sysv returns structs
    of up to 16 bytes in rax:rdx whatever their size. Scalars never go to memory.
    """
    conv = base_convention(arch, convention)
    if ret.kind != "struct":
        return False
    if conv == "regparm3":
        return ret.size not in (1, 2, 4, 8)
    return ret.size > 16


def return_slots(arch: Arch, convention: str, ret: CType) -> tuple[ReturnSlot, ...]:
    """Registers (and bytes of them) that carry a value of type `ret`.

    Only the bytes that hold the value are observed: a bool, u8 or u16 comes
    back in the low byte(s) of eax/rax and gcc leaves the rest of the register
    as whatever the computation left there (`u8 f(u32 a, u32 b) { return a + b; }`
    is `addl %edx, %eax; ret`); a struct's padding bytes are likewise garbage.
    Values wider than a register use eax:edx / rax:rdx, low bytes in eax/rax.
    A value returned through a hidden pointer (see `returned_in_memory`) is
    not modelled and raises ConventionError.
    """
    base_convention(arch, convention)
    if ret.kind == "void":
        return ()
    if returned_in_memory(arch, convention, ret) or ret.size > 2 * arch.width:
        raise ConventionError(
            f"{ret.name} ({ret.size} bytes) is returned in memory through a hidden pointer "
            f"on {arch.name}; pvverify does not model that")
    observed = ret.observed_bytes
    w = arch.width
    lo, hi = ("eax", "edx") if arch.bits == 32 else ("rax", "rdx")
    slots = [ReturnSlot(lo, frozenset(b for b in observed if b < w))]
    if ret.size > w:
        slots.append(ReturnSlot(hi, frozenset(b - w for b in observed if b >= w)))
    return tuple(slots)


def arg_pieces(
    arch: Arch, convention: str, args: tuple[CType, ...]
) -> tuple[tuple[Piece, ...], ...]:
    """Where each argument lives at the site, low bytes first.

    regparm3 (gcc -mregparm=3, measured with gcc 12): every argument, structs
    included, is cut into 4-byte words; it takes that many consecutive
    registers of eax edx ecx, low word first, when that many are free. When
    it does not fit it goes to the stack and no later argument is passed in a
    register (gcc then marks all three registers used), so `f(u32, u32, u64,
    u32)` has the u64 at 0/4(%esp) and the last u32 at 8(%esp) at the site, and
    a 16-byte struct in first position sends every argument to the stack. A
    u8/u16/3-byte value occupies the low bytes of its register or 4-byte stack
    slot; the other bytes are garbage the callee ignores.

    sysv: each INTEGER eightbyte takes the next of rdi rsi rdx rcx r8 r9; a
    9-16 byte struct needs two free registers or goes whole to the stack, and a
    later argument may still take a register that is left; larger structs go
    to the stack. Stack arguments take 8-byte slots.

    These positions assume a return value in registers: a hidden return
    pointer (`returned_in_memory`) would take the first register.
    """
    conv = base_convention(arch, convention)
    regs = list(_ARG_REGS[arch.name])
    slot = 4 if conv == "regparm3" else 8
    out: list[tuple[Piece, ...]] = []
    stack = 0
    regs_closed = False

    def on_stack(a: CType) -> tuple[Piece, ...]:
        nonlocal stack
        size = max(a.size, 1)
        pieces = []
        for off in range(0, size, slot):
            pieces.append(Piece(off, min(slot, size - off), stack_offset=stack + off))
        stack += (size + slot - 1) // slot * slot
        return tuple(pieces)

    for a in args:
        if a.kind == "void":
            raise ConventionError("an argument cannot be void")
        words = (a.size + slot - 1) // slot
        in_regs = not regs_closed and len(regs) >= words
        if conv == "sysv" and a.size > 16:
            in_regs = False
        if in_regs:
            pieces = []
            for i in range(words):
                pieces.append(Piece(i * slot, min(slot, a.size - i * slot), reg=regs.pop(0)))
            out.append(tuple(pieces))
        else:
            if conv == "regparm3":
                regs_closed = True
            out.append(on_stack(a))
    return tuple(out)
