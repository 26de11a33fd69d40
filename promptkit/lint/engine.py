"""Run the selected rules over one prompt and turn findings into Diagnostics.

:func:`lint_prompt` is the library entry point (the eval runner's lint gate calls it);
:func:`lint_text` is what the command line uses for prompts read from files, with their
suppressions and known generation parameters.
"""

from __future__ import annotations

from promptkit.lint.analysis import Analysis
from promptkit.lint.config import LintConfig
from promptkit.lint.diagnostic import Diagnostic
from promptkit.lint.rules.base import Context
from promptkit.lint.suppression import Suppression

_DEFAULT: LintConfig | None = None


def default_config() -> LintConfig:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LintConfig()
    return _DEFAULT


def lint_prompt(
    text: str,
    *,
    duration: int | None = None,
    reference_images: int = 0,
    config: LintConfig | None = None,
    path: str = "<prompt>",
    line_offset: int = 0,
) -> list[Diagnostic]:
    """Lint one prompt; positions are 1-based, lines shifted by ``line_offset``."""
    return lint_text(
        text,
        config=config or default_config(),
        path=path,
        line_offset=line_offset,
        duration=duration,
        reference_images=reference_images,
    )


def lint_text(
    text: str,
    *,
    config: LintConfig,
    path: str,
    line_offset: int = 0,
    duration: int | None = None,
    reference_images: int = 0,
    suppression: Suppression | None = None,
    fixed_line: int | None = None,
) -> list[Diagnostic]:
    """Lint ``text``. ``fixed_line`` pins every finding to one line (rendered templates, specs,
    where a position in the rendering cannot be traced back)."""
    rules = config.rules(path)
    analysis = Analysis(text, config.vocabulary())
    ctx = Context(config=config, duration=duration, reference_images=reference_images)
    out: list[Diagnostic] = []
    # Whole-prompt findings (offset 0) point at the prompt's first character, not at blank
    # lines left where suppression markers were.
    first = len(text) - len(text.lstrip())
    for rule in rules:
        code = rule.code
        if suppression is not None and suppression.covers(code):
            continue
        for finding in rule.check(analysis, ctx):
            if fixed_line is not None:
                line, column = fixed_line, 1
            else:
                line, column = position(text, max(finding.offset, first))
                line += line_offset
            out.append(rule.diagnostic(path, line, column, finding.message, finding.help))
    out.sort(key=Diagnostic.sort_key)
    return out


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
