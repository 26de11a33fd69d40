"""Statistical primitives for reports: intervals, tests, effect sizes, multiplicity, power.

Every function here is pure and deterministic: resampling methods take a ``seed`` so a report
re-rendered from the same ``results.json`` shows the same numbers. Memory stays bounded at any
run size: resampling goes in batches of at most :data:`RESAMPLE_CELLS` values at a time (the
bootstrap's resamples, its jackknife, the permutations), and Cliff's delta is computed from
ranks, never from the table of every pair. Where scipy has the method it
is used (Wilson interval, bootstrap, permutation test, Fisher exact, exact binomial for McNemar);
the rest (Newcombe's hybrid-score difference interval, Cohen's h, Hedges' g, Cliff's delta,
Holm's step-down adjustment, minimum detectable effect, sample size for a target power) is
written out and tested against published values.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from scipy import optimize, stats

CONFIDENCE = 0.95
ALPHA = 0.05
POWER = 0.80
N_BOOTSTRAP = 2000
N_PERMUTATIONS = 9999
# Beyond |g| = 3 two normal arms overlap by under 13% (U3 > 99.8%): a larger figure says how
# little each arm varies (a deterministic renderer, identical replicates), not that one arm moves
# "more" in any sense a reader can use, so reports print it as "> 3" and lean on Cliff's delta.
G_READABLE = 3.0
MAX_SAMPLE = 100_000
RESAMPLE_CELLS = 1 << 18
"""Values resampled per vectorised batch (2 MiB of float64): 9,999 permutations of 1,000 clips
at once would need 80 MB for each array scipy builds."""


def _batch(*samples: np.ndarray) -> int:
    """Resamples per batch so that one batch holds at most :data:`RESAMPLE_CELLS` values."""
    return max(1, RESAMPLE_CELLS // max(1, sum(int(x.size) for x in samples)))


class Estimate(NamedTuple):
    """A point estimate with its two-sided interval (``low``/``high`` are None when undefined)."""

    value: float
    low: float | None
    high: float | None


def _z(confidence: float = CONFIDENCE) -> float:
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> Estimate | None:
    """Proportion ``k/n`` with its Wilson score interval (no continuity correction); None if n=0."""
    if n <= 0:
        return None
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return Estimate(k / n, float(ci.low), float(ci.high))


def newcombe_difference(
    k1: int, n1: int, k2: int, n2: int, confidence: float = CONFIDENCE
) -> Estimate | None:
    """Difference ``k1/n1 - k2/n2`` with Newcombe's hybrid score interval (1998, method 10).

    Combines the two Wilson intervals; unlike the Wald interval it stays inside [-1, 1] and
    behaves at 0 and 1, which is where freeze rates of a good or a broken template live.
    """
    a = wilson_interval(k1, n1, confidence)
    b = wilson_interval(k2, n2, confidence)
    if a is None or b is None:
        return None
    d = a.value - b.value
    assert a.low is not None and a.high is not None and b.low is not None and b.high is not None
    lower = math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    upper = math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return Estimate(d, d - lower, d + upper)


def _bootstrap(
    data: tuple[np.ndarray, ...],
    statistic: Callable[..., np.ndarray],
    seed: int,
    confidence: float = CONFIDENCE,
) -> tuple[float, float] | None:
    with warnings.catch_warnings():
        # Tiny or tied samples make BCa degenerate; fall back to the percentile interval.
        warnings.simplefilter("ignore")
        for method in ("BCa", "percentile"):
            res = stats.bootstrap(
                data,
                statistic,
                n_resamples=N_BOOTSTRAP,
                confidence_level=confidence,
                method=method,
                vectorized=True,
                batch=_batch(*data),
                rng=np.random.default_rng(seed),
            )
            low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
            if math.isfinite(low) and math.isfinite(high):
                return low, high
    return None


def _mean(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.asarray(np.mean(x, axis=axis))


def bootstrap_mean(values: Sequence[float], seed: int = 0) -> Estimate | None:
    """Mean with a seeded bootstrap 95% interval (BCa; None when there are no values)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return None
    m = float(x.mean())
    if x.size < 2 or np.ptp(x) == 0:
        # One value or all equal: the bootstrap distribution is a point; say so honestly.
        return Estimate(m, None, None) if x.size < 2 else Estimate(m, m, m)
    ci = _bootstrap((x,), _mean, seed)
    return Estimate(m, *(ci or (None, None)))


def _diff_means(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.asarray(np.mean(a, axis=axis) - np.mean(b, axis=axis))


def bootstrap_mean_difference(
    a: Sequence[float], b: Sequence[float], seed: int = 0, confidence: float = CONFIDENCE
) -> Estimate | None:
    """``mean(a) - mean(b)`` with a seeded bootstrap interval resampling each group on its own."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size == 0 or y.size == 0:
        return None
    d = float(x.mean() - y.mean())
    if x.size < 2 or y.size < 2:
        return Estimate(d, None, None)
    if np.ptp(x) == 0 and np.ptp(y) == 0:
        return Estimate(d, d, d)
    ci = _bootstrap((x, y), _diff_means, seed, confidence)
    return Estimate(d, *(ci or (None, None)))


def _permutation_p(x: np.ndarray, y: np.ndarray, kind: str, seed: int, n_resamples: int) -> float:
    res = stats.permutation_test(
        (x, y),
        _diff_means,
        permutation_type=kind,
        alternative="two-sided",
        n_resamples=n_resamples,
        vectorized=True,
        batch=_batch(x, y),
        rng=np.random.default_rng(seed),
    )
    return float(min(1.0, res.pvalue))


def permutation_pvalue(
    a: Sequence[float], b: Sequence[float], seed: int = 0, n_resamples: int = N_PERMUTATIONS
) -> float | None:
    """Two-sided permutation p-value for a difference in means (exact when that is cheaper).

    scipy's convention: twice the smaller one-sided p-value, capped at 1.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size == 0 or y.size == 0:
        return None
    if np.ptp(np.concatenate([x, y])) == 0:
        return 1.0
    return _permutation_p(x, y, "independent", seed, n_resamples)


def paired_permutation_pvalue(
    a: Sequence[float], b: Sequence[float], seed: int = 0, n_resamples: int = N_PERMUTATIONS
) -> float | None:
    """Two-sided sign-flip permutation p-value for the mean of paired differences ``a - b``."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size == 0 or x.size != y.size:
        return None
    if np.all(x == y):
        return 1.0
    return _permutation_p(x, y, "samples", seed, n_resamples)


def mcnemar_exact(only_a: int, only_b: int) -> float | None:
    """Exact McNemar p-value from the discordant pair counts (binomial test at 1/2)."""
    n = only_a + only_b
    if n == 0:
        return None
    return float(stats.binomtest(only_a, n, 0.5).pvalue)


def fisher_exact(k1: int, n1: int, k2: int, n2: int) -> float | None:
    """Two-sided Fisher exact p-value of the 2×2 table (k1, n1-k1; k2, n2-k2)."""
    if n1 <= 0 or n2 <= 0:
        return None
    return float(stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h between two proportions: 2·asin(√p1) − 2·asin(√p2)."""
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))


def pooled_sd(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float | None:
    """The pooled within-group standard deviation (None with fewer than 3 values in all)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n1, n2 = x.size, y.size
    if n1 + n2 < 3 or n1 == 0 or n2 == 0:
        return None
    ss = (x.var(ddof=1) * (n1 - 1) if n1 > 1 else 0.0) + (
        y.var(ddof=1) * (n2 - 1) if n2 > 1 else 0.0
    )
    return math.sqrt(ss / (n1 + n2 - 2))


def hedges_g(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Hedges' g: Cohen's d on the pooled SD times the small-sample correction J."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n1, n2 = x.size, y.size
    if n1 < 2 or n2 < 2:
        return None
    pooled = pooled_sd(x, y)
    if not pooled:
        return None
    d = (x.mean() - y.mean()) / pooled
    return float(d * (1 - 3 / (4 * (n1 + n2) - 9)))


def cliffs_delta(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Cliff's delta: P(a > b) − P(a < b) over every pair of one value from each group.

    Bounded in [−1, 1] and rank-based, so near-constant groups or a skewed measure cannot inflate
    it: 1 means every value of ``a`` exceeds every value of ``b``.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size == 0 or y.size == 0:
        return None
    # From the Mann-Whitney U of a (ties count half): P(a > b) + P(a = b) / 2 = U / (n·m), so
    # delta = 2U / (n·m) − 1, in O((n + m) log(n + m)) time and memory instead of an n×m table.
    ranks = stats.rankdata(np.concatenate([x, y]))
    u = float(ranks[: x.size].sum()) - x.size * (x.size + 1) / 2
    return 2 * u / (x.size * y.size) - 1


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (family-wise error), in the input order; None stays."""
    indexed = [(p, i) for i, p in enumerate(pvalues) if p is not None]
    m = len(indexed)
    out: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, (p, i) in enumerate(sorted(indexed)):
        # Monotone: an adjusted p can never be smaller than the one before it.
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


def min_permutation_pvalue(n1: int, n2: int) -> float | None:
    """The smallest two-sided p a permutation test of groups of n1 and n2 can ever return.

    The most extreme split is one of C(n1+n2, n1); scipy's two-sided p doubles its share.
    """
    if n1 <= 0 or n2 <= 0:
        return None
    return min(1.0, 2 / math.comb(n1 + n2, n1))


def mde_h(n1: int, n2: int, alpha: float = ALPHA, power: float = POWER) -> float | None:
    """Smallest Cohen's h a two-sided test detects with ``power`` (normal approximation)."""
    if n1 <= 0 or n2 <= 0:
        return None
    return (_z(1 - alpha) + float(stats.norm.ppf(power))) * math.sqrt(1 / n1 + 1 / n2)


def mde_rate_difference(
    n1: int,
    n2: int,
    baseline: float,
    direction: int = 1,
    alpha: float = ALPHA,
    power: float = POWER,
) -> float | None:
    """Smallest change of a rate from ``baseline`` (up if ``direction`` > 0) the test detects.

    Moves the baseline by the detectable h on the arcsine scale, so the answer is a plain
    difference in proportions a reader can set beside theirs. None when even a change all the
    way to 0 or 1 is not detectable with these sample sizes.
    """
    h = mde_h(n1, n2, alpha, power)
    if h is None:
        return None
    phi = 2 * math.asin(math.sqrt(min(max(baseline, 0.0), 1.0)))
    target = phi + h if direction > 0 else phi - h
    if not 0.0 <= target <= math.pi:
        return None
    return abs(math.sin(target / 2) ** 2 - baseline)


def mde_d(n1: int, n2: int, alpha: float = ALPHA, power: float = POWER) -> float | None:
    """Smallest standardised mean difference (Cohen's d) a two-sample t-test detects.

    Solved exactly with the noncentral t distribution; needs at least 3 observations in all.
    """
    if n1 <= 0 or n2 <= 0 or n1 + n2 < 3:
        return None
    df = n1 + n2 - 2
    crit = float(stats.t.ppf(1 - alpha / 2, df))
    scale = math.sqrt(n1 * n2 / (n1 + n2))

    def shortfall(d: float) -> float:
        nc = d * scale
        achieved = float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))
        # scipy's nct gives NaN far in the tail, where the power is 1 for all purposes.
        return (1.0 if math.isnan(achieved) else achieved) - power

    # Bracket the root by doubling: very large noncentralities make scipy's nct return NaN.
    high = 1.0
    while shortfall(high) < 0:
        high *= 2
        if high > 64:
            return None
    return float(optimize.brentq(shortfall, 1e-6, high, xtol=1e-6))


def n_for_rates(p1: float, p2: float, alpha: float = ALPHA, power: float = POWER) -> int | None:
    """Clips per arm for a two-sided test to tell rates ``p1`` and ``p2`` apart with ``power``.

    Cohen's (1988, §6.4) arcsine approximation for equal arms: 2·asin√p has variance 1/n, so
    the difference of two arms has variance 2/n and n = 2·((z₁₋α/₂ + z_power) / h)², with h the
    Cohen's h of the two rates (the inverse of :func:`mde_h`). None when the rates are equal.
    """
    h = abs(cohens_h(min(max(p1, 0.0), 1.0), min(max(p2, 0.0), 1.0)))
    if h == 0:
        return None
    n = 2 * ((_z(1 - alpha) + float(stats.norm.ppf(power))) / h) ** 2
    return max(2, math.ceil(n - 1e-9))


def t_test_power(d: float, n: int, alpha: float = ALPHA) -> float:
    """Power of a two-sided two-sample t-test with ``n`` per arm against standardised ``d``."""
    df = 2 * n - 2
    crit = float(stats.t.ppf(1 - alpha / 2, df))
    nc = abs(d) * math.sqrt(n / 2)
    achieved = float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))
    # scipy's nct gives NaN far in the tail, where the power is 1 for all purposes.
    return 1.0 if math.isnan(achieved) else achieved


def n_for_means(d: float, alpha: float = ALPHA, power: float = POWER) -> int | None:
    """Clips per arm for a two-sided two-sample t-test to detect standardised ``d`` with ``power``.

    Exact (noncentral t), smallest n per arm for equal arms; None when d is 0 or the answer
    exceeds :data:`MAX_SAMPLE`.
    """
    if d == 0 or not math.isfinite(d):
        return None
    high = 2
    while t_test_power(d, high, alpha) < power:
        high *= 2
        if high > MAX_SAMPLE:
            return None
    low = max(2, high // 2)
    if t_test_power(d, low, alpha) >= power:
        return low
    while high - low > 1:
        mid = (low + high) // 2
        if t_test_power(d, mid, alpha) >= power:
            high = mid
        else:
            low = mid
    return high
