"""``promptkit report`` and ``promptkit compare`` through the CLI group."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from promptkit.cli import cli, main

from . import builders as b


def test_report_by_run_id_under_out_prints_the_index(hand_run):
    result = CliRunner().invoke(cli, ["report", "run-1", "--out", str(hand_run.parent)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{hand_run / 'index.html'}\n"
    assert (hand_run / "summary.md").is_file()


def test_report_by_folder_path(hand_run):
    result = CliRunner().invoke(cli, ["report", str(hand_run)])
    assert result.exit_code == 0
    assert (hand_run / "index.html").is_file()


def test_report_of_unknown_run_is_one_line_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["report", "nope", "--out", str(tmp_path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err == f"error: nope: no run folder of that path or id under {tmp_path}/\n"


def test_report_of_future_schema_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "results.json").write_text('{"schema_version": 3}')
    with pytest.raises(SystemExit) as info:
        main(["report", str(tmp_path / "r")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "schema_version 3 is not supported" in err


def test_compare_writes_under_the_runs_folder(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        b.write_run(tmp_path / name, b.run([b.clip("v1")], run_id=name))
    result = CliRunner().invoke(cli, ["compare", "a", "b", "--runs", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{tmp_path / 'compare-a-vs-b' / 'index.html'}\n"
