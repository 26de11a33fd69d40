"""Run an iterator in a background thread, a bounded number of items ahead of its consumer.

The frame source decodes in a thread of its own (as PySceneDetect does) while the detectors
work on the frame before: OpenCV releases the GIL while it decodes, converts and resizes, so on
a machine with a free core the two overlap and a clip takes about as long as decoding it. The
work done is the same; only the wait shrinks. When every core is busy (a full scoring pool) the
two threads simply share their core.

Items are handed over through a bounded queue, so at most ``depth`` items wait at any time and
memory does not grow with the clip. An exception in the producer is re-raised in the consumer at
the point the failed item would have arrived. Closing the consumer early (``break``, an error in
the consumer, garbage collection) stops the producer and waits for it, so whatever the producer
holds (a decoder) is never released under its feet.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()
POLL_S = 0.05  # how often a blocked producer checks whether the consumer has gone


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def prefetched(source: Iterator[T], depth: int) -> Generator[T, None, None]:
    """Yield the items of ``source`` in order, produced by a background thread ``depth`` ahead."""
    if depth < 1:
        raise ValueError("depth must be at least 1")
    handoff: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(_Failure(exc))
        else:
            put(_DONE)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="promptkit-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):  # unblock a producer waiting on a full queue
                handoff.get(timeout=POLL_S)
        worker.join()
