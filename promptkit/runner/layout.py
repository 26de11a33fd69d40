"""Run folders: where a run keeps its spec, journal, clips, artifacts and results.

    reports/<run-id>/
        spec.yaml        the spec exactly as it was run
        journal.sqlite   every state change (WAL; the truth a resume starts from)
        run.lock         held by the one process writing the run (see runner.lock)
        reserve          a little disk space kept back for the journal's last words
        clips/           <variant_id>-r<k>.mp4, sha256 recorded in the journal
        artifacts/       contact sheets, thumbnails, per-frame series
        sim/             the built-in simulator's job store (provider sim without --sim-url)
        results.json     the data every report is rendered from

The default run id is ``<UTC timestamp>-<spec name>-<short hash of the spec>``, so runs sort
by time and a glance tells which spec made them. A run id is a name, never a path.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from promptkit.errors import UsageError
from promptkit.runner.lock import LOCK_NAME, read_holder

DEFAULT_OUT = Path("reports")
RESERVE_BYTES = 2 * 1024 * 1024
"""Disk kept back while a session runs, freed when the disk fills so the journal can still
record the answers to requests already sent (a state change takes a few KiB)."""
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
# What a run folder may hold before its journal exists (a session that died while starting).
_RUN_ENTRIES = {"spec.yaml", "clips", "artifacts", "sim", LOCK_NAME, "reserve"}


def check_run_id(run_id: str) -> str:
    """``run_id`` when it is a plain folder name (letters, digits, ``.``, ``_``, ``-``; at most
    128 characters, not starting with a dot): never a path that could leave ``--out``."""
    if not RUN_ID.fullmatch(run_id):
        raise UsageError(
            f"--run-id {run_id!r}: use a name of letters, digits, '.', '_' and '-' (not starting "
            "with '.' or '-', at most 128 characters); it names a folder under --out"
        )
    return run_id


@dataclass(frozen=True)
class RunLayout:
    """Paths of one run folder."""

    root: Path

    @property
    def run_id(self) -> str:
        return self.root.name

    @property
    def spec(self) -> Path:
        return self.root / "spec.yaml"

    @property
    def journal(self) -> Path:
        return self.root / "journal.sqlite"

    @property
    def clips(self) -> Path:
        return self.root / "clips"

    @property
    def artifacts(self) -> Path:
        return self.root / "artifacts"

    @property
    def results(self) -> Path:
        return self.root / "results.json"

    @property
    def sim_state(self) -> Path:
        return self.root / "sim"

    @property
    def reserve(self) -> Path:
        return self.root / "reserve"

    def clip_file(self, job_id: str) -> str:
        """The clip's path relative to the run folder (``clips/<variant_id>-r<k>.mp4``)."""
        return f"clips/{job_id}.mp4"

    def create(self) -> RunLayout:
        for folder in (self.root, self.clips, self.artifacts):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def exists(self) -> bool:
        return self.journal.is_file()

    def keep_reserve(self) -> None:
        """Set :data:`RESERVE_BYTES` of disk aside in ``reserve`` (really allocated, not a
        sparse file); silently nothing when the disk has no room even for that."""
        if self.reserve.exists():
            return
        try:
            with self.reserve.open("wb") as fh:
                if hasattr(os, "posix_fallocate"):
                    os.posix_fallocate(fh.fileno(), 0, RESERVE_BYTES)
                else:  # macOS: zeros written are blocks taken too
                    fh.write(bytes(RESERVE_BYTES))
        except OSError:
            self.release_reserve()

    def release_reserve(self) -> bool:
        """Give the reserve back to the disk; True when there was one (room was freed)."""
        try:
            self.reserve.unlink()
        except OSError:
            return False
        return True

    def foreign(self) -> list[str]:
        """Entries of an existing folder that no run would have written (empty: safe to use)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.name not in _RUN_ENTRIES)

    def leftovers(self) -> list[Path]:
        """Temporary files a killed session left: partial downloads and half-written files."""
        found = list(self.clips.glob(".*.part")) if self.clips.is_dir() else []
        if self.root.is_dir():
            found += list(self.root.glob(".*.tmp"))
        return sorted(found)

    def clean_leftovers(self) -> list[Path]:
        """Remove :meth:`leftovers` (only our own temp names); returns what was removed."""
        removed = []
        for path in self.leftovers():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
        return removed

    def relative(self, path: str | Path | None) -> str | None:
        """``path`` relative to the run folder when it lies inside it (else as given)."""
        if path is None:
            return None
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(p)


def spec_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def new_run_id(spec_name: str, spec_text: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{spec_name}-{spec_hash(spec_text)}"


def find_run(ref: str | Path, out_dir: Path = DEFAULT_OUT) -> RunLayout:
    """A run given as a folder path or as a run id under ``out_dir``."""
    path = Path(ref)
    if path.is_dir():
        return RunLayout(path)
    candidate = Path(out_dir) / str(ref)
    return RunLayout(candidate)


@dataclass
class RunInfo:
    """One line of ``promptkit runs``."""

    run_id: str
    path: Path
    status: str
    created_at: str | None = None
    spec: str | None = None
    provider: str | None = None
    jobs: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    cost_ticks: int = 0


def list_runs(out_dir: Path = DEFAULT_OUT) -> list[RunInfo]:
    """Runs under ``out_dir``, oldest first, read from each journal (results may not exist yet)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    runs = []
    for folder in sorted(p for p in out_dir.iterdir() if p.is_dir()):
        layout = RunLayout(folder)
        if layout.exists():
            runs.append(_run_info(layout))
    return runs


def _run_info(layout: RunLayout) -> RunInfo:
    # Read-only and without the journal module: listing must work on any past run.
    uri = f"file:{layout.journal.resolve()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5)
        try:
            meta = {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
            counts = dict(conn.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state"))
            spend = conn.execute("SELECT COALESCE(SUM(cost_ticks), 0) FROM jobs").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return RunInfo(layout.run_id, layout.root, f"unreadable ({exc})")
    status = meta.get("status", "open")
    if status == "open":
        # A session is running (its pid holds the lock) or died without closing the run.
        holder = read_holder(layout.root)
        status = "running" if holder is not None and holder.alive() else "interrupted"
    return RunInfo(
        run_id=layout.run_id,
        path=layout.root,
        status=status,
        created_at=meta.get("created_at"),
        spec=meta.get("spec_path"),
        provider=meta.get("provider"),
        jobs=sum(counts.values()),
        by_status=counts,
        cost_ticks=int(spend),
    )
