"""Settings: one load order for every part of promptkit.

defaults < ``[tool.promptkit]`` in the nearest ``pyproject.toml`` < ``PROMPTKIT_*`` environment
variables < command-line flags (applied by the caller).

Sections are plain tables (``[tool.promptkit.lint]``, ``[tool.promptkit.sim]``, ...); each part
validates its own section. Environment variables use ``__`` to reach into a section:
``PROMPTKIT_LINT__SELECT='["PK1"]'`` sets ``lint.select``; ``PROMPTKIT_PROVIDER=sim`` sets a
top-level key. Values are parsed as TOML values when they parse (numbers, booleans, arrays),
else kept as strings. This module is import-light on purpose (stdlib only): the linter loads it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptkit.errors import ConfigError

ENV_PREFIX = "PROMPTKIT_"


@dataclass(frozen=True)
class Settings:
    """Merged settings and where they came from."""

    data: dict[str, Any] = field(default_factory=dict)
    pyproject: Path | None = None

    @property
    def root(self) -> Path:
        """The project root: the folder of the pyproject.toml that was read, else the cwd."""
        return self.pyproject.parent if self.pyproject else Path.cwd()

    def section(self, name: str) -> dict[str, Any]:
        """One table (``lint``, ``sim``, ...), empty when absent."""
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"[tool.promptkit.{name}] must be a table, not {value!r}")
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` (default: the cwd)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _parse_env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def env_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``PROMPTKIT_*`` variables as a nested settings table."""
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or name == "PROMPTKIT_DEBUG":
            continue
        path = [p.lower() for p in name[len(ENV_PREFIX) :].split("__") if p]
        if not path:
            continue
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{name}: conflicts with another PROMPTKIT_ variable")
        # A deeper variable (PROMPTKIT_LINT__SELECT) already made this key a table: whichever
        # order the environment lists them in, the clash is an error, never a silent overwrite.
        if isinstance(node.get(path[-1]), dict):
            raise ConfigError(f"{name}: conflicts with another PROMPTKIT_ variable")
        node[path[-1]] = _parse_env_value(raw)
    return out


def load_settings(start: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read ``[tool.promptkit]`` from the nearest pyproject.toml and overlay the environment."""
    pyproject = find_pyproject(start)
    data: dict[str, Any] = {}
    if pyproject is not None:
        try:
            doc = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{pyproject}: cannot read settings: {exc}") from exc
        table = doc.get("tool", {}).get("promptkit", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{pyproject}: [tool.promptkit] must be a table")
        data = table
    return Settings(data=_merge(data, env_settings(environ)), pyproject=pyproject)
