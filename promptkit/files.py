"""Temporary files promptkit writes before renaming them into place, with the user's umask.

``tempfile.mkstemp`` creates files readable by their owner only (mode 0600) whatever the umask,
so a report or clip renamed from one would stay private although every other file the user
creates is shared as their umask says. :func:`temp_beside` gives the temp file the mode a plain
``open(path, "w")`` would have (0666 less the umask) before anything is written to it.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_umask: int | None = None


def umask() -> int:
    """The process's umask, read once (from /proc where it can be read without changing it)."""
    global _umask
    with _lock:
        if _umask is None:
            _umask = _read_umask()
        return _umask


def _read_umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    # Elsewhere the only way to read it is to set it and put it back (under the lock).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temp_beside(path: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """``(fd, name)`` of a new temp file in ``path``'s folder, mode ``0666 & ~umask``."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~umask())
    except BaseException:
        os.close(fd)
        os.unlink(name)
        raise
    return fd, name
