"""promptkit: write, lint, simulate and evaluate prompts for text-to-video models.

The package root stays import-light (``promptkit lint`` runs in pre-commit and must start fast):
the public API below is resolved lazily on first attribute access.
"""

from __future__ import annotations

# typing costs milliseconds to import and is needed only by the type checker.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

# public name -> owner module
_EXPORTS: dict[str, str] = {
    "GenerationParams": "promptkit.models",
    "Prompt": "promptkit.models",
    "PromptkitError": "promptkit.errors",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    owner = _EXPORTS.get(name)
    if owner is None:
        raise AttributeError(f"module 'promptkit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(owner), name)
