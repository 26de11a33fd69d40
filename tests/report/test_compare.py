"""Run comparison: matching variants, deltas with intervals, the comparison folder."""

from __future__ import annotations

import re

import pytest

from promptkit.report import compare_runs, stats
from promptkit.report.compare import build_comparison

from . import builders as b


def _runs(tmp_path, frozen_a: int, frozen_b: int, *, rename: bool = False):
    clips_a, clips_b = [], []
    for v in range(3):
        for r in range(1, 5):
            clips_a.append(
                b.clip(
                    f"v{v}",
                    r,
                    verdict="frozen" if r <= frozen_a else "ok",
                    motion=0.01 * r,
                    artifacts=True,
                    variables={"n": v},
                )
            )
            vid = f"w{v}" if rename else f"v{v}"
            clips_b.append(
                b.clip(
                    vid,
                    r,
                    verdict="frozen" if r <= frozen_b else "ok",
                    motion=0.1 * r,
                    artifacts=True,
                    variables={"n": v},
                )
            )
    a = b.run(clips_a, run_id="old")
    bb = b.run(clips_b, run_id="new")
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    b.write_run(tmp_path / "old", a)
    b.write_run(tmp_path / "new", bb)
    return a, bb


def test_variants_match_by_id_and_deltas_are_b_minus_a(tmp_path):
    a, bb = _runs(tmp_path, frozen_a=3, frozen_b=1)
    cmp = build_comparison(a, bb)
    assert [(m.a.variant_id, m.b.variant_id, m.matched_by) for m in cmp.matched] == [
        ("v0", "v0", "id"),
        ("v1", "v1", "id"),
        ("v2", "v2", "id"),
    ]
    assert cmp.matched[0].rate_diff == stats.newcombe_difference(1, 4, 3, 4)
    assert cmp.overall.rate_diff == stats.newcombe_difference(3, 12, 9, 12)
    assert cmp.overall.motion_diff.value == pytest.approx(0.25 - 0.025)


def test_changed_ids_fall_back_to_template_variables_and_params(tmp_path):
    a, bb = _runs(tmp_path, 2, 2, rename=True)
    cmp = build_comparison(a, bb)
    assert [m.matched_by for m in cmp.matched] == ["template+variables+params"] * 3
    assert cmp.only_a == [] and cmp.only_b == []


def test_unmatched_variants_are_listed(tmp_path):
    a, bb = _runs(tmp_path, 2, 2)
    bb.clips = [c for c in bb.clips if c.variant_id != "v2"]
    bb.clips.append(b.clip("extra", variables={"n": 9}))
    cmp = build_comparison(a, bb)
    assert [v.variant_id for v in cmp.only_a] == ["v2"]
    assert [v.variant_id for v in cmp.only_b] == ["extra"]


def test_paired_by_variant_uses_per_variant_differences(tmp_path):
    a, bb = _runs(tmp_path, 3, 1)
    cmp = build_comparison(a, bb)
    assert cmp.paired_rate.value == pytest.approx(-0.5)
    # Three variants all moving the same way: the exact sign-flip p is 2/8.
    assert cmp.paired_motion_p == pytest.approx(0.25)


def test_compare_writes_html_and_markdown_beside_the_runs(tmp_path):
    _runs(tmp_path, 3, 1)
    index = compare_runs(tmp_path / "old", tmp_path / "new")
    assert index == tmp_path / "compare-old-vs-new" / "index.html"
    html = index.read_text()
    for src in re.findall(r'<img src="([^"]+)"', html):
        assert src.startswith("../old/") or src.startswith("../new/")
        assert (index.parent / src).is_file()
    md = (index.parent / "summary.md").read_text()
    assert "| Frozen rate | 75% (" in md and "-50 pts" in md


def test_compare_to_an_explicit_folder(tmp_path):
    _runs(tmp_path, 1, 1)
    out = tmp_path / "elsewhere" / "cmp"
    assert compare_runs(tmp_path / "old", tmp_path / "new", out=out) == out / "index.html"
