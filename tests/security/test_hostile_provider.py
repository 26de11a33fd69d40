"""A hostile provider: the key stays with the configured host and nothing escapes the run folder.

The "provider" is a loopback server speaking the video API that answers with request ids built
to escape folders (``../../``, backslashes, absolute paths) and to inject HTML, points clip
URLs at a second host (directly, and by redirecting from its own origin), and echoes the
caller's key in a failed job's error message. ``promptkit eval --provider xai`` (base URL set
to the hostile server, key in ``XAI_API_KEY``), ``promptkit generate`` and ``promptkit
download`` run against it in-process. Then:

- only the configured origin ever received the key; the clip host never saw it;
- every file written lies inside the run folder (or ``--out``), named by promptkit, not by the
  server;
- no file, log record (DEBUG), stdout or stderr line holds the key;
- the report renders and shows the hostile strings as text, not markup.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fuzz.media import render_mp4
from tests.security.conftest import Recorder, Seen, files_containing, run_cli, serve

COST = 500_000_000
SCRIPT = "<script>alert(1)</script>"


def _hostile_rid(n: int, root: Path) -> str:
    kinds = [
        f"../../../../escape-{n}/{SCRIPT}",
        f"..\\..\\escape-{n}.mp4",
        f"{root}/escape-{n}.mp4",
        f"/etc/escape-{n}",
    ]
    return f"{kinds[n % len(kinds)]}#{n}"


class HostileApi:
    """The API host: hostile ids, clip URLs elsewhere, and the caller's key echoed back."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clip_base = ""
        self.base = ""
        self.count = 0
        self.recorder = Recorder(self.handle)

    async def handle(self, req: Seen) -> tuple[int, dict[str, str], bytes]:
        if req.method == "POST":
            rid = _hostile_rid(self.count, self.root)
            self.count += 1
            return (
                200,
                {"content-type": "application/json"},
                json.dumps({"request_id": rid}).encode(),
            )
        if req.path.startswith("/clips/"):
            # Same origin as the API (so the first hop carries the key), then off to another host.
            return 302, {"location": f"{self.clip_base}/clips/after-redirect.mp4"}, b""
        n = int(req.path.rsplit("#", 1)[-1]) if "#" in req.path else 0
        if n % 3 == 2:
            echoed = req.headers.get("authorization", "")
            error = {"code": "invalid_argument", "message": f"refused {echoed} for {SCRIPT}"}
            body: dict[str, Any] = {"status": "failed", "error": error}
        else:
            url = (f"{self.base}/clips/{n}.mp4" if n % 3 == 1
                   else f"{self.clip_base}/clips/..%2F..%2F..%2Fescape-{n}.mp4?sig=1")  # fmt: skip
            body = {"status": "done", "model": "grok-imagine-video", "progress": 100,
                    "video": {"url": url, "duration": 1, "respect_moderation": True},
                    "usage": {"cost_in_usd_ticks": COST}}  # fmt: skip
        return 200, {"content-type": "application/json"}, json.dumps(body).encode()


@pytest.fixture
def hostile(tmp_path: Path) -> Any:
    mp4 = render_mp4(seed=3)

    async def clip(req: Seen) -> tuple[int, dict[str, str], bytes]:
        return 200, {"content-type": "video/mp4"}, mp4

    api = HostileApi(tmp_path)
    clips = Recorder(clip)
    with serve(api.recorder) as api_base, serve(clips) as clip_base:
        api.base, api.clip_base = api_base, clip_base
        yield api, clips


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _check_key_went_only_to_the_api(api: HostileApi, clips: Recorder, key: str) -> None:
    assert api.recorder.seen and clips.seen
    # The API host got the key on every call (the first hop of its own clip URLs included)...
    for req in api.recorder.seen:
        assert req.headers.get("authorization") == f"Bearer {key}"
    # ...and the clip host never saw it, anywhere in the request.
    for req in clips.seen:
        assert "authorization" not in req.headers
        assert key not in json.dumps([req.path, req.query.decode(), req.headers])


def test_eval_against_a_hostile_provider_keeps_key_files_and_markup_in_place(
    hostile: Any, fake_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    api, clips = hostile
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XAI_API_KEY", fake_key)
    monkeypatch.setenv("PROMPTKIT_CLIENT__BASE_URL", api.base)
    monkeypatch.setenv("PROMPTKIT_CLIENT__RPS", "100")
    spec = tmp_path / "hostile.yaml"
    spec.write_text(yaml.safe_dump({
        "version": 1, "name": "hostile", "provider": "xai",
        "prompts": [{"name": f"p{i}", "text": f"a red fox number {i} runs, the camera pans left"}
                    for i in range(6)],
        "params": {"duration": 1, "resolution": "480p"}, "lint": "off", "budget_usd": 5,
        "polling": {"interval": 0.1, "min_interval": 0.1, "max_interval": 0.5},
    }), encoding="utf-8")  # fmt: skip
    before = _files(tmp_path)
    caplog.set_level(logging.DEBUG)
    code = run_cli(["eval", str(spec), "--yes", "--out", "reports", "--run-id", "hostile-run"])
    out, err = capsys.readouterr()
    assert code == 0, err

    run = tmp_path / "reports" / "hostile-run"
    new = _files(tmp_path) - before
    assert new and all(p.resolve().is_relative_to(run.resolve()) for p in new), sorted(new)
    # Clips are named by job id (a hash of the variant), whatever the server called them.
    names = [p.name for p in (run / "clips").iterdir()]
    assert len(names) == 4 and all(re.fullmatch(r"[0-9a-f]{10}-r\d+\.mp4", n) for n in names)
    assert not list(tmp_path.glob("escape*")) and not list(Path("/etc").glob("escape-*"))

    _check_key_went_only_to_the_api(api, clips, fake_key)
    assert files_containing(tmp_path, fake_key) == []
    for text in (out, err, caplog.text):
        assert fake_key not in text

    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    statuses = sorted(c["status"] for c in results["clips"])
    assert statuses == ["failed", "failed", "scored", "scored", "scored", "scored"]
    html = (run / "index.html").read_text(encoding="utf-8")
    assert SCRIPT not in html


def test_generate_and_download_name_files_by_promptkit_not_by_the_server(
    hostile: Any, fake_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    api, clips = hostile
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XAI_API_KEY", fake_key)
    out_dir = tmp_path / "out"
    before = _files(tmp_path)
    common = ["--provider", "xai", "--base-url", api.base, "--out", str(out_dir)]
    codes = [run_cli(["generate", "a red fox runs, the camera pans left", "--duration", "1",
                   *common])]  # fmt: skip
    for n in (1, 3, 4):
        codes.append(run_cli(["download", _hostile_rid(n, tmp_path), *common]))
    out, err = capsys.readouterr()
    assert codes == [0, 0, 0, 0], err
    new = _files(tmp_path) - before
    assert len(new) == 4, sorted(new)
    assert all(p.parent == out_dir for p in new), sorted(new)
    assert not list(tmp_path.glob("escape*")) and not list(Path("/etc").glob("escape-*"))
    _check_key_went_only_to_the_api(api, clips, fake_key)
    assert fake_key not in out + err and files_containing(tmp_path, fake_key) == []
