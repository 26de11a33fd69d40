"""Write a run's report files next to its ``results.json``: index.html, summary.md, results.csv.

:func:`write_report` is what ``promptkit eval`` calls at the end of a run and what
``promptkit report RUN`` calls to re-render an old one. It reads only ``results.json`` (through the
versioned reader) and the scorer's artifacts it names, so the same run always renders the same
page. Each file is written to a temporary name and renamed, so a reader never sees half a page;
the page is streamed to its file as it is rendered, a card at a time.
"""

from __future__ import annotations

from pathlib import Path

from promptkit.errors import InputError
from promptkit.report import ab as ab_mod
from promptkit.report.arms import arm_outcomes
from promptkit.report.calibration import lint_calibration
from promptkit.report.clips import group_variants
from promptkit.report.confusion import camera_confusion
from promptkit.report.csvout import render_csv
from promptkit.report.decision import decide
from promptkit.report.html import render_index
from promptkit.report.markdown import render_summary
from promptkit.report.reader import read_results
from promptkit.runner.results import write_text_atomic

INDEX = "index.html"
SUMMARY = "summary.md"
CSV = "results.csv"


def write_report(run_dir: Path, seed: int = 0, base_url: str | None = None) -> Path:
    """Render ``index.html``, ``summary.md`` and ``results.csv`` of a run; return the index path.

    ``seed`` fixes the bootstrap and permutation resampling, so re-rendering is reproducible.
    ``base_url`` is where the run folder will be published: summary.md then links its pictures
    and the page there (without it, summary.md links no file).
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise InputError(f"{run_dir}: not a run folder")
    results = read_results(run_dir)
    variants = group_variants(results)
    analysis = ab_mod.analyse(results, seed=seed)
    calibration = lint_calibration(results.clips)
    outcomes = arm_outcomes(results, seed)
    decision = decide(results, seed, outcomes)
    confusion = camera_confusion(results.clips)
    summary = render_summary(results, variants, analysis, decision, confusion, base_url)
    page = render_index(
        run_dir, results, variants, analysis, calibration, decision, outcomes, confusion
    )
    try:
        write_text_atomic(run_dir / CSV, render_csv(results))
        write_text_atomic(run_dir / SUMMARY, summary)
        index = run_dir / INDEX
        write_text_atomic(index, page)
    except OSError as exc:
        raise InputError(f"{run_dir}: cannot write the report: {exc.strerror or exc}") from exc
    return index
