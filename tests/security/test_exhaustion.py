"""Inputs built to exhaust the machine get one line, in seconds, with bounded memory.

Each attack runs as ``promptkit ...`` in a subprocess (see ``bounded.py``) and must answer with
exactly one ``error:`` line and its exit code, within 5 s and 200 MB of the peak memory of a
harmless command of the same kind. Before the limits existed these took minutes and gigabytes
(a 600-byte alias bomb: ~6 GB; 5 variables × 10 values × 1,000 replicates: a MemoryError), or
never ended (nested ``range`` loops).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.badinputs.catalogue import MANY_JOBS, alias_bomb
from tests.security.bounded import Baseline, Bounded, assert_bounded, run_bounded

FRONT = "{#---\ndescription: x\nvariables:\n  subject: {description: who, default: a fox}\n---#}\n"
# A prompt that lints clean, so the harmless baselines exit 0 whatever rules are selected.
OK_PROMPT = (
    "A red fox with a frost-tipped coat pads across fresh snow, the camera pans left. "
    "Soft golden-hour backlight, 16mm film look."
)
OK_SPEC = f"version: 1\nname: ok\nprompts: ['{OK_PROMPT}']\nlint: 'off'\n"


SPECS: dict[str, tuple[str, str]] = {
    # name: (spec text, words the one error line must contain)
    "alias bomb": (OK_SPEC + alias_bomb(), "aliases expand to more than 100000 values"),
    "recursive alias": (OK_SPEC + "x: &x [*x]\n", "an alias refers to a mapping or list"),
    "deep nesting": (OK_SPEC + "x: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 64"),
    "too many jobs": (MANY_JOBS, "over the limit of 10000 jobs per run"),
    "budget of 1e999999": (OK_SPEC + "budget_usd: 1e999999\n", "at most 1,000,000"),
    "poll interval of 1e308": (OK_SPEC + "polling: {interval: 1e308}\n", "at most 300"),
    "huge spec file": (OK_SPEC + "description: '" + "x" * 2_000_000 + "'\n", "over the 1024 KiB"),
}

TEMPLATES: dict[str, tuple[str | None, str]] = {
    "recursive macro": ("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "calls nest more"),
    "nested range loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "loops ran more than 100000 iterations",
    ),
    "loops over a stored list": (
        "{% set r = range(100000)|list %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}",
        "loops ran more than",
    ),
    "string multiplication": ("{{ 'x' * 10**10 }}", "over the limit of 100000"),
    "doubling by concatenation": (
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s }}",
        "over the limit of 100000",
    ),
    "doubling a list in place": (
        "{% set l = [1] %}{% for i in range(64) %}{{ l.extend(l) }}{% endfor %}",
        "over the limit of 100000",
    ),
    "format width": ("{{ '{:>1000000000}'.format(subject) }}", "format width 1000000000"),
    "percent width": ("{{ '%1000000000s' % subject }}", "format width 1000000000"),
    "center filter": ("{{ subject|center(1000000000) }}", "over the limit of 100000"),
    "huge power": ("{{ 10 ** 100000000 }}", "more than 100000 bits"),
    "self include": ('{% include "bomb.j2" %}', "recursion too deep"),
    "front-matter alias bomb": (None, "aliases expand to more than 100000 values"),
}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Nested in a folder of its own, so "nothing written outside it" can look one level up
    # without seeing other tests' files come and go.
    root = tmp_path_factory.mktemp("exhaustion") / "work"
    root.mkdir()
    (root / "ok.yaml").write_text(OK_SPEC, encoding="utf-8")
    (root / "ok.j2").write_text(
        FRONT.replace("default: a fox", "default: a red fox with a frost-tipped coat")
        + "Across fresh snow, {{ subject }} pads toward the trees, the camera pans left. "
        "Soft golden-hour backlight, 16mm film look.\n"
    )
    return root


@pytest.fixture(scope="module")
def baseline(work: Path) -> dict[str, Baseline]:
    """A harmless command of each kind: what the attacks are compared with."""
    return {
        "eval": Baseline(["eval", "ok.yaml", "--dry-run"], work),
        "lint": Baseline(["lint", "ok.yaml", "ok.j2"], work),
        "render": Baseline(["render", "ok.j2"], work),
    }


@pytest.mark.parametrize("name", sorted(SPECS))
def test_spec_attack_is_one_line_in_bounded_time_and_memory(
    name: str, work: Path, baseline: dict[str, Baseline]
) -> None:
    text, words = SPECS[name]
    spec = work / f"{name.replace(' ', '_')}.yaml"
    spec.write_text(text, encoding="utf-8")
    attack = run_bounded(["eval", spec.name, "--dry-run"], work)
    assert attack.code == 2
    assert words in attack.one_error()
    assert_bounded(attack, baseline["eval"])


@pytest.mark.parametrize("name", ["alias bomb", "too many jobs"])
def test_lint_of_a_spec_attack_is_one_line_in_bounded_time_and_memory(
    name: str, work: Path, baseline: dict[str, Baseline]
) -> None:
    text, words = SPECS[name]
    spec = work / f"lint_{name.replace(' ', '_')}.yaml"
    spec.write_text(text, encoding="utf-8")
    attack = run_bounded(["lint", spec.name], work)
    assert attack.code == 2
    assert words in attack.one_error()
    assert_bounded(attack, baseline["lint"])


@pytest.mark.parametrize("name", sorted(TEMPLATES))
@pytest.mark.parametrize("command", ["render", "lint"])
def test_template_attack_is_one_line_in_bounded_time_and_memory(
    name: str, command: str, work: Path, baseline: dict[str, Baseline]
) -> None:
    body, words = TEMPLATES[name]
    folder = work / f"{command}_{name.replace(' ', '_')}"
    folder.mkdir()
    if body is None:  # the bomb is in the front matter
        source = (
            "{#---\ndescription: x\nbomb:\n"
            + "".join(f"  {line}\n" for line in alias_bomb().splitlines())
            + "---#}\nA fox runs.\n"
        )
    else:
        source = FRONT + "A {{ subject }} runs. " + body + "\n"
    (folder / "bomb.j2").write_text(source, encoding="utf-8")
    attack = run_bounded([command, "bomb.j2"], folder)
    line = attack.one_error() if command == "render" else _lint_answer(attack)
    assert words in line, line
    assert "bomb.j2" in line
    assert_bounded(attack, baseline[command])


def _lint_answer(attack: Bounded) -> str:
    """Lint reports a template that cannot render as one error line or one finding line."""
    assert attack.code in (1, 2), attack.stderr
    assert "Traceback" not in attack.stdout + attack.stderr
    lines = attack.error_lines() or [
        line for line in attack.stdout.splitlines() if "bomb.j2" in line
    ]
    assert len(lines) == 1, attack.stdout + attack.stderr
    return lines[0]


def test_max_cost_of_1e999999_is_one_line(work: Path, baseline: dict[str, Baseline]) -> None:
    attack = run_bounded(["eval", "ok.yaml", "--dry-run", "--max-cost", "1e999999"], work)
    assert attack.code == 2
    assert "expected an amount in USD of at most 1,000,000" in attack.one_error()
    assert_bounded(attack, baseline["eval"])


@pytest.mark.parametrize("run_id", ["..", "../escape", "/tmp/escape", "a/b", ".hidden", ""])
def test_run_id_that_is_a_path_is_refused_and_writes_nothing(
    run_id: str, work: Path, baseline: dict[str, Baseline]
) -> None:
    before = sorted(p for p in work.parent.rglob("*"))
    attack = run_bounded(["eval", "ok.yaml", "--run-id", run_id, "--out", "reports"], work)
    assert attack.code == 2
    assert "--run-id" in attack.one_error() and "it names a folder under --out" in attack.stderr
    assert sorted(p for p in work.parent.rglob("*")) == before
    assert not Path("/tmp/escape").exists()
    assert_bounded(attack, baseline["eval"])


def _healthy_run(work: Path, name: str) -> Path:
    """A run folder with a planned journal, made through the runner's own API (no provider)."""
    from promptkit.runner.journal import Journal
    from promptkit.runner.layout import RunLayout
    from promptkit.runner.preflight import build_plan
    from promptkit.runner.spec import load_spec

    spec_path = work / "ok.yaml"
    layout = RunLayout(work / "reports" / name).create()
    layout.spec.write_text(spec_path.read_text())
    plan = build_plan(load_spec(spec_path), spec_path)
    with Journal.open(layout.journal) as journal:
        journal.set_meta({"run_id": name, "provider": "sim", "status": "open"})
        journal.add_jobs((pj.job, pj.lint, "planned", None) for pj in plan.jobs)
    return layout.root


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xffnot a database at all\n" * 100)


def _unknown_state(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE jobs SET state = 'bogus'")


def _bad_variant(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE jobs SET variant_json = '{\"variant_id\": 3'")


CORRUPTIONS = {
    "truncated": (_truncate, "the run journal is damaged"),
    "garbage": (_garbage, "the run journal is damaged"),
    "unknown state": (_unknown_state, "unknown state 'bogus'"),
    "unparsable job": (_bad_variant, "the run journal is damaged"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_resuming_a_corrupt_journal_is_one_line(
    name: str, work: Path, baseline: dict[str, Baseline]
) -> None:
    damage, words = CORRUPTIONS[name]
    run = _healthy_run(work, f"corrupt-{name.replace(' ', '-')}")
    for extra in run.glob("journal.sqlite-*"):
        extra.unlink()  # the WAL was checkpointed on close; the damage is in the main file
    damage(run / "journal.sqlite")
    attack = run_bounded(["eval", "--resume", str(run), "--out", "reports"], work)
    assert attack.code == 2
    assert words in attack.one_error()
    assert_bounded(attack, baseline["eval"])


def test_non_numeric_cost_in_an_edited_results_file_is_one_line(
    work: Path, baseline: dict[str, Baseline]
) -> None:
    run = work / "reports" / "edited"
    run.mkdir(parents=True)
    data = {
        "schema_version": 1, "run_id": "edited", "created_at": "", "spec_path": "x.yaml",
        "provider": "sim", "model": "grok-imagine-video",
        "summary": {"cost_ticks": 0, "cost_usd": "lots"}, "clips": [],
    }  # fmt: skip
    (run / "results.json").write_text(json.dumps(data))
    attack = run_bounded(["report", str(run)], work)
    assert attack.code == 2
    assert "summary.cost_usd: 'lots' is not an amount in USD" in attack.one_error()
    assert_bounded(attack, baseline["eval"])
