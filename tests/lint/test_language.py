"""Labelled prompts the motion, stillness and vagueness rules must get right.

Cases come from the Grok guide's weak/better pairs (../shared/reference), PROMPTING.md's
examples, and the kinds of sentence prompt authors write (verb forms, event nouns,
environmental motion, camera moves, change over time).
"""

from __future__ import annotations

import pytest

from promptkit.lint import lint_prompt


def names(text: str) -> set[str]:
    return {d.name for d in lint_prompt(text)}


# (weak, better) from the guide: the rule that fires on the weak one stays quiet on the rewrite.
GUIDE_PAIRS = [
    (
        "A coffee mug.",
        "A white ceramic coffee mug on a wooden table beside a rain-streaked window.",
        "vague-subject",
    ),
    (
        "A coffee mug on a table.",
        "A white ceramic coffee mug on a wooden table. Steam curls upward while raindrops slide "
        "down the window behind it.",
        "missing-motion",
    ),
    (
        "A car on a road.",
        "A red sports car speeds along a winding mountain road. The camera follows from behind as "
        "trees blur past on both sides.",
        "missing-motion",
    ),
    (
        "A car on a road.",
        "A red sports car speeds along a winding mountain road. The camera follows from behind as "
        "trees blur past on both sides.",
        "vague-subject",
    ),
    # PROMPTING.md §2 (S1 weak -> strong)
    (
        "A man.",
        "Actor takes four steps to the window, pauses, and pulls the curtain in the final second.",
        "missing-motion",
    ),
    ("a horse", "A chestnut horse gallops along a misty beach at sunrise.", "too-short"),
    (
        "A beach with no clouds and no people.",
        "An empty beach under a clear sky, waves rolling in.",
        "negation",
    ),
]


@pytest.mark.parametrize(("weak", "better", "rule"), GUIDE_PAIRS)
def test_weak_prompt_is_flagged_and_its_rewrite_is_not(weak: str, better: str, rule: str) -> None:
    assert rule in names(weak)
    assert rule not in names(better)


MOVING = [
    "a horse race is happening",  # event noun
    "A person is rock climbing",  # participle after an auxiliary
    "The children swam across the lake.",  # irregular past
    "A kangaroo disco dances.",  # third person
    "Flowers sway in the wind.",  # plural subject, base form
    "A red flag on a pole in strong wind.",  # environmental motion
    "Smoke above a quiet village at dawn.",
    "A crowded night market in Taipei, crowds everywhere.",
    "An empty harbor, slow dolly in toward the lighthouse.",  # camera move
    "Garden, zoom in.",
    "A river changes from blue to brown.",  # change over time
    "Time-lapse of a city skyline from noon to night.",
    "A lighthouse on a cliff in super slow motion.",
    "A man with a crown sits on a throne and then a new man takes the crown.",
    "A spinning top on a wooden floor.",  # participle before a noun
    "A paper plane is thrown across the classroom.",  # passive of a motion verb
]
STILL = [
    "A coffee mug on a table.",
    "a stop sign",  # verb-shaped noun after an article
    "skis",  # plural noun, not "he skis"
    "a parking meter",
    "indoor swimming pool",  # fixed compound
    "a traffic light",
    "A portrait of a woman sitting on a bench.",  # a pose, not an action
    "A painting of a ship on a red wall.",
    "kitchen with a dining table and a rocking chair",
    "cherry blossoms over a stone bridge",
]


@pytest.mark.parametrize("text", MOVING)
def test_prompt_with_motion_is_not_missing_motion(text: str) -> None:
    assert "missing-motion" not in names(text)


@pytest.mark.parametrize("text", STILL)
def test_prompt_without_motion_is_missing_motion(text: str) -> None:
    assert "missing-motion" in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "In a still frame, a stop sign",
        "a laptop, frozen in time",
        "A tranquil tableau of a bowl on the kitchen counter",
        "Static shot of an empty corridor.",
        "In a still frame, a pond where blossoms drift lazily onto the glassy surface",
    ],
)
def test_stillness_request_is_static_request_not_missing_motion(text: str) -> None:
    found = names(text)
    assert "static-request" in found
    assert "missing-motion" not in found


def test_static_camera_over_a_moving_subject_is_fine() -> None:
    found = names("Static shot: a chef flips a pancake in a busy kitchen.")
    assert "static-request" not in found and "missing-motion" not in found


@pytest.mark.parametrize(
    "text",
    [
        "A dancer spins. Cut to the crowd, camera pans left then pans right.",
        "Slow push-in on the singer, then a slow pull back.",
    ],
)
def test_contradictory_moves_in_one_shot_are_flagged(text: str) -> None:
    assert "conflicting-camera-moves" in names(text)


def test_opposite_moves_in_different_shots_are_fine() -> None:
    text = "Slow push-in on the singer. Cut to the crowd, slow pull back."
    assert "conflicting-camera-moves" not in names(text)


def test_a_cooking_pan_is_not_a_camera_pan() -> None:
    text = "A cook places a frying pan on the stove and then lifts the pan, zoom in."
    assert "conflicting-camera-moves" not in names(text)


def test_extra_vocabulary_extends_motion_through_simplemma() -> None:
    from promptkit.lint import LintConfig

    text = "A giraffe is loping across the savanna."
    assert "missing-motion" in {d.name for d in lint_prompt(text)}
    config = LintConfig(extra_vocab={"motion_verb": ("lope",)})
    assert "missing-motion" not in {d.name for d in lint_prompt(text, config=config)}
