"""What every number of a report means: one definition per term, written once.

The page prints the whole glossary once at its foot (``#def-<key>`` anchors) and points to it
from column headers, whose hover text is the short form; summary.md quotes the two rate
definitions a pull-request reader needs. Wording lives here only, so the page, the Markdown and
the docs cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from promptkit.report.decision import Decision
from promptkit.report.stats import ALPHA, G_READABLE, POWER


@dataclass(frozen=True)
class Term:
    key: str
    term: str
    short: str
    full: str


TERMS: tuple[Term, ...] = (
    Term(
        "measured",
        "Measured clip",
        "a clip the scorer gave a readable verdict",
        "A clip whose verdict is frozen, partial-freeze, low-motion or ok. Failed, moderated "
        "and unreadable clips count in the job totals but in no rate.",
    ),
    Term(
        "frozen",
        "Frozen rate",
        "frozen or partial-freeze clips / measured clips",
        "Share of measured clips judged frozen or partial-freeze: a stretch of stillness a "
        "viewer would see.",
    ),
    Term(
        "motionless",
        "Motionless rate",
        "frozen, partial-freeze or low-motion clips / measured clips",
        "Share of measured clips judged frozen, partial-freeze or low-motion: every clip that "
        "failed to deliver motion. It is the frozen rate plus the low-motion clips, so a prompt "
        "whose clips barely move cannot hide behind a frozen rate of 0%.",
    ),
    Term(
        "adherence",
        "Adherence rate",
        "clips that did all their prompt asked / clips whose prompt asked something checkable",
        "A clip adheres when every checkable request of its prompt was met: the camera move "
        "asked for matches the measured one, motion asked for was delivered (not frozen, "
        "partial-freeze or low-motion), stillness asked for was delivered (frozen or "
        "low-motion). Clips whose prompt asks for none of these are left out. Camera adherence "
        "counts only the camera request.",
    ),
    Term(
        "motion",
        "Motion",
        "the scorer's headline motion, in short sides per second",
        "The scorer's headline motion: mean optical-flow displacement per second as a fraction "
        "of the frame's short side (0.1 = a tenth of the frame height each second in a "
        "landscape clip). Motion curves plot the same quantity per flow pair, all on one scale "
        "for the whole run; the dashed line is the clip's headline value.",
    ),
    Term(
        "wilson",
        "Wilson interval",
        "95% score interval of a proportion",
        "The Wilson score interval of a proportion (95%): it stays inside 0–100% and keeps "
        "its coverage at small samples and at rates near 0 or 100%.",
    ),
    Term(
        "bootstrap",
        "Bootstrap interval",
        "95% seeded bootstrap interval (BCa) of a mean or difference of means",
        "A seeded bias-corrected and accelerated (BCa) bootstrap interval, 2,000 resamples, "
        "each arm resampled on its own; re-rendering the report gives the same interval.",
    ),
    Term(
        "newcombe",
        "Newcombe interval",
        "interval of a difference of two proportions",
        "Newcombe's hybrid score interval (1998, method 10) of the difference of two "
        "proportions, built from the two Wilson intervals.",
    ),
    Term(
        "permutation",
        "Permutation p",
        "two-sided permutation-test p-value of a difference in means",
        "Two-sided p-value of a permutation test of the difference in means (exact when the "
        "number of splits is small, else 9,999 seeded resamples). Rates are tested as means of "
        "0/1 outcomes. With very few clips no outcome can reach p < 0.05; the notes say when.",
    ),
    Term(
        "holm",
        "Holm adjustment",
        "p-values adjusted for many comparisons",
        "With more than two arms every pair is compared and each family of p-values is "
        "adjusted by Holm's step-down method, which bounds the chance of any false positive at "
        "5%.",
    ),
    Term(
        "h",
        "Cohen's h",
        "effect size of a difference of two rates",
        "2·asin√p₁ − 2·asin√p₂: the difference of two rates on a scale where equal steps are "
        "equally easy to detect (0.2 small, 0.5 medium, 0.8 large).",
    ),
    Term(
        "g",
        "Hedges' g",
        f"standardised mean difference (pooled SD); shown as > {G_READABLE:g} beyond that",
        "Difference in mean motion over the pooled within-arm standard deviation, times the "
        "small-sample correction J = 1 − 3/(4(n₁+n₂) − 9). Guarded: not shown with fewer than "
        "two clips in an arm or no spread at all, and printed as "
        f"'> {G_READABLE:g}' (or '< −{G_READABLE:g}') beyond that size, where the arms barely "
        "overlap and the exact figure only reflects how little each arm varies.",
    ),
    Term(
        "delta",
        "Cliff's delta",
        "P(later arm moves more) − P(earlier arm moves more)",
        "Over every pair of one clip from each arm: the share where the later arm's clip moves "
        "more minus the share where it moves less. Bounded in −1…1 and rank-based, so it reads "
        "the same whatever the spread within the arms (±1: no overlap at all).",
    ),
    Term(
        "mcnemar",
        "McNemar exact p",
        "paired test on frozen clips",
        "For clips that pair across arms (same inputs apart from the arm, same replicate): the "
        "exact binomial test of the pairs where only one of the two froze.",
    ),
    Term(
        "mde",
        "Minimum detectable difference",
        f"smallest difference detected {POWER:.0%} of the time",
        f"The smallest true difference a two-sided test at α = {ALPHA:g} detects with "
        f"{POWER:.0%} power at these sample sizes (normal approximation on Cohen's h for rates, "
        "noncentral t for motion).",
    ),
)
BY_KEY = {t.key: t for t in TERMS}


def decision_method(decision: Decision) -> str:
    """How the decision sentence was reached, in one paragraph (printed under it)."""
    m = decision.measure
    return (
        f"Arms are ranked on the spec's primary measure, {m.label} ({m.definition}; "
        f"{'higher' if m.higher_is_better else 'lower'} is better), ties broken by the "
        "motionless rate and then mean motion; an arm none of whose clips moved ranks below "
        "every arm that has a moving clip. The best arm is compared with the runner-up: "
        "Newcombe interval for rates, bootstrap interval for mean motion, at 95% with two arms "
        "and at 1 − 0.05/(k − 1) with k arms (Bonferroni over the best arm's comparisons). "
        "'Distinguishable from noise' means that interval excludes 0. Replicates needed: clips "
        f"per arm for {POWER:.0%} power at the same level (Cohen's arcsine formula for rates, "
        "noncentral-t power for motion) if the true difference were as large as observed, "
        "scaled by this run's measured clips per replicate."
    )
