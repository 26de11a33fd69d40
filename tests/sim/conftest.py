"""Fixtures of the simulator tests: an in-process app on a manual clock, and helpers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from promptkit.sim import ManualClock, SimApp, SimConfig, create_app

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


def config(**changes: Any) -> SimConfig:
    """A quiet config: known key, no limits in the way, no imperfections."""
    values: dict[str, Any] = {
        "api_key": KEY,
        "rps": None,
        "rpm": None,
        "frozen_rate": 0.0,
        "drift_rate": 0.0,
        "render_workers": 2,
    }
    values.update(changes)
    return SimConfig(**values)


class Sim:
    """An app, its manual clock and an httpx client bound to it."""

    def __init__(self, app: SimApp, clock: ManualClock, client: httpx.AsyncClient) -> None:
        self.app, self.clock, self.client = app, clock, client

    @property
    def state(self) -> Any:
        return self.app.state

    async def submit(self, body: dict[str, Any], endpoint: str = "generations") -> str:
        r = await self.client.post(f"/v1/videos/{endpoint}", json=body, headers=AUTH)
        assert r.status_code == 200, r.text
        return str(r.json()["request_id"])

    async def rendered(self) -> None:
        """Wait until every render in flight has finished (real time, not the manual clock)."""
        futures = [j.future for j in list(self.state.store.jobs.values()) if j.future]
        await asyncio.gather(*(asyncio.wrap_future(f) for f in futures), return_exceptions=True)

    async def finish(self, request_id: str) -> dict[str, Any]:
        """Move time past the job's latency and return its final poll body."""
        await self.rendered()
        self.clock.advance(self.state.store.jobs[request_id].latency_s + 0.001)
        r = await self.client.get(f"/v1/videos/{request_id}", headers=AUTH)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body


@pytest.fixture
async def make_sim() -> AsyncIterator[Any]:
    """Factory: ``await make_sim(**config changes)`` -> :class:`Sim` (closed after the test)."""
    made: list[Sim] = []

    async def factory(**changes: Any) -> Sim:
        clock = ManualClock()
        app = create_app(config(**changes), clock=clock)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sim.test"
        )
        sim = Sim(app, clock, client)
        made.append(sim)
        return sim

    yield factory
    for sim in made:
        await sim.client.aclose()
        sim.state.close()
