"""Soundness fuzz: mutants of corpus replacements and random sequences, judged by a CPU.

Whenever unicorn finds an input state under which the observables of the two
paths differ, pvverify must not have said `equivalent`; whenever pvverify says
`not-equivalent`, its counterexample must have replayed; an `unknown` that says
the model and the CPU disagree is a model bug. Failures print a ready-to-add
corpus file. Seeded and bounded by default; the long profile:

    PVVERIFY_FUZZ_EXAMPLES=100000 PVVERIFY_FUZZ_SECONDS=1800 PVVERIFY_FUZZ_LOG=fuzz.log \
        .venv/bin/python -m pytest -m slow tests/test_soundness_fuzz.py

PVVERIFY_FUZZ_SECONDS bounds the run's wall time (examples after it pass
without work); PVVERIFY_FUZZ_LOG appends one line per judged example (the
verdict and how many CPU states were compared), for the record of a run.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from machine_states import states

from pvverify.check import check
from pvverify.exploration import counterexample as cx
from pvverify.obligation import Obligation, ObligationError, from_dict, load
from pvverify.oracle import run as run_cpu
from pvverify.program import build
from pvverify.x86.arch import ARCHES, Arch
from pvverify.x86.assemble import AssemblyError, assemble
from pvverify.x86.conventions import clobbers, return_slots

ROOT = Path(__file__).resolve().parents[1]
LONG = int(os.environ.get("PVVERIFY_FUZZ_EXAMPLES", "0"))
LONG_SECONDS = float(os.environ.get("PVVERIFY_FUZZ_SECONDS", "inf"))
LOG = os.environ.get("PVVERIFY_FUZZ_LOG")
_START = time.monotonic()

POOL = {
    "x86_64": ["cli", "sti", "pushfq\npopq %rax", "pushq %rdi\npopfq", "movq %cr2, %rax",
               "movq %cr3, %rax", "movq %rdi, %cr3", "swapgs", "wbinvd", "invlpg (%rdi)",
               "movb $0, (%rdi)", "movw $0, (%rdi)", "movq %rdi, %rax", "movl %edi, %eax",
               "xorl %eax, %eax", "addq %rsi, %rax", "incq %rcx", "std", "cld", "stac", "clac",
               "hlt", "nop", "pushq %rcx\npopq %rcx", "leaq 8(%rdi), %rax", "notq %rax",
               "cli\nhlt", "rdgsbase %rax", "wrgsbase %rdi", "lock cmpxchgq %rsi, (%rdi)",
               "movq %cr4, %rax\nxorq $0x80, %rax\nmovq %rax, %cr4", "xorl %ecx, %ecx\nxgetbv"],
    "i386": ["cli", "sti", "pushfl\npopl %eax", "pushl %eax\npopfl", "movl %cr2, %eax",
             "movl %eax, %cr3", "wbinvd", "invlpg (%eax)", "movb $0, (%eax)", "movw $0, (%eax)",
             "movl %edx, %eax", "xorl %eax, %eax", "addl %ecx, %eax", "incl %ecx", "std", "cld",
             "hlt", "nop", "movl 4(%esp), %eax", "movl (%esp), %edx", "cli\nhlt",
             "lock cmpxchgl %ecx, (%eax)"],
}
REGS = {"x86_64": ["rax", "rcx", "rdx", "rsi", "rdi", "rbx", "r8", "r11"],
        "i386": ["eax", "ecx", "edx", "esi", "edi", "ebx"]}
SWAPS = [("cli", "sti"), ("wbinvd", "invd"), ("sysretq", "sysretl"), ("sysexitq", "sysexit"),
         ("rdgsbase", "rdfsbase"), ("cmpxchgq", "cmpxchgl"), ("stac", "clac"), ("cld", "std"), ("add", "sub"),
         ("movb", "movw"), ("movw", "movl"), ("pushfq", "pushfw"), ("inc", "dec")]


def _base_obligations() -> list[Obligation]:
    obs = []
    for f in sorted((ROOT / "corpus").rglob("*.toml")):
        ob = load(f)
        if ob.replacement.asm is not None and ob.target.asm is not None and not ob.assume:
            obs.append(ob)
    return obs


BASES = _base_obligations()


@st.composite
def mutants(draw) -> dict:
    """A corpus obligation whose replacement was mutated, or a random sequence."""
    if BASES and draw(st.booleans()):
        ob = draw(st.sampled_from(BASES))
        arch, text = ob.arch.name, ob.replacement.asm or ""
        d = {"arch": arch, "convention": ob.convention, "returns": ob.returns.name,
             "args": [a.name for a in ob.args], "site_length": ob.site_length,
             "target": ob.target.asm}
        if ob.clobbers is not None:
            d["clobbers"] = list(ob.clobbers)
    else:
        arch = draw(st.sampled_from(["x86_64", "i386"]))
        tgt = draw(st.lists(st.sampled_from(POOL[arch]), min_size=1, max_size=3))
        text = "\n".join(tgt)
        d = {"arch": arch, "convention": "pv-callee-save" if draw(st.booleans())
             else ("sysv" if arch == "x86_64" else "regparm3"),
             "returns": draw(st.sampled_from(["void", "u32", "bool"])), "args": [],
             "site_length": 16, "target": text + ("\nretq" if arch == "x86_64" else "\nret")}
    lines = [x for x in text.split("\n") if x.strip()]
    kind = draw(st.sampled_from(["delete", "insert", "swap-mnemonic", "swap-reg", "duplicate"]))
    if kind == "delete" and lines:
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif kind == "insert":
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(POOL[arch])))
    elif kind == "duplicate" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
    elif kind == "swap-mnemonic" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        a, b = draw(st.sampled_from(SWAPS))
        lines[i] = lines[i].replace(a, b, 1) if a in lines[i] else lines[i].replace(b, a, 1)
    elif kind == "swap-reg" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        regs = REGS[arch]
        found = [r for r in regs if re.search(rf"%{r}\b", lines[i])]
        if found:
            lines[i] = re.sub(rf"%{found[0]}\b", "%" + draw(st.sampled_from(regs)), lines[i], count=1)
    d["replacement"] = "\n".join(lines)
    if draw(st.integers(0, 3)) == 0:
        # byte level: assemble, then overwrite or drop one byte
        try:
            code = bytearray(assemble(ARCHES[arch], d["replacement"], ARCHES[arch].site_address))
        except AssemblyError:
            return d
        if code:
            i = draw(st.integers(0, len(code) - 1))
            if draw(st.booleans()):
                code[i] = draw(st.integers(0, 255))
            else:
                del code[i]
        d["replacement_hex"] = code.hex()
    return d


def to_toml(d: dict, expect: str) -> str:
    clob = f'clobbers = {d["clobbers"]!r}\n'.replace("'", '"') if "clobbers" in d else ""
    args = str(d["args"]).replace("'", '"')
    return ((f'schema = 1\narch = "{d["arch"]}"\nconvention = "{d["convention"]}"\n{clob}'
            f'returns = "{d["returns"]}"\nargs = {args}\nsite_length = {d["site_length"]}\n'
            f'expect = "{expect}"\n[original]\ntarget = {{ asm = {d["target"]!r} }}\n')
            + (f'[replacement]\nhex = "{d["replacement_hex"]}"\n' if "replacement_hex" in d
               else f'[replacement]\nasm = {d["replacement"]!r}\n')).replace("'", '"')


def cpu_differs(ob: Obligation, arch: Arch, state) -> list:
    pair = build(ob)
    clob = clobbers(arch, ob.convention, ob.clobbers)
    rets = return_slots(arch, ob.convention, ob.returns)
    state = copy.deepcopy(state)
    for addr, data in pair.preset:  # the ops-table slot holds the target, as in the kernel
        for i, b in enumerate(data):
            state.memory[(addr + i) & arch.mask] = b

    def observe(prog):
        out = run_cpu(arch, [(r.address, r.data) for r in prog.regions], prog.entry, prog.exit,
                      state, 5000)
        if out.stop.startswith(("fault", "unsupported")) and "#DE" not in out.stop:
            return None
        return cx.concrete_observables(out, arch.gprs, arch.sp, clob, rets, state.regs[arch.sp],
                                       arch.mask, None, prog.exit)

    co, cr = observe(pair.original), observe(pair.replacement)
    if co is None or cr is None:
        return []
    return cx.compare_replay(co, cr)


def _fuzz(d: dict, data) -> None:
    obd = {"schema": 1, "arch": d["arch"], "convention": d["convention"], "returns": d["returns"],
           "args": d["args"], "site_length": d["site_length"],
           "original": {"target": {"asm": d["target"]}},
           "replacement": {"hex": d["replacement_hex"]} if "replacement_hex" in d
           else {"asm": d["replacement"]}}
    if "clobbers" in d:
        obd["clobbers"] = d["clobbers"]
    try:
        ob = from_dict(obd, "fuzz")
        res = check(ob)
    except ObligationError:
        return  # the mutant does not assemble: nothing to judge
    assert "model and CPU disagree" not in res.reason, \
        f"model bug:\n{res.reason}\n--- corpus file ---\n{to_toml(d, 'not-equivalent')}"
    if res.verdict != "equivalent":
        _log(res.verdict, 0)
        return
    arch = ARCHES[d["arch"]]
    for _ in range(4):
        state = data.draw(states(arch))
        diffs = cpu_differs(ob, arch, state)
        assert not diffs, (f"UNSOUND: pvverify said equivalent but the CPU shows {diffs[0]}\n"
                           f"--- corpus file ---\n{to_toml(d, 'not-equivalent')}")
    _log(res.verdict, 4)


def _log(verdict: str, states_compared: int) -> None:
    if LOG:
        with open(LOG, "a") as f:
            f.write(f"{time.monotonic() - _START:.1f} {verdict} {states_compared}\n")


@seed(20261125)
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(d=mutants(), data=st.data())
def test_no_unsound_verdict(d, data):
    _fuzz(d, data)


class _TimeUp(BaseException):
    """Raised once PVVERIFY_FUZZ_SECONDS have passed. A BaseException, so that
    hypothesis lets it through as it does KeyboardInterrupt (a plain early return
    would change what an example draws, which hypothesis reports as flaky)."""


@pytest.mark.slow
def test_no_unsound_verdict_long():
    @settings(max_examples=max(LONG, 2000), deadline=None, suppress_health_check=list(HealthCheck))
    @given(d=mutants(), data=st.data())
    def run(d, data):
        if time.monotonic() - _START > LONG_SECONDS:
            raise _TimeUp
        _fuzz(d, data)

    with contextlib.suppress(_TimeUp):
        run()
