"""Fixtures of the runner tests: spec files and a fast simulator on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from promptkit.cli import main
from promptkit.sim import SimConfig, SimServer

# Fast enough for tests, slow enough that jobs are really pending for a moment.
FAST_SIM: dict[str, Any] = {"speed": 40.0, "rps": 100.0, "rpm": 6000.0}

BASE_SPEC: dict[str, Any] = {
    "version": 1,
    "name": "t",
    "templates": ["nature_documentary", "vague_baseline"],
    "variables": {"subject": ["a red fox", "a grey heron"]},
    "params": {"duration": 1},
    "arms": "template",
    "replicates": 2,
    "lint": "off",
    "polling": {"interval": 0.2, "min_interval": 0.1},
    "sim": FAST_SIM,
}


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write a spec (BASE_SPEC updated with ``changes``; None deletes a key) and return its path."""

    def write(name: str = "spec.yaml", **changes: Any) -> Path:
        data = dict(BASE_SPEC)
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def sim() -> Iterator[SimServer]:
    """A simulator the test owns, so its ledger outlives any runner."""
    with SimServer(SimConfig(**FAST_SIM)) as server:
        yield server


def ledger_by_user(server: SimServer) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in server.ledger_entries():
        out.setdefault(str(entry.get("user")), []).append(entry)
    return out


def run_eval(args: list[str]) -> int:
    """Run ``promptkit eval ARGS`` in-process and return its exit code."""
    try:
        main(["eval", *args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
