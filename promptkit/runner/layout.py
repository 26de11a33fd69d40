"""Run folders: where a run keeps its spec, journal, clips, artifacts and results.

    reports/<run-id>/
        spec.yaml        the spec exactly as it was run
        journal.sqlite   every state change (WAL; the truth a resume starts from)
        clips/           <variant_id>-r<k>.mp4, sha256 recorded in the journal
        artifacts/       contact sheets, thumbnails, per-frame series
        results.json     the data every report is rendered from

The default run id is ``<UTC timestamp>-<spec name>-<short hash of the spec>``, so runs sort
by time and a glance tells which spec made them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_OUT = Path("reports")


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

    def clip_file(self, job_id: str) -> str:
        """The clip's path relative to the run folder (``clips/<variant_id>-r<k>.mp4``)."""
        return f"clips/{job_id}.mp4"

    def create(self) -> RunLayout:
        for folder in (self.root, self.clips, self.artifacts):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def exists(self) -> bool:
        return self.journal.is_file()

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
