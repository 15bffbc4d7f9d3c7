"""Obligations: what to prove, loaded from schema-1 TOML (docs/obligations.md) or built in code.

Loading validates every field and names the file, the field and what was
expected; nothing downstream re-checks the input. Code is kept as written
(asm text, hex, ELF symbol) and turned into bytes by `program.build`.
"""

from __future__ import annotations

import hashlib
import json
import os
import reprlib
import stat
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pvverify.x86.arch import ARCHES, Arch
from pvverify.x86.conventions import CONVENTIONS, ConventionError, base_convention
from pvverify.x86.ctype import CType, TypeError_, parse_ctype

VERDICTS = ("equivalent", "not-equivalent", "unknown")
MAX_SITE = 4096  # bytes at one site; the kernel's longest alternative sites are tens

_repr = reprlib.Repr(maxlevel=2, maxstring=80, maxother=80, maxlist=6, maxdict=6)


def _show(v: object) -> str:
    """A value in an error message, bounded (a hostile value must not flood the terminal)."""
    return _repr.repr(v)


class ObligationError(ValueError):
    """Bad input: the message names the file, the field and what was expected."""


@dataclass(frozen=True)
class CodeSpec:
    """Code as the obligation gives it: exactly one of asm, hex, or elf+symbol."""

    asm: str | None = None
    hex: str | None = None
    elf: str | None = None
    symbol: str | None = None

    def describe(self) -> str:
        if self.asm is not None:
            return "asm"
        if self.hex is not None:
            return "hex"
        return f"{self.elf}:{self.symbol}"


@dataclass(frozen=True)
class Obligation:
    """One site: an original indirect call to `target` against an inline `replacement`."""

    name: str
    arch: Arch
    convention: str
    returns: CType
    args: tuple[CType, ...]
    site_length: int
    target: CodeSpec
    replacement: CodeSpec
    clobbers: tuple[str, ...] | None = None
    expect: str | None = None
    call: CodeSpec | None = None        # the original call's bytes, default ff 15 <slot>
    address: int | None = None          # site address, default arch.site_address
    target_address: int | None = None   # where an asm/hex target is placed
    slot: int | None = None             # ops-table slot address
    source: str | None = None           # file it came from, for messages
    regions: tuple[tuple[int, bytes], ...] = ()  # more code both paths can reach (gate)
    return_thunks: tuple[int, ...] = ()  # addresses whose `jmp` means `ret` (gate)
    # retpoline thunks: (address, register) whose `call`/`jmp` means `jmp *%reg` (gate)
    indirect_thunks: tuple[tuple[int, str], ...] = ()
    # address ranges [lo, hi) that hold code not loaded into `regions` (gate): a
    # path that continues there is unknown, not a departure to foreign code
    unloaded: tuple[tuple[int, int], ...] = ()
    # other ops-table slots the target's code calls through, with their initial
    # contents (gate): (address, bytes), preset like the site's own slot
    slots: tuple[tuple[int, bytes], ...] = ()
    assume: tuple[str, ...] = ()         # preconditions on the input state (assume.py)
    # where the stack protector reads the task's canary: (segment register, offset)
    # (gate: kernel/closure.stack_canary)
    canary: tuple[str, int] | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def key(self) -> str:
        """Content hash: two obligations with the same key have the same verdict."""
        d = {
            "arch": self.arch.name, "convention": self.convention, "returns": self.returns.name,
            "args": [a.name for a in self.args], "site_length": self.site_length,
            "target": asdict(self.target), "replacement": asdict(self.replacement),
            "clobbers": list(self.clobbers) if self.clobbers is not None else None,
            "call": asdict(self.call) if self.call else None, "address": self.address,
            "target_address": self.target_address, "slot": self.slot,
            "regions": [[a, b.hex()] for a, b in self.regions],
            "return_thunks": list(self.return_thunks), "assume": list(self.assume),
        }
        if self.indirect_thunks:
            d["indirect_thunks"] = [list(t) for t in self.indirect_thunks]
        if self.unloaded:
            d["unloaded"] = [list(t) for t in self.unloaded]
        if self.slots:
            d["slots"] = [[a, b.hex()] for a, b in self.slots]
        if self.canary:
            d["canary"] = list(self.canary)
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()


_TOP_KEYS = {"schema", "name", "arch", "convention", "clobbers", "returns", "args",
             "site_length", "expect", "original", "replacement", "description", "assume",
             "op", "series"}


def _code_spec(where: str, v: object, base: Path | None) -> CodeSpec:
    if not isinstance(v, dict):
        raise ObligationError(f"{where}: expected a table with asm, hex, or elf+symbol")
    unknown = set(v) - {"asm", "hex", "elf", "symbol"}
    if unknown:
        raise ObligationError(f"{where}: unknown key(s) {sorted(unknown)}; expected asm, hex, or elf+symbol")
    kinds = [k for k in ("asm", "hex", "elf") if k in v]
    if len(kinds) != 1:
        raise ObligationError(f"{where}: give exactly one of asm, hex, or elf+symbol (got {kinds or 'none'})")
    for k, val in v.items():
        if not isinstance(val, str):
            raise ObligationError(f"{where}.{k}: expected a string, got {type(val).__name__}")
    if "elf" in v:
        if "symbol" not in v:
            raise ObligationError(f"{where}: elf needs a symbol")
        p = Path(v["elf"])
        if base is not None and not p.is_absolute():
            p = base / p
        return CodeSpec(elf=str(p), symbol=v["symbol"])
    if "symbol" in v:
        raise ObligationError(f"{where}.symbol: only valid with elf")
    if "hex" in v:
        parse_hex(v["hex"], f"{where}.hex")
        return CodeSpec(hex=v["hex"])
    return CodeSpec(asm=v["asm"])


def parse_hex(text: str, where: str) -> bytes:
    """Hex bytes, separated by spaces or not; a clear error on anything else."""
    digits = "".join(text.split())
    if digits.startswith(("0x", "0X")):
        digits = digits[2:]
    if len(digits) % 2:
        raise ObligationError(f"{where}: odd number of hex digits in {_show(text)}")
    try:
        return bytes.fromhex(digits)
    except ValueError:
        raise ObligationError(f"{where}: not hex bytes: {_show(text)}") from None


def _int(where: str, v: object, lo: int = 0) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ObligationError(f"{where}: expected an integer, got {_show(v)}")
    if v < lo:
        raise ObligationError(f"{where}: expected an integer >= {lo}, got {v}")
    return v


def from_dict(d: dict, source: str = "<obligation>", base: Path | None = None) -> Obligation:
    """Validate a parsed schema-1 table into an Obligation."""
    def err(key: str, msg: str) -> ObligationError:
        return ObligationError(f"{source}: field '{key}': {msg}")

    unknown = set(d) - _TOP_KEYS
    if unknown:
        raise err(sorted(unknown)[0], f"unknown field; expected one of {sorted(_TOP_KEYS)}")
    if type(d.get("schema")) is not int or d.get("schema") != 1:
        raise err("schema", f"expected 1, got {_show(d.get('schema'))}")
    name = d.get("name", Path(source).stem)
    if not isinstance(name, str):
        raise err("name", "expected a string")
    arch_name = d.get("arch")
    if not isinstance(arch_name, str) or arch_name not in ARCHES:
        raise err("arch", f"expected one of {sorted(ARCHES)}, got {_show(arch_name)}")
    arch = ARCHES[arch_name]
    d = _with_op(d, arch, err)
    if "name" not in d and isinstance(d.get("op"), str):
        name = d["op"]
    conv = d.get("convention")
    if not isinstance(conv, str) or conv not in CONVENTIONS:
        raise err("convention", f"expected one of {list(CONVENTIONS)}, got {_show(conv)}")
    try:
        base_convention(arch, conv)
    except ConventionError as e:
        raise err("convention", str(e)) from None
    clobbers = d.get("clobbers")
    if clobbers is not None:
        if not isinstance(clobbers, list) or not all(isinstance(c, str) for c in clobbers):
            raise err("clobbers", "expected a list of register names")
        bad = [c for c in clobbers if c.lower() not in arch.gprs]
        if bad:
            raise err("clobbers", f"{bad} are not {arch.name} registers; expected some of {list(arch.gprs)}")
        clobbers = tuple(c.lower() for c in clobbers)
    try:
        returns = parse_ctype(_str(d, "returns", "void", err), arch.width)
    except TypeError_ as e:
        raise err("returns", str(e)) from None
    args_v = d.get("args", [])
    if not isinstance(args_v, list) or not all(isinstance(a, str) for a in args_v):
        raise err("args", "expected a list of type words")
    try:
        args = tuple(parse_ctype(a, arch.width) for a in args_v)
    except TypeError_ as e:
        raise err("args", str(e)) from None
    if any(a.kind == "void" for a in args):
        raise err("args", "an argument cannot be void")
    if "site_length" not in d:
        raise err("site_length", "missing; expected the number of bytes at the site")
    site_length = _int(f"{source}: field 'site_length'", d["site_length"], 1)
    if site_length > MAX_SITE:
        raise err("site_length", f"{site_length} bytes; a site is at most {MAX_SITE}")
    expect = d.get("expect")
    if expect is not None and (not isinstance(expect, str) or expect not in VERDICTS):
        raise err("expect", f"expected one of {list(VERDICTS)}, got {_show(expect)}")

    orig = d.get("original")
    if not isinstance(orig, dict):
        raise err("original", "missing table [original] with target = {...}")
    bad_o = set(orig) - {"target", "call", "address", "slot", "target_address"}
    if bad_o:
        raise err("original", f"unknown key(s) {sorted(bad_o)}; "
                  "expected target, call, address, slot, target_address")
    if "target" not in orig:
        raise err("original.target",
                  "missing; expected { asm = ... }, { hex = ... } or { elf = ..., symbol = ... }")
    target = _code_spec(f"{source}: field 'original.target'", orig["target"], base)
    call = None
    if "call" in orig:
        call = _code_spec(f"{source}: field 'original.call'", orig["call"], base)
        if call.hex is None:
            raise err("original.call", "expected { hex = ... }")
    address = _opt_int(orig, "address", source, "original.address")
    slot = _opt_int(orig, "slot", source, "original.slot")
    taddr = _opt_int(orig, "target_address", source, "original.target_address")
    for k, v in (("original.address", address), ("original.slot", slot), ("original.target_address", taddr)):
        if v is not None and v > arch.mask:
            raise err(k, f"{v:#x} does not fit in {arch.bits} bits")

    repl = d.get("replacement")
    if not isinstance(repl, dict):
        raise err("replacement", "missing table [replacement] with asm = ... or hex = ...")
    replacement = _code_spec(f"{source}: field 'replacement'", repl, base)
    if replacement.elf is not None:
        raise err("replacement", "expected asm or hex (an ELF symbol is only valid as a target)")

    assume = d.get("assume", [])
    if not isinstance(assume, list) or not all(isinstance(a, str) for a in assume):
        raise err("assume", "expected a list of strings (preconditions, see pvverify/semantics/assume.py)")
    _check_assumptions(arch, assume, err)

    return Obligation(
        name=name, arch=arch, convention=conv, returns=returns, args=args,
        site_length=site_length, target=target, replacement=replacement, clobbers=clobbers,
        expect=expect, call=call, address=address, target_address=taddr, slot=slot,
        source=source, assume=tuple(assume),
    )


def _with_op(d: dict, arch: Arch, err) -> dict:
    """`op = "table.op"` (and `series`): convention, returns and args from the tool's
    ops table (opdefaults.py) where the obligation does not give them."""
    if "op" not in d:
        if "series" in d:
            raise err("series", "only with op = \"table.op\"")
        return d
    from pvverify.kernel.opdefaults import lookup

    op, which = d["op"], d.get("series")
    if not isinstance(op, str):
        raise err("op", "expected a string such as \"irq.save_fl\"")
    if which is not None and not isinstance(which, str):
        raise err("series", "expected a string such as \"6.1\"")
    try:
        found = lookup(op, arch, which)
    except ValueError as e:
        raise err("op", str(e)) from None
    return {"convention": found.convention, "returns": found.returns, "args": list(found.args), **d}


def _check_assumptions(arch: Arch, assume: list[str], err) -> None:
    if not assume:
        return
    from pvverify.semantics.assume import AssumptionError, compile_assumption
    from pvverify.semantics.state import Inputs

    inputs = Inputs(arch)
    for a in assume:
        try:
            compile_assumption(a, inputs, inputs.mem)
        except AssumptionError as e:
            raise err("assume", str(e)) from None


def _str(d: dict, key: str, default: str, err) -> str:
    v = d.get(key, default)
    if not isinstance(v, str):
        raise err(key, f"expected a string, got {_show(v)}")
    return v


def _opt_int(d: dict, key: str, source: str, label: str) -> int | None:
    if key not in d:
        return None
    return _int(f"{source}: field '{label}'", d[key])


MAX_BYTES = 1 << 20   # an obligation is a few hundred bytes; the corpus's largest is 2 KB
MAX_DEPTH = 8         # schema 1 nests tables and arrays three deep


def load(path: str | Path) -> Obligation:
    """Read and validate one obligation file. Anything a hostile file can be (a FIFO,
    /dev/zero, a directory, gigabytes, bytes that are not UTF-8, arrays nested a
    thousand deep) is an ObligationError naming the file and the reason."""
    p = Path(path)
    raw = _read_bounded(p)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ObligationError(f"{p}: not UTF-8 text (byte {e.start:#x})") from None
    try:
        d = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ObligationError(f"{p}: not valid TOML: {e}") from None
    except RecursionError:
        raise ObligationError(f"{p}: not valid TOML: nested too deeply") from None
    if _depth(d) > MAX_DEPTH:
        raise ObligationError(f"{p}: tables or arrays nested more than {MAX_DEPTH} deep; "
                              "schema 1 has no such field")
    return from_dict(d, str(p), p.parent)


def _read_bounded(p: Path) -> bytes:
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as e:
        raise ObligationError(f"{p}: cannot read: {e.strerror}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ObligationError(f"{p}: a directory, not an obligation file")
        if not stat.S_ISREG(st.st_mode):
            raise ObligationError(f"{p}: not a regular file (a device, FIFO or socket)")
        if st.st_size > MAX_BYTES:
            raise ObligationError(f"{p}: {st.st_size} bytes; an obligation is at most {MAX_BYTES}")
        with os.fdopen(os.dup(fd), "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise ObligationError(f"{p}: cannot read: {e.strerror}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise ObligationError(f"{p}: more than {MAX_BYTES} bytes; refused")
    return raw


def _depth(v: object) -> int:
    """Nesting depth of parsed TOML, without recursion."""
    deepest, stack = 0, [(v, 0)]
    while stack:
        x, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            break
        if isinstance(x, dict):
            stack += [(y, d + 1) for y in x.values()]
        elif isinstance(x, list):
            stack += [(y, d + 1) for y in x]
    return deepest
