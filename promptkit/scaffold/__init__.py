"""What promptkit ships for a new user: the project scaffold and the example evals.

:func:`scaffold` writes a starter project from the ``*.tmpl`` files beside this module: a
template, an eval spec that A/Bs it against a built-in baseline, a sample prompt, a
``[tool.promptkit]`` table in ``pyproject.toml`` and a ``.pre-commit-config.yaml`` that runs the
lint hook. It never overwrites a user's file without ``force`` and never rewrites a
``pyproject.toml`` (it appends the table only when there is none).

:func:`example_spec` finds a shipped example eval (``promptkit eval --example quickstart``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from promptkit import __version__
from promptkit.errors import ConfigError, InputError, UsageError
from promptkit.resources import shipped_dir

DATA = Path(__file__).resolve().parent
SUFFIX = ".tmpl"
# Written as plain files: (data file, path in the project).
FILES = (
    ("templates/my_shot.j2.tmpl", "templates/my_shot.j2"),
    ("evals/my_eval.yaml.tmpl", "evals/my_eval.yaml"),
    ("prompts/first.prompt.tmpl", "prompts/first.prompt"),
)
PYPROJECT = "pyproject.toml"
PRE_COMMIT = ".pre-commit-config.yaml"
HOOK_ID = "promptkit-lint"


@dataclass(frozen=True)
class Written:
    """One scaffold step: the project path and what happened to it."""

    path: str
    action: str
    """``created``, ``overwritten``, ``appended`` or ``kept`` (with why in :attr:`note`)."""
    note: str = ""


def _data(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8").replace("{version}", __version__)


def scaffold(root: Path, *, force: bool = False) -> list[Written]:
    """Write the starter project into ``root`` (created if missing); returns each step."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is a file, not a folder")
    root.mkdir(parents=True, exist_ok=True)
    steps = []
    for source, target in FILES:
        path = root / target
        existed = path.exists()
        if existed and not force:
            steps.append(Written(target, "kept", "exists (use --force to overwrite)"))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_data(source), encoding="utf-8")
        steps.append(Written(target, "overwritten" if existed else "created"))
    steps.append(_pyproject(root / PYPROJECT))
    steps.append(_pre_commit(root / PRE_COMMIT))
    return steps


def _pyproject(path: Path) -> Written:
    table = _data(PYPROJECT + SUFFIX)
    if not path.exists():
        path.write_text(table.lstrip("\n"), encoding="utf-8")
        return Written(PYPROJECT, "created")
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it to add [tool.promptkit]: {exc}") from exc
    if "promptkit" in doc.get("tool", {}):
        return Written(PYPROJECT, "kept", "already has a [tool.promptkit] table")
    separator = "" if not text or text.endswith("\n") else "\n"
    path.write_text(text + separator + table, encoding="utf-8")
    return Written(PYPROJECT, "appended", "[tool.promptkit] table")


def pre_commit_snippet() -> str:
    """The ``.pre-commit-config.yaml`` lines that run the lint hook at this release."""
    return _data("pre-commit-config.yaml" + SUFFIX)


def _pre_commit(path: Path) -> Written:
    if not path.exists():
        path.write_text(pre_commit_snippet(), encoding="utf-8")
        return Written(PRE_COMMIT, "created")
    if HOOK_ID in path.read_text(encoding="utf-8", errors="replace"):
        return Written(PRE_COMMIT, "kept", f"already runs {HOOK_ID}")
    # Merging YAML would lose the user's comments and layout: say what to add instead.
    return Written(PRE_COMMIT, "kept", "exists; add this repo entry under repos:")


def examples_dir() -> Path:
    """The shipped example evals: the checkout's ``evals/`` or the wheel's copy."""
    return shipped_dir("evals", "_examples")


def examples() -> list[str]:
    """Names of the shipped example evals."""
    return sorted(p.stem for p in examples_dir().glob("*.yaml"))


def example_spec(name: str) -> Path:
    """The spec file of the shipped example ``name`` (``quickstart``, ...)."""
    path = examples_dir() / f"{name}.yaml"
    if not path.is_file():
        raise InputError(f"no example eval {name!r} (examples: {', '.join(examples()) or 'none'})")
    return path
