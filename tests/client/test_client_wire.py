"""Parsing of status and submit responses: every status, tolerant of odd bodies."""

from __future__ import annotations

import contextlib
import json
import logging
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promptkit.client import JobStatus, parse_status
from promptkit.client.wire import parse_request_id, server_message
from promptkit.errors import PromptkitError, ServerError, UncertainSubmit

from .conftest import done_body


def parse(body: object, code: int = 200) -> JobStatus:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_status("req-1", code, raw)


def test_pending_with_progress_is_not_terminal() -> None:
    s = parse({"status": "pending", "progress": 24}, 202)
    assert (s.status, s.progress, s.terminal) == ("pending", 24, False)


def test_processing_from_the_blog_means_pending_without_a_warning(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="promptkit.client"):
        s = parse({"status": "processing", "progress": 10}, 200)
    assert s.status == "pending" and s.reported_status == "processing"
    assert caplog.records == []


@pytest.mark.parametrize("body", [b"", b"   ", b"not json"])
def test_http_202_with_an_empty_or_unreadable_body_means_pending(body: bytes) -> None:
    s = parse_status("req-1", 202, body)
    assert s.status == "pending" and s.progress is None and s.http_status == 202


def test_done_carries_url_duration_model_and_exact_cost() -> None:
    s = parse(done_body())
    assert s.status == "done" and s.terminal and not s.moderated
    assert s.video_url == "https://vidgen.x.ai/bucket/clip.mp4"
    assert (s.duration, s.model, s.cost_ticks) == (1, "grok-imagine-video", 500_000_000)
    assert s.cost_usd == Decimal("0.05")


def test_done_without_respecting_moderation_is_moderated_and_has_no_url() -> None:
    body = done_body(url="")
    body["video"]["respect_moderation"] = False
    s = parse(body)
    assert s.status == "done" and s.moderated and s.video_url is None


def test_done_with_a_url_but_respect_moderation_false_is_still_moderated() -> None:
    body = done_body()
    body["video"]["respect_moderation"] = False
    s = parse(body)
    assert s.moderated and s.video_url is None


def test_failed_keeps_error_code_and_message() -> None:
    s = parse(
        {
            "status": "failed",
            "video": {"duration": 0, "respect_moderation": True},
            "model": "",
            "error": {"code": "internal_error", "message": "renderer crashed"},
        }
    )
    assert (s.status, s.error_code, s.error_message) == (
        "failed",
        "internal_error",
        "renderer crashed",
    )
    assert s.terminal and s.video_url is None


def test_failed_with_a_plain_string_error_keeps_the_message() -> None:
    s = parse({"status": "failed", "error": "bad things"})
    assert s.error_message == "bad things" and s.error_code is None


def test_expired_is_terminal() -> None:
    s = parse({"status": "expired"})
    assert s.status == "expired" and s.terminal


def test_unknown_status_keeps_polling_with_a_warning(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="promptkit.client"):
        s = parse({"status": "warming_up", "progress": 3})
    assert s.status == "pending" and s.reported_status == "warming_up"
    assert "unknown status 'warming_up'" in caplog.text


def test_a_url_without_a_status_counts_as_done() -> None:
    s = parse({"video": {"url": "https://cdn.example/c.mp4"}})
    assert s.status == "done" and s.video_url == "https://cdn.example/c.mp4"


def test_unknown_fields_are_ignored_and_kept_in_raw() -> None:
    s = parse({"status": "pending", "progress": 5, "eta_ms": 1200, "extra": {"x": 1}})
    assert s.progress == 5 and s.raw["eta_ms"] == 1200


def test_ill_typed_fields_become_none() -> None:
    s = parse({"status": "done", "progress": "lots", "video": "nope", "usage": [1], "model": 7})
    assert s.progress is None and s.model is None and s.cost_ticks is None and s.moderated


def test_a_200_that_is_not_a_json_object_is_a_server_error() -> None:
    with pytest.raises(ServerError, match="not a JSON object"):
        parse_status("req-1", 200, b"[1, 2]")


def test_submit_answer_yields_the_request_id() -> None:
    assert parse_request_id(b'{"request_id": " aa87-1 "}', endpoint="POST x", http_status=200) == (
        "aa87-1"
    )


def test_submit_answer_without_request_id_is_uncertain() -> None:
    with pytest.raises(UncertainSubmit, match="without a request_id"):
        parse_request_id(b"{}", endpoint="POST x", http_status=200)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"code":"Client specified an invalid argument","error":"duration too long"}',
            "duration too long",
        ),
        (b'{"error":{"message":"bad size","type":"invalid_request_error"}}', "bad size"),
        (b'{"detail":"nope"}', "nope"),
        (b"plain text\nwith lines", "plain text with lines"),
        (b"<html><body>502</body></html>", None),
    ],
)
def test_server_message_reads_every_error_shape(body: bytes, message: str | None) -> None:
    assert server_message(body) == message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
status_like = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["pending", "done", "failed", "expired", "processing", "??"])
        | json_values,
        "progress": json_values,
        "video": st.fixed_dictionaries(
            {},
            optional={
                "url": json_values,
                "duration": json_values,
                "respect_moderation": json_values,
            },
        )
        | json_values,
        "usage": st.fixed_dictionaries({}, optional={"cost_in_usd_ticks": json_values})
        | json_values,
        "error": json_values,
        "model": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(body=status_like | json_values, code=st.sampled_from([200, 202]))
def test_arbitrary_json_bodies_never_crash_the_parser(body: object, code: int) -> None:
    raw = json.dumps(body, allow_nan=True).encode()
    try:
        s = parse_status("req-1", code, raw)
    except PromptkitError:
        return
    assert s.status in ("pending", "done", "failed", "expired")
    assert s.video_url is None or s.status == "done"
    assert s.cost_ticks is None or isinstance(s.cost_usd, Decimal)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=200), code=st.integers(200, 299))
def test_arbitrary_bytes_never_crash_the_parsers(raw: bytes, code: int) -> None:
    for call in (
        lambda: parse_status("req-1", code, raw),
        lambda: parse_request_id(raw, endpoint="POST x", http_status=code),
    ):
        with contextlib.suppress(PromptkitError):
            call()
    server_message(raw)
