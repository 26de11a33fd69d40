"""Settings: one load order for every part of promptkit, and where the config file is found.

defaults < the closest config file < ``PROMPTKIT_*`` environment variables < command-line flags
(applied by the caller).

The closest config file is found as ruff finds its own: walking up from the folder in question,
the first folder holding ``.promptkit.toml``, ``promptkit.toml`` (the table itself, keys at the
top level) or a ``pyproject.toml`` *that has a* ``[tool.promptkit]`` *table*, in that order of
precedence; a ``pyproject.toml`` without the table is passed over, so a sub-project's packaging
file does not hide its parent's settings. Settings are not merged across files: the closest one
wins. A file given explicitly (``promptkit lint --config``) replaces the search.

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
# Read by the command line itself (click), not settings.
NOT_SETTINGS = frozenset({"PROMPTKIT_DEBUG", "PROMPTKIT_OUTPUT_FORMAT"})
# Config file names in one folder, the first present wins.
CONFIG_NAMES = (".promptkit.toml", "promptkit.toml", "pyproject.toml")


@dataclass(frozen=True)
class Settings:
    """Merged settings and where they came from."""

    data: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    """The config file that was read, if any."""
    base: Path | None = None
    """The folder relative paths in the settings are resolved against, when it is not the
    config file's folder (a file given with ``--config`` resolves against the cwd)."""

    @property
    def root(self) -> Path:
        """The project root: :attr:`base`, else the config file's folder, else the cwd."""
        if self.base is not None:
            return self.base
        return self.source.parent if self.source else Path.cwd()

    def section(self, name: str) -> dict[str, Any]:
        """One table (``lint``, ``sim``, ...), empty when absent."""
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"[tool.promptkit.{name}] must be a table, not {value!r}")
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def read_config(path: Path) -> dict[str, Any] | None:
    """The promptkit table of a config file: all of a ``promptkit.toml``, the
    ``[tool.promptkit]`` table of a ``pyproject.toml`` (None when it has none)."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}") from exc
    if path.name != "pyproject.toml":
        return doc
    tool = doc.get("tool", {})
    table = tool.get("promptkit") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.promptkit] must be a table")
    return table


def config_in(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The config file of ``folder`` itself (not its parents) and its table, if it has one."""
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            table = read_config(candidate)
            if table is not None:
                return candidate, table
    return None


def find_config(start: Path | None = None) -> Path | None:
    """The closest config file at or above ``start`` (default: the cwd)."""
    found = _closest(start)
    return found[0] if found else None


def _closest(start: Path | None) -> tuple[Path, dict[str, Any]] | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        found = config_in(folder)
        if found is not None:
            return found
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
        if not name.startswith(ENV_PREFIX) or name in NOT_SETTINGS:
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


def load_settings(
    start: Path | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    config_file: Path | None = None,
) -> Settings:
    """Read the closest config file at or above ``start`` (or ``config_file``, whose relative
    paths then resolve against the cwd) and overlay the environment."""
    if config_file is not None:
        config_file = Path(config_file)
        if not config_file.is_file():
            raise ConfigError(f"{config_file}: no such config file")
        table = read_config(config_file)
        if table is None:
            raise ConfigError(f"{config_file}: has no [tool.promptkit] table")
        found: tuple[Path, dict[str, Any]] | None = (config_file.resolve(), table)
        base: Path | None = Path.cwd()
    else:
        found, base = _closest(start), None
    return settings_from(found, environ, base=base)


def settings_from(
    found: tuple[Path, dict[str, Any]] | None,
    environ: Mapping[str, str] | None = None,
    *,
    base: Path | None = None,
) -> Settings:
    """Settings from a config file's ``(path, table)`` (None: defaults) plus the environment."""
    source, data = found if found is not None else (None, {})
    return Settings(data=_merge(data, env_settings(environ)), source=source, base=base)
