"""Reports of eval runs: HTML, Markdown and CSV writers, A/B statistics and run comparison.

Everything is rendered from a run's ``results.json``; nothing here calls a provider.
"""

from __future__ import annotations

from promptkit.report.compare import compare_runs
from promptkit.report.reader import read_results
from promptkit.report.writer import write_report

__all__ = ["compare_runs", "read_results", "write_report"]
