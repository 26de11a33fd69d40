"""Decoding ahead in a thread: order, errors, early stops and the bound on frames in flight."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from promptkit.metrics.prefetch import prefetched


def _decode_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "promptkit-decode"]


def test_items_arrive_in_order_and_all_of_them() -> None:
    assert list(prefetched(iter(range(500)), depth=3)) == list(range(500))


def test_a_producer_error_arrives_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise RuntimeError("decoder broke")

    seen: list[int] = []
    with pytest.raises(RuntimeError, match="decoder broke"):
        for item in prefetched(source(), depth=4):
            seen.append(item)
    assert seen == [1, 2]
    assert not _decode_threads()


def test_stopping_early_stops_the_producer_and_closes_its_source() -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    stream = prefetched(endless(), depth=2)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    stream.close()
    assert closed.is_set()
    assert not _decode_threads()


def test_the_producer_never_runs_more_than_depth_plus_one_ahead() -> None:
    consumed = 0
    leads: list[int] = []

    def source() -> Iterator[int]:
        for n in range(300):
            leads.append(n - consumed)  # items made before this one and not yet taken
            yield n

    for _ in prefetched(source(), depth=3):
        consumed += 1
    # depth items wait in the queue, one is being made; the one just taken is counted as taken
    assert max(leads) <= 3 + 1
    assert len(leads) == 300


def test_depth_must_be_positive() -> None:
    with pytest.raises(ValueError, match="depth"):
        next(prefetched(iter([1]), depth=0))
