"""Answers built to hurt: huge bodies, trickles, impossible costs, the key smuggled back in.

A loopback server plays a hostile video API. ``promptkit status`` / ``download`` run against it
in a subprocess (``--provider xai``, key in ``XAI_API_KEY``) and must answer with one line,
within 5 s and 200 MB of a harmless status call (see ``bounded.py``), and never write, print or
send the key on, however it was spelled (JSON ``\\u`` escapes, percent-encoding).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fuzz.media import render_mp4
from tests.security.bounded import Baseline, assert_bounded, run_bounded
from tests.security.conftest import files_containing, run_cli, serve

Send = Callable[[dict[str, Any]], Awaitable[None]]
MB = 1024 * 1024


def escaped(text: str) -> str:
    """``text`` spelled entirely as JSON unicode escapes."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


def percent(text: str) -> str:
    return "".join(f"%{ord(c):02X}" for c in text)


async def _respond(
    send: Send, status: int, body: AsyncIterator[bytes], headers: dict[str, str]
) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})  # fmt: skip
    async for chunk in body:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


class Hostile:
    """The API and its clip host on one origin: ``/v1/videos/<case>`` answers as ``case`` says."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.base = ""
        self.clip_requests: list[str] = []
        self.mp4 = render_mp4(seed=5)
        self.submits: list[str] = []
        """Cases handed out as request ids, one per submit, in order."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] != "http":
            return
        path, query = scope["path"], scope.get("query_string", b"").decode()
        if path.startswith("/clips/"):
            self.clip_requests.append(f"{path}?{query}")
            if path.endswith("trickle.mp4"):
                return await _respond(send, 200, self._trickle(self.mp4), {})
            return await _respond(
                send, 200, _once(self.mp4), {"content-length": str(len(self.mp4))}
            )
        if scope["method"] == "POST":
            while (await receive()).get("more_body"):
                pass
            return await self._json(send, json.dumps({"request_id": self.submits.pop(0)}))
        case = path.rsplit("/", 1)[-1]
        handler = getattr(self, f"case_{case.replace('-', '_')}")
        await handler(send)

    def _status(self, **fields: Any) -> dict[str, Any]:
        return {"status": "done", "progress": 100, "model": "grok-imagine-video",
                "usage": {"cost_in_usd_ticks": 500_000_000},
                "video": {"url": f"{self.base}/clips/a.mp4", "duration": 1}, **fields}  # fmt: skip

    async def _json(self, send: Send, text: str) -> None:
        data = text.encode()
        await _respond(send, 200, _once(data), {"content-type": "application/json",
                                                 "content-length": str(len(data))})  # fmt: skip

    async def _trickle(self, data: bytes) -> AsyncIterator[bytes]:
        for i in range(len(data)):
            yield data[i : i + 1]
            await asyncio.sleep(0.5)

    async def _huge(self) -> AsyncIterator[bytes]:
        chunk = b" " * MB
        for _ in range(300):
            yield chunk

    async def case_ok(self, send: Send) -> None:
        await self._json(send, json.dumps(self._status()))

    async def case_huge_declared(self, send: Send) -> None:
        await _respond(send, 200, self._huge(), {"content-length": str(300 * MB)})

    async def case_huge_chunked(self, send: Send) -> None:
        await _respond(send, 200, self._huge(), {})

    async def case_trickle(self, send: Send) -> None:
        await _respond(send, 200, self._trickle(json.dumps(self._status()).encode()), {})

    async def case_negative_cost(self, send: Send) -> None:
        await self._json(send, json.dumps(self._status(usage={"cost_in_usd_ticks": -(10**12)})))

    async def case_absurd_cost(self, send: Send) -> None:
        await self._json(send, json.dumps(self._status(usage={"cost_in_usd_ticks": 10**30})))

    async def case_escaped_key_url(self, send: Send) -> None:
        body = json.dumps(self._status(video={"url": "URL", "duration": 1}))
        url = f"{self.base}/clips/b.mp4?token={escaped(self.key)}"
        await self._json(send, body.replace('"URL"', f'"{url}"'))

    async def case_percent_key_url(self, send: Send) -> None:
        url = f"{self.base}/clips/c.mp4?token={percent(self.key)}"
        await self._json(send, json.dumps(self._status(video={"url": url, "duration": 1})))

    async def case_escaped_key_message(self, send: Send) -> None:
        body = json.dumps({"status": "failed", "error": {"code": "x", "message": "MSG"}})
        await self._json(send, body.replace('"MSG"', f'"your key {escaped(self.key)} is bad"'))

    async def case_trickle_clip(self, send: Send) -> None:
        status = self._status(video={"url": f"{self.base}/clips/trickle.mp4", "duration": 1})
        await self._json(send, json.dumps(status))


@pytest.fixture
def hostile(fake_key: str) -> Any:
    api = Hostile(fake_key)
    with serve(api) as base:
        api.base = base
        yield api


def _env(key: str, **settings: str) -> dict[str, str]:
    env = {"XAI_API_KEY": key, "PROMPTKIT_CLIENT__MAX_RETRIES": "0"}
    env.update({f"PROMPTKIT_CLIENT__{k.upper()}": v for k, v in settings.items()})
    return env


ATTACKS = {
    # case: (command, client settings, exit code, words of the one error line)
    "huge-declared": ("status", {}, 2, "the answer is over 1048576 bytes"),
    "huge-chunked": ("status", {}, 2, "the answer is over 1048576 bytes"),
    "trickle": ("status", {"request_timeout": "1"}, 2, "no complete answer within 1 s"),
    "negative-cost": ("status", {}, 2, "reported a cost of -1000000000000 ticks"),
    "absurd-cost": ("status", {}, 2, "which cannot be right"),
    "escaped-key-url": ("download", {}, 2, "the clip URL carries the API key; refused"),
    "percent-key-url": ("download", {}, 2, "the clip URL carries the API key; refused"),
    "trickle-clip": ("download", {"download_timeout": "1"}, 2, "the download took longer than 1 s"),
}


@pytest.mark.parametrize("case", sorted(ATTACKS))
def test_hostile_answer_is_one_line_in_bounded_time_and_memory(
    case: str, hostile: Hostile, fake_key: str, tmp_path: Path
) -> None:
    command, settings, code, words = ATTACKS[case]
    common = ["--provider", "xai", "--base-url", hostile.base]
    extra = ["--out", "clips"] if command == "download" else []
    baseline = Baseline([command, "ok", *common, *extra], tmp_path, _env(fake_key))
    attack = run_bounded([command, case, *common, *extra], tmp_path, _env(fake_key, **settings))
    assert attack.code == code, attack.stderr
    line = attack.one_error()
    assert words in line, line
    assert fake_key not in attack.stdout + attack.stderr
    assert_bounded(attack, baseline)
    # Nothing was written but the harmless command's clip, and no partial download is left.
    assert not list(tmp_path.rglob("*.part")) and files_containing(tmp_path, fake_key) == []
    # The key never travelled to the clip host, in any spelling.
    for request in hostile.clip_requests:
        assert fake_key not in request and percent(fake_key) not in request.upper()


def test_key_escaped_in_a_failure_message_is_printed_redacted(
    hostile: Hostile, fake_key: str, tmp_path: Path
) -> None:
    done = run_bounded(["status", "escaped-key-message", "--provider", "xai", "--base-url",
                        hostile.base, "--json"], tmp_path, _env(fake_key))  # fmt: skip
    assert done.code == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["error_message"] == "your key *** is bad"
    assert "***" in json.dumps(status["raw"])
    for spelling in (fake_key, escaped(fake_key)):
        assert spelling not in done.stdout + done.stderr


def test_eval_never_stores_prints_or_follows_a_key_smuggled_in_answers(
    hostile: Hostile, fake_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    hostile.submits = ["escaped-key-message", "escaped-key-url", "percent-key-url", "ok"]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XAI_API_KEY", fake_key)
    monkeypatch.setenv("PROMPTKIT_CLIENT__BASE_URL", hostile.base)
    monkeypatch.setenv("PROMPTKIT_CLIENT__RPS", "100")
    spec = tmp_path / "leak.yaml"
    spec.write_text(yaml.safe_dump({
        "version": 1, "name": "leak", "provider": "xai", "lint": "off", "budget_usd": 5,
        "prompts": [f"a red fox number {i} runs, the camera pans left" for i in range(4)],
        "params": {"duration": 1}, "concurrency": 1,
        "polling": {"interval": 0.1, "min_interval": 0.1, "max_interval": 0.5},
    }), encoding="utf-8")  # fmt: skip
    code = run_cli(["eval", str(spec), "--yes", "--out", "reports", "--run-id", "leak"])
    out, err = capsys.readouterr()
    assert code == 4, err  # two jobs end in error (their clip URLs were refused): incomplete
    results = json.loads((tmp_path / "reports" / "leak" / "results.json").read_text())
    by_rid = {c["request_id"]: c for c in results["clips"]}
    assert by_rid["escaped-key-message"]["status"] == "failed"
    assert "your key *** is bad" in by_rid["escaped-key-message"]["error"]
    for rid in ("escaped-key-url", "percent-key-url"):
        assert by_rid[rid]["status"] == "error"
        assert "the clip URL carries the API key; refused" in by_rid[rid]["error"]
    assert by_rid["ok"]["status"] == "scored"
    # No file, stream or request holds the key, in any spelling.
    for spelling in (fake_key, escaped(fake_key), percent(fake_key)):
        assert files_containing(tmp_path, spelling) == []
        assert spelling not in out + err
    assert hostile.clip_requests == ["/clips/a.mp4?"]
