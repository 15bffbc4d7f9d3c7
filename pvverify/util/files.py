"""Files that appear whole or not at all: a temporary file in the same directory
(unique per process and call, so concurrent writers never share one), renamed
over the target. A reader (CI uploading a report, another run reading a cache
entry) never sees half a file."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically; raises OSError (nothing left behind)."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    try:
        with open(tmp, "xb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
