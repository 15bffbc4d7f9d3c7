"""`pvverify`: the command line. Thin: parse, call `check`/`gate`, render, exit.

Exit codes (also in the README):
  0  every obligation equivalent
  1  some obligation not-equivalent
  2  some obligation unknown (and none not-equivalent)
  3  bad input (unreadable or invalid obligation, bad hex, unassemblable code,
     malformed ELF, unknown op); nothing was proved
Heavy imports (z3, pypcode, unicorn) happen after argument parsing, so
`--help` and input errors answer at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_BAD_INPUT = 3


def _check_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="prove obligations (TOML files, directories, or flags)",
                       description="Prove that each site's replacement is equivalent to its "
                                   "indirect call. Exit: 0 equivalent, 1 not-equivalent, "
                                   "2 unknown, 3 bad input.")
    p.add_argument("files", nargs="*", help="obligation .toml files or directories of them")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: one object per obligation per line")
    p.add_argument("--timeout", type=float, default=30.0, help="solver seconds per query (default 30)")
    p.add_argument("--no-replay", action="store_true",
                   help="do not replay counterexamples on unicorn (faster, less trustworthy)")
    p.add_argument("-v", "--verbose", action="store_true", help="show paths, time and assumptions")
    g = p.add_argument_group("an obligation from flags (instead of files)")
    g.add_argument("--arch", choices=("i386", "x86_64"))
    g.add_argument("--convention", choices=("regparm3", "sysv", "pv-callee-save"))
    g.add_argument("--clobbers", help="comma-separated registers (overrides the convention)")
    g.add_argument("--returns", default="void")
    g.add_argument("--args", default="", help="comma-separated argument types")
    g.add_argument("--site-length", type=int)
    g.add_argument("--target-asm")
    g.add_argument("--target-hex")
    g.add_argument("--replacement-asm")
    g.add_argument("--replacement-hex")
    g.add_argument("--name", default="command line")


def _obligation_from_flags(a: argparse.Namespace) -> dict:
    missing = [f for f in ("arch", "convention", "site_length") if getattr(a, f) is None]
    if missing:
        raise ValueError("--" + ", --".join(m.replace("_", "-") for m in missing) + " required")
    if (a.target_asm is None) == (a.target_hex is None):
        raise ValueError("give exactly one of --target-asm and --target-hex")
    if (a.replacement_asm is None) == (a.replacement_hex is None):
        raise ValueError("give exactly one of --replacement-asm and --replacement-hex")
    d: dict = {
        "schema": 1, "name": a.name, "arch": a.arch, "convention": a.convention,
        "returns": a.returns, "args": [t for t in a.args.replace(" ", "").split(",") if t]
        if not a.args.startswith("struct") else [a.args],
        "site_length": a.site_length,
        "original": {"target": {"asm": a.target_asm} if a.target_asm is not None
                     else {"hex": a.target_hex}},
        "replacement": {"asm": a.replacement_asm} if a.replacement_asm is not None
        else {"hex": a.replacement_hex},
    }
    if a.clobbers is not None:
        d["clobbers"] = [c for c in a.clobbers.replace(" ", "").split(",") if c]
    return d


def _expand(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(p.rglob("*.toml"))
        else:
            out.append(p)
    return out


def cmd_check(a: argparse.Namespace) -> int:
    from pvverify.check import check
    from pvverify.obligation import ObligationError, from_dict, load
    from pvverify.reports import check_text as report
    from pvverify.verdict import SEVERITY, Result

    jobs: list[tuple[str, object]] = []
    if a.files:
        if a.arch or a.target_asm or a.target_hex:
            print("pvverify: give obligation files or flags, not both", file=sys.stderr)
            return EXIT_BAD_INPUT
        files = _expand(a.files)
        if not files:
            print("pvverify: no .toml obligations found", file=sys.stderr)
            return EXIT_BAD_INPUT
        jobs = [(str(f), f) for f in files]
    else:
        try:
            jobs = [("<flags>", _obligation_from_flags(a))]
        except ValueError as e:
            print(f"pvverify check: {e}", file=sys.stderr)
            return EXIT_BAD_INPUT

    worst = 0
    bad_input = False
    results: list[Result] = []
    for label, src in jobs:
        try:
            ob = load(src) if isinstance(src, Path) else from_dict(src, label)  # type: ignore[arg-type]
            res = check(ob, timeout=a.timeout, replay=not a.no_replay)
        except ObligationError as e:
            bad_input = True
            if a.format == "json":
                import json

                print(json.dumps({"file": label, "verdict": None, "error": str(e)}), flush=True)
            else:
                print(f"{label}: bad input\n  {e}", file=sys.stderr)
            continue
        results.append(res)
        if a.format == "json":
            print(report.to_json_line(res), flush=True)
        else:
            print(report.to_text(res, a.verbose), flush=True)
        worst = max(worst, SEVERITY[res.verdict])
    if a.format == "text" and len(jobs) > 1:
        print(report.summary(results))
    if bad_input:
        return EXIT_BAD_INPUT
    return {0: 0, 1: 2, 2: 1}[worst]


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
        return EXIT_BAD_INPUT
    entries = emit(obligations, Path(a.emit))
    n = sum(1 for e in entries if e.smt2)
    print(f"{len(entries)} obligations, {n} proofs written to {a.emit} "
          f"({len(entries) - n} unknown, no proof)")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="pvverify", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    _check_parser(sub)
    pp = sub.add_parser("prove", help="emit SMT-LIB2 proofs of obligations for other solvers")
    pp.add_argument("files", nargs="+", help="obligation files or directories")
    pp.add_argument("--emit", required=True, metavar="DIR", help="where to write proofs and manifest")
    sub.add_parser("gate", help="verify every paravirt patch site of kernel binaries",
                   add_help=False)
    if argv and argv[0] == "gate":
        from pvverify.gate import main as gate_main

        return gate_main(argv[1:])
    a = parser.parse_args(argv)
    if a.command == "check":
        return cmd_check(a)
    if a.command == "prove":
        return cmd_prove(a)
    parser.error(f"unknown command {a.command}")
    return EXIT_BAD_INPUT


def run() -> int:
    """The console entry point: `pvverify ... | head` ends quietly."""
    try:
        return main()
    except BrokenPipeError:
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(run())
