"""A sorted ``key<TAB>value`` text file read lazily: binary search first, a dict when busy.

The linter's compiled data (word classes, tagger weights) is a few megabytes of sorted lines.
Reading and parsing it all costs tens of milliseconds, more than linting one prompt, so a
:class:`Table` maps the file into memory (``mmap``: nothing is read until a page is touched),
answers its first lookups by binary search over the raw bytes (no index is built: a probe
finds the line around a byte offset) and memoises the answers. Once a process has asked for
more than :data:`BULK` distinct keys (linting many prompts) the whole file is parsed into a
dict in one pass, which is cheaper from then on.

Rows are sorted by key as Python sorts strings, which is the byte order of their UTF-8 form.
"""

from __future__ import annotations

import mmap
from pathlib import Path

TYPE_CHECKING = False  # typing is for the type checker only: the lint path starts without it
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import TypeVar

    K = TypeVar("K")
    V = TypeVar("V")

BULK = 3000
MISSING = "\x00"
MEMO_LIMIT = 8192
"""Words a per-word memo keeps before it starts again (:func:`remember`). Prompts bring ever
new words (names, numbers, ids): 100,000 of them would otherwise keep about 2 KB each in the
tagger's and the lexicon's memos. Word use is steep: in the shared prompt corpora (8,221
prompts, 10,018 distinct words) the 4,096 most frequent words make up 95 % of all words and
the 8,192 most frequent 99 %. A file with a broad vocabulary overruns a memo of 4,096 words
every few thousand prompts (the development set after the other corpora: 6,200 distinct
words), and every start again recomputes its common words: 9 % more time linting it warm.
At 8,192 words the memos stay small: 20,000 prompts with a word of their own each peak
8 MB above 2,000 of them."""


def remember(memo: dict[K, V], key: K, value: V) -> V:
    """``memo[key] = value`` (returned), emptying ``memo`` first when it holds
    :data:`MEMO_LIMIT` keys."""
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


def recall(memo: dict[K, V], keys: Iterable[K], compute: Callable[[K], V]) -> list[V]:
    """``memo[key]`` for each key, ``compute(key)`` (which memoises it) where missing: a hot
    loop reads the memo itself instead of calling a method per word."""
    out = []
    for key in keys:
        hit = memo.get(key)
        out.append(compute(key) if hit is None else hit)
    return out


class Table:
    """Lookups in one sorted table; the rows follow the first blank line."""

    __slots__ = ("path", "_data", "_start", "_memo", "_full")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: mmap.mmap | bytes | None = None
        self._start = 0
        self._memo: dict[str, str] = {}
        self._full: dict[str, str] | None = None

    def _open(self) -> mmap.mmap | bytes:
        if self._data is None:
            with self.path.open("rb") as handle:
                try:
                    data: mmap.mmap | bytes = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                except (ValueError, OSError):  # an empty file, or no mmap on this platform
                    data = handle.read()
            self._start = data.find(b"\n\n") + 2
            self._data = data
        return self._data

    def get(self, key: str) -> str | None:
        full = self._full
        if full is not None:
            return full.get(key)
        memo = self._memo
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = self._search(key)
            if len(memo) > BULK:
                self.load()
        return None if hit == MISSING else hit

    def load(self) -> dict[str, str]:
        """Parse every row (once) and answer from a dict from now on."""
        if self._full is None:
            # A line at a time: decoding the whole file at once would briefly hold it twice
            # over (its bytes, its text and a list of its lines) beside the dict.
            rows: dict[str, str] = {}
            with self.path.open(encoding="utf-8", newline="\n") as handle:
                for number, line in enumerate(handle):
                    if line == "\n" and number:
                        break  # rows follow the first "\n\n", as for _search
                for line in handle:
                    key, value = line.rstrip("\n").split("\t", 1)
                    rows[key] = value
            self._full = rows
            self._memo.clear()
        return self._full

    def _search(self, key: str) -> str:
        data = self._open()
        wanted = key.encode("utf-8")
        lo, hi = self._start, len(data)
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo, mid) + 1
            if start == 0:
                start = lo
            tab = data.find(b"\t", start)
            found = data[start:tab]
            if found == wanted:
                end = data.find(b"\n", tab)
                return bytes(data[tab + 1 : end if end >= 0 else len(data)]).decode("utf-8")
            if found < wanted:
                lo = data.find(b"\n", tab) + 1
                if lo == 0:
                    break
            else:
                hi = start
        return MISSING


def write(header: list[str], rows: dict[str, str]) -> str:
    """A table's text: ``#`` header lines, a blank line, then the rows sorted by key."""
    for key, value in rows.items():
        if "\t" in key or "\n" in key or "\n" in value or not key:
            raise ValueError(f"bad table row {key!r}")
    body = "".join(f"{key}\t{rows[key]}\n" for key in sorted(rows))
    return "\n".join(f"# {line}" if line else "#" for line in header) + "\n\n" + body
