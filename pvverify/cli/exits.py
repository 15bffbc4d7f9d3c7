"""The exit codes CI reads, and the argument parser every subcommand uses.

A gate is only trusted if its exit code means one thing. argparse exits 2 on a
usage error, which is also "unknown" here; every parser of the tool is an
`ArgumentParser` from this module, which exits `USAGE` instead and gives each
`--help` the table below.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import NoReturn

from pvverify.util import budget
from pvverify.verdict import INTERNAL_PREFIX, Exit, worst

# the codes by name, as the command modules use them (defined once, in verdict.Exit)
EQUIVALENT, NOT_EQUIVALENT, UNKNOWN = Exit.EQUIVALENT, Exit.NOT_EQUIVALENT, Exit.UNKNOWN
BAD_INPUT, USAGE, INTERNAL = Exit.BAD_INPUT, Exit.USAGE, Exit.INTERNAL
SIGINT, SIGTERM = Exit.SIGINT, Exit.SIGTERM
__all__ = ["BAD_INPUT", "EQUIVALENT", "INTERNAL", "INTERNAL_PREFIX", "NOT_EQUIVALENT", "SIGINT",
           "SIGTERM", "UNKNOWN", "USAGE", "Exit", "worst"]

EPILOG = """\
exit codes:
  0    equivalent (every obligation or outcome)
  1    not-equivalent (some; each with a counterexample replayed on unicorn)
  2    unknown (some, none not-equivalent; 0 for gate --allow-unknown)
  3    bad input (unreadable, malformed or refused input; named in the message)
  4    usage error (unknown flag, missing or bad value)
  5    internal error (a bug in pvverify; never reported as 0, 1 or 2)
  130  interrupted by SIGINT, 143 by SIGTERM
precedence with several inputs: 5, then 3, then 1, then 2, then 0"""


class ArgumentParser(argparse.ArgumentParser):
    """argparse with the usage-error exit code of this tool and the exit-code table."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("epilog", EPILOG)
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: error: {message}\n")


def positive_float(text: str) -> float:
    """A finite number > 0 (a time bound of 0, -1, nan or inf is a usage error)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return v


def positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"expected an integer > 0, got {text!r}")
    return v


def add_work_bounds(p, safety_default: float, solver_rlimit: int | None = None) -> None:
    """--timeout (the safety net) and the work bounds, with the defaults of Limits
    (the solver's: `solver_rlimit` where given)."""
    d = budget.Limits()
    if solver_rlimit is not None:
        d = budget.Limits(solver_rlimit=solver_rlimit)
    p.add_argument("--timeout", type=positive_float, default=safety_default, metavar="SECONDS",
                   help="wall-clock safety net per obligation (default %(default)g s); beyond it the "
                        f"outcome is unknown with the reason '{budget.SAFETY_REASON}', never cached. "
                        "Verdicts depend only on the work bounds below, not on the machine's speed")
    g = p.add_argument_group("work bounds (beyond one: unknown, the same on every machine)")
    g.add_argument("--max-visits", type=positive_int, default=d.max_visits, metavar="N",
                   help="instructions exploration steps per program, all paths (default %(default)d)")
    g.add_argument("--max-paths", type=positive_int, default=d.max_paths, metavar="N",
                   help="finished paths per program (default %(default)d)")
    g.add_argument("--max-steps", type=positive_int, default=d.max_steps, metavar="N",
                   help="instructions on one path (default %(default)d)")
    g.add_argument("--fixpoint-visits", type=positive_int, default=d.fixpoint_visits, metavar="N",
                   help="instruction visits of the same-callee fixpoint (default %(default)d)")
    g.add_argument("--solver-rlimit", type=positive_int, default=d.solver_rlimit, metavar="N",
                   help="z3 resource units per solver query, its deterministic rlimit "
                        "(default %(default)d)")
