"""The ledger (JSON lines per accepted request) and the counters behind /sim/stats."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from promptkit.sim.ledger import Ledger
from tests.sim.conftest import AUTH


async def test_ledger_file_has_an_accepted_and_a_finished_line_per_job(
    make_sim, tmp_path: Path
) -> None:
    path = tmp_path / "ledger.jsonl"
    sim = await make_sim(ledger_path=path)
    raw = json.dumps({"prompt": "a kite", "duration": 2, "user": "job-42"}).encode()
    r = await sim.client.post("/v1/videos/generations", content=raw, headers=AUTH)
    rid = r.json()["request_id"]
    await sim.finish(rid)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["event"] for line in lines] == ["accepted", "finished"]
    accepted, finished = lines
    assert accepted["request_id"] == finished["request_id"] == rid
    assert accepted["user"] == "job-42" and accepted["prompt"] == "a kite"
    assert accepted["body_sha256"] == hashlib.sha256(raw).hexdigest()
    assert accepted["duration"] == 2 and accepted["resolution"] == "480p"
    assert finished["status"] == "done" and finished["cost_ticks"] == 1_000_000_000
    assert finished["sidecar"]["frames"] == 48


async def test_ledger_entries_merge_the_latest_status(make_sim) -> None:
    sim = await make_sim()
    rid = await sim.submit({"prompt": "a kite", "duration": 1, "user": "u1"})
    assert sim.state.ledger_entries()[0]["status"] == "pending"
    await sim.finish(rid)
    entry = sim.state.ledger_entries()[0]
    assert entry["status"] == "done" and entry["user"] == "u1" and "sidecar" in entry


async def test_stats_count_endpoints_statuses_errors_and_cost_of_done_jobs(make_sim) -> None:
    sim = await make_sim(moderation_words=("bloodbath",))
    done = await sim.submit({"prompt": "a kite", "duration": 1})
    url = (await sim.finish(done))["video"]["url"]
    await sim.finish(await sim.submit({"prompt": "a bloodbath", "duration": 1}))
    await sim.finish(
        await sim.submit({"prompt": "more", "video": {"url": url}, "duration": 1}, "extensions")
    )
    sim.state.configure(fail_rate=1.0)
    await sim.finish(await sim.submit({"prompt": "a kite", "duration": 3}))
    await sim.client.post(
        "/v1/videos/generations", json={"prompt": "x", "duration": 0}, headers=AUTH
    )
    stats = sim.state.stats()
    assert stats["accepted"] == 4
    assert stats["by_endpoint"] == {"extensions": 1, "generations": 3}
    assert stats["by_status"] == {"done": 2, "failed": 1, "moderated": 1}
    assert stats["responses"]["400"] == 1
    # done 1 s + moderated 1 s + extension 1 s, each $0.05; the failed job costs nothing.
    assert stats["total_cost_ticks"] == 3 * 500_000_000


async def test_stats_endpoint_needs_no_key(make_sim) -> None:
    sim = await make_sim()
    r = await sim.client.get("/sim/stats")
    assert r.status_code == 200 and r.json()["accepted"] == 0


async def test_ledger_file_follows_a_changed_path_and_reads_whole_before_close(
    make_sim, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    sim = await make_sim(ledger_path=first)
    one = await sim.submit({"prompt": "a kite", "duration": 1})
    assert [json.loads(line)["request_id"] for line in first.read_text().splitlines()] == [one]
    sim.state.configure(ledger_path=second)
    await sim.finish(one)
    two = await sim.submit({"prompt": "a boat", "duration": 1})
    assert len(first.read_text().splitlines()) == 1
    events = [json.loads(line) for line in second.read_text().splitlines()]
    assert [(e["event"], e["request_id"]) for e in events] == [("finished", one), ("accepted", two)]
    sim.state.close()
    assert len(second.read_text().splitlines()) == 2


def test_a_ledger_path_set_later_gets_its_folder_made(tmp_path: Path) -> None:
    ledger = Ledger()
    ledger.path = tmp_path / "new" / "deeper" / "ledger.jsonl"
    ledger.accepted({"request_id": "r1", "user": "k1"})
    ledger.close()
    lines = (tmp_path / "new" / "deeper" / "ledger.jsonl").read_text().splitlines()
    assert [json.loads(line)["request_id"] for line in lines] == ["r1"]
