"""The simulator's own cue parser (independent of the linter)."""

from __future__ import annotations

import pytest

from promptkit.sim.cues import parse_cues


@pytest.mark.parametrize(
    ("prompt", "camera"),
    [
        ("The camera pans left over the bay", "pan_left"),
        ("slow pan to the right across the desk", "pan_right"),
        ("camera panning right", "pan_right"),
        ("tilt up to the sky", "tilt_up"),
        ("The camera tilts down", "tilt_down"),
        ("zoom out to reveal the city", "zoom_out"),
        ("a slow zoom in on her eyes", "zoom_in"),
        ("slow dolly in", "dolly_in"),
        ("the camera pulls back", "dolly_out"),
        ("the camera slowly orbits the mug", "orbit"),
        ("handheld footage of a street", "shake"),
        ("a tracking shot follows the runner", "track"),
        ("locked-off camera, a dancer spins", "static"),
        ("a mug on a table", None),
    ],
)
def test_camera_cues(prompt: str, camera: str | None) -> None:
    assert parse_cues(prompt).camera == camera


def test_subject_action_direction_and_speed_words() -> None:
    cues = parse_cues("A horse gallops quickly to the left")
    assert (cues.action_kind, cues.direction, cues.speed_factor) == ("run", "left", 2.0)
    assert parse_cues("a man walks slowly").speed_factor == 0.5
    assert parse_cues("a dog runs in slow motion").speed_factor == 0.4


def test_particles_and_palette() -> None:
    cues = parse_cues("Heavy rain and smoke over a neon-lit street at night")
    assert cues.particles == ("rain", "smoke") and cues.palette == "neon"
    assert parse_cues("snow falls at golden hour").palette == "golden"


def test_still_frame_overrides_motion_and_no_cue_means_no_motion() -> None:
    assert parse_cues("A still frame of a runner").has_motion is False
    assert parse_cues("A white mug on a wooden table").has_motion is False
    assert parse_cues("A white mug; steam rises").has_motion is True


def test_sim_does_not_import_lint_or_metrics() -> None:
    import subprocess
    import sys

    code = (
        "import sys, promptkit.sim, promptkit.sim.pytest_plugin, promptkit.cli.sim; "
        "bad = [m for m in sys.modules if m.startswith(('promptkit.lint', 'promptkit.metrics'))]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
