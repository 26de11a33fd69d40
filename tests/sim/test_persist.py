"""A simulator started on the ``state_dir`` of an earlier one knows every job that one accepted."""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from promptkit.sim.persist import JOBS_FILE, JobFile, read_ledger
from tests.sim.conftest import AUTH

FOX = {"prompt": "a red fox runs across a meadow, the camera pans left", "duration": 1,
       "user": "run/fox-r1"}  # fmt: skip
HERON = {"prompt": "a grey heron glides over a lake", "duration": 1, "user": "run/heron-r1"}
BANNED = {"prompt": "a scene of gore", "duration": 1, "user": "run/banned-r1"}


async def _clip(sim: Any, body: dict[str, Any]) -> bytes:
    url = body["video"]["url"].replace("http://sim.test", "")
    r = await sim.client.get(url)
    assert r.status_code == 200
    return bytes(r.content)


async def test_a_restarted_simulator_knows_finished_pending_and_moderated_jobs(
    make_sim: Any, tmp_path: Path
) -> None:
    first = await make_sim(state_dir=tmp_path)
    fox = await first.submit(FOX)
    fox_body = await first.finish(fox)
    fox_bytes = await _clip(first, fox_body)
    banned = await first.submit(BANNED)
    await first.finish(banned)
    heron = await first.submit(HERON)  # still pending when the simulator goes away
    books = sorted(first.state.ledger_entries(), key=lambda e: e["request_id"])
    first.state.close()

    second = await make_sim(state_dir=tmp_path)
    assert sorted(second.state.ledger_entries(), key=lambda e: e["request_id"]) == books
    done = (await second.client.get(f"/v1/videos/{fox}", headers=AUTH)).json()
    assert done["status"] == "done" and done["usage"] == fox_body["usage"]
    # The clip is rendered again on demand, byte for byte the one first served.
    again = await _clip(second, done)
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(fox_bytes).hexdigest()
    moderated = (await second.client.get(f"/v1/videos/{banned}", headers=AUTH)).json()
    assert moderated["video"]["respect_moderation"] is False
    pending = await second.client.get(f"/v1/videos/{heron}", headers=AUTH)
    assert pending.status_code == 202
    # Nothing was rendered for it yet: it renders once due, then reads done.
    second.clock.advance(second.state.store.jobs[heron].latency_s + 1)
    assert (await second.client.get(f"/v1/videos/{heron}", headers=AUTH)).status_code == 202
    assert (await second.finish(heron))["status"] == "done"
    assert second.state.jobs_of("run/heron-r1") == [heron]
    assert second.state.jobs_of("run/never-sent") == []


async def test_a_new_submit_after_a_restart_is_a_new_sample(make_sim: Any, tmp_path: Path) -> None:
    first = await make_sim(state_dir=tmp_path)
    one = await first.finish(await first.submit(FOX))
    first.state.close()
    second = await make_sim(state_dir=tmp_path)
    two = await second.finish(await second.submit(FOX))
    # The same request again is a replicate (another seed), as it would have been unrestarted.
    assert await _clip(second, one) != await _clip(second, two)
    assert len(second.state.ledger_entries()) == 2


async def test_a_job_the_store_cannot_record_is_not_created(
    make_sim: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: JobFile, record: dict[str, Any]) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(JobFile, "_append", full)
    sim = await make_sim(state_dir=tmp_path)
    r = await sim.client.post("/v1/videos/generations", json=FOX, headers=AUTH)
    assert r.status_code == 507 and "nothing was created or billed" in r.json()["error"]
    assert "No space left on device" in r.json()["error"]
    assert sim.state.ledger_entries() == [] and sim.state.store.jobs == {}


async def test_a_record_torn_by_a_crash_is_ignored(make_sim: Any, tmp_path: Path) -> None:
    first = await make_sim(state_dir=tmp_path)
    kept = await first.submit(FOX)
    first.state.close()
    with (tmp_path / JOBS_FILE).open("a") as fh:
        fh.write('{"event": "accepted", "request_id": "torn", "prompt": "a fo')
    second = await make_sim(state_dir=tmp_path)
    assert [e["request_id"] for e in second.state.ledger_entries()] == [kept]
    assert [e["request_id"] for e in read_ledger(tmp_path)] == [kept]


async def test_deeply_nested_json_is_a_400_not_a_500(make_sim: Any) -> None:
    sim = await make_sim()
    for depth in (200, 100_000):
        body = '{"prompt": "a fox", "x": ' + "[" * depth + "]" * depth + "}"
        r = await sim.client.post("/v1/videos/generations", content=body,
                                  headers={**AUTH, "Content-Type": "application/json"})  # fmt: skip
        assert r.status_code == 400, r.text
        assert "nested more than 128 levels" in r.json()["error"]
    shallow = {**FOX, "x": json.loads("[" * 100 + "]" * 100)}
    r = await sim.client.post("/v1/videos/generations", json=shallow, headers=AUTH)
    assert r.status_code == 200  # unknown fields are ignored, however they nest
    assert sim.state.stats()["responses"].get("500") is None


async def test_the_simulator_served_over_http_restores_too(tmp_path: Path) -> None:
    from promptkit.sim import SimConfig, SimServer

    config = SimConfig(state_dir=tmp_path, speed=0, rps=None, rpm=None)
    with SimServer(config) as sim:
        async with httpx.AsyncClient(base_url=sim.base_url) as client:
            r = await client.post("/v1/videos/generations", json=FOX,
                                  headers={"Authorization": "Bearer any-key"})  # fmt: skip
            rid = r.json()["request_id"]
    with SimServer(config) as sim:
        assert sim.state.jobs_of("run/fox-r1") == [rid]
