"""schemathesis against the app in-process: no 5xx, only documented answers and shapes."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from promptkit.sim import create_app
from tests.sim.conftest import KEY, config

# Positive-data acceptance is left out on purpose: foreign video URLs are schema-valid but the
# simulator cannot fetch them, so it answers 400.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Jobs fail instead of rendering, so hundreds of generated submits stay cheap.
app = create_app(config(speed=0, fail_rate=1.0))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_get_documented_answers(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, checks=CHECKS)
