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

No moment of a run is left to the default action (which would end the process
with -15 and workers behind): `install()` puts the handlers in place before
anything else is imported (`python -m pvverify`, the console entry point),
long before the first worker exists; and when the command is done, the
process entry point ignores both signals instead of restoring the default
(`handled(final=True)`): a signal that arrives after the result is complete
changes nothing, one that arrives before it ends the run with 130/143.
Workers are started through a fork server (`context()`), never by fork() of
this multi-threaded process (the watchdog thread is one thread more).
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


_raised = 0  # the signal whose Interrupted is unwinding the run (0: none)
_swallowed = False  # ... and it was raised where Python could only ignore it


def install() -> None:
    """The handlers alone, as early as possible (before the imports of a command)."""
    global _raised
    if threading.current_thread() is threading.main_thread():
        _raised = 0
        for s in NAMES:
            signal.signal(s, _raise)


def _raise(signum: int, _frame) -> None:
    global _raised
    if _raised:
        return  # a second signal while unwinding must not raise in the middle of cleanup
    _raised = signum
    raise Interrupted(signum)


def _unraisable(hook):
    """A signal handler raises wherever the main thread is, which may be a weakref
    callback or a __del__, where Python prints the exception and drops it: say
    nothing, and let the watchdog deliver the signal again (handled)."""
    def unraisable(u) -> None:
        global _swallowed
        if isinstance(u.exc_value, Interrupted):
            _swallowed = True
            return
        hook(u)
    return unraisable


@contextlib.contextmanager
def handled(final: bool = False) -> Iterator[None]:
    """Install the handlers and the watchdog for the duration of a command.
    `final`: the process ends after it (the entry point): both signals are then
    ignored, not given back to their default action, which would kill the process
    with the signal between the result and the exit."""
    global _raised, _swallowed
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _swallowed = False
    old = {s: signal.signal(s, _raise) for s in NAMES}
    old_hook = sys.unraisablehook
    sys.unraisablehook = _unraisable(old_hook)
    r, w = os.pipe()
    os.set_blocking(w, False)
    old_fd = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    done = threading.Event()

    def watchdog() -> None:
        global _raised, _swallowed
        # signals go to the main thread, whose handler raises (a signal taken by
        # this thread would still reach it, later)
        with contextlib.suppress(OSError, ValueError):
            signal.pthread_sigmask(signal.SIG_BLOCK, list(NAMES))
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
            for _ in range(int(GRACE / 0.05)):
                if done.wait(0.05):
                    return
                if _swallowed:  # raised where it was dropped: deliver it once more
                    _swallowed, _raised = False, 0
                    with contextlib.suppress(OSError):
                        os.kill(os.getpid(), sig)
            with contextlib.suppress(OSError):
                os.write(2, f"pvverify: {NAMES[sig]}: stopped\n".encode())
            os._exit(128 + sig)

    t = threading.Thread(target=watchdog, name="pvverify-signals", daemon=True)
    t.start()
    try:
        yield
    finally:
        if final:
            for s in NAMES:
                signal.signal(s, signal.SIG_IGN)
        done.set()
        signal.set_wakeup_fd(old_fd)
        sys.unraisablehook = old_hook
        if not final:
            for s, h in old.items():
                signal.signal(s, h)
            _raised = 0
        os.close(w)
        t.join(0.5)
        os.close(r)


PRELOAD = ["pvverify.check", "pvverify.gate.reading", "pvverify.gate.pipeline"]


def context():
    """The multiprocessing context every local worker is started from: a fork server
    (a fresh single-threaded process that imported pvverify once; each worker is
    forked from it), not fork() of this process, which has threads (the watchdog,
    a pool's own) and may hold a lock one of them took: a deadlock in the child."""
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    _start_quietly()
    return ctx


def _start_quietly() -> None:
    """Start the fork server (and the resource tracker it starts) with stderr on
    /dev/null: a worker stopped while it unpickles its start-up data, or the
    tracker counting what a stopped pool left, would print a traceback or a
    warning into the run's stderr. A worker's errors reach the parent as results."""
    from multiprocessing import forkserver

    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        forkserver.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def stop_helpers() -> None:
    """Before the process exits: stop the fork server and the resource tracker that
    multiprocessing started (each exits by itself once this process is gone, but
    a moment later; waited for here, no process of the run outlives it)."""
    import multiprocessing.forkserver as fs
    import multiprocessing.resource_tracker as rt

    for helper in (getattr(fs, "_forkserver", None), getattr(rt, "_resource_tracker", None)):
        stop = getattr(helper, "_stop", None)
        if stop is not None:
            with contextlib.suppress(Exception):
                stop()


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
