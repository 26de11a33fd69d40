"""results.json: round trip, atomic write, schema version check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promptkit.errors import InputError
from promptkit.runner.results import (
    ClipRecord,
    RunResults,
    load_results,
    results_json,
    write_results,
)


def _results() -> RunResults:
    clip = ClipRecord(
        job_id="abcdef0123-r1", variant_id="abcdef0123", replicate=1, prompt="A fox runs.",
        status="scored", verdict="ok", freezes=[{"start_s": 0.5, "end_s": 1.5}],
        camera={"motion": "pan_left", "confidence": 0.8},
    )  # fmt: skip
    return RunResults(
        run_id="r", created_at="2025-01-01T00:00:00+00:00", spec_path="evals/x.yaml",
        provider="sim", model="grok-imagine-video", clips=[clip],
    )  # fmt: skip


def test_written_results_load_back_equal(tmp_path: Path) -> None:
    results = _results()
    path = write_results(tmp_path, results)
    assert path == tmp_path / "results.json"
    assert load_results(tmp_path) == results
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no temp file left


def test_file_has_schema_version_two_and_relative_fields(tmp_path: Path) -> None:
    data = json.loads(write_results(tmp_path, _results()).read_text())
    assert data["schema_version"] == 2
    assert data["primary"] == "motionless-rate"
    clip = data["clips"][0]
    assert clip["artifacts"] == {"contact_sheet": None, "thumbnail": None, "series_csv": None}
    assert clip["freezes"] == [{"start_s": 0.5, "end_s": 1.5}]


def test_unknown_schema_version_is_a_one_line_error(tmp_path: Path) -> None:
    data = _results().model_dump(mode="json")
    data["schema_version"] = 7
    (tmp_path / "results.json").write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"schema_version 7 is not supported .*upgrade promptkit"):
        load_results(tmp_path / "results.json")


def test_missing_results_says_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no results file"):
        load_results(tmp_path)


@pytest.mark.parametrize("clips", [0, 1, 3])
def test_results_are_written_a_clip_at_a_time_as_one_dump_would_write_them(
    tmp_path: Path, clips: int
) -> None:
    one = _results().clips[0]
    many = [one.model_copy(update={"job_id": f"abcdef0123-r{i}", "prompt": f"Ünïcode «{i}»\nx"})
            for i in range(1, clips + 1)]  # fmt: skip
    results = _results().model_copy(update={"clips": many})
    pieces = list(results_json(results))
    assert len(pieces) == clips + 2 - (clips == 0) * 1
    whole = json.dumps(results.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    assert "".join(pieces) == whole
    write_results(tmp_path, results)
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == whole
