"""Report files written from hand-built results.json fixtures."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from promptkit.errors import InputError
from promptkit.report import write_report
from promptkit.report.reader import read_results

from . import builders as b


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    return parser


def test_write_report_writes_index_summary_and_csv(hand_run):
    index = write_report(hand_run)
    assert index == hand_run / "index.html"
    for name in ("index.html", "summary.md", "results.csv"):
        assert (hand_run / name).stat().st_size > 0


def test_prompts_with_markup_are_escaped_text_in_the_page(hand_run):
    html = write_report(hand_run).read_text()
    page = parse(html)
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert len(scripts) == 1  # only the page's own script
    assert not [a for tag, a in page.tags if tag == "img" and a.get("src") == "x"]
    assert not any("onerror" in attrs for _, attrs in page.tags)
    text = "".join(page.text)
    assert "<script>window.__pwned=1</script>" in text
    assert '"><img src=x onerror="window.__pwned=1">' in text


def test_every_image_has_alt_text_and_a_relative_src(hand_run):
    page = parse(write_report(hand_run).read_text())
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert len(images) == 8
    for attrs in images:
        assert attrs.get("alt")
        assert (hand_run / attrs["src"]).is_file()


def test_page_makes_no_reference_outside_the_run_folder(hand_run):
    html = write_report(hand_run).read_text()
    assert not re.search(r"(src|href)=\"(https?:|//)", html)
    assert "http://" not in html and "https://" not in html


def test_card_per_variant_with_replicates_grouped(hand_run):
    page = parse(write_report(hand_run).read_text())
    cards = [a for t, a in page.tags if t == "article"]
    assert len(cards) == 8
    b00 = next(a for a in cards if a["id"] == "v-b00")
    assert json.loads(b00["data-tags"]) == ["busy day"]
    replicates = [a["id"] for t, a in page.tags if t == "section" and a.get("class") == "replicate"]
    assert replicates.count("b00-r1") == 1 and replicates.count("b00-r2") == 1


def test_motion_curve_has_freeze_shading_and_missing_series_is_noted(hand_run):
    html = write_report(hand_run).read_text()
    a00 = html[html.index('id="a00-r1"') : html.index('id="b00-r1"')]
    assert '<rect class="freeze"' in a00 and "<polyline" in a00
    a01 = html[html.index('id="a01-r1"') : html.index('id="b01-r1"')]
    assert "No motion curve: the per-frame series series/a01-r1.csv is missing" in a01


def test_lint_findings_are_marked_in_the_prompt(hand_run):
    html = write_report(hand_run).read_text()
    assert re.search(
        r'<mark class="sev-warning" title="PK101 no-motion-cue[^"]*">still</mark>', html
    )


def test_header_shows_exact_total_cost_and_verdict_counts(hand_run, hand_results):
    html = write_report(hand_run).read_text()
    assert hand_results.summary.cost_usd == "0.8"
    assert "$0.80" in html and "8000000000 ticks" in html
    assert "frozen: 2" in html and "ok: 6" in html


def test_csv_has_one_row_per_clip_and_neutralises_formulas(tmp_path):
    clips = [b.clip("v1", prompt='=HYPERLINK("x")'), b.clip("v2", status="failed")]
    b.write_run(tmp_path, b.run(clips))
    write_report(tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "results.csv").read_text())))
    assert [r["job_id"] for r in rows] == ["v1-r1", "v2-r1"]
    assert rows[0]["prompt"] == '\'=HYPERLINK("x")'
    assert rows[0]["motion"] == "0.1" and rows[1]["motion"] == ""
    assert rows[0]["cost_usd"] == "0.1"


def test_summary_links_no_local_file_so_it_pastes_into_a_pull_request(hand_run):
    write_report(hand_run)
    md = (hand_run / "summary.md").read_text()
    # A pull request cannot show the run folder's files: no image, no relative link.
    assert "![" not in md and "](" not in md and "frames/" not in md
    assert "&lt;script&gt;" in md and "<script>" not in md
    assert "| B − A |" in md


def test_summary_links_pictures_and_page_under_a_base_url(hand_run):
    write_report(hand_run, base_url="https://ci.example.org/runs/run-1/")
    md = (hand_run / "summary.md").read_text()
    assert "![thumbnail of a00](https://ci.example.org/runs/run-1/frames/a00-r1-thumb.png)" in md
    assert "[index.html](https://ci.example.org/runs/run-1/index.html)" in md


def test_report_is_reproducible(hand_run):
    first = write_report(hand_run).read_text()
    assert write_report(hand_run).read_text() == first


def test_unknown_schema_version_is_one_line_error(tmp_path):
    (tmp_path / "results.json").write_text(json.dumps({"schema_version": 99, "run_id": "x"}))
    with pytest.raises(InputError, match=r"schema_version 99 is not supported") as info:
        read_results(tmp_path)
    assert "\n" not in str(info.value)


def test_missing_results_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no results file"):
        write_report(tmp_path)


def test_absolute_or_scheme_paths_from_results_never_become_links(tmp_path):
    clip = b.clip("v1", file="javascript:alert(1)")
    clip.artifacts.contact_sheet = "/etc/passwd"
    b.write_run(tmp_path, b.run([clip]))
    html = write_report(tmp_path).read_text()
    assert "javascript:alert" not in html and "/etc/passwd" not in html


def test_malformed_results_file_is_a_one_line_input_error(tmp_path):
    (tmp_path / "results.json").write_text("[1, 2")
    with pytest.raises(InputError, match="cannot read results") as info:
        read_results(tmp_path)
    assert "\n" not in str(info.value)
