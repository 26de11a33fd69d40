"""The run journal: one SQLite database (WAL) per run, the single source of truth of what happened.

Every job state change is committed before the next action is taken, so a crash (even
``kill -9``) at any instant leaves a journal from which a resume can tell, for every job, whether
it may be submitted, must be polled, downloaded or scored, or must be left alone. A job that has
a ``request_id`` is never submitted again; a job caught between "submitting" and "submitted" is
marked ``uncertain`` because the provider may have accepted (and billed) it.

    planned ─▶ submitting ─▶ submitted(request_id) ─▶ done ─▶ downloaded ─▶ scored
       │            ├──▶ uncertain (outcome unknown)    ├──▶ failed / moderated / expired
       └▶ skipped   └──▶ error (refused) / planned       └──▶ error (reason kept, request id kept)

An ``uncertain`` job is settled on resume: by the provider's records when the provider can be
asked (the built-in simulator), else by the user (resubmit it, or skip it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from promptkit.errors import InputError, PromptkitError, StorageError
from promptkit.runner.expand import Job, Variant
from promptkit.runner.results import CLIP_STATUSES

# One list of states for the journal and results.json (a clip record's status is its job's state).
STATES = CLIP_STATUSES
_AFTER_ACCEPT = ("submitted", "done", "failed", "moderated", "expired", "error")

TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"submitting", "skipped"}),
    # "planned" again: the provider definitely refused it unpaid (credits, budget stop).
    "submitting": frozenset({"submitted", "uncertain", "error", "planned"}),
    # "submitted"/"planned": the provider's own records settled it (found it, or never got it).
    "uncertain": frozenset({"submitting", "skipped", "submitted", "planned"}),
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


T = TypeVar("T")


class IllegalTransition(RuntimeError):
    """A state change the journal's state machine does not allow (a runner bug, not user error)."""


_FULL = ("disk is full", "database or disk is full")
_STORAGE = (*_FULL, "readonly", "read-only", "unable to open", "disk i/o error", "no space")


def map_sqlite_error(exc: sqlite3.Error, path: Path) -> PromptkitError:
    """The promptkit error for a SQLite failure on the journal at ``path`` (one line).

    A disk that refuses writes is a :class:`StorageError` (free space, then resume); a file
    SQLite cannot read as a database is a damaged journal (:class:`InputError`).
    """
    text = str(exc)
    if any(word in text.lower() for word in _STORAGE):
        return StorageError(f"{path}: cannot write the run journal ({text}); free disk space or "
                            "fix permissions, then resume the run")  # fmt: skip
    return InputError(f"{path}: the run journal is damaged ({text}); it cannot be resumed")


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
        self.on_full: Callable[[], bool] | None = None
        """Called when the disk is full; True when it freed room (the write is tried again)."""
        self.disk_full = False
        """The disk filled up during this session (the reserve was spent on the journal)."""

    # --- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path) -> Journal:
        """Open (creating if needed) the journal at ``path``."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"{path.parent}: cannot create the run folder: {exc.strerror}"
            ) from exc
        conn = None
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed state change survives power loss too, not only a killed process.
            conn.execute("PRAGMA synchronous=FULL")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(str(check))
            conn.executescript(SCHEMA)
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise map_sqlite_error(exc, path) from None
        return cls(path, conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- meta and sessions ---------------------------------------------------------------
    def set_meta(self, values: Mapping[str, Any]) -> None:
        rows = [(key, json.dumps(value)) for key, value in values.items()]
        self._write(
            lambda cur: cur.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                rows,
            )
        )

    def meta(self) -> dict[str, Any]:
        rows = self._read("SELECT key, value FROM meta")
        try:
            return {r["key"]: json.loads(r["value"]) for r in rows}
        except (ValueError, TypeError) as exc:
            raise InputError(f"{self.path}: the run journal is damaged (meta: {exc})") from None

    def start_session(self, argv: Iterable[str] = ()) -> int:
        row = (utc_now(), json.dumps(list(argv)))

        def insert(cur: sqlite3.Cursor) -> int:
            cur.execute("INSERT INTO sessions(started_at, argv) VALUES (?, ?)", row)
            return int(cur.lastrowid or 0)

        return self._write(insert)

    def end_session(self, session: int, wall_seconds: float) -> None:
        row = (utc_now(), wall_seconds, session)
        self._write(
            lambda cur: cur.execute(
                "UPDATE sessions SET ended_at=?, wall_seconds=? WHERE id=?", row
            )
        )

    def sessions(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._read("SELECT * FROM sessions ORDER BY id")]

    # --- jobs ----------------------------------------------------------------------------
    def add_jobs(self, jobs: Iterable[tuple[Job, list[dict[str, Any]], str, str | None]]) -> None:
        """Record planned jobs (job, lint findings, initial state, reason); existing ones stay."""
        now = utc_now()
        planned = list(jobs)
        for job, _, state, _ in planned:
            if state not in ("planned", "skipped"):
                raise IllegalTransition(f"{job.job_id}: a new job cannot start as {state}")

        def insert(cur: sqlite3.Cursor) -> None:
            start = cur.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM jobs").fetchone()[0]
            for offset, (job, lint, state, reason) in enumerate(planned):
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

        self._write(insert)

    def jobs(self) -> list[JobRow]:
        return [self._job(r) for r in self._read("SELECT * FROM jobs ORDER BY seq")]

    def get(self, job_id: str) -> JobRow:
        rows = self._read("SELECT * FROM jobs WHERE job_id=?", (job_id,))
        if not rows:
            raise KeyError(job_id)
        return self._job(rows[0])

    def _job(self, row: sqlite3.Row) -> JobRow:
        """A row as a :class:`JobRow`; a row no runner could have written is a damaged journal."""
        try:
            job = _row(row)
        except (PromptkitError, ValueError, TypeError, KeyError, IndexError) as exc:
            raise InputError(
                f"{self.path}: the run journal is damaged (job {row['job_id']!r}: {exc})"
            ) from None
        if job.state not in STATES:
            raise InputError(
                f"{self.path}: the run journal is damaged (job {job.job_id!r} is in unknown state "
                f"{job.state!r})"
            )
        return job

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise map_sqlite_error(exc, self.path) from None

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
        event = (
            utc_now(),
            job_id,
            state,
            detail or fields.get("error") or fields.get("request_id"),
        )

        def update(cur: sqlite3.Cursor) -> None:
            row = cur.execute(
                "SELECT state, request_id FROM jobs WHERE job_id=?", (job_id,)
            ).fetchone()
            if row is None:
                raise KeyError(job_id)
            current = row["state"]
            if current not in TRANSITIONS or state not in TRANSITIONS[current]:
                raise IllegalTransition(f"{job_id}: {current} -> {state} is not allowed")
            if state == "submitting" and row["request_id"]:
                raise IllegalTransition(f"{job_id}: has request id {row['request_id']}; not resent")
            cur.execute(f"UPDATE jobs SET {assignments} WHERE job_id=?", (*values, job_id))
            cur.execute("INSERT INTO events(ts, job_id, kind, detail) VALUES (?, ?, ?, ?)", event)

        self._write(update)
        return self.get(job_id)

    def note(self, job_id: str, reason: str) -> None:
        """Record why a job did not move on (e.g. the budget guard held it), state unchanged."""
        now = utc_now()

        def update(cur: sqlite3.Cursor) -> None:
            cur.execute(
                "UPDATE jobs SET error=?, updated_at=? WHERE job_id=?", (reason, now, job_id)
            )
            cur.execute(
                "INSERT INTO events(ts, job_id, kind, detail) VALUES (?, ?, 'note', ?)",
                (now, job_id, reason),
            )

        self._write(update)

    def count_poll(self, job_id: str) -> None:
        self._write(
            lambda cur: cur.execute("UPDATE jobs SET polls = polls + 1 WHERE job_id=?", (job_id,))
        )

    def event(self, kind: str, detail: str | None = None, job_id: str | None = None) -> None:
        """Record something that is not a state change (a retry, a stop, a resume)."""
        row = (utc_now(), job_id, kind, detail)
        self._write(
            lambda cur: cur.execute(
                "INSERT INTO events(ts, job_id, kind, detail) VALUES (?, ?, ?, ?)", row
            )
        )

    def events(self, job_id: str | None = None) -> list[dict[str, Any]]:
        if job_id is None:
            rows = self._read("SELECT * FROM events ORDER BY id")
        else:
            rows = self._read("SELECT * FROM events WHERE job_id=? ORDER BY id", (job_id,))
        return [dict(r) for r in rows]

    def spend_ticks(self) -> int:
        """Everything the provider has reported charging, in ticks."""
        return int(self._read("SELECT COALESCE(SUM(cost_ticks), 0) FROM jobs")[0][0])

    # --- internals -----------------------------------------------------------------------
    def _write(self, body: Callable[[sqlite3.Cursor], T]) -> T:
        """Run ``body`` in one ``BEGIN IMMEDIATE`` … ``COMMIT`` transaction: one durable change.

        SQLite failures become one-line promptkit errors. When the disk is full, the
        ``on_full`` hook may free the run's reserve; the whole transaction then runs once more,
        so the answer to a submit already sent is still recorded.
        """
        for attempt in range(2):
            cur = self._conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
                result = body(cur)
                cur.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.rollback()
                full = any(word in str(exc).lower() for word in _FULL)
                self.disk_full = self.disk_full or full
                if attempt == 0 and full and self.on_full is not None and self.on_full():
                    continue
                raise map_sqlite_error(exc, self.path) from None
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.rollback()
                raise
            finally:
                cur.close()
        raise AssertionError("unreachable")  # pragma: no cover


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
