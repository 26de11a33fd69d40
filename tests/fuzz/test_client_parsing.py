"""The client reads any server answer into a status or a promptkit error, never a crash.

Bodies are arbitrary bytes, arbitrary JSON and near-misses of the real shapes (status strings,
ill-typed fields, huge numbers, nesting); HTTP statuses and headers are arbitrary too.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from promptkit.client import ClientConfig, parse_status
from promptkit.client.transport import HttpResult, error_for_response, parse_retry_after
from promptkit.client.wire import parse_request_id, server_message
from promptkit.errors import ApiError, PromptkitError
from tests.fuzz.conftest import FUZZ

CONFIG = ClientConfig(base_url="http://127.0.0.1:9", api_key="xai-FUZZKEY-0123456789")
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)  # fmt: skip
ODD = ["pending", "done", "failed", "expired", "processing", "DONE", "weird", "", "data:,",
       "https://x/y.mp4"]  # fmt: skip
FIELD = st.one_of(JSON, st.sampled_from(ODD))
SHAPED = st.fixed_dictionaries(
    {},
    optional={
        "status": FIELD,
        "progress": FIELD,
        "video": st.one_of(FIELD, st.fixed_dictionaries({}, optional={
            "url": FIELD, "duration": FIELD, "respect_moderation": FIELD})),
        "usage": st.one_of(FIELD, st.fixed_dictionaries({}, optional={
            "cost_in_usd_ticks": st.one_of(FIELD, st.integers())})),
        "error": st.one_of(FIELD, st.fixed_dictionaries({}, optional={
            "code": FIELD, "message": FIELD})),
        "model": FIELD,
        "request_id": FIELD,
    },
)  # fmt: skip
BODIES = st.one_of(
    st.binary(max_size=200),
    JSON.map(lambda v: json.dumps(v).encode()),
    SHAPED.map(lambda v: json.dumps(v).encode()),
)
STATUSES = st.one_of(st.sampled_from([200, 202, 400, 401, 403, 404, 408, 429, 500, 502, 503,
                                      504]), st.integers(100, 599))  # fmt: skip


@FUZZ
@given(body=BODIES, status=st.sampled_from([200, 201, 202, 204]))
def test_any_status_body_parses_or_raises_a_promptkit_error(body: bytes, status: int) -> None:
    try:
        parsed = parse_status("rid-1", status, body)
    except PromptkitError as exc:
        assert "\n" not in str(exc)
        return
    assert parsed.status in ("pending", "done", "failed", "expired")
    assert parsed.video_url is None or parsed.status == "done"
    assert parsed.progress is None or isinstance(parsed.progress, int)


@FUZZ
@given(body=BODIES, status=STATUSES)
def test_any_submit_answer_is_a_request_id_or_a_promptkit_error(body: bytes, status: int) -> None:
    try:
        rid = parse_request_id(body, endpoint="POST /v1/videos/generations", http_status=status)
    except PromptkitError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(rid, str) and rid == rid.strip() and rid


@FUZZ
@given(body=BODIES, status=STATUSES, submit=st.booleans(),
       headers=st.dictionaries(st.sampled_from(["retry-after", "retry-after-ms", "x"]),
                               st.text(max_size=30), max_size=2))  # fmt: skip
def test_any_error_answer_maps_to_one_api_error_line_without_the_key(
    body: bytes, status: int, submit: bool, headers: dict[str, str]
) -> None:
    result = HttpResult(status, headers, body + CONFIG.api_key.encode())  # type: ignore[operator]
    err = error_for_response(result, endpoint="POST /x", submit=submit, config=CONFIG)
    assert isinstance(err, ApiError) and err.status_code == status
    assert "\n" not in str(err) and CONFIG.api_key not in str(err)
    retry = parse_retry_after(headers)
    assert retry is None or retry >= 0


@FUZZ
@given(body=BODIES)
def test_server_message_is_one_line_or_none(body: bytes) -> None:
    message: Any = server_message(body)
    assert message is None or (isinstance(message, str) and "\n" not in message)
