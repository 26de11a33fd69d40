"""The job commands against a fake API (MockTransport) and their error paths."""

from __future__ import annotations

import hashlib
import importlib
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

import promptkit.client
from promptkit.cli import cli
from promptkit.client import ClientConfig, VideoClient

from .conftest import MP4, done_body


class FakeApi:
    """A scripted API: submits return ``req-1``; status walks through ``statuses``."""

    def __init__(self, statuses: list[dict[str, Any]] | None = None) -> None:
        self.statuses = statuses or [{"status": "pending", "progress": 50}, done_body()]
        self.requests: list[httpx.Request] = []
        self.polls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host != "api.test":
            return httpx.Response(200, content=MP4)
        if request.method == "POST":
            return httpx.Response(200, json={"request_id": "req-1"})
        body = self.statuses[min(self.polls, len(self.statuses) - 1)]
        self.polls += 1
        return httpx.Response(202 if body["status"] == "pending" else 200, json=body)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeApi:
    fake = FakeApi()
    monkeypatch.chdir(tmp_path)

    @contextmanager
    def provider(*args: Any, **kwargs: Any):
        yield ClientConfig(base_url="https://api.test", api_key=None, rps=1000, rpm=100000)

    class Client(VideoClient):
        def __init__(self, config: ClientConfig, **kw: Any) -> None:
            async def no_sleep(seconds: float) -> None:
                return None

            super().__init__(config, transport=httpx.MockTransport(fake), sleep=no_sleep)

    # Import the command modules before patching, so they bind the real helper first.
    for name in ("generate", "extend", "edit", "status", "download"):
        module = importlib.import_module(f"promptkit.cli.{name}")
        monkeypatch.setattr(module, "open_provider", provider, raising=False)
    monkeypatch.setattr("promptkit.cli._jobs.open_provider", provider)
    monkeypatch.setattr(promptkit.client, "VideoClient", Client)
    monkeypatch.setattr("promptkit.cli.generate.lint_or_stop", lambda *a: None)
    return fake


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_generate_saves_the_clip_and_prints_path_duration_and_cost(api: FakeApi) -> None:
    result = invoke("generate", "a red kite over a beach", "--duration", "1")
    assert result.exit_code == 0, result.output
    sha = hashlib.sha256(MP4).hexdigest()
    assert result.stdout == (
        "request_id  req-1\n"
        "status      done\n"
        f"clip        {Path('clips') / 'req-1.mp4'}\n"
        f"sha256      {sha}\n"
        "duration    1 s\n"
        "model       grok-imagine-video\n"
        "cost        $0.05\n"
    )
    assert Path("clips/req-1.mp4").read_bytes() == MP4
    body = json.loads(api.requests[0].content)
    assert body["prompt"] == "a red kite over a beach" and body["duration"] == 1
    assert "req-1: pending 50%" in result.stderr


def test_generate_of_a_moderated_job_fails_with_one_line(api: FakeApi) -> None:
    api.statuses = [{"status": "done", "video": {"url": "", "respect_moderation": False}}]
    result = CliRunner().invoke(cli, ["generate", "x"])
    assert result.exit_code != 0 and "withheld by moderation" in str(result.exception)


def test_status_prints_a_pending_job(api: FakeApi) -> None:
    result = invoke("status", "req-1")
    assert result.stdout == "request_id  req-1\nstatus      pending (50%)\n"


def test_status_json_has_exact_cost(api: FakeApi) -> None:
    api.statuses = [done_body()]
    data = json.loads(invoke("status", "req-1", "--json").stdout)
    assert data["status"] == "done" and data["cost_usd"] == "0.05"


def test_download_refuses_a_pending_job(api: FakeApi) -> None:
    result = CliRunner().invoke(cli, ["download", "req-1"])
    assert "still pending (50%)" in str(result.exception)


def test_download_with_wait_saves_the_clip(api: FakeApi) -> None:
    result = invoke("download", "req-1", "--wait", "--out", "got")
    assert result.exit_code == 0 and Path("got/req-1.mp4").read_bytes() == MP4


def test_download_of_a_finished_job_checks_its_status_once(api: FakeApi) -> None:
    api.statuses = [done_body()]
    result = invoke("download", "req-1", "--out", "got")
    assert result.exit_code == 0 and Path("got/req-1.mp4").read_bytes() == MP4
    assert api.polls == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"status": "failed", "error": {"code": "boom", "message": "no"}}, "GenerationFailed"),
        ({"status": "done", "video": {"respect_moderation": False}}, "Moderated"),
    ],
)
def test_download_of_an_unsuccessful_job_raises_its_error_and_fetches_nothing(
    api: FakeApi, body: dict[str, Any], error: str
) -> None:
    api.statuses = [body]
    result = CliRunner().invoke(cli, ["download", "req-1", "--out", "got"])
    assert type(result.exception).__name__ == error
    assert len(api.requests) == 1 and not Path("got").exists()


def test_edit_sends_a_local_file_as_a_data_url(api: FakeApi) -> None:
    Path("in.mp4").write_bytes(MP4)
    result = invoke("edit", "add snow", "--video", "in.mp4")
    assert result.exit_code == 0
    body = json.loads(api.requests[0].content)
    assert api.requests[0].url.path == "/v1/videos/edits"
    assert body["video"]["url"].startswith("data:video/mp4;base64,")


def test_extend_sends_the_duration(api: FakeApi) -> None:
    result = invoke("extend", "keep going", "--video", "https://cdn/x.mp4", "--duration", "3")
    assert result.exit_code == 0
    assert json.loads(api.requests[0].content)["duration"] == 3


def run_main(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from promptkit.cli import main

    with pytest.raises(SystemExit) as info:
        main(list(args))
    return int(info.value.code or 0), capsys.readouterr().err


def test_xai_without_a_key_is_a_one_line_auth_error(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    code, err = run_main("generate", "a kite", "--provider", "xai", "--no-lint", capsys=capsys)
    assert (code, err) == (2, "error: XAI_API_KEY is not set: export it to use --provider xai\n")


def test_status_on_the_simulator_needs_a_base_url(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = run_main("status", "req-1", capsys=capsys)
    assert code == 2 and "needs --base-url of a running `promptkit sim`" in err


def test_prompt_and_template_together_are_a_usage_error(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = run_main("generate", "x", "--template", "y", capsys=capsys)
    assert code == 2 and "either a PROMPT or --template" in err


def test_lint_errors_stop_generation_with_exit_1(monkeypatch, tmp_path, capsys) -> None:
    import promptkit.cli.generate as gen
    from promptkit.models import GenerationParams

    class Finding:
        code, severity, message, help = "PK001", "error", "nothing moves", "say what moves"

    monkeypatch.setattr("promptkit.lint.lint_prompt", lambda text, **kw: [Finding()])
    with pytest.raises(SystemExit) as info:
        gen.lint_or_stop("a still photo", GenerationParams(), False)
    err = capsys.readouterr().err
    assert info.value.code == 1
    assert err == (
        "lint: PK001 error: nothing moves (hint: say what moves)\n"
        "error: the prompt has 1 lint error(s); fix them or pass --no-lint\n"
    )
    gen.lint_or_stop("a still photo", GenerationParams(), True)  # --no-lint: no exit


def test_real_linter_stops_a_motionless_prompt_before_any_request(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["generate", "x", "--provider", "xai"])
    assert result.exit_code == 1 and "PK001" in result.stderr


def test_generate_renders_a_template_with_variables(api: FakeApi) -> None:
    templates = pytest.importorskip("promptkit.templates")
    subject = "a copper kettle on a camp stove"
    expected = templates.TemplateLibrary().render(
        "cinematic", {"subject": subject}, {"duration": 1}
    )
    result = invoke(
        "generate", "--template", "cinematic", "--var", f"subject={subject}", "--duration", "1"
    )
    assert result.exit_code == 0, result.output
    body = json.loads(api.requests[0].content)
    assert body["prompt"] == expected.prompt.text and subject in body["prompt"]
    assert body["duration"] == 1


def test_generate_lints_with_the_projects_lint_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from promptkit.cli import generate as gen
    from promptkit.config import Settings
    from promptkit.models import GenerationParams

    (tmp_path / "pyproject.toml").write_text('[tool.promptkit.lint]\nignore = ["PK001"]\n')
    monkeypatch.chdir(tmp_path)
    gen.lint_or_stop("a mountain", GenerationParams(), False)  # PK001 ignored: no exit
    assert "PK001" not in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # the same prompt with default settings stops
        gen.lint_or_stop("a mountain", GenerationParams(), False, Settings({}))
    assert info.value.code == 1
    assert "lint: PK001 error" in capsys.readouterr().err
