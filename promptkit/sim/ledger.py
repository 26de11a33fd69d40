"""The simulator's books: one JSON line per accepted (job-creating) request, plus counters.

``accepted`` lines are written when a job is created (before its answer is sent, so a dropped
answer still leaves a record) and ``finished`` lines when a job reaches a final state. The
in-memory view (:meth:`Ledger.entries`) is one dict per job with its latest status, which is
what tests use to prove that no paid request was submitted twice (``user`` carries the caller's
job key) and ``via`` the front it came by (``rest`` or ``grpc``). :class:`Stats` counts
everything else: answers by HTTP status and by gRPC status code, 429s, injected 5xx, drops, polls
and downloads.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any, TextIO


class Ledger:
    """Accepted requests, in memory and optionally appended to a JSON-lines file."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._file: TextIO | None = None
        self._entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    @property
    def path(self) -> Path | None:
        return self._path

    @path.setter
    def path(self, path: Path | None) -> None:
        """Send later lines to ``path`` (the open file, if any, is closed first)."""
        with self._lock:
            self._close_file()
            self._path = path

    def close(self) -> None:
        """Close the file; a later line opens it again (appending), so nothing is refused."""
        with self._lock:
            self._close_file()

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _write(self, line: dict[str, Any]) -> None:
        # Called with the lock held. One handle for the ledger's lifetime; the flush after each
        # line lets readers of the file see it at once, and a killed server loses nothing.
        if self._path is None:
            return
        if self._file is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)  # also for a path set later
            self._file = self._path.open("a", encoding="utf-8")
        self._file.write(json.dumps(line, sort_keys=True) + "\n")
        self._file.flush()

    def accepted(self, entry: dict[str, Any]) -> None:
        """Record a new job (``entry`` must hold ``request_id``)."""
        with self._lock:
            self._entries[entry["request_id"]] = dict(entry)
            self._write({"event": "accepted", **entry})

    def finished(self, request_id: str, **fields: Any) -> None:
        """Record a job's final state (status, cost, sidecar, ...)."""
        with self._lock:
            self._entries.setdefault(request_id, {"request_id": request_id}).update(fields)
            self._write({"event": "finished", "request_id": request_id, **fields})

    def restore(self, request_id: str, fields: dict[str, Any]) -> None:
        """Bring back what an earlier run of the simulator recorded for a job (not written to
        the file again: it is there already, or the simulator had no file)."""
        with self._lock:
            self._entries.setdefault(request_id, {"request_id": request_id}).update(fields)

    def entries(self) -> list[dict[str, Any]]:
        """One dict per accepted job, oldest first, with its latest known status."""
        with self._lock:
            return [dict(e) for e in self._entries.values()]


class Stats:
    """Counters of everything the simulator answered or injected."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.responses: Counter[int] = Counter()
        self.grpc_responses: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            self.counts[name] += n

    def response(self, status: int) -> None:
        with self._lock:
            self.responses[status] += 1

    def grpc_response(self, code: str) -> None:
        """Count a gRPC answer by its status code name (``OK``, ``RESOURCE_EXHAUSTED``, ...)."""
        with self._lock:
            self.grpc_responses[code] += 1

    def snapshot(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """Counts by endpoint and status, faults, and total cost of finished ``done`` jobs."""
        by_endpoint = Counter(e.get("endpoint", "?") for e in entries)
        by_via = Counter(e.get("via", "rest") for e in entries)
        by_status = Counter(e.get("status", "pending") for e in entries)
        cost = sum(
            int(e.get("cost_ticks") or 0)
            for e in entries
            if e.get("status") in ("done", "moderated")
        )
        with self._lock:
            counts = dict(self.counts)
            responses = {str(k): v for k, v in sorted(self.responses.items())}
            grpc_responses = dict(sorted(self.grpc_responses.items()))
        return {
            "accepted": len(entries),
            "by_endpoint": dict(sorted(by_endpoint.items())),
            "by_status": dict(sorted(by_status.items())),
            "by_via": dict(sorted(by_via.items())),
            "responses": responses,
            "grpc_responses": grpc_responses,
            "metered": counts.get("metered", 0),
            "rate_limited": counts.get("rate_limited", 0),
            "credits_exhausted": counts.get("credits_exhausted", 0),
            "errors_5xx_injected": counts.get("errors_5xx_injected", 0),
            "drops_before_accept": counts.get("drops_before_accept", 0),
            "drops_after_accept": counts.get("drops_after_accept", 0),
            "drops_poll": counts.get("drops_poll", 0),
            "empty_202": counts.get("empty_202", 0),
            "polls": counts.get("polls", 0),
            "downloads": counts.get("downloads", 0),
            "downloads_slow": counts.get("downloads_slow", 0),
            "downloads_truncated": counts.get("downloads_truncated", 0),
            "total_cost_ticks": cost,
        }
