"""Lint calibration: the frozen rate of flagged vs unflagged clips, per rule."""

from __future__ import annotations

import pytest
from scipy import stats as sps

from promptkit.report.calibration import lint_calibration

from . import builders as b
from .conftest import PK_MOTION


def test_rule_row_counts_flagged_and_unflagged_clips(hand_results):
    (row,) = lint_calibration(hand_results.clips)
    assert row.code == "PK101"
    assert (row.flagged_frozen, row.flagged_n) == (2, 2)
    assert (row.other_frozen, row.other_n) == (0, 6)
    assert row.fisher_p == pytest.approx(sps.fisher_exact([[2, 0], [0, 6]]).pvalue)
    assert row.flagged_rate.low == pytest.approx(0.3424, abs=1e-4)  # Wilson 2/2


def test_unscored_clips_do_not_enter_the_table():
    clips = [b.clip("v1", status="failed", lint=[PK_MOTION]), b.clip("v2")]
    assert lint_calibration(clips) == []


def test_rules_are_listed_once_each_in_code_order():
    other = dict(PK_MOTION, code="PK001", name="too-long")
    clips = [b.clip("v1", lint=[PK_MOTION, other]), b.clip("v2", lint=[PK_MOTION])]
    assert [r.code for r in lint_calibration(clips)] == ["PK001", "PK101"]
