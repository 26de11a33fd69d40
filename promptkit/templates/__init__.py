"""Prompt templates: the sandboxed Jinja library, front-matter metadata and variant expansion.

Implementation lives in private-by-convention modules (``environment``, ``metadata``,
``library``, ``variants``); this is the public surface.
"""

from __future__ import annotations

from promptkit.templates.library import TemplateLibrary, normalise
from promptkit.templates.metadata import RenderedPrompt, TemplateInfo, TemplateVar
from promptkit.templates.variants import Variant, expand, variant_id

__all__ = [
    "RenderedPrompt",
    "TemplateInfo",
    "TemplateLibrary",
    "TemplateVar",
    "Variant",
    "expand",
    "normalise",
    "variant_id",
]
