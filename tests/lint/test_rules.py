"""Every rule: its code and name, its documentation sections, its fixture and snapshot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from promptkit.lint import RULES
from promptkit.lint.registry import BY_NAME, find, resolve
from promptkit.lint.rules.base import SECTIONS, SEVERITIES

from .conftest import FIXTURES, SNAPSHOTS

# The issue's table: names and default severities are a public contract.
EXPECTED = {
    "missing-motion": "error",
    "static-request": "warning",
    "vague-subject": "warning",
    "too-short": "warning",
    "missing-camera": "info",
    "missing-lighting": "info",
    "missing-style": "info",
    "conflicting-camera-moves": "warning",
    "negation": "warning",
    "params-in-prose": "warning",
    "too-long": "warning",
    "filler-words": "info",
    "unrendered-placeholder": "error",
    "dialogue-overload": "warning",
    "scene-overload": "warning",
    "undeclared-variable": "error",
    "unused-variable": "warning",
    "template-default": "warning",
}
RULES_DIR = Path(__file__).parents[2] / "promptkit" / "lint" / "rules"


def test_every_rule_of_the_issue_is_registered_with_its_default_severity() -> None:
    assert {r.name: r.severity for r in RULES.values()} == EXPECTED


def test_codes_are_one_prefix_and_three_digits_and_unique() -> None:
    assert all(re.fullmatch(r"PK\d{3}", code) for code in RULES)
    assert len(BY_NAME) == len(RULES)
    assert all(rule.severity in SEVERITIES for rule in RULES.values())


def test_each_rule_lives_in_its_own_file_named_for_its_pattern() -> None:
    for rule in RULES.values():
        module = type(rule).__module__.rsplit(".", 1)[-1]
        assert module == rule.name.replace("-", "_")
        assert (RULES_DIR / f"{module}.py").is_file()


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_documentation_has_every_section(code: str) -> None:
    rule = RULES[code]
    for heading in SECTIONS:
        assert rule.section(heading), f"{code} {rule.name} lacks '## {heading}'"
    assert re.search(r"\bS\d+\b|DESIGN\.md|STYLE\.md", rule.section("Source"))


def test_rules_are_found_by_code_name_and_prefix() -> None:
    assert find("pk001") is find("missing-motion") is RULES["PK001"]
    assert resolve("PK1") == {"PK101", "PK102", "PK103"}
    assert resolve("ALL") == set(RULES)
    assert resolve("no-such-rule") == set()


def _fixture(code: str) -> Path:
    matches = sorted(FIXTURES.glob(f"{code}.*"))
    assert matches, f"no fixture for {code}"
    return matches[0]


@pytest.mark.parametrize("code", sorted(RULES))
def test_fixture_output_matches_snapshot(code: str, run_cli) -> None:
    fixture = _fixture(code)
    args = ["--select", code, fixture.name]
    if fixture.suffix == ".txt":
        args.insert(0, "--lines")
    result = run_cli("lint", *args, cwd=FIXTURES)
    expected = (SNAPSHOTS / f"{code}.txt").read_text(encoding="utf-8")
    assert result.stdout == expected
    assert result.exit_code == (1 if RULES[code].severity != "info" else 0)
