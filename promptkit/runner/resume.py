"""Resume: from what the journal says, decide where each job picks up again.

The rules, in order of what is at stake:

- a job with a ``request_id`` is never submitted again: it is polled (pending, or an earlier
  poll/download error), downloaded (done) or left alone (failed, moderated, expired);
- a job caught in ``submitting`` may have been accepted and billed: it becomes ``uncertain``.
  When the provider's own records can be read (``lookup``: the built-in simulator's job store)
  it is settled from them: adopted with the request id found, or planned again when the
  provider never received it. Otherwise it is only sent again with ``resubmit_uncertain`` (the
  user's call, since it may pay twice) or given up with ``skip_uncertain``;
- a clip on disk whose size or sha256 does not match the journal is downloaded again (by polling
  its job for a fresh URL), and a clip that was never scored is scored; with ``fresh_urls``
  (the provider restarted, so old clip URLs are dead) finished jobs are polled for new URLs.

The same function plans a fresh run (every job is ``planned`` → submit).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from promptkit.runner.journal import JobRow, Journal
from promptkit.runner.layout import RunLayout
from promptkit.runner.scheduler import DOWNLOAD, POLL, SCORE, SUBMIT

INTERRUPTED = (
    "interrupted while submitting: the provider may have accepted it (see --resubmit-uncertain)"
)
SKIPPED_UNCERTAIN = "given up (--skip-uncertain): its submit's outcome was never known"


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
    journal: Journal,
    layout: RunLayout,
    *,
    resubmit_uncertain: bool = False,
    skip_uncertain: bool = False,
    lookup: Callable[[str], list[str]] | None = None,
    user_prefix: str = "",
    fresh_urls: bool = False,
) -> list[tuple[JobRow, str | None]]:
    """Each job with the stage it restarts from (None: nothing to do), fixing the journal first.

    ``lookup(user)`` returns the request ids the provider holds for a job key (the ``user`` the
    runner sends, ``user_prefix + job_id``), when the provider can be asked.
    """
    out: list[tuple[JobRow, str | None]] = []
    for row in journal.jobs():
        stage: str | None = None
        if row.state == "submitting":
            row = journal.transition(row.job_id, "uncertain", error=INTERRUPTED)
        if row.state == "uncertain" and lookup is not None:
            row = _settle(journal, row, lookup(user_prefix + row.job_id))
        if row.state == "uncertain" and skip_uncertain and not resubmit_uncertain:
            row = journal.transition(row.job_id, "skipped", error=SKIPPED_UNCERTAIN)
        if row.state == "planned":
            stage = SUBMIT
        elif row.state == "uncertain":
            stage = SUBMIT if resubmit_uncertain else None
        elif row.state == "error":
            stage = POLL if row.request_id else SUBMIT
        elif row.state == "submitted":
            stage = POLL
        elif row.state == "done":
            stage = DOWNLOAD if row.video_url and not fresh_urls else POLL
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


def _settle(journal: Journal, row: JobRow, found: list[str]) -> JobRow:
    """An uncertain job as the provider's records settle it (unchanged when they cannot)."""
    if len(found) == 1:
        return journal.transition(
            row.job_id, "submitted", request_id=found[0],
            detail=f"settled: the provider holds it as {found[0]}",
        )  # fmt: skip
    if not found:
        return journal.transition(
            row.job_id, "planned", error=None,
            detail="settled: the provider never received it; it will be submitted",
        )  # fmt: skip
    journal.event("unsettled", f"the provider holds {len(found)} jobs for it", row.job_id)
    return row
