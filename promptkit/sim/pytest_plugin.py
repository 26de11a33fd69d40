"""pytest plugin (entry point ``pytest11``, name ``promptkit_sim``): simulators for your tests.

Three fixtures, all on free loopback ports with fast, permissive defaults (instant-ish jobs, no
rate-limit surprises):

* ``promptkit_sim`` — a fresh simulator per test, stopped after it::

      def test_my_app_handles_failures(promptkit_sim):
          promptkit_sim.faults(fail_rate=1.0)
          run_my_app(base_url=promptkit_sim.base_url, api_key=promptkit_sim.api_key)
          assert promptkit_sim.stats()["by_status"] == {"failed": 1}

  ``@pytest.mark.promptkit_sim(dialect="blog", rps=1)`` changes the settings it starts with.
* ``promptkit_sim_session`` — one simulator shared by the whole session (no start/stop per
  test). Its counters and ledger accumulate, and a ``faults(...)`` change stays until
  ``restore()``.
* ``promptkit_sim_factory`` — ``promptkit_sim_factory(**settings)`` starts another simulator
  (as many as a test needs); all are stopped after the test.

For apps built on the official ``xai-sdk``, ``.grpc_target`` serves the same simulator over gRPC:
``Client(api_key=sim.api_key, api_host=sim.grpc_target, use_insecure_channel=True)``.

This module imports nothing but pytest until a fixture is used, so installing promptkit costs
a test session no start-up time. ``pytest -p no:promptkit_sim`` turns the plugin off.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from promptkit.sim.config import SimConfig
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
    """A running simulator, as the fixtures yield it."""

    def __init__(self, server: SimServer) -> None:
        self.server = server
        self._initial = server.state.config

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

    def restore(self) -> SimConfig:
        """Put back the settings the simulator started with (undoes every :meth:`faults`)."""
        return self.server.configure(**self._initial.model_dump())

    def stats(self) -> dict[str, Any]:
        return self.server.stats()

    def ledger(self) -> list[dict[str, Any]]:
        return self.server.ledger_entries()


@contextlib.contextmanager
def running_simulator(**settings: Any) -> Iterator[SimFixture]:
    """A simulator with :data:`FIXTURE_DEFAULTS` overlaid by ``settings``, stopped on exit.

    For a fixture of your own scope::

        @pytest.fixture(scope="module")
        def blog_sim():
            with running_simulator(dialect="blog") as sim:
                yield sim
    """
    from promptkit.sim.config import build_config
    from promptkit.sim.server import SimServer

    with SimServer(build_config(**{**FIXTURE_DEFAULTS, **settings})) as server:
        yield SimFixture(server)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "promptkit_sim(**settings): settings for the promptkit_sim fixture's simulator"
    )


@pytest.fixture
def promptkit_sim(request: pytest.FixtureRequest) -> Iterator[SimFixture]:
    """A running simulator on a free loopback port, stopped after the test."""
    marker = request.node.get_closest_marker("promptkit_sim")
    with running_simulator(**(marker.kwargs if marker else {})) as sim:
        yield sim


@pytest.fixture(scope="session")
def promptkit_sim_session() -> Iterator[SimFixture]:
    """One running simulator for the whole test session."""
    with running_simulator() as sim:
        yield sim


@pytest.fixture
def promptkit_sim_factory() -> Iterator[Callable[..., SimFixture]]:
    """``make(**settings)`` starts a simulator; every one made is stopped after the test."""
    with contextlib.ExitStack() as stack:

        def make(**settings: Any) -> SimFixture:
            return stack.enter_context(running_simulator(**settings))

        yield make
