"""schemathesis against the simulator's own ``/openapi.json``: bad requests never get a 5xx.

Both positive and negative (schema-violating) requests are generated for every documented
operation, in both dialects, and sent to the ASGI app in-process. Jobs are configured to fail
(``fail_rate=1``) so accepted requests never start a render; the API surface is the same.

Checks: no 5xx (a malformed ``video.url`` such as ``http://[`` once was one), status codes,
content types, headers and bodies as documented, schema-violating requests refused, 405s that
name the allowed methods, and no access without the right key (``ignored_auth``, blog dialect
only: the official dialect answers a wrong key with 400, as the real API does). Not checked, on
purpose: ``positive_data_acceptance`` (a schema-valid ``video.url`` of another host is refused
because the simulator only reads its own clips).
"""

from __future__ import annotations

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
