"""The pre-commit hook on a fresh machine: how long ``pre-commit install-hooks`` takes, how much
disk its environment holds, and which files ``pre-commit run --all-files`` flags.

Run: ``python benchmarks/bench_precommit.py``. It uses the ``pre-commit`` of this interpreter
(or pip-installs it into a temporary venv), clones this repository at its committed HEAD into a
temporary folder, and points a throw-away git repository's ``.pre-commit-config.yaml`` at that
clone (hook ``promptkit-lint``). ``install-hooks`` runs with an empty ``PRE_COMMIT_HOME``, an
empty virtualenv app-data folder and ``PIP_NO_CACHE_DIR=1``, so everything is downloaded and
built as on a machine that never ran it (pip's index settings are the environment's own); the
hook environment's size is its folder's disk usage (``du``, MB = 10^6 bytes). Then
``pre-commit run --all-files`` lints a small tree of prompt files that have findings next to
``LICENSE.txt``, ``CMakeLists.txt``, ``requirements.txt``, ``README.md``, a ``.txt`` outside a
``prompts`` folder and a ``.py`` file, each of which ``promptkit lint`` flags when it is given
it (checked in the same run), so a file missing from the hook's findings was never passed.
Baseline, same run: ``pip install '.[all]'`` (every extra) from the same clone into a fresh
venv, same settings. Targets: install-hooks <= 20 s and the hook environment <= 120 MB; only
prompt files flagged.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 20.0
TARGET_MB = 120.0
# Prompt files with findings (each is selected by the hook's `files` pattern) ...
PROMPTS = {
    "prompts/fox.txt": "A red fox in the snow.\n",
    "shots/harbour.prompt": "A harbour.\n",
    "prompts/night/city.txt": "In a still frame, a city at night.\n",
}
# ... and files that are not prompts, each flagged when linted by name.
OTHERS = {
    "LICENSE.txt": "MIT License\n\nCopyright (c) 2026 Example\n",
    "CMakeLists.txt": "cmake_minimum_required(VERSION 3.20)\nproject(demo)\n",
    "requirements.txt": "requests>=2.31\n",
    "README.md": "# Demo\n\nA small project.\n",
    "docs/notes.txt": "Remember to update the changelog.\n",
    "tool.py": "print('hello')\n",
}
FINDING = re.compile(r"^(\S+?):\d+:\d+: PK\d+", re.MULTILINE)


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None,
         check: bool = True) -> tuple[float, subprocess.CompletedProcess[str]]:  # fmt: skip
    """(wall seconds, finished process); a failure it was not told to allow ends the run."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if check and done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return wall, done


def _disk_mb(path: Path) -> float:
    """Disk usage of a folder like ``du -s`` (allocated blocks, hard links once), in MB."""
    seen: set[tuple[int, int]] = set()
    blocks = 0
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            st = os.lstat(os.path.join(folder, name))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                blocks += st.st_blocks
    return (blocks + os.lstat(path).st_blocks) * 512 / 1e6


def _pre_commit(tmp: Path, env: dict[str, str], say: Callable[[str], None]) -> list[str]:
    """The command that runs pre-commit: this interpreter's, or one installed for the run."""
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    venv = tmp / "pre-commit-venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp)
    wall, _ = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "pre-commit"],
                   tmp, env)  # fmt: skip
    say(f"setup     pip install pre-commit into a temporary venv: {wall:.1f} s (not measured)")
    return [str(venv / "bin" / "python"), "-m", "pre_commit"]


def _project(folder: Path, clone: Path, rev: str) -> None:
    """A throw-away git repository whose pre-commit config uses the hook from ``clone``."""
    folder.mkdir()
    for name, text in {**PROMPTS, **OTHERS}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n      - id: promptkit-lint\n",
        encoding="utf-8",
    )
    _run(["git", "init", "-q"], folder)
    _run(["git", "add", "-A"], folder)


def main() -> str:
    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    load = os.getloadavg()
    say(f"machine   {os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / "
        f"{load[2]:.2f} (1/5/15 min) at start")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-precommit-") as name:
        tmp = Path(name)
        # Fresh caches for pre-commit, virtualenv's seed wheels and pip; the index is the
        # environment's (PIP_INDEX_URL, PIP_FIND_LINKS, pip.conf), as on the user's machine.
        env = {**os.environ, "PIP_NO_CACHE_DIR": "1", "PRE_COMMIT_HOME": str(tmp / "home"),
               "VIRTUALENV_OVERRIDE_APP_DATA": str(tmp / "virtualenv-app-data")}  # fmt: skip
        env.pop("PIP_CACHE_DIR", None)
        pre_commit = _pre_commit(tmp, env, say)
        clone = tmp / "promptkit"
        _run(["git", "clone", "-q", str(REPO), str(clone)], tmp)
        rev = _run(["git", "rev-parse", "HEAD"], REPO)[1].stdout.strip()
        _run(["git", "checkout", "-q", rev], clone)
        version = _run([*pre_commit, "--version"], tmp)[1].stdout.strip()
        say(f"setup     {version}, Python {sys.version.split()[0]}, promptkit at {rev[:12]}")
        project = tmp / "project"
        _project(project, clone, rev)

        install_s, _ = _run([*pre_commit, "install-hooks"], project, env)
        hook_env = next((tmp / "home").glob("repo*/py_env-*"))
        hook_mb, home_mb = _disk_mb(hook_env), _disk_mb(tmp / "home")
        freeze = _run([str(hook_env / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
                      tmp, env)[1].stdout.split()  # fmt: skip
        installed = sorted(p.split("==")[0].lower().replace("_", "-") for p in freeze)

        run_s, run = _run([*pre_commit, "run", "--all-files", "--verbose"], project, env, False)
        duration = re.search(r"- duration: ([0-9.]+)s", run.stdout)
        flagged = sorted(set(FINDING.findall(run.stdout)))
        # Every non-prompt file is flagged when named, so none flagged means none passed.
        lint = [str(hook_env / "bin" / "promptkit"), "lint", "--exit-zero", *sorted(OTHERS)]
        if_named = sorted(set(FINDING.findall(_run(lint, project, env)[1].stdout)))

        base_venv = tmp / "full"
        start = time.perf_counter()
        _run([sys.executable, "-m", "venv", str(base_venv)], tmp, env)
        _run([str(base_venv / "bin" / "python"), "-m", "pip", "install", "-q", f"{clone}[all]"],
             tmp, env)  # fmt: skip
        full_s, full_mb = time.perf_counter() - start, _disk_mb(base_venv)

    met = "met" if install_s <= TARGET_S and hook_mb <= TARGET_MB else "NOT met"
    say(f"baseline  pip install '.[all]' into a fresh venv        {full_mb:7.1f} MB in "
        f"{full_s:5.1f} s (venv and install, no cache)")  # fmt: skip
    say(f"hook      pre-commit install-hooks, fresh machine       {hook_mb:7.1f} MB in "
        f"{install_s:5.1f} s (x{hook_mb / full_mb:.3f} the size, x{install_s / full_s:.2f} the "
        f"time; target <= {TARGET_MB:.0f} MB and <= {TARGET_S:.0f} s: {met}; PRE_COMMIT_HOME "
        f"with the repository clone {home_mb:.1f} MB)")  # fmt: skip
    say(f"hook      environment holds {len(installed)} packages: {', '.join(installed)}")
    wrong = sorted(set(flagged) & set(OTHERS))
    missed = sorted(set(PROMPTS) - set(flagged))
    hook_s = duration[1] if duration else "?"
    say(f"run       pre-commit run --all-files {run_s:5.2f} s (hook {hook_s} s, exit "
        f"{run.returncode}); flagged: {', '.join(flagged) or 'none'}; non-prompt files flagged:"
        f" {', '.join(wrong) or 'none'} (target: none: {'NOT met' if wrong else 'met'}); "
        f"prompt files missed: {', '.join(missed) or 'none'}")  # fmt: skip
    say(
        f"check     promptkit lint flags {len(if_named)} of the {len(OTHERS)} non-prompt files "
        f"when named: {', '.join(if_named)}"
    )
    load = os.getloadavg()
    say(f"machine   load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at end")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
