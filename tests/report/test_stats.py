"""Statistics against published values, scipy, and hand-checked small cases."""

from __future__ import annotations

import itertools
import math
import tracemalloc

import numpy as np
import pytest
from scipy import stats as sps

from promptkit.report import stats

# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I (Wilson).
WILSON_PUBLISHED = [
    ((81, 263), (0.2553, 0.3662)),
    ((15, 148), (0.0624, 0.1605)),
    ((0, 20), (0.0, 0.1611)),
    ((1, 29), (0.0061, 0.1718)),
]

# Newcombe (1998), "Interval estimation for the difference between independent proportions",
# Table II, method 10 (hybrid score).
NEWCOMBE_PUBLISHED = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0)),
    ((10, 10, 0, 10), (0.6075, 1.0)),
]


@pytest.mark.parametrize(("counts", "expected"), WILSON_PUBLISHED)
def test_wilson_interval_matches_newcombe_1998_table(counts, expected):
    est = stats.wilson_interval(*counts)
    assert est is not None
    assert est.value == pytest.approx(counts[0] / counts[1])
    assert (est.low, est.high) == pytest.approx(expected, abs=5e-5)


def test_wilson_interval_of_no_clips_is_none():
    assert stats.wilson_interval(0, 0) is None


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_PUBLISHED)
def test_newcombe_difference_matches_published_method_10(counts, expected):
    est = stats.newcombe_difference(*counts)
    assert est is not None
    assert (est.low, est.high) == pytest.approx(expected, abs=5e-5)


def test_permutation_pvalue_is_exact_on_a_tiny_case():
    # 20 ways to split {1..6} into two triples; only {1,2,3}|{4,5,6} and its mirror are as
    # extreme as the observed split, so the exact two-sided p is 2/20.
    assert stats.permutation_pvalue([1, 2, 3], [4, 5, 6]) == pytest.approx(0.1)


def test_permutation_pvalue_matches_brute_force_enumeration():
    # scipy's two-sided convention: twice the smaller one-sided exact p (capped at 1).
    a, b = [0.3, 1.2, 0.8, 2.0], [1.9, 2.4, 1.1]
    pooled = a + b
    observed = np.mean(a) - np.mean(b)
    diffs = []
    for idx in itertools.combinations(range(len(pooled)), len(a)):
        x = [pooled[i] for i in idx]
        y = [pooled[i] for i in range(len(pooled)) if i not in idx]
        diffs.append(np.mean(x) - np.mean(y))
    diffs = np.array(diffs)
    low = np.mean(diffs <= observed + 1e-12)
    high = np.mean(diffs >= observed - 1e-12)
    assert stats.permutation_pvalue(a, b) == pytest.approx(min(1.0, 2 * min(low, high)))


def test_paired_permutation_pvalue_is_exact_sign_flip():
    # Differences all positive: of 2^4 sign patterns, only all-plus and all-minus are as extreme.
    assert stats.paired_permutation_pvalue([2, 3, 4, 5], [1, 1, 1, 1]) == pytest.approx(2 / 16)


def test_mcnemar_exact_matches_binomial_test():
    assert stats.mcnemar_exact(1, 9) == pytest.approx(sps.binomtest(1, 10, 0.5).pvalue)
    assert stats.mcnemar_exact(0, 5) == pytest.approx(2 / 32)
    assert stats.mcnemar_exact(0, 0) is None


def test_fisher_exact_matches_scipy():
    assert stats.fisher_exact(8, 10, 2, 10) == pytest.approx(
        sps.fisher_exact([[8, 2], [2, 8]]).pvalue
    )


def test_cohens_h_hand_value():
    # 2·asin(√0.5) − 2·asin(√0.25) = π/2 − π/3 = π/6.
    assert stats.cohens_h(0.5, 0.25) == pytest.approx(math.pi / 6)


def test_hedges_g_hand_value():
    # d = −1.125 / 1.39568; J = 1 − 3/23.
    g = stats.hedges_g([1, 2, 3, 4], [2, 3, 4, 5.5])
    assert g == pytest.approx(-1.125 / math.sqrt((5 / 3 + 6.6875 / 3) / 2) * (1 - 3 / 23))


def test_holm_matches_hand_checked_values():
    # R: p.adjust(c(.01,.02,.03,.04,.05), "holm") -> .05 .08 .09 .09 .09
    assert stats.holm([0.01, 0.02, 0.03, 0.04, 0.05]) == pytest.approx(
        [0.05, 0.08, 0.09, 0.09, 0.09]
    )


def test_holm_keeps_input_order_and_caps_at_one():
    # Sorted: .005×4=.02, .01×3=.03, .03×2=.06, .04×1=.04→.06 (monotone).
    assert stats.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert stats.holm([0.6, 0.9]) == pytest.approx([1.0, 1.0])


def test_holm_leaves_missing_pvalues_out_of_the_family():
    assert stats.holm([None, 0.02, 0.04]) == [None, pytest.approx(0.04), pytest.approx(0.04)]


def test_mde_h_matches_cohen_table():
    # Cohen (1988) Table 6.4.1: h = 0.5 needs n = 63 per group at 80% power, two-sided 0.05.
    assert stats.mde_h(63, 63) == pytest.approx(0.5, abs=0.002)


def test_mde_d_matches_cohen_table():
    # Cohen (1988) Table 2.4.1: d = 0.5 needs n = 64 per group (t-test, 80% power).
    d = stats.mde_d(64, 64)
    assert d == pytest.approx(0.5, abs=0.003)
    assert stats.mde_d(200, 200) < d < stats.mde_d(20, 20)


def test_mde_d_needs_three_observations():
    assert stats.mde_d(1, 1) is None


def test_mde_rate_difference_is_symmetric_on_the_arcsine_scale():
    up = stats.mde_rate_difference(63, 63, 0.25, direction=1)
    down = stats.mde_rate_difference(63, 63, 0.75, direction=-1)
    assert up == pytest.approx(down)
    # h = 0.5 from 25%: sin²(asin(√0.25) + 0.25) = 0.4868 -> about 24 points.
    assert up == pytest.approx(math.sin(math.pi / 6 + 0.25) ** 2 - 0.25, abs=0.002)


def test_mde_rate_difference_is_none_when_no_change_is_detectable():
    # Four clips a side: h would have to be 1.98, more than 0.5 -> 0 (h = π/2) offers.
    assert stats.mde_rate_difference(4, 4, 0.5, direction=-1) is None
    assert stats.mde_rate_difference(4, 4, 0.0, direction=1) == pytest.approx(0.70, abs=0.01)


def test_bootstrap_mean_is_reproducible_with_a_seed():
    values = [0.1, 0.4, 0.35, 0.2, 0.9, 0.5]
    first = stats.bootstrap_mean(values, seed=3)
    assert first == stats.bootstrap_mean(values, seed=3)
    assert first.low < np.mean(values) < first.high


def test_bootstrap_mean_covers_the_t_interval_roughly():
    rng = np.random.default_rng(1)
    values = rng.normal(2.0, 1.0, 60)
    est = stats.bootstrap_mean(values)
    t_low, t_high = sps.t.interval(0.95, 59, loc=values.mean(), scale=sps.sem(values))
    assert est.low == pytest.approx(t_low, abs=0.08)
    assert est.high == pytest.approx(t_high, abs=0.08)


def test_bootstrap_mean_of_one_value_has_no_interval():
    assert stats.bootstrap_mean([0.3]) == stats.Estimate(0.3, None, None)
    assert stats.bootstrap_mean([]) is None


def test_bootstrap_difference_of_constant_groups_is_a_point():
    assert stats.bootstrap_mean_difference([1, 1], [3, 3]) == stats.Estimate(-2.0, -2.0, -2.0)


def test_min_permutation_pvalue_matches_exhaustive_extreme_split():
    # 2 vs 2: six splits, the extreme one and its mirror -> 2/6.
    assert stats.min_permutation_pvalue(2, 2) == pytest.approx(1 / 3)
    assert stats.permutation_pvalue([0, 0], [1, 1]) == pytest.approx(1 / 3)
    assert stats.min_permutation_pvalue(4, 4) == pytest.approx(2 / 70)


def test_cliffs_delta_from_ranks_equals_the_count_over_every_pair() -> None:
    rng = np.random.default_rng(5)
    for n, m in [(1, 1), (3, 7), (40, 25)]:
        a = rng.integers(0, 6, n).astype(float)  # small integers: plenty of ties
        b = rng.integers(0, 6, m).astype(float)
        pairs = np.sign(a[:, None] - b[None, :]).mean()
        assert stats.cliffs_delta(a, b) == pytest.approx(pairs)
    assert stats.cliffs_delta([3.0, 4.0], [1.0, 2.0]) == 1.0
    assert stats.cliffs_delta([], [1.0]) is None


@pytest.mark.parametrize(
    "method",
    [
        lambda a, b: stats.permutation_pvalue(a, b),
        lambda a, b: stats.paired_permutation_pvalue(a, b),
        lambda a, b: stats.bootstrap_mean_difference(a, b),
        lambda a, b: stats.bootstrap_mean(a),
        lambda a, b: stats.cliffs_delta(a, b),
    ],
    ids=["permutation", "paired", "bootstrap-difference", "bootstrap-mean", "cliffs-delta"],
)
def test_resampling_memory_stays_bounded_at_thousands_of_clips(method) -> None:
    # 1,000 clips per arm: all 9,999 permutations at once would take 9,999 × 2,000 × 8 bytes =
    # 160 MB per array; in batches a few MB.
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.10, 0.05, 1000), rng.normal(0.11, 0.05, 1000)
    tracemalloc.start()
    try:
        assert method(a, b) is not None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * 1024 * 1024
