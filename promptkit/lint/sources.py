"""Input kinds for ``promptkit lint``: where prompts come from and how findings map back.

* ``.txt`` / ``.prompt`` (and any other file named on the command line): one prompt per file,
  or one per non-empty line with ``--lines`` (lines starting with ``#`` are comments);
* ``-``: standard input, the same way;
* ``.j2``: a template, rendered with its declared defaults and with each declared choice of
  variables that have at most :data:`MAX_CHOICES` choices, plus template checks;
* ``.yaml`` / ``.yml``: an eval spec, every expanded variant (``promptkit.runner``).

Templates and specs import their modules lazily so plain prompt files never load Jinja, YAML
or pydantic. Which files a folder holds for lint is :mod:`promptkit.lint.discovery`'s to say.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from promptkit.errors import InputError, PromptkitError
from promptkit.lint.config import LintConfig
from promptkit.lint.diagnostic import Diagnostic
from promptkit.lint.discovery import select_files
from promptkit.lint.engine import lint_text
from promptkit.lint.registry import RULES
from promptkit.lint.suppression import (
    Suppression,
    jinja_markers,
    strip_marker_lines,
    strip_trailing,
)

TEMPLATE_SUFFIXES = (".j2",)
SPEC_SUFFIXES = (".yaml", ".yml")
MAX_CHOICES = 6

TYPE_CHECKING = False  # typing is for the type checker only: the lint path starts without it
if TYPE_CHECKING:
    from typing import Any, TextIO


def lint_paths(
    paths: Sequence[str],
    config: LintConfig,
    *,
    lines: bool = False,
    stdin: TextIO | None = None,
    duration: int | None = None,
    reference_images: int = 0,
) -> tuple[list[Diagnostic], int]:
    """Lint every input with one ``config`` (folders walked by its include/exclude); returns
    the diagnostics and how many prompts were checked.

    ``duration`` and ``reference_images`` are the generation parameters of plain prompt files
    (templates and specs carry their own).
    """
    files = select_files(paths, lambda folder: config)
    return lint_files(
        files,
        lambda name: config,
        lines=lines,
        stdin=stdin,
        duration=duration,
        reference_images=reference_images,
    )


def lint_files(
    files: Sequence[str],
    config_for: Callable[[str], LintConfig],
    *,
    lines: bool = False,
    stdin: TextIO | None = None,
    duration: int | None = None,
    reference_images: int = 0,
) -> tuple[list[Diagnostic], int]:
    """Lint each of ``files`` (``-`` is stdin) with ``config_for(file)``: the diagnostics (in
    report order) and how many prompts were checked."""
    diagnostics: list[Diagnostic] = []
    prompts = 0
    for item in lint_stream(
        files, config_for, lines=lines, stdin=stdin, duration=duration,
        reference_images=reference_images,
    ):  # fmt: skip
        if isinstance(item, Diagnostic):
            diagnostics.append(item)
        else:
            prompts += item
    return diagnostics, prompts


def lint_stream(
    files: Sequence[str],
    config_for: Callable[[str], LintConfig],
    *,
    lines: bool = False,
    stdin: TextIO | None = None,
    duration: int | None = None,
    reference_images: int = 0,
) -> Iterator[Diagnostic | int]:
    """:func:`lint_files` as a stream: every finding in report order (by file, line, column and
    code) and a 1 for each prompt checked, a file at a time, so that reporting on 100,000 prompts
    holds one prompt's findings at once, not all of them.

    Prompt files yield in order as they are read (a prompt's findings are sorted, and with
    ``--lines`` each prompt is a later line); a template's or spec's findings are sorted per
    file. A file that does not exist is an error before anything is yielded.
    """
    for raw in files:
        if raw != "-" and not Path(raw).is_file():
            raise InputError(f"{raw}: no such file")
    params = {"duration": duration, "reference_images": reference_images}
    for raw in sorted(files):
        items = _lint_one(raw, config_for(raw), lines=lines, stdin=stdin, params=params)
        if raw == "-" or Path(raw).suffix not in (*TEMPLATE_SUFFIXES, *SPEC_SUFFIXES):
            yield from items
            continue
        found: list[Diagnostic] = []
        for item in items:
            if isinstance(item, Diagnostic):
                found.append(item)
            else:
                yield item
        yield from sorted(found, key=Diagnostic.sort_key)


def _lint_one(
    raw: str, config: LintConfig, *, lines: bool, stdin: TextIO | None, params: dict[str, Any]
) -> Iterator[Diagnostic | int]:
    if raw == "-":
        text = (stdin or sys.stdin).read()
        yield from _lint_text_source("-", text, config, lines=lines, params=params)
        return
    path = Path(raw)
    if not path.is_file():
        raise InputError(f"{raw}: no such file")
    if path.suffix in TEMPLATE_SUFFIXES:
        yield from lint_template(path, config)
    elif path.suffix in SPEC_SUFFIXES:
        yield from lint_spec(path, config)
    elif lines:
        yield from _lint_file_lines(raw, path, config, params)
    else:
        yield from _lint_text_source(raw, _read(path), config, lines=lines, params=params)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def _file_lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 file as ``str.splitlines`` splits its text, read a line at a time."""
    try:
        with path.open(encoding="utf-8") as fh:
            for physical in fh:
                yield from physical.splitlines() or [""]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def _lint_file_lines(
    name: str, path: Path, config: LintConfig, params: dict[str, Any]
) -> Iterator[Diagnostic | int]:
    """``--lines`` on a file without holding it: one pass for its file-wide ``noqa`` markers
    (which also finds a file that is not UTF-8 before any finding is reported), then one that
    lints it a line at a time."""
    file_noqa = Suppression()
    for line in _file_lines(path):
        if "noqa" in line:
            file_noqa = file_noqa.merged(strip_marker_lines(line)[1])
    yield from _prompt_lines(name, _file_lines(path), config, file_noqa, params)


def _lint_text_source(
    name: str, text: str, config: LintConfig, *, lines: bool, params: dict[str, Any]
) -> Iterator[Diagnostic | int]:
    text, file_noqa = strip_marker_lines(text)
    if not lines:
        if text.strip():
            yield 1
            yield from lint_text(text, config=config, path=name, suppression=file_noqa, **params)
        return
    yield from _prompt_lines(name, text.splitlines(), config, file_noqa, params)


def _prompt_lines(
    name: str,
    lines: Iterable[str],
    config: LintConfig,
    file_noqa: Suppression,
    params: dict[str, Any],
) -> Iterator[Diagnostic | int]:
    """Each non-empty, non-comment line as its own prompt (``--lines``); marker lines are
    comments, so they are skipped here as they are blanked in whole-file mode."""
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        prompt, noqa = strip_trailing(line)
        yield 1
        yield from lint_text(
            prompt,
            config=config,
            path=name,
            line_offset=number - 1,
            suppression=noqa.merged(file_noqa),
            **params,
        )


def body_line(source: str) -> int:
    """The first prose line of a template's body: after the ``{#--- ... ---#}`` front matter
    and any lines holding only Jinja statements or comments (imports, macros)."""
    from promptkit.templates.metadata import FRONT_MATTER

    lines = source.splitlines()
    match = FRONT_MATTER.match(source)
    # The front matter ends on the line holding ``---#}``; the body starts below it.
    start = len(source[: match.end()].splitlines()) if match else 0
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if not stripped or _only_jinja(stripped):
            continue
        return index + 1
    return start + 1 if start < len(lines) else 1


def _only_jinja(line: str) -> bool:
    return (line.startswith("{%") and line.endswith("%}")) or (
        line.startswith("{#") and line.endswith("#}")
    )


def lint_template(path: Path, config: LintConfig) -> Iterator[Diagnostic | int]:
    """Template checks plus lint of each rendering (defaults, then each few-choice value)."""
    try:
        from promptkit.templates import TemplateLibrary
    except ImportError as exc:  # pragma: no cover - templates ship with promptkit
        raise InputError(f"{path}: template linting needs promptkit.templates") from exc
    library = TemplateLibrary()
    info = library.get(path)
    name = str(path)
    noqa = jinja_markers(info.source)
    first = body_line(info.source)
    codes = config.enabled(name)
    undeclared = info.undeclared()
    yield from _template_checks(info, undeclared, name, codes, noqa)
    if undeclared:
        return  # it cannot render (StrictUndefined); undeclared-variable already says why
    seen: set[tuple[str, str]] = set()
    for label, variables in _renderings(info):
        try:
            rendered = library.render(info, variables)
        except PromptkitError as exc:
            raise InputError(
                f"{name}: cannot render{f' with {label}' if label else ''}: {exc}"
            ) from exc
        params = rendered.params
        yield 1
        for d in lint_text(
            rendered.prompt.text,
            config=config,
            path=name,
            duration=params.duration,
            reference_images=len(params.reference_images or ()),
            suppression=noqa,
            fixed_line=first,
        ):
            key = (d.code, d.message)
            if key in seen:
                continue
            seen.add(key)
            yield d if not label else _labelled(d, label)


def _labelled(d: Diagnostic, label: str) -> Diagnostic:
    return d.replace(message=f"{d.message} [{label}]")


def _renderings(info: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "", {}
    for name, var in info.variables.items():
        choices = var.choices or ()
        if 1 < len(choices) <= MAX_CHOICES:
            for choice in choices:
                if choice != var.default:
                    yield f"{name}={choice}", {name: choice}


def _template_checks(
    info: Any,
    missing: list[tuple[str, int]],
    name: str,
    codes: frozenset[str],
    noqa: Suppression,
) -> Iterator[Diagnostic]:
    undeclared, unused = RULES["PK101"], RULES["PK102"]
    if undeclared.code in codes and not noqa.covers(undeclared.code):
        for var, line in missing:
            yield undeclared.diagnostic(
                name,
                line,
                1,
                f"variable '{var}' is used but not declared in the front matter",
                f"declare '{var}' under variables: with a default (and choices if it has few)",
            )
    if unused.code in codes and not noqa.covers(unused.code):
        for var in info.unused():
            yield unused.diagnostic(
                name,
                info.variables[var].line,
                1,
                f"declared variable '{var}' is never used",
                f"use {{{{ {var} }}}} in the body or remove the declaration",
            )


def lint_spec(path: Path, config: LintConfig) -> Iterator[Diagnostic | int]:
    """Lint every expanded variant of an eval spec at the spec line that produced it."""
    try:
        from promptkit.runner.lintsource import spec_prompts
    except ImportError as exc:
        raise InputError(f"{path}: eval spec linting needs promptkit.runner") from exc
    source = _read(path)
    _, file_noqa = strip_marker_lines(source)
    source_lines = source.splitlines()
    name = str(path)
    defaulted: set[tuple[str | None, str]] = set()
    for prompt in spec_prompts(path, source):
        noqa = file_noqa
        if 0 < prompt.line <= len(source_lines):
            noqa = strip_trailing(source_lines[prompt.line - 1])[1].merged(file_noqa)
        yield 1
        yield from _defaulted(prompt, name, config.enabled(name), noqa, defaulted)
        for d in lint_text(
            prompt.text,
            config=config,
            path=name,
            duration=prompt.duration,
            reference_images=prompt.reference_images,
            suppression=noqa,
            fixed_line=prompt.line,
        ):
            yield _labelled(d, prompt.label)


def _defaulted(
    prompt: Any,
    name: str,
    codes: frozenset[str],
    noqa: Suppression,
    seen: set[tuple[str | None, str]],
) -> Iterator[Diagnostic]:
    """``template-default`` findings of one spec prompt, once per template and variable."""
    rule = RULES["PK103"]
    if rule.code not in codes or noqa.covers(rule.code):
        return
    for var, default in prompt.defaults:
        if (prompt.template, var) in seen:
            continue
        seen.add((prompt.template, var))
        shown = default if len(default) <= 60 else default[:59] + "…"
        yield rule.diagnostic(
            name,
            prompt.line,
            1,
            f"'{var}' is left to the template default {shown!r} [{prompt.template}]",
            f"set {var} under variables: (or zip:) so every prompt reads as one shot",
        )
