"""The one Jinja environment promptkit renders with, and the mapping of Jinja's errors to ours.

Templates come from users and shared folders, so they run in a sandbox with ``StrictUndefined``
(a misspelt variable is an error, never an empty string) that also bounds time, memory, loops
and recursion per render (:mod:`promptkit.templates.limits`). This is the only
module that constructs a Jinja environment or catches a Jinja exception: everything else gets
:class:`~promptkit.errors.TemplateError` subclasses whose one-line messages start with
``path:line:``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
import jinja2.exceptions
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from promptkit.errors import (
    SandboxViolation,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    TemplateVariableError,
)
from promptkit.templates.limits import Budget, GuardedSandbox, RenderLimit, rendering

TEMPLATE_SUFFIX = ".j2"


def make_environment(search_path: Sequence[Path]) -> SandboxedEnvironment:
    """A sandboxed, strict environment whose loader looks in ``search_path`` in order.

    ``{% import "partials/camera.j2" as cam %}`` resolves against the same folders, so a user
    folder placed first can override a built-in partial.
    """
    return GuardedSandbox(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # prompts are plain text, never HTML
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def display_path(path: str | Path) -> str:
    """``path`` relative to the cwd when it lies below it (what a user typed), else as given."""
    p = Path(path)
    if not p.is_absolute():
        return str(p)
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def compile_template(env: SandboxedEnvironment, source: str, path: Path) -> jinja2.Template:
    """Compile ``source`` (read from ``path``) or raise a one-line TemplateSyntaxError."""
    local = env
    folders = getattr(env.loader, "searchpath", [])
    if str(path.parent) not in folders:
        # A file outside the search path (``promptkit render ./drafts/x.j2``) may import its
        # sibling partials; the search path still wins so overrides stay predictable.
        local = env.overlay(
            loader=jinja2.ChoiceLoader(
                [env.loader, jinja2.FileSystemLoader(str(path.parent))]  # type: ignore[list-item]
            )
        )
    try:
        code = local.compile(source, path.name, str(path))
    except CAUGHT as exc:
        raise map_error(exc, path) from None
    except RecursionError:
        raise TemplateSyntaxError(
            f"{display_path(path)}: the template is nested too deeply"
        ) from None
    return local.template_class.from_code(local, code, local.make_globals(None), None)


def parse(env: SandboxedEnvironment, source: str, path: Path) -> nodes.Template:
    """The template's AST (for variable checks), or a one-line TemplateSyntaxError."""
    try:
        return env.parse(source, path.name, str(path))
    except CAUGHT as exc:
        raise map_error(exc, path) from None
    except RecursionError:
        raise TemplateSyntaxError(
            f"{display_path(path)}: the template is nested too deeply"
        ) from None


def render(
    template: jinja2.Template,
    path: Path,
    variables: Mapping[str, Any],
    budget: Budget | None = None,
) -> str:
    """Render within a fresh :class:`Budget` (or ``budget``), with Jinja's errors mapped to ours
    (sandbox, undefined, syntax in a partial, a render limit)."""
    out: list[str] = []
    try:
        with rendering(budget) as spent:
            for chunk in template.generate(**variables):
                spent.emit(len(chunk))
                out.append(chunk)
    except CAUGHT as exc:
        raise map_error(exc, path) from None
    except RecursionError:
        raise TemplateError(
            f"{display_path(path)}: recursion too deep (a macro or include that calls itself?)"
        ) from None
    except MemoryError:
        raise TemplateError(f"{display_path(path)}: rendering ran out of memory") from None
    return "".join(out)


def used_variables(env: SandboxedEnvironment, ast: nodes.Template) -> dict[str, int]:
    """Names the template reads from its context, each with the first line that reads it.

    Jinja's globals (``range``, ``cycler``, ...) are not variables a template declares.
    """
    free = meta.find_undeclared_variables(ast) - set(env.globals)
    lines: dict[str, int] = {}
    for node in ast.find_all(nodes.Name):
        if node.ctx == "load" and node.name in free:
            lines[node.name] = min(lines.get(node.name, node.lineno), node.lineno)
    return {name: lines.get(name, 1) for name in sorted(free)}


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """(file, line) of the innermost template frame in Jinja's rewritten traceback."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIX):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _where(exc: BaseException, path: Path) -> str:
    filename = getattr(exc, "filename", None)
    lineno = getattr(exc, "lineno", None)
    if filename and lineno:
        return f"{display_path(filename)}:{lineno}"
    frame = _template_frame(exc.__traceback__)
    if frame is not None:
        return f"{display_path(frame[0])}:{frame[1]}"
    return display_path(filename or path)


# Python errors raised by expressions inside a template (``{{ 1 / 0 }}``, ``{{ x[9] }}``) are
# the template's fault too, so they are reported like Jinja's own.
CAUGHT = (
    jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError, RenderLimit,
)  # fmt: skip


def map_error(exc: BaseException, path: Path) -> TemplateError:
    """The promptkit error for a Jinja (or in-template Python) exception, ``path:line:`` first."""
    where = _where(exc, path)
    detail = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateSyntaxError(f"{where}: {detail}")
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return SandboxViolation(f"{where}: refused by the sandbox: {detail}")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateVariableError(f"{where}: {detail} (declare it in the front matter)")
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateNotFound(f"{where}: cannot import {exc.name!r}: not on the template path")
    if isinstance(exc, jinja2.TemplateError | RenderLimit):
        return TemplateError(f"{where}: {detail}")
    return TemplateError(f"{where}: {type(exc).__name__}: {detail}")
