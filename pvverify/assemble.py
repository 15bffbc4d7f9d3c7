"""AT&T assembly to bytes at a fixed address, with GNU as and ld.

The kernel writes its patch templates in AT&T syntax for GNU as, so that is
the assembler: a snippet is assembled, then linked at the address it will run
from (so absolute and relative references come out as the kernel's would),
with the few kernel symbols a snippet may name (`__x86_return_thunk`) bound
to the stubs pvverify maps.
"""

from __future__ import annotations

import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from pvverify.arch import Arch


class AssemblyError(ValueError):
    """The assembler or linker refused the text; the message quotes it."""


@lru_cache(maxsize=512)
def assemble(arch: Arch, text: str, address: int, symbols: tuple[tuple[str, int], ...] = ()) -> bytes:
    """Bytes of `text` placed at `address`; `symbols` binds external names."""
    if not text.strip():
        return b""
    with tempfile.TemporaryDirectory(prefix="pvverify-as-") as d:
        src, obj, elf, binf = (Path(d) / n for n in ("a.s", "a.o", "a.elf", "a.bin"))
        src.write_text(f".text\n{text}\n")
        _run(["as", arch.as_flag, "-o", str(obj), str(src)], "assembler", text)
        link = ["ld", "-m", arch.ld_emulation, f"-Ttext={address:#x}", "-e", f"{address:#x}",
                "--no-warn-rwx-segments", "-o", str(elf), str(obj)]
        link += [f"--defsym={name}={value:#x}" for name, value in symbols]
        _run(link, "linker", text)
        _run(["objcopy", "-O", "binary", "-j", ".text", str(elf), str(binf)], "objcopy", text)
        return binf.read_bytes()


def _run(cmd: list[str], what: str, text: str) -> None:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise AssemblyError(f"{cmd[0]} (GNU binutils) is not installed") from None
    if p.returncode != 0:
        msg = "\n".join(line for line in (p.stderr or p.stdout).splitlines()
                        if "Assembler messages" not in line)
        msg = msg.replace(str(Path(cmd[-1]).parent) + "/", "")
        raise AssemblyError(f"{what} rejected the code:\n{msg.strip()}\n--- code ---\n{text}")
