"""Hypothesis strategies for C signatures and concrete argument values.

Both the ABI cross-check against gcc (tests/test_abi_gcc.py) and the
equivalence fuzzing need the same thing: random but well-formed paravirt op
signatures in the obligation schema's own type words (so whatever is drawn
can be written into an obligation verbatim), and concrete values to place in
the registers and stack slots `conventions.arg_pieces` names. Keeping the
strategies here, next to the model, means the fuzzers draw exactly the types
the loader accepts.

hypothesis is a test dependency: this is the only module in the package that
imports it, and nothing else in the package imports this module.

Values are plain ints holding the value's bytes little-endian (`size` bytes,
struct padding included), because a `Piece` names a byte range of the value
and `piece_value` then cuts it out without knowing the type.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from pvverify.x86.arch import ARCHES, Arch
from pvverify.x86.conventions import Piece, returned_in_memory
from pvverify.x86.ctype import CType, parse_ctype

# Scalars an argument may have. bool arguments are left out: C lets a callee
# assume a _Bool holds 0 or 1, so a random byte is not a legal bool argument.
ARG_SCALARS = ("u8", "u16", "u32", "u64", "ptr")
RETURN_SCALARS = ("void", "bool", "u8", "u16", "u32", "u64", "ptr")
# Struct members, narrow ones repeated so that they are drawn more often.
STRUCT_MEMBERS = ("u8", "u8", "u8", "u16", "u16", "u32", "u64", "ptr")
# The ordinary convention of each arch (pv-callee-save shares its placement).
CONVENTION_OF = {"i386": "regparm3", "x86_64": "sysv"}


@dataclass(frozen=True)
class Signature:
    """A C prototype reduced to what the calling convention sees."""

    arch: Arch
    convention: str
    args: tuple[CType, ...]
    ret: CType

    def __repr__(self) -> str:
        """Short, so hypothesis's falsifying examples stay readable."""
        return f"<{self}>"

    def __str__(self) -> str:
        """Readable in hypothesis's falsifying examples: `u32 f(u8, struct:u16,u8)`."""
        return f"{self.ret.name} f({', '.join(a.name for a in self.args)}) [{self.arch.name}]"


def struct_words(arch: Arch, max_size: int = 16, max_members: int = 8) -> st.SearchStrategy[str]:
    """`struct:T,T,...` words of 1..max_members scalar members, at most max_size bytes.

    Sizes come out of `parse_ctype`, so the arch's layout rules (u64 aligned
    to 4 inside i386 structs) decide the layout. Narrow members are drawn more
    often and the member list is cut to the longest prefix that fits a drawn
    size budget (a single member always stays), so sizes spread evenly; byte
    runs of any length are drawn on their own because they are the only way
    to odd sizes (3, 5, 7 bytes: among the ones i386 returns in memory).
    """
    if max_size < 8:
        raise ValueError("max_size must allow one u64 member")
    member = st.sampled_from(STRUCT_MEMBERS)

    def fit(budget_and_members: tuple[int, list[str]]) -> str:
        budget, ms = budget_and_members
        while len(ms) > 1 and parse_ctype("struct:" + ",".join(ms), arch.width).size > budget:
            ms = ms[:-1]
        return "struct:" + ",".join(ms)

    budget = st.integers(1, max_size)
    mixed = st.tuples(budget, st.lists(member, min_size=1, max_size=max_members)).map(fit)
    # Only all-byte structs have odd sizes; draw them directly, any length.
    byte_runs = st.integers(1, max_size).map(lambda n: "struct:" + ",".join(["u8"] * n))
    return st.one_of(mixed, byte_runs)


def arg_types(arch: Arch, max_struct: int = 16) -> st.SearchStrategy[CType]:
    """An argument type: a scalar, a pointer or a small struct."""
    scalars = st.sampled_from(ARG_SCALARS)
    words = st.one_of(scalars, struct_words(arch, max_struct))
    return words.map(lambda w: parse_ctype(w, arch.width))


def return_types(
    arch: Arch, max_struct: int = 8, registers_only: bool = True
) -> st.SearchStrategy[CType]:
    """A return type: void, bool, u8..u64, ptr or a struct of at most max_struct bytes.

    With registers_only (the default) structs gcc returns through a hidden
    pointer (i386: sizes other than 1, 2, 4, 8) are left out, since the
    convention model cannot place them; the gcc test draws them too, to check
    that the model refuses exactly those.
    """
    words = st.one_of(st.sampled_from(RETURN_SCALARS), struct_words(arch, max_struct))
    types = words.map(lambda w: parse_ctype(w, arch.width))
    if registers_only:
        conv = CONVENTION_OF[arch.name]
        types = types.filter(lambda t: not returned_in_memory(arch, conv, t))
    return types


def signatures(
    arch: Arch | str,
    max_args: int = 6,
    max_arg_struct: int = 16,
    max_ret_struct: int = 8,
    registers_only: bool = True,
) -> st.SearchStrategy[Signature]:
    """Signatures of 0..max_args arguments under the arch's ordinary convention."""
    a = ARCHES[arch] if isinstance(arch, str) else arch
    return st.builds(
        Signature,
        st.just(a),
        st.just(CONVENTION_OF[a.name]),
        st.lists(arg_types(a, max_arg_struct), max_size=max_args).map(tuple),
        return_types(a, max_ret_struct, registers_only),
    )


def values(t: CType) -> st.SearchStrategy[int]:
    """Concrete values of type `t`, as the int of its `t.size` bytes, little-endian.

    Struct padding bytes are drawn like any other byte: the callee must not
    depend on them, so they are garbage on purpose. Boundary values (0, all
    ones, only the top bit) are drawn often because carries and sign bits
    across register halves are where a wrong split shows.
    """
    if t.kind == "void":
        raise ValueError("void has no values")
    if t.kind == "bool":
        return st.integers(0, 1)
    bits = 8 * t.size
    top = (1 << bits) - 1
    edges = st.sampled_from((0, 1, top, 1 << (bits - 1), top >> 1))
    return st.one_of(edges, st.integers(0, top))


def argument_values(sig: Signature) -> st.SearchStrategy[tuple[int, ...]]:
    """One concrete value per argument of `sig`."""
    return st.tuples(*(values(t) for t in sig.args))


def piece_value(value: int, piece: Piece) -> int:
    """The bytes of `value` that `piece` holds, as an int (low byte first)."""
    return (value >> (8 * piece.value_offset)) & ((1 << (8 * piece.size)) - 1)
