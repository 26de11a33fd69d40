"""Lint calibration: does a lint rule's finding predict a frozen clip?

For every rule that flagged at least one measured clip, the frozen rate of the clips it flagged
is set against the frozen rate of the measured clips it did not flag, with Wilson intervals, the
difference (Newcombe interval) and a two-sided Fisher exact p-value. Across runs this is the
evidence for which rules are worth their noise. Rules that never fired have no row: there is
nothing to calibrate them on.
"""

from __future__ import annotations

from dataclasses import dataclass

from promptkit.report import stats
from promptkit.report.clips import is_frozen, is_measured
from promptkit.runner.results import ClipRecord


@dataclass
class CalibrationRow:
    code: str
    name: str
    severity: str
    flagged_n: int
    flagged_frozen: int
    flagged_rate: stats.Estimate | None
    other_n: int
    other_frozen: int
    other_rate: stats.Estimate | None
    difference: stats.Estimate | None
    fisher_p: float | None


def lint_calibration(clips: list[ClipRecord]) -> list[CalibrationRow]:
    """One row per lint rule that flagged a measured clip, ordered by rule code."""
    measured = [c for c in clips if is_measured(c)]
    rules: dict[str, tuple[str, str]] = {}
    for clip in measured:
        for finding in clip.lint:
            rules.setdefault(finding.code, (finding.name, finding.severity))
    rows: list[CalibrationRow] = []
    for code in sorted(rules):
        flagged = [c for c in measured if any(f.code == code for f in c.lint)]
        other = [c for c in measured if all(f.code != code for f in c.lint)]
        kf, ko = sum(map(is_frozen, flagged)), sum(map(is_frozen, other))
        rows.append(
            CalibrationRow(
                code=code,
                name=rules[code][0],
                severity=rules[code][1],
                flagged_n=len(flagged),
                flagged_frozen=kf,
                flagged_rate=stats.wilson_interval(kf, len(flagged)),
                other_n=len(other),
                other_frozen=ko,
                other_rate=stats.wilson_interval(ko, len(other)),
                difference=stats.newcombe_difference(kf, len(flagged), ko, len(other)),
                fisher_p=stats.fisher_exact(kf, len(flagged), ko, len(other)),
            )
        )
    return rows
