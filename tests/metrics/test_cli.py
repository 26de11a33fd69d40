"""``promptkit score``: output formats, --fail-on exit codes, input errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptkit.cli import cli, main

Clip = Callable[[str], Path]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["score", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_lists_one_record_per_clip_with_the_documented_keys(clip: Clip) -> None:
    code, out, _ = run("--format", "json", "--jobs", "1", str(clip("partial_freeze")))
    assert code == 0
    (record,) = json.loads(out)["clips"]
    assert record["verdict"] == "partial-freeze"
    assert list(record) == [
        "path", "verdict", "flags", "reason", "freezes", "camera", "metrics",
        "duration_s", "width", "height", "fps", "frames",
    ]  # fmt: skip


def test_text_prints_verdict_flags_and_reason_per_clip(clip: Clip) -> None:
    path = clip("cut")
    code, out, _ = run("--jobs", "1", str(path))
    assert code == 0
    assert out.startswith(f"{path}: ok [cuts] — motion ")


def test_fail_on_matching_verdict_exits_1(clip: Clip) -> None:
    code, _, _ = run("--fail-on", "frozen,partial-freeze", "--jobs", "1", str(clip("static_noise")))
    assert code == 1
    code, _, _ = run("--fail-on", "frozen", "--jobs", "1", str(clip("pan_left")))
    assert code == 0


def test_unknown_fail_on_name_exits_2(clip: Clip, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["score", "--fail-on", "frozzen", str(clip("pan_left"))])
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith("error: --fail-on: unknown name frozzen")


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["score", str(tmp_path / "missing.mp4")])
    assert exc.value.code == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'missing.mp4'}: no such file\n"


def test_a_folder_exits_2_before_any_clip_is_scored(
    clip: Clip, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["score", str(clip("pan_left")), str(tmp_path)])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: {tmp_path}: is a folder, not a video file\n"
    assert captured.out == ""


def test_requested_format_makes_a_mismatch_nonconforming(clip: Clip) -> None:
    args = ["--format", "json", "--jobs", "1", "--duration", "2", "--resolution", "480p"]
    code, out, _ = run(*args, str(clip("pan_left")))
    record = json.loads(out)["clips"][0]
    assert code == 0 and "nonconforming" in record["flags"]
    assert "requested 848x480" in record["reason"]


def test_artifacts_option_writes_files_and_lists_them(clip: Clip, tmp_path: Path) -> None:
    code, out, _ = run(
        "--format", "json", "--jobs", "1", "--artifacts", str(tmp_path), str(clip("pan_left"))
    )
    record = json.loads(out)["clips"][0]
    assert code == 0
    assert Path(record["artifacts"]["contact_sheet"]).is_file()
