"""The public API: exports, settings, expectations, JSON records, the pool, artifacts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import promptkit.metrics as metrics
from promptkit.config import load_settings
from promptkit.errors import ConfigError
from promptkit.metrics import (
    ClipScore,
    Expected,
    ScoreJob,
    Thresholds,
    score_clip,
    score_many,
)
from promptkit.models import GenerationParams

Clip = Callable[[str], Path]


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert metrics.__all__ == sorted(metrics.__all__)
    for name in metrics.__all__:
        assert getattr(metrics, name) is not None


def test_thresholds_come_from_the_metrics_section_and_env(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.promptkit.metrics]\nlow_motion = 0.05\n")
    settings = load_settings(tmp_path, environ={"PROMPTKIT_METRICS__FREEZE_MIN_S": "2"})
    th = Thresholds.from_settings(settings)
    assert th.low_motion == 0.05 and th.freeze_min_s == 2.0
    assert Thresholds.from_settings(settings, low_motion=0.1).low_motion == 0.1


def test_unknown_threshold_key_is_a_one_line_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.promptkit.metrics]\nlow_motoin = 0.05\n")
    with pytest.raises(ConfigError, match="low_motoin"):
        Thresholds.from_settings(load_settings(tmp_path, environ={}))


def test_expected_from_params_uses_24_fps_and_the_frame_size() -> None:
    exp = Expected.from_params(GenerationParams.build(duration=6, resolution="720p"))
    assert exp == Expected(duration=6.0, width=1280, height=720, fps=24.0)


def test_nonconforming_clip_is_flagged_with_what_differs(clip: Clip) -> None:
    score = score_clip(clip("pan_left"), expected=Expected(duration=6, width=848, height=480))
    assert "nonconforming" in score.flags
    assert "duration 2.00 s, requested 6 s" in score.reason
    assert "size 320x180, requested 848x480" in score.reason
    assert score.metrics["conforming"] is False
    ok = score_clip(clip("pan_left"), expected=Expected(duration=2, width=320, height=180, fps=24))
    assert "nonconforming" not in ok.flags and ok.metrics["conforming"] is True


def test_to_dict_is_json_ready_with_the_documented_keys(clip: Clip) -> None:
    record = score_clip(clip("partial_freeze")).to_dict()
    assert json.loads(json.dumps(record)) == record
    assert set(record) == {
        "path", "verdict", "flags", "reason", "freezes", "camera", "metrics",
        "duration_s", "width", "height", "fps", "frames", "artifacts",
    }  # fmt: skip
    assert set(record["freezes"][0]) == {"start_s", "end_s"}
    assert set(record["camera"]) == {"motion", "confidence"}
    assert isinstance(record["metrics"]["motion"], float)


def test_every_metric_key_is_documented(clip: Clip, repo_root: Path) -> None:
    doc = (repo_root / "docs" / "metrics.md").read_text(encoding="utf-8")
    missing = [k for k in score_clip(clip("pan_left")).metrics if f"`{k}`" not in doc]
    assert missing == []


def test_score_many_keeps_input_order_across_processes(clip: Clip) -> None:
    names = ["pan_left", "static_noise", "tilt_up"]
    scores = list(score_many([ScoreJob(path=clip(n)) for n in names], jobs=2))
    assert [s.path.stem for s in scores] == names
    assert [s.verdict for s in scores] == ["ok", "frozen", "ok"]
    assert all(isinstance(s, ClipScore) for s in scores)


def test_artifacts_are_written_in_the_same_pass(clip: Clip, tmp_path: Path) -> None:
    import cv2

    score = score_clip(clip("pan_left"), artifacts_dir=tmp_path, stem="x")
    arts = score.artifacts
    assert arts.contact_sheet == tmp_path / "x.contact.jpg"
    sheet = cv2.imread(str(arts.contact_sheet), cv2.IMREAD_GRAYSCALE)
    assert sheet.shape == (2 * 180, 4 * 320)  # 8 tiles, 4 per row
    assert cv2.imread(str(arts.thumbnail)).shape[1] == 320
    lines = arts.series_csv.read_text().splitlines()
    assert len(lines) == 1 + score.frames
    assert lines[0].startswith("frame,time_s,") and "still" in lines[0]
    assert score.to_dict()["artifacts"]["series_csv"] == str(tmp_path / "x.series.csv")
