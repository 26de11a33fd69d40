"""Expansion: an eval spec becomes variants (rendered prompt + params) and jobs (replicates).

Variables given as lists form a cartesian product; ``zip`` groups vary together; parameter lists
sweep too. Each variant gets a stable ``variant_id`` (a hash of the exact prompt, template,
variables and params), so the same inputs always name the same clips, and each job is
``<variant_id>-r<replicate>``. With arms, every variant also gets a ``pair_key``: the hash of its
inputs without the arm dimension, so a report can pair variant A with its counterpart B.
A variant also records the variables the spec left to the template's defaults (``defaults``),
so a plan and a report can say what was rendered without being asked for.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from promptkit.config import Settings, load_settings
from promptkit.errors import InvalidParamsError, TemplateError
from promptkit.models import GenerationParams
from promptkit.runner.spec import EvalSpec, spec_error

if TYPE_CHECKING:
    from promptkit.templates import TemplateLibrary


MAX_JOBS = 10_000
"""Most jobs one spec may expand to (variants × replicates): at the real API's 60–70 requests
per minute that is hours of generation and thousands of dollars, and the plan, journal and
report all hold every job. Checked by multiplying the axes, before anything is expanded."""


def variant_id(payload: Mapping[str, Any]) -> str:
    # Imported late: the journal and results readers use this module without needing Jinja.
    from promptkit.templates import variant_id as _variant_id

    return _variant_id(payload)


@dataclass(frozen=True)
class Variant:
    """One distinct generation request: a rendered prompt with its parameters."""

    variant_id: str
    prompt: str
    params: GenerationParams
    template: str | None = None
    label: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    arm: str | None = None
    pair_key: str | None = None
    tags: tuple[str, ...] = ()
    source_loc: tuple[Any, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (the journal stores it so a resume never needs the spec again)."""
        return {
            "variant_id": self.variant_id,
            "prompt": self.prompt,
            "params": self.params.model_dump(mode="json"),
            "template": self.template,
            "label": self.label,
            "variables": dict(self.variables),
            "arm": self.arm,
            "pair_key": self.pair_key,
            "tags": list(self.tags),
            "source_loc": list(self.source_loc),
            "defaults": dict(self.defaults),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Variant:
        return cls(
            variant_id=data["variant_id"],
            prompt=data["prompt"],
            params=GenerationParams(**data["params"]),
            template=data.get("template"),
            label=data.get("label", ""),
            variables=dict(data.get("variables", {})),
            arm=data.get("arm"),
            pair_key=data.get("pair_key"),
            tags=tuple(data.get("tags", ())),
            source_loc=tuple(data.get("source_loc", ())),
            defaults=dict(data.get("defaults", {})),
        )


@dataclass(frozen=True)
class Job:
    """One replicate of one variant: the unit the journal tracks and the provider bills."""

    variant: Variant
    replicate: int

    @property
    def job_id(self) -> str:
        return job_id(self.variant.variant_id, self.replicate)


def job_id(variant: str, replicate: int) -> str:
    return f"{variant}-r{replicate}"


@dataclass(frozen=True)
class Expansion:
    """Everything the spec expands to, in a stable order."""

    variants: list[Variant]
    jobs: list[Job]
    arms: list[str]
    arm_by: str | None


def _combos(spec: EvalSpec) -> Iterator[dict[str, Any]]:
    """Variable assignments: product of ``variables`` × each ``zip`` group's rows."""
    axes: list[list[dict[str, Any]]] = []
    for name, values in spec.variables.items():
        axes.append([{name: v} for v in values])
    for group in spec.zip:
        names = list(group)
        rows = zip(*(group[n] for n in names), strict=True)
        axes.append([dict(zip(names, row, strict=True)) for row in rows])
    for parts in itertools.product(*axes):
        combo: dict[str, Any] = {}
        for part in parts:
            combo.update(part)
        yield combo


def _param_sets(spec: EvalSpec) -> Iterator[dict[str, Any]]:
    axes = spec.params.axes()
    names = list(axes)
    for values in itertools.product(*(axes[n] for n in names)):
        yield dict(zip(names, values, strict=True))


def _arm_values(spec: EvalSpec) -> list[str]:
    assert spec.arms and spec.arms.startswith("variable:")
    var = spec.arms.split(":", 1)[1]
    if var in spec.variables:
        values = spec.variables[var]
    else:
        values = next(group[var] for group in spec.zip if var in group)
    return list(dict.fromkeys(str(v) for v in values))


def planned_size(spec: EvalSpec) -> tuple[int, str]:
    """At most how many variants ``spec`` expands to, and the product that says so.

    An upper bound computed from the lengths of the axes alone (two combinations that render
    the same prompt are merged later), so it costs nothing however large the product is.
    """
    combos = math.prod(len(values) for values in spec.variables.values())
    combos *= math.prod(len(next(iter(group.values()), [])) or 1 for group in spec.zip)
    params = math.prod(len(values) for values in spec.params.axes().values())
    variants = (len(spec.templates) * combos + len(spec.prompts)) * params
    parts = []
    if spec.templates:
        parts.append(f"{_many(len(spec.templates), 'template')} × {_many(combos, 'variable set')}")
    if spec.prompts:
        parts.append(_many(len(spec.prompts), "prompt"))
    how = " + ".join(parts)
    if params > 1:
        how = f"({how})" if len(parts) > 1 else how
        how += f" × {_many(params, 'parameter set')}"
    return variants, how


def _many(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def check_size(
    spec: EvalSpec, spec_path: Path, node: yaml.Node | None, *, replicates: bool = True
) -> None:
    """Refuse a spec that would expand to more than :data:`MAX_JOBS` jobs, before expanding."""
    variants, how = planned_size(spec)
    count = spec.replicates if replicates else 1
    jobs = variants * count
    if jobs > MAX_JOBS:
        if count > 1:
            how += f" × {_many(count, 'replicate')}"
        raise spec_error(
            spec_path,
            node,
            (),
            f"expands to up to {jobs} jobs ({how}), over the limit of {MAX_JOBS} jobs per run; "
            "cut variables, parameters or replicates, or split the eval",
        )


def resolve_template(ref: str, spec_path: Path, settings: Settings) -> str:
    """A template reference as the library should see it: names stay, paths become absolute."""
    if not (ref.endswith(".j2") or "/" in ref or "\\" in ref):
        return ref
    path = Path(ref).expanduser()
    if path.is_absolute():
        return str(path)
    for base in (Path.cwd(), spec_path.parent, settings.root):
        candidate = base / path
        if candidate.is_file():
            return str(candidate.resolve())
    return ref


def expand(
    spec: EvalSpec,
    spec_path: Path,
    *,
    node: yaml.Node | None = None,
    settings: Settings | None = None,
    library: TemplateLibrary | None = None,
    replicates: bool = True,
) -> Expansion:
    """Render every variant of ``spec`` and make its jobs; problems raise a one-line SpecError."""
    check_size(spec, spec_path, node, replicates=replicates)
    settings = settings or load_settings(spec_path.parent)
    if library is None:
        from promptkit.templates import TemplateLibrary

        library = TemplateLibrary(settings=settings)
    arm_by = spec.arms
    arm_var = arm_by.split(":", 1)[1] if arm_by and arm_by.startswith("variable:") else None
    combos = list(_combos(spec))
    param_sets = list(_param_sets(spec))
    used_vars: set[str] = set()
    variants: list[Variant] = []
    seen: set[str] = set()

    def add(variant: Variant) -> None:
        # Two combos can render the same variant (a template ignores a variable): keep one.
        if variant.variant_id not in seen:
            seen.add(variant.variant_id)
            variants.append(variant)

    for t_index, ref in enumerate(spec.templates):
        loc = ("templates", t_index)
        try:
            info = library.get(resolve_template(ref, spec_path, settings))
        except TemplateError as exc:
            raise spec_error(spec_path, node, loc, str(exc)) from None
        declared = set(info.variables)
        never_read = set(info.unused())
        for combo in combos:
            # A template only receives the variables it declares (A/B templates may differ).
            given = {k: v for k, v in combo.items() if k in declared}
            used_vars.update(given)
            for overrides in param_sets:
                try:
                    rendered = library.render(
                        info, given, params={"model": spec.model, **overrides}
                    )
                except InvalidParamsError as exc:
                    raise spec_error(spec_path, node, ("params",), f"{exc} (for {ref})") from None
                except TemplateError as exc:
                    raise spec_error(spec_path, node, loc, str(exc)) from None
                p = rendered.params
                text = rendered.prompt.text
                variables = dict(rendered.prompt.variables or given)
                vid = _variant_hash(info.name, text, variables, p)
                arm, pair = _arm(arm_by, arm_var, info.name, combo, overrides)
                add(
                    Variant(
                        vid,
                        text,
                        p,
                        info.name,
                        info.name,
                        variables,
                        arm,
                        pair,
                        tuple(dict.fromkeys((*spec.tags, *info.tags))),
                        loc,
                        {
                            k: var.default
                            for k, var in info.variables.items()
                            if k not in given and k not in never_read
                        },
                    )
                )
    for p_index, raw in enumerate(spec.prompts):
        loc = ("prompts", p_index)
        for overrides in param_sets:
            try:
                params = GenerationParams.build(model=spec.model, **overrides)
            except InvalidParamsError as exc:
                raise spec_error(spec_path, node, ("params",), f"{exc} (for {raw.name})") from None
            text = " ".join(raw.text.split())
            vid = _variant_hash(None, text, {}, params)
            arm, pair = _arm(arm_by, None, raw.name, {}, overrides)
            add(Variant(vid, text, params, None, raw.name, {}, arm, pair, tuple(spec.tags), loc))

    unused = [n for n in spec.variable_names() if n not in used_vars]
    if spec.templates and unused:
        first = unused[0]
        where: tuple[Any, ...] = ("variables", first) if first in spec.variables else ("zip",)
        raise spec_error(spec_path, node, where, "no template declares this variable")

    if arm_by == "template":
        arms = list(dict.fromkeys(v.arm for v in variants if v.arm is not None))
    elif arm_var is not None:
        arms = _arm_values(spec)
    else:
        arms = []
    count = spec.replicates if replicates else 1
    jobs = [Job(v, r) for v in variants for r in range(1, count + 1)]
    return Expansion(variants, jobs, arms, arm_by)


def _variant_hash(
    template: str | None, text: str, variables: Mapping[str, Any], params: GenerationParams
) -> str:
    return variant_id(
        {
            "template": template,
            "prompt": text,
            "variables": dict(variables),
            "params": params.model_dump(mode="json"),
        }
    )


def _arm(
    arm_by: str | None,
    arm_var: str | None,
    name: str,
    combo: Mapping[str, Any],
    overrides: Mapping[str, Any],
) -> tuple[str | None, str | None]:
    """The variant's arm and the key that pairs it with its counterparts in other arms.

    The key hashes the spec-level inputs (variable combo and swept params), not the rendered
    params: two templates with different default durations still pair on the same sweep point.
    """
    if arm_by is None:
        return None, None
    pjson = {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()}
    if arm_by == "template":
        return name, variant_id({"variables": dict(combo), "params": pjson})
    assert arm_var is not None
    rest = {k: v for k, v in combo.items() if k != arm_var}
    return str(combo.get(arm_var)), variant_id(
        {"template": name, "variables": rest, "params": pjson}
    )
