"""The command line: verdicts, JSON lines, several files in one call, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pvverify", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def write(tmp: Path, name: str, target: str, repl: str, conv: str = "pv-callee-save") -> Path:
    p = tmp / name
    p.write_text(
        f'schema = 1\narch = "x86_64"\nconvention = "{conv}"\nreturns = "void"\nsite_length = 6\n'
        f'[original]\ntarget = {{ asm = "{target}" }}\n[replacement]\nasm = "{repl}"\n'
    )
    return p


def test_bundled_example_is_equivalent():
    p = run("check", "examples/save_fl.toml")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "equivalent" in p.stdout


def test_flags_form_not_equivalent_has_counterexample():
    p = run("check", "--arch", "x86_64", "--convention", "pv-callee-save", "--site-length", "6",
            "--target-asm", "cli\nretq", "--replacement-asm", "sti", "--format", "json")
    assert p.returncode == 1, p.stdout + p.stderr
    d = json.loads(p.stdout.splitlines()[0])
    assert d["verdict"] == "not-equivalent"
    assert d["counterexample"]["observable"] == "IF"
    assert d["counterexample"]["original"] == "0x0" and d["counterexample"]["replacement"] == "0x1"


def test_many_files_json_lines_and_worst_exit(tmp_path):
    write(tmp_path, "a.toml", "cli\\nretq", "cli")
    write(tmp_path, "b.toml", "cli\\nretq", "rdpmc")
    p = run("check", str(tmp_path), "--format", "json")
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert {Path(x["file"]).name: x["verdict"] for x in lines} == {"a.toml": "equivalent",
                                                                   "b.toml": "unknown"}
    assert "rdpmc" in [x for x in lines if x["verdict"] == "unknown"][0]["reason"]
    assert p.returncode == 2


def test_bad_input_exit_code(tmp_path):
    write(tmp_path, "bad.toml", "cli\\nretq", "not_an_instruction %rax")
    p = run("check", str(tmp_path / "bad.toml"))
    assert p.returncode == 3
    assert "bad.toml" in p.stderr and "assembler rejected" in p.stderr
    p = run("check", "--arch", "x86_64", "--convention", "sysv", "--site-length", "6",
            "--target-hex", "zz", "--replacement-hex", "90")
    assert p.returncode == 3 and "not hex" in p.stderr


def test_usage_errors_are_4_not_unknown_through_the_console_entry():
    """argparse's own exit 2 would read as 'unknown' (and pass under --allow-unknown)."""
    for args in (["gate", "--allow-unknown", "--no-such-flag", "vmlinux"], ["check", "--timeout", "-1"],
                 ["gate", "--jobs", "0", "vmlinux"], ["bogus-command"]):
        p = run(*args)
        assert p.returncode == 4, (args, p.returncode, p.stderr)
        assert "usage:" in p.stderr and "Traceback" not in p.stderr
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith("pvverify ")


def test_one_bad_file_is_exit_3_and_the_others_still_reported(tmp_path):
    write(tmp_path, "a.toml", "cli\\nretq", "cli")
    write(tmp_path, "b.toml", "cli\\nretq", "sti")
    (tmp_path / "c.toml").write_bytes(b"schema = 1\n\xff\xfe\n")
    p = run("check", str(tmp_path), "--format", "json")
    assert p.returncode == 3, p.stderr
    lines = {Path(x["file"]).name: x for x in map(json.loads, p.stdout.splitlines())}
    assert lines["a.toml"]["verdict"] == "equivalent"
    assert lines["b.toml"]["verdict"] == "not-equivalent"
    assert lines["c.toml"]["verdict"] is None and "not UTF-8" in lines["c.toml"]["error"]


def test_a_closed_stdout_keeps_the_verdicts_exit_code(tmp_path):
    """`pvverify check bad.toml | head -1`: the reader is gone before anything is
    written (its end of the pipe closed first), so every write fails with EPIPE;
    the exit code is still the verdict's, without a traceback."""
    import os

    bad = write(tmp_path, "bad.toml", "cli\\nretq", "sti")
    good = write(tmp_path, "good.toml", "cli\\nretq", "cli")
    for files, code in (([bad], 1), ([good, bad], 1), ([good], 0)):
        for fmt in ("text", "json"):
            r, w = os.pipe()
            os.close(r)
            try:
                p = subprocess.run([sys.executable, "-m", "pvverify", "check", *map(str, files),
                                    "--format", fmt], stdout=w, stderr=subprocess.PIPE, text=True,
                                   cwd=ROOT, timeout=300)
            finally:
                os.close(w)
            assert p.returncode == code, (files, fmt, p.stderr)
            assert "Traceback" not in p.stderr and "Broken pipe" not in p.stderr
