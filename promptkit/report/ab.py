"""A/B analysis of a run's arms: per-arm rates and means, pairwise comparisons, paired designs.

Differences are always *later arm minus earlier arm* in spec order (the first arm is the
baseline), so "B − A = −20 points frozen" reads as "B froze less". With more than two arms every
pair is compared and Holm's correction is applied to each family of p-values (frozen rate,
motion). When clips share a ``pair_key`` across two arms (same variables and params, different
template or arm variable), the pair is also analysed as matched pairs — matched by
``(pair_key, replicate)`` — with an exact McNemar test on frozen and a sign-flip permutation test
on motion. Every comparison carries a plain sentence on whether the sample could detect it.
Effect sizes: Cohen's h for rates; for motion Hedges' g (pooled within-arm SD, small-sample
corrected) beside Cliff's delta, which stays readable when replicates barely vary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from promptkit.report import stats
from promptkit.report.arms import ArmOutcome, arm_of, arm_outcome, clips_by_arm
from promptkit.report.clips import is_frozen, is_measured, motion_of
from promptkit.runner.results import ClipRecord, RunResults

# One arm's counts (the report's arm outcome; the A/B names are kept for library users).
ArmStats = ArmOutcome
arm_stats = arm_outcome


@dataclass
class Comparison:
    """Arm ``b`` against arm ``a`` (differences are b − a)."""

    a: str
    b: str
    rate_diff: stats.Estimate | None
    rate_p: float | None
    rate_p_holm: float | None
    h: float | None
    motion_diff: stats.Estimate | None
    motion_p: float | None
    motion_p_holm: float | None
    g: float | None
    mde_rate: float | None
    mde_motion: float | None
    notes: list[str] = field(default_factory=list)
    motionless_diff: stats.Estimate | None = None
    delta: float | None = None


@dataclass
class PairedComparison:
    """Matched clips of arms ``a`` and ``b`` (same pair_key and replicate)."""

    a: str
    b: str
    pairs: int
    only_a_frozen: int
    only_b_frozen: int
    mcnemar_p: float | None
    motion_pairs: int
    motion_diff: stats.Estimate | None
    motion_p: float | None


@dataclass
class ABAnalysis:
    arms: list[ArmStats]
    comparisons: list[Comparison]
    paired: list[PairedComparison]
    holm: bool


def _pct(x: float) -> str:
    return f"{100 * x:.0f} points"


def compare_arms(a: ArmStats, b: ArmStats, seed: int = 0) -> Comparison:
    """Independent-samples comparison of arm ``b`` against arm ``a``."""
    rate_diff = stats.newcombe_difference(b.frozen, b.measured, a.frozen, a.measured)
    flags_a = [1.0] * a.frozen + [0.0] * (a.measured - a.frozen)
    flags_b = [1.0] * b.frozen + [0.0] * (b.measured - b.frozen)
    rate_p = stats.permutation_pvalue(flags_b, flags_a, seed=seed)
    h = (
        stats.cohens_h(b.rate.value, a.rate.value)
        if a.rate is not None and b.rate is not None
        else None
    )
    motion_diff = stats.bootstrap_mean_difference(b.motions, a.motions, seed=seed)
    motion_p = stats.permutation_pvalue(b.motions, a.motions, seed=seed)
    g = stats.hedges_g(b.motions, a.motions)
    # Detectable change measured from the baseline (first) arm's rate, as a reader would ask.
    baseline = a.rate.value if a.rate is not None else 0.0
    observed = rate_diff.value if rate_diff is not None else 0.0
    direction = 1 if observed > 0 or (observed == 0 and baseline <= 0.5) else -1
    mde_rate = stats.mde_rate_difference(a.measured, b.measured, baseline, direction)
    mde_motion = None
    d = stats.mde_d(len(a.motions), len(b.motions))
    sd = stats.pooled_sd(a.motions, b.motions)
    if d is not None and sd:
        mde_motion = d * sd
    cmp = Comparison(
        a=a.arm,
        b=b.arm,
        rate_diff=rate_diff,
        rate_p=rate_p,
        rate_p_holm=rate_p,
        h=h,
        motion_diff=motion_diff,
        motion_p=motion_p,
        motion_p_holm=motion_p,
        g=g,
        mde_rate=mde_rate,
        mde_motion=mde_motion,
        motionless_diff=stats.newcombe_difference(
            b.motionless, b.measured, a.motionless, a.measured
        ),
        delta=stats.cliffs_delta(b.motions, a.motions),
    )
    cmp.notes = power_notes(cmp, a, b)
    return cmp


def power_notes(cmp: Comparison, a: ArmStats, b: ArmStats) -> list[str]:
    """Plain sentences on whether the sample was large enough for the observed differences."""
    notes: list[str] = []
    sizes = f"{a.measured} and {b.measured} measured clips"
    floor = stats.min_permutation_pvalue(a.measured, b.measured)
    if floor is not None and floor > stats.ALPHA:
        # Below this size no outcome can be significant; power figures would only mislead.
        notes.append(
            f"With {sizes} the permutation test cannot reach p < {stats.ALPHA:g} whatever the "
            f"clips show (the smallest possible p is {floor:.2f}): this sample is too small to "
            "tell whether the arms differ; add replicates."
        )
        return notes
    if a.measured == 0 or b.measured == 0:
        notes.append("Frozen rate: one arm has no measured clips, so there is nothing to compare.")
    elif cmp.rate_diff is not None and a.rate is not None:
        observed = abs(cmp.rate_diff.value)
        if cmp.mde_rate is None:
            notes.append(
                f"Frozen rate: with {sizes}, not even a change from {a.arm}'s "
                f"{a.rate.value:.0%} all the way to {'100' if cmp.rate_diff.value >= 0 else '0'}% "
                "would be detected 80% of the time, so this sample is too small to tell "
                "whether the arms differ."
            )
        elif observed < cmp.mde_rate:
            notes.append(
                f"Frozen rate: with {sizes}, only a difference of about {_pct(cmp.mde_rate)} "
                f"or more is detected 80% of the time; the observed {_pct(observed)} is smaller, "
                "so this sample is too small to tell whether the arms differ."
            )
        else:
            notes.append(
                f"Frozen rate: the observed difference ({_pct(observed)}) is at least the "
                f"minimum detectable difference for {sizes} ({_pct(cmp.mde_rate)})."
            )
    if cmp.motion_diff is not None and cmp.mde_motion is not None:
        observed = abs(cmp.motion_diff.value)
        word = "smaller" if observed < cmp.mde_motion else "not smaller"
        verdict = (
            "so this sample is too small to tell whether the arms differ."
            if observed < cmp.mde_motion
            else "so a real difference of this size would usually be seen."
        )
        notes.append(
            f"Motion: the minimum detectable difference is about {cmp.mde_motion:.3g} "
            f"(80% power); the observed {observed:.3g} is {word}, {verdict}"
        )
    elif len(a.motions) < 2 or len(b.motions) < 2:
        notes.append("Motion: fewer than two measured clips in an arm; no interval or test.")
    return notes


def paired_comparison(
    a: str, b: str, clips: list[ClipRecord], seed: int = 0
) -> PairedComparison | None:
    """Matched-pairs analysis of arms ``a`` and ``b``; None when no clips pair up."""
    by_key: dict[tuple[str, int], dict[str, ClipRecord]] = {}
    for clip in clips:
        if clip.pair_key is None or not is_measured(clip):
            continue
        by_key.setdefault((clip.pair_key, clip.replicate), {})[arm_of(clip)] = clip
    pairs = [(g[a], g[b]) for g in by_key.values() if a in g and b in g]
    if not pairs:
        return None
    only_a = sum(is_frozen(x) and not is_frozen(y) for x, y in pairs)
    only_b = sum(is_frozen(y) and not is_frozen(x) for x, y in pairs)
    moving = [
        (mx, my)
        for x, y in pairs
        if (mx := motion_of(x)) is not None and (my := motion_of(y)) is not None
    ]
    diffs = [my - mx for mx, my in moving]
    return PairedComparison(
        a=a,
        b=b,
        pairs=len(pairs),
        only_a_frozen=only_a,
        only_b_frozen=only_b,
        mcnemar_p=stats.mcnemar_exact(only_b, only_a),
        motion_pairs=len(moving),
        motion_diff=stats.bootstrap_mean(diffs, seed=seed),
        motion_p=stats.paired_permutation_pvalue(
            [my for _, my in moving], [mx for mx, _ in moving], seed=seed
        ),
    )


def analyse(results: RunResults, seed: int = 0) -> ABAnalysis | None:
    """The run's A/B analysis, or None when the run has fewer than two arms with clips."""
    by_arm = clips_by_arm(results)
    order = list(by_arm)
    if len(order) < 2 or not results.arm_by and not results.arms:
        return None
    arms = [arm_stats(arm, by_arm[arm], seed) for arm in order]
    comparisons = [compare_arms(x, y, seed) for x, y in combinations(arms, 2)]
    many = len(arms) > 2
    if many:
        for attr in ("rate_p", "motion_p"):
            adjusted = stats.holm([getattr(c, attr) for c in comparisons])
            for cmp, adj in zip(comparisons, adjusted, strict=True):
                setattr(cmp, f"{attr}_holm", adj)
    paired = [
        p
        for x, y in combinations(order, 2)
        if (p := paired_comparison(x, y, results.clips, seed)) is not None
    ]
    return ABAnalysis(arms=arms, comparisons=comparisons, paired=paired, holm=many)
