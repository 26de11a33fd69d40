"""The versioned ``results.json`` reader: one reader per schema version, one error for the rest.

Reports are rendered from ``results.json`` alone, so an old run can be re-rendered by a newer
promptkit. Each supported ``schema_version`` has a reader here that returns the current model
(:class:`~promptkit.runner.results.RunResults`); an unknown version fails with one line that says
which versions this promptkit reads.

Version 1 lacks what version 2 added (per-clip adherence, the variables left to template defaults,
the run's primary measure): its reader computes adherence from each clip's prompt, verdict and
camera label exactly as the runner does, leaves ``defaults`` empty (version 1 did not record
which variables the spec set) and takes the primary measure from the stored spec or the default.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from promptkit.errors import InputError
from promptkit.runner.adherence import clip_adherence
from promptkit.runner.layout import RunLayout
from promptkit.runner.results import (
    DEFAULT_PRIMARY,
    SCHEMA_VERSION,
    RunResults,
    read_results_json,
    results_from_data,
)


def _read_current(path: Path, data: dict[str, Any]) -> RunResults:
    # The runner's current model: validate the parsed data with the runner's own checks rather
    # than reading the file a second time.
    return results_from_data(path, data)


def _read_v1(path: Path, data: dict[str, Any]) -> RunResults:
    spec = data.get("spec")
    primary = spec.get("primary") if isinstance(spec, dict) else None
    upgraded = {**data, "schema_version": 2, "primary": primary or DEFAULT_PRIMARY}
    clips = data.get("clips")
    if isinstance(clips, list):
        upgraded["clips"] = [_clip_v1(c) if isinstance(c, dict) else c for c in clips]
    return _read_current(path, upgraded)


def _clip_v1(clip: dict[str, Any]) -> dict[str, Any]:
    prompt, verdict, camera = clip.get("prompt"), clip.get("verdict"), clip.get("camera")
    if not isinstance(prompt, str):
        return clip  # invalid anyway: validation names the field
    label = camera.get("motion") if isinstance(camera, dict) else None
    adherence = clip_adherence(
        prompt,
        verdict if isinstance(verdict, str) else None,
        label if isinstance(label, str) else None,
    )
    return {**clip, "adherence": adherence.model_dump(mode="json")}


READERS: dict[int, Callable[[Path, dict[str, Any]], RunResults]] = {
    1: _read_v1,
    SCHEMA_VERSION: _read_current,
}


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
            f"(this promptkit reads versions {known}; upgrade promptkit to render this run)"
        )
    return reader(path, data)
