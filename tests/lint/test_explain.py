"""``promptkit explain``: the linter's reading of a prompt, as text and as JSON."""

from __future__ import annotations

import json

from promptkit.lint.explain import explain


def test_explain_shows_why_nothing_moves(run_cli) -> None:
    result = run_cli("explain", "A woman sitting on a bench, aerial view.")
    assert result.exit_code == 0
    out = result.stdout
    assert "subject: woman" in out
    assert "[still] sitting (verb, posture)" in out
    assert "framing aerial view" in out
    assert "PK001 missing-motion (error)" in out


def test_explain_json_has_every_part_of_the_reading(run_cli) -> None:
    result = run_cli(
        "explain", "--format", "json", "A young fox trots through snow with no hunters, pan left."
    )
    data = json.loads(result.stdout)
    assert {
        "prompt",
        "words",
        "subject",
        "details",
        "actions",
        "moves",
        "camera",
        "lighting",
        "style",
        "negations",
        "time_cues",
        "stillness",
        "diagnostics",
    } <= set(data)
    assert data["subject"] == "fox" and data["moves"] is True
    assert {"words": "trots", "kind": "verb", "lemma": "trot", "class": "motion"}.items() <= (
        data["actions"][0].items()
    )
    assert data["camera"]["moves"] == ["pan left"]
    assert data["negations"][0]["instruction"] is True
    assert [w["tag"] for w in data["words"][:3]] == ["DT", "JJ", "NN"]


def test_explain_reads_standard_input(run_cli) -> None:
    result = run_cli("explain", "-", stdin="Time-lapse of clouds over a city\n")
    assert result.exit_code == 0 and "time cues: Time-lapse" in result.stdout


def test_empty_prompt_is_a_usage_error(run_cli) -> None:
    result = run_cli("explain", "  ")
    assert result.exit_code == 2 and result.stderr.startswith("error: nothing to explain")


def test_explain_lists_the_same_findings_as_lint() -> None:
    from promptkit.lint import lint_prompt

    text = "A coffee mug on a table."
    assert [d["code"] for d in explain(text)["diagnostics"]] == [d.code for d in lint_prompt(text)]
