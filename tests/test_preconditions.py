"""Preconditions that hold somewhere (issue 22): a stated `assume` set that no input
state satisfies, together with the entry assumptions, is bad input naming the clash
(a proof over no state is vacuous); constants wider than their operand are refused;
the preconditions are printed with every verdict they qualify."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pvverify.check import check
from pvverify.obligation import ObligationError, from_dict

ROOT = Path(__file__).resolve().parents[1]

# i386 set_pte with its halves swapped: wrong (the low word must be written last)
SWAPPED = {"schema": 1, "name": "set_pte swapped", "arch": "i386", "convention": "regparm3",
           "returns": "void", "args": ["ptr", "u64"], "site_length": 7,
           "original": {"target": {"asm": "movl %ecx, 4(%eax)\nmovl %edx, (%eax)\nret"}},
           "replacement": {"asm": "movl %edx, 4(%eax)\nmovl %ecx, (%eax)"}}


def ob(*assume: str):
    return from_dict({**SWAPPED, "assume": list(assume)}, "swapped.toml")


def test_the_swapped_set_pte_is_wrong_without_preconditions():
    assert check(ob()).verdict == "not-equivalent"


@pytest.mark.parametrize(("assume", "named"), [
    (["df == 1"], ["assume 'df == 1'", "DF == 0"]),
    (["cr4 & 0x20000 != 0"], ["assume 'cr4 & 0x20000 != 0'", "CR4"]),  # PCIDE on i386
    (["eax > 0xffffffff"], ["assume 'eax > 0xffffffff' is always false"]),
    (["eax == 0x1000", "eax == 0x2000"], ["assume 'eax == 0x1000'", "assume 'eax == 0x2000'"]),
    (["edx == 1", "ecx == 2", "edx == ecx"], ["'edx == 1'", "'ecx == 2'", "'edx == ecx'"]),
])
def test_preconditions_no_state_meets_are_bad_input_naming_the_clash(assume, named):
    with pytest.raises(ObligationError) as e:
        check(ob(*assume))
    msg = str(e.value)
    assert "hold in no input state" in msg and all(n in msg for n in named), msg


def test_a_clash_names_only_what_clashes():
    with pytest.raises(ObligationError) as e:
        check(ob("ebx == 7", "eax == 0x1000", "eax == 0x2000"))
    assert "ebx" not in str(e.value)


@pytest.mark.parametrize("text", ["mem8[eax] == 0x100", "mem16[eax] == 0x10000", "eax == 0x100000000",
                                  "eax + 0x100000000 == 1", "mem32[0x100000000] == 0"])
def test_constants_wider_than_their_operand_are_refused(text):
    with pytest.raises(ObligationError) as e:
        ob(text)
    assert "does not fit" in str(e.value)


def test_constants_that_fit_are_kept():
    for text in ("mem8[eax] == 0xff", "eax == 0xffffffff", "eax == -1", "mem16[eax] == 0xffff"):
        ob(text)  # no error


def test_satisfiable_preconditions_qualify_the_verdict_in_every_output(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text("\n".join(f"{k} = {json.dumps(v)}" for k, v in SWAPPED.items() if k != "original"
                           and k != "replacement")
                 + '\nassume = ["ecx == edx"]\n[original]\ntarget = { asm = "movl %ecx, 4(%eax)\\n'
                   'movl %edx, (%eax)\\nret" }\n[replacement]\nasm = "movl %edx, 4(%eax)\\n'
                   'movl %ecx, (%eax)"\n')
    run = [sys.executable, "-m", "pvverify", "check", str(f)]
    p = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr  # equal halves: the order does not matter
    assert "under the stated preconditions: ecx == edx" in p.stdout  # without -v
    p = subprocess.run([*run, "--format", "json"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert json.loads(p.stdout)["preconditions"] == ["ecx == edx"]


def test_the_cli_exits_3_for_vacuous_preconditions(tmp_path):
    f = tmp_path / "v.toml"
    f.write_text('schema = 1\narch = "i386"\nconvention = "regparm3"\nreturns = "void"\nsite_length = 7\n'
                 'assume = ["df == 1"]\n[original]\ntarget = { asm = "cli\\nret" }\n'
                 '[replacement]\nasm = "sti"\n')
    p = subprocess.run([sys.executable, "-m", "pvverify", "check", str(f)], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 3 and "df == 1" in p.stderr and "Traceback" not in p.stderr
