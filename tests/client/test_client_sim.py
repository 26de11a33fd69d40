"""The client against the simulator: in-process (ASGI) and over loopback, with faults on."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

sim = pytest.importorskip("promptkit.sim")

from promptkit.client import ClientConfig, PollPolicy, VideoClient  # noqa: E402
from promptkit.errors import (  # noqa: E402
    AuthError,
    CreditsExhausted,
    DownloadError,
    GenerationFailed,
    Moderated,
    UncertainSubmit,
)
from promptkit.models import GenerationParams  # noqa: E402

FAST = PollPolicy(interval=0.05, min_interval=0.01, max_interval=0.2, timeout=60)
PARAMS = GenerationParams(duration=1)
PROMPT = "a red kite drifts over a beach as the camera pans left"
NO_LIMITS: dict[str, Any] = {"speed": 0, "rps": None, "rpm": None}


def in_process(**sim_settings: Any) -> tuple[VideoClient, Any]:
    app = sim.create_app(sim.SimConfig(**{**NO_LIMITS, **sim_settings}))
    config = ClientConfig(
        base_url="https://sim.test",
        api_key=app.state.config.api_key or "sim-key",
        rps=1000,
        rpm=100000,
        poll=FAST,
        backoff_base=0.01,
        backoff_max=0.05,
    )
    return VideoClient(config, transport=httpx.ASGITransport(app=app)), app


def is_mp4(path: Path) -> bool:
    return path.read_bytes()[4:8] == b"ftyp"


async def test_generation_flows_end_to_end_in_process(tmp_path: Path) -> None:
    client, app = in_process()
    async with client:
        status, clip = await client.generate(PROMPT, PARAMS, tmp_path, user="job-1")
    assert status.status == "done" and clip is not None and is_mp4(clip.path)
    assert clip.sha256 == hashlib.sha256(clip.path.read_bytes()).hexdigest()
    assert status.cost_usd == Decimal("0.05") and status.duration == 1
    entries = app.state.ledger_entries()
    assert len(entries) == 1


async def test_extension_and_edit_of_a_local_clip(tmp_path: Path) -> None:
    client, _ = in_process()
    async with client:
        _, clip = await client.generate(PROMPT, GenerationParams(duration=2), tmp_path)
        assert clip is not None
        rid = await client.submit_extension("the kite climbs higher", clip.path, 1)
        extended, ext_clip = await client.finish(rid, tmp_path / "ext")
        rid = await client.submit_edit("add falling snow", clip.path)
        edited, edit_clip = await client.finish(rid, tmp_path / "edit")
    assert extended.status == "done" and extended.duration == 3 and ext_clip is not None
    assert edited.status == "done" and edit_clip is not None and is_mp4(edit_clip.path)


async def test_moderated_prompt_is_reported_as_moderated(tmp_path: Path) -> None:
    client, _ = in_process()
    async with client:
        status, clip = await client.generate("explicit gore in a dark alley", PARAMS, tmp_path)
        assert status.moderated and clip is None
        with pytest.raises(Moderated):
            await client.generate("gore again", PARAMS, tmp_path, raise_on_failure=True)


async def test_failed_job_keeps_its_error(tmp_path: Path) -> None:
    client, _ = in_process(fail_rate=1.0)
    with pytest.raises(GenerationFailed) as info:
        async with client:
            await client.generate(PROMPT, PARAMS, tmp_path, raise_on_failure=True)
    assert info.value.request_id and info.value.code


async def test_credits_exhausted_stops_after_one_submit(tmp_path: Path) -> None:
    client, app = in_process(credits_exhausted=True)
    with pytest.raises(CreditsExhausted):
        async with client:
            await client.submit_generation(PROMPT, PARAMS)
    assert client.stats.requests == 1 and app.state.ledger_entries() == []


@pytest.mark.parametrize(("dialect", "code"), [("official", 400), ("blog", 401)])
async def test_a_wrong_key_is_an_auth_error_in_both_dialects(dialect: str, code: int) -> None:
    app = sim.create_app(sim.SimConfig(**NO_LIMITS, api_key="right-key", dialect=dialect))
    config = ClientConfig(base_url="https://sim.test", api_key="wrong-key", poll=FAST)
    with pytest.raises(AuthError) as info:
        async with VideoClient(config, transport=httpx.ASGITransport(app=app)) as client:
            await client.submit_generation(PROMPT, PARAMS)
    assert info.value.status_code == code and "wrong-key" not in str(info.value)


async def test_blog_dialect_processing_status_is_followed_to_done(tmp_path: Path) -> None:
    client, _ = in_process(dialect="blog", speed=20)
    seen: list[str | None] = []
    async with client:
        rid = await client.submit_generation(PROMPT, PARAMS)
        status = await client.wait(rid, on_progress=lambda s: seen.append(s.reported_status))
    assert status.status == "done"


async def test_faults_are_absorbed_by_retries(tmp_path: Path) -> None:
    client, app = in_process(
        seed=3,
        error_5xx_rate=0.3,
        empty_202_rate=0.5,
        random_429_rate=0.2,
        retry_after_rate=0.0,
        speed=20,
        rps=1000,
        rpm=100000,
    )
    done = uncertain = 0
    async with client:
        for n in range(4):
            try:
                status, clip = await client.generate(PROMPT, PARAMS, tmp_path / str(n))
            except UncertainSubmit:
                uncertain += 1
                continue
            done += status.status == "done" and clip is not None
    assert done + uncertain == 4 and done >= 1
    assert client.stats.retries > 0 and client.stats.rate_limited > 0
    assert app.state.stats()["empty_202"] > 0
    # Nothing was ever submitted twice: accepted jobs = successful submits.
    assert len(app.state.ledger_entries()) == done


async def test_dropped_answer_to_a_submit_is_uncertain_and_not_resent() -> None:
    client, app = in_process(drop_rate=1.0, drop_mode="after")
    with pytest.raises(UncertainSubmit):
        async with client:
            await client.submit_generation(PROMPT, PARAMS, user="job-7")
    assert client.stats.requests == 1 and len(app.state.ledger_entries()) == 1


def loopback(**sim_settings: Any) -> Any:
    return sim.SimServer(sim.SimConfig(**{**NO_LIMITS, **sim_settings}))


def loopback_client(server: Any, **overrides: Any) -> VideoClient:
    settings = {
        "base_url": server.base_url,
        "api_key": server.api_key,
        "rps": 1000,
        "rpm": 100000,
        "poll": FAST,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        **overrides,
    }
    return VideoClient(ClientConfig(**settings))


async def test_loopback_generation_with_truncated_downloads_retries(tmp_path: Path) -> None:
    with loopback(seed=1, truncate_download_rate=0.5) as server:
        async with loopback_client(server) as client:
            status, clip = await client.generate(PROMPT, PARAMS, tmp_path)
    assert status.status == "done" and clip is not None and is_mp4(clip.path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [clip.path.name]


async def test_loopback_always_truncated_download_fails_cleanly(tmp_path: Path) -> None:
    with loopback(truncate_download_rate=1.0) as server:
        async with loopback_client(server, max_retries=2) as client:
            rid = await client.submit_generation(PROMPT, PARAMS)
            with pytest.raises(DownloadError, match="truncated|interrupted") as info:
                await client.finish(rid, tmp_path)
    assert info.value.request_id == rid and list(tmp_path.iterdir()) == []


async def test_loopback_dropped_submit_is_uncertain_and_sent_once() -> None:
    with loopback(drop_rate=1.0, drop_mode="after") as server:
        async with loopback_client(server) as client:
            with pytest.raises(UncertainSubmit):
                await client.submit_generation(PROMPT, PARAMS)
        assert len(server.state.ledger_entries()) == 1
    assert client.stats.requests == 1


async def test_loopback_drop_before_accepting_is_also_not_resent() -> None:
    with loopback(drop_rate=1.0, drop_mode="before") as server:
        async with loopback_client(server) as client:
            with pytest.raises(UncertainSubmit):
                await client.submit_generation(PROMPT, PARAMS)
        assert server.state.ledger_entries() == []
    assert client.stats.requests == 1


async def test_loopback_client_under_the_servers_limit_never_sees_a_429(tmp_path: Path) -> None:
    with loopback(rps=5, rpm=600) as server:
        async with loopback_client(server, rps=4, rpm=500) as client:
            rid = await client.submit_generation(PROMPT, PARAMS)
            for _ in range(8):
                await client.get_status(rid)
    assert client.stats.requests == 9 and client.stats.rate_limited == 0


async def test_loopback_client_over_the_servers_limit_slows_down_and_succeeds() -> None:
    # A bucket of one second's requests: nine sent at once cannot all fit.
    with loopback(rps=5, rpm=600, burst_s=1.0) as server:
        async with loopback_client(server, rps=50, rpm=5000, backoff_base=0.2) as client:
            rid = await client.submit_generation(PROMPT, PARAMS)
            for _ in range(8):
                await client.get_status(rid)
    assert client.stats.rate_limited > 0 and client.limiter.factor < 1.0


def test_cli_generate_on_the_in_process_simulator(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from promptkit.cli import cli

    monkeypatch.chdir(tmp_path)
    # Settings reach the commands' client through PROMPTKIT_CLIENT__* variables.
    monkeypatch.setenv("PROMPTKIT_CLIENT__POLL__INTERVAL", "0.1")
    monkeypatch.setenv("PROMPTKIT_CLIENT__POLL__MIN_INTERVAL", "0.05")
    result = CliRunner().invoke(
        cli,
        ["generate", PROMPT, "--duration", "1", "--sim-speed", "0", "--out", "out", "--no-lint"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert lines["status"] == "done" and lines["duration"] == "1 s" and lines["cost"] == "$0.05"
    assert is_mp4(Path(lines["clip"])) and Path(lines["clip"]).parent == Path("out")


def test_cli_status_and_download_against_a_running_simulator(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from promptkit.cli import cli
    from promptkit.client import SyncVideoClient

    monkeypatch.chdir(tmp_path)
    # Settings reach the commands' client through PROMPTKIT_CLIENT__* variables.
    monkeypatch.setenv("PROMPTKIT_CLIENT__POLL__INTERVAL", "0.1")
    monkeypatch.setenv("PROMPTKIT_CLIENT__POLL__MIN_INTERVAL", "0.05")
    with loopback() as server:
        config = ClientConfig(base_url=server.base_url, api_key=server.api_key, rps=100, rpm=6000)
        with SyncVideoClient(config) as client:
            rid = client.submit_generation(PROMPT, PARAMS)
        base = ["--base-url", server.base_url]
        download = CliRunner().invoke(cli, ["download", rid, "--wait", "--out", "got", *base])
        status = CliRunner().invoke(cli, ["status", rid, *base])
    assert download.exit_code == 0, download.output
    assert is_mp4(tmp_path / "got" / f"{rid}.mp4")
    assert status.exit_code == 0 and f"request_id  {rid}" in status.stdout
    assert "status      done" in status.stdout
