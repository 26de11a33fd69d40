"""A/B analysis of hand-built runs: arms, comparisons, Holm, pairing, power sentences."""

from __future__ import annotations

import pytest

from promptkit.report import ab, stats

from . import builders as b


def test_two_arms_give_one_comparison_later_minus_earlier(hand_results):
    analysis = ab.analyse(hand_results)
    assert [a.arm for a in analysis.arms] == ["A", "B"]
    (cmp,) = analysis.comparisons
    assert (cmp.a, cmp.b) == ("A", "B")
    assert cmp.rate_diff.value == pytest.approx(0 / 4 - 2 / 4)
    assert cmp.rate_diff == stats.newcombe_difference(0, 4, 2, 4)
    assert not analysis.holm
    assert cmp.rate_p_holm == cmp.rate_p


def test_failed_jobs_count_as_jobs_but_not_as_measured(hand_results):
    arm_b = ab.analyse(hand_results).arms[1]
    assert (arm_b.jobs, arm_b.measured, arm_b.frozen) == (5, 4, 0)


def test_runs_without_arms_have_no_ab_analysis():
    results = b.run([b.clip("v1"), b.clip("v2")])
    assert ab.analyse(results) is None


def test_three_arms_are_holm_corrected_per_family():
    clips = []
    for arm, frozen in (("A", 5), ("B", 1), ("C", 3)):
        for i in range(6):
            verdict = "frozen" if i < frozen else "ok"
            clips.append(b.clip(f"{arm}{i}", arm=arm, verdict=verdict, motion=0.05 * i))
    analysis = ab.analyse(b.run(clips, arms=["A", "B", "C"], arm_by="template"))
    assert analysis.holm
    assert [(c.a, c.b) for c in analysis.comparisons] == [("A", "B"), ("A", "C"), ("B", "C")]
    raw = [c.rate_p for c in analysis.comparisons]
    assert [c.rate_p_holm for c in analysis.comparisons] == stats.holm(raw)
    assert all(c.rate_p_holm >= c.rate_p for c in analysis.comparisons)


def test_paired_design_counts_discordant_pairs(hand_results):
    (paired,) = ab.analyse(hand_results).paired
    assert paired.pairs == 4
    assert (paired.only_a_frozen, paired.only_b_frozen) == (2, 0)
    assert paired.mcnemar_p == pytest.approx(0.5)
    assert paired.motion_p == pytest.approx(2 / 16)


def test_small_sample_says_it_cannot_detect_the_difference(hand_results):
    # A froze 2/4, B 0/4: with four clips a side not even 50% -> 0% is detectable.
    (cmp,) = ab.analyse(hand_results).comparisons
    assert cmp.mde_rate is None
    assert cmp.notes[0] == (
        "Frozen rate: with 4 and 4 measured clips, not even a change from A's 50% all the way "
        "to 0% would be detected 80% of the time, so this sample is too small to tell whether "
        "the arms differ."
    )


def test_observed_difference_below_the_mde_is_called_too_small():
    clips = [
        b.clip(f"{arm}{i}", arm=arm, verdict="frozen" if i < k else "ok")
        for arm, k in (("A", 5), ("B", 8))
        for i in range(30)
    ]
    (cmp,) = ab.analyse(b.run(clips, arms=["A", "B"], arm_by="template")).comparisons
    assert cmp.mde_rate > abs(cmp.rate_diff.value)
    assert "only a difference of about" in cmp.notes[0] and "too small" in cmp.notes[0]


def test_large_difference_on_a_large_sample_is_called_detectable():
    clips = [
        b.clip(f"{arm}{i}", arm=arm, verdict="frozen" if (arm == "A") == (i < 90) else "ok")
        for arm in "AB"
        for i in range(100)
    ]
    (cmp,) = ab.analyse(b.run(clips, arms=["A", "B"], arm_by="template")).comparisons
    assert "at least the minimum detectable" in cmp.notes[0]
    assert cmp.rate_p < 0.001


def test_analysis_is_reproducible(hand_results):
    first = ab.analyse(hand_results, seed=7)
    assert ab.analyse(hand_results, seed=7) == first


def test_samples_too_small_for_any_significant_result_say_so():
    clips = [
        b.clip(f"{arm}{i}", arm=arm, verdict=v)
        for arm, v in (("A", "ok"), ("B", "frozen"))
        for i in range(2)
    ]
    (cmp,) = ab.analyse(b.run(clips, arms=["A", "B"], arm_by="template")).comparisons
    assert cmp.notes == [
        "With 2 and 2 measured clips the permutation test cannot reach p < 0.05 whatever the "
        "clips show (the smallest possible p is 0.33): this sample is too small to tell whether "
        "the arms differ; add replicates."
    ]
