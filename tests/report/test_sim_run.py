"""Reports of a real simulator run (real MP4s, real scores and artifacts)."""

from __future__ import annotations

import csv
import io
import re

from click.testing import CliRunner

from promptkit.cli import cli
from promptkit.report import write_report
from promptkit.report.ab import analyse
from promptkit.report.reader import read_results


def test_every_clip_gets_a_replicate_with_sheet_curve_and_video(sim_run):
    results = read_results(sim_run)
    html = write_report(sim_run).read_text()
    assert len(results.clips) == 8
    for clip in results.clips:
        block = html[html.index(f'id="{clip.job_id}"') :].split("</section>", 1)[0]
        assert f'src="{clip.artifacts.contact_sheet}" loading="lazy"' in block
        # No clip is fetched before it is played; the card links it too.
        assert f'<video controls preload="none" src="{clip.file}"' in block
        assert f'<a class="clip" href="{clip.file}">' in block
        assert "<polyline" in block
        assert clip.request_id in block
    for src in re.findall(r' (?:src|href|poster)="((?:clips|artifacts)/[^"]+)"', html):
        assert (sim_run / src).is_file(), src


def test_four_arms_are_compared_pairwise_with_holm(sim_run):
    analysis = analyse(read_results(sim_run))
    assert len(analysis.arms) == 4 and len(analysis.comparisons) == 6 and analysis.holm
    html = write_report(sim_run).read_text()
    assert "p (Holm)" in html and "Paired by variant" in html


def test_csv_rows_match_results(sim_run):
    write_report(sim_run)
    rows = list(csv.DictReader(io.StringIO((sim_run / "results.csv").read_text())))
    results = read_results(sim_run)
    assert [r["job_id"] for r in rows] == [c.job_id for c in results.clips]
    assert [r["verdict"] for r in rows] == [c.verdict for c in results.clips]
    assert all(
        r["metric_motion"] == r["motion"] or float(r["metric_motion"]) == float(r["motion"])
        for r in rows
    )


def test_report_command_re_renders_the_same_page(sim_run):
    first = write_report(sim_run).read_text()
    (sim_run / "index.html").unlink()
    result = CliRunner().invoke(cli, ["report", sim_run.name, "--out", str(sim_run.parent)])
    assert result.exit_code == 0, result.output
    assert (sim_run / "index.html").read_text() == first
