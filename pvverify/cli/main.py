"""`pvverify`: the command line. Parses, calls `check`/`gate`, renders, exits.

Exit codes (also in the README and every `--help`; `pvverify.cli.exits`):
  0  every obligation equivalent
  1  some obligation not-equivalent
  2  some obligation unknown (and none not-equivalent)
  3  bad input (unreadable or invalid obligation, bad hex, unassemblable code,
     malformed ELF, unknown op); named in the message
  4  usage error (unknown flag, missing or bad value)
  5  internal error (a bug; never reported as a verdict)
  130, 143  stopped by SIGINT, SIGTERM
Heavy imports (z3, pypcode, unicorn) happen after argument parsing, so
`--help` and input errors answer at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pvverify.cli import exits
from pvverify.cli.exits import ArgumentParser, positive_int
from pvverify.util.version import __version__

CHECK_EXAMPLES = """\
examples:
  pvverify check --example                      check the bundled save_fl obligation
  pvverify check examples/save_fl.toml          one obligation file
  pvverify check corpus/ --format json          every .toml under a directory, JSON lines
  pvverify check --arch x86_64 --op irq.save_fl --site-length 6 \\
      --target-asm $'pushfq\\npopq %rax\\nretq' --replacement-asm $'pushfq\\npopq %rax'
                                                an obligation from flags, the op's
                                                convention and types from the tool's tables

"""


def _check_parser(sub: argparse._SubParsersAction) -> None:
    from pvverify.cli.exits import EPILOG

    p = sub.add_parser(
        "check", help="prove obligations (TOML files, directories, or flags)",
        description="Prove that each site's replacement is equivalent to the indirect call it "
                    "replaces, or refute it with a counterexample replayed on unicorn. An "
                    "obligation (docs/obligations.md) names the op's calling convention, types, "
                    "the original call's target and the replacement bytes.",
        epilog=CHECK_EXAMPLES + EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="obligation .toml files, or directories searched for them")
    p.add_argument("--example", action="store_true",
                   help="check the example obligation bundled with pvverify (save_fl; the same "
                        "as examples/save_fl.toml) and print where it is")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (default): the verdict, the difference and both paths; json: one "
                        "object per obligation per line")
    exits.add_work_bounds(p, 600.0)
    p.add_argument("--no-replay", action="store_true",
                   help="do not replay counterexamples on unicorn (faster, less trustworthy; "
                        "default: replay)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also show the paths explored, the time and the assumptions of the proof")
    g = p.add_argument_group("an obligation from flags (instead of files)")
    g.add_argument("--arch", choices=("i386", "x86_64"), help="the mode the site runs in (required)")
    g.add_argument("--op", metavar="TABLE.OP",
                   help="the op (e.g. irq.save_fl): convention, returns and args from the tool's "
                        "ops tables (docs/ops.md), unless given below")
    g.add_argument("--series", metavar="X.Y",
                   help="the kernel series whose ops table --op reads (default: the newest shipped "
                        "for the arch)")
    g.add_argument("--convention", choices=("regparm3", "sysv", "pv-callee-save"),
                   help="how arguments and results travel and what the callee may clobber "
                        "(required without --op)")
    g.add_argument("--clobbers", metavar="REGS",
                   help="comma-separated registers the call may change (overrides the convention)")
    g.add_argument("--returns", metavar="TYPE",
                   help="the return type word: void, u8..u64, ulong, ptr, bool, struct... "
                        "(default: void, or the op's)")
    g.add_argument("--args", metavar="TYPES",
                   help="comma-separated argument type words (default: none, or the op's)")
    g.add_argument("--site-length", type=positive_int, metavar="BYTES",
                   help="bytes at the site: the call plus padding (required; at least 6)")
    g.add_argument("--target-asm", metavar="ASM",
                   help="the function the indirect call reaches, AT&T syntax, newline-separated")
    g.add_argument("--target-hex", metavar="HEX", help="... or as machine code in hex")
    g.add_argument("--replacement-asm", metavar="ASM", help="what is patched in at the site, AT&T")
    g.add_argument("--replacement-hex", metavar="HEX", help="... or as machine code in hex")
    g.add_argument("--name", help="the obligation's name in reports (default: the op, or "
                                  "'command line')")


def _obligation_from_flags(a: argparse.Namespace) -> dict:
    needed = ("arch", "site_length") if a.op else ("arch", "convention", "site_length")
    missing = [f for f in needed if getattr(a, f) is None]
    if missing:
        raise ValueError("--" + ", --".join(m.replace("_", "-") for m in missing) + " required")
    if (a.target_asm is None) == (a.target_hex is None):
        raise ValueError("give exactly one of --target-asm and --target-hex")
    if (a.replacement_asm is None) == (a.replacement_hex is None):
        raise ValueError("give exactly one of --replacement-asm and --replacement-hex")
    d: dict = {
        "schema": 1, "name": a.name or a.op or "command line", "arch": a.arch,
        "site_length": a.site_length,
        "original": {"target": {"asm": a.target_asm} if a.target_asm is not None
                     else {"hex": a.target_hex}},
        "replacement": {"asm": a.replacement_asm} if a.replacement_asm is not None
        else {"hex": a.replacement_hex},
    }
    if a.op:
        d["op"] = a.op
        if a.series:
            d["series"] = a.series
    elif a.series:
        raise ValueError("--series needs --op")
    if a.convention is not None:
        d["convention"] = a.convention
    if a.returns is not None or not a.op:
        d["returns"] = a.returns or "void"
    if a.args is not None or not a.op:
        args = a.args or ""
        d["args"] = [t for t in args.replace(" ", "").split(",") if t] \
            if not args.startswith("struct") else [args]
    if a.clobbers is not None:
        d["clobbers"] = [c for c in a.clobbers.replace(" ", "").split(",") if c]
    return d


def _expand(paths: list[str]) -> list[Path]:
    """Files as given; directories become their .toml files. A path that is neither
    stays in the list, so loading it reports it as bad input with the others."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*.toml") if not f.is_dir())
        else:
            out.append(p)
    return out


def _bad(a: argparse.Namespace, label: str, msg: str, what: str = "bad input") -> None:
    if a.format == "json":
        import json

        print(json.dumps({"file": label, "verdict": None, "error": msg, "exit": what}), flush=True)
    else:
        print(f"{label}: {what}\n  {msg}", file=sys.stderr, flush=True)


def cmd_check(a: argparse.Namespace) -> int:
    from pvverify.check import check
    from pvverify.obligation import ObligationError, from_dict, load
    from pvverify.reports import check_text as report
    from pvverify.util import budget
    from pvverify.verdict import Result

    jobs: list[tuple[str, object]] = []
    if a.example:
        from importlib import resources

        if a.files or a.arch:
            print("pvverify check: --example takes no files or flags", file=sys.stderr)
            return exits.USAGE
        ex = resources.files("pvverify.data").joinpath("example-save_fl.toml")
        with resources.as_file(ex) as path:
            print(f"# the bundled example: {path}", flush=True)
            a.files, a.example = [str(path)], False
            return cmd_check(a)
    if a.files:
        if a.arch or a.target_asm or a.target_hex:
            print("pvverify check: give obligation files or flags, not both", file=sys.stderr)
            return exits.USAGE
        files = _expand(a.files)
        if not files:
            print("pvverify check: no .toml obligations found", file=sys.stderr)
            return exits.BAD_INPUT
        jobs = [(str(f), f) for f in files]
    else:
        try:
            jobs = [("<flags>", _obligation_from_flags(a))]
        except ValueError as e:
            print(f"pvverify check: {e}", file=sys.stderr)
            return exits.USAGE

    codes: list[int] = []
    results: list[Result] = []
    for label, src in jobs:
        # one file's failure is reported and the batch goes on: the exit code says
        # the worst, and every other file still has its result
        try:
            ob = load(src) if isinstance(src, Path) else from_dict(src, label)  # type: ignore[arg-type]
            res = check(ob, limits=budget.limits_of(a), replay=not a.no_replay)
        except ObligationError as e:
            codes.append(exits.BAD_INPUT)
            _bad(a, label, str(e))
            continue
        except (RecursionError, MemoryError) as e:
            codes.append(exits.BAD_INPUT)
            _bad(a, label, f"too large or too deeply nested to process ({type(e).__name__})")
            continue
        except Exception as e:  # a bug: exit 5, but the other files still run
            codes.append(exits.INTERNAL)
            _bad(a, label, f"{exits.INTERNAL_PREFIX} {type(e).__name__}: {e}", "internal error")
            continue
        results.append(res)
        if a.format == "json":
            print(report.to_json_line(res), flush=True)
        else:
            print(report.to_text(res, a.verbose), flush=True)
        codes.append(exits.INTERNAL if res.reason.startswith(exits.INTERNAL_PREFIX) else res.exit_code)
    if a.format == "text" and len(jobs) > 1:
        print(report.summary(results))
    return exits.worst(codes)


def cmd_prove(a: argparse.Namespace) -> int:
    """Write SMT-LIB2 proofs and a manifest for every obligation under the given paths."""
    from pvverify.obligation import ObligationError, load
    from pvverify.proofs import emit

    files = _expand(a.files)
    roots = [Path(f) for f in a.files]
    obligations = []
    try:
        for f in files:
            root = next((r for r in roots if r.is_dir() and r in f.parents), f.parent)
            obligations.append((str(f.relative_to(root.parent) if root.is_dir() else f), load(f)))
    except ObligationError as e:
        print(f"pvverify prove: {e}", file=sys.stderr)
        return exits.BAD_INPUT
    except (RecursionError, MemoryError) as e:
        print(f"pvverify prove: an obligation is too large or too deeply nested ({type(e).__name__})",
              file=sys.stderr)
        return exits.BAD_INPUT
    entries = emit(obligations, Path(a.emit))
    n = sum(1 for e in entries if e.smt2)
    print(f"{len(entries)} obligations, {n} proofs written to {a.emit} "
          f"({len(entries) - n} unknown, no proof)")
    return 0


def parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="pvverify",
        description="Formal equivalence checker for Linux x86 paravirt patch sites: proves that a "
                    "patched call site is equivalent to the indirect call it replaces, or refutes "
                    "it with a counterexample replayed on unicorn.\n\n"
                    "  pvverify check FILE...     prove obligations (TOML; docs/obligations.md)\n"
                    "  pvverify gate BINARY...    every patch site of a vmlinux, modules or a "
                    "kernel package (CI)\n"
                    "  pvverify prove --emit DIR  SMT-LIB2 proofs for other solvers\n\n"
                    "`pvverify COMMAND --help` describes each command's flags, defaults and examples.")
    p.add_argument("--version", action="version", version=f"pvverify {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    _check_parser(sub)
    pp = sub.add_parser(
        "prove", help="emit SMT-LIB2 proofs of obligations for other solvers",
        description="Write, for every obligation, the SMT-LIB2 query whose unsatisfiability is the "
                    "proof (for cvc5, bitwuzla or any SMT solver to check), and a manifest.",
        epilog="examples:\n  pvverify prove corpus/equivalent --emit proofs/\n\n" + exits.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    pp.add_argument("files", nargs="+", metavar="FILE", help="obligation files or directories of them")
    pp.add_argument("--emit", required=True, metavar="DIR",
                    help="where to write the .smt2 proofs and manifest.json (required)")
    sub.add_parser("gate", help="verify every paravirt patch site of kernel binaries",
                   add_help=False)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "gate":
        from pvverify.cli.gate import main as gate_main

        return gate_main(argv[1:])
    a = parser().parse_args(argv)
    if a.command == "check":
        return cmd_check(a)
    return cmd_prove(a)


def entry() -> int:
    """The process's entry point (`python -m pvverify`, the `pvverify` script): run,
    with SIGINT/SIGTERM handled from its first moment to its last (signals.handled)."""
    import signal

    from pvverify.util.signals import NAMES, Interrupted, install, stop_helpers

    try:
        install()
        code = run(final=True)
    except Interrupted as e:  # before or after run's own handling
        _quiet_write(f"pvverify: {e}: stopped\n")
        code = e.code
    for s in NAMES:
        signal.signal(s, signal.SIG_IGN)
    stop_helpers()  # both signals are ignored by now: nothing interrupts this
    return code


def run(argv: list[str] | None = None, final: bool = False) -> int:
    """The console entry point: every way a run can end maps to a documented code.

    `pvverify ... | head` ends quietly, with the verdicts' code (pipe.py);
    SIGINT/SIGTERM end with 130/143 and no traceback; an exception nothing else
    caught is an internal error (5, with the traceback only under
    PVVERIFY_DEBUG=1), never a verdict's code."""
    from pvverify.util.pipe import guarded
    from pvverify.util.signals import Interrupted, handled

    try:
        with handled(final), guarded():
            return main(argv)
    except SystemExit as e:  # argparse: --help/--version 0, usage errors 4
        return e.code if isinstance(e.code, int) else exits.USAGE
    except (Interrupted, KeyboardInterrupt) as e:
        code = e.code if isinstance(e, Interrupted) else exits.SIGINT
        name = "SIGTERM" if code == exits.SIGTERM else "SIGINT"
        _quiet_write(f"pvverify: {name}: stopped\n")
        return code
    except BrokenPipeError:  # a write not through sys.stdout: the verdicts are not known
        _quiet_stdout()
        return exits.INTERNAL
    except Exception as e:
        if os.environ.get("PVVERIFY_DEBUG"):
            import traceback

            traceback.print_exc()
        _quiet_write(f"pvverify: {exits.INTERNAL_PREFIX} {type(e).__name__}: {e}\n"
                     "  (a bug in pvverify; PVVERIFY_DEBUG=1 shows the traceback)\n")
        return exits.INTERNAL


def _quiet_write(msg: str) -> None:
    try:
        sys.stderr.write(msg)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _quiet_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the interpreter's final
    flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(run())
