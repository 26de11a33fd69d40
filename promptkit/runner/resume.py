"""Resume: from what the journal says, decide where each job picks up again.

The rules, in order of what is at stake:

- a job with a ``request_id`` is never submitted again: it is polled (pending, or an earlier
  poll/download error), downloaded (done) or left alone (failed, moderated, expired);
- a job caught in ``submitting`` may have been accepted and billed: it becomes ``uncertain`` and is
  only sent again with ``resubmit_uncertain`` (which is the user's call, since it may pay twice);
- a clip on disk whose size or sha256 does not match the journal is downloaded again (by polling
  its job for a fresh URL), and a clip that was never scored is scored.

The same function plans a fresh run (every job is ``planned`` → submit).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from promptkit.runner.journal import JobRow, Journal
from promptkit.runner.layout import RunLayout
from promptkit.runner.scheduler import DOWNLOAD, POLL, SCORE, SUBMIT

INTERRUPTED = (
    "interrupted while submitting: the provider may have accepted it (see --resubmit-uncertain)"
)


def file_sha256(path: Path) -> str | None:
    """The file's sha256, or None when it does not exist."""
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def clip_intact(layout: RunLayout, row: JobRow) -> bool:
    """The job's clip exists and still has the sha256 recorded when it was downloaded."""
    if not row.file or not row.sha256:
        return False
    return file_sha256(layout.root / row.file) == row.sha256


def plan_resume(
    journal: Journal, layout: RunLayout, *, resubmit_uncertain: bool = False
) -> list[tuple[JobRow, str | None]]:
    """Each job with the stage it restarts from (None: nothing to do), fixing the journal first."""
    out: list[tuple[JobRow, str | None]] = []
    for row in journal.jobs():
        stage: str | None = None
        if row.state == "submitting":
            row = journal.transition(row.job_id, "uncertain", error=INTERRUPTED)
        if row.state == "planned":
            stage = SUBMIT
        elif row.state == "uncertain":
            stage = SUBMIT if resubmit_uncertain else None
        elif row.state == "error":
            stage = POLL if row.request_id else SUBMIT
        elif row.state == "submitted":
            stage = POLL
        elif row.state == "done":
            stage = DOWNLOAD if row.video_url else POLL
        elif row.state in ("downloaded", "scored"):
            if clip_intact(layout, row):
                stage = SCORE if row.state == "downloaded" else None
            else:
                journal.event(
                    "clip-missing", f"{row.file}: missing or changed; fetching again", row.job_id
                )
                # Back to "done": a fresh poll gives a fresh URL (the old one may have expired).
                row = journal.transition(row.job_id, "done", detail="re-download")
                stage = POLL
        out.append((row, stage))
    return out
