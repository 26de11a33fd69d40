"""The journal's state machine and durability rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from promptkit.models import GenerationParams
from promptkit.runner.expand import Job, Variant
from promptkit.runner.journal import STATES, TRANSITIONS, IllegalTransition, Journal


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    j = Journal.open(tmp_path / "journal.sqlite")
    variant = Variant("abcdef0123", "A fox runs.", GenerationParams(duration=1))
    j.add_jobs([(Job(variant, 1), [], "planned", None), (Job(variant, 2), [], "planned", None)])
    return j


def test_full_happy_path_is_recorded_event_by_event(journal: Journal) -> None:
    jid = "abcdef0123-r1"
    journal.transition(jid, "submitting", attempt=True)
    journal.transition(jid, "submitted", request_id="req-1")
    journal.transition(jid, "done", video_url="http://x/c.mp4", cost_ticks=500)
    journal.transition(jid, "downloaded", file="clips/abcdef0123-r1.mp4", sha256="00")
    row = journal.transition(jid, "scored", score={"verdict": "ok"})
    assert (row.state, row.request_id, row.cost_ticks, row.attempts) == ("scored", "req-1", 500, 1)
    assert row.score == {"verdict": "ok"}
    kinds = [e["kind"] for e in journal.events(jid)]
    assert kinds == ["planned", "submitting", "submitted", "done", "downloaded", "scored"]


def test_a_job_with_a_request_id_can_never_be_submitted_again(journal: Journal) -> None:
    jid = "abcdef0123-r1"
    journal.transition(jid, "submitting")
    journal.transition(jid, "submitted", request_id="req-1")
    journal.transition(jid, "error", error="poll refused")
    with pytest.raises(IllegalTransition, match="has request id req-1"):
        journal.transition(jid, "submitting")


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ([], "submitted"),
        ([], "done"),
        (["submitting"], "done"),
        (["submitting", "uncertain"], "done"),
        (["skipped"], "submitting"),
    ],
)
def test_illegal_transitions_are_refused(journal: Journal, path: list[str], bad: str) -> None:
    jid = "abcdef0123-r1"
    for state in path:
        journal.transition(jid, state)
    with pytest.raises(IllegalTransition):
        journal.transition(jid, bad)


def test_final_outcomes_are_final(journal: Journal) -> None:
    jid = "abcdef0123-r1"
    journal.transition(jid, "submitting")
    journal.transition(jid, "submitted", request_id="r")
    journal.transition(jid, "failed", error="generation failed")
    for state in ("submitting", "submitted", "done", "planned"):
        with pytest.raises(IllegalTransition):
            journal.transition(jid, state)


def test_a_known_cost_is_never_erased(journal: Journal) -> None:
    jid = "abcdef0123-r1"
    journal.transition(jid, "submitting")
    journal.transition(jid, "submitted", request_id="r")
    journal.transition(jid, "done", video_url="u", cost_ticks=700)
    journal.transition(jid, "done", video_url="u2", cost_ticks=None)
    assert journal.get(jid).cost_ticks == 700
    assert journal.spend_ticks() == 700


def test_changes_are_visible_to_another_connection_at_once(journal: Journal) -> None:
    journal.transition("abcdef0123-r2", "submitting")
    other = sqlite3.connect(journal.path)
    state = other.execute("SELECT state FROM jobs WHERE job_id='abcdef0123-r2'").fetchone()[0]
    mode = other.execute("PRAGMA journal_mode").fetchone()[0]
    other.close()
    assert (state, mode) == ("submitting", "wal")


def test_adding_the_same_jobs_again_keeps_their_state(journal: Journal) -> None:
    journal.transition("abcdef0123-r1", "submitting")
    variant = journal.get("abcdef0123-r1").variant
    journal.add_jobs([(Job(variant, 1), [], "planned", None)])
    assert journal.get("abcdef0123-r1").state == "submitting"
    assert len(journal.jobs()) == 2


def test_new_jobs_start_planned_or_skipped_only(journal: Journal) -> None:
    variant = journal.get("abcdef0123-r1").variant
    with pytest.raises(IllegalTransition):
        journal.add_jobs([(Job(variant, 9), [], "submitted", None)])


def test_every_state_has_its_allowed_next_states() -> None:
    assert set(TRANSITIONS) == set(STATES)
    assert all(nxt <= set(STATES) for nxt in TRANSITIONS.values())
