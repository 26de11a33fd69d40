"""Faults and limits in-process on a manual clock: 429s, credits, 5xx, drops, empty 202s."""

from __future__ import annotations

import pytest

from promptkit.sim import ConnectionDropped, SimConfig
from tests.sim.conftest import AUTH

BODY = {"prompt": "a kite", "duration": 1}


async def _post(sim, body=BODY):
    return await sim.client.post("/v1/videos/generations", json=body, headers=AUTH)


async def test_rps_limit_answers_429_with_retry_after_until_time_passes(make_sim) -> None:
    sim = await make_sim(rps=1.0, rpm=None, burst_s=1.0)
    assert (await _post(sim)).status_code == 200
    limited = await _post(sim)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    assert limited.json()["code"] == "Some resource has been exhausted"
    sim.clock.advance(1.0)
    assert (await _post(sim)).status_code == 200


async def test_the_per_second_bucket_holds_burst_seconds_of_requests(make_sim) -> None:
    sim = await make_sim(rps=2.0, rpm=None, burst_s=3.0)
    codes = [(await _post(sim)).status_code for _ in range(7)]
    assert codes == [200] * 6 + [429]  # 2 rps x 3 s, then the steady rate
    sim.clock.advance(0.5)
    assert [(await _post(sim)).status_code for _ in range(2)] == [200, 429]


async def test_default_limits_let_a_submit_and_an_immediate_poll_through(make_sim) -> None:
    # The official SDK polls as soon as its submit is answered, then once a second.
    defaults = SimConfig()
    sim = await make_sim(rps=defaults.rps, rpm=defaults.rpm, burst_s=defaults.burst_s)
    rid = (await _post(sim)).json()["request_id"]
    assert (await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)).status_code == 202
    for _ in range(30):  # a minute-long wait polled every second never meets a 429
        sim.clock.advance(1.0)
        assert (await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)).status_code == 202


async def test_polls_count_against_the_rate_limit(make_sim) -> None:
    sim = await make_sim(rps=1.0, rpm=None, burst_s=1.0)
    rid = (await _post(sim)).json()["request_id"]
    sim.clock.advance(1.0)
    assert (await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)).status_code == 202
    assert (await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)).status_code == 429


async def test_metered_answers_carry_the_allowance_and_clip_downloads_are_not_metered(
    make_sim,
) -> None:
    sim = await make_sim(rps=1.0, rpm=None, burst_s=2.0, speed=0)
    first = await _post(sim)
    assert first.headers["x-ratelimit-limit-requests"] == "2"
    assert first.headers["x-ratelimit-remaining-requests"] == "1"
    assert first.headers["x-ratelimit-reset-requests"] == "1s"
    rid = first.json()["request_id"]
    await sim.rendered()
    done = await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)
    assert done.status_code == 200 and done.headers["x-ratelimit-remaining-requests"] == "0"
    url = done.json()["video"]["url"]
    # The bucket is empty, yet the clip comes: downloads are not API calls.
    clips = [await sim.client.get(url) for _ in range(3)]
    assert [c.status_code for c in clips] == [200, 200, 200]
    assert all("x-ratelimit-limit-requests" not in c.headers for c in clips)
    limited = await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)
    assert limited.status_code == 429 and limited.headers["x-ratelimit-remaining-requests"] == "0"
    bad_key = await sim.client.get(f"/v1/videos/{rid}", headers={"Authorization": "Bearer x"})
    assert bad_key.status_code == 400 and "x-ratelimit-limit-requests" not in bad_key.headers
    stats = sim.state.stats()
    assert (stats["metered"], stats["rate_limited"], stats["downloads"]) == (2, 1, 3)


async def test_rpm_limit_retry_after_counts_the_minute_window(make_sim) -> None:
    sim = await make_sim(rps=None, rpm=2.0)
    assert [(await _post(sim)).status_code for _ in range(2)] == [200, 200]
    limited = await _post(sim)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) == 30
    assert "per minute" in limited.json()["error"]


async def test_limits_are_per_account_so_rotating_keys_buys_nothing(make_sim) -> None:
    sim = await make_sim(api_key=None, rps=1.0, rpm=None, burst_s=1.0)
    codes = []
    for key in ("a", "b", "c"):
        r = await sim.client.post(
            "/v1/videos/generations", json=BODY, headers={"Authorization": f"Bearer {key}"}
        )
        codes.append(r.status_code)
    assert codes == [200, 429, 429]
    assert "your team is limited to 1 requests per second" in r.json()["error"]
    sim.clock.advance(1.0)
    r = await sim.client.post("/v1/videos/generations", json=BODY,
                              headers={"Authorization": "Bearer d"})  # fmt: skip
    assert r.status_code == 200


async def test_random_429_without_retry_after_when_configured(make_sim) -> None:
    sim = await make_sim(random_429_rate=1.0, retry_after_rate=0.0)
    r = await _post(sim)
    assert r.status_code == 429 and "Retry-After" not in r.headers
    assert sim.state.stats()["rate_limited"] == 1 and sim.state.ledger_entries() == []


async def test_credits_exhausted_is_429_with_the_spending_limit_message(make_sim) -> None:
    sim = await make_sim(credits_exhausted=True)
    r = await _post(sim)
    assert r.status_code == 429
    assert (
        "has either used all available credits or reached its monthly spending limit"
        in (r.json()["error"])
    )


async def test_injected_5xx_creates_no_job_and_is_counted(make_sim) -> None:
    sim = await make_sim(error_5xx_rate=1.0)
    r = await _post(sim)
    assert r.status_code in (500, 502, 503) and set(r.json()) == {"code", "error"}
    assert sim.state.ledger_entries() == []
    assert sim.state.stats()["errors_5xx_injected"] == 1


async def test_drop_before_accepting_creates_no_job(make_sim) -> None:
    sim = await make_sim(drop_rate=1.0, drop_mode="before")
    with pytest.raises(ConnectionDropped):
        await _post(sim)
    assert sim.state.ledger_entries() == []
    assert sim.state.stats()["drops_before_accept"] == 1


async def test_drop_after_accepting_leaves_a_job_the_client_never_heard_of(make_sim) -> None:
    sim = await make_sim(drop_rate=1.0, drop_mode="after")
    with pytest.raises(ConnectionDropped):
        await _post(sim, {**BODY, "user": "job-1"})
    entries = sim.state.ledger_entries()
    assert [e["user"] for e in entries] == ["job-1"]
    assert sim.state.stats()["drops_after_accept"] == 1


async def test_empty_202_bodies_when_configured(make_sim) -> None:
    sim = await make_sim(empty_202_rate=1.0, speed=1.0)
    rid = (await _post(sim)).json()["request_id"]
    r = await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)
    assert r.status_code == 202 and r.content == b""


async def test_fail_rate_outcomes_repeat_for_the_same_seed(make_sim) -> None:
    outcomes = []
    for _ in range(2):
        sim = await make_sim(fail_rate=0.5, seed=7, speed=0)
        for n in range(12):
            await _post(sim, {"prompt": f"kite {n}", "duration": 1})
        outcomes.append([j.outcome for j in sim.state.store.jobs.values()])
    assert outcomes[0] == outcomes[1] and {"done", "failed"} == set(outcomes[0])


async def test_faults_can_be_switched_while_running(make_sim) -> None:
    sim = await make_sim()
    assert (await _post(sim)).status_code == 200
    sim.state.configure(error_5xx_rate=1.0)
    assert (await _post(sim)).status_code >= 500
    sim.state.configure(error_5xx_rate=0.0)
    assert (await _post(sim)).status_code == 200


def test_a_bad_setting_is_a_one_line_config_error() -> None:
    from promptkit.errors import ConfigError
    from promptkit.sim import build_config

    with pytest.raises(ConfigError, match=r"^sim\.fail_rate: .*\(got 2\)$"):
        build_config(fail_rate=2)
    with pytest.raises(ConfigError, match=r"^sim\.typo: "):
        build_config(typo=1)


async def test_latency_scales_with_duration_and_resolution(make_sim) -> None:
    sim = await make_sim(speed=1.0, latency_jitter=0.0)
    short = (await _post(sim, {"prompt": "a", "duration": 1})).json()["request_id"]
    long = (await _post(sim, {"prompt": "a", "duration": 4})).json()["request_id"]
    hd = (await _post(sim, {"prompt": "a", "duration": 4, "resolution": "720p"})).json()[
        "request_id"
    ]
    jobs = sim.state.store.jobs
    assert jobs[short].latency_s < jobs[long].latency_s < jobs[hd].latency_s
    sim.state.configure(speed=10.0)
    fast = (await _post(sim, {"prompt": "a", "duration": 4})).json()["request_id"]
    assert jobs[fast].latency_s == pytest.approx(jobs[long].latency_s / 10)
