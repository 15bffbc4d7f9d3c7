"""Counterexamples a developer reads at a glance, and instructions with fresh values.

- rdtsc/rdrand values are fresh per execution on each path: `rdtsc` for save_fl
  is refuted (rdx clobbered as well as rax), replayed on unicorn; two rdtscs
  are never proved equal (unknown: they differ only through when they read).
- Every observable that differs in the witnessing state is named, not only
  the first; witnesses are small (inputs the difference does not need are 0).
- A target that runs off its end is bad input (exit 3), not a verdict.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from pvverify.check import check
from pvverify.cli import exits
from pvverify.cli.main import main as cli_main
from pvverify.obligation import from_dict

ROOT = Path(__file__).parent.parent


def save_fl(replacement: str, target: str = "pushfq\npopq %rax\nretq", **extra) -> dict:
    return {"schema": 1, "name": "save_fl", "arch": "x86_64", "convention": "pv-callee-save",
            "returns": "u64", "args": [], "site_length": 6, "original": {"target": {"asm": target}},
            "replacement": {"asm": replacement}, **extra}


def run(d: dict):
    return check(from_dict(d, "<test>"))


def test_rdtsc_for_save_fl_is_refuted_with_rdx_clobbered_and_replayed():
    res = run(save_fl("rdtsc"))
    assert res.verdict == "not-equivalent", res.reason
    ce = res.counterexample
    assert ce.replayed and ce.replay_observable == ce.observable
    named = {ce.observable} | {o["observable"] for o in ce.others}
    assert "return value in rax" in named and "rdx" in named, named
    rdx = next(o for o in ce.others if o["observable"] == "rdx")
    assert rdx["replayed"] and "preserved" in rdx["why"]
    assert set(ce.state["fresh"]) == {"original", "replacement"}
    assert len(ce.state["fresh"]["replacement"]) == 1 and ce.state["fresh"]["original"] == []


def test_two_rdtscs_are_never_proved_equal_nor_blamed():
    """Each path reads its own TSC: never `equivalent`; and since they differ only
    through those reads (equal streams make them agree), `unknown`, not a bug."""
    res = run(save_fl("rdtsc", target="rdtsc\nretq", clobbers=["rdx"]))
    assert res.verdict == "unknown", res.reason
    assert "differ only through values read at different times" in res.reason


def test_rdrand_either_way_is_not_equal_and_rdpid_reads_one_msr():
    assert run(save_fl("rdrand %rax", target="rdrand %rax\nretq")).verdict == "unknown"
    # rdrand where the original returns the flags: rax differs even on equal streams
    assert run(save_fl("rdrand %rax")).verdict == "not-equivalent"
    # IA32_TSC_AUX is state, the same on both paths: rdpid twice reads one value
    assert run(save_fl("rdpid %rax", target="rdpid %rax\nretq")).verdict == "equivalent"


def test_every_differing_observable_is_named_pop_into_rcx():
    """`pushfq; popq %rcx` for save_fl loses rax and clobbers rcx: both are named."""
    res = run(save_fl("pushfq\npopq %rcx"))
    assert res.verdict == "not-equivalent"
    ce = res.counterexample
    named = {ce.observable} | {o["observable"] for o in ce.others}
    assert {"return value in rax", "rcx"} <= named, named


def test_witness_inputs_are_small():
    res = check(from_dict(__import__("tomllib").loads(
        (ROOT / "corpus/not-equivalent/x86_64-callee-save-clobbers-rcx.toml").read_text()), "c"),
        timeout=20)
    assert res.verdict == "not-equivalent"
    assert res.counterexample.inputs and all(v < 16 for v in res.counterexample.inputs.values()), \
        res.counterexample.inputs


def test_a_target_running_off_its_end_is_bad_input(tmp_path):
    f = tmp_path / "off.toml"
    f.write_text('schema = 1\nname = "off"\narch = "x86_64"\nconvention = "pv-callee-save"\n'
                 'returns = "u64"\nargs = []\nsite_length = 6\n[original]\n'
                 'target = { asm = "pushfq\\npopq %rax" }\n[replacement]\nasm = "pushfq\\npopq %rax"\n')
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["check", str(f)])
    assert code == exits.BAD_INPUT, out.getvalue() + err.getvalue()
    assert "runs off its end" in out.getvalue() + err.getvalue()


def test_flags_images_are_decoded_and_restore_fl_blames_if():
    """sti for restore_fl: the witness passes a flags image the kernel can hold
    (DF, NT, IOPL clear), so the difference named first is IF, decoded."""
    from pvverify.reports import witness as words
    from pvverify.x86.flagnames import decode

    assert decode(0x245002 & ~0x200) == "ID|AC|NT|IOPL=1, IF=0"
    assert decode(0x246) == "ZF|PF, IF=1"
    res = check(from_dict(__import__("tomllib").loads(
        (ROOT / "corpus/not-equivalent/x86_64-restore_fl-sti-only.toml").read_text()), "c"), timeout=20)
    ce = res.counterexample
    assert ce.observable == "IF", ce.observable
    text = "\n".join(words.lines(res.to_json()["counterexample"]))
    assert "the flags argument (rdi) = 0x2: none set, IF=0" in text, text
    res = run(save_fl("pushfq\npopq %rcx"))
    text = "\n".join(words.lines(res.to_json()["counterexample"]))
    assert "as flags: " in text and ", IF=" in text, text


def test_memory_difference_is_phrased_at_the_width_the_code_wrote():
    """PAE set_pte with its halves swapped: the word at 4(%eax), not a byte."""
    from pvverify.reports import witness as words

    res = run({"schema": 1, "name": "pae", "arch": "i386", "convention": "regparm3", "returns": "void",
               "args": ["ptr", "u64"], "site_length": 6,
               "original": {"target": {"asm": "movl %ecx, 4(%eax)\nmovl %edx, (%eax)\nret"}},
               "replacement": {"asm": "movl %edx, 4(%eax)\nmovl %ecx, (%eax)"}})
    assert res.verdict == "not-equivalent"
    w = res.counterexample.word
    assert w["size"] == 4 and w["at"] in ("(%eax)", "0x4(%eax)"), w
    line = words.word_line(res.to_json()["counterexample"])
    assert line.startswith("the 4-byte word at ") and "(edx at entry)" in line + str(w), line
