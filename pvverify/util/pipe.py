"""A closed stdout (`pvverify check bad.toml | head -1`) never changes the exit code.

Python ignores SIGPIPE, so a write to a pipe whose reader has gone raises
BrokenPipeError. Caught at the top, it would end the command before its
verdicts were known, with a code that says nothing about them. Instead,
`guarded()` puts a writer in front of stdout that, at the first broken pipe,
points the descriptor at /dev/null and lets the command run to its end: the
exit code is the verdicts' (1 for a not-equivalent one), as if the output had
been read, and no traceback is printed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


class _Guard:
    def __init__(self, f) -> None:
        self._f = f
        self.broken = False

    def _broke(self) -> None:
        self.broken = True
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._f.fileno())
            os.close(devnull)

    def write(self, s: str) -> int:
        if not self.broken:
            try:
                return self._f.write(s)
            except BrokenPipeError:
                self._broke()
        return len(s)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._f.flush()
            except BrokenPipeError:
                self._broke()
                with contextlib.suppress(OSError, ValueError):
                    self._f.flush()  # what was buffered goes to /dev/null now

    def __getattr__(self, name: str):
        return getattr(self._f, name)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """stdout and stderr guarded for the duration of a command."""
    old = sys.stdout, sys.stderr
    if old[0] is not None:
        sys.stdout = _Guard(old[0])  # type: ignore[assignment]
    if old[1] is not None:
        sys.stderr = _Guard(old[1])  # type: ignore[assignment]
    try:
        yield
    finally:
        for f in (sys.stdout, sys.stderr):
            if isinstance(f, _Guard):
                f.flush()
        sys.stdout, sys.stderr = old
