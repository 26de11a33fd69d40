"""Eval specs: any YAML a user might write is a valid spec or one :class:`SpecError` line.

Two generators: dicts built from the spec's own keys (and near misses) with values of every
YAML type, and raw text (not even YAML). Both go through ``load_spec`` and through the whole
``promptkit eval --dry-run`` path (plan, expansion, lint gate, pricing), which must end with
exit 0, 2 or 3 and at most one ``error:`` line, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from promptkit.cli import main
from promptkit.errors import SpecError
from promptkit.runner.spec import EvalSpec, load_spec
from tests.fuzz.conftest import FUZZ

KEYS = [
    "version", "name", "description", "provider", "model", "templates", "prompts", "variables",
    "zip", "params", "replicates", "arms", "lint", "budget_usd", "concurrency", "polling",
    "thresholds", "tags", "sim", "templatez", "param", "",
]  # fmt: skip
PARAM_KEYS = ["duration", "resolution", "aspect_ratio", "image", "reference_images", "fps"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=True),
    st.sampled_from(["480p", "720p", "16:9", "cinematic", "vague_baseline", "template",
                     "variable:subject", "off", "error", "sim", "xai", "$1.50", "-1", "1e400"]),
    st.text(max_size=12),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["subject", "mood", *PARAM_KEYS, "name", "text"]), inner,
                        max_size=3),
    ),
    max_leaves=8,
)  # fmt: skip
VALID: dict[str, Any] = {
    "version": 1, "name": "fuzz", "templates": ["cinematic"], "params": {"duration": 1},
    "replicates": 1, "lint": "warning", "variables": {"mood": ["calm", "tense"]},
}  # fmt: skip


def _mutate(extra: dict[str, Any], params: dict[str, Any], drop: set[str]) -> dict[str, Any]:
    spec = {k: v for k, v in VALID.items() if k not in drop}
    spec.update(extra)
    if params and isinstance(spec.get("params"), dict):
        spec["params"] = {**spec["params"], **params}
    return spec


# A valid spec with a few keys replaced, added or dropped: most examples get past the first
# check, so expansion, the lint gate and pricing see odd values too.
SPECS = st.builds(
    _mutate,
    st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=1),
    st.dictionaries(st.sampled_from(PARAM_KEYS), VALUES, max_size=1),
    st.sets(
        st.sampled_from(["templates", "params", "replicates", "lint", "variables"]), max_size=2
    ),
)


def _check_one_line(err: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) <= 1, err


def _write(tmp: Path, text: str) -> Path:
    path = tmp / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@FUZZ
@given(spec=SPECS)
def test_any_spec_dict_loads_or_raises_one_line_spec_error(
    spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = _write(tmp_path_factory.mktemp("spec"), yaml.safe_dump(spec))
    try:
        loaded = load_spec(path)
    except SpecError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))
    else:
        assert isinstance(loaded, EvalSpec)


@FUZZ
@given(text=st.text(max_size=200))
def test_any_text_as_a_spec_loads_or_raises_one_line_spec_error(
    text: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = _write(tmp_path_factory.mktemp("spec"), text)
    try:
        load_spec(path)
    except SpecError as exc:
        assert "\n" not in str(exc)


@FUZZ
@given(spec=SPECS)
def test_dry_run_of_any_spec_exits_0_2_or_3_with_at_most_one_error_line(
    spec: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tmp = tmp_path_factory.mktemp("dry")
    path = _write(tmp, yaml.safe_dump(spec))
    capsys.readouterr()
    try:
        main(["eval", str(path), "--dry-run", "--out", str(tmp / "reports")])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code in (0, 2, 3), err
    _check_one_line(err)
    assert not (tmp / "reports").exists()
