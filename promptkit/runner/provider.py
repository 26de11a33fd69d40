"""Which provider an eval session talks to, and what can be asked of it about lost answers.

Three cases: the real xAI API (``provider: xai``), a simulator someone else runs
(``--sim-url``), or the built-in simulator, started in-process on a free loopback port. The
built-in one keeps its job store in the run folder (``<run>/sim``), so after a crash the next
session's simulator still knows every job the last one accepted: pending jobs finish, finished
ones can be fetched again, and a submit whose answer was lost can be settled from the
simulator's own records instead of staying uncertain.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from promptkit.config import Settings
from promptkit.runner.layout import RunLayout
from promptkit.runner.spec import EvalSpec

# Simulator settings for evals when the spec says nothing: fast and unthrottled enough that a
# small eval finishes in seconds, while still going through real HTTP and real MP4s.
EVAL_SIM_DEFAULTS: dict[str, Any] = {"speed": 4.0, "rps": 20.0, "rpm": 1200.0}


def _margin(sim_config: Any) -> float:
    """How far under the built-in simulator's limit the client keeps. Requests spaced exactly
    1/rps apart can arrive closer; a bucket that holds at least a second of requests absorbs
    that, one that holds less (``burst_s`` < 1) answers 429, so stay 3 % under it then."""
    return 1.0 if sim_config.burst_s >= 1 else 0.97


@dataclass
class Provider:
    """The client settings of a session, and (built-in simulator only) its job lookup."""

    config: Any
    """A :class:`promptkit.client.ClientConfig`."""
    builtin: bool = False
    """The built-in simulator, restarted from the run folder: old clip URLs are dead."""
    lookup: Callable[[str], list[str]] | None = None
    """Request ids the provider holds for a job key (``user``), when it can be asked."""


@contextlib.contextmanager
def open_provider(
    spec: EvalSpec,
    provider: str,
    settings: Settings,
    layout: RunLayout,
    sim_url: str | None = None,
) -> Iterator[Provider]:
    """The provider of a session, starting the built-in simulator when needed."""
    from promptkit.client import ClientConfig

    if provider == "xai":
        yield Provider(ClientConfig.from_env(settings).require_api_key())
        return
    if sim_url:
        # A simulator someone else runs: never send it the real key (XAI_API_KEY).
        from promptkit.sim.server import client_key

        key = client_key(settings)
        # Its limits are unknown to us: settings win, else the spec's sim block says what to expect.
        client = settings.section("client")
        limits = {k: spec.sim[k] for k in ("rps", "rpm") if k not in client and spec.sim.get(k)}
        if "rpm" in limits:
            limits["rpm"] = int(limits["rpm"])
        yield Provider(ClientConfig.from_env(settings, base_url=sim_url, api_key=key, **limits))
        return
    from promptkit.sim import SimServer
    from promptkit.sim.config import build_config

    # The spec's sim block was checked when the spec was loaded (before the run folder existed);
    # the job store always lives in the run folder, whatever the spec says.
    sim_config = build_config(**{**EVAL_SIM_DEFAULTS, **spec.sim, "state_dir": layout.sim_state})
    with SimServer(sim_config) as server:
        config = ClientConfig.from_env(
            settings,
            base_url=server.base_url,
            api_key=server.api_key,
            # The simulator's limits are the provider's: the client spends all of them.
            rps=(sim_config.rps or 1000.0) * _margin(sim_config),
            rpm=max(1, int((sim_config.rpm or 60000) * _margin(sim_config))),
        )
        yield Provider(config, builtin=True, lookup=server.state.jobs_of)
