"""A run written by an older promptkit (results.json schema version 1) re-renders in full.

The fixture is a real version-1 results.json of the A/B example on the simulator, cut to eight
clips (two subjects × two replicates × two arms) with its artifact paths removed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from promptkit.cli import main
from promptkit.report import read_results, write_report
from promptkit.runner.results import SCHEMA_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "v1-run"


@pytest.fixture
def v1_run(tmp_path: Path) -> Path:
    run = tmp_path / "v1-run"
    shutil.copytree(FIXTURE, run)
    return run


def test_fixture_is_schema_version_1():
    data = json.loads((FIXTURE / "results.json").read_text())
    assert data["schema_version"] == 1 and SCHEMA_VERSION == 2
    assert all("adherence" not in c for c in data["clips"])


def test_old_run_is_read_as_the_current_model_with_adherence_computed(v1_run):
    results = read_results(v1_run)
    assert results.schema_version == 2 and results.primary == "motionless-rate"
    by_arm = {c.arm: c for c in results.clips}
    moving = by_arm["nature_documentary"].adherence
    # The template's "camera tracks alongside the subject" against the scorer's pan_left.
    assert (moving.camera_asked, moving.camera_measured, moving.camera) == (
        "tracking",
        "pan_left",
        "match",
    )
    assert moving.adheres is True
    vague = by_arm["vague_baseline"].adherence
    assert (vague.camera, vague.motion, vague.adheres) == ("not asked", "not asked", None)


def test_promptkit_report_re_renders_an_old_run(v1_run, capsys):
    before = (v1_run / "results.json").read_bytes()
    main(["report", str(v1_run)])
    assert capsys.readouterr().out.strip() == str(v1_run / "index.html")
    page = (v1_run / "index.html").read_text()
    summary = (v1_run / "summary.md").read_text()
    for text in (page, summary):
        assert "Best on motionless rate: nature_documentary" in text
        assert "Distinguishable from noise at this sample size (4 and 4 clips)" in text
    # Rendering never rewrites the data it renders from.
    assert (v1_run / "results.json").read_bytes() == before


def test_old_run_renders_the_same_twice(v1_run):
    first = write_report(v1_run).read_text()
    assert write_report(v1_run).read_text() == first
