"""Every bad input in the catalogue gets its exit code and one line, and the doc is current."""

from __future__ import annotations

import pytest

from tests.badinputs.catalogue import CASES, DOC, REGENERATE, Case, Outcome, render, run_all

IDS = [f"{c.area}: {c.what}" for c in CASES]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[Case, Outcome]:
    return dict(run_all(tmp_path_factory.mktemp("badinputs")))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bad_input_gets_its_exit_code_and_exactly_one_line(
    case: Case, outcomes: dict[Case, Outcome]
) -> None:
    outcome = outcomes[case]
    assert outcome.code == case.code, (outcome.stdout, outcome.stderr)
    assert len(outcome.answers(case)) == 1, (outcome.stdout, outcome.stderr)
    assert "Traceback" not in outcome.stdout + outcome.stderr
    if case.stream == "stdout":
        assert outcome.stderr == ""
    else:
        assert outcome.stdout == ""
    if case.usage:
        # click's own block: Usage, Try, and the one Error line; nothing else.
        extra = [line for line in outcome.stderr.splitlines()
                 if line.strip() and not line.startswith(("Usage:", "Try ", "Error:"))]  # fmt: skip
        assert extra == []


def test_catalogue_doc_is_current(outcomes: dict[Case, Outcome]) -> None:
    text = render([(case, outcomes[case]) for case in CASES])
    committed = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    assert committed == text, f"docs/{DOC.name} is stale: run `{REGENERATE}` to regenerate"
