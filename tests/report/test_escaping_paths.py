"""Artifact paths in results.json that leave the run folder never become links, images or videos."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from promptkit.report import compare_runs, fmt, write_report

from . import builders as b

ESCAPES = {
    "contact_sheet": "../secret-sheet.png",
    "thumbnail": "frames/../../secret-thumb.png",
    "series_csv": "series/../../secret.csv",
    "file": "../clips/secret.mp4",
}
REFERENCE = re.compile(r'(?:src|href|poster)="([^"]*)"')


def escaping_run(run_dir: Path, run_id: str = "run-1") -> None:
    """A run whose one clip names files outside its folder (written, so a link would work)."""
    clip = b.clip("v1", verdict="frozen", motion=0.0, file=ESCAPES["file"])
    clip.artifacts.contact_sheet = ESCAPES["contact_sheet"]
    clip.artifacts.thumbnail = ESCAPES["thumbnail"]
    clip.artifacts.series_csv = ESCAPES["series_csv"]
    (run_dir / "series").mkdir(parents=True)
    b.write_run(run_dir, b.run([clip], run_id=run_id))
    assert (run_dir / ESCAPES["contact_sheet"]).is_file()
    assert (run_dir / ESCAPES["series_csv"]).is_file()


@pytest.mark.parametrize(
    "path",
    [
        "..",
        "../x.png",
        "frames/../../x.png",
        "frames/..",
        "a/..?x=1",
        "a/..#top",
        "a/%2E%2e/b.png",
        "a/.%2e/b.png",
        "..\\x.png",
        " /etc/passwd",
        "java\tscript:alert(1)",
        "clips/a.mp4\n",
        "//evil.example/x.png",
    ],
)
def test_paths_that_can_leave_the_run_folder_are_not_links(path: str) -> None:
    assert fmt.safe_relpath(path) is None


@pytest.mark.parametrize("path", ["clips/a-r1.mp4", "./frames/a.png", "frames/a..b.png"])
def test_paths_inside_the_run_folder_stay_links(path: str) -> None:
    assert fmt.safe_relpath(path) == path


def test_html_report_has_no_element_pointing_outside_the_run(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    escaping_run(run_dir)
    html = write_report(run_dir).read_text()
    assert all(".." not in ref for ref in REFERENCE.findall(html))
    assert "<video" not in html and "<img" not in html and "secret" not in html
    assert "the scorer wrote no per-frame series for this clip." in html  # the CSV was not read


def test_markdown_summary_has_no_image_pointing_outside_the_run(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    escaping_run(run_dir)
    write_report(run_dir)
    md = (run_dir / "summary.md").read_text()
    assert "](" not in md and "secret" not in md


def test_compare_page_has_no_thumbnail_pointing_outside_the_runs(tmp_path: Path) -> None:
    escaping_run(tmp_path / "old", "old")
    escaping_run(tmp_path / "new", "new")
    index = compare_runs(tmp_path / "old", tmp_path / "new")
    assert "<img" not in index.read_text()
    assert "secret" not in (index.parent / "summary.md").read_text()
