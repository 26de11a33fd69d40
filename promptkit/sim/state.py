"""The live state of one simulator: its configuration, clock, jobs, books and fault controls.

``SimState`` is what ``create_app`` builds and what a running :class:`~promptkit.sim.SimServer`
exposes: change faults on the fly with :meth:`SimState.configure` (validated like
:class:`SimConfig`), read :meth:`SimState.stats` and :meth:`SimState.ledger_entries`.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from promptkit.sim.config import SimConfig
from promptkit.sim.faults import Faults, RateLimiter
from promptkit.sim.jobs import Clock, JobStore, MonotonicClock
from promptkit.sim.ledger import Ledger, Stats
from promptkit.sim.persist import JobFile


class SimState:
    """Everything one simulator instance knows."""

    def __init__(self, config: SimConfig, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or MonotonicClock()
        self.faults = Faults(config.seed)
        self.limiter = RateLimiter()
        self.ledger = Ledger(config.ledger_path)
        self.counters = Stats()
        persist = JobFile(config.state_dir) if config.state_dir is not None else None
        self.store = JobStore(config, self.clock, self.ledger, persist)
        self.team_id = str(uuid.UUID(int=config.seed % (1 << 128), version=4))
        self._config = config
        self._moderation: re.Pattern[str] | None = None
        self._compile_moderation()

    @property
    def config(self) -> SimConfig:
        return self._config

    def configure(self, **changes: Any) -> SimConfig:
        """Change settings while running (e.g. ``fail_rate=1.0``); returns the new config."""
        self._config = self._config.updated(**changes)
        self.store.config = self._config
        if "ledger_path" in changes:
            self.ledger.path = self._config.ledger_path
        self._compile_moderation()
        return self._config

    def _compile_moderation(self) -> None:
        words = [w.strip() for w in self._config.moderation_words if w.strip()]
        self._moderation = (
            re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
            if words
            else None
        )

    def is_moderated(self, prompt: str) -> bool:
        return bool(self._moderation and self._moderation.search(prompt))

    def account(self, key: str) -> str:
        """The account a key belongs to, which is what rate limits count against (as on the
        real API, where limits are per team): every key this simulator accepts is its team's,
        so rotating keys or tokens buys no extra requests."""
        return self.team_id

    def jobs_of(self, user: str) -> list[str]:
        """Request ids of the jobs submitted with ``user`` (oldest first): lets the owner of an
        in-process simulator settle a submit whose answer it never saw."""
        return self.store.by_user(user)

    def stats(self) -> dict[str, Any]:
        """Counts by endpoint and status, 429s, injected 5xx, drops, and total cost ticks."""
        self.store.refresh()
        return self.counters.snapshot(self.ledger.entries())

    def ledger_entries(self) -> list[dict[str, Any]]:
        """One dict per accepted job (see :class:`~promptkit.sim.ledger.Ledger`)."""
        self.store.refresh()
        return self.ledger.entries()

    def close(self) -> None:
        # Renders in flight write their ``finished`` lines, so the ledger closes after the pool.
        self.store.close()
        self.ledger.close()
