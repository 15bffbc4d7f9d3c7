"""Property tests of the CI contract: whatever a kernel binary's ELF header and
section headers say, and whatever an obligation's TOML holds, pvverify ends with
a documented exit code (0-3: a verdict or bad input; never a crash, 5, or a
usage error), without a traceback, in bounded time and memory.

The default run is small (tens of examples, in-process through the console entry
point, which maps every exit path to its code). The slow profile runs the CLI in
subprocesses under an address-space limit, with more examples:
    PVVERIFY_HOSTILE_EXAMPLES=500 .venv/bin/python -m pytest -m slow tests/test_hostile_properties.py
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import resource
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_fixture import Alt, build

from pvverify.cli import main as cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("PVVERIFY_HOSTILE_EXAMPLES", "0")) or None
FAST = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=EXAMPLES or 300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SECONDS = 60            # CPU seconds of one run, however hostile (CPU, not wall: the bound
                        # must not depend on what else the machine runs)
GROWTH = 1 << 30        # peak RSS growth one in-process run may cause
MEMORY = 3 << 30        # address space of one CLI subprocess


@pytest.fixture(scope="module")
def kernel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("k")
    return build(tmp, 64, "6.1", [Alt("s_save", "pushfq\npopq %rax"), Alt("s_cli", "sti")])


def _in_process(args: list[str]) -> tuple[int, str]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out, err = io.StringIO(), io.StringIO()
    t0 = time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.run(args)
    seconds = time.process_time() - t0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    text = out.getvalue() + err.getvalue()
    assert seconds < SECONDS, (args, seconds)
    assert after - before < GROWTH, (args, after - before)
    return code, text


def _subprocess(args: list[str]) -> tuple[int, str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))  # past it: SIGXCPU, a failure

    # the wall-clock timeout only catches a run that waits forever without using the CPU
    p = subprocess.run([sys.executable, "-m", "pvverify", *args], capture_output=True, text=True,
                       timeout=10 * SECONDS, preexec_fn=limit,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    return p.returncode, p.stdout + p.stderr


def _contract(code: int, text: str) -> None:
    assert "Traceback" not in text, text[-2000:]
    assert "internal error" not in text, text[-2000:]
    assert code in (0, 1, 2, 3), (code, text[-2000:])


# -- ELF header and section fields ----------------------------------------------------


HEADER = {"e_type": (0x10, "<H"), "e_machine": (0x12, "<H"), "e_entry": (0x18, "<Q"),
          "e_phoff": (0x20, "<Q"), "e_shoff": (0x28, "<Q"), "e_ehsize": (0x34, "<H"),
          "e_shentsize": (0x3A, "<H"), "e_shnum": (0x3C, "<H"), "e_shstrndx": (0x3E, "<H")}
SECTION = {"sh_name": (0, "<I"), "sh_type": (4, "<I"), "sh_flags": (8, "<Q"), "sh_addr": (16, "<Q"),
           "sh_offset": (24, "<Q"), "sh_size": (32, "<Q"), "sh_link": (40, "<I"),
           "sh_info": (44, "<I"), "sh_addralign": (48, "<Q"), "sh_entsize": (56, "<Q")}


def _values(size: int) -> st.SearchStrategy[int]:
    bits = {"<H": 16, "<I": 32, "<Q": 64}
    top = (1 << bits[size]) - 1
    return st.one_of(st.sampled_from([0, 1, 2, 3, 7, 8, 24, 64, 0x1000, 0xFFFF, top, top // 2 + 1,
                                      0xFFFFFFFF, 1 << 40]).map(lambda v: v & top),
                     st.integers(0, top), st.integers(0, 0x40000))


@st.composite
def elf_mutations(draw) -> list[tuple[str, int, str, int]]:
    """Up to three (where, offset-in-record, format, value) edits, header or section."""
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(HEADER)))
            off, fmt = HEADER[name]
            edits.append(("header", off, fmt, draw(_values(fmt))))
        else:
            name = draw(st.sampled_from(sorted(SECTION)))
            off, fmt = SECTION[name]
            index = draw(st.integers(0, 30))
            edits.append((f"section:{index}", off, fmt, draw(_values(fmt))))
    return edits


def _mutate(src: bytes, edits: list[tuple[str, int, str, int]]) -> bytes:
    data = bytearray(src)
    shoff, = struct.unpack_from("<Q", src, 0x28)
    shnum, = struct.unpack_from("<H", src, 0x3C)
    for where, off, fmt, value in edits:
        if where == "header":
            struct.pack_into(fmt, data, off, value)
        else:
            index = int(where.split(":")[1]) % shnum
            struct.pack_into(fmt, data, shoff + index * 64 + off, value)
    return bytes(data)


def _gate_args(f: Path, cache: Path) -> list[str]:
    return ["gate", str(f), "--cache", str(cache), "--jobs", "1", "--timeout", "2", "--format", "json"]


@FAST
@given(edits=elf_mutations())
def test_elf_fields_never_break_the_contract(tmp_path, kernel, edits):
    f = tmp_path / "vmlinux.mut"
    f.write_bytes(_mutate(kernel.read_bytes(), edits))
    _contract(*_in_process(_gate_args(f, tmp_path / "cache")))


@pytest.mark.slow
@SLOW
@given(edits=elf_mutations())
def test_elf_fields_never_break_the_contract_subprocess(tmp_path, kernel, edits):
    f = tmp_path / "vmlinux.mut"
    f.write_bytes(_mutate(kernel.read_bytes(), edits))
    _contract(*_subprocess(_gate_args(f, tmp_path / "cache")))


# -- obligation TOML ---------------------------------------------------------------------


def _toml(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")) if not math.isfinite(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(map(_toml, v)) + "]"
    assert isinstance(v, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(x)}" for k, x in v.items()) + "}"


ASM_POOL = ["cli", "sti", "retq", "pushfq", "popq %rax", "movq %cr2, %rax", "nop", "1: jmp 1b",
            ".byte 0x90", ".set x, 0x10", ".org 0x40", ".fill 8, 1, 0x90", ".code32", ".code64",
            '.include "/etc/passwd"', ".incbin /dev/zero", ".rept 100000000", ".fill 0x10000000",
            ".macro m", ".endr", "# comment", "/* c */", "jmp undefined", "ud2", "hlt", "wrmsr",
            "movq $1, %rax; cli", "\\", "'a", ". = 0x100000"]
SCALARS = st.one_of(st.integers(-(1 << 70), 1 << 70), st.booleans(), st.floats(), st.text(max_size=20),
                    st.sampled_from(["x86_64", "i386", "sysv", "regparm3", "pv-callee-save", "void",
                                     "u64", "u32", "struct:u8,u16", "rax", "eax", "equivalent"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=6), inner,
                                                                       max_size=3)), max_leaves=12)
ASM = st.lists(st.sampled_from(ASM_POOL), min_size=1, max_size=5).map("\n".join)
FIELDS = ["schema", "name", "arch", "convention", "clobbers", "returns", "args", "site_length",
          "expect", "assume", "description", "bogus"]


@st.composite
def obligations(draw) -> bytes:
    """A valid obligation with fields replaced by arbitrary TOML values, its code by
    lines from a pool that includes hostile directives, or its bytes damaged."""
    d: dict = {"schema": 1, "arch": "x86_64", "convention": "pv-callee-save", "returns": "void",
               "site_length": 6}
    for k in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
        d[k] = draw(VALUES)
    target = draw(st.one_of(ASM.map(lambda a: {"asm": a + "\nretq"}), VALUES))
    repl = draw(st.one_of(ASM.map(lambda a: {"asm": a}), st.just({"hex": "fa"}), VALUES))
    text = "\n".join(f"{k} = {_toml(v)}" for k, v in d.items())
    text += f"\n[original]\ntarget = {_toml(target)}\n[replacement]\n"
    text += "\n".join(f"{k} = {_toml(v)}" for k, v in repl.items()) if isinstance(repl, dict) \
        else f"x = {_toml(repl)}"
    data = text.encode()
    if draw(st.integers(0, 4)) == 0:  # damage the bytes themselves
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at + draw(st.integers(0, 4)):]
    return data


def _check_args(f: Path) -> list[str]:
    return ["check", str(f), "--no-replay", "--timeout", "5", "--format", "json"]


@FAST
@given(data=obligations())
def test_obligation_toml_never_breaks_the_contract(tmp_path, data):
    f = tmp_path / "o.toml"
    f.write_bytes(data)
    code, text = _in_process(_check_args(f))
    _contract(code, text)
    assert "root:" not in text


@pytest.mark.slow
@SLOW
@given(data=obligations())
def test_obligation_toml_never_breaks_the_contract_subprocess(tmp_path, data):
    f = tmp_path / "o.toml"
    f.write_bytes(data)
    code, text = _subprocess(_check_args(f))
    _contract(code, text)
    assert "root:" not in text
