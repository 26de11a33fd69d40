"""Fixtures of the gRPC front's tests: one simulator serving REST and gRPC, and the real SDK.

The client is the official ``xai-sdk`` itself (pinned in the ``grpc`` extra), pointed at the
simulator the way its README points it at any host: ``api_host`` plus an insecure channel.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from xai_sdk import Client

from promptkit.sim import SimConfig, SimServer

KEY = "grpc-test-key"
MODEL = "grok-imagine-video"
# The SDK polls every second by default; the simulator is fast, so poll often.
POLL = datetime.timedelta(seconds=0.05)
TIMEOUT = datetime.timedelta(seconds=60)


def sim_config(**changes: Any) -> SimConfig:
    values: dict[str, Any] = {
        "api_key": KEY,
        "speed": 200.0,
        "rps": None,
        "rpm": None,
        "frozen_rate": 0.0,
        "drift_rate": 0.0,
    }
    values.update(changes)
    return SimConfig(**values)


@pytest.fixture
def sim() -> Iterator[SimServer]:
    """A simulator serving REST on one loopback port and gRPC on another."""
    with SimServer(sim_config(), grpc_port=0) as server:
        yield server


@pytest.fixture
def client(sim: SimServer) -> Iterator[Client]:
    assert sim.grpc_target is not None
    with Client(api_key=KEY, api_host=sim.grpc_target, use_insecure_channel=True) as sdk:
        yield sdk


def rest_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {KEY}"}


def download(url: str, path: Path) -> Path:
    """Fetch a clip the way an SDK user does: a plain HTTP GET of ``response.url``."""
    r = httpx.get(url, timeout=30)
    r.raise_for_status()
    path.write_bytes(r.content)
    return path


def sidecar(url: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(url + ".json", timeout=30).json()
    return body


def decoded_frames(path: Path) -> list[np.ndarray]:
    """Every frame OpenCV decodes from the file (grayscale)."""
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
    capture.release()
    return frames
