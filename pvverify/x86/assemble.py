"""AT&T assembly to bytes at a fixed address, with GNU as and ld.

The kernel writes its patch templates in AT&T syntax for GNU as, so that is
the assembler: a snippet is assembled, then linked at the address it will run
from (so absolute and relative references come out as the kernel's would),
with the few kernel symbols a snippet may name (`__x86_return_thunk`) bound
to the stubs pvverify maps.

Assembly from an obligation is data, not a program: GNU as can read files
(`.include`, `.incbin`), run macros and repeat or fill without bound. The text
is parsed here first, statement by statement, and only instructions, labels,
data directives, symbol definitions, `.code16/32/64` and small `.org`/`.fill`/
`.skip`/alignment are accepted; anything else is an AssemblyError naming the
line. The assembler then sees the statements as parsed (comments dropped, one
output line per input line, so its line numbers are the obligation's) and
runs under CPU-time, file-size and memory limits and a wall-clock timeout, in
a temporary directory that is always removed.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from pvverify.x86.arch import Arch


class AssemblyError(ValueError):
    """The text was refused (by the filter or by the assembler); the message says where."""


MAX_TEXT = 256 << 10      # characters of assembly
MAX_SPAN = 1 << 16        # bytes any .org/.fill/.skip/.align may reach or emit
MAX_CODE = 1 << 20        # bytes of output
CPU_SECONDS = 10
WALL_SECONDS = 30
FILE_BLOCKS = 32768       # ulimit -f, 512-byte blocks: 16 MiB per file written
MEMORY_KB = 1 << 20       # ulimit -v: 1 GiB

DATA = {".byte", ".short", ".word", ".value", ".hword", ".int", ".long", ".quad"}
MODES = {".code16", ".code32", ".code64"}
SYMBOLS = {".set", ".equ"}
SPANS = {".org", ".skip", ".space", ".zero", ".fill", ".p2align", ".balign", ".align"}

_NUM = r"(?:0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)"
_LABEL = re.compile(r"\s*(?:[A-Za-z_.$][\w.$]*|[0-9]+)\s*:(?!=)")
_DIRECTIVE = re.compile(r"(\.[A-Za-z_][\w.]*)(?:\s+(.*))?$")
_MNEMONIC = re.compile(r"(?:\{[a-z0-9]+\}\s*)*[A-Za-z][\w.]*(?:\s+.*)?$")
_SYMBOL_DEF = re.compile(r"[A-Za-z_.$][\w.$]*\s*,\s*[^,]+$")
_NUMS = re.compile(rf"\s*(-?{_NUM})\s*(?:,\s*(-?{_NUM})\s*)?(?:,\s*(-?{_NUM})\s*)?$")


def _num(text: str) -> int:
    neg = text.startswith("-")
    t = text.lstrip("-")
    if t[:2] in ("0x", "0X"):
        v = int(t[2:], 16)
    elif t[:2] in ("0b", "0B"):
        v = int(t[2:], 2)
    elif len(t) > 1 and t[0] == "0":
        v = int(t, 8)
    else:
        v = int(t)
    return -v if neg else v


def _strip_comments(text: str) -> str:
    """Drop /* */ comments (keeping their newlines) and # comments."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    if "/*" in text:
        raise AssemblyError("line {}: unterminated /* comment".format(
            text[:text.index("/*")].count("\n") + 1))
    return "\n".join(line.split("#", 1)[0] for line in text.split("\n"))


def _check_span(name: str, args: str | None, line: int) -> None:
    m = _NUMS.match(args or "")
    if m is None:
        raise AssemblyError(f"line {line}: {name} takes integer literals here (a bounded span), "
                            f"got {args!r}")
    vals = [_num(g) for g in m.groups() if g is not None]
    first = vals[0]
    if name == ".fill":
        size = vals[1] if len(vals) > 1 else 1
        span = first * min(max(size, 0), 8)
    elif name == ".p2align":
        span = 1 << first if 0 <= first < 64 else MAX_SPAN + 1
    elif name in (".org", ".balign", ".align", ".skip", ".space", ".zero"):
        span = first
    else:  # pragma: no cover - SPANS is closed
        span = MAX_SPAN + 1
    if not 0 <= span <= MAX_SPAN:
        raise AssemblyError(f"line {line}: {name} {args} spans {span} bytes; at most {MAX_SPAN}")


def sanitize(text: str) -> str:
    """The text as statements GNU as may run, or AssemblyError naming the first line that
    is not one. The result has as many lines as the input (line numbers agree)."""
    if len(text) > MAX_TEXT:
        raise AssemblyError(f"{len(text)} characters of assembly; at most {MAX_TEXT}")
    for ch, what in (('"', "quotes"), ("'", "character constants"), ("\\", "backslashes"),
                     ("\0", "NUL bytes")):
        if ch in text:
            line = text[:text.index(ch)].count("\n") + 1
            raise AssemblyError(f"line {line}: {what} are not accepted in obligation assembly "
                                "(only instructions, labels and data directives)")
    out = []
    for n, line in enumerate(_strip_comments(text).split("\n"), 1):
        stmts = []
        for stmt in line.split(";"):
            rest = stmt
            while (m := _LABEL.match(rest)) is not None:
                rest = rest[m.end():]
            labels = stmt[:len(stmt) - len(rest)].strip()
            rest = rest.strip()
            if rest:
                _check_statement(rest, n)
            stmts.append(" ".join(p for p in (labels, rest) if p))
        out.append("; ".join(s for s in stmts if s))
    return "\n".join(out)


def _check_statement(stmt: str, line: int) -> None:
    if stmt.startswith("."):
        m = _DIRECTIVE.match(stmt)
        name = (m.group(1) if m else stmt.split()[0]).lower()
        args = m.group(2) if m else None
        if m is None:
            raise AssemblyError(f"line {line}: {stmt!r} is not accepted (symbol and location "
                                "assignments are not; use .set NAME, VALUE)")
        if name in DATA or name in MODES:
            return
        if name in SYMBOLS:
            if args is None or not _SYMBOL_DEF.match(args):
                raise AssemblyError(f"line {line}: {name} takes NAME, VALUE")
            return
        if name in SPANS:
            _check_span(name, args, line)
            return
        raise AssemblyError(f"line {line}: directive {name} is not accepted in obligation assembly "
                            "(only instructions, labels, data directives, .set/.equ, .code16/32/64 "
                            f"and .org/.fill/.skip/.align up to {MAX_SPAN} bytes)")
    if not _MNEMONIC.match(stmt):
        raise AssemblyError(f"line {line}: {stmt[:60]!r} is not an instruction, label or directive")


@lru_cache(maxsize=512)
def assemble(arch: Arch, text: str, address: int, symbols: tuple[tuple[str, int], ...] = ()) -> bytes:
    """Bytes of `text` placed at `address`; `symbols` binds external names."""
    if not text.strip():
        return b""
    source = sanitize(text)
    with tempfile.TemporaryDirectory(prefix="pvverify-as-") as d:
        src, obj, elf, binf = (Path(d) / n for n in ("obligation.s", "a.o", "a.elf", "a.bin"))
        # `.text` on the first line, so line N of the file is line N of the text
        src.write_text(f".text; {source}\n")
        _run(["as", arch.as_flag, "-o", str(obj), str(src)], "assembler", text, d)
        link = ["ld", "-m", arch.ld_emulation, f"-Ttext={address:#x}", "-e", f"{address:#x}",
                "--no-warn-rwx-segments", "-o", str(elf), str(obj)]
        link += [f"--defsym={name}={value:#x}" for name, value in symbols]
        _run(link, "linker", text, d)
        _run(["objcopy", "-O", "binary", "-j", ".text", str(elf), str(binf)], "objcopy", text, d)
        if binf.stat().st_size > MAX_CODE:
            raise AssemblyError(f"the code assembles to {binf.stat().st_size} bytes; at most {MAX_CODE}")
        return binf.read_bytes()


_LIMITS = (f"ulimit -t {CPU_SECONDS} && ulimit -f {FILE_BLOCKS} && ulimit -v {MEMORY_KB} "
           "&& exec \"$0\" \"$@\"")


def _run(cmd: list[str], what: str, text: str, tmp: str) -> None:
    try:
        p = subprocess.run(["sh", "-c", _LIMITS, *cmd], capture_output=True, text=True,
                           errors="replace", check=False, timeout=WALL_SECONDS,
                           stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise AssemblyError(f"{cmd[0]} (GNU binutils) is not installed") from None
    except subprocess.TimeoutExpired:
        # the CPU-time ulimit is the bound on the work; this one only catches a stall
        raise AssemblyError(f"{what} did not finish within {WALL_SECONDS} s (wall-clock safety "
                            "limit, the machine was slow): run again") from None
    if p.returncode == 127 and "not found" in p.stderr:
        raise AssemblyError(f"{cmd[0]} (GNU binutils) is not installed")
    if p.returncode != 0:
        if p.returncode < 0 or p.returncode > 128:
            raise AssemblyError(f"{what} exceeded its time, memory or output bound "
                                f"(status {p.returncode})")
        lines = []
        for line in (p.stderr or p.stdout).splitlines()[:40]:
            if "Assembler messages" in line:
                continue
            line = re.sub(r"^\S*obligation\.s:(\d+):\s*", lambda m: f"line {m.group(1)}: ", line)
            lines.append(line.replace(tmp + "/", "")[:300])
        raise AssemblyError(f"{what} rejected the code:\n" + "\n".join(lines).strip()
                            + f"\n--- code ---\n{text}")
