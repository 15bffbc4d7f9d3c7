"""The answer for one obligation, as plain data that every front end renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EXIT_CODES = {"equivalent": 0, "not-equivalent": 1, "unknown": 2}
EXIT_BAD_INPUT = 3
SEVERITY = {"equivalent": 0, "unknown": 1, "not-equivalent": 2}


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
    verdict: str                   # equivalent | not-equivalent | unknown
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

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def to_json(self) -> dict:
        d = asdict(self)
        d["paths"] = {"original": self.paths[0], "replacement": self.paths[1]}
        d["seconds"] = round(self.seconds, 3)
        return d
