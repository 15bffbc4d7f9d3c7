"""Callee summaries (samecallee/summaries.py) against the analysis in context.

A summary must be the callee's analysis in its caller's context: the same proof
(its assumptions, functions and instructions) or the same refusal, on every shape
the same-callee tests exercise and on shapes made to tempt a summary into holding
where it must not: a helper called from many depths with harmless pointers and
then with one to the slot, a helper reading its caller's frame, recursion through
the chain above it. `baseline=True` is the analysis before summaries (every callee
in every calling context, join's widening alone).
"""

from __future__ import annotations

import pytest
from test_samecallee import BOUNDED, CASES, REFINED, obligation

from pvverify.obligation import from_dict
from pvverify.program import build as build_pair
from pvverify.samecallee import RECURSION, NoProof, analyse
from pvverify.samecallee import method as samecallee
from pvverify.samecallee.analysis import Analysis
from pvverify.x86.arch import I386, X86_64


def both(ob) -> tuple[tuple, tuple, int, int]:
    """(the answer, the baseline's answer, the visits of each): a proof as its
    counts and assumptions, a refusal as its message."""
    pair = build_pair(ob)
    sh = samecallee.shape(pair)
    out = []
    for baseline in (False, True):
        an = Analysis(pair.original, sh.target, dict(pair.preset), (pair.site, pair.site + pair.length),
                      baseline=baseline)
        try:
            p = an.run()
            out.append((("proof", p.functions, p.instructions, sorted(p.assumptions)), an.visits))
        except NoProof as e:
            out.append((("refused", str(e)), an.visits))
    return out[0][0], out[1][0], out[0][1], out[1][1]


def x86_64(name: str, body: str, args=("ptr",)):
    return from_dict({"schema": 1, "name": name, "arch": "x86_64", "convention": "sysv",
                      "returns": "u64", "args": list(args), "site_length": 6,
                      "original": {"target": {"asm": body}},
                      "replacement": {"asm": f"call {X86_64.target_address:#x}"}})


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
@pytest.mark.parametrize("name", [*CASES, *REFINED])
def test_summaries_answer_as_the_analysis_in_context(arch, name):
    body64, body32, _ = (CASES | REFINED)[name]
    new, old, _, _ = both(obligation(arch, name, body64 if arch.bits == 64 else body32))
    assert new == old


@pytest.mark.parametrize("name", BOUNDED)
def test_summaries_answer_as_the_analysis_in_context_on_bounded_loops(name):
    new, old, _, _ = both(x86_64(name, BOUNDED[name][0], ("ptr", "u32")))
    assert new == old


# a helper that loads through the pointer it is given, loops, and calls code it cannot see
HELPER = ("9: pushq %rbx\npushq %r12\nmovq (%rdi),%rax\nmovq %rax,%rbx\nxorl %ecx,%ecx\n"
          "7: addq $1,%rcx\nmovq 8(%rdi),%rdx\ncmpq $10,%rcx\njne 7b\nmovq 8(%rsi),%rax\ncall *%rax\n"
          "movq %rbx,%rax\npopq %r12\npopq %rbx\nret")


def calls(*pointers: str) -> str:
    """F calling HELPER from different depths, %rdi each time the given address."""
    lines = ["pushq %rbp", "pushq %r12", "subq $64,%rsp"]
    for i, p in enumerate(pointers):
        lines += [f"subq ${8 * (i % 3)},%rsp", f"leaq {p},%rdi", "call 9f", f"addq ${8 * (i % 3)},%rsp"]
    return "\n".join([*lines, "addq $64,%rsp", "popq %r12", "popq %rbp", "ret", HELPER])


def test_a_helper_called_from_many_places_is_analysed_once_per_entry_state(monkeypatch):
    """Called six times with a pointer to one local at three depths: its summary
    (made once, rebased) stands for every call, and the proof is the baseline's."""
    ob = x86_64("many", calls(*["16(%rsp)"] * 6), ("ptr", "ptr"))
    new, old, visits, base_visits = both(ob)
    assert new == old and new[0] == "proof", new
    made = []
    orig = Analysis._summarise
    monkeypatch.setattr(Analysis, "_summarise", lambda self, g, run: made.append(g) or orig(self, g, run))
    pair = build_pair(ob)
    Analysis(pair.original, samecallee.shape(pair).target, dict(pair.preset),
             (pair.site, pair.site + pair.length)).run()
    assert 1 <= len(made) <= 3 and visits < base_visits, (len(made), visits, base_visits)


@pytest.mark.parametrize("last", ["88(%rsp)", "96(%rsp)", "104(%rsp)"])
def test_a_summary_does_not_stand_for_a_call_given_the_slot(last):
    """The same helper, its summary made with pointers to a local, then called with a
    pointer to F's return address (its entry values differ where it looked: all of
    %rdi's): it is analysed again, and the load through it refused, as in context."""
    body = calls("16(%rsp)", "16(%rsp)", last)
    new, old, _, _ = both(x86_64("slot", body, ("ptr", "ptr")))
    assert new == old
    # (F's return address is 96 above the stack pointer at the third call: 2 pushes, 64 and 16)
    assert (new[0] == "refused" and "return address" in new[1]) == (last != "104(%rsp)"), new


def test_a_helper_reading_its_callers_frame_is_analysed_in_context():
    """A stack argument read above the helper's return address: no summary (it looks
    at its callers' frames), the helper analysed in context, the same answer; and
    one reading the slot itself so is refused alike."""
    for off in ("16", "80"):  # (F's return address: 80 above the helper's stack pointer)
        body = ("pushq %rbp\nsubq $64,%rsp\nmovq %rdi,8(%rsp)\nmovq %rdi,(%rsp)\ncall 9f\n"
                f"addq $64,%rsp\npopq %rbp\nret\n9: movq 8(%rsp),%rax\nmovq {off}(%rsp),%rdx\nret")
        new, old, _, _ = both(x86_64("args", body))
        assert new == old, (off, new, old)
        assert (new[0] == "refused") == (off == "80"), new


def test_recursion_through_the_chain_is_taken_as_in_context():
    """F calls h, h calls g, g calls h again: the inner call to h is recursion (an
    unknown callee, RECURSION) in context; g's summary, made under that chain, says
    so, and the answer is the baseline's."""
    body = ("pushq %rbx\nsubq $16,%rsp\ncall 8f\naddq $16,%rsp\npopq %rbx\nret\n"
            "8: pushq %rbp\nsubq $16,%rsp\ncall 9f\naddq $16,%rsp\npopq %rbp\nret\n"
            "9: pushq %r12\nsubq $16,%rsp\ntestq %rdi,%rdi\nje 1f\ncall 8b\n1: addq $16,%rsp\npopq %r12\nret")
    new, old, _, _ = both(x86_64("recursion", body))
    assert new == old and new[0] == "proof"
    assert RECURSION in new[3]


def test_analyse_takes_the_baseline():
    pair = build_pair(x86_64("plain", calls("16(%rsp)"), ("ptr", "ptr")))
    sh = samecallee.shape(pair)
    site = (pair.site, pair.site + pair.length)
    a = analyse(pair.original, sh.target, dict(pair.preset), site)
    b = analyse(pair.original, sh.target, dict(pair.preset), site, baseline=True)
    assert (a.functions, a.instructions, sorted(a.assumptions)) == \
        (b.functions, b.instructions, sorted(b.assumptions))
