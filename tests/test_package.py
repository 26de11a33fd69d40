"""The package's public surface and entry points."""

from __future__ import annotations

import subprocess
import sys

import promptkit
from promptkit.cli import COMMANDS


def test_all_is_sorted_and_resolvable() -> None:
    assert promptkit.__all__ == sorted(promptkit.__all__)
    for name in promptkit.__all__:
        assert getattr(promptkit, name) is not None


def test_python_dash_m_prints_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "promptkit", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.strip() == f"promptkit, version {promptkit.__version__}"


def test_every_registered_command_module_exists() -> None:
    import importlib.util

    missing = [n for n, t in COMMANDS.items() if importlib.util.find_spec(t.split(":")[0]) is None]
    assert missing == []


def test_python_dash_m_propagates_a_commands_exit_code(tmp_path) -> None:  # type: ignore[no-untyped-def]
    prompt = tmp_path / "p.txt"
    prompt.write_text("A horse.\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "promptkit", "lint", str(prompt)], capture_output=True, text=True
    )
    assert out.returncode == 1, out.stdout + out.stderr
