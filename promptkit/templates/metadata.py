"""Template metadata: the front-matter block, the variables it declares and the template record.

The front matter is YAML inside a Jinja comment at the very top of the file, so the file stays
valid Jinja and line numbers in error messages are the file's own::

    {#---
    description: Cinematic shot with one clear subject action and one camera move.
    tags: [cinematic]
    params: {duration: 8, resolution: 480p, aspect_ratio: "16:9"}
    variables:
      subject: {description: "Who the shot is about", default: "a weathered fisherman"}
      camera_move: {description: "One camera move", default: "slow dolly in",
                    choices: [static, "slow dolly in", "pan left"]}
    ---#}

A variable without a ``default`` is required. Every problem is a one-line
:class:`~promptkit.errors.TemplateError` starting with ``path:line:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, NoReturn

import yaml

from promptkit import safeyaml
from promptkit.errors import InvalidParamsError, TemplateError, TemplateNotFound
from promptkit.models import GenerationParams, Prompt
from promptkit.templates import environment
from promptkit.templates.limits import MAX_TEMPLATE_BYTES

FRONT_MATTER = re.compile(
    r"\A(?P<lead>\s*)\{#-?-{3}[ \t]*\r?\n(?P<body>.*?)^[ \t]*-{3}[ \t]*-?#\}", re.S | re.M
)
TOP_LEVEL_KEYS = ("description", "params", "tags", "variables")
VARIABLE_KEYS = ("choices", "default", "description")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class TemplateVar:
    """One declared variable: what it means, its default and, when restricted, its choices."""

    name: str
    description: str = ""
    default: Any | None = None
    choices: tuple[Any, ...] | None = None
    # Where the front matter declares it (for lint findings); not part of its meaning.
    line: int = field(default=1, compare=False)

    @property
    def required(self) -> bool:
        """A variable without a default must be given at render time."""
        return self.default is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "default": self.default,
            "choices": list(self.choices) if self.choices is not None else None,
            "required": self.required,
        }


@dataclass(frozen=True)
class TemplateInfo:
    """A template file and what its front matter declares."""

    name: str
    path: Path
    description: str = ""
    # The dict is left out of the hash (it is unhashable); the source covers its content.
    variables: dict[str, TemplateVar] = field(default_factory=dict, hash=False)
    params: GenerationParams = field(default_factory=GenerationParams)
    tags: tuple[str, ...] = ()
    source: str = ""

    def undeclared(self) -> list[tuple[str, int]]:
        """Variables the body reads but the front matter does not declare, with their line."""
        return sorted(
            ((n, line) for n, line in self._used.items() if n not in self.variables),
            key=lambda item: (item[1], item[0]),
        )

    def unused(self) -> list[str]:
        """Declared variables the body never reads (in declaration order)."""
        used = self._used
        return [n for n in self.variables if n not in used]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape ``promptkit templates --format json`` prints."""
        return {
            "name": self.name,
            "description": self.description,
            "variables": {n: v.as_dict() for n, v in self.variables.items()},
            "params": self.params.model_dump(mode="json"),
            "tags": list(self.tags),
        }

    @cached_property
    def _used(self) -> dict[str, int]:
        # Lint asks for both undeclared() and unused(): parse the body once for the two.
        ast = environment.parse(_parser(), self.source, self.path)
        return environment.used_variables(_parser(), ast)


@dataclass(frozen=True)
class RenderedPrompt:
    """A rendered template: the prompt text (with its parts) and its generation parameters."""

    prompt: Prompt
    params: GenerationParams


@cache
def _parser() -> Any:
    # Parsing needs no loader; one shared sandboxed environment keeps the globals identical.
    return environment.make_environment([])


def read_template(path: Path, name: str | None = None) -> TemplateInfo:
    """Read ``path`` and parse its front matter into a :class:`TemplateInfo`."""
    try:
        size = path.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise TemplateError(
                f"{environment.display_path(path)}: {size} bytes is over the "
                f"{MAX_TEMPLATE_BYTES // 1024} KiB limit of a template file"
            )
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateNotFound(f"{environment.display_path(path)}: no such template file") from None
    except UnicodeDecodeError:
        raise TemplateError(f"{environment.display_path(path)}: not UTF-8 text") from None
    except OSError as exc:
        raise TemplateError(
            f"{environment.display_path(path)}: cannot read: {exc.strerror}"
        ) from None
    return parse_template(source, path, name)


def parse_template(source: str, path: Path, name: str | None = None) -> TemplateInfo:
    """Build a :class:`TemplateInfo` from ``source``; the body is not compiled here."""
    meta = _FrontMatter(source, path)
    data = meta.data
    description = data.get("description", "")
    if not isinstance(description, str):
        meta.fail(("description",), "description must be a string")
    tags = data.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        meta.fail(("tags",), "tags must be a list of strings")
    return TemplateInfo(
        name=name or path.stem,
        path=path,
        description=" ".join(description.split()),
        variables=meta.variables(),
        params=meta.params(),
        tags=tuple(tags),
        source=source,
    )


def _load_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree (for key lines) and the data built from it, parsing ``text`` once.

    The limits of :mod:`promptkit.safeyaml` (size, aliases, nesting) apply.
    """
    data, node = safeyaml.load_with_node(text)  # a non-printable character fails here already
    return node, data


class _FrontMatter:
    """The parsed YAML block plus the file line of every key, for ``path:line:`` messages."""

    def __init__(self, source: str, path: Path) -> None:
        self.path = path
        self.lines: dict[tuple[str, ...], int] = {}
        self.first_line = 1
        match = FRONT_MATTER.match(source)
        if match is None:
            if source.lstrip().startswith(("{#---", "{#----")):
                self._raise(1, "front matter opened with {#--- is never closed with ---#}")
            self.data: dict[str, Any] = {}
            return
        # The YAML starts on the line after ``{#---``.
        self.first_line = match.group("lead").count("\n") + 2
        text = match.group("body")
        try:
            node, data = _load_yaml(text)
        except safeyaml.YamlLimitError as exc:
            mark = exc.problem_mark
            self._raise(
                self.first_line + (mark.line if mark else 0), f"front matter: {exc.problem}"
            )
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = self.first_line + (mark.line if mark else 0)
            self._raise(line, f"front matter is not valid YAML: {exc.problem or exc.context}")
        except yaml.YAMLError as exc:
            self._raise(self.first_line, f"front matter is not valid YAML: {exc}")
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self._raise(self.first_line, "front matter must be a mapping of keys to values")
        self._index(node, ())
        self.data = data
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                self.fail(
                    (str(key),),
                    f"unknown front-matter key {key!r} (allowed: {', '.join(TOP_LEVEL_KEYS)})",
                )

    def _index(self, node: yaml.Node | None, prefix: tuple[str, ...]) -> None:
        if not isinstance(node, yaml.MappingNode) or len(prefix) > 2:
            return
        for key_node, value_node in node.value:
            key = (*prefix, str(key_node.value))
            self.lines[key] = self.first_line + key_node.start_mark.line
            self._index(value_node, key)

    def _raise(self, line: int, message: str) -> NoReturn:
        raise TemplateError(f"{environment.display_path(self.path)}:{line}: {message}")

    def fail(self, key: tuple[str, ...], message: str) -> NoReturn:
        """Raise a TemplateError at the line of ``key`` (or its nearest known parent)."""
        while key and key not in self.lines:
            key = key[:-1]
        self._raise(self.lines.get(key, self.first_line), message)

    def params(self) -> GenerationParams:
        raw = self.data.get("params") or {}
        if not isinstance(raw, dict):
            self.fail(("params",), "params must be a mapping (e.g. {duration: 8})")
        try:
            return GenerationParams.build(**{str(k): v for k, v in raw.items()})
        except InvalidParamsError as exc:
            field_name = str(exc).split(":", 1)[0]
            self.fail(("params", field_name), f"params: {exc}")

    def variables(self) -> dict[str, TemplateVar]:
        raw = self.data.get("variables") or {}
        if not isinstance(raw, dict):
            self.fail(("variables",), "variables must be a mapping of name to declaration")
        out: dict[str, TemplateVar] = {}
        for name, decl in raw.items():
            out[str(name)] = self._variable(str(name), decl)
        return out

    def _variable(self, name: str, decl: Any) -> TemplateVar:
        key = ("variables", name)
        if not NAME.match(name):
            self.fail(key, f"variable name {name!r} is not a valid identifier")
        if decl is None:
            decl = {}
        if not isinstance(decl, dict):
            self.fail(key, f"variable {name!r} must be a mapping with description/default/choices")
        for k in decl:
            if k not in VARIABLE_KEYS:
                self.fail(
                    (*key, str(k)),
                    f"variable {name!r}: unknown key {k!r} (allowed: {', '.join(VARIABLE_KEYS)})",
                )
        description = decl.get("description", "")
        if not isinstance(description, str):
            self.fail((*key, "description"), f"variable {name!r}: description must be a string")
        choices = decl.get("choices")
        if choices is not None:
            if not isinstance(choices, list) or not choices:
                self.fail((*key, "choices"), f"variable {name!r}: choices must be a non-empty list")
            choices = tuple(choices)
        default = decl.get("default")
        if choices is not None and default is not None and default not in choices:
            self.fail(
                (*key, "default"),
                f"variable {name!r}: default {default!r} is not one of its choices",
            )
        return TemplateVar(
            name=name,
            description=" ".join(description.split()),
            default=default,
            choices=choices,
            line=self.lines.get(key, self.first_line),
        )
