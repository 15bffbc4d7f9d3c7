"""The persistent cache (verdicts, ops tables, record shapes): one that cannot lie.

A cached answer is only as good as the question it answers, so every entry
carries its whole key and a checksum over key and payload, and is used only
when both verify and the payload has the shape its kind needs. Anything else
(garbage, `{}`, `null`, an entry for another key, a truncated write, a FIFO
planted where an entry should be) is ignored, warned about once per run and
rewritten by the fresh answer. The key holds everything that can change the
answer: the tool (`tool_id`: version, a digest of every source and data file,
the versions of the solver, lifter, decoder and CPU model it ran with), the
input (obligation content hash, or an image's build-id or content hash, never
its size and mtime) and the limits (a verdict found under one time bound is
only reused under the same bound: an `unknown` from a short bound must not
answer for a longer one, and an `equivalent` from a long one is not what a
short run would say either).

Writes go to a uniquely named temporary file in the entry's directory and are
renamed over it, so concurrent runs and machines sharing the directory see
either a whole entry or none; no lock is needed because every writer of one
key writes the same answer. A cache that cannot be used (a file where the
directory should be, no permission, a full disk) is a warning and the run
goes on uncached: it is not bad input.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

from pvverify.util.files import write_atomic

FORMAT = 1
MAX_ENTRY = 64 << 20  # bytes: no entry the tool writes comes near this


def _canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def _checksum(kind: str, key: object, payload: object) -> str:
    return hashlib.sha256(_canonical({"kind": kind, "key": key, "payload": payload})).hexdigest()


@cache
def tool_id() -> str:
    """The tool version, a digest of its sources and data, and the versions of the
    packages that decide verdicts: a cached verdict is only as good as the model
    that decided it, so any change (even without a version bump, as in a
    development checkout) starts a new cache."""
    from importlib import metadata

    from pvverify.util.version import __version__

    h = hashlib.sha256()
    root = Path(__file__).parent.parent  # the whole package, not just util/
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".txt", ".json") and f.is_file():
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    for dist in ("z3-solver", "pypcode", "capstone", "unicorn", "pyelftools"):
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none\0".encode())
    return f"{__version__}-{h.hexdigest()[:16]}"


def _warn(msg: str) -> None:
    print(f"pvverify: warning: {msg}", file=sys.stderr, flush=True)


class Cache:
    """Verified entries under `root/<kind>/`; `root=None` is no cache at all."""

    def __init__(self, root: Path | str | None, warn: Callable[[str], None] = _warn) -> None:
        self.root = Path(root) if root is not None else None
        self._warn = warn
        self._warned: set[str] = set()
        self.damaged = 0
        self.readable = self.writable = self.root is not None
        if self.root is None:
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            self._disable(f"cannot use the cache directory {self.root}: {_why(e)}; running uncached")
            return
        if not self.root.is_dir():
            self._disable(f"cache {self.root} is not a directory; running uncached")

    def _disable(self, msg: str) -> None:
        self.readable = self.writable = False
        self._once("unusable", msg)

    def _once(self, what: str, msg: str) -> None:
        if what not in self._warned:
            self._warned.add(what)
            self._warn(msg)

    def path(self, kind: str, key: object) -> Path:
        assert self.root is not None
        digest = hashlib.sha256(kind.encode() + b"\0" + _canonical(key)).hexdigest()
        return self.root / kind / digest[:2] / f"{digest}.json"

    def get(self, kind: str, key: object, valid: Callable[[object], bool] = lambda _p: True) -> object | None:
        """The payload stored for `key`, or None (absent, unreadable, or not verified)."""
        if not self.readable:
            return None
        f = self.path(kind, key)
        try:
            raw = _read_regular(f)
        except (FileNotFoundError, NotADirectoryError):
            return None  # absent (an obstacle in the path is reported when writing)
        except OSError as e:
            self._damaged(f, _why(e))
            return None
        try:
            entry = json.loads(raw)
        except (ValueError, RecursionError):
            self._damaged(f, "not JSON")
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            self._damaged(f, "not a pvverify cache entry")
            return None
        payload = entry.get("payload")
        if entry.get("kind") != kind or entry.get("key") != key:
            self._damaged(f, "answers another key")
            return None
        if entry.get("sha256") != _checksum(kind, key, payload):
            self._damaged(f, "checksum does not match")
            return None
        try:
            ok = valid(payload)
        except Exception:
            ok = False
        if not ok:
            self._damaged(f, f"payload is not a valid {kind} entry")
            return None
        return payload

    def _damaged(self, f: Path, why: str) -> None:
        self.damaged += 1
        self._once("damaged", f"ignoring damaged cache entry {f} ({why}); it is recomputed and "
                              "rewritten (further damaged entries this run are not reported)")

    def put(self, kind: str, key: object, payload: object) -> None:
        """Store atomically; any failure is a warning and the run goes on uncached."""
        if not self.writable:
            return
        f = self.path(kind, key)
        data = _canonical({"format": FORMAT, "kind": kind, "key": key, "payload": payload,
                           "sha256": _checksum(kind, key, payload)})
        try:
            f.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(f, data)
        except OSError as e:
            self.writable = False
            self._once("unwritable", f"cannot write the cache at {self.root}: {_why(e)}; "
                                     "the rest of this run is not cached")


def _why(e: OSError) -> str:
    return e.strerror or errno.errorcode.get(e.errno or 0, str(e))


def _read_regular(f: Path) -> bytes:
    """A cache file's bytes, refusing anything but a regular file of bounded size
    (a FIFO or device planted in the cache must not hang or flood the run)."""
    fd = os.open(f, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if st.st_size > MAX_ENTRY:
            raise OSError(errno.EFBIG, "too large")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(MAX_ENTRY + 1)
    finally:
        os.close(fd)
