"""The run lock: one writer per run folder, held for a whole eval (or rescore).

Two evals on one run would each resume the other's in-flight jobs: the second marks the first's
``submitting`` jobs uncertain while their answers are still on the way, and downloads their
clips a second time. So every command that writes a run's journal first takes an exclusive
``flock`` on ``<run>/run.lock`` and holds it until its report is written.

``flock`` is held by an open file descriptor and released by the kernel when the process ends,
however it ends (``kill -9`` included), so a lock left behind by a dead process is simply free:
there is no pid file to go stale and no guess about whether its owner still lives. The file
holds the holder's pid and start time only to name it in the refusal; a pid still written there
when the lock is taken belongs to a process that died holding it, and is reported as a stale
lock taken over. The descriptor is close-on-exec, so worker processes never inherit the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from promptkit.errors import RunInUse, StorageError

LOCK_NAME = "run.lock"


@dataclass(frozen=True)
class Holder:
    """Who wrote the lock file: a pid and when it took the lock."""

    pid: int
    since: str

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        pid, _, since = text.strip().partition(" ")
        return cls(int(pid), since) if pid.isdigit() else None

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # someone else's process: it exists
            return True
        return True


def read_holder(folder: Path) -> Holder | None:
    """The pid written in ``folder``'s lock file (None when there is none)."""
    try:
        return Holder.parse((Path(folder) / LOCK_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


class RunLock:
    """``with RunLock(folder) as lock:`` holds the folder's lock or raises :class:`RunInUse`.

    ``lock.stale`` is the holder a stale lock was taken over from (None when it was free).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.stale: Holder | None = None
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot create the run lock: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Holder.parse(os.pread(fd, 200, 0).decode("utf-8", "replace"))
            os.close(fd)
            who = f"pid {holder.pid}, since {holder.since}" if holder else "pid unknown"
            raise RunInUse(
                f"run {self.folder.name} is in use by another promptkit process ({who}); wait for "
                "it to finish (or stop it), then run this again"
            ) from None
        try:
            self.stale = Holder.parse(os.pread(fd, 200, 0).decode("utf-8", "replace"))
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {stamp}\n".encode(), 0)
        except OSError as exc:
            os.close(fd)
            raise StorageError(f"{self.path}: cannot write the run lock: {exc.strerror}") from exc
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        # Emptied first: a pid left in the file means its process died holding the lock.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the descriptor releases the flock

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
