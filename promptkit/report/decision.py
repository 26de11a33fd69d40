"""The run's decision: which arm is best on the spec's primary measure, by how much, and whether
that difference is distinguishable from noise at this sample size.

Ranking. Arms are ordered on the primary measure (``primary:`` in the spec; the motionless rate
by default), ties broken by the motionless rate and then by mean motion. One guard comes first
whatever the measure: an arm none of whose measured clips moved ranks below every arm that has
a moving clip, since a prompt for video that yields no motion has failed, however few of its
clips the frozen rate or the adherence rate counts against it.

The difference. The best arm is set against the runner-up: for a rate, the difference of the two
proportions with Newcombe's hybrid-score interval; for mean motion, the difference of means with
a seeded bootstrap interval. With k arms the interval is at 1 − 0.05/(k − 1) (Bonferroni over the
k − 1 comparisons of the best arm with each other arm), so picking the best out of many does not
pass noise off as a winner. The difference is *distinguishable from noise* when that interval
excludes 0.

Replicates needed. When it does not, the clips per arm a two-sided test at the same level needs
to detect a true difference as large as the observed one 80% of the time: Cohen's arcsine formula
for two rates, the exact noncentral-t power of the two-sample t-test for mean motion (observed
difference over the pooled within-arm SD). It is turned into replicates per variant at this
run's ratio of measured clips to replicates. A zero difference cannot be powered: then the
sentence gives the smallest difference this sample detects instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from promptkit.report import fmt, stats
from promptkit.report.arms import ArmOutcome, Measure, arm_outcomes, measure
from promptkit.runner.results import RunResults

MOTIONLESS = measure("motionless-rate")


@dataclass
class Decision:
    """The ranking of a run's arms and the sentence that states its outcome."""

    measure: Measure
    ranking: list[ArmOutcome]
    best: ArmOutcome | None = None
    runner_up: ArmOutcome | None = None
    decided_on: Measure | None = None
    difference: stats.Estimate | None = None
    confidence: float = stats.CONFIDENCE
    distinguishable: bool | None = None
    clips_needed: int | None = None
    replicates_needed: int | None = None
    sentence: str = ""

    @property
    def ranked(self) -> bool:
        return self.runner_up is not None


def _group(arm: ArmOutcome, m: Measure) -> int:
    # 0: moves and has a value; 1: moves, no value; 2: never moved; 3: nothing measured.
    if arm.measured == 0:
        return 3
    if arm.all_motionless:
        return 2
    return 0 if arm.estimate(m) is not None else 1


def rank(arms: list[ArmOutcome], m: Measure) -> list[ArmOutcome]:
    """Arms best first on ``m`` (see the module docstring for the order)."""
    order = {a.arm: i for i, a in enumerate(arms)}

    def key(a: ArmOutcome) -> tuple[float, ...]:
        est = a.estimate(m)
        value = est.value if est is not None else 0.0
        still = a.motionless / a.measured if a.measured else 1.0
        motion = a.motion.value if a.motion is not None else 0.0
        sign = -1.0 if m.higher_is_better else 1.0
        return (_group(a, m), sign * value, still, -motion, order[a.arm])

    return sorted(arms, key=key)


def _value(m: Measure, est: stats.Estimate | None) -> str:
    if est is None:
        return fmt.NA
    return fmt.rate_ci(est) if m.kind == "rate" else fmt.mean_ci(est)


def _interval(m: Measure, est: stats.Estimate) -> str:
    if est.low is None or est.high is None:
        return "no interval (too few clips)"
    if m.kind == "rate":
        return f"{100 * est.low:+.0f} to {100 * est.high:+.0f} points"
    return f"{est.low:+.3g} to {est.high:+.3g}"


def _difference(
    m: Measure, best: ArmOutcome, other: ArmOutcome, confidence: float, seed: int
) -> stats.Estimate | None:
    if m.kind == "rate":
        return stats.newcombe_difference(*best.counts(m), *other.counts(m), confidence)
    return stats.bootstrap_mean_difference(best.motions, other.motions, seed, confidence)


def _clips_needed(
    m: Measure, best: ArmOutcome, other: ArmOutcome, diff: float, alpha: float
) -> int | None:
    if m.kind == "rate":
        b, o = best.estimate(m), other.estimate(m)
        return None if b is None or o is None else stats.n_for_rates(b.value, o.value, alpha)
    sd = stats.pooled_sd(best.motions, other.motions)
    return stats.n_for_means(diff / sd, alpha) if sd else None


def _detectable(m: Measure, best: ArmOutcome, other: ArmOutcome, alpha: float) -> str | None:
    """The smallest difference from the best arm, towards worse, this sample detects."""
    n1, n2 = best.size(m), other.size(m)
    if m.kind == "rate":
        base = best.estimate(m)
        worse = -1 if m.higher_is_better else 1
        mde = stats.mde_rate_difference(n1, n2, base.value if base else 0.0, worse, alpha)
        return None if mde is None else f"{100 * mde:.0f} points"
    d = stats.mde_d(n1, n2, alpha)
    sd = stats.pooled_sd(best.motions, other.motions)
    return None if d is None or not sd else f"{d * sd:.3g}"


def _replicates(
    clips: int, best: ArmOutcome, other: ArmOutcome, m: Measure, replicates: int
) -> int | None:
    per_replicate = min(best.size(m), other.size(m)) / max(replicates, 1)
    return math.ceil(clips / per_replicate) if per_replicate > 0 else None


def decide(results: RunResults, seed: int = 0, arms: list[ArmOutcome] | None = None) -> Decision:
    """Rank the run's arms on its primary measure and state the outcome in one paragraph."""
    m = measure(results.primary)
    arms = arms if arms is not None else arm_outcomes(results, seed)
    ranking = rank(arms, m)
    decision = Decision(measure=m, ranking=ranking)
    measured = [a for a in ranking if a.measured]
    if len(measured) < 2:
        decision.best = measured[0] if measured else None
        decision.sentence = _single(m, decision.best, len(arms))
        return decision
    best, other = measured[0], measured[1]
    decision.best, decision.runner_up = best, other
    guard = _guarded(m, best, other)
    # When the guard set them apart, the motionless rate is what decided: compare on it.
    on = MOTIONLESS if guard else m
    if best.estimate(on) is None or other.estimate(on) is None:
        decision.sentence = (
            f"Best on {m.label}: {best.arm}. No other arm has a {m.label} to compare with "
            f"({m.definition})."
        )
        return decision
    k = len(measured)
    alpha = stats.ALPHA / (k - 1)
    decision.decided_on = on
    decision.confidence = 1 - alpha
    diff = _difference(on, best, other, decision.confidence, seed)
    decision.difference = diff
    replicates = int(results.spec.get("replicates") or 1)
    lead = _lead(m, on, best, other, guard)
    if diff is None:
        decision.sentence = lead
        return decision
    favourable = diff.value > 0 if on.higher_is_better else diff.value < 0
    excludes = (
        diff.low is not None
        and diff.high is not None
        and (diff.low > 0 if on.higher_is_better else diff.high < 0)
    )
    decision.distinguishable = bool(favourable and excludes)
    level = f"{100 * decision.confidence:.3g}%"
    if k > 2:
        level += f" (Bonferroni over the {k - 1} comparisons with the best arm)"
    sizes = f"{best.size(on)} and {other.size(on)} clips"
    if diff.value == 0:
        tied = [a.arm for a in measured if _same(on, a, best)]
        detect = _detectable(on, best, other, alpha)
        tail = (
            f"With {sizes} only a difference of about {detect} or more would be detected 80% of "
            "the time at the same level."
            if detect
            else f"With {sizes} not even the largest possible difference would be detected 80% "
            "of the time at the same level."
        )
        decision.sentence = (
            f"{lead} Not distinguishable from noise: {_join(tied)} tie on {on.label}. {tail}"
        )
        return decision
    head = (
        f"{lead} Difference (best − runner-up) {_signed(on, diff.value)}, {level} interval "
        f"{_interval(on, diff)}."
    )
    if decision.distinguishable:
        decision.sentence = (
            f"{head} Distinguishable from noise at this sample size ({sizes}): "
            "the interval excludes 0."
        )
        return decision
    needed = _clips_needed(on, best, other, diff.value, alpha)
    decision.clips_needed = needed
    why = "the interval includes 0" if diff.low is not None else "too few clips for an interval"
    if needed is None:
        few = min(len(best.motions), len(other.motions)) < 2
        plan = (
            "An arm has too few clips to estimate the spread a power calculation needs."
            if few
            else "The clips within each arm do not vary, so no power calculation applies."
        )
    else:
        reps = _replicates(needed, best, other, on, replicates)
        decision.replicates_needed = reps
        method = (
            "Cohen's arcsine formula for two rates"
            if on.kind == "rate"
            else "noncentral-t power of the two-sample t-test"
        )
        plan = (
            f"About {needed} clips per arm (≈{reps} replicates per variant; this run has "
            f"{replicates}) would detect a true difference this large 80% of the time at "
            f"α = {alpha:.3g}, two-sided ({method})."
        )
    decision.sentence = (
        f"{head} Not distinguishable from noise at this sample size ({sizes}): {why}. {plan}"
    ).rstrip()
    return decision


def table(decision: Decision) -> tuple[list[str], list[list[str]]]:
    """The compact arm table in rank order (header, rows), shared by summary.md and the terminal.

    The camera adherence column appears when some arm's prompts ask for a camera move.
    """
    camera = any(a.camera_asked for a in decision.ranking)
    header = ["Rank", "Arm", "Measured", "Motionless rate", "Frozen rate", "Adherence"]
    header += ["Camera adherence"] if camera else []
    rows = []
    for i, a in enumerate(decision.ranking, start=1):
        row = [str(i), a.arm, str(a.measured), fmt.rate_ci(a.motionless_rate), fmt.rate_ci(a.rate)]
        row.append(fmt.rate_ci(a.adherence_rate) if a.asked else fmt.NA)
        if camera:
            row.append(fmt.rate_ci(a.camera_rate) if a.camera_asked else fmt.NA)
        rows.append([*row, fmt.mean_ci(a.motion)])
    return [*header, "Mean motion"], rows


def _guarded(m: Measure, best: ArmOutcome, other: ArmOutcome) -> bool:
    """The motionless guard, not the measure, puts ``best`` above ``other``."""
    if not other.all_motionless or best.all_motionless:
        return False
    b, o = best.estimate(m), other.estimate(m)
    if b is None or o is None:
        return True
    return o.value >= b.value if m.higher_is_better else o.value <= b.value


def _same(m: Measure, a: ArmOutcome, b: ArmOutcome) -> bool:
    x, y = a.estimate(m), b.estimate(m)
    return x is not None and y is not None and x.value == y.value and _group(a, m) == _group(b, m)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _signed(m: Measure, x: float) -> str:
    if m.kind == "rate":
        return f"{100 * x:+.0f} points"
    return f"{x:+.3g}"


def _lead(m: Measure, on: Measure, best: ArmOutcome, other: ArmOutcome, guard: bool) -> str:
    b, o = best.estimate(m), other.estimate(m)
    text = (
        f"Best on {m.label}: {best.arm}, {_value(m, b)}, against {_value(m, o)} for the "
        f"runner-up {other.arm}."
    )
    if guard:
        text += (
            f" {other.arm} did not move in any of its {other.measured} measured clips "
            f"(motionless rate {fmt.pct(1.0)}), so it ranks below every arm that moved; on the "
            f"motionless rate {best.arm} has {_value(on, best.estimate(on))}."
        )
    return text


def _single(m: Measure, arm: ArmOutcome | None, arms: int) -> str:
    if arm is None:
        return "No clip was measured, so there is nothing to rank."
    value = _value(m, arm.estimate(m))
    if arms < 2:
        return (
            f"One arm only (the spec has no arms:): {m.label} {value} over {arm.size(m)} clips; "
            "there is nothing to rank it against."
        )
    return (
        f"Only {arm.arm} has measured clips ({m.label} {value}); the other arms have none to "
        "compare with."
    )
