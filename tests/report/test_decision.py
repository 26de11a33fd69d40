"""The decision: ranking on the primary measure, the motionless guard, the interval of the
difference, and the replicates a stated power calculation asks for."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from promptkit.report import stats
from promptkit.report.arms import MEASURES, arm_outcomes
from promptkit.report.decision import decide
from promptkit.runner.adherence import clip_adherence
from promptkit.runner.results import PRIMARY_METRICS, Camera

from . import builders as b

STILL_PROMPT = "A bowl of pears on a table, perfectly still."
MOVING_PROMPT = "A dog runs along the beach while the camera pans left."


def arm_clips(arm: str, verdicts: list[str], motion: float, prompt: str, camera: str) -> list:
    clips = []
    for i, verdict in enumerate(verdicts):
        clips.append(
            b.clip(
                f"{arm}{i:02d}",
                arm=arm,
                verdict=verdict,
                motion=0.0 if verdict == "frozen" else motion * (1 + 0.01 * i),
                prompt=prompt,
                camera=Camera(motion=camera, confidence=0.9),
                adherence=clip_adherence(prompt, verdict, camera),
            )
        )
    return clips


def two_arms(primary: str) -> b.RunResults:
    # "still" never moves (all low-motion, 0% frozen, and it asked for stillness: 100%
    # adherent); "moving" moves but one of its clips froze and one missed its pan.
    still = arm_clips("still", ["low-motion"] * 4, 0.0002, STILL_PROMPT, "static")
    moving = arm_clips("moving", ["ok", "ok", "ok", "frozen"], 0.15, MOVING_PROMPT, "pan_left")
    results = b.run(still + moving, arms=["still", "moving"], arm_by="template")
    results.primary = primary
    return results


def test_every_primary_measure_has_a_definition():
    assert tuple(MEASURES) == PRIMARY_METRICS


@pytest.mark.parametrize("primary", PRIMARY_METRICS)
def test_an_arm_that_never_moved_is_never_ranked_above_one_that_moved(primary):
    decision = decide(two_arms(primary))
    assert [a.arm for a in decision.ranking] == ["moving", "still"]
    assert decision.best.arm == "moving"
    assert decision.sentence.startswith(f"Best on {MEASURES[primary].label}: moving")


def test_when_the_guard_decides_the_sentence_says_so_and_compares_motionless_rates():
    decision = decide(two_arms("frozen-rate"))
    # On the frozen rate alone "still" (0%) would win over "moving" (25%).
    assert decision.decided_on.name == "motionless-rate"
    assert "did not move in any of its 4 measured clips" in decision.sentence
    assert decision.difference == stats.newcombe_difference(1, 4, 4, 4, decision.confidence)


def test_default_primary_ranks_on_the_motionless_rate_and_counts_low_motion():
    results = two_arms("motionless-rate")
    (moving, still) = decide(results).ranking
    assert (still.motionless, still.frozen, still.measured) == (4, 0, 4)
    assert (moving.motionless, moving.frozen) == (1, 1)


def test_a_clear_difference_on_enough_clips_is_distinguishable_from_noise():
    clips = []
    for arm, frozen in (("A", 2), ("B", 18)):
        verdicts = ["frozen"] * frozen + ["ok"] * (20 - frozen)
        clips += arm_clips(arm, verdicts, 0.1, MOVING_PROMPT, "pan_left")
    decision = decide(b.run(clips, arms=["A", "B"], arm_by="template"))
    assert decision.best.arm == "A" and decision.distinguishable is True
    expected = stats.newcombe_difference(2, 20, 18, 20)
    assert decision.difference == expected and expected.high < 0
    assert "Distinguishable from noise at this sample size (20 and 20 clips)" in decision.sentence
    low, high = 100 * expected.low, 100 * expected.high
    assert f"95% interval {low:+.0f} to {high:+.0f} points" in decision.sentence
    assert decision.replicates_needed is None


def test_a_small_sample_says_how_many_replicates_a_stated_power_calculation_needs():
    clips = []
    for arm, frozen in (("A", 1), ("B", 2)):
        verdicts = ["frozen"] * frozen + ["ok"] * (4 - frozen)
        clips += arm_clips(arm, verdicts, 0.1, MOVING_PROMPT, "pan_left")
    results = b.run(clips, arms=["A", "B"], arm_by="template")
    results.spec = {"replicates": 2}
    decision = decide(results)
    assert decision.distinguishable is False
    # Cohen's arcsine formula, written out: n = 2((z_.975 + z_.80) / h)^2 per arm.
    h = abs(2 * math.asin(math.sqrt(0.25)) - 2 * math.asin(math.sqrt(0.5)))
    n = math.ceil(2 * ((sps.norm.ppf(0.975) + sps.norm.ppf(0.8)) / h) ** 2)
    assert decision.clips_needed == n
    # 4 measured clips per arm from 2 replicates: 2 clips per replicate.
    assert decision.replicates_needed == math.ceil(n / 2)
    assert "Not distinguishable from noise at this sample size (4 and 4 clips)" in decision.sentence
    assert f"About {n} clips per arm (≈{math.ceil(n / 2)} replicates per variant" in (
        decision.sentence
    )
    assert "Cohen's arcsine formula for two rates" in decision.sentence


def test_more_than_two_arms_widen_the_interval_by_bonferroni():
    clips = []
    for arm, frozen in (("A", 1), ("B", 5), ("C", 9)):
        verdicts = ["frozen"] * frozen + ["ok"] * (10 - frozen)
        clips += arm_clips(arm, verdicts, 0.1, MOVING_PROMPT, "pan_left")
    decision = decide(b.run(clips, arms=["A", "B", "C"], arm_by="template"))
    assert decision.confidence == pytest.approx(1 - 0.05 / 2)
    assert decision.difference == stats.newcombe_difference(1, 10, 5, 10, 1 - 0.05 / 2)
    assert "97.5% (Bonferroni over the 2 comparisons with the best arm)" in decision.sentence


def test_tied_arms_are_named_and_the_detectable_difference_given():
    clips = []
    for arm in ("A", "B"):
        clips += arm_clips(arm, ["ok"] * 3, 0.1, MOVING_PROMPT, "pan_left")
    decision = decide(b.run(clips, arms=["A", "B"], arm_by="template"))
    assert decision.distinguishable is False
    assert "A and B tie on motionless rate" in decision.sentence
    assert "only a difference of about" in decision.sentence


def test_mean_motion_as_primary_uses_the_bootstrap_difference_and_t_test_power():
    clips = arm_clips("A", ["ok"] * 3, 0.10, MOVING_PROMPT, "pan_left")
    clips += arm_clips("B", ["ok"] * 3, 0.11, MOVING_PROMPT, "pan_left")
    results = b.run(clips, arms=["A", "B"], arm_by="template")
    results.primary = "motion"
    decision = decide(results)
    assert decision.best.arm == "B"
    a, bm = decision.ranking[1].motions, decision.ranking[0].motions
    assert decision.difference == stats.bootstrap_mean_difference(bm, a, 0, 0.95)
    if not decision.distinguishable:
        d = (sum(bm) / 3 - sum(a) / 3) / stats.pooled_sd(bm, a)
        assert decision.clips_needed == stats.n_for_means(d)
        assert "noncentral-t power of the two-sample t-test" in decision.sentence


def test_a_run_without_arms_has_nothing_to_rank():
    results = b.run(arm_clips("x", ["ok", "low-motion"], 0.1, MOVING_PROMPT, "pan_left"))
    for clip in results.clips:
        clip.arm = None
    decision = decide(results)
    assert not decision.ranked
    assert decision.sentence.startswith("One arm only")
    assert [a.arm for a in arm_outcomes(results)] == ["all clips"]


def test_one_clip_per_arm_gives_no_motion_interval_and_says_why():
    clips = arm_clips("A", ["ok"], 0.10, MOVING_PROMPT, "pan_left")
    clips += arm_clips("B", ["ok"], 0.12, MOVING_PROMPT, "pan_left")
    results = b.run(clips, arms=["A", "B"], arm_by="template")
    results.primary = "motion"
    decision = decide(results)
    assert decision.best.arm == "B" and decision.distinguishable is False
    assert decision.difference.low is None and decision.clips_needed is None
    assert "too few clips for an interval" in decision.sentence
    assert "too few clips to estimate the spread" in decision.sentence
