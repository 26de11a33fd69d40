"""The prompt linter: rules with codes and docs, selection, suppression, output formats.

Public API (import-light: nothing heavy loads until first use)::

    from promptkit.lint import lint_prompt, LintConfig, Diagnostic, RULES

``lint_prompt(text, duration=..., reference_images=..., config=...)`` returns a list of
:class:`Diagnostic`; ``RULES`` maps codes (``PK001``) to rules with ``name``, ``severity`` and
``doc()``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is for the type checker only: the lint path starts without it
if TYPE_CHECKING:
    from typing import Any

    from promptkit.lint.config import LintConfig
    from promptkit.lint.diagnostic import Diagnostic
    from promptkit.lint.engine import lint_prompt
    from promptkit.lint.registry import RULES

__all__ = ["Diagnostic", "LintConfig", "RULES", "lint_prompt"]

_WHERE = {
    "Diagnostic": "promptkit.lint.diagnostic",
    "LintConfig": "promptkit.lint.config",
    "lint_prompt": "promptkit.lint.engine",
    "RULES": "promptkit.lint.registry",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'promptkit.lint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
