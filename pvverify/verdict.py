"""The answer for one obligation, as plain data that every front end renders.

The vocabulary every layer shares: the three verdicts (`Verdict`), what kind of
thing decided or stopped a proof (`Cause`), and the one mapping from answers to
exit codes (`Exit`, `exit_for`, `worst`). Reports read `Result.cause`; none
parses a reason's prose.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import IntEnum, StrEnum


class Verdict(StrEnum):
    """One of three words (docs/domain.md 3). A StrEnum: equal to its word, so JSON
    rows and cached results carry the word itself."""

    EQUIVALENT = "equivalent"
    NOT_EQUIVALENT = "not-equivalent"
    UNKNOWN = "unknown"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Verdict.EQUIVALENT: 0, Verdict.UNKNOWN: 1, Verdict.NOT_EQUIVALENT: 2}
SEVERITY = {str(v): s for v, s in _SEVERITY.items()}  # by word, for rows read back from JSON


class Exit(IntEnum):
    """What the process's exit code means: one thing each, for every command."""

    EQUIVALENT = 0       # every obligation / outcome proved equivalent
    NOT_EQUIVALENT = 1   # some not-equivalent, with a replayed counterexample
    UNKNOWN = 2          # some unknown (and none not-equivalent); 0 with --allow-unknown
    BAD_INPUT = 3        # unreadable, malformed or hostile input; named in the message
    USAGE = 4            # unknown flag, missing or bad value
    INTERNAL = 5         # a bug in pvverify: never reported as a verdict
    SIGINT = 130         # interrupted (128 + signal number)
    SIGTERM = 143


_EXIT_OF = {Verdict.EQUIVALENT: Exit.EQUIVALENT, Verdict.NOT_EQUIVALENT: Exit.NOT_EQUIVALENT,
            Verdict.UNKNOWN: Exit.UNKNOWN}
INTERNAL_PREFIX = "internal error:"  # the reason of a Result a crash produced


class Cause(StrEnum):
    """What decided a verdict, or what stopped the proof: the kind, for reports and
    SARIF rules to group by (the reason says the particulars)."""

    PROVED = "proved"                                  # equivalent
    OBSERVABLE_DIFFERS = "observable-differs"          # not-equivalent, with a counterexample
    UNMODELLED = "unmodelled-instruction"
    BOUND = "bound"                                    # a path, instruction or work bound
    SAFETY_LIMIT = "safety-limit"                      # the wall clock: the machine, not the proof
    INDIRECT_TARGET = "indirect-target"
    CALLEE_NOT_LOADED = "callee-not-loaded"
    UNCONFIRMED = "unconfirmed"                        # model and CPU disagree
    UNDEFINED_FLAGS = "undefined-flags"
    NO_OBLIGATION = "no-obligation"
    INTERNAL = "internal-error"
    OTHER = "other"


# How an `unknown` reason made where no cause was given is classed: the one place
# that reads prose, at the moment a Result is made (the order is the priority).
_UNKNOWN_CAUSES = [
    (r"wall-clock safety limit", Cause.SAFETY_LIMIT),
    (INTERNAL_PREFIX + "|solver error", Cause.INTERNAL),
    (r"no obligation|cannot build", Cause.NO_OBLIGATION),
    (r"has no modelled semantics|are not modelled|not modelled|unsupported", Cause.UNMODELLED),
    (r"path bound|exploration bound|analysis bound|solver bound|more than \d+ paths|"
     r"more than \d+ instructions", Cause.BOUND),
    (r"not fixed|retpoline", Cause.INDIRECT_TARGET),
    (r"not loaded|callee bound", Cause.CALLEE_NOT_LOADED),
    (r"model and CPU disagree|CPU model cannot run|no counterexample a CPU model can run",
     Cause.UNCONFIRMED),
    (r"undefined", Cause.UNDEFINED_FLAGS),
]


def cause_of(verdict: str, reason: str) -> Cause:
    """The cause of a verdict made without one (and of rows cached before causes)."""
    if verdict == Verdict.EQUIVALENT:
        return Cause.PROVED
    if verdict == Verdict.NOT_EQUIVALENT:
        return Cause.OBSERVABLE_DIFFERS
    for pattern, c in _UNKNOWN_CAUSES:
        if re.search(pattern, reason):
            return c
    return Cause.OTHER


def exit_for(verdict: str, reason: str = "") -> Exit:
    """The exit code of one answer: a crash is never a verdict."""
    if reason.startswith(INTERNAL_PREFIX):
        return Exit.INTERNAL
    return _EXIT_OF[Verdict(verdict)]


def worst(codes: list[int]) -> int:
    """The exit code of several inputs: a crash, then bad input, then the worst verdict."""
    for c in (Exit.INTERNAL, Exit.BAD_INPUT, Exit.NOT_EQUIVALENT, Exit.UNKNOWN):
        if c in codes:
            return int(c)
    return int(Exit.EQUIVALENT)


@dataclass
class Counterexample:
    """A concrete input state under which an observable differs, replayed on a CPU model.

    Every field is plain JSON-ready data (strings, ints, lists, dicts), so the
    JSON report carries typed values and every renderer reads the same thing."""

    observable: str
    original: str                  # the observable's value after the original, as shown
    replacement: str               # ... after the replacement
    inputs: dict[str, int]         # the input registers and set flags the difference depends on
    original_listing: list[dict] = field(default_factory=list)     # {"address": int, "text": AT&T}
    replacement_listing: list[dict] = field(default_factory=list)
    replayed: bool = False         # unicorn ran both paths from this state
    replay_observable: str = ""    # what unicorn saw differ ("" when nothing did)
    replay_original: object = None     # its value after the original: int, list or dict
    replay_replacement: object = None
    memory: list[dict] = field(default_factory=list)  # input words read: {"address", "size", "value", "name"}
    why: str = ""                  # why the convention protects the observable
    state: dict = field(default_factory=dict)  # the full input state, for re-running
    # every other observable that differs in the same state: {"observable", "original",
    # "replacement", "why", "replayed" (unicorn shows it too)}
    others: list[dict] = field(default_factory=list)
    # what of the op is a flags image ("return": save_fl, "arg": restore_fl; reports
    # decode it into flag names), and the argument's input register
    flags_image: str = ""
    flags_arg: str = ""
    # a differing memory byte as the store that wrote it: {"address", "size", "at"
    # ("4(%eax)"), "original", "replacement", "original_from", "replacement_from"}
    word: dict = field(default_factory=dict)


@dataclass
class Result:
    verdict: str                   # a Verdict: equivalent | not-equivalent | unknown
    reason: str
    name: str = ""
    file: str | None = None
    key: str = ""
    expect: str | None = None
    counterexample: Counterexample | None = None
    assumptions: list[str] = field(default_factory=list)  # what the proof took as given
    paths: tuple[int, int] = (0, 0)
    seconds: float = 0.0
    method: str = "exploration"    # what decided it: exploration | same-callee
    work: dict = field(default_factory=dict)  # budget.Usage: the work it took (counts, not time)
    preconditions: list[str] = field(default_factory=list)  # the obligation's `assume`: what it is under
    cause: str = ""                # a Cause: classed from the reason when not given

    def __post_init__(self) -> None:
        self.verdict = Verdict(self.verdict)
        if not self.cause:
            self.cause = cause_of(self.verdict, self.reason)
        self.cause = Cause(self.cause)

    @property
    def exit_code(self) -> int:
        return int(exit_for(self.verdict, self.reason))

    def to_json(self) -> dict:
        d = asdict(self)
        d["verdict"], d["cause"] = str(self.verdict), str(self.cause)
        d["paths"] = {"original": self.paths[0], "replacement": self.paths[1]}
        d["seconds"] = round(self.seconds, 3)
        return d
