"""Same-callee proofs against exploration on random callees.

Each example is a small x86_64 callee built from the instructions the same-callee
analysis has rules for (frames, pushes, stack moves, `lea` of stack addresses,
loads through registers, string copies and stores over the stack, DF set through
the flags image, stores to the caller's memory, branches), with offsets that reach the return-address slot and
the caller's frame as often as not. Wherever same-callee proves the direct call
equivalent, exploration (whose counterexamples are replayed on unicorn) must not
find the two paths to differ; and the helper's summary must answer as its analysis
in context does (the same proof or the same refusal as `baseline=True`). The
default run draws 100 callees; the long run:

    .venv/bin/python -m pytest -m slow tests/test_samecallee_fuzz.py
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from pvverify.check import check
from pvverify.obligation import from_dict
from pvverify.program import build as build_pair
from pvverify.samecallee import NoProof, analyse
from pvverify.samecallee import method as samecallee
from pvverify.x86.arch import X86_64

SCRATCH = ("rax", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11")


@st.composite
def callees(draw) -> str:
    """A balanced callee: `push %rbx` (the caller's pointer argument lives in %rbx),
    a frame, 1-8 instructions, the frame and pushes undone, `ret`; then a helper it
    may call with a pointer in %rsi."""
    frame = draw(st.sampled_from((0, 16, 32, 48)))
    lines = ["pushq %rbx", "movq %rdi,%rbx"] + ([f"subq ${frame},%rsp"] if frame else [])
    depth = 8 + frame  # the slot is at depth(%rsp)
    pushed = 0

    def off() -> int:  # an offset from %rsp: locals, the slot, the caller's frame
        return draw(st.integers(0, (depth + 16) // 4)) * 4

    reg = st.sampled_from(SCRATCH)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(("lea", "store", "load", "deref", "out", "add", "zero", "movs",
                                     "stos", "push", "pop", "skip", "helper", "loop", "maybe", "flags")))
        r, r2 = draw(reg), draw(reg)
        if kind == "lea":
            lines.append(f"leaq {off()}(%rsp),%{r}")
        elif kind == "store":
            lines.append(f"movq %{r},{off()}(%rsp)")
        elif kind == "load":
            lines.append(f"movq {off()}(%rsp),%{r}")
        elif kind == "deref":  # through whatever the register holds (guarded: a stack address)
            lines += [f"leaq {off()}(%rsp),%{r2}", f"movq (%{r2}),%{r}"]
        elif kind == "out":  # where the caller can see it
            lines.append(f"movq %{r},(%rbx)")
        elif kind == "add":
            lines.append(f"addq ${draw(st.integers(-16, 16)) * 4},%{r}")
        elif kind == "zero":
            lines.append(f"xorl %e{r[1:]},%e{r[1:]}" if r[1:] in ("ax", "cx", "dx", "si")
                         else f"xorl %{r}d,%{r}d")
        elif kind == "movs":
            n = draw(st.integers(1, 6))
            lines += [f"leaq {off()}(%rsp),%rsi", f"leaq {off()}(%rsp),%rdi", f"movl ${n},%ecx",
                      "rep movsl"]
        elif kind == "stos":
            lines += [f"leaq {off()}(%rsp),%rdi", f"movl ${draw(st.integers(1, 4))},%ecx", "rep stosl"]
        elif kind == "push":
            lines.append(f"pushq %{r}")
            depth += 8
            pushed += 1
        elif kind == "pop" and pushed:
            lines.append(f"popq %{r}")
            depth -= 8
            pushed -= 1
        elif kind == "skip":  # a branch around one store
            lines += [f"testq %{r},%{r}", "je 1f", f"movq %{r2},{off()}(%rsp)", "1:"]
        elif kind == "helper":  # a callee reading and writing through the pointer it is given
            lines += [f"leaq {off()}(%rsp),%rsi", "call 2f"]
        elif kind == "maybe":  # p = cond ? stack address : NULL; if (p) access p[disp]
            access = (f"movq %{r2},{off() - 8}(%{r})" if draw(st.booleans())
                      else f"movq {off() - 8}(%{r}),%{r2}")
            lines += [f"leaq {off()}(%rsp),%{r}", f"testq %{r2},%{r2}", "jne 5f",
                      f"xorl %e{r[1:]},%e{r[1:]}" if r[1:] in ("ax", "cx", "dx", "si")
                      else f"xorl %{r}d,%{r}d", "5:", f"testq %{r},%{r}", "je 6f", access, "6:"]
        elif kind == "flags":  # DF set or cleared through the flags image, popped back
            op = draw(st.sampled_from(("orq $0x400", "andq $-0x401", "xorq $0x400", "movq $0x402")))
            lines += ["pushfq", f"popq %{r}", f"{op},%{r}", f"pushq %{r}", "popfq"]
        elif kind == "loop":  # a counted loop storing through an index
            n = draw(st.integers(1, 4))
            lines += [f"leaq {off()}(%rsp),%rdx", f"movl ${n},%ecx", f"3: movq %{r},-8(%rdx,%rcx,8)",
                      "subl $1,%ecx", "jne 3b"]
    lines += [f"popq %{draw(reg)}"] * pushed
    lines += ([f"addq ${frame},%rsp"] if frame else []) + ["popq %rbx", "ret"]
    lines += ["2: movq (%rsi),%rax", "movq %rax,8(%rsi)", "ret"]
    return "\n".join(lines)


def _obligation(body: str):
    return from_dict({"schema": 1, "name": "fuzz", "arch": "x86_64", "convention": "sysv",
                      "returns": "ptr", "args": ["ptr"], "site_length": 6,
                      "original": {"target": {"asm": body}},
                      "replacement": {"asm": f"call {X86_64.target_address:#x}"}})


def _answer(pair, baseline: bool) -> tuple:
    """The fixpoint's proof (its counts and assumptions), or None for a refusal; with
    `baseline`, as before callee summaries (every callee in every calling context)."""
    sh = samecallee.shape(pair)
    try:
        p = analyse(pair.original, sh.target, dict(pair.preset), (pair.site, pair.site + pair.length),
                    baseline=baseline)
        return p.functions, p.instructions, sorted(p.assumptions)
    except NoProof:
        return None


def _agree(body: str) -> None:
    ob = _obligation(body)
    pair = build_pair(ob)
    proved, why = samecallee.decide(pair)
    # a helper's summary is its analysis in context: the same proof or a refusal alike
    # (the words of a refusal may differ: the loop heads widen sooner than before)
    assert _answer(pair, False) == _answer(pair, True), body
    if proved is None:
        event("same-callee refused")
        assert why, body  # a refusal always says why
        return
    event("same-callee proved")
    explored = check(ob, same_callee=False)
    event(f"exploration: {explored.verdict}")
    assert explored.verdict != "not-equivalent", (body, explored.reason, explored.counterexample)


@seed(20261201)
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=callees())
def test_same_callee_proofs_survive_exploration(body):
    _agree(body)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=callees())
def test_same_callee_proofs_survive_exploration_long(body):
    _agree(body)
