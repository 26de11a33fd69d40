"""The pytest plugin: the ``promptkit_sim`` fixture is registered through the entry point."""

from __future__ import annotations

import httpx
import pytest

pytest_plugins = ["pytester"]


def test_fixture_yields_a_running_simulator_with_key_and_fault_controls(promptkit_sim) -> None:
    headers = {"Authorization": f"Bearer {promptkit_sim.api_key}"}
    r = httpx.post(
        f"{promptkit_sim.base_url}/v1/videos/generations",
        json={"prompt": "a kite", "duration": 1, "user": "t1"},
        headers=headers,
    )
    assert r.status_code == 200
    promptkit_sim.faults(error_5xx_rate=1.0)
    assert httpx.get(f"{promptkit_sim.base_url}/v1/videos/x", headers=headers).status_code >= 500
    assert [e["user"] for e in promptkit_sim.ledger()] == ["t1"]
    assert promptkit_sim.stats()["errors_5xx_injected"] == 1


@pytest.mark.promptkit_sim(dialect="blog")
def test_marker_sets_the_simulator_settings(promptkit_sim) -> None:
    assert promptkit_sim.config.dialect == "blog"


def test_plugin_is_loaded_in_a_fresh_pytest_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import httpx

        def test_user_app(promptkit_sim):
            r = httpx.get(promptkit_sim.base_url + "/sim/stats")
            assert r.json()["accepted"] == 0
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
