"""Which files ``promptkit lint`` checks, and with which settings: ruff's file selection.

* Every file gets the settings of its closest config file (see :mod:`promptkit.config`), with
  the command line's overrides applied on top of each; ``--config`` gives one file for all.
* A folder (``.`` when no path is given) is walked: folders and files matching ``exclude`` /
  ``extend-exclude`` are skipped, and a file is linted when it matches ``include`` /
  ``extend-include`` (by default prompt files, templates and eval specs; template partials,
  ``partials/*.j2`` and ``_*.j2``, are macros, not prompts).
* A file named on the command line is always linted, unless ``force-exclude`` is on and it (or
  a folder it is in, below its config's folder) is excluded: the pre-commit hook passes every
  changed file, so it runs with ``--force-exclude`` to honour the project's exclusions.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from promptkit.config import config_in, load_settings, settings_from
from promptkit.lint.config import LintConfig

TEMPLATE_SUFFIX = ".j2"
ConfigFor = Callable[[Path], LintConfig]
"""The lint settings of a folder (its files use them)."""


class ConfigResolver:
    """The :class:`LintConfig` of each folder, from its closest config file (cached per folder).

    ``overrides`` (command-line values; None means "not given") replace the settings of every
    config file; ``extend_exclude`` adds to each one's ``extend-exclude``.
    """

    def __init__(
        self,
        overrides: Mapping[str, Any] | None = None,
        *,
        extend_exclude: Sequence[str] = (),
        config_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self._extend_exclude = tuple(extend_exclude)
        self._environ = environ
        self._folders: dict[Path, LintConfig] = {}
        self._sources: dict[Path | None, LintConfig] = {}
        self._fixed = (
            None
            if config_file is None
            else self._build(load_settings(config_file=config_file, environ=environ))
        )

    def __call__(self, folder: Path) -> LintConfig:
        if self._fixed is not None:
            return self._fixed
        folder = Path(os.path.abspath(folder))
        cached = self._folders.get(folder)
        if cached is None:
            found = config_in(folder)
            if found is not None:
                cached = self._sources.get(found[0])
                if cached is None:
                    cached = self._sources[found[0]] = self._build(
                        settings_from(found, self._environ)
                    )
            elif folder.parent != folder:
                cached = self(folder.parent)
            else:  # no config file anywhere above: defaults, paths from the cwd
                cached = self._sources.get(None)
                if cached is None:
                    cached = self._sources[None] = self._build(settings_from(None, self._environ))
            self._folders[folder] = cached
        return cached

    def _build(self, settings: Any) -> LintConfig:
        config = LintConfig.from_settings(settings).replace(**self._overrides)
        if self._extend_exclude:
            config = dataclasses.replace(
                config, extend_exclude=(*config.extend_exclude, *self._extend_exclude)
            )
        return config


def select_files(paths: Sequence[str], config_for: ConfigFor) -> list[str]:
    """The files to lint for ``paths`` (folders walked, ``-`` kept), each once, in order.

    A path that does not exist is kept, so the linter reports it.
    """
    out: dict[str, None] = {}
    for raw in paths:
        path = Path(raw)
        if raw == "-" or not path.exists():
            out[raw] = None
        elif path.is_dir():
            if not _forced_out(path, config_for(path)):
                out.update((str(p), None) for p in _walk(path, config_for))
        elif not _forced_out(path, config_for(path.parent)):
            out[raw] = None
    return list(out)


def is_partial(path: Path) -> bool:
    """A template's macro file (imported by templates), not a prompt of its own."""
    return path.name.startswith("_") or "partials" in path.parts


def _walk(top: Path, config_for: ConfigFor) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        # A folder is judged by its own settings (it may hold a config file of its own).
        dirnames[:] = sorted(d for d in dirnames if not config_for(here / d).excludes(here / d))
        config = config_for(here)
        for name in sorted(filenames):
            path = here / name
            if config.excludes(path) or not config.includes(path):
                continue
            if path.suffix == TEMPLATE_SUFFIX and is_partial(path):
                continue
            yield path


def _forced_out(path: Path, config: LintConfig) -> bool:
    """With ``force-exclude``: ``path`` or a folder it is in (below the config's root) is
    excluded. The root and above are not looked at: a project may live in a ``build`` folder."""
    if not config.force_exclude:
        return False
    root = Path(os.path.abspath(config.root or Path.cwd()))
    absolute = Path(os.path.abspath(path))
    chain = [absolute]
    if root in absolute.parents:
        chain += [p for p in absolute.parents if root in p.parents]
    return any(config.excludes(p) for p in chain)
