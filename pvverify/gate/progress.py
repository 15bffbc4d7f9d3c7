"""One status line on a terminal while a package run reads and proves.

Shown on stderr only when someone watches: a terminal, not CI (`CI` set in
the environment, as every major CI service does), not machine-readable output.
Redrawn at most a few times a second, so thousands of files do not cost
thousands of writes.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


def wanted(mode: str, machine_readable: bool, stream: TextIO | None = None) -> bool:
    """mode: always | never | auto (a terminal, outside CI, human-readable output)."""
    if mode != "auto":
        return mode == "always"
    stream = stream or sys.stderr
    return not machine_readable and not os.environ.get("CI") and stream.isatty()


class Progress:
    def __init__(self, enabled: bool, stream: TextIO | None = None, interval: float = 0.25) -> None:
        self.enabled, self.stream, self.interval = enabled, stream or sys.stderr, interval
        self.t0 = time.monotonic()
        self._last = 0.0
        self._width = 0

    def reading(self, done: int, total: int, outcomes: int, obligations: int, force: bool = False) -> None:
        self._show(f"read {done}/{total} files, {outcomes} outcomes, {obligations} obligations"
                   f"{self._left(done, total)}", force)

    def proving(self, done: int, total: int, force: bool = False) -> None:
        self._show(f"proved {done}/{total} obligations{self._left(done, total)}", force)

    def _left(self, done: int, total: int) -> str:
        elapsed = time.monotonic() - self.t0
        if not done or done >= total:
            return ""
        return f", ~{elapsed / done * (total - done):.0f} s left"

    def _show(self, text: str, force: bool) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def restart(self) -> None:
        """A new phase: its time-left estimate starts from now."""
        self.t0 = time.monotonic()

    def done(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0
