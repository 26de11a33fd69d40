"""The pytest plugin: its fixtures come through the entry point, and importing it is light."""

from __future__ import annotations

import subprocess
import sys

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


def test_importing_the_plugin_loads_nothing_heavy() -> None:
    # pytest imports every pytest11 plugin at start-up: this import is paid by every test run
    # in an environment where promptkit is installed.
    code = (
        "import sys, promptkit.sim.pytest_plugin\n"
        "heavy = {'numpy', 'av', 'cv2', 'scipy', 'starlette', 'uvicorn', 'httpx', 'pydantic',\n"
        "         'grpc', 'anyio', 'yaml', 'jinja2'}\n"
        "own = 'promptkit.sim.pytest_plugin'\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "                or m.startswith('promptkit.sim.') and m != own)\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_session_fixture_is_one_simulator_and_restore_undoes_faults(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("""
        import httpx

        seen = []

        def test_first(promptkit_sim_session):
            seen.append(promptkit_sim_session.base_url)
            promptkit_sim_session.faults(fail_rate=1.0)
            assert promptkit_sim_session.config.fail_rate == 1.0

        def test_second(promptkit_sim_session):
            assert seen == [promptkit_sim_session.base_url]
            assert promptkit_sim_session.config.fail_rate == 1.0  # changes persist...
            promptkit_sim_session.restore()
            assert promptkit_sim_session.config.fail_rate == 0.0  # ...until restore()
            assert httpx.get(promptkit_sim_session.base_url + "/sim/stats").status_code == 200
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_factory_starts_simulators_with_settings_and_stops_them_after_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("""
        import httpx, pytest

        urls = []

        def test_two_simulators(promptkit_sim_factory):
            official = promptkit_sim_factory()
            blog = promptkit_sim_factory(dialect="blog")
            assert official.base_url != blog.base_url
            assert (official.config.dialect, blog.config.dialect) == ("official", "blog")
            urls.extend([official.base_url, blog.base_url])

        def test_they_were_stopped():
            for url in urls:
                with pytest.raises(httpx.ConnectError):
                    httpx.get(url + "/sim/stats")
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_no_promptkit_sim_disables_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_uses_it(promptkit_sim):
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:promptkit_sim")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'promptkit_sim' not found*"])
