"""Run a ``promptkit`` command in a subprocess and measure what it cost: time and peak memory.

An attack is "bounded" when the command answers with one line, taking at most
:data:`MAX_SECONDS` more (wall time and CPU time) and at most :data:`MAX_EXTRA_MB` more peak
memory (RSS) than a harmless command of the same kind. Comparing with a harmless command keeps
Python's start-up and imports, which on a busy machine take seconds, out of the bound; when an
attack looks slow the harmless command is timed again, so both are measured under the same load.
The child reports its own peak RSS (``VmHWM``) and CPU time (so other children of the test process
cannot blur the figures); a timeout far above the bound keeps a regression from hanging the
suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

MAX_SECONDS = 5.0
MAX_EXTRA_MB = 200.0
HARD_TIMEOUT_S = 120.0

_WRAPPER = """
import os, resource, sys
code = 0
try:
    from promptkit.cli import main
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
finally:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss
    try:  # VmHWM starts afresh at exec; ru_maxrss would include the forking parent's pages
        with open("/proc/self/status") as status:
            peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        pass
    with open(os.environ["PK_MAXRSS_FILE"], "w") as fh:
        fh.write(f"{peak} {usage.ru_utime + usage.ru_stime}")
sys.exit(code)
"""


@dataclass(frozen=True)
class Bounded:
    """What one command did and what it cost."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    peak_mb: float

    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]

    def one_error(self) -> str:
        """The single ``error:`` line (asserting there is exactly one, and no traceback)."""
        assert "Traceback" not in self.stderr + self.stdout, self.stderr[-3000:]
        lines = self.error_lines()
        assert len(lines) == 1, self.stderr[-3000:]
        return lines[0]


def run_bounded(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Bounded:
    """``promptkit argv`` in ``cwd`` with a clean environment (plus ``env``)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PROMPTKIT_", "XAI_"))}
    rss_file = cwd / f".maxrss-{time.monotonic_ns()}"
    clean.update(env or {})
    clean["PK_MAXRSS_FILE"] = str(rss_file)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *argv],
        cwd=cwd, env=clean, capture_output=True, text=True, timeout=HARD_TIMEOUT_S,
    )  # fmt: skip
    seconds = time.monotonic() - started
    peak_kb, cpu = rss_file.read_text().split()
    rss_file.unlink()
    return Bounded(
        done.returncode, done.stdout, done.stderr, seconds, float(cpu), int(peak_kb) / 1024
    )


class Baseline:
    """A harmless command the attacks of one kind are compared with: measured once and kept,
    and measured again on demand (under the load of the moment)."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        self.argv, self.cwd, self.env = argv, cwd, env
        self._kept: Bounded | None = None

    def fresh(self) -> Bounded:
        result = run_bounded(self.argv, self.cwd, self.env)
        assert result.code == 0, result.stderr
        return result

    def kept(self) -> Bounded:
        if self._kept is None:
            self._kept = self.fresh()
        return self._kept


def assert_bounded(attack: Bounded, baseline: Baseline) -> None:
    """The attack took at most MAX_SECONDS and MAX_EXTRA_MB more than the harmless command
    (timed again, under the same load, when the attack looks slow against the kept figure)."""
    base = baseline.kept()
    if attack.seconds - base.seconds > MAX_SECONDS or attack.cpu_seconds - base.cpu_seconds > 2:
        again = baseline.fresh()
        base = again if again.seconds > base.seconds else base
    slower = attack.seconds - base.seconds
    assert slower <= MAX_SECONDS, f"{slower:.1f} s over the baseline: {attack.stderr[-500:]}"
    cpu = attack.cpu_seconds - base.cpu_seconds
    assert cpu <= MAX_SECONDS, f"{cpu:.1f} s of CPU over the baseline: {attack.stderr[-500:]}"
    extra = attack.peak_mb - base.peak_mb
    assert extra <= MAX_EXTRA_MB, f"{extra:.0f} MB over the baseline ({base.peak_mb:.0f} MB)"
