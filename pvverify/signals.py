"""SIGINT and SIGTERM end a run at once, without a traceback, with exit 130 / 143.

Python runs a signal handler only between bytecodes, so a main thread inside
one long z3 call would keep running until the call returns. The handlers
raise `Interrupted` (the ordinary path: `with` blocks close, the worker pool
is terminated, temporary files go); a watchdog thread, woken through the
interpreter's wakeup fd even while the main thread is inside C, ends the
process with the same exit code if that has not happened within `GRACE`
seconds. Worker processes ignore SIGINT (the parent decides), die on SIGTERM
(what `Pool.terminate` sends) and on their parent's death (PR_SET_PDEATHSIG),
so no worker outlives the run.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator

GRACE = 3.0  # seconds the main thread gets to unwind before the watchdog exits
NAMES = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


class Interrupted(BaseException):  # noqa: N818 (like KeyboardInterrupt, not an error)
    """A termination signal arrived; `code` is the exit status it asks for."""

    def __init__(self, signum: int) -> None:
        super().__init__(NAMES.get(signum, str(signum)))
        self.signum = signum
        self.code = 128 + signum


def _raise(signum: int, _frame) -> None:
    # a second signal while unwinding must not raise in the middle of cleanup
    signal.signal(signum, signal.SIG_IGN)
    raise Interrupted(signum)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Install the handlers and the watchdog for the duration of a command."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _raise) for s in NAMES}
    r, w = os.pipe()
    os.set_blocking(w, False)
    old_fd = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    done = threading.Event()

    def watchdog() -> None:
        while True:
            try:
                data = os.read(r, 64)
            except OSError:
                return
            if not data or done.is_set():
                return
            sig = next((b for b in data if b in NAMES), None)
            if sig is None:
                continue
            if not done.wait(GRACE):
                with contextlib.suppress(OSError):
                    os.write(2, f"pvverify: {NAMES[sig]}: stopped\n".encode())
                os._exit(128 + sig)
            return

    t = threading.Thread(target=watchdog, name="pvverify-signals", daemon=True)
    t.start()
    try:
        yield
    finally:
        done.set()
        signal.set_wakeup_fd(old_fd)
        for s, h in old.items():
            signal.signal(s, h)
        os.close(w)
        t.join(0.5)
        os.close(r)


def worker_init() -> None:
    """In a pool worker: SIGINT is the parent's to handle, SIGTERM ends the worker
    at once (even inside z3), and so does the parent's death."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
