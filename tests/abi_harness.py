"""Compile C callees with gcc and call them in unicorn the way the convention model says.

This is the machinery of tests/test_abi_gcc.py, kept apart so the test module
reads as the properties it checks:

* `Callee` generates one C function for a `Signature` whose result and global
  depend on every byte of every argument. Its C text and its Python value come
  from the same little expression tree (`Expr.c` / `Expr.eval`), so the
  oracle agrees with the C semantics by construction: everything is computed
  in `u64` with wrap-around, and narrowing casts are masks.
* `build` compiles a batch of callees into one object (gcc is the slow part),
  links it at a fixed address with `ld -Ttext`, and returns its loadable
  segments and symbols.
* `call` runs one function in unicorn from a chosen register/stack state and
  returns the state after its `ret`.

It deliberately does not use pvverify.oracle: this harness checks the ABI
model independently of the code that the model serves.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from elftools.elf.elffile import ELFFile
from strategies import Signature, piece_value
from unicorn import UC_ARCH_X86, UC_MODE_32, UC_MODE_64, Uc
from unicorn import x86_const as ux

from pvverify.x86.arch import Arch
from pvverify.x86.conventions import Piece
from pvverify.x86.ctype import CType, parse_ctype

M64 = (1 << 64) - 1
TEXT_ADDRESS = 0x400000
STACK_LOW = 0x7F000000
STACK_SIZE = 0x10000
SITE_SP = STACK_LOW + 0x8000  # stack pointer at the (imaginary) call site, 16-aligned
STOP_ADDRESS = 0x1000         # the pushed return address: a page of hlt
GLOBAL_INIT = 0x5AA5_C33C_9669_0FF0

GCC_FLAGS = {
    "i386": ["-m32", "-O2", "-mregparm=3", "-freg-struct-return", "-fno-pic", "-ffreestanding"],
    "x86_64": ["-m64", "-O2", "-mno-red-zone", "-fno-pic", "-ffreestanding"],
}
PRELUDE = """\
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long uptr;
"""
C_TYPE = {"bool": "_Bool", "u8": "u8", "u16": "u16", "u32": "u32", "u64": "u64",
          "ptr": "void *"}


# --- the expression language: one tree, printed as C and evaluated in Python ----------

class Expr:
    """A u64-valued C expression; `c()` and `eval()` must mean the same thing."""

    def c(self) -> str:
        raise NotImplementedError

    def eval(self, env: dict[str, int]) -> int:
        raise NotImplementedError


@dataclass(frozen=True)
class Var(Expr):
    """A u64 variable or an argument read already converted to u64 (its C text is its key)."""

    text: str

    def c(self) -> str:
        return self.text

    def eval(self, env: dict[str, int]) -> int:
        return env[self.text] & M64


@dataclass(frozen=True)
class Const(Expr):
    value: int

    def c(self) -> str:
        return f"{self.value & M64:#x}ULL"

    def eval(self, env: dict[str, int]) -> int:
        return self.value & M64


_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "^": lambda a, b: a ^ b,
    "|": lambda a, b: a | b,
    "&": lambda a, b: a & b,
}


@dataclass(frozen=True)
class Bin(Expr):
    op: str
    left: Expr
    right: Expr

    def c(self) -> str:
        return f"({self.left.c()} {self.op} {self.right.c()})"

    def eval(self, env: dict[str, int]) -> int:
        return _OPS[self.op](self.left.eval(env), self.right.eval(env)) & M64


@dataclass(frozen=True)
class Shift(Expr):
    """`e << k` (k > 0) or `e >> -k` (k < 0), 0 < |k| < 64 so C defines it."""

    e: Expr
    k: int

    def c(self) -> str:
        return f"({self.e.c()} << {self.k})" if self.k > 0 else f"({self.e.c()} >> {-self.k})"

    def eval(self, env: dict[str, int]) -> int:
        v = self.e.eval(env)
        return (v << self.k) & M64 if self.k > 0 else v >> -self.k


def rotl(e: Expr, r: int) -> Expr:
    """Rotate left by r (1..63), the C idiom gcc turns into `rol`."""
    return Bin("|", Shift(e, r), Shift(e, r - 64))


def mix_step(acc: Expr, leaf: Expr, template: int, k: int, r: int) -> Expr:
    """One mixing step; each template is a bijection of `leaf` for fixed `acc` and
    vice versa (odd multiplier, xor/add/sub, rotate), so flipping any bit of any
    argument changes the final accumulator."""
    k |= 1
    if template == 0:
        return Bin("*", Bin("^", acc, leaf), Const(k))
    if template == 1:
        return Bin("*", Bin("+", acc, leaf), Const(k))
    if template == 2:
        return Bin("^", rotl(acc, r), Bin("*", leaf, Const(k)))
    if template == 3:
        return Bin("*", Bin("-", acc, leaf), Const(k))
    return Bin("+", rotl(Bin("^", acc, leaf), r), Const(k))


# --- callees ---------------------------------------------------------------------------

def _member_words(t: CType) -> list[str]:
    return t.name[len("struct:"):].split(",")


def _leaf_text(base: str, word: str) -> str:
    return f"(u64)(uptr){base}" if word == "ptr" else f"(u64){base}"


@dataclass
class Callee:
    """A generated C function for `sig`, named `name`, shaped by `seed`.

    The body folds every argument field into `u64 h`, stores `h` into its own
    global `g_<name>` (so even void functions have an observable effect that
    depends on all argument bytes), then folds h's high bytes down and builds
    the return value from it.
    """

    name: str
    sig: Signature
    seed: int
    steps: list[tuple[str, Expr]] = field(init=False, repr=False)
    # (C text, argument index, byte offset, size) of every argument field read.
    leaves: list[tuple[str, int, int, int]] = field(init=False, repr=False)
    # (member name, rotation of h, byte offset, size) of every returned struct field.
    ret_fields: list[tuple[str, int, int, int]] = field(init=False, repr=False)
    bool_bit: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self.leaves = []
        for i, t in enumerate(self.sig.args):
            if t.kind == "struct":
                for j, (w, f) in enumerate(zip(_member_words(t), t.fields, strict=True)):
                    self.leaves.append((_leaf_text(f"a{i}.m{j}", w), i, f.offset, f.size))
            else:
                self.leaves.append((_leaf_text(f"a{i}", t.name), i, 0, t.size))
        h = Var("h")
        self.steps = [("h", Const(rng.getrandbits(64)))]
        for text, *_ in self.leaves:
            k, r = rng.getrandbits(64), rng.randrange(1, 64)
            self.steps.append(("h", mix_step(h, Var(text), rng.randrange(5), k, r)))
        self.steps.append((f"g_{self.name}", h))
        for s in (-32, -16, -8):
            self.steps.append(("h", Bin("^", h, Shift(h, s))))
        self.bool_bit = rng.randrange(64)
        ret = self.sig.ret
        self.ret_fields = []
        if ret.kind == "struct":
            for j, f in enumerate(ret.fields):
                self.ret_fields.append((f"m{j}", rng.randrange(1, 64), f.offset, f.size))

    # C text ---------------------------------------------------------------------------
    def _struct_decl(self, tag: str, t: CType) -> str:
        members = " ".join(f"{C_TYPE[w]} m{j};" for j, w in enumerate(_member_words(t)))
        return f"struct {tag} {{ {members} }};\n"

    def _ctype(self, tag: str, t: CType) -> str:
        return f"struct {tag}" if t.kind == "struct" else C_TYPE[t.name]

    def c_source(self) -> str:
        """Declarations, the global and the function, as one C fragment."""
        n, sig = self.name, self.sig
        out = []
        for i, t in enumerate(sig.args):
            if t.kind == "struct":
                out.append(self._struct_decl(f"{n}_a{i}", t))
        if sig.ret.kind == "struct":
            out.append(self._struct_decl(f"{n}_r", sig.ret))
        out.append(f"u64 g_{n} = {GLOBAL_INIT:#x}ULL;\n")
        params = ", ".join(f"{self._ctype(f'{n}_a{i}', t)} a{i}" for i, t in enumerate(sig.args))
        rtype = "void" if sig.ret.kind == "void" else self._ctype(f"{n}_r", sig.ret)
        out.append(f"{rtype} {n}({params or 'void'})\n{{\n    u64 h;\n")
        for target, e in self.steps:
            out.append(f"    {target} = {e.c()};\n")
        out.append(self._c_return())
        out.append("}\n")
        return "".join(out)

    def _c_return(self) -> str:
        ret, h = self.sig.ret, Var("h")
        if ret.kind == "void":
            return ""
        if ret.kind == "bool":
            return f"    return (_Bool)((h >> {self.bool_bit}) & 1);\n"
        if ret.kind == "ptr":
            return "    return (void *)(uptr)h;\n"
        if ret.kind == "int":
            return f"    return ({ret.name})h;\n"
        lines = [f"    struct {self.name}_r r;\n"]
        for (m, rot, _, _), w in zip(self.ret_fields, _member_words(ret), strict=True):
            value = rotl(h, rot).c()
            cast = "(void *)(uptr)" if w == "ptr" else f"({w})"
            lines.append(f"    r.{m} = {cast}{value};\n")
        lines.append("    return r;\n")
        return "".join(lines)

    # Python oracle ----------------------------------------------------------------------
    def expect(self, args: tuple[int, ...]) -> tuple[bytes, int]:
        """(the return value's bytes, padding as 0; the global's value) for `args`."""
        env: dict[str, int] = {}
        for text, i, off, size in self.leaves:
            env[text] = (args[i] >> (8 * off)) & ((1 << (8 * size)) - 1)
        for target, e in self.steps:
            env[target] = e.eval(env)
        h = env["h"]
        ret = self.sig.ret
        out = bytearray(ret.size)
        if ret.kind == "bool":
            out[0] = (h >> self.bool_bit) & 1
        elif ret.kind in ("int", "ptr"):
            out[:] = (h & ((1 << (8 * ret.size)) - 1)).to_bytes(ret.size, "little")
        elif ret.kind == "struct":
            for _, rot, off, size in self.ret_fields:
                v = rotl(Var("h"), rot).eval(env) & ((1 << (8 * size)) - 1)
                out[off:off + size] = v.to_bytes(size, "little")
        return bytes(out), env[f"g_{self.name}"]


# --- building ----------------------------------------------------------------------------

@dataclass
class Image:
    """A linked executable: PT_LOAD segments and symbol addresses."""

    arch: Arch
    segments: list[tuple[int, bytes, int]]  # vaddr, file bytes, memsz
    symbols: dict[str, int]


def build(arch: Arch, source: str) -> Image:
    """Compile `source` with the kernel's flags for `arch` and link it at TEXT_ADDRESS."""
    with tempfile.TemporaryDirectory(prefix="pvverify-abi-") as d:
        src, obj, exe = Path(d, "f.c"), Path(d, "f.o"), Path(d, "f.elf")
        src.write_text(PRELUDE + source)
        _run(["gcc", *GCC_FLAGS[arch.name], "-fno-asynchronous-unwind-tables", "-c",
              "-o", str(obj), str(src)])
        _run(["ld", "-m", arch.ld_emulation, f"-Ttext={TEXT_ADDRESS:#x}", "-e", "0",
              "-o", str(exe), str(obj)])
        with exe.open("rb") as fh:
            elf = ELFFile(fh)
            segments = [(s["p_vaddr"], s.data(), s["p_memsz"]) for s in elf.iter_segments()
                        if s["p_type"] == "PT_LOAD"]
            symtab = elf.get_section_by_name(".symtab")
            symbols = {s.name: s["st_value"] for s in symtab.iter_symbols() if s.name}
    return Image(arch, segments, symbols)


def _run(cmd: list[str]) -> None:
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr}")


# --- calling -------------------------------------------------------------------------------

def _reg(name: str) -> int:
    return getattr(ux, f"UC_X86_REG_{name.upper()}")


@dataclass
class CallResult:
    """The machine after the callee's `ret` (or wherever it stopped)."""

    pc: int
    regs_before: dict[str, int]
    regs: dict[str, int]
    eflags: int
    uc: Uc

    def read(self, address: int, size: int) -> bytes:
        return bytes(self.uc.mem_read(address, size))


def call(image: Image, function: str, pieces: tuple[tuple[Piece, ...], ...],
         values: tuple[int, ...], garbage: int) -> CallResult:
    """Call `function` with each value placed in its pieces, everything else garbage.

    Registers and the stack start as bytes drawn from `garbage`, so a callee
    that reads an unplaced byte (upper bits of a u8's register, struct padding,
    a stack slot's spare bytes) gets noise and the oracle notices. The stack
    pointer at the site is SITE_SP; the call pushes STOP_ADDRESS.
    """
    arch = image.arch
    rng = random.Random(garbage)
    uc = Uc(UC_ARCH_X86, UC_MODE_32 if arch.bits == 32 else UC_MODE_64)
    pages: set[int] = set()
    for vaddr, _, memsz in image.segments:
        pages.update(range(vaddr & ~0xFFF, vaddr + memsz, 0x1000))
    for p in sorted(pages):
        uc.mem_map(p, 0x1000)
    for vaddr, data, _ in image.segments:
        uc.mem_write(vaddr, data)
    uc.mem_map(STOP_ADDRESS, 0x1000)
    uc.mem_write(STOP_ADDRESS, b"\xf4" * 0x1000)
    uc.mem_map(STACK_LOW, STACK_SIZE)
    uc.mem_write(STACK_LOW, rng.randbytes(STACK_SIZE))

    w = arch.width
    regs = {g: rng.getrandbits(arch.bits) for g in arch.gprs if g != arch.sp}
    for t_pieces, value in zip(pieces, values, strict=True):
        for p in t_pieces:
            v = piece_value(value, p)
            if p.reg is not None:
                keep = arch.mask ^ ((1 << (8 * p.size)) - 1)
                regs[p.reg] = (regs[p.reg] & keep) | v
            else:
                assert p.stack_offset is not None
                uc.mem_write(SITE_SP + p.stack_offset, v.to_bytes(p.size, "little"))
    sp = SITE_SP - w
    uc.mem_write(sp, STOP_ADDRESS.to_bytes(w, "little"))
    regs[arch.sp] = sp
    for g, v in regs.items():
        uc.reg_write(_reg(g), v)
    # Arithmetic flags garbage, DF clear (docs/domain.md 2), the reserved bit 1 set.
    uc.reg_write(ux.UC_X86_REG_EFLAGS, 0x2 | (rng.getrandbits(12) & 0x8D5))
    uc.emu_start(image.symbols[function], STOP_ADDRESS, count=200_000)
    after = {g: uc.reg_read(_reg(g)) for g in arch.gprs}
    pc = uc.reg_read(_reg(arch.pc))
    return CallResult(pc, regs, after, uc.reg_read(ux.UC_X86_REG_EFLAGS), uc)


def ptr_type(arch: Arch) -> CType:
    """The type of a hidden return pointer."""
    return parse_ctype("ptr", arch.width)
