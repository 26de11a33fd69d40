"""The simulator's job store on disk, so a restarted simulator still knows every job it accepted.

A real provider does not forget a paid job because a client crashed; a simulator started
in-process by an eval dies with it. With ``state_dir`` set, :class:`JobFile` appends one JSON
line per accepted job to ``<state_dir>/jobs.jsonl`` (fsynced before the submit is answered, with
the job's input media beside it in ``inputs/``) and one line when the job finishes. A simulator
started on the same folder reads them back: pending jobs finish on their original schedule
(times are kept as wall-clock offsets), finished ones keep their status, cost, clip token and
URL lifetime, and the ledger is rebuilt. Clips are not stored: a restored clip is rendered
again, byte for byte (the renderer is deterministic given the job's seed), the first time it is
asked for.

Only lines this module wrote are read back; a line torn by a crash (the last one) is ignored,
since its job was never answered.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from promptkit.errors import SimulatorError
from promptkit.sim.renderer import RenderJob
from promptkit.sim.wire import Submission

log = logging.getLogger("promptkit.sim")

JOBS_FILE = "jobs.jsonl"
_BLOBS = ("image", "input_video")


@dataclass
class Saved:
    """One job as read back: what it was, how it rendered, and how it ended (if it did)."""

    request_id: str
    submission: Submission
    created_wall: float
    latency_s: float
    outcome: str
    cost_ticks: int
    frames: int
    seed_key: int
    extra: dict[str, Any]
    ledger: dict[str, Any]
    render: RenderJob | None
    finished: dict[str, Any] | None = None


class JobFile:
    """Appends accepted and finished jobs to ``<folder>/jobs.jsonl`` and reads them back."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / JOBS_FILE

    def accepted(
        self,
        *,
        request_id: str,
        submission: Submission,
        latency_s: float,
        outcome: str,
        cost_ticks: int,
        frames: int,
        seed_key: int,
        extra: dict[str, Any],
        ledger: dict[str, Any],
        render: RenderJob | None,
    ) -> None:
        """Record a new job durably; raises OSError when the disk refuses (nothing is created)."""
        blobs: dict[str, str] = {}
        render_fields = None
        if render is not None:
            render_fields = {
                f.name: getattr(render, f.name)
                for f in fields(render)
                if f.name not in (*_BLOBS, "first_frame")
            }
            for name in _BLOBS:
                data = getattr(render, name)
                if data is not None:
                    rel = f"inputs/{request_id}.{name}"
                    _write_bytes(self.folder / rel, data)
                    blobs[name] = rel
        # Inputs given inline (data URIs) are in the render job already; the rest is small.
        skip = ("image_bytes", "image_url", "video_url")
        sub = {k: v for k, v in asdict(submission).items() if k not in skip}
        self._append(
            {
                "event": "accepted",
                "request_id": request_id,
                "created_wall": time.time(),
                "latency_s": latency_s,
                "outcome": outcome,
                "cost_ticks": cost_ticks,
                "frames": frames,
                "seed_key": seed_key,
                "extra": extra,
                "ledger": ledger,
                "submission": sub,
                "render": render_fields,
                "blobs": blobs,
            }
        )

    def finished(
        self, request_id: str, *, after_s: float, token: str | None, **ledger: Any
    ) -> None:
        """Record how a job ended, ``after_s`` seconds after it was created (best effort: a
        job that was not recorded finishing simply finishes again, the same way, on restore)."""
        try:
            self._append(
                {
                    "event": "finished",
                    "request_id": request_id,
                    "after_s": after_s,
                    "token": token,
                    "ledger": ledger,
                }  # fmt: skip
            )
        except OSError as exc:
            log.warning("cannot record that job %s finished: %s", request_id, exc)

    def load(self) -> list[Saved]:
        """Every job recorded in the folder, oldest first (empty when there is none)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise SimulatorError(f"{self.path}: cannot read the job store ({exc})") from None
        jobs: dict[str, Saved] = {}
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # torn by a crash mid-write: that job was never answered
            if record.get("event") == "accepted":
                try:
                    jobs[record["request_id"]] = self._saved(record)
                except (OSError, KeyError, TypeError, ValueError) as exc:
                    raise SimulatorError(
                        f"{self.path}: a job record is damaged ({type(exc).__name__}: {exc}); "
                        "the simulator cannot restore its jobs"
                    ) from None
            elif record.get("event") == "finished" and record.get("request_id") in jobs:
                jobs[record["request_id"]].finished = record
        return list(jobs.values())

    def _saved(self, record: dict[str, Any]) -> Saved:
        render = None
        if record.get("render") is not None:
            blobs = {
                name: (self.folder / rel).read_bytes()
                for name, rel in (record.get("blobs") or {}).items()
            }
            render = RenderJob(**record["render"], **blobs)
        sub = dict(record["submission"])
        return Saved(
            request_id=record["request_id"],
            submission=Submission(**sub),
            created_wall=float(record["created_wall"]),
            latency_s=float(record["latency_s"]),
            outcome=str(record["outcome"]),
            cost_ticks=int(record["cost_ticks"]),
            frames=int(record["frames"]),
            seed_key=int(record["seed_key"]),
            extra=dict(record.get("extra") or {}),
            ledger=dict(record.get("ledger") or {}),
            render=render,
        )

    def _append(self, record: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, sort_keys=True) + "\n"
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())


def read_ledger(folder: Path) -> list[dict[str, Any]]:
    """The ledger entries (as :meth:`Ledger.entries` gives them) of the jobs stored in
    ``folder``: what a provider billed, read without starting a simulator."""
    out = []
    for saved in JobFile(folder).load():
        entry = dict(saved.ledger)
        if saved.finished is not None:
            entry.update(saved.finished.get("ledger") or {})
        out.append(entry)
    return out


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
