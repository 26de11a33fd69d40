"""schemathesis against the simulator's own ``/openapi.json``: bad requests never get a 5xx,
and the document (generated from the request models) says what the server does.

The in-process tests generate positive and negative (schema-violating) requests for every
documented operation, in both dialects, against the ASGI app. The CLI test runs ``schemathesis
run --checks all`` with every phase, the stateful one included (submits link to their poll),
against a real ``promptkit sim`` process, and accepts only the failures docs/simulator.md lists
as choices copied from the real API. Jobs are configured to fail (``fail_rate=1``) so accepted
requests never start a render; the API surface is the same.

Checks: no 5xx (a malformed ``video.url`` such as ``http://[`` once was one), status codes,
content types, headers and bodies as documented, schema-violating requests refused, 405s that
name the allowed methods, and no access without the right key (``ignored_auth``, blog dialect
only: the official dialect answers a wrong key with 400, as the real API does). Not checked, on
purpose: ``positive_data_acceptance`` (a schema-valid ``video.url`` of another host is refused
because the simulator only reads its own clips).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
import schemathesis
from schemathesis import GenerationMode, openapi
from schemathesis import checks as st_checks

from promptkit.sim import SimConfig, create_app
from tests.fuzz.conftest import FUZZ

KEY = "sim-fuzz-key"
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
    st_checks.negative_data_rejection,
    st_checks.unsupported_method,
]


def _schema(dialect: str) -> schemathesis.BaseSchema:
    config = SimConfig(speed=0, rps=None, rpm=None, fail_rate=1.0, api_key=KEY, dialect=dialect)
    schema = openapi.from_asgi("/openapi.json", create_app(config))
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    return schema


official = _schema("official")
blog = _schema("blog")


@official.parametrize()
@FUZZ
def test_official_dialect_answers_every_request_as_documented_without_5xx(
    case: schemathesis.Case,
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, checks=CHECKS)


@blog.parametrize()
@FUZZ
def test_blog_dialect_answers_every_request_as_documented_and_needs_the_key(
    case: schemathesis.Case,
) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {KEY}"},
        checks=[*CHECKS, st_checks.ignored_auth],
    )


@pytest.mark.parametrize("endpoint", ["extensions", "edits"])
@pytest.mark.parametrize("url", ["http://[", "https://[::1/clip.mp4"])
async def test_malformed_video_url_is_refused_with_400_not_500(endpoint: str, url: str) -> None:
    app = create_app(SimConfig(speed=0, rps=None, rpm=None, api_key=KEY))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        answer = await client.post(
            f"/v1/videos/{endpoint}",
            json={"prompt": "a fox runs", "video": {"url": url}},
            headers={"Authorization": f"Bearer {KEY}"},
        )
    assert answer.status_code == 400


# The failures `schemathesis run --checks all` may report, each a choice copied from the real
# API (docs/simulator.md, "OpenAPI"): (check code, HTTP status, words of the answer's error).
DOCUMENTED_CHOICES = (
    # A wrong key is 400 INVALID_ARGUMENT on the real API (official dialect); ST401 wants 401.
    ("ST401", 400, "Incorrect API key provided"),
    # The real API downloads an input video; a URL it cannot download is refused.
    ("ST202", 400, "video.url could not be downloaded"),
    # A data URI's bytes must decode as an image or video, which JSON Schema cannot say.
    ("ST202", 400, "cannot be decoded"),
    # serde refuses 8.0 for an integer; JSON Schema counts 8.0 as an integer.
    ("ST202", 422, "invalid type: floating point"),
)
_FAILURE = re.compile(r"- (ST\d+) [^\n]*\n.*?\[(\d{3})\][^\n]*\n\s*`(.*?)`\n", re.DOTALL)


def _schemathesis() -> str:
    found = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    assert Path(found).exists(), "schemathesis is part of the test extra"
    return found


def _failures(junit: Path) -> list[tuple[str, str, int, str]]:
    """(operation, check code, status, answer) of every failure in a JUnit report."""
    out = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        for failure in case:
            for code, status, body in _FAILURE.findall(failure.text or ""):
                out.append((str(case.get("name")), code, int(status), body))
    return out


@pytest.mark.slow
def test_schemathesis_cli_with_all_checks_and_the_stateful_phase_finds_only_documented_choices(
    tmp_path: Path,
) -> None:
    sim = subprocess.Popen(
        [sys.executable, "-m", "promptkit", "sim", "--port", "0", "--api-key", KEY, "--rps", "0",
         "--rpm", "0", "--fail-rate", "1", "--speed", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert sim.stdout is not None
        base = re.search(r"serving (http://\S+)", sim.stdout.readline())
        assert base, "the simulator did not start"
        done = subprocess.run(
            [_schemathesis(), "run", f"{base[1]}/openapi.json", "--checks", "all",
             "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "15",
             "--generation-deterministic", "-H", f"Authorization: Bearer {KEY}",
             "--report", "junit,json", "--report-dir", str(tmp_path / "report")],
            capture_output=True, text=True, timeout=600, cwd=tmp_path,
        )  # fmt: skip
    finally:
        sim.terminate()
        sim.wait(timeout=30)
    report = json.loads(next((tmp_path / "report").glob("json-*.json")).read_text())
    assert report["errors"] == [], done.stdout[-3000:]
    assert report["phases"]["stateful"]["status"] in ("success", "failure"), report["phases"]
    assert report["test_cases"]["generated"] > 100
    failures = _failures(next((tmp_path / "report").glob("junit-*.xml")))
    assert len(failures) == sum(f["count"] for f in report["failures"]), done.stdout[-3000:]
    unexplained = [
        f
        for f in failures
        if not any(
            f[1] == code and f[2] == status and words in f[3]
            for code, status, words in DOCUMENTED_CHOICES
        )
    ]
    assert unexplained == [], done.stdout[-3000:]
