"""C types as they appear in obligations: `void`, `bool`, `u8`..`u64`, `ptr`, `struct:...`.

A type only matters to pvverify through its size and which of its bytes carry
information: a struct's padding and a bool's upper bits are not observed.
"""

from __future__ import annotations

from dataclasses import dataclass

SCALAR_SIZES = {"bool": 1, "u8": 1, "u16": 2, "u32": 4, "u64": 8}


class TypeError_(ValueError):
    """A type word that is not in the schema."""


@dataclass(frozen=True)
class Field:
    offset: int
    size: int


@dataclass(frozen=True)
class CType:
    """A C type reduced to its layout."""

    name: str                       # the spelling in the obligation
    kind: str                       # "void" | "bool" | "int" | "ptr" | "struct"
    size: int                       # bytes, 0 for void
    align: int
    fields: tuple[Field, ...] = ()  # only for structs

    @property
    def observed_bytes(self) -> frozenset[int]:
        """Byte offsets whose value a caller may depend on (padding excluded)."""
        if self.kind == "struct":
            return frozenset(f.offset + i for f in self.fields for i in range(f.size))
        return frozenset(range(self.size))


VOID = CType("void", "void", 0, 1)


def parse_ctype(word: str, pointer_size: int) -> CType:
    """Parse one type word; `pointer_size` fixes `ptr` (4 on i386, 8 on x86_64).

    Struct fields are laid out with natural alignment, as gcc does for the
    kernel's small structs (e.g. `struct:u16,u8` is 4 bytes, byte 3 padding).
    """
    w = word.strip()
    if w == "void":
        return VOID
    if w in SCALAR_SIZES:
        size = SCALAR_SIZES[w]
        return CType(w, "bool" if w == "bool" else "int", size, size)
    if w == "ptr":
        return CType(w, "ptr", pointer_size, pointer_size)
    if w.startswith("struct:"):
        members = [m.strip() for m in w[len("struct:"):].split(",")]
        if not members or any(not m for m in members):
            raise TypeError_(f"struct type {word!r} needs at least one member type")
        fields: list[Field] = []
        offset = 0
        align = 1
        for m in members:
            if m.startswith("struct:") or m == "void":
                raise TypeError_(f"struct member {m!r} in {word!r} must be a scalar type")
            mt = parse_ctype(m, pointer_size)
            # i386 aligns 8-byte scalars in structs to 4 (the i386 psABI).
            a = min(mt.align, 4) if pointer_size == 4 else mt.align
            offset = (offset + a - 1) // a * a
            fields.append(Field(offset, mt.size))
            offset += mt.size
            align = max(align, a)
        size = (offset + align - 1) // align * align
        return CType(w, "struct", size, align, tuple(fields))
    raise TypeError_(
        f"unknown type {word!r}: expected void, bool, u8, u16, u32, u64, ptr or struct:T,T,..."
    )
