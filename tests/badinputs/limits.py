"""Every limit promptkit enforces, its default (read from the code) and the line it answers with.

A limit's message comes from running promptkit: a catalogue case (``case=(area, what)``) run
from the command line, or a *probe* that drives the library the same way a hostile input would
(an answer from a mock transport, a clock that jumps past a deadline). ``render_limits`` turns
them into the "Limits" section of ``docs/bad-inputs.md``.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from promptkit import safeyaml
from promptkit.client import ClientConfig, VideoClient, video_source
from promptkit.client.download import too_slow
from promptkit.client.polling import MAX_INTERVAL, MAX_TIMEOUT
from promptkit.client.transport import HttpSession
from promptkit.client.wire import MAX_COST_USD
from promptkit.errors import PromptkitError
from promptkit.models import MAX_IMAGE_BYTES, GenerationParams
from promptkit.runner.expand import MAX_JOBS
from promptkit.runner.results import MAX_USD
from promptkit.runner.scheduler import MiB, SchedulerOptions
from promptkit.sim.wire import MAX_JSON_DEPTH
from promptkit.templates import limits as tl

KEY = "xai-TESTKEY-catalogue-limits"
_CLIENT = ClientConfig()


def _mib(n: int) -> str:
    return f"{n // MiB} MiB" if n >= MiB else f"{n // 1024} KiB"


def _error(probe: Callable[[], object]) -> str:
    """The one-line message of the promptkit error ``probe`` raises (or builds and returns)."""
    try:
        made = probe()
    except PromptkitError as exc:
        made = exc
    if not isinstance(made, PromptkitError):
        raise AssertionError(f"{probe} raised nothing")
    return str(made).replace(f"{_SCRATCH}/", "")  # the scratch folder differs between machines


def _status(body: dict[str, object], **config: object) -> Callable[[], object]:
    """get_status of a job whose answer is ``body`` (JSON), as a probe."""

    def probe() -> object:
        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, content=json.dumps(body).encode())

        async def go() -> object:
            settings = {"base_url": "https://api.x.ai", "api_key": KEY, "max_retries": 0, **config}
            cfg = ClientConfig(**settings)  # type: ignore[arg-type]
            async with VideoClient(cfg, transport=httpx.MockTransport(handler)) as client:
                return await client.get_status("req-1")

        return asyncio.run(go())

    return probe


def _clip_too_big() -> object:
    def handler(request: httpx.Request) -> httpx.Response:
        big = str(_CLIENT.max_download_bytes + 1)
        return httpx.Response(200, headers={"content-length": big}, content=b"")

    async def go() -> object:
        cfg = ClientConfig(max_retries=0)
        async with VideoClient(cfg, transport=httpx.MockTransport(handler)) as client:
            with tempfile.TemporaryDirectory() as tmp:
                return await client.download("https://vidgen.x.ai/a.mp4", Path(tmp) / "a.mp4")

    return asyncio.run(go())


_SCRATCH = Path(tempfile.gettempdir()) / "promptkit-limits"


def _sparse(name: str, size: int) -> Path:
    """A file of ``size`` bytes taking no space (the size is what counts)."""
    _SCRATCH.mkdir(exist_ok=True)
    path = _SCRATCH / name
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


def _sim_body_too_large() -> object:
    from promptkit.errors import ApiValidationError
    from promptkit.sim import SimConfig
    from promptkit.sim.wire import too_large

    refused = too_large(SimConfig().max_body_bytes)
    return ApiValidationError(f"HTTP {refused.status}: {refused.body['error']}")


def _render_too_slow() -> object:
    from promptkit.templates import environment

    env = environment.make_environment([])
    template = environment.compile_template(env, "{{ x }}", Path("slow.j2"))
    ticks = iter([0.0, tl.MAX_SECONDS + 1])  # the clock jumps past the deadline at once
    budget = tl.Budget(clock=lambda: next(ticks, tl.MAX_SECONDS + 1))
    return environment.render(template, Path("slow.j2"), {"x": "a fox"}, budget)


def _sim_json_depth() -> object:
    from promptkit.errors import ApiValidationError
    from promptkit.sim import SimConfig, create_app

    async def go() -> str:
        app = create_app(SimConfig(rps=None, rpm=None))
        transport = httpx.ASGITransport(app=app)
        body = '{"prompt": "a fox", "x": ' + "[" * 500 + "]" * 500 + "}"
        async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
            r = await client.post("/v1/videos/generations", content=body,
                                  headers={"Authorization": "Bearer k"})  # fmt: skip
        app.state.close()
        return f"HTTP {r.status_code}: {r.json()['error']}"

    raise ApiValidationError(asyncio.run(go()))


@dataclass(frozen=True)
class Limit:
    """One limit: what it bounds, its default, where it can be changed, and how it answers."""

    name: str
    default: str
    setting: str
    case: tuple[str, str] | None = None
    probe: Callable[[], object] | None = None


FIXED = "fixed"
LIMITS: tuple[Limit, ...] = (
    Limit("YAML file size (spec, front matter)", _mib(safeyaml.MAX_BYTES), FIXED,
          case=("eval", "spec file over 1 MiB")),
    Limit("YAML aliases", str(safeyaml.MAX_ALIASES), FIXED, case=("eval", "more than 100 aliases")),
    Limit("YAML nesting", f"{safeyaml.MAX_DEPTH} levels", FIXED,
          case=("eval", "YAML nested 5,000 deep")),
    Limit("YAML size with aliases expanded",
          f"{safeyaml.MAX_NODES:,} values, {_mib(safeyaml.MAX_CHARS)[:-1]} characters", FIXED,
          case=("eval", "YAML alias bomb")),
    Limit("jobs one spec expands to (checked by multiplying, before expanding)",
          f"{MAX_JOBS:,}", FIXED, case=("eval", "spec of 10^8 jobs")),
    Limit("replicates per variant", "1,000", FIXED, case=("eval", "replicates of 5,000")),
    Limit("jobs in flight (concurrency)", "256", FIXED, case=("eval", "concurrency of 1,000")),
    Limit("template file size", _mib(tl.MAX_TEMPLATE_BYTES), FIXED,
          case=("render", "template file over 1 MiB")),
    Limit("template call nesting (recursion)", str(tl.MAX_CALL_DEPTH), FIXED,
          case=("render", "macro that calls itself")),
    Limit("template loop iterations per render", f"{tl.MAX_LOOP_ITERATIONS:,}", FIXED,
          case=("render", "nested loops of 100,000")),
    Limit("any one string or list a template builds", f"{tl.MAX_OUTPUT:,} characters", FIXED,
          case=("render", "string multiplied 10^10 times")),
    Limit("everything a template builds in one render", f"{tl.MAX_BUILT:,} characters", FIXED,
          case=("render", "values built past 2,000,000 characters")),
    Limit("rendered output", f"{tl.MAX_OUTPUT:,} characters", FIXED,
          case=("render", "output past 100,000 characters")),
    Limit("format widths and precisions in templates", f"{tl.MAX_OUTPUT:,}", FIXED,
          case=("render", "format width of 10^9")),
    Limit("integers in templates", f"{tl.MAX_INT_BITS:,} bits", FIXED,
          case=("render", "integer of 10^8 digits")),
    Limit("time of one render", f"{tl.MAX_SECONDS:g} s", FIXED, probe=_render_too_slow),
    Limit("money (budget_usd, --max-cost)", f"$0 to ${MAX_USD:,}", FIXED,
          case=("eval", "--max-cost of 1e999999")),
    Limit("polling intervals", f"{MAX_INTERVAL:g} s", "spec `polling:`, `client.poll`",
          case=("eval", "polling interval of 1e308")),
    Limit("polling timeout (per job, a trickled status included)", f"{MAX_TIMEOUT:g} s",
          "spec `polling:`, `client.poll`", case=("eval", "polling timeout of 10^9 s")),
    Limit("client timeouts and backoffs", f"{MAX_TIMEOUT:g} s", "`client.*`",
          probe=lambda: ClientConfig(read_timeout=1e308)),
    Limit("API answer size", _mib(_CLIENT.max_response_bytes), "`client.max_response_bytes`",
          probe=lambda: HttpSession(_CLIENT)._too_big("GET", "/v1/videos/req-1", False, 2 * MiB)),
    Limit("total time of one API request", f"{_CLIENT.request_timeout:g} s",
          "`client.request_timeout`",
          probe=lambda: HttpSession(_CLIENT)._too_slow("GET", "/v1/videos/req-1", False)),
    Limit("total time of one clip download", f"{_CLIENT.download_timeout:g} s",
          "`client.download_timeout`",
          probe=lambda: too_slow("https://vidgen.x.ai/a.mp4", _CLIENT.download_timeout)),
    Limit("clip size", _mib(_CLIENT.max_download_bytes), "`client.max_download_bytes`",
          probe=_clip_too_big),
    Limit("local video sent as a data URL (edit, extend)", _mib(_CLIENT.max_upload_bytes),
          "`client.max_upload_bytes`",
          probe=lambda: video_source(_sparse("big.mp4", _CLIENT.max_upload_bytes + 1),
                                     _CLIENT.max_upload_bytes)),
    Limit("local image (first frame, references)", _mib(MAX_IMAGE_BYTES), FIXED,
          probe=lambda: GenerationParams.build(image=str(_sparse("big.png", MAX_IMAGE_BYTES + 1)))),
    Limit("cost of one job", f"0 to ${MAX_COST_USD:,}", FIXED,
          probe=_status({"status": "done", "usage": {"cost_in_usd_ticks": -5}})),
    Limit("clip URLs that carry the API key", "refused", FIXED,
          probe=_status({"status": "done", "video": {"url": f"https://x.example/a?k={KEY}"}})),
    Limit("free disk space to keep submitting", _mib(SchedulerOptions().min_free_bytes), FIXED),
    Limit("JSON nesting of a request to the simulator", f"{MAX_JSON_DEPTH} levels", FIXED,
          probe=_sim_json_depth),
    Limit("request body the simulator reads", "64 MiB", "`sim.max_body_bytes`",
          probe=_sim_body_too_large),
)  # fmt: skip

NOTES = {
    "free disk space to keep submitting": (
        "(not an error) the run stops submitting and ends incomplete (exit 4) with the reason "
        "`disk guard: N MiB free where the run is kept, …; free space, then resume`"
    ),
}


def limit_rows(answers: dict[tuple[str, str], str]) -> list[tuple[Limit, str]]:
    """Each limit with its message: a case's answer from ``answers``, a probe's error, or a note."""
    rows = []
    for limit in LIMITS:
        if limit.case is not None:
            message = answers[limit.case]
        elif limit.probe is not None:
            message = _error(limit.probe)
        else:
            message = NOTES[limit.name]
        rows.append((limit, message))
    return rows


def render_limits(answers: dict[tuple[str, str], str]) -> list[str]:
    """The "Limits" section of ``docs/bad-inputs.md`` (Markdown lines)."""
    out = [
        "",
        "## Limits",
        "",
        "Every limit, its default and what promptkit says when an input goes past it. Each one",
        "keeps a hostile or mistaken input from taking minutes or gigabytes before it fails, and",
        "is far above what real use needs (the shipped specs and templates stay orders of",
        "magnitude below). Messages come from running promptkit: the catalogue's commands above,",
        "or the client and simulator driven the way a hostile provider or client would.",
        "",
        "| limit | default | set by | what promptkit says |",
        "|---|---|---|---|",
    ]
    for limit, message in limit_rows(answers):
        cells = [limit.name, limit.default, limit.setting, message.replace("error: ", "", 1)]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return out
