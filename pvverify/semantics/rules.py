"""The shape of a rule table: one row per system-instruction form, from the SDM.

Each family module (flags, control, segments, exits, xsave, atomic, ...) keeps
a `RULES` tuple of `Rule` rows beside the handlers that implement them: the
operand-size form, the state read and written, the fault conditions in the
order the CPU checks them, the side effects recorded in the ordered trace, and
the SDM section the row is taken from. Every row carries concrete `Case`s
(tests/test_sdm_rules.py runs each on the model and, where unicorn implements
the rule, on unicorn too), so a row without a test cannot exist.

CPL 0 is assumed throughout (check.ASSUMED): rules that only bite at CPL > 0
(UMIP for sgdt/sidt/sldt/str/smsw, the CPL checks of sysret/sysexit, IOPL
checks of cli/sti/in/out) are out of scope and listed as such in the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """One concrete check of a rule: run `asm` from the base state with `state`
    overridden (keys `cr0`/`cr3`/`cr4`/`cr8`, flag names, register names,
    `msr:0x...`, `xcr0`, `mem:0x...` bytes) and expect `stop` (`exit`, `fault:#UD`,
    `left-kernel:sysretq`, `spin`, ...), trace events `events` (kind, args...),
    and register / flag values `after`. `cpu`: unicorn implements the rule, so
    the same case is also run there and must agree."""

    arch: str
    asm: str
    state: tuple[tuple[str, int], ...] = ()
    stop: str = "exit"
    events: tuple[tuple, ...] | None = None
    after: tuple[tuple[str, int], ...] = ()
    cpu: bool = False


@dataclass(frozen=True)
class Rule:
    """One operand-size form of one system instruction, as the SDM defines it."""

    form: str                         # e.g. "sysretq (REX.W)"
    mnemonics: tuple[str, ...]        # capstone mnemonics this row covers
    arches: tuple[str, ...]           # modes the cases run in ("x86_64", "i386"; #UD included)
    reads: str
    writes: str
    faults: tuple[tuple[str, str], ...]  # (condition, exception), in checking order
    trace: str                        # what the ordered trace records
    sdm: str                          # section
    cases: tuple[Case, ...] = field(default_factory=tuple)
    out_of_scope: str = ""            # rules at CPL > 0 etc., stated, not modelled
