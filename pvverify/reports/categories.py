"""Reason categories: what kind of problem a verdict reports, with help text.

One SARIF rule per category, so a code-scanning dashboard can group and
filter (an unsafe patch is not the same alert as an instruction the model
does not know), and the help says what to do about each.
"""

from __future__ import annotations

from dataclasses import dataclass

from pvverify.verdict import Cause, cause_of


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    help: str
    level: str  # SARIF level: error | warning


UNSAFE = Category(
    "pvverify/not-equivalent", "unsafe paravirt patch",
    "The replacement is not equivalent to the indirect call it patches: an input state exists "
    "under which an observable the calling convention protects differs, and unicorn reproduced "
    "it. Fix the replacement (or the op's convention/clobbers); the counterexample lists the "
    "inputs, both values and both paths.", "error")

_UNKNOWN = [
    (Cause.SAFETY_LIMIT,
     Category("pvverify/unknown/safety-limit", "wall-clock safety limit (the machine was slow)",
              "The proof ran past the wall-clock safety net (--timeout) before reaching any work "
              "bound: this says the machine was slow or overloaded, not that the site is hard. "
              "The outcome is never cached; run again, or raise --timeout.", "warning")),
    (Cause.UNMODELLED,
     Category("pvverify/unknown/unmodelled-instruction", "instruction outside the model",
              "A path runs an instruction whose effect pvverify does not model, so nothing was "
              "proved. Add its semantics (with a unicorn or SDM check), or accept the site with "
              "--allow-unknown after review.", "warning")),
    (Cause.BOUND,
     Category("pvverify/unknown/bound", "work bound reached",
              "The proof did not finish within a work bound (instructions explored, paths, "
              "fixpoint visits, or z3 resource units per query): the same on every machine. "
              "Raise --max-visits, --max-paths, --max-steps, --fixpoint-visits or "
              "--solver-rlimit, or review the site by hand.", "warning")),
    (Cause.INDIRECT_TARGET,
     Category("pvverify/unknown/indirect-target", "indirect branch to an unknown target",
              "A path branches through a register or memory whose value the site does not fix "
              "(a function pointer), so the code it runs is unknown. Review the site by hand.",
              "warning")),
    (Cause.CALLEE_NOT_LOADED,
     Category("pvverify/unknown/callee-not-loaded", "callee outside the loaded closure",
              "A path calls code beyond the callee bound, which was not loaded into the model. "
              "Review the site, or raise the bound.", "warning")),
    (Cause.UNCONFIRMED,
     Category("pvverify/unknown/unconfirmed", "difference the CPU did not confirm",
              "The solver found a difference that unicorn did not reproduce (or could not run). "
              "This is either a modelling gap or an unrunnable state; report it.", "warning")),
    (Cause.UNDEFINED_FLAGS,
     Category("pvverify/unknown/undefined-flags", "difference only in SDM-undefined flags",
              "The paths differ only in flags the Intel SDM leaves undefined after an "
              "instruction. No proof may rely on them; review whether the code reads them.",
              "warning")),
    (Cause.NO_OBLIGATION,
     Category("pvverify/unknown/no-obligation", "site could not be turned into an obligation",
              "The site's op, slot or target could not be read from the binary (see the "
              "message). Nothing was proved.", "warning")),
    (Cause.INTERNAL,
     Category("pvverify/unknown/internal-error", "internal error",
              "pvverify failed on this site; nothing was proved. Please report it with the "
              "obligation.", "warning")),
]

OTHER = Category("pvverify/unknown/other", "paravirt patch not proved",
                 "pvverify could neither prove nor refute the site; the message says why.",
                 "warning")

SKIPPED = Category(
    "pvverify/skipped", "patch record with no outcome",
    "A patch record of the binary was read but no replacement could be derived from it (its "
    "reason says why: a site that is not a call through an ops table, a template that does not "
    "fit, a layout field out of range). Nothing about that site was checked; --allow-skipped "
    "accepts it after review.", "error")
UNPATCHED = Category(
    "pvverify/unpatched", "indirect call through an ops table that no record covers",
    "The code calls through a pv_ops* slot at a place no .parainstructions/.altinstructions "
    "record names, so the patcher leaves an indirect branch there at run time (the "
    "CVE-2018-15594 class). Wrap the call in the PVOP macros, or accept with --allow-skipped.",
    "error")
BAD_INPUT = Category(
    "pvverify/bad-input", "binary not read",
    "The file could not be read as a kernel binary (its message names the file and the field); "
    "the other files of the run are still reported.", "error")
ALL = [UNSAFE, *(c for _, c in _UNKNOWN), OTHER, SKIPPED, UNPATCHED, BAD_INPUT]


def category(verdict: str, reason: str = "", cause: str = "") -> Category:
    """The SARIF rule of a row: from its cause (rows without one, such as those
    cached before causes existed, are classed from the reason as verdict.cause_of does)."""
    if verdict == "not-equivalent":
        return UNSAFE
    c = Cause(cause) if cause else cause_of(verdict, reason)
    return _BY_CAUSE.get(c, OTHER)


_BY_CAUSE = dict(_UNKNOWN)
