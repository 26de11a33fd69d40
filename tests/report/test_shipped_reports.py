"""The shipped examples, run as a user runs them: the page, summary.md and the terminal each
name the winning arm with its interval and the sample-size caveat; the camera sweep's report
holds the requested-against-measured table and an adherence rate per move."""

from __future__ import annotations

import html
import re

import pytest

from promptkit.report import read_results

pytestmark = pytest.mark.slow

MOVES = ["static", "pan left", "pan right", "tilt up", "dolly in", "zoom in", "orbit", "handheld"]


def page_sentence(page: str) -> str:
    (sentence,) = re.findall(r'<p class="decision">(.*?)</p>', page, re.S)
    return html.unescape(sentence)


def terminal_sentence(stdout: str) -> str:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Best on "))
    end = lines.index("", start)
    return " ".join(lines[start:end])


@pytest.mark.parametrize("name", ["quickstart", "ab_motion_vs_vague"])
def test_page_summary_and_terminal_name_the_winner_with_interval_and_caveat(shipped_run, name):
    run = shipped_run(name)
    page = (run.root / "index.html").read_text()
    summary = (run.root / "summary.md").read_text()
    sentence = page_sentence(page)
    assert sentence.startswith("Best on motionless rate: nature_documentary, ")
    assert "for the runner-up vague_baseline" in sentence
    assert re.search(r"95% interval -?\d+ to -?\d+ points", sentence)
    assert re.search(r"(Distinguishable|Not distinguishable) from noise at this sample", sentence)
    # The same sentence heads summary.md and ends the terminal output.
    assert summary.splitlines()[2] == f"**{sentence}**"
    assert terminal_sentence(run.stdout) == sentence
    assert re.search(r"^Rank +Arm +Measured +Motionless rate +Frozen rate", run.stdout, re.M)
    assert re.search(r"^1 +nature_documentary ", run.stdout, re.M)
    assert run.stdout.startswith("report: ")


@pytest.mark.parametrize("name", ["quickstart", "ab_motion_vs_vague"])
def test_the_vague_arm_that_barely_moves_ranks_last(shipped_run, name):
    results = read_results(shipped_run(name).root)

    def motionless_rate(arm: str) -> float:
        measured = [c for c in results.clips if c.arm == arm and c.measured]
        assert measured
        return sum(c.motionless for c in measured) / len(measured)

    # The simulator lets a share of motionless prompts drift slowly (as real models do), and
    # the scorer measures that drift, so not every vague clip is motionless; most are.
    assert motionless_rate("vague_baseline") >= 0.5 > motionless_rate("nature_documentary")
    summary = (shipped_run(name).root / "summary.md").read_text()
    assert re.search(r"^\| 2 \| vague_baseline \|", summary, re.M)


@pytest.mark.parametrize("name", ["quickstart", "ab_motion_vs_vague", "camera_sweep"])
def test_shipped_runs_store_adherence_and_leave_nothing_to_defaults(shipped_run, name):
    results = read_results(shipped_run(name).root)
    assert results.schema_version == 2
    assert all(c.adherence is not None for c in results.clips)
    assert all(c.defaults == {} for c in results.clips)


@pytest.mark.parametrize("name", ["quickstart", "ab_motion_vs_vague", "camera_sweep"])
def test_summary_pastes_into_a_pull_request_as_is(shipped_run, name):
    summary = (shipped_run(name).root / "summary.md").read_text()
    assert "![" not in summary and "](" not in summary
    assert "artifacts/" not in summary and "clips/" not in summary


def test_camera_sweep_report_has_the_confusion_matrix_and_adherence_per_move(shipped_run):
    run = shipped_run("camera_sweep")
    page = (run.root / "index.html").read_text()
    start = page.index('<table id="confusion">')
    table = page[start : page.index("</table>", start)]
    rows = re.findall(r"<tr><td>([^<]+)</td>(.*?)</tr>", table, re.S)
    assert [r[0] for r in rows] == MOVES
    for _, cells in rows:
        counts = [int(x) for x in re.findall(r'<td class="num[^"]*">(\d+)</td>', cells)]
        assert sum(counts[:-1]) == counts[-1] == 3  # every clip of the move lands in one column
        assert re.search(r"\d/3 · \d+% \(\d+%–\d+%\)", cells)
    summary = (run.root / "summary.md").read_text()
    assert "### Camera: requested against measured" in summary
    for move in MOVES:
        assert re.search(rf"^\| {move} \|.*\| \d/3 · \d+% \(\d+%–\d+%\) \|$", summary, re.M)
    assert summary.splitlines()[2].startswith("**Best on camera adherence rate: ")
    assert re.search(r"^Rank +Arm .* Camera adherence +Mean motion$", run.stdout, re.M)


def test_camera_sweep_pan_moves_are_read_back_as_pans(shipped_run):
    # The simulator draws the move the prompt asks for; the scorer must find it.
    results = read_results(shipped_run("camera_sweep").root)
    for move in ("pan left", "pan right"):
        clips = [c for c in results.clips if c.arm == move and c.verdict == "ok"]
        assert clips and all(c.adherence.camera == "match" for c in clips)


def test_results_csv_carries_each_clips_adherence(shipped_run):
    import csv
    import io

    run = shipped_run("camera_sweep")
    rows = list(csv.DictReader(io.StringIO((run.root / "results.csv").read_text())))
    assert len(rows) == 24
    for row in rows:
        assert row["camera_asked"] == row["arm"].replace("slow ", "")
        assert row["camera_adherence"] in ("match", "mismatch")
        assert row["motion_asked"] == "motion" and row["defaults"] == ""
