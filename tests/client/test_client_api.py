"""The public surface of promptkit.client and its one-owner rule for httpx."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import promptkit.client as client
from promptkit.client import JobStatus


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert client.__all__ == sorted(client.__all__)
    for name in client.__all__:
        assert getattr(client, name) is not None


def test_the_eval_runner_contract_is_exported() -> None:
    expected = {
        "ClientConfig",
        "Download",
        "JobStatus",
        "PollPolicy",
        "SyncVideoClient",
        "VideoClient",
        "next_poll_delay",
    }
    assert expected <= set(client.__all__)


def test_only_the_transport_module_imports_httpx() -> None:
    folder = Path(client.__file__).parent
    importers = sorted(
        p.name
        for p in folder.glob("*.py")
        if re.search(r"^\s*(import httpx|from httpx)", p.read_text(), re.M)
    )
    assert importers == ["transport.py"]


def test_job_status_dump_includes_the_exact_cost() -> None:
    status = JobStatus(request_id="r", status="done", cost_ticks=700_000_000)
    assert status.cost_usd == Decimal("0.07")
    assert status.model_dump(mode="json")["cost_usd"] == "0.07"
