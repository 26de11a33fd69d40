"""Formatting of estimates and costs, link safety, and lint marks in prompts."""

from __future__ import annotations

from promptkit.report import fmt
from promptkit.report.stats import Estimate
from promptkit.runner.results import LintFinding


def finding(line: int | None, column: int | None, code: str = "PK1") -> LintFinding:
    return LintFinding(
        code=code, name="n", severity="warning", message="m", line=line, column=column
    )


def test_rate_and_difference_formats():
    assert fmt.rate_ci(Estimate(0.25, 0.1, 0.5)) == "25% (10%–50%)"
    assert fmt.diff_ci(Estimate(-0.2, -0.45, 0.05)) == "-20 pts (-45 to +5)"
    assert fmt.rate_ci(None) == fmt.NA


def test_costs_are_exact_dollars_from_ticks():
    assert fmt.usd(4_000_000_000) == "$0.40"
    assert fmt.usd(125_000_000) == "$0.0125"
    assert fmt.usd(0) == "$0.00"
    assert fmt.usd_text("0.4") == "$0.40"
    assert fmt.usd_text("12.00000001") == "$12.00000001"


def test_only_plain_relative_paths_become_links():
    assert fmt.safe_relpath("clips/a-r1.mp4") == "clips/a-r1.mp4"
    for bad in ("javascript:alert(1)", "/etc/passwd", "C:\\x", "data:image/png;base64,x", None):
        assert fmt.safe_relpath(bad) is None


def test_finding_marks_the_word_at_its_line_and_column():
    segs = fmt.prompt_segments("a cat\nsits still here", [finding(2, 6)])
    assert [(s.text, bool(s.findings)) for s in segs] == [
        ("a cat\nsits ", False),
        ("still", True),
        (" here", False),
    ]


def test_findings_without_position_leave_the_prompt_whole():
    segs = fmt.prompt_segments("a cat", [finding(None, None), finding(9, 1)])
    assert [s.text for s in segs] == ["a cat"]


def test_overlapping_findings_share_one_mark():
    segs = fmt.prompt_segments("slow pan", [finding(1, 1, "A"), finding(1, 2, "B")])
    assert [f.code for f in segs[0].findings] == ["A", "B"]
    assert "".join(s.text for s in segs) == "slow pan"
