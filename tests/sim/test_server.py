"""The simulator over real loopback HTTP: SimServer, dropped connections, slow and cut downloads."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from promptkit.errors import SimulatorError
from promptkit.sim import SimServer
from tests.sim.conftest import config

BODY = {"prompt": "a kite flies to the left", "duration": 1}


def _done(client: httpx.Client, sim: SimServer, rid: str) -> dict[str, Any]:
    for _ in range(400):
        r = client.get(f"{sim.base_url}/v1/videos/{rid}")
        if r.status_code == 200:
            body: dict[str, Any] = r.json()
            return body
        time.sleep(0.02)
    raise AssertionError("job did not finish")


@pytest.fixture
def server() -> Any:
    with SimServer(config(speed=0)) as sim:
        yield sim


@pytest.fixture
def client(server: SimServer) -> Any:
    with httpx.Client(headers={"Authorization": f"Bearer {server.api_key}"}, timeout=10) as c:
        yield c


def test_server_listens_on_a_free_loopback_port(server: SimServer, client: httpx.Client) -> None:
    assert server.base_url.startswith("http://127.0.0.1:") and server.port > 0
    r = client.post(f"{server.base_url}/v1/videos/generations", json=BODY)
    body = _done(client, server, r.json()["request_id"])
    assert body["video"]["url"].startswith(server.base_url + "/clips/")
    assert client.get(body["video"]["url"]).content[4:8] == b"ftyp"


def test_stats_endpoint_matches_the_python_api(server: SimServer, client: httpx.Client) -> None:
    rid = client.post(f"{server.base_url}/v1/videos/generations", json=BODY).json()["request_id"]
    _done(client, server, rid)
    over_http = client.get(f"{server.base_url}/sim/stats").json()
    assert over_http["by_status"] == {"done": 1} == server.stats()["by_status"]
    assert over_http["total_cost_ticks"] == 500_000_000


def test_drop_before_accept_closes_the_socket_without_an_answer(
    server: SimServer, client: httpx.Client
) -> None:
    server.configure(drop_rate=1.0, drop_mode="before")
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        client.post(f"{server.base_url}/v1/videos/generations", json=BODY)
    assert server.ledger_entries() == []


def test_drop_after_accept_closes_the_socket_but_the_job_exists(
    server: SimServer, client: httpx.Client
) -> None:
    server.configure(drop_rate=1.0, drop_mode="after")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(f"{server.base_url}/v1/videos/generations", json={**BODY, "user": "k1"})
    assert [e["user"] for e in server.ledger_entries()] == ["k1"]
    server.configure(drop_rate=0.0)
    # The server keeps serving after a drop.
    assert client.post(f"{server.base_url}/v1/videos/generations", json=BODY).status_code == 200


def test_truncated_download_promises_more_bytes_than_it_sends(
    server: SimServer, client: httpx.Client
) -> None:
    rid = client.post(f"{server.base_url}/v1/videos/generations", json=BODY).json()["request_id"]
    url = _done(client, server, rid)["video"]["url"]
    server.configure(truncate_download_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete|complete message body"):
        client.get(url)
    assert server.stats()["downloads_truncated"] == 1


def test_slow_download_is_throttled_but_complete(server: SimServer, client: httpx.Client) -> None:
    rid = client.post(f"{server.base_url}/v1/videos/generations", json=BODY).json()["request_id"]
    url = _done(client, server, rid)["video"]["url"]
    full = client.get(url).content
    server.configure(slow_download_rate=1.0, slow_download_bytes_per_s=len(full) * 4)
    with client.stream("GET", url) as r:
        body = b"".join(r.iter_raw())
    # Throttled in pieces but complete (timing is for the benchmark, not for tests).
    assert body == full
    assert server.stats()["downloads_slow"] == 1


async def test_fifty_concurrent_pollers_are_all_served_while_clips_render() -> None:
    with SimServer(config(speed=1.0)) as sim:
        headers = {"Authorization": f"Bearer {sim.api_key}"}
        async with httpx.AsyncClient(
            base_url=sim.base_url,
            headers=headers,
            timeout=20,
            limits=httpx.Limits(max_connections=60),
        ) as client:
            ids = [
                (
                    await client.post(
                        "/v1/videos/generations",
                        json={"prompt": f"rain over a city {n}, camera pans left", "duration": 2},
                    )
                ).json()["request_id"]
                for n in range(4)
            ]

            async def poller(n: int) -> list[int]:
                codes = []
                for _ in range(5):
                    codes.append((await client.get(f"/v1/videos/{ids[n % 4]}")).status_code)
                return codes

            results = await asyncio.gather(*(poller(n) for n in range(50)))
    assert all(code == 202 for codes in results for code in codes)


def test_start_on_a_busy_port_is_a_one_line_simulator_error(server: SimServer) -> None:
    with pytest.raises(SimulatorError, match=r"^cannot listen on 127\.0\.0\.1:\d+: .*--port"):
        SimServer(config(), port=server.port).start()


def test_stop_frees_the_port() -> None:
    sim = SimServer(config()).start()
    port = sim.port
    sim.stop()
    again = SimServer(config(), port=port).start()
    assert again.port == port
    again.stop()


def test_the_key_for_a_running_simulator_comes_from_env_then_settings_then_default() -> None:
    from promptkit.config import Settings
    from promptkit.sim.server import DEFAULT_CLIENT_KEY, client_key

    configured = Settings({"sim": {"api_key": "from-settings"}})
    assert client_key(configured, {"PROMPTKIT_SIM_API_KEY": "from-env"}) == "from-env"
    assert client_key(configured, {"XAI_API_KEY": "real-key"}) == "from-settings"
    assert client_key(Settings({}), {"XAI_API_KEY": "real-key"}) == DEFAULT_CLIENT_KEY
