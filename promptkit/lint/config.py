"""LintConfig: which rules run, their knobs and which files are linted, from
``[tool.promptkit.lint]`` and flags.

Keys may be written kebab-case (``per-file-ignores``) or snake_case. Unknown keys and unknown
rule selectors are configuration errors (one line, exit 2) so a typo never silently disables
a rule. File patterns (``per-file-ignores``, ``include``, ``exclude``) follow ruff: a pattern
without ``/`` matches a file or folder name; one with ``/`` matches the path from :attr:`root`
(the config file's folder); ``**/`` at its start matches at any depth.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from promptkit.errors import ConfigError
from promptkit.lint.diagnostic import SEVERITY_RANK, Frozen

TYPE_CHECKING = False  # typing is for the type checker only: the lint path starts without it
if TYPE_CHECKING:
    from typing import Any

    from promptkit.config import Settings

# Folders no one keeps prompts in (ruff's default ``exclude``).
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)
# What a folder walk lints: prompt files, templates and eval specs. A ``.txt`` is a prompt only
# in a ``prompts`` folder (so LICENSE.txt or requirements.txt never are); the pre-commit hook's
# ``files`` pattern says the same (a test keeps them equal).
DEFAULT_INCLUDE = ("*.prompt", "*.j2", "**/prompts/*.txt", "**/evals/*.yaml", "**/evals/*.yml")
_PATTERN_LISTS = ("include", "extend_include", "exclude", "extend_exclude")

# Mirrors promptkit.models.DEFAULT_DURATION (importing models would load pydantic on the lint
# path); a test keeps the two equal.
DEFAULT_DURATION = 8


# fmt: off
FIELDS = (
    "select", "ignore", "per_file_ignores", "severity", "word_budget", "word_budgets", "model",
    "min_content_words", "vague_max_words", "vague_max_content_words", "max_camera_moves",
    "words_per_second", "seconds_per_shot", "seconds_per_beat", "default_duration",
    "extra_vocab", "include", "extend_include", "exclude", "extend_exclude", "force_exclude",
    "root",
)
# fmt: on


class LintConfig(Frozen):
    """Rule selection and rule settings. Build with :meth:`from_settings` or directly.

    Immutable and compared by value, like a frozen dataclass; written out because
    ``dataclasses`` imports ``inspect``, which would slow every start of the pre-commit hook.

    * ``severity``: findings at or above it make ``promptkit lint`` exit 1;
    * ``word_budgets``: per-model word budgets; the entry for ``model`` wins over
      ``word_budget``;
    * ``extra_vocab``: extra words per vocabulary (motion_verb, env, camera_term, lighting,
      style, ...);
    * ``include`` / ``extend_include``: files a folder walk lints (files named on the command
      line are always linted); ``exclude`` / ``extend_exclude``: files and folders it skips
      (and, with ``force_exclude``, named files: pre-commit);
    * ``root``: the folder patterns with a ``/`` start from (the config file's); None: the cwd.
    """

    __slots__ = (*FIELDS, "_cache")
    _fields = FIELDS

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    per_file_ignores: Mapping[str, tuple[str, ...]]
    severity: str
    word_budget: int
    word_budgets: Mapping[str, int]
    model: str | None
    min_content_words: int
    vague_max_words: int
    vague_max_content_words: int
    max_camera_moves: int
    words_per_second: float
    seconds_per_shot: int
    seconds_per_beat: int
    default_duration: int
    extra_vocab: Mapping[str, tuple[str, ...]]
    include: tuple[str, ...]
    extend_include: tuple[str, ...]
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    force_exclude: bool
    root: Path | None
    _cache: dict[Any, Any]

    def __init__(
        self,
        select: tuple[str, ...] = ("ALL",),
        ignore: tuple[str, ...] = (),
        per_file_ignores: Mapping[str, tuple[str, ...]] | None = None,
        severity: str = "warning",
        word_budget: int = 200,
        word_budgets: Mapping[str, int] | None = None,
        model: str | None = None,
        min_content_words: int = 3,
        vague_max_words: int = 7,
        vague_max_content_words: int = 7,
        max_camera_moves: int = 2,
        words_per_second: float = 2.5,
        seconds_per_shot: int = 4,
        seconds_per_beat: int = 3,
        default_duration: int = DEFAULT_DURATION,
        extra_vocab: Mapping[str, tuple[str, ...]] | None = None,
        include: tuple[str, ...] = DEFAULT_INCLUDE,
        extend_include: tuple[str, ...] = (),
        exclude: tuple[str, ...] = DEFAULT_EXCLUDE,
        extend_exclude: tuple[str, ...] = (),
        force_exclude: bool = False,
        root: Path | None = None,
    ) -> None:
        values = (
            select,
            ignore,
            {} if per_file_ignores is None else per_file_ignores,
            severity,
            word_budget,
            {} if word_budgets is None else word_budgets,
            model,
            min_content_words,
            vague_max_words,
            vague_max_content_words,
            max_camera_moves,
            words_per_second,
            seconds_per_shot,
            seconds_per_beat,
            default_duration,
            {} if extra_vocab is None else extra_vocab,
            include,
            extend_include,
            exclude,
            extend_exclude,
            force_exclude,
            root,
        )
        for name, value in zip(FIELDS, values, strict=True):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_cache", {})
        self._validate()

    def _validate(self) -> None:
        from promptkit.lint import registry
        from promptkit.lint.lexicon import EXTENSIBLE

        for selector in (*self.select, *self.ignore, *_flatten(self.per_file_ignores.values())):
            if not registry.resolve(selector):
                raise ConfigError(
                    f"unknown lint rule selector {selector!r} (use a code like PK001, a prefix "
                    "like PK0, a rule name, or ALL)"
                )
        if self.severity not in SEVERITY_RANK:
            raise ConfigError(
                f"lint severity must be info, warning or error, not {self.severity!r}"
            )
        unknown = set(self.extra_vocab) - EXTENSIBLE
        if unknown:
            raise ConfigError(
                f"unknown extra-vocab categories {sorted(unknown)} (known: {sorted(EXTENSIBLE)})"
            )

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in FIELDS)

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], model: str | None = None, root: Path | None = None
    ) -> LintConfig:
        """Build from a ``[tool.promptkit.lint]`` table (kebab-case or snake_case keys)."""
        names = set(FIELDS) - {"root"}
        kwargs: dict[str, Any] = {"root": root}
        for key, value in data.items():
            attr = key.replace("-", "_")
            if attr not in names:
                raise ConfigError(f"unknown key {key!r} in [tool.promptkit.lint]")
            kwargs[attr] = _coerce(attr, value)
        if model is not None and "model" not in kwargs:
            kwargs["model"] = model
        return cls(**kwargs)

    @classmethod
    def from_settings(cls, settings: Settings) -> LintConfig:
        """Build from :class:`promptkit.config.Settings` (its ``lint`` section and ``model``);
        file patterns start from the settings' root."""
        return cls.from_mapping(
            settings.section("lint"), model=settings.get("model"), root=settings.root
        )

    def replace(self, **changes: Any) -> LintConfig:
        """A copy with command-line overrides applied (``None`` values are ignored)."""
        values = dict(zip(FIELDS, self._values(), strict=True))
        values.update((k, v) for k, v in changes.items() if v is not None)
        return LintConfig(**values)

    def includes(self, path: Path) -> bool:
        """Whether a folder walk lints the file ``path``."""
        return _matches(path, (*self.include, *self.extend_include), self._root())

    def excludes(self, path: Path) -> bool:
        """Whether ``path`` (a file or a folder) matches ``exclude`` or ``extend-exclude``."""
        return _matches(path, (*self.exclude, *self.extend_exclude), self._root())

    def _root(self) -> Path:
        return (self.root or Path.cwd()).absolute()

    def budget(self) -> int:
        if self.model and self.model in self.word_budgets:
            return int(self.word_budgets[self.model])
        return self.word_budget

    def enabled(self, path: str = "<prompt>") -> frozenset[str]:
        """Codes that run for ``path``: select, minus ignore, minus matching per-file-ignores."""
        cached: frozenset[str] | None = self._cache.get(path)
        if cached is None:
            cached = self._cache[path] = self._enabled(path)
        return cached

    def rules(self, path: str = "<prompt>") -> tuple[Any, ...]:
        """The prompt rules (not template checks) that run for ``path``, in code order."""
        key = ("rules", path)
        cached: tuple[Any, ...] | None = self._cache.get(key)
        if cached is None:
            from promptkit.lint.registry import RULES

            cached = tuple(
                RULES[c] for c in sorted(self.enabled(path)) if not RULES[c].template_check
            )
            self._cache[key] = cached
        return cached

    def vocabulary(self) -> Any:
        """The lexicon vocabulary, extended with :attr:`extra_vocab` (built once)."""
        vocab = self._cache.get(("vocab",))
        if vocab is None:
            from promptkit.lint.lexicon import vocabulary

            vocab = self._cache[("vocab",)] = vocabulary(self.extra_vocab)
        return vocab

    def _enabled(self, path: str) -> frozenset[str]:
        from promptkit.lint import registry

        codes: set[str] = set()
        for selector in self.select:
            codes |= registry.resolve(selector)
        for selector in self.ignore:
            codes -= registry.resolve(selector)
        posix = path.replace("\\", "/")
        for pattern, selectors in self.per_file_ignores.items():
            # As given on the command line (``drafts/*``), or anchored like every file pattern.
            if fnmatch.fnmatch(posix, pattern) or (
                posix != "-" and _matches(Path(path), (pattern,), self._root())
            ):
                for selector in selectors:
                    codes -= registry.resolve(selector)
        return frozenset(codes)


def _matches(path: Path, patterns: Iterable[str], root: Path) -> bool:
    name = path.name
    full: str | None = None
    for pattern in patterns:
        if "/" not in pattern:
            if fnmatch.fnmatchcase(name, pattern):
                return True
            continue
        if full is None:
            full = path.absolute().as_posix()
        if _glob(pattern, root).fullmatch(full):
            return True
    return False


@functools.lru_cache(maxsize=512)
def _glob(pattern: str, root: Path) -> re.Pattern[str]:
    """A path pattern as a regex over absolute POSIX paths: anchored at ``root`` unless it is
    absolute or starts with ``**/``; ``**/`` is any number of folders, ``*`` anything (also
    ``/``, as in ruff), ``?`` one character, ``[...]`` a class."""
    if pattern.startswith("**/"):
        head, pattern = "(?:.*/)?", pattern[3:]
    elif pattern.startswith("/"):
        head = ""
    else:
        head = re.escape(root.as_posix().rstrip("/") + "/")
    parts = [_translate(piece) for piece in pattern.split("**/")]
    return re.compile(head + "(?:.*/)?".join(parts), re.DOTALL)


def _translate(piece: str) -> str:
    # fnmatch.translate wraps its output as "(?s:...)\Z"; keep only the pattern itself.
    out = fnmatch.translate(piece)
    return out[len("(?s:") : -len(")\\Z")]


def _flatten(groups: Iterable[Iterable[str]]) -> list[str]:
    return [item for group in groups for item in group]


def _strings(attr: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"lint {attr.replace('_', '-')} must be a list of strings")
    return tuple(v.strip() for v in value)


def _coerce(attr: str, value: Any) -> Any:
    if attr in ("select", "ignore", *_PATTERN_LISTS):
        return _strings(attr, value)
    if attr == "force_exclude":
        if not isinstance(value, bool):
            raise ConfigError("lint force-exclude must be true or false")
        return value
    if attr in ("per_file_ignores", "extra_vocab"):
        if not isinstance(value, Mapping):
            raise ConfigError(f"lint {attr.replace('_', '-')} must be a table")
        return {str(k): _strings(attr, v) for k, v in value.items()}
    if attr == "word_budgets":
        if not isinstance(value, Mapping) or not all(isinstance(v, int) for v in value.values()):
            raise ConfigError("lint word-budgets must map model names to word counts")
        return dict(value)
    if attr in ("severity", "model"):
        if not isinstance(value, str):
            raise ConfigError(f"lint {attr} must be a string")
        return value
    if attr == "words_per_second":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ConfigError("lint words-per-second must be a positive number")
        return float(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"lint {attr.replace('_', '-')} must be a non-negative integer")
    return value
