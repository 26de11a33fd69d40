"""The latency model on a simulated timeline: a fake clock, seeded latencies, an injected stall.

The timeline is a run as the scheduler drives it: at most 16 jobs in flight, a submit at most
every 1/4.5 s (what 10 requests/s sustain at a little over two metered requests per clip), each
job taking a seeded 0.88–1.32 s (a 1 s clip at the simulator's ``--speed 10``), its first poll
sent at the model's aim and answered after a seeded 0–0.3 s of queueing at the rate limiter;
a job found pending is polled again just after its expected finish, then every second. A stall
holds every job that would finish within it until it ends, as a provider whose renders back up
does: its polls find those jobs pending at progress 99, which is how the simulator reports a job
past its expected latency.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
from dataclasses import dataclass, field

import pytest

from promptkit.runner.pacing import LatencyModel

KEY = ("grok-imagine-video", "480p", 1, False, 0)
SLOTS, RATE, QUEUE = 16, 4.5, 0.3
STALL = (60.0, 72.0)
END = 140.0


@dataclass(order=True)
class _Poll:
    at: float
    first: bool = field(compare=False)
    submitted: float = field(compare=False)
    finish: float = field(compare=False)
    latency: float = field(compare=False)
    aimed_at: float | None = field(compare=False)


@dataclass
class _Run:
    trace: list[tuple[float, float]] = field(default_factory=list)
    """(clock, aim) after every first answer."""
    outcomes: list[tuple[float, bool]] = field(default_factory=list)
    polls: int = 0
    clips: int = 0


def _finish(submitted: float, latency: float, stall: tuple[float, float]) -> float:
    nominal = submitted + latency
    return stall[1] if stall[0] <= nominal < stall[1] else nominal


def _run(model: LatencyModel, seed: int = 7, stall: tuple[float, float] = STALL) -> _Run:
    rng = random.Random(seed)
    run = _Run()
    polls: list[_Poll] = []
    clock, next_submit, in_flight = 0.0, 0.0, 0
    while clock < END:
        if in_flight < SLOTS and (not polls or next_submit <= polls[0].at):
            clock = max(clock, next_submit)
            latency = 1.1 * (1 + 0.2 * rng.uniform(-1, 1))
            aim = model.estimate(KEY)
            delay = 1.0 if aim is None else aim  # no aim yet: the probe, after min_interval
            at = clock + delay + QUEUE * rng.random()
            finish = _finish(clock, latency, stall)
            heapq.heappush(polls, _Poll(at, True, clock, finish, latency, aim))
            in_flight, next_submit = in_flight + 1, clock + 1 / RATE
            continue
        poll = heapq.heappop(polls)
        clock = poll.at
        run.polls += 1
        done = clock >= poll.finish
        if poll.first:
            elapsed = clock - poll.submitted
            progress = None if done else max(1, min(99, int(99 * elapsed / poll.latency)))
            model.observe(KEY, elapsed, done, progress, poll.aimed_at)
            run.outcomes.append((clock, done))
            run.trace.append((clock, model.estimate(KEY) or 0.0))
        if done:
            in_flight, run.clips = in_flight - 1, run.clips + 1
            continue
        expected = poll.submitted + poll.latency * 1.03 + 0.2
        again = expected if clock < expected else clock + 1.0
        heapq.heappush(polls, _Poll(again, False, poll.submitted, poll.finish, poll.latency, None))
    return run


def _aims(run: _Run, start: float, end: float) -> list[float]:
    return [aim for t, aim in run.trace if start <= t < end]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_aim_settles_so_that_most_first_polls_find_the_job_done(seed: int) -> None:
    run = _run(LatencyModel(quantile=0.93), seed, stall=(END, END))
    steady = [done for t, done in run.outcomes if t >= 20.0]
    assert 0.88 <= sum(steady) / len(steady) <= 0.97
    # Aimed at the answer's time, queueing included: a little before the latency's quantile
    # (1.1 s x (1 + 0.2 x 0.86) = 1.29 s) less the mean queueing (0.15 s).
    assert statistics.median(_aims(run, 20.0, END)) == pytest.approx(1.29 - 0.15, rel=0.15)
    assert run.polls / run.clips <= 1.15


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_first_poll_delay_recovers_within_30_s_after_a_stall(seed: int) -> None:
    run = _run(LatencyModel(), seed)
    normal = statistics.median(_aims(run, 30.0, STALL[0]))
    peak = max(_aims(run, STALL[0], STALL[1] + 5))
    assert peak > 1.8 * normal  # the stall did push the aim up ...
    back = [t for t, aim in run.trace if t >= STALL[1] and aim <= 1.2 * normal]
    assert back and back[0] - STALL[1] <= 30.0  # ... it came back down within 30 s ...
    assert max(_aims(run, STALL[1] + 30.0, END)) <= 1.5 * normal  # ... and stayed there


def test_a_job_found_done_at_once_still_teaches_the_model() -> None:
    model = LatencyModel(quantile=0.9, step=0.2)
    model.observe(KEY, 4.0, done=True)  # "done by 4 s": censored, an upper bound
    assert model.estimate(KEY) == pytest.approx(4.0)
    for _ in range(50):
        aim = model.estimate(KEY) or 0.0
        model.observe(KEY, aim, done=True, aimed_at=aim)
    # Each "done" pulls the aim sooner by step * (1 - quantile) in log time.
    assert model.estimate(KEY) == pytest.approx(4.0 * math.exp(-0.02 * 50))
    assert model.answers(KEY) == 51


def test_a_pending_answer_moves_the_aim_later_unless_its_poll_was_aimed_well_before() -> None:
    model = LatencyModel(quantile=0.9, step=0.2)
    model.observe(KEY, 2.0, done=False, progress=50)  # half way at 2 s: 4 s in all
    assert model.estimate(KEY) == pytest.approx(4.0)
    model.observe(KEY, 4.1, done=False, progress=97, aimed_at=4.0)  # aimed here: one step
    assert model.estimate(KEY) == pytest.approx(4.0 * math.exp(0.18))
    model.observe(KEY, 4.2, done=False, progress=98, aimed_at=4.0)  # one raise ago: one more
    assert model.estimate(KEY) == pytest.approx(4.0 * math.exp(0.36))
    # Aimed two raises ago: the news it brings (a job longer than 4 s) is already taken in.
    model.observe(KEY, 4.3, done=False, progress=99, aimed_at=4.0)
    assert model.estimate(KEY) == pytest.approx(4.0 * math.exp(0.36))
    model.observe(KEY, 5.0, done=False)  # not aimed by the model (a probe): one step
    assert model.answers(KEY) == 5 and model.estimate(("other",)) is None


def test_a_pending_first_answer_without_progress_still_sets_an_aim() -> None:
    model = LatencyModel(quantile=0.9, step=0.2)
    model.observe(KEY, 1.0, done=False, progress=None)
    assert model.estimate(KEY) == pytest.approx(math.exp(0.18))


class _PendingOnly:
    """The rule this model replaced: the 0.9 quantile of the last 50 totals implied by pending
    polls, where a job found done at its first poll records nothing."""

    def __init__(self) -> None:
        self.kept: list[float] = []

    def estimate(self, key: object) -> float | None:
        if not self.kept:
            return None
        return sorted(self.kept)[math.ceil(0.9 * len(self.kept)) - 1] * 1.03 + 0.2

    def observe(self, key: object, elapsed: float, done: bool, progress=None, aimed_at=None):  # type: ignore[no-untyped-def]
        if not done and progress:
            self.kept = [*self.kept, elapsed * 100 / progress][-50:]


def test_learning_from_pending_polls_alone_stays_stuck_after_a_stall() -> None:
    """The harness tells the two rules apart: without censored answers the aim never returns."""
    run = _run(_PendingOnly())  # type: ignore[arg-type]
    normal = statistics.median(_aims(run, 30.0, STALL[0]))
    assert min(_aims(run, STALL[1] + 30.0, END)) > 1.5 * normal
