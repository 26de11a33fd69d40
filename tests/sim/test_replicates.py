"""Identical requests are new samples, as on a real model, yet a fresh simulator replays them."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx

from tests.sim.conftest import AUTH

BODY = {"prompt": "A red kite dives over a windy beach, the camera pans left", "duration": 1}


async def _clip_hashes(sim: Any, n: int) -> list[str]:
    hashes = []
    for _ in range(n):
        body = await sim.finish(await sim.submit(dict(BODY)))
        clip = await sim.client.get(body["video"]["url"])
        assert clip.status_code == 200
        hashes.append(hashlib.sha256(clip.content).hexdigest())
    return hashes


async def test_resubmitting_the_same_request_gives_a_new_clip(make_sim: Any) -> None:
    sim = await make_sim()
    first, second = await _clip_hashes(sim, 2)
    assert first != second


async def test_a_fresh_simulator_with_the_same_seed_replays_the_same_clips(make_sim: Any) -> None:
    one = await _clip_hashes(await make_sim(seed=7), 2)
    two = await _clip_hashes(await make_sim(seed=7), 2)
    assert one == two


async def test_the_user_field_does_not_change_the_clip(make_sim: Any) -> None:
    a, b = await make_sim(seed=3), await make_sim(seed=3)
    ra = await a.finish(await a.submit({**BODY, "user": "job-1"}))
    rb = await b.finish(await b.submit({**BODY, "user": "job-2"}))
    ca = await a.client.get(ra["video"]["url"], headers=AUTH)
    cb = await b.client.get(rb["video"]["url"], headers=AUTH)
    assert isinstance(ca, httpx.Response) and ca.content == cb.content
