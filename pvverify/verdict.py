"""The answer for one obligation, as plain data that every front end renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EXIT_CODES = {"equivalent": 0, "not-equivalent": 1, "unknown": 2}
EXIT_BAD_INPUT = 3
SEVERITY = {"equivalent": 0, "unknown": 1, "not-equivalent": 2}


@dataclass
class Counterexample:
    """A concrete input state under which an observable differs, replayed on a CPU model."""

    observable: str
    original: str                  # the observable's value after the original
    replacement: str               # ... after the replacement
    inputs: dict[str, str]         # the input values that the differing observable depends on
    original_listing: list[str] = field(default_factory=list)
    replacement_listing: list[str] = field(default_factory=list)
    replayed: bool = False         # unicorn ran both paths from this state
    replay_original: str = ""
    replay_replacement: str = ""
    state: dict = field(default_factory=dict)  # the full input state, for re-running


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

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def to_json(self) -> dict:
        d = asdict(self)
        d["paths"] = {"original": self.paths[0], "replacement": self.paths[1]}
        d["seconds"] = round(self.seconds, 3)
        return d
