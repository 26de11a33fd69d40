"""The run journal: one SQLite database (WAL) per run, the single source of truth of what happened.

Every job state change is committed before the next action is taken, so a crash (even
``kill -9``) at any instant leaves a journal from which a resume can tell, for every job, whether
it may be submitted, must be polled, downloaded or scored, or must be left alone. A job that has
a ``request_id`` is never submitted again; a job caught between "submitting" and "submitted" is
marked ``uncertain`` because the provider may have accepted (and billed) it.

    planned ─▶ submitting ─▶ submitted(request_id) ─▶ done ─▶ downloaded ─▶ scored
       │            ├──▶ uncertain (outcome unknown)    ├──▶ failed / moderated / expired
       └▶ skipped   └──▶ error (refused) / planned       └──▶ error (reason kept, request id kept)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from promptkit.runner.expand import Job, Variant
from promptkit.runner.results import CLIP_STATUSES

# One list of states for the journal and results.json (a clip record's status is its job's state).
STATES = CLIP_STATUSES
_AFTER_ACCEPT = ("submitted", "done", "failed", "moderated", "expired", "error")

TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"submitting", "skipped"}),
    # "planned" again: the provider definitely refused it unpaid (credits, budget stop).
    "submitting": frozenset({"submitted", "uncertain", "error", "planned"}),
    "uncertain": frozenset({"submitting", "skipped"}),
    "submitted": frozenset(_AFTER_ACCEPT),
    "done": frozenset({"done", "downloaded", "expired", "error"}),
    "downloaded": frozenset({"scored", "done", "error"}),
    "scored": frozenset({"scored", "done", "downloaded"}),
    "error": frozenset({*_AFTER_ACCEPT, "submitting", "downloaded", "scored", "planned"}),
    "failed": frozenset(),
    "moderated": frozenset(),
    "expired": frozenset(),
    "skipped": frozenset(),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    variant_id TEXT NOT NULL,
    replicate INTEGER NOT NULL,
    variant_json TEXT NOT NULL,
    lint_json TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL,
    request_id TEXT,
    video_url TEXT,
    cost_ticks INTEGER,
    file TEXT,
    sha256 TEXT,
    error TEXT,
    score_json TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    polls INTEGER NOT NULL DEFAULT 0,
    submitted_at REAL,
    finished_at REAL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    job_id TEXT,
    kind TEXT NOT NULL,
    detail TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    wall_seconds REAL,
    argv TEXT
);
"""


class IllegalTransition(RuntimeError):
    """A state change the journal's state machine does not allow (a runner bug, not user error)."""


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class JobRow:
    """One job as the journal knows it."""

    job_id: str
    seq: int
    variant: Variant
    replicate: int
    state: str
    lint: list[dict[str, Any]] = field(default_factory=list)
    request_id: str | None = None
    video_url: str | None = None
    cost_ticks: int | None = None
    file: str | None = None
    sha256: str | None = None
    error: str | None = None
    score: dict[str, Any] | None = None
    attempts: int = 0
    polls: int = 0
    submitted_at: float | None = None
    finished_at: float | None = None

    @property
    def job(self) -> Job:
        return Job(self.variant, self.replicate)


class Journal:
    """Append-mostly store of a run's jobs, events and sessions (see the module docstring)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn

    # --- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path) -> Journal:
        """Open (creating if needed) the journal at ``path``."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed state change survives power loss too, not only a killed process.
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(SCHEMA)
        return cls(path, conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- meta and sessions ---------------------------------------------------------------
    def set_meta(self, values: Mapping[str, Any]) -> None:
        with self._tx() as cur:
            for key, value in values.items():
                cur.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (key, json.dumps(value)),
                )

    def meta(self) -> dict[str, Any]:
        rows = self._conn.execute("SELECT key, value FROM meta").fetchall()
        return {r["key"]: json.loads(r["value"]) for r in rows}

    def start_session(self, argv: Iterable[str] = ()) -> int:
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO sessions(started_at, argv) VALUES (?, ?)",
                (utc_now(), json.dumps(list(argv))),
            )
            return int(cur.lastrowid or 0)

    def end_session(self, session: int, wall_seconds: float) -> None:
        with self._tx() as cur:
            cur.execute(
                "UPDATE sessions SET ended_at=?, wall_seconds=? WHERE id=?",
                (utc_now(), wall_seconds, session),
            )

    def sessions(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._conn.execute("SELECT * FROM sessions ORDER BY id")]

    # --- jobs ----------------------------------------------------------------------------
    def add_jobs(self, jobs: Iterable[tuple[Job, list[dict[str, Any]], str, str | None]]) -> None:
        """Record planned jobs (job, lint findings, initial state, reason); existing ones stay."""
        now = utc_now()
        with self._tx() as cur:
            start = cur.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM jobs").fetchone()[0]
            for offset, (job, lint, state, reason) in enumerate(jobs):
                if state not in ("planned", "skipped"):
                    raise IllegalTransition(f"{job.job_id}: a new job cannot start as {state}")
                cur.execute(
                    "INSERT OR IGNORE INTO jobs(job_id, seq, variant_id, replicate, variant_json,"
                    " lint_json, state, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        job.job_id, start + offset, job.variant.variant_id, job.replicate,
                        json.dumps(job.variant.to_dict()), json.dumps(lint), state, reason, now,
                    ),
                )  # fmt: skip
                if cur.rowcount:
                    cur.execute(
                        "INSERT INTO events(ts, job_id, kind, detail) VALUES (?, ?, ?, ?)",
                        (now, job.job_id, state, reason),
                    )

    def jobs(self) -> list[JobRow]:
        rows = self._conn.execute("SELECT * FROM jobs ORDER BY seq").fetchall()
        return [_row(r) for r in rows]

    def get(self, job_id: str) -> JobRow:
        row = self._conn.execute("SELECT * FROM jobs WHERE job_id=?", (job_id,)).fetchone()
        if row is None:
            raise KeyError(job_id)
        return _row(row)

    def transition(
        self, job_id: str, state: str, *, detail: str | None = None, **fields: Any
    ) -> JobRow:
        """Move a job to ``state`` (checked against the state machine) and commit at once.

        ``fields`` may set request_id, video_url, cost_ticks, file, sha256, error, score,
        submitted_at, finished_at; ``attempts=+1`` is spelled ``attempt=True``. ``error`` is
        cleared on success states unless given.
        """
        if state not in STATES:
            raise IllegalTransition(f"{job_id}: unknown state {state!r}")
        with self._tx() as cur:
            row = cur.execute(
                "SELECT state, request_id FROM jobs WHERE job_id=?", (job_id,)
            ).fetchone()
            if row is None:
                raise KeyError(job_id)
            current = row["state"]
            if state not in TRANSITIONS[current]:
                raise IllegalTransition(f"{job_id}: {current} -> {state} is not allowed")
            if state == "submitting" and row["request_id"]:
                raise IllegalTransition(f"{job_id}: has request id {row['request_id']}; not resent")
            sets: dict[str, Any] = {"state": state, "updated_at": utc_now()}
            if fields.pop("attempt", False):
                sets["attempts"] = None  # marker: incremented below
            if "score" in fields:
                score = fields.pop("score")
                sets["score_json"] = json.dumps(score) if score is not None else None
            if "cost_ticks" in fields and fields["cost_ticks"] is None:
                fields.pop("cost_ticks")  # never forget a known cost
            allowed = {"request_id", "video_url", "cost_ticks", "file", "sha256", "error",
                       "submitted_at", "finished_at"}  # fmt: skip
            unknown = set(fields) - allowed
            if unknown:
                raise TypeError(f"unknown journal fields: {sorted(unknown)}")
            if "error" not in fields and state not in ("error", "uncertain", "planned"):
                fields["error"] = None
            sets.update(fields)
            assignments = ", ".join(
                "attempts = attempts + 1" if k == "attempts" else f"{k} = ?" for k in sets
            )
            values = [v for k, v in sets.items() if k != "attempts"]
            cur.execute(f"UPDATE jobs SET {assignments} WHERE job_id=?", (*values, job_id))
            cur.execute(
                "INSERT INTO events(ts, job_id, kind, detail) VALUES (?, ?, ?, ?)",
                (
                    utc_now(),
                    job_id,
                    state,
                    detail or fields.get("error") or fields.get("request_id"),
                ),
            )
        return self.get(job_id)

    def note(self, job_id: str, reason: str) -> None:
        """Record why a job did not move on (e.g. the budget guard held it), state unchanged."""
        with self._tx() as cur:
            cur.execute(
                "UPDATE jobs SET error=?, updated_at=? WHERE job_id=?", (reason, utc_now(), job_id)
            )
            cur.execute(
                "INSERT INTO events(ts, job_id, kind, detail) VALUES (?, ?, 'note', ?)",
                (utc_now(), job_id, reason),
            )

    def count_poll(self, job_id: str) -> None:
        with self._tx() as cur:
            cur.execute("UPDATE jobs SET polls = polls + 1 WHERE job_id=?", (job_id,))

    def event(self, kind: str, detail: str | None = None, job_id: str | None = None) -> None:
        """Record something that is not a state change (a retry, a stop, a resume)."""
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO events(ts, job_id, kind, detail) VALUES (?, ?, ?, ?)",
                (utc_now(), job_id, kind, detail),
            )

    def events(self, job_id: str | None = None) -> list[dict[str, Any]]:
        if job_id is None:
            rows = self._conn.execute("SELECT * FROM events ORDER BY id")
        else:
            rows = self._conn.execute("SELECT * FROM events WHERE job_id=? ORDER BY id", (job_id,))
        return [dict(r) for r in rows]

    def spend_ticks(self) -> int:
        """Everything the provider has reported charging, in ticks."""
        row = self._conn.execute("SELECT COALESCE(SUM(cost_ticks), 0) FROM jobs").fetchone()
        return int(row[0])

    # --- internals -----------------------------------------------------------------------
    def _tx(self) -> _Transaction:
        return _Transaction(self._conn)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on error): one state change, durable."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Cursor:
        self._cur = self._conn.cursor()
        self._cur.execute("BEGIN IMMEDIATE")
        return self._cur

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._cur.execute("ROLLBACK" if exc_type else "COMMIT")
        self._cur.close()


def _row(r: sqlite3.Row) -> JobRow:
    return JobRow(
        job_id=r["job_id"],
        seq=r["seq"],
        variant=Variant.from_dict(json.loads(r["variant_json"])),
        replicate=r["replicate"],
        state=r["state"],
        lint=json.loads(r["lint_json"] or "[]"),
        request_id=r["request_id"],
        video_url=r["video_url"],
        cost_ticks=r["cost_ticks"],
        file=r["file"],
        sha256=r["sha256"],
        error=r["error"],
        score=json.loads(r["score_json"]) if r["score_json"] else None,
        attempts=r["attempts"],
        polls=r["polls"],
        submitted_at=r["submitted_at"],
        finished_at=r["finished_at"],
    )
