"""Eval specs (``evals/*.yaml``): the pydantic models and the loader with one-line errors.

A spec names what to generate (templates or raw prompts, variables, parameter sweeps,
replicates), how to compare it (arms), and the limits of the run (lint gate, budget,
concurrency, polling). Unknown keys are errors, so a typo never silently changes an experiment.
Every problem is reported as ``file:line: key: what is wrong`` on one line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from promptkit import safeyaml
from promptkit.errors import SpecError
from promptkit.models import DEFAULT_MODEL, DURATION_RANGE, MODELS
from promptkit.runner.results import DEFAULT_PRIMARY, PRIMARY_METRICS, parse_usd

Scalar = str | int | float | bool
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _as_list(v: Any) -> Any:
    """Let a single value stand for a one-item sweep."""
    if v is None:
        return v
    return v if isinstance(v, list) else [v]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RawPrompt(_Model):
    """A prompt written out in the spec instead of a template."""

    name: str = Field(description="Short label (used as the arm name when arms: template).")
    text: str = Field(min_length=1, description="The prompt text.")


class ParamsSpec(_Model):
    """Generation parameters; a list sweeps over its values (one variant per value)."""

    duration: list[int] | None = Field(default=None, description="Seconds, 1–15.")
    # Spelled out for the type checker; a test keeps them equal to models' RESOLUTIONS and
    # ASPECT_RATIOS.
    resolution: list[Literal["480p", "720p"]] | None = Field(default=None)
    aspect_ratio: list[Literal["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3"]] | None = None
    image: list[str] | None = Field(default=None, description="Source images (first frame).")
    reference_images: list[list[str]] | None = Field(
        default=None, description="Reference image sets; a flat list is one set."
    )

    @field_validator("duration", "resolution", "aspect_ratio", "image", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return _as_list(v)

    @field_validator("reference_images", mode="before")
    @classmethod
    def _sets(cls, v: Any) -> Any:
        if v is None:
            return v
        if isinstance(v, str):
            return [[v]]
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            return [v]
        return v

    @field_validator("duration")
    @classmethod
    def _durations(cls, v: list[int] | None) -> list[int] | None:
        low, high = DURATION_RANGE
        for d in v or []:
            if not low <= d <= high:
                raise ValueError(f"{d} is out of range (allowed: {low}–{high} seconds)")
        return v

    def axes(self) -> dict[str, list[Any]]:
        """The swept parameters, in a fixed order, without the ones left unset."""
        out: dict[str, list[Any]] = {}
        for key in ("duration", "resolution", "aspect_ratio", "image", "reference_images"):
            values = getattr(self, key)
            if values:
                out[key] = list(values)
        return out


class PollingSpec(_Model):
    """Polling policy overrides (see ``promptkit.client.polling.PollPolicy``)."""

    interval: float | None = Field(default=None, gt=0)
    min_interval: float | None = Field(default=None, gt=0)
    max_interval: float | None = Field(default=None, gt=0)
    timeout: float | None = Field(default=None, gt=0)
    adaptive: bool | None = None

    def overrides(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class EvalSpec(_Model):
    """One eval: what to generate, how many times, how to compare it and what it may cost."""

    version: Literal[1] = Field(description="Spec format version: 1.")
    name: str = Field(description="Short name; part of the default run id.")
    description: str = Field(default="", description="What the eval asks.")
    provider: Literal["sim", "xai"] = Field(default="sim", description="sim (default) or xai.")
    model: str = Field(default=DEFAULT_MODEL, description="Model name.")
    templates: list[str] = Field(default_factory=list, description="Template names or paths.")
    prompts: list[RawPrompt] = Field(default_factory=list, description="Raw prompts.")
    variables: dict[str, list[Scalar]] = Field(
        default_factory=dict, description="Template variables; lists form a cartesian product."
    )
    zip: list[dict[str, list[Scalar]]] = Field(
        default_factory=list, description="Groups of variables that vary together (same length)."
    )
    params: ParamsSpec = Field(default_factory=ParamsSpec, description="Generation parameters.")
    replicates: int = Field(default=1, ge=1, le=1000, description="Clips per variant.")
    arms: str | None = Field(default=None, description="A/B arms: 'template' or 'variable:<name>'.")
    primary: str = Field(
        default=DEFAULT_PRIMARY, description="The measure the report ranks arms on."
    )
    lint: Literal["error", "warning", "off"] = Field(
        default="error", description="Skip variants with lint findings of this severity or worse."
    )
    budget_usd: Decimal | None = Field(default=None, description="Refuse plans that cost more.")
    concurrency: int = Field(default=8, ge=1, le=256, description="Jobs in flight at once.")
    polling: PollingSpec = Field(default_factory=PollingSpec, description="Polling policy.")
    thresholds: dict[str, Any] = Field(default_factory=dict, description="Metric thresholds.")
    tags: list[str] = Field(default_factory=list, description="Tags copied to every clip.")
    sim: dict[str, Any] = Field(default_factory=dict, description="Simulator settings.")

    @field_validator("templates", "tags", mode="before")
    @classmethod
    def _str_list(cls, v: Any) -> Any:
        return _as_list(v)

    @field_validator("prompts", mode="before")
    @classmethod
    def _prompts(cls, v: Any) -> Any:
        items = _as_list(v) or []
        return [
            {"name": f"prompt{i + 1}", "text": p} if isinstance(p, str) else p
            for i, p in enumerate(items)
        ]

    @field_validator("variables", mode="before")
    @classmethod
    def _variables(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: _as_list(x) for k, x in v.items()}
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME_RE.match(v):
            raise ValueError("use letters, digits, '.', '_' and '-' only")
        return v

    @field_validator("model")
    @classmethod
    def _model(cls, v: str) -> str:
        if v not in MODELS:
            raise ValueError(f"{v!r} is not a known model (allowed: {', '.join(MODELS)})")
        return v

    @field_validator("budget_usd", mode="before")
    @classmethod
    def _budget(cls, v: Any) -> Any:
        if v is None:
            return v
        try:
            return parse_usd(v)
        except ValueError as exc:
            raise ValueError(f"must be {exc}") from None

    @field_validator("primary")
    @classmethod
    def _primary(cls, v: str) -> str:
        if v not in PRIMARY_METRICS:
            raise ValueError(
                f"{v!r} is not a known measure (allowed: {', '.join(PRIMARY_METRICS)})"
            )
        return v

    @field_validator("arms")
    @classmethod
    def _arms(cls, v: str | None) -> str | None:
        if v is None or v == "template" or re.fullmatch(r"variable:[A-Za-z_]\w*", v):
            return v
        raise ValueError("must be 'template' or 'variable:<name>'")

    @model_validator(mode="after")
    def _consistent(self) -> EvalSpec:
        if not self.templates and not self.prompts:
            raise ValueError("templates: give at least one template (or prompts:)")
        for i, group in enumerate(self.zip):
            lengths = {len(vals) for vals in group.values()}
            if len(lengths) > 1:
                raise ValueError(
                    f"zip.{i}: lists must have the same length (got {sorted(lengths)})"
                )
            both = set(group) & set(self.variables)
            if both:
                raise ValueError(f"zip.{i}: {sorted(both)[0]!r} is also under variables:")
        for name, values in self.variables.items():
            if not values:
                raise ValueError(f"variables.{name}: give at least one value")
        if self.arms and self.arms.startswith("variable:"):
            var = self.arms.split(":", 1)[1]
            if var not in self.variable_names():
                raise ValueError(f"arms: no variable {var!r} under variables: or zip:")
        labels = [p.name for p in self.prompts]
        if len(set(labels)) != len(labels):
            raise ValueError("prompts: names must be unique")
        return self

    def variable_names(self) -> list[str]:
        names = list(self.variables)
        for group in self.zip:
            names.extend(group)
        return names


# pydantic error type -> short wording; {ctx} keys come from the error's context.
_WORDING = {
    "greater_than_equal": "must be ≥ {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be ≤ {le}",
    "missing": "is required",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_too_short": "must not be empty",
}


def error_line(
    exc: ValidationError, model: type[BaseModel] = EvalSpec
) -> tuple[tuple[Any, ...], str]:
    """The first problem as (location, one-line message without the file)."""
    err = exc.errors(include_url=False)[0]
    loc = tuple(err.get("loc", ()))
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        allowed = ", ".join(owner.model_fields) if owner else ""
        msg = f"unknown key (allowed: {allowed})" if allowed else "unknown key"
    elif kind == "literal_error":
        msg = f"{err.get('input')!r} is not allowed (allowed: {ctx.get('expected', '')})"
    elif kind in _WORDING:
        try:
            msg = _WORDING[kind].format(**ctx)
        except (KeyError, IndexError):
            msg = str(err.get("msg"))
    else:
        msg = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
    if kind == "value_error" and not loc and ":" in msg:
        # Whole-model checks name their own key: "templates: give at least one".
        key, _, rest = msg.partition(": ")
        return tuple(key.split(".")), rest
    return loc, msg


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        ann = field.annotation
        current = next(
            (a for a in _flatten(ann) if isinstance(a, type) and issubclass(a, BaseModel)), None
        )
        if current is None:
            return None
    return current if isinstance(current, type) else None


def _flatten(ann: Any) -> list[Any]:
    args = getattr(ann, "__args__", None)
    if not args:
        return [ann]
    out: list[Any] = []
    for a in args:
        out.extend(_flatten(a))
    return out


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    # An unknown key is best shown at the key itself.
                    nxt = value if part != loc[-1] else key
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            nxt = node.value[part]
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


def format_loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "spec"


def read_spec_text(path: Path) -> str:
    """The text of the spec file at ``path``; a missing, unreadable or oversized file is a
    SpecError (the size is checked before reading, so a huge file is never loaded)."""
    try:
        safeyaml.check_size(Path(path).stat().st_size)
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such spec file") from None
    except safeyaml.YamlLimitError as exc:
        raise SpecError(f"{path}: {exc.problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from exc


def read_yaml(path: Path, text: str | None = None) -> tuple[Any, yaml.Node | None]:
    """Parse ``path`` into Python data plus its node tree (for line numbers).

    ``text`` is the file's content when the caller has read it already (it is not read again).
    The limits of :mod:`promptkit.safeyaml` (size, aliases, nesting) apply.
    """
    if text is None:
        text = read_spec_text(path)
    try:
        # One parse for both: the node tree (line numbers) and the data constructed from it.
        return safeyaml.load_with_node(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        what = "" if isinstance(exc, safeyaml.YamlLimitError) else "invalid YAML: "
        raise SpecError(f"{_where(path, line)}: {what}{problem}") from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise SpecError(f"{path}: the YAML is nested too deeply") from None


def load_spec(path: Path, text: str | None = None) -> EvalSpec:
    """Read and validate an eval spec; any problem raises a one-line :class:`SpecError`.

    ``text`` is the file's content when the caller has read it already (see :func:`read_yaml`).
    """
    return load_spec_node(path, text)[0]


def load_spec_node(path: Path, text: str | None = None) -> tuple[EvalSpec, yaml.Node | None]:
    """:func:`load_spec` plus the spec's YAML node tree, for callers that report spec lines."""
    path = Path(path)
    data, node = read_yaml(path, text)
    if data is None:
        raise SpecError(f"{path}: the spec is empty (start with 'version: 1')")
    if not isinstance(data, dict):
        raise SpecError(f"{path}: the spec must be a mapping of keys (start with 'version: 1')")
    data.setdefault("name", path.stem)
    return validate_spec(data, path, node), node


def validate_spec(data: dict[str, Any], path: Path, node: yaml.Node | None = None) -> EvalSpec:
    """Validate already-parsed spec data, reporting errors against ``path``."""
    try:
        spec = EvalSpec.model_validate(data)
    except ValidationError as exc:
        loc, msg = error_line(exc)
        raise SpecError(f"{_where(path, line_of(node, loc))}: {format_loc(loc)}: {msg}") from None
    _check_sim(spec, path, node)
    _check_polling(spec, path, node)
    return spec


def _check_polling(spec: EvalSpec, path: Path, node: yaml.Node | None) -> None:
    """Refuse ``polling:`` values the client's policy refuses (too long, min above max) now,
    before a run folder exists; imported only when a spec sets polling (lint stays light)."""
    overrides = spec.polling.overrides()
    if not overrides:
        return
    from promptkit.client.polling import PollPolicy
    from promptkit.errors import ConfigError

    try:
        PollPolicy(**{**PollPolicy().__dict__, **overrides})
    except ConfigError as exc:
        where, sep, msg = str(exc).partition(": ")
        if sep and where.startswith("poll.") and " " not in where:
            raise spec_error(path, node, ("polling", where[len("poll.") :]), msg) from None
        raise spec_error(path, node, ("polling",), str(exc).replace("poll.", "")) from None


def _check_sim(spec: EvalSpec, path: Path, node: yaml.Node | None) -> None:
    """Refuse bad ``sim:`` settings now, before a run folder exists for a run that cannot start.

    Checked whatever the provider: a typo under ``sim:`` is wrong even when xai is chosen.
    """
    if not spec.sim:
        return
    # Imported here: most spec readers (lint, report) never need the simulator package.
    from promptkit.errors import ConfigError
    from promptkit.sim.config import build_config

    try:
        build_config(**spec.sim)
    except ConfigError as exc:
        # "sim.<key>: <what is wrong>" -> located at the key's line in the spec.
        where, _, msg = str(exc).partition(": ")
        key = where.removeprefix("sim.").split(".")[0]
        raise spec_error(path, node, ("sim", key), msg) from None


def spec_error(path: Path, node: yaml.Node | None, loc: tuple[Any, ...], msg: str) -> SpecError:
    """A :class:`SpecError` for a problem found after validation (e.g. while expanding)."""
    if node is None:
        try:
            node = read_yaml(path)[1]
        except SpecError:
            node = None
    return SpecError(f"{_where(path, line_of(node, loc))}: {format_loc(loc)}: {msg}")


__all__ = [
    "EvalSpec",
    "ParamsSpec",
    "PollingSpec",
    "RawPrompt",
    "line_of",
    "load_spec",
    "load_spec_node",
    "read_spec_text",
    "read_yaml",
    "spec_error",
    "validate_spec",
]
