"""What a rule is: a code, a stable name, a default severity, its documentation, and a check.

A rule's class docstring is its documentation, with the fixed sections of :data:`SECTIONS`
(What it does / Why is this bad? / Example / Use instead / Source); ``promptkit rule`` prints
it and a test fails when a section is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from promptkit.lint.diagnostic import Diagnostic

if TYPE_CHECKING:
    from promptkit.lint.analysis import Analysis
    from promptkit.lint.config import LintConfig

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Source")
SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class Context:
    """What is known about the prompt besides its text."""

    config: LintConfig
    duration: int | None = None
    reference_images: int = 0

    @property
    def seconds(self) -> int:
        return self.duration if self.duration is not None else self.config.default_duration


@dataclass(frozen=True)
class Finding:
    """One problem at a character offset of the prompt text."""

    offset: int
    message: str
    help: str


class Rule:
    """Base class: subclasses set ``code``, ``name``, ``severity`` and implement ``check``."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "warning"
    # Template checks run on a template's source, not on a rendered prompt.
    template_check: ClassVar[bool] = False

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        return ()

    def diagnostic(self, path: str, line: int, column: int, message: str, help: str) -> Diagnostic:
        """A finding of this rule at ``path:line:column``, with its code, name and severity."""
        return Diagnostic(path, line, column, self.code, self.name, self.severity, message, help)

    @classmethod
    def doc(cls) -> str:
        import inspect  # only ``promptkit rule`` and SARIF output read the docs

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first line of the documentation."""
        return cls.doc().splitlines()[0] if cls.doc() else cls.name

    @classmethod
    def section(cls, heading: str) -> str:
        """The text under one heading of the documentation ("" when absent)."""
        lines = cls.doc().splitlines()
        out: list[str] = []
        inside = False
        for line in lines:
            if line.startswith("## "):
                inside = line[3:].strip() == heading
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()
