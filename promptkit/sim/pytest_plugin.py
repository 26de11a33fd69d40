"""pytest plugin (entry point ``pytest11``): a ``promptkit_sim`` fixture for testing your own app.

The fixture starts a simulator on a free loopback port with fast, generous defaults (instant-ish
jobs, no rate limit surprises) and yields a :class:`SimFixture`::

    def test_my_app_handles_failures(promptkit_sim):
        promptkit_sim.faults(fail_rate=1.0)
        run_my_app(base_url=promptkit_sim.base_url, api_key=promptkit_sim.api_key)
        assert promptkit_sim.stats()["by_status"] == {"failed": 1}

For apps built on the official ``xai-sdk``, ``promptkit_sim.grpc_target`` serves the same
simulator over gRPC: ``Client(api_key=promptkit_sim.api_key, api_host=promptkit_sim.grpc_target,
use_insecure_channel=True)``.

Mark a test with ``@pytest.mark.promptkit_sim(dialect="blog", rps=1)`` to change the settings
the simulator starts with.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from promptkit.sim.config import SimConfig, build_config
from promptkit.sim.server import SimServer

# Fast and permissive, so a user's test suite does not wait or trip limits by accident.
FIXTURE_DEFAULTS: dict[str, Any] = {
    "api_key": "sim-test-key",
    "speed": 200.0,
    "rps": 1000.0,
    "rpm": 60000.0,
    "frozen_rate": 0.0,
    "drift_rate": 0.0,
}


class SimFixture:
    """What the ``promptkit_sim`` fixture yields."""

    def __init__(self, server: SimServer) -> None:
        self.server = server

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def api_key(self) -> str:
        return self.server.api_key

    @property
    def grpc_target(self) -> str:
        """``host:port`` for the official SDK's ``api_host`` (the gRPC front starts on first use;
        needs ``promptkit[grpc]``)."""
        return self.server.start_grpc()

    @property
    def config(self) -> SimConfig:
        return self.server.state.config

    def faults(self, **changes: Any) -> SimConfig:
        """Switch faults or limits on the running simulator (``fail_rate=1.0``, ``rps=1``, ...)."""
        return self.server.configure(**changes)

    def stats(self) -> dict[str, Any]:
        return self.server.stats()

    def ledger(self) -> list[dict[str, Any]]:
        return self.server.ledger_entries()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "promptkit_sim(**settings): settings for the promptkit_sim fixture's simulator"
    )


@pytest.fixture
def promptkit_sim(request: pytest.FixtureRequest) -> Iterator[SimFixture]:
    """A running simulator on a free loopback port, stopped after the test."""
    marker = request.node.get_closest_marker("promptkit_sim")
    settings = {**FIXTURE_DEFAULTS, **(marker.kwargs if marker else {})}
    with SimServer(build_config(**settings)) as server:
        yield SimFixture(server)
