"""The local xAI-compatible video API simulator: real HTTP, real H.264 clips that follow the prompt.

Public API::

    from promptkit.sim import SimConfig, SimServer, create_app

    with SimServer(SimConfig(speed=100, rps=50, rpm=3000)) as sim:
        ...  # talk to sim.base_url with sim.api_key

``SimServer(..., grpc_port=0)`` also serves the official ``xai-sdk``'s gRPC video service over
the same state (``sim.grpc_target``; needs the ``grpc`` extra).

``create_app`` returns the ASGI app for in-process use (``httpx.ASGITransport(app=...)``);
``app.state`` holds the live state (faults, ledger, stats).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from promptkit.sim.app import ConnectionDropped, SimApp, create_app
    from promptkit.sim.config import SimConfig, build_config
    from promptkit.sim.jobs import ManualClock, MonotonicClock
    from promptkit.sim.server import SimServer
    from promptkit.sim.state import SimState

# public name -> owner module, imported on first access: the pytest plugin lives in this
# package and must not load Starlette, uvicorn, NumPy or PyAV when pytest starts.
_EXPORTS: dict[str, str] = {
    "ConnectionDropped": "promptkit.sim.app",
    "ManualClock": "promptkit.sim.jobs",
    "MonotonicClock": "promptkit.sim.jobs",
    "SimApp": "promptkit.sim.app",
    "SimConfig": "promptkit.sim.config",
    "SimServer": "promptkit.sim.server",
    "SimState": "promptkit.sim.state",
    "build_config": "promptkit.sim.config",
    "create_app": "promptkit.sim.app",
}

__all__ = [
    "ConnectionDropped",
    "ManualClock",
    "MonotonicClock",
    "SimApp",
    "SimConfig",
    "SimServer",
    "SimState",
    "build_config",
    "create_app",
]


def __getattr__(name: str) -> Any:
    owner = _EXPORTS.get(name)
    if owner is None:
        raise AttributeError(f"module 'promptkit.sim' has no attribute {name!r}")
    return getattr(importlib.import_module(owner), name)
