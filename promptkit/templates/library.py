"""The template library: where templates are found, how they are looked up and rendered.

Search path, first match wins: the folders listed in ``[tool.promptkit.templates] path``
(relative to the project root; ``PROMPTKIT_TEMPLATES__PATH`` overrides) and then the built-in
``templates/`` folder. A template is any ``*.j2`` file at the top of a folder on the path;
``partials/`` hold macros they import.

Rendering fills declared defaults, checks names and choices, renders in the sandbox and
normalises the result into one clean paragraph.
"""

from __future__ import annotations

import builtins
import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from promptkit.config import Settings, load_settings
from promptkit.errors import ConfigError, TemplateNotFound, TemplateVariableError
from promptkit.models import Prompt
from promptkit.resources import shipped_dir
from promptkit.templates import environment
from promptkit.templates.environment import TEMPLATE_SUFFIX
from promptkit.templates.metadata import RenderedPrompt, TemplateInfo, TemplateVar, read_template

TemplateRef = str | Path | TemplateInfo


def builtin_templates_dir() -> Path:
    """The shipped templates: the checkout's ``templates/`` or the wheel's bundled copy."""
    return shipped_dir("templates", "_builtin_templates")


def configured_folders(settings: Settings) -> list[Path]:
    """Extra template folders from ``templates.path`` (a folder or a list of folders)."""
    raw = settings.section("templates").get("path", [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise ConfigError(f"templates.path must be a list of folder names, not {raw!r}")
    folders = []
    for entry in raw:
        folder = Path(entry).expanduser()
        if not folder.is_absolute():
            folder = settings.root / folder
        if not folder.is_dir():
            raise ConfigError(
                f"templates.path: {entry!r} is not a folder (relative to {settings.root})"
            )
        folders.append(folder)
    return folders


def default_search_path(settings: Settings | None = None) -> list[Path]:
    """Configured folders first (so they can override a built-in), then the built-in folder."""
    folders = configured_folders(settings if settings is not None else load_settings())
    builtin = builtin_templates_dir()
    return [*folders, *([builtin] if builtin not in folders else [])]


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_REPEATED_SEPARATORS = re.compile(r"([,;:])(?:\s*[,;:])+")
_SEPARATOR_BEFORE_STOP = re.compile(r"[,;:]\s*([.!?])")
_REPEATED_STOPS = re.compile(r"\.(?:\s*\.)+")
_STOP_AFTER_MARK = re.compile(r"([!?])\s*\.")
_SENTENCE_START = re.compile(r"(^|(?<!\.\.)[.!?]\s)([a-z])")


def _stops(match: re.Match[str]) -> str:
    # An ellipsis is deliberate; any other run of full stops is debris from an empty part.
    return "..." if match.group(0) == "..." else "."


def normalise(text: str) -> str:
    """One clean paragraph: single spaces, no space before punctuation, no doubled stops.

    Optional parts that render empty leave debris such as ``" , ."`` or ``". ."``; this removes
    it. Sentences start with a capital so a lower-case variable can open a sentence.
    """
    out = " ".join(text.split())
    previous = None
    # Each pass can expose a new pair (``"!.."`` -> ``"!."`` -> ``"!"``): repeat until stable.
    while out != previous:
        previous = out
        out = _SPACE_BEFORE_PUNCT.sub(r"\1", out)
        out = _REPEATED_SEPARATORS.sub(r"\1", out)
        out = _SEPARATOR_BEFORE_STOP.sub(r"\1", out)
        out = _REPEATED_STOPS.sub(_stops, out)
        out = _STOP_AFTER_MARK.sub(r"\1", out)
        out = out.lstrip(",.;:!? ")
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), out)


class TemplateLibrary:
    """Templates on a search path: list them, look one up, render it."""

    def __init__(
        self,
        search_path: builtins.list[Path] | None = None,
        settings: Settings | None = None,
    ) -> None:
        if search_path is None:
            search_path = default_search_path(settings)
        self.search_path = [Path(p) for p in search_path]
        self._env = environment.make_environment(self.search_path)
        # Eval specs render one template hundreds of times: parse and compile once per version.
        self._infos: dict[Path, tuple[tuple[int, int], TemplateInfo]] = {}
        self._compiled: dict[tuple[Path, str], jinja2.Template] = {}

    def __repr__(self) -> str:
        return f"TemplateLibrary({[str(p) for p in self.search_path]!r})"

    def _files(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for folder in self.search_path:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
                if path.is_file():
                    found.setdefault(path.name[: -len(TEMPLATE_SUFFIX)], path)
        return found

    def names(self) -> builtins.list[str]:
        """Every template name on the search path, sorted (front matter is not read)."""
        return sorted(self._files())

    def list(self) -> builtins.list[TemplateInfo]:
        """Every template on the search path, sorted by name."""
        return [self._read(path, name) for name, path in sorted(self._files().items())]

    def get(self, name_or_path: str | Path) -> TemplateInfo:
        """A template by name (``"cinematic"``) or by path to a ``.j2`` file."""
        ref = str(name_or_path)
        looks_like_path = isinstance(name_or_path, Path) or "/" in ref or "\\" in ref
        if looks_like_path or Path(ref).is_file():
            path = Path(ref).expanduser()
            if path.is_file():
                return self._read(path.resolve(), path.name.removesuffix(TEMPLATE_SUFFIX))
            if looks_like_path:
                raise TemplateNotFound(f"{ref}: no such template file")
        name = ref.removesuffix(TEMPLATE_SUFFIX)
        for folder in self.search_path:
            candidate = folder / f"{name}{TEMPLATE_SUFFIX}"
            if candidate.is_file():
                return self._read(candidate, name)
        files = self._files()
        available = ", ".join(sorted(files)) or "none"
        hint = difflib.get_close_matches(name, files, n=1)
        did_you_mean = f"; did you mean {hint[0]!r}?" if hint else ""
        raise TemplateNotFound(f"no template named {name!r}{did_you_mean} (available: {available})")

    def render(
        self,
        template: TemplateRef,
        variables: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> RenderedPrompt:
        """Render ``template`` with ``variables`` (declared defaults fill the rest).

        ``params`` override the template's default generation parameters and are validated.
        """
        info = template if isinstance(template, TemplateInfo) else self.get(template)
        values = resolve_variables(info, variables or {})
        merged = info.params.merged(**dict(params or {}))
        text = normalise(environment.render(self._compile(info), info.path, values))
        if not text:
            raise TemplateVariableError(
                f"{environment.display_path(info.path)}: renders to an empty prompt"
            )
        return RenderedPrompt(
            prompt=Prompt(text=text, template=info.name, variables=values), params=merged
        )

    def _read(self, path: Path, name: str) -> TemplateInfo:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._infos.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        info = read_template(path, name)
        self._infos[path] = (stamp, info)
        return info

    def _compile(self, info: TemplateInfo) -> jinja2.Template:
        key = (info.path, info.source)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = environment.compile_template(self._env, info.source, info.path)
            self._compiled[key] = compiled
        return compiled


def resolve_variables(info: TemplateInfo, given: Mapping[str, Any]) -> dict[str, Any]:
    """Declared variables filled from ``given`` then defaults; unknown, missing, bad choice fail."""
    declared = ", ".join(info.variables) or "none"
    for name in given:
        if name not in info.variables:
            hint = difflib.get_close_matches(str(name), info.variables, n=1)
            did_you_mean = f"; did you mean {hint[0]!r}?" if hint else ""
            raise TemplateVariableError(
                f"template {info.name!r} has no variable {name!r}{did_you_mean} "
                f"(declared: {declared})"
            )
    values: dict[str, Any] = {}
    for name, var in info.variables.items():
        value = given.get(name)
        if value is None:
            value = var.default
        if value is None:
            raise TemplateVariableError(
                f"template {info.name!r} needs variable {name!r}"
                f"{': ' + var.description if var.description else ''} (declared: {declared})"
            )
        values[name] = _choose(info, var, value)
    return values


def _choose(info: TemplateInfo, var: TemplateVar, value: Any) -> Any:
    if var.choices is None or value in var.choices:
        return value
    # Values from the command line are strings: accept "8" for a choice declared as 8.
    for choice in var.choices:
        if str(choice) == str(value):
            return choice
    allowed = ", ".join(str(c) for c in var.choices)
    raise TemplateVariableError(
        f"template {info.name!r}: variable {var.name!r} cannot be {value!r} (allowed: {allowed})"
    )
