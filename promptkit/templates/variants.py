"""Variant expansion: a template plus lists of values becomes concrete, uniquely named prompts.

``product`` mode takes the cartesian product of the value lists, ``zip`` pairs them up
position by position. Each variant's id is :func:`variant_id` of what defines it (template
name, resolved variables, resolved params), so the same inputs get the same id in every run
and on every machine; the runner keys its journal on it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from promptkit.errors import TemplateVariableError
from promptkit.models import GenerationParams, Prompt
from promptkit.templates.library import TemplateLibrary, TemplateRef
from promptkit.templates.metadata import TemplateInfo

ID_LENGTH = 10


def _jsonable(value: Any) -> Any:
    # Only reached for values json cannot encode itself; keep their meaning, not their repr.
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def variant_id(payload: Mapping[str, Any]) -> str:
    """A short stable id: the first 10 hex digits of sha256 over canonical JSON of ``payload``."""
    blob = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_jsonable
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:ID_LENGTH]


@dataclass(frozen=True)
class Variant:
    """One concrete prompt of an expansion: id, template name, variables, prompt, params."""

    id: str
    template: str
    # Hashed by id and template only: the id already stands for everything else.
    variables: dict[str, Any] = field(default_factory=dict, hash=False)
    prompt: Prompt = field(default_factory=lambda: Prompt(text=""), hash=False)
    params: GenerationParams = field(default_factory=GenerationParams, hash=False)


def _columns(grid: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {}
    for name, values in grid.items():
        # A bare string is one value, not a sequence of characters.
        column = (
            [values]
            if isinstance(values, str | bytes) or not isinstance(values, Sequence)
            else list(values)
        )
        if not column:
            raise TemplateVariableError(f"variable {name!r} has an empty list of values")
        columns[name] = column
    return columns


def combinations(
    grid: Mapping[str, Sequence[Any]], mode: Literal["product", "zip"] = "product"
) -> list[dict[str, Any]]:
    """The variable assignments ``grid`` stands for, in a stable order."""
    columns = _columns(grid)
    names = list(columns)
    rows: Iterable[tuple[Any, ...]]
    if mode == "product":
        rows = itertools.product(*columns.values())
    elif mode == "zip":
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            sizes = ", ".join(f"{n} has {len(v)}" for n, v in columns.items())
            raise TemplateVariableError(f"zip mode needs lists of equal length ({sizes})")
        rows = zip(*columns.values(), strict=True)
    else:
        raise TemplateVariableError(f"unknown expansion mode {mode!r} (allowed: product, zip)")
    return [dict(zip(names, row, strict=True)) for row in rows]


def expand(
    template: TemplateRef,
    grid: Mapping[str, Sequence[Any]],
    *,
    mode: Literal["product", "zip"] = "product",
    params: Mapping[str, Any] | None = None,
    library: TemplateLibrary | None = None,
) -> list[Variant]:
    """Render one variant per combination of ``grid`` values (duplicates collapse into one).

    An empty grid gives one variant with the declared defaults.
    """
    lib = library if library is not None else TemplateLibrary()
    info = template if isinstance(template, TemplateInfo) else lib.get(template)
    variants: dict[str, Variant] = {}
    for assignment in combinations(grid, mode):
        rendered = lib.render(info, assignment, params)
        resolved = dict(rendered.prompt.variables)
        vid = variant_id(
            {
                "template": info.name,
                "variables": resolved,
                "params": rendered.params.model_dump(mode="json"),
            }
        )
        variants.setdefault(
            vid,
            Variant(
                id=vid,
                template=info.name,
                variables=resolved,
                prompt=rendered.prompt,
                params=rendered.params,
            ),
        )
    return list(variants.values())
