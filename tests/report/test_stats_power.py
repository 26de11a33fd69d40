"""Sample size for a target power, Cliff's delta and the guarded Hedges' g, against published
tables and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from promptkit.report import fmt, stats


def rates_with_h(h: float, p1: float = 0.5) -> tuple[float, float]:
    """Two rates whose Cohen's h is ``h``."""
    return p1, math.sin((2 * math.asin(math.sqrt(p1)) - h) / 2) ** 2


# Cohen (1988), Table 6.4.1: n per sample for a two-sided test of two proportions at
# alpha = 0.05 with power 0.80, by h (the table rounds to the nearest whole clip).
COHEN_H_TABLE = [(0.2, 392), (0.5, 63), (0.8, 25), (1.0, 16)]


@pytest.mark.parametrize(("h", "table_n"), COHEN_H_TABLE)
def test_clips_for_two_rates_match_cohens_table(h, table_n):
    n = stats.n_for_rates(*rates_with_h(h))
    assert abs(n - table_n) <= 1
    # And it is the smallest n whose minimum detectable h reaches h.
    assert stats.mde_h(n, n) <= h + 1e-9 < stats.mde_h(n - 1, n - 1)


def test_equal_rates_need_no_finite_sample():
    assert stats.n_for_rates(0.3, 0.3) is None


# Cohen (1988), Table 2.4.1 and G*Power: n per group for a two-sided two-sample t-test at
# alpha = 0.05 with power 0.80, by d.
COHEN_D_TABLE = [(0.2, 394), (0.5, 64), (0.8, 26), (1.0, 17)]


@pytest.mark.parametrize(("d", "table_n"), COHEN_D_TABLE)
def test_clips_for_two_means_match_the_t_test_table(d, table_n):
    n = stats.n_for_means(d)
    assert n == table_n
    assert stats.t_test_power(d, n) >= 0.8 > stats.t_test_power(d, n - 1)


def test_a_zero_difference_of_means_needs_no_finite_sample():
    assert stats.n_for_means(0.0) is None


def test_smaller_alpha_needs_more_clips():
    assert stats.n_for_means(0.5, alpha=0.05 / 7) > stats.n_for_means(0.5)
    assert stats.n_for_rates(0.2, 0.5, alpha=0.05 / 7) > stats.n_for_rates(0.2, 0.5)


@pytest.mark.parametrize("seed", range(5))
def test_cliffs_delta_equals_the_mann_whitney_u_rescaled(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0.2, 0.1, 7), rng.normal(0.1, 0.1, 9)
    u = sps.mannwhitneyu(a, b).statistic
    assert stats.cliffs_delta(a, b) == pytest.approx(2 * u / (len(a) * len(b)) - 1)


def test_cliffs_delta_stays_bounded_where_hedges_g_explodes():
    # Two arms that barely vary inside (a deterministic renderer): g is huge, delta is -1.
    a = [0.0019, 0.0020, 0.0019, 0.0020]
    b = [0.145, 0.146, 0.147, 0.148]
    g = stats.hedges_g(a, b)
    assert g < -50
    assert stats.cliffs_delta(a, b) == -1.0
    assert fmt.effect_g(g) == "< −3"
    assert fmt.effect_g(0.4567) == "0.46" and fmt.effect_g(None) == fmt.NA
