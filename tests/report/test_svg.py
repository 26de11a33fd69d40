"""The motion curve SVG and the series CSV reader."""

from __future__ import annotations

import re

from promptkit.report.svg import motion_curve_svg, pick_column, read_series
from promptkit.runner.results import Freeze


def test_scorer_layout_plots_flow_against_time_s(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "frame,time_s,diff1,flow_mean\n0,0.0,,\n1,0.5,0.2,\n2,1.0,0.3,4.0\n3,1.5,0.1,\n4,2.0,0.1,0.0\n"
    )
    series = read_series(path)
    assert series.column == "flow_mean"
    assert series.times == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert series.values == [None, None, 4.0, None, 0.0]


def test_time_first_layout_with_motion_column():
    assert pick_column(["t", "brightness", "motion"]) == 2
    assert pick_column(["time_s", "brightness"]) is None


def test_missing_or_headerless_csv_gives_no_series(tmp_path):
    assert read_series(tmp_path / "absent.csv") is None
    (tmp_path / "empty.csv").write_text("frame,time_s,diff1\n")
    assert read_series(tmp_path / "empty.csv") is None


def test_curve_shades_each_freeze_to_scale(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("time_s,motion\n0,1\n1,0\n2,0\n3,1\n4,1\n")
    svg = motion_curve_svg(read_series(path), [Freeze(start_s=1.0, end_s=3.0)], duration=4.0)
    (rect,) = re.findall(r'<rect class="freeze" x="([\d.]+)" y="\d+" width="([\d.]+)"', svg)
    x, width = map(float, rect)
    assert x == 4 + 312 * 0.25 and width == 312 * 0.5
    assert len(re.search(r'points="([^"]+)"', svg).group(1).split()) == 5
    assert 'role="img"' in svg and "1 frozen stretch shaded" in svg


def test_curve_label_is_escaped(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("time_s,motion\n0,1\n1,2\n")
    svg = motion_curve_svg(read_series(path), [], label='<b onload="x">')
    assert "<b " not in svg and "&lt;b onload=&quot;x&quot;&gt;" in svg
