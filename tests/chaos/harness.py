"""What every chaos run is checked against, and the plumbing to start, stall and kill evals.

:func:`audit` compares a finished run with the provider's ledger and asserts the promises:
no job submitted twice, no paid job lost (an ``expired`` clip, a billed job left ``uncertain``
or ``failed``, or a billed job the journal does not know all count as lost), the reported spend
equal to the ledger's, and no temporary file left in the run folder. The process helpers read
``/proc`` to find every process an eval started, so a test can prove none outlives it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from promptkit.runner.results import load_results

SESSION_TIMEOUT_S = 240.0

# ``python -c STALL ARGS``: promptkit's CLI, except that writing the file named by
# PK_STALL_FILE (results.json or index.html) stops half-way, touches PK_STALL_MARKER and hangs,
# so a test can kill the eval exactly while that file is being written.
STALL = """
import os, sys, tempfile, time
from pathlib import Path
import promptkit.report.writer as report_writer
import promptkit.runner.results as results
real = results.write_text_atomic

def stalled(path, text, *, fsync=False):
    text = text if isinstance(text, str) else "".join(text)  # results and pages come in pieces
    if path.name == os.environ["PK_STALL_FILE"]:
        fd, _ = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
        os.write(fd, text[: len(text) // 2].encode())
        Path(os.environ["PK_STALL_MARKER"]).touch()
        time.sleep(3600)
    return real(path, text, fsync=fsync)

results.write_text_atomic = report_writer.write_text_atomic = stalled
from promptkit.cli import main
main(sys.argv[1:])
"""


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROMPTKIT_", "XAI_"))}
    env.update(extra)
    return env


def start_eval(
    args: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None, stall: str = ""
) -> subprocess.Popen[bytes]:
    """``promptkit eval ARGS -q`` in a subprocess (stalling in ``stall`` when given)."""
    entry = ["-c", STALL] if stall else ["-m", "promptkit"]
    return subprocess.Popen(
        [sys.executable, *entry, "eval", *args, "-q"],
        cwd=cwd, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env or clean_env(),
    )  # fmt: skip


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes], what: str) -> None:
    """Poll ``condition`` until it holds; fail if the eval ends first or nothing happens."""
    deadline = time.monotonic() + SESSION_TIMEOUT_S
    while not condition():
        assert proc.poll() is None, f"the eval ended (exit {proc.returncode}) before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (children, their children, ...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after its ')'.
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def kill_alone(proc: subprocess.Popen[bytes]) -> set[int]:
    """SIGKILL the eval process only (not its children); returns the children it had."""
    children = descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return children


def wait_gone(pids: set[int], timeout: float = 10.0) -> list[int]:
    """The pids still alive after ``timeout`` seconds (empty: none outlived their parent)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def journal_rows(run: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(f"file:{run / 'journal.sqlite'}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM jobs ORDER BY seq")]
    finally:
        conn.close()


def journal_meta(run: Path) -> dict[str, str]:
    import json

    conn = sqlite3.connect(f"file:{run / 'journal.sqlite'}?mode=ro", uri=True, timeout=10)
    try:
        return {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
    finally:
        conn.close()


def journal_events(run: Path, kind: str) -> list[str]:
    conn = sqlite3.connect(f"file:{run / 'journal.sqlite'}?mode=ro", uri=True, timeout=10)
    try:
        rows = conn.execute("SELECT detail FROM events WHERE kind=? ORDER BY id", (kind,))
        return [str(r[0]) for r in rows]
    finally:
        conn.close()


def count_rows(run: Path, where: str) -> int:
    """Jobs of the run's journal matching the SQL condition ``where`` (0 before it exists)."""
    if not (run / "journal.sqlite").exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{run / 'journal.sqlite'}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute(f"SELECT COUNT(*) FROM jobs WHERE {where}").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def leftovers(run: Path) -> list[str]:
    """Temporary files in the run folder: partial downloads, half-written files, the reserve."""
    names = [p for p in run.rglob("*") if p.name.endswith((".part", ".tmp"))]
    names += [p for p in (run / "reserve",) if p.exists()]
    return sorted(str(p.relative_to(run)) for p in names)


def audit(run: Path, ledger: list[dict[str, Any]]) -> dict[str, Any]:
    """Check the run against the provider's ledger; returns the figures it checked."""
    rows = journal_rows(run)
    results = load_results(run)
    by_job = {r["job_id"]: r for r in rows}
    prefix = f"{run.name}/"
    by_user: dict[str, list[dict[str, Any]]] = {}
    for entry in ledger:
        by_user.setdefault(str(entry.get("user")), []).append(entry)
    duplicates = sum(len(v) - 1 for v in by_user.values())
    strangers = [u for u in by_user if u.removeprefix(prefix) not in by_job]
    lost = []
    for user, entries in by_user.items():
        row = by_job.get(user.removeprefix(prefix))
        for entry in entries:
            billed = entry.get("status") in ("done", "moderated")
            kept = row is not None and row["request_id"] == entry["request_id"]
            if billed and not (kept and row["state"] in ("downloaded", "scored", "moderated")):
                lost.append((user, row["state"] if row else None))
            elif kept and row["state"] in ("downloaded", "scored"):
                clip = run / row["file"]
                assert clip.is_file() and row["sha256"] == entry.get("sha256"), row
    billed_cost = sum(
        int(e.get("cost_ticks") or 0) for e in ledger if e.get("status") in ("done", "moderated")
    )
    figures = {
        "jobs": len(rows),
        "accepted by the provider": len(ledger),
        "end states": dict(sorted(Counter(r["state"] for r in rows).items())),
        "duplicates": duplicates,
        "paid jobs lost": len(lost),
        "spend": f"results {results.summary.cost_ticks} ticks, ledger {billed_cost} ticks",
        "temporary files left": leftovers(run),
    }
    assert duplicates == 0 and strangers == [], figures
    assert lost == [], lost
    assert results.summary.cost_ticks == billed_cost, figures
    assert leftovers(run) == [], figures
    return figures
