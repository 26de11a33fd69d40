"""End-to-end evals on the simulator: the CLI, the ledger and the journal must agree."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from promptkit.cli import main
from promptkit.runner.results import load_results
from promptkit.sim import SimServer
from tests.runner.conftest import ledger_by_user, run_eval


def _run_dir(out: Path) -> Path:
    (run,) = [p for p in out.iterdir() if p.is_dir()]
    return run


def _journal(run: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(run / "journal.sqlite")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_quickstart_finishes_and_prints_the_report_path(
    repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(repo_root)
    code = run_eval(["evals/quickstart.yaml", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    (line,) = [x for x in out.splitlines() if x.startswith("report: ")]
    report = Path(line.removeprefix("report: "))
    assert report.is_file() and report.parent.parent == tmp_path
    results = load_results(report.parent)
    assert results.summary.by_status == {"scored": 8}
    assert results.arms == ["nature_documentary", "vague_baseline"]


def test_every_paid_job_is_in_the_journal_once_with_the_ledger_cost(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer
) -> None:
    out = tmp_path / "reports"
    assert run_eval([str(write_spec()), "--out", str(out), "--sim-url", sim.base_url]) == 0
    run = _run_dir(out)
    results = load_results(run)
    by_user = ledger_by_user(sim)
    assert sorted(by_user) == sorted(f"{run.name}/{c.job_id}" for c in results.clips)
    assert all(len(entries) == 1 for entries in by_user.values())
    ledger_cost = sum(int(e["cost_ticks"]) for e in sim.ledger_entries())
    assert results.summary.cost_ticks == ledger_cost == 8 * 500_000_000
    for clip in results.clips:
        assert clip.status == "scored" and clip.verdict is not None
        assert clip.request_id == by_user[f"{run.name}/{clip.job_id}"][0]["request_id"]
        assert clip.file == f"clips/{clip.job_id}.mp4" and (run / clip.file).is_file()
        assert clip.artifacts.contact_sheet and (run / clip.artifacts.contact_sheet).is_file()


def test_dry_run_submits_nothing_and_writes_no_run(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "reports"
    code = run_eval([str(write_spec()), "--dry-run", "--out", str(out), "--sim-url", sim.base_url])
    err = capsys.readouterr().err
    assert code == 0
    assert "to generate: 8 clips, 8 clip-seconds, estimated cost $0.40" in err
    assert sim.ledger_entries() == [] and not out.exists()


def test_plan_over_budget_is_refused_with_exit_3_before_any_submit(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    spec = write_spec(budget_usd=0.35)
    code = run_eval([str(spec), "--out", str(tmp_path / "r"), "--sim-url", sim.base_url])
    err = capsys.readouterr().err
    assert code == 3
    assert "error: the plan costs $0.40, over the budget of $0.35" in err
    assert sim.ledger_entries() == []


def test_max_cost_flag_replaces_the_spec_budget(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer
) -> None:
    spec = write_spec(budget_usd=100)
    args = [str(spec), "--max-cost", "0.10", "--out", str(tmp_path / "r")]
    assert run_eval([*args, "--sim-url", sim.base_url]) == 3
    assert sim.ledger_entries() == []


def test_real_provider_without_yes_is_refused_when_nobody_can_confirm(
    write_spec: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    code = run_eval([str(write_spec()), "--provider", "xai", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 3
    assert "needs confirmation: pass --yes" in err
    assert not (tmp_path / "r").exists()


def test_fail_on_condition_that_holds_exits_1(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    spec = write_spec(replicates=1)
    args = [str(spec), "--out", str(tmp_path / "r"), "--sim-url", sim.base_url]
    assert run_eval([*args, "--fail-on", "error-rate>0.5", "--run-id", "a"]) == 0
    code = run_eval([*args, "--fail-on", "error-rate<=0", "--run-id", "b"])
    assert code == 1
    assert "fail-on: error-rate = 0 <= 0" in capsys.readouterr().err


def test_unknown_fail_on_measure_is_a_usage_error(
    write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_eval([str(write_spec()), "--fail-on", "blur>1"]) == 2
    assert "unknown measure 'blur'" in capsys.readouterr().err


def test_spec_error_exits_2_with_one_line(
    write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(replicates=0)
    assert run_eval([str(spec), "--dry-run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {spec}:{_line(spec, 'replicates')}: replicates: must be ≥ 1"]


def _line(path: Path, key: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if text.startswith(f"{key}:"))


def test_credits_exhausted_stops_submits_and_ends_cleanly(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    sim.configure(credits_exhausted=True)
    out = tmp_path / "r"
    # Nothing lost, but nothing done either: the run is incomplete, and says how to go on.
    assert run_eval([str(write_spec()), "--out", str(out), "--sim-url", sim.base_url]) == 4
    err = capsys.readouterr().err
    assert "no new submits: credits exhausted" in err
    assert "run incomplete: continue with `promptkit eval --resume" in err
    results = load_results(_run_dir(out))
    assert {c.status for c in results.clips} == {"planned"}
    assert all(c.error and c.error.startswith("not submitted") for c in results.clips)
    assert sim.ledger_entries() == []


def test_uncertain_submits_are_only_resent_when_asked(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer
) -> None:
    sim.configure(drop_rate=1.0, drop_mode="after")
    out = tmp_path / "r"
    spec = write_spec(replicates=1, templates=["vague_baseline"])
    assert run_eval([str(spec), "--out", str(out), "--sim-url", sim.base_url, "--run-id", "u"]) == 4
    run = out / "u"
    assert {c.status for c in load_results(run).clips} == {"uncertain"}
    assert load_runs_status(out, "u") == "incomplete"
    accepted = len(sim.ledger_entries())
    assert accepted == 2  # the simulator accepted (and will bill) both

    sim.configure(drop_rate=0.0)
    assert run_eval(["--resume", str(run), "--sim-url", sim.base_url]) == 4
    assert len(sim.ledger_entries()) == accepted
    assert {c.status for c in load_results(run).clips} == {"uncertain"}

    assert run_eval(["--resume", str(run), "--sim-url", sim.base_url, "--resubmit-uncertain"]) == 0
    results = load_results(run)
    assert {c.status for c in results.clips} == {"scored"}
    assert all(len(e) == 2 for e in ledger_by_user(sim).values())
    assert results.summary.resumes == 2


def test_uncertain_submits_make_the_run_incomplete_until_skipped(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    sim.configure(drop_rate=1.0, drop_mode="after")
    out = tmp_path / "r"
    spec = write_spec(replicates=1, templates=["vague_baseline"])
    assert run_eval([str(spec), "--out", str(out), "--sim-url", sim.base_url, "--run-id", "s"]) == 4
    err = capsys.readouterr().err
    assert "run incomplete: 2 submits are uncertain" in err
    assert "--resubmit-uncertain" in err and "--skip-uncertain" in err
    assert "'s/<job_id>'" in err

    sim.configure(drop_rate=0.0)
    assert (
        run_eval(["--resume", str(out / "s"), "--sim-url", sim.base_url, "--skip-uncertain"]) == 0
    )
    results = load_results(out / "s")
    assert {c.status for c in results.clips} == {"skipped"}
    assert all("--skip-uncertain" in str(c.error) for c in results.clips)
    assert len(sim.ledger_entries()) == 2  # given up, never sent again
    assert load_runs_status(out, "s") == "complete"


def load_runs_status(out: Path, run_id: str) -> str:
    from promptkit.runner.layout import list_runs

    return next(r.status for r in list_runs(out) if r.run_id == run_id)


def test_resume_fetches_missing_and_corrupt_clips_without_resubmitting(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer
) -> None:
    out = tmp_path / "r"
    spec = write_spec(replicates=1)
    assert run_eval([str(spec), "--out", str(out), "--sim-url", sim.base_url, "--run-id", "c"]) == 0
    run = out / "c"
    clips = load_results(run).clips
    (run / str(clips[0].file)).unlink()
    (run / str(clips[1].file)).write_bytes(b"\x00\x00\x00\x18ftypisom broken")
    accepted = len(sim.ledger_entries())

    # Re-running the same spec with the same --run-id continues the run.
    assert run_eval([str(spec), "--out", str(out), "--sim-url", sim.base_url, "--run-id", "c"]) == 0
    after = load_results(run).clips
    assert len(sim.ledger_entries()) == accepted
    assert [c.sha256 for c in after] == [c.sha256 for c in clips]
    assert {c.status for c in after} == {"scored"}
    events = _journal(run, "SELECT job_id FROM events WHERE kind='clip-missing'")
    assert sorted(e[0] for e in events) == sorted([clips[0].job_id, clips[1].job_id])


def test_same_run_id_with_a_different_spec_is_refused(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "r"
    args = ["--out", str(out), "--sim-url", sim.base_url, "--run-id", "same"]
    assert run_eval([str(write_spec(replicates=1, templates=["vague_baseline"])), *args]) == 0
    assert run_eval([str(write_spec(replicates=2, templates=["vague_baseline"])), *args]) == 2
    assert "was made from a different spec" in capsys.readouterr().err


def test_runs_lists_status_counts_and_spend(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "r"
    spec = write_spec(replicates=1, templates=["vague_baseline"])
    args = [str(spec), "--out", str(out), "--sim-url", sim.base_url, "--run-id", "one"]
    assert run_eval(args) == 0
    capsys.readouterr()
    main(["runs", "--out", str(out)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["RUN", "STATUS", "PROVIDER", "JOBS", "SPENT", "STATES"]
    assert lines[1].split() == ["one", "complete", "sim", "2", "$0.10", "2", "scored"]


def test_rescore_rejudges_stored_clips_without_generating(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "r"
    spec = write_spec(replicates=1)
    assert run_eval([str(spec), "--out", str(out), "--sim-url", sim.base_url, "--run-id", "s"]) == 0
    accepted = len(sim.ledger_entries())
    capsys.readouterr()
    # Everything counts as low motion under an absurd threshold.
    main(["rescore", str(out / "s"), "-t", "low_motion=1000", "-t", "frozen_fraction=1"])
    assert "re-scored 4 clips" in capsys.readouterr().err
    results = load_results(out / "s")
    assert len(sim.ledger_entries()) == accepted
    assert {c.verdict for c in results.clips} <= {"low-motion", "frozen", "partial-freeze"}
    meta = dict(_journal(out / "s", "SELECT key, value FROM meta"))
    assert json.loads(meta["thresholds"])["low_motion"] == 1000


def test_resume_continues_the_journal_plan_even_if_templates_are_gone(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer, repo_root: Path
) -> None:
    template = tmp_path / "mine.j2"
    template.write_text((repo_root / "templates" / "vague_baseline.j2").read_text())
    spec = write_spec(templates=[str(template)], replicates=1, arms=None)
    out = tmp_path / "r"
    sim.configure(credits_exhausted=True)
    assert run_eval([str(spec), "--out", str(out), "--sim-url", sim.base_url, "--run-id", "g"]) == 4
    assert {c.status for c in load_results(out / "g").clips} == {"planned"}

    template.unlink()
    sim.configure(credits_exhausted=False)
    assert run_eval(["--resume", "g", "--out", str(out), "--sim-url", sim.base_url]) == 0
    results = load_results(out / "g")
    assert {c.status for c in results.clips} == {"scored"}
    assert {c.template for c in results.clips} == {"mine"}


def test_variants_stopped_by_the_lint_gate_are_recorded_as_skipped(
    write_spec: Callable[..., Path], tmp_path: Path, sim: SimServer
) -> None:
    out = tmp_path / "r"
    spec = write_spec(lint="error", replicates=1)
    assert run_eval([str(spec), "--out", str(out), "--sim-url", sim.base_url, "--run-id", "l"]) == 0
    results = load_results(out / "l")
    skipped = [c for c in results.clips if c.status == "skipped"]
    assert {c.template for c in skipped} == {"vague_baseline"} and len(skipped) == 2
    assert all(c.error and c.error.startswith("lint gate (error)") and c.lint for c in skipped)
    assert len(sim.ledger_entries()) == 2
    assert results.summary.by_status == {"scored": 2, "skipped": 2}


@pytest.mark.parametrize(
    ("sim", "key"), [({"speed": -1}, "speed"), ({"speed": 4, "latency": 1}, "latency")]
)
def test_bad_sim_setting_exits_2_with_one_line_before_any_run_folder(
    write_spec: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    sim: dict[str, Any], key: str,
) -> None:  # fmt: skip
    spec = write_spec(sim=sim)
    out = tmp_path / "reports"
    assert run_eval([str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"error: {spec}:") and f": sim.{key}: " in err[0]
    assert not out.exists()


def test_spec_that_is_not_utf8_is_a_one_line_error_before_any_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "latin1.yaml"
    spec.write_bytes("version: 1\nname: café\n".encode("latin-1"))
    out = tmp_path / "r"
    assert run_eval([str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {spec}: cannot read: ") and err.count("\n") == 1
    assert not out.exists()
