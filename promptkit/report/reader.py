"""The versioned ``results.json`` reader: one reader per schema version, one error for the rest.

Reports are rendered from ``results.json`` alone, so an old run can be re-rendered by a newer
promptkit. Each supported ``schema_version`` has a reader here that returns the current model
(:class:`~promptkit.runner.results.RunResults`); an unknown version fails with one line that says
which versions this promptkit reads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from promptkit.errors import InputError
from promptkit.runner.layout import RunLayout
from promptkit.runner.results import RunResults, read_results_json, results_from_data


def _read_v1(path: Path, data: dict[str, Any]) -> RunResults:
    # Version 1 is the runner's current model: validate the parsed data with the runner's own
    # checks rather than reading the file a second time.
    return results_from_data(path, data)


READERS: dict[int, Callable[[Path, dict[str, Any]], RunResults]] = {1: _read_v1}


def results_path(run: Path) -> Path:
    """The ``results.json`` of a run folder (or the path itself when it names the file)."""
    run = Path(run)
    return RunLayout(run).results if run.is_dir() else run


def read_results(run: Path) -> RunResults:
    """Read a run's ``results.json`` whatever its supported schema version."""
    path = results_path(run)
    data = read_results_json(path)
    if not isinstance(data, dict):
        # Not an object: the runner's checks raise the one-line error for it.
        return results_from_data(path, data)
    version = data.get("schema_version")
    reader = READERS.get(version) if isinstance(version, int) else None
    if reader is None:
        known = ", ".join(str(v) for v in sorted(READERS))
        raise InputError(
            f"{path}: results schema_version {version!r} is not supported "
            f"(this promptkit reads version {known}; upgrade promptkit to render this run)"
        )
    return reader(path, data)
