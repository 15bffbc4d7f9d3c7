"""Equivalence on compiled code: a gcc-compiled callee (as an ELF target) against
the inline replacement derived from it, and derived mutants against a CPU.

The callee comes from the ABI harness (every argument byte mixed into the
result and into a global), compiled with the kernel's flags for each arch.
The inline replacement is its body without the final `ret`, with every
stack-pointer-relative displacement rebased by the return address the call
pushed and every %rip-relative operand made absolute: what a patch writer
would derive by hand. pvverify must prove that equivalent, and must refuse,
with a counterexample unicorn replays, the mistakes a hand derivation makes:
the halves of a 64-bit argument swapped, a wrong argument register, a stack
slot off by a word, a carry dropped, a return value narrowed.
"""

from __future__ import annotations

import random
import re
import subprocess
import zlib
from collections import defaultdict
from pathlib import Path

import capstone
import pytest
from abi_harness import GCC_FLAGS, PRELUDE, TEXT_ADDRESS, Callee
from elftools.elf.elffile import ELFFile
from machine_states import DATA, STACK
from strategies import Signature
from test_soundness_fuzz import cpu_differs

from pvverify.check import check
from pvverify.obligation import from_dict
from pvverify.x86.arch import I386, X86_64, Arch
from pvverify.x86.ctype import parse_ctype
from pvverify.x86.machine import ConcreteState

# (return, args): register pairs, stack arguments without backfill, carries
SIGNATURES = {
    "i386": [("u64", ("u32", "u64", "u32")), ("u64", ("u64", "u64")),
             ("u32", ("u32", "u32", "u32", "u32", "u32")), ("u16", ("u8", "u64"))],
    "x86_64": [("u64", ("u64", "u32", "u16", "u8", "ptr", "u64", "u64", "u32")),
               ("u32", ("u64", "u64")), ("u16", ("u32", "u8"))],
}
ARG_REGS = {"i386": ["eax", "edx", "ecx"], "x86_64": ["rdi", "rsi", "rdx", "rcx", "r8", "r9"]}
REG32 = {"rdi": "edi", "rsi": "esi", "rdx": "edx", "rcx": "ecx", "r8": "r8d", "r9": "r9d"}

_SP_OPERAND = re.compile(r"(-?0x[0-9a-f]+|-?\d+)?\(%(esp|rsp)\b")
_RIP_OPERAND = re.compile(r"(-?0x[0-9a-f]+|-?\d+)?\(%rip\)")


def sig(arch: Arch, ret: str, *args: str) -> Signature:
    conv = "sysv" if arch.bits == 64 else "regparm3"
    words = tuple(parse_ctype(a, arch.width) for a in args)
    return Signature(arch, conv, words, parse_ctype(ret, arch.width))


def compile_callees(tmp: Path, arch: Arch) -> tuple[Path, list[Callee], dict[str, tuple[int, int]]]:
    """The callees for `arch`, linked at the harness's address; symbol -> (address, size)."""
    callees = [Callee(f"f{i}", sig(arch, ret, *args), seed=100 + i)
               for i, (ret, args) in enumerate(SIGNATURES[arch.name])]
    src, obj, exe = tmp / f"{arch.name}.c", tmp / f"{arch.name}.o", tmp / f"{arch.name}.elf"
    src.write_text(PRELUDE + "".join(c.c_source() for c in callees))
    subprocess.run(["gcc", *GCC_FLAGS[arch.name], "-fno-asynchronous-unwind-tables", "-c",
                    "-o", str(obj), str(src)], check=True)
    subprocess.run(["ld", "-m", arch.ld_emulation, f"-Ttext={TEXT_ADDRESS:#x}", "-e", "0",
                    "-o", str(exe), str(obj)], check=True)
    with exe.open("rb") as fh:
        symtab = ELFFile(fh).get_section_by_name(".symtab")
        syms = {s.name: (s["st_value"], s["st_size"]) for s in symtab.iter_symbols()
                if s["st_info"]["type"] == "STT_FUNC"}
    return exe, callees, syms


def function_bytes(exe: Path, addr: int, size: int) -> bytes:
    with exe.open("rb") as fh:
        elf = ELFFile(fh)
        for s in elf.iter_sections():
            if s["sh_addr"] <= addr < s["sh_addr"] + s["sh_size"]:
                off = addr - s["sh_addr"]
                return s.data()[off:off + size]
    raise AssertionError(f"{addr:#x} is in no section")


def derive_inline(arch: Arch, code: bytes, addr: int) -> list[str] | None:
    """The body as AT&T lines without its `ret`, rebased for the missing return
    address; None unless it is straight-line code ending in `ret`."""
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64 if arch.bits == 64 else capstone.CS_MODE_32)
    md.syntax = capstone.CS_OPT_SYNTAX_ATT
    lines = []
    for ins in md.disasm(code, addr):
        if ins.mnemonic.startswith("ret"):
            return lines
        if ins.mnemonic.startswith(("j", "call", "loop")):
            return None

        def rip(m: re.Match, ins=ins) -> str:
            return hex(ins.address + ins.size + int(m.group(1) or "0", 0))

        def sp(m: re.Match) -> str:
            return f"{int(m.group(1) or '0', 0) - arch.width}(%{m.group(2)}"

        ops = _SP_OPERAND.sub(sp, _RIP_OPERAND.sub(rip, ins.op_str))
        lines.append(f"{ins.mnemonic} {ops}".strip())
    return None


def mutants(arch: Arch, lines: list[str], ret: str, args: tuple[str, ...]) -> dict[str, str]:
    """Mutation kind -> mutated text, for the kinds that apply to this function."""
    text = "\n".join(lines)
    out: dict[str, str] = {}
    if arch.bits == 32 and "u64" in args[:2] and "%ecx" in text and "%edx" in text:
        # a u64 in a register pair (edx:ecx or edx:eax): read its halves the other way
        pair = ("%edx", "%ecx") if args[1] == "u64" and args[0] != "u64" else ("%eax", "%edx")
        swapped = text.replace(pair[0], "%TMP").replace(pair[1], pair[0]).replace("%TMP", pair[1])
        out["halves swapped"] = swapped
    regs = ARG_REGS[arch.name][:len(args)]
    for a, b in zip(regs, regs[1:] + regs[:1], strict=True):
        for ra, rb in ((a, b), (REG32.get(a, a), REG32.get(b, b))):
            if f"%{ra}" in text and a != b:
                out.setdefault("wrong register", text.replace(f"%{ra}", f"%{rb}", 1))
    for m in _SP_OPERAND.finditer(text):
        d = int(m.group(1) or "0", 0)
        if d >= 0:  # an argument slot, not a spill below the stack pointer
            mutated = text[:m.start()] + f"{d + arch.width}(%{m.group(2)}" + text[m.end():]
            out["stack slot off by a word"] = mutated
            break
    if re.search(r"\badc[lq]?\b", text):
        out["carry dropped"] = re.sub(r"\badc([lq]?)\b", r"add\1", text, count=1)
    if ret in ("u16", "u32"):
        out["return narrowed"] = text + "\nmovzbl %al, %eax"
    elif ret == "u64":
        out["return narrowed"] = text + ("\nmovl %eax, %eax" if arch.bits == 64 else "\nxorl %edx, %edx")
    return out


def random_state(arch: Arch, rng: random.Random) -> ConcreteState:
    """Registers and the stack's argument words at random, everything else zero."""
    regs = {g: rng.getrandbits(arch.bits) for g in arch.gprs}
    regs[arch.sp] = STACK[arch.bits]
    regs["rdi" if arch.bits == 64 else "eax"] = DATA[arch.bits] + rng.randrange(64)  # a pointer
    memory = {STACK[arch.bits] + i: rng.getrandbits(8) for i in range(-16, 64)}
    return ConcreteState(regs=regs, flags={}, memory=memory)


def obligation(arch: Arch, exe: Path, name: str, ret: str, args: tuple[str, ...], replacement: str):
    return from_dict({
        "schema": 1, "name": f"{arch.name} {name}", "arch": arch.name,
        "convention": "sysv" if arch.bits == 64 else "regparm3", "returns": ret, "args": list(args),
        "site_length": 6 + 8 * replacement.count("\n") + 8,
        "original": {"target": {"elf": str(exe), "symbol": name}},
        "replacement": {"asm": replacement},
    }, f"{arch.name}:{name}")


@pytest.mark.parametrize("arch", [I386, X86_64], ids=lambda a: a.name)
def test_derived_inline_is_equivalent_and_its_mutants_are_not(tmp_path: Path, arch: Arch) -> None:
    exe, callees, syms = compile_callees(tmp_path, arch)
    refused: dict[str, int] = defaultdict(int)
    derived = 0
    for callee, (ret, args) in zip(callees, SIGNATURES[arch.name], strict=True):
        addr, size = syms[callee.name]
        lines = derive_inline(arch, function_bytes(exe, addr, size), addr)
        if lines is None:
            continue  # gcc chose a branch: not a straight-line inline candidate
        derived += 1
        res = check(obligation(arch, exe, callee.name, ret, args, "\n".join(lines)))
        assert res.verdict == "equivalent", (callee.name, res.reason, lines)
        for kind, text in mutants(arch, lines, ret, args).items():
            ob = obligation(arch, exe, callee.name, ret, args, text)
            m = check(ob)
            if m.verdict == "equivalent":
                # Not every mutation changes what is observed (a carry into bits a
                # u16 return drops): then no CPU state may show a difference either.
                rng = random.Random(zlib.crc32(f"{arch.name}{callee.name}{kind}".encode()))
                for _ in range(20):
                    diffs = cpu_differs(ob, arch, random_state(arch, rng))
                    assert not diffs, f"UNSOUND: {callee.name} {kind} proved equivalent, CPU: {diffs}"
            if m.verdict == "not-equivalent":
                assert m.counterexample is not None and m.counterexample.replayed, (kind, m.reason)
                refused[kind] += 1

    print(f"{arch.name}: {derived} derived inlines proved, mutants refused: {dict(refused)}")
    assert derived >= len(SIGNATURES[arch.name]) - 1, "gcc's output is no longer straight-line"
    kinds = {"wrong register", "stack slot off by a word", "return narrowed"}
    if arch.bits == 32:
        kinds |= {"halves swapped", "carry dropped"}
    assert kinds <= set(refused), (arch.name, dict(refused))
