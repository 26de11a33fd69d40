"""Prompts of an eval spec, as the linter sees them: ``promptkit lint evals/x.yaml``.

The linter calls :func:`spec_prompts` (imported lazily, only for ``*.yaml``) and lints each
rendered variant's text, reporting findings at the spec line that produced it (the template
entry, or the raw prompt's text). Each prompt also carries the variables the spec left to the
template's defaults (``template-default``, a check of the spec rather than of the prose).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from promptkit.runner.expand import expand
from promptkit.runner.spec import line_of, load_spec_node


@dataclass(frozen=True)
class SpecPrompt:
    """One distinct rendered prompt of a spec."""

    label: str
    """Where it came from: ``<template or prompt name> [<variant id>] (k=v, ...)``."""
    line: int
    """1-based line in the spec of the entry that produced it."""
    text: str
    duration: int
    reference_images: int
    template: str | None = None
    defaults: tuple[tuple[str, str], ...] = ()
    """Variables the spec left to the template's defaults, with those defaults as text."""


def spec_prompts(path: Path, text: str | None = None) -> list[SpecPrompt]:
    """Every distinct variant prompt of the spec at ``path`` (replicates are not repeated).

    ``text`` is the file's content when the caller has read it already.
    """
    path = Path(path)
    spec, node = load_spec_node(path, text)
    expansion = expand(spec, path, node=node, replicates=False)
    out = []
    for v in expansion.variants:
        loc = v.source_loc
        if loc and loc[0] == "prompts" and _is_mapping_entry(node, loc):
            loc = (*loc, "text")
        varying = ", ".join(f"{k}={val}" for k, val in v.variables.items())
        label = f"{v.label or v.template} [{v.variant_id}]" + (f" ({varying})" if varying else "")
        out.append(
            SpecPrompt(
                label=label,
                line=line_of(node, loc) or 1,
                text=v.prompt,
                duration=v.params.duration,
                reference_images=len(v.params.reference_images),
                template=v.template,
                defaults=tuple((k, str(value)) for k, value in v.defaults.items()),
            )
        )
    return out


def _is_mapping_entry(node: yaml.Node | None, loc: tuple[object, ...]) -> bool:
    if not isinstance(node, yaml.MappingNode):
        return False
    for key, value in node.value:
        if key.value == loc[0] and isinstance(value, yaml.SequenceNode):
            index = loc[1]
            return isinstance(index, int) and isinstance(value.value[index], yaml.MappingNode)
    return False
