"""`op = "table.op"` obligations and `--op`: convention, returns and args from the
tool's ops tables (newest series by default, `series` to choose), explicit
fields overriding; docs/ops.md is the generated table; every flag has help."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pvverify.check import check
from pvverify.cli.gate import parser as gate_parser
from pvverify.cli.main import parser as cli_parser
from pvverify.kernel.opdefaults import lookup, series, table_markdown
from pvverify.obligation import ObligationError, from_dict
from pvverify.x86.arch import X86_64

ROOT = Path(__file__).parent.parent


def ob(**extra) -> dict:
    return {"schema": 1, "arch": "x86_64", "site_length": 6,
            "original": {"target": {"asm": "pushfq\npopq %rax\nretq"}},
            "replacement": {"asm": "pushfq\npopq %rax"}, **extra}


def test_op_fills_convention_returns_and_args_from_the_newest_table():
    o = from_dict(ob(op="irq.save_fl"))
    want = lookup("irq.save_fl", X86_64, series(X86_64)[-1])
    assert (o.convention, o.returns.kind, o.args, o.name) == (want.convention, "int", (), "irq.save_fl")
    assert want.convention == "pv-callee-save"
    assert check(o).verdict == "equivalent"


def test_series_and_explicit_fields_override():
    o = from_dict(ob(op="cpu.write_cr0", series="6.1", convention="sysv", args=["u64"], returns="void"))
    assert o.convention == "sysv"
    with pytest.raises(ObligationError, match="series '9.9'.*shipped: 6.1"):
        from_dict(ob(op="irq.save_fl", series="9.9"))
    with pytest.raises(ObligationError, match="did you mean irq.save_fl"):
        from_dict(ob(op="irq.save_flags"))
    with pytest.raises(ObligationError, match="only with op"):
        from_dict(ob(series="6.1", convention="sysv"))


def test_docs_ops_table_is_generated_from_the_tables():
    assert (ROOT / "docs/ops.md").read_text() == table_markdown()
    assert "| `irq.save_fl` |" in table_markdown()


def _actions(p: argparse.ArgumentParser):
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            for sub in a.choices.values():
                yield from _actions(sub)
        else:
            yield p.prog, a


def test_every_flag_has_help_and_every_command_examples():
    for prog, a in [*_actions(cli_parser()), *_actions(gate_parser())]:
        if a.dest in ("help", "version") or prog == "pvverify gate" and a.dest == "help":
            continue
        if prog == "pvverify gate" and isinstance(a, argparse._HelpAction):
            continue
        assert a.help and a.help != argparse.SUPPRESS, f"{prog}: {a.option_strings or a.dest} has no help"
    for p in (gate_parser(), *[s for a in cli_parser()._actions
                               if isinstance(a, argparse._SubParsersAction)
                               for n, s in a.choices.items() if n != "gate"]):
        assert "examples:" in p.format_help() and "exit codes:" in p.format_help(), p.prog
    assert "Thin" not in cli_parser().format_help()


def test_the_docs_op_example_is_a_correct_obligation():
    import re
    import tomllib

    text = (ROOT / "docs/obligations.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    [example] = [b for b in blocks if 'op = "irq.save_fl"' in b]
    res = check(from_dict(tomllib.loads(example), "docs"))
    assert res.verdict == "equivalent", res.reason


def test_man_page_and_bash_completion_are_generated_from_the_parsers():
    import shutil
    import subprocess

    from pvverify.cli import manpage

    assert (ROOT / "docs/pvverify.1").read_text() == manpage.man()
    assert (ROOT / "docs/pvverify.bash").read_text() == manpage.bash()
    assert "\\fB\\-\\-format\\fR" in manpage.man() and ".SH EXIT STATUS" in manpage.man()
    if shutil.which("bash"):
        script = (manpage.bash() + 'COMP_WORDS=(pvverify gate --fo); COMP_CWORD=2; _pvverify; '
                  'echo "${COMPREPLY[@]}"; COMP_WORDS=(pvverify gate --format ""); COMP_CWORD=3; '
                  '_pvverify; echo "${COMPREPLY[@]}"')
        out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout
        assert out.splitlines() == ["--format", "text json gcc"], out
