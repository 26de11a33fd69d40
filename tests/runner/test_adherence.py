"""Prompt adherence: what a prompt asks, read through the linter, against what the scorer saw."""

from __future__ import annotations

import pytest

from promptkit.runner.adherence import (
    Intent,
    Move,
    assess,
    camera_result,
    clip_adherence,
    motion_result,
    parse_move,
    prompt_intent,
)
from promptkit.templates import TemplateLibrary


@pytest.mark.parametrize(
    ("asked", "measured", "expected"),
    [
        (Move("pan", "left"), "pan_left", "match"),
        (Move("pan", "left"), "pan_right", "mismatch"),
        (Move("pan", None), "pan_right", "match"),
        (Move("pan", "left"), "static", "mismatch"),
        (Move("truck", "right"), "pan_right", "match"),
        (Move("tilt", "up"), "tilt_up", "match"),
        (Move("crane", "up"), "tilt_up", "match"),
        (Move("crane", "up"), "tilt_down", "mismatch"),
        (Move("dolly", "in"), "zoom_in", "match"),
        (Move("dolly", "in"), "zoom_out", "mismatch"),
        (Move("zoom", "out"), "zoom_out", "match"),
        (Move("orbit"), "pan_left", "match"),
        (Move("orbit"), "zoom_in", "mismatch"),
        (Move("handheld"), "shake", "match"),
        (Move("handheld"), "static", "mismatch"),
        (Move("static"), "static", "match"),
        (Move("static"), "pan_left", "mismatch"),
        (Move("tracking"), "pan_left", "match"),
        (Move("tracking"), "static", "mismatch"),
        (Move("aerial"), "tilt_down", "match"),
        (Move("focus"), "static", "not checkable"),
        (None, "pan_left", "not asked"),
        (Move("pan", "left"), None, "unmeasured"),
    ],
)
def test_camera_request_against_measured_label(asked, measured, expected):
    assert camera_result(asked, measured) == expected


@pytest.mark.parametrize(
    ("asked", "verdict", "expected"),
    [
        ("motion", "ok", "match"),
        ("motion", "low-motion", "miss"),
        ("motion", "frozen", "miss"),
        ("motion", "partial-freeze", "miss"),
        ("stillness", "frozen", "match"),
        ("stillness", "low-motion", "match"),
        ("stillness", "ok", "miss"),
        ("stillness", "partial-freeze", "miss"),
        (None, "ok", "not asked"),
        ("motion", "unreadable", "unmeasured"),
        ("motion", None, "unmeasured"),
    ],
)
def test_motion_request_against_verdict(asked, verdict, expected):
    assert motion_result(asked, verdict) == expected


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("pan_left", Move("pan", "left")),
        ("Pan-Left", Move("pan", "left")),
        ("dolly in", Move("dolly", "in")),
        ("hand-held", Move("handheld")),
        ("zoom_out", Move("zoom", "out")),
        ("static", Move("static")),
        ("slow dolly out", Move("dolly", "out")),
    ],
)
def test_moves_parse_from_words_and_scorer_labels(text, move):
    assert parse_move(text) == move


def test_unknown_words_are_not_a_move():
    assert parse_move("wobble") is None
    assert parse_move("") is None


def test_prompt_intent_reads_the_most_specific_camera_move_and_the_motion():
    intent = prompt_intent("A dog runs across a beach while the camera pans left.")
    assert intent.camera == Move("pan", "left")
    assert intent.camera_phrase == "pans left"
    assert intent.motion and intent.stillness is None and intent.motion_asked == "motion"


def test_a_specific_move_wins_over_a_generic_camera_move():
    intent = prompt_intent("A handheld camera moves with a subtle sway as a child runs.")
    assert intent.camera == Move("handheld")


def test_stillness_request_is_read_as_stillness():
    intent = prompt_intent("A cat sits perfectly still on a windowsill.")
    assert intent.motion_asked == "stillness" and intent.camera is None


def test_a_bare_subject_asks_for_nothing_checkable():
    intent = prompt_intent("A red fox with a frost-tipped coat.")
    assert intent == Intent()
    adherence = assess(intent, "frozen", "static")
    assert (adherence.camera, adherence.motion, adherence.adheres) == (
        "not asked",
        "not asked",
        None,
    )


def test_a_frozen_clip_misses_a_prompt_that_asked_for_a_pan_and_motion():
    a = clip_adherence("A dog runs while the camera pans left.", "frozen", "static")
    assert a.camera_asked == "pan left" and a.camera_measured == "static"
    assert (a.camera, a.motion_asked, a.motion, a.adheres) == (
        "mismatch",
        "motion",
        "miss",
        False,
    )


def test_a_clip_that_did_everything_asked_adheres():
    a = clip_adherence("A dog runs while the camera pans left.", "ok", "pan_left")
    assert (a.camera, a.motion, a.adheres) == ("match", "match", True)


def test_an_unscored_clip_is_unmeasured_not_a_miss():
    a = clip_adherence("A dog runs while the camera pans left.", None, None)
    assert (a.camera, a.motion, a.adheres, a.camera_measured) == (
        "unmeasured",
        "unmeasured",
        None,
        None,
    )


# What each camera_move choice of the shipped templates must be read as: the template phrase
# has to name the move in words the analysis recognises, or adherence cannot be checked.
CHOICE_MOVES = {
    "static": Move("static"),
    "slow dolly in": Move("dolly", "in"),
    "slow dolly out": Move("dolly", "out"),
    "push in": Move("dolly", "in"),
    "pull back": Move("dolly", "out"),
    "pan left": Move("pan", "left"),
    "pan right": Move("pan", "right"),
    "tilt up": Move("tilt", "up"),
    "tilt down": Move("tilt", "down"),
    "tracking": Move("tracking"),
    "orbit": Move("orbit"),
    "crane up": Move("crane", "up"),
    "handheld": Move("handheld"),
    "drone": Move("tracking"),  # "a drone camera tracks ...": the drone is framing, "tracks" moves
    "zoom in": Move("zoom", "in"),
}


def _choices() -> list[tuple[str, str]]:
    library = TemplateLibrary()
    out = []
    for info in library.list():
        var = info.variables.get("camera_move")
        for choice in (var.choices or ()) if var else ():
            out.append((info.name, choice))
    return out


@pytest.mark.parametrize(("template", "choice"), _choices())
def test_every_shipped_camera_choice_renders_to_the_move_it_names(template, choice):
    rendered = TemplateLibrary().render(template, {"camera_move": choice})
    assert prompt_intent(rendered.prompt.text).camera == CHOICE_MOVES[choice]
