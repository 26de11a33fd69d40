"""Fixtures for template tests: a scratch template folder and a library over it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from promptkit.templates import TemplateLibrary

WriteTemplate = Callable[..., Path]


@pytest.fixture()
def user_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir()
    return folder


@pytest.fixture()
def write(user_dir: Path) -> WriteTemplate:
    """Write ``name`` (relative to the scratch folder) with ``text`` and return its path."""

    def _write(name: str, text: str) -> Path:
        path = user_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture()
def library(user_dir: Path) -> TemplateLibrary:
    """The scratch folder only (no built-in templates)."""
    return TemplateLibrary(search_path=[user_dir])
