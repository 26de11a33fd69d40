"""Run progress: a live rich display on a terminal, plain log lines everywhere else.

The scheduler reports counts (submitted / done / downloaded / scored, spend) through
:class:`Progress`; how they are shown is this module's business. Plain mode prints one line
per change of the counts, at most every ``interval`` seconds, so CI logs stay readable.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import IO, Any

from promptkit.models import ticks_to_usd


@dataclass
class Counts:
    """What the run has achieved so far."""

    total: int = 0
    submitted: int = 0
    done: int = 0
    downloaded: int = 0
    scored: int = 0
    failed: int = 0
    spent_ticks: int = 0
    budget_ticks: int | None = None
    started: float = field(default_factory=time.monotonic)

    def eta_seconds(self, now: float | None = None) -> float | None:
        """Remaining time at the pace of finished jobs (None until one has finished)."""
        finished = self.downloaded + self.failed
        if finished == 0 or self.total == 0:
            return None
        elapsed = (now or time.monotonic()) - self.started
        return max(0.0, elapsed / finished * (self.total - finished))

    def line(self) -> str:
        spend = f"${ticks_to_usd(self.spent_ticks):.2f}"
        if self.budget_ticks is not None:
            spend += f" of ${ticks_to_usd(self.budget_ticks):.2f}"
        eta = self.eta_seconds()
        eta_text = f", eta {eta:.0f}s" if eta is not None else ""
        return (
            f"{self.submitted}/{self.total} submitted, {self.done} done, "
            f"{self.downloaded} downloaded, {self.scored} scored, {self.failed} without clip; "
            f"spent {spend}{eta_text}"
        )


class Progress:
    """Plain progress: one log line when the counts change (rate-limited)."""

    def __init__(self, stream: IO[str] | None = None, interval: float = 2.0) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self._last_line = ""
        self._last_time = 0.0

    def start(self, counts: Counts) -> None:
        self.update(counts, force=True)

    def update(self, counts: Counts, *, force: bool = False) -> None:
        line = counts.line()
        now = time.monotonic()
        if line == self._last_line or (not force and now - self._last_time < self.interval):
            return
        self._last_line, self._last_time = line, now
        print(f"[eval] {line}", file=self.stream, flush=True)

    def message(self, text: str) -> None:
        print(f"[eval] {text}", file=self.stream, flush=True)

    def stop(self, counts: Counts) -> None:
        self.update(counts, force=True)


class RichProgress(Progress):
    """Bars for submitted / downloaded / scored plus spend and ETA, redrawn in place."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as _RichProgress

        self._console = Console(file=self.stream)
        self._bars = _RichProgress(
            TextColumn("{task.description:>10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[note]}"),
            console=self._console,
            transient=False,
        )
        self._tasks: dict[str, Any] = {}

    def start(self, counts: Counts) -> None:
        for name in ("submitted", "downloaded", "scored"):
            self._tasks[name] = self._bars.add_task(name, total=counts.total, note="")
        self._bars.start()
        self.update(counts, force=True)

    def update(self, counts: Counts, *, force: bool = False) -> None:
        if not self._tasks:
            return
        spend = f"${ticks_to_usd(counts.spent_ticks):.2f}"
        if counts.budget_ticks is not None:
            spend += f" / ${ticks_to_usd(counts.budget_ticks):.2f}"
        for name, task in self._tasks.items():
            note = f"spent {spend}, {counts.failed} without clip" if name == "submitted" else ""
            self._bars.update(task, completed=getattr(counts, name), note=note)

    def message(self, text: str) -> None:
        self._console.print(f"[eval] {text}", markup=False, highlight=False)

    def stop(self, counts: Counts) -> None:
        self.update(counts, force=True)
        self._bars.stop()


def make_progress(stream: IO[str] | None = None, *, quiet: bool = False) -> Progress:
    """Rich bars on a terminal, plain lines otherwise (or when ``quiet``)."""
    stream = stream or sys.stderr
    if not quiet and hasattr(stream, "isatty") and stream.isatty():
        return RichProgress(stream)
    return Progress(stream)
