"""A sorted ``key<TAB>value`` text file read lazily: binary search first, a dict when busy.

The linter's compiled data (word classes, tagger weights) is a few megabytes of sorted lines.
Parsing it all costs tens of milliseconds, more than linting one prompt, so a
:class:`Table` answers its first lookups by binary search over the raw text (no index is
built: a probe finds the line around a character offset) and memoises the answers. Once a
process has asked for more than :data:`BULK` distinct keys (linting many prompts) the whole
file is parsed into a dict in one pass, which is cheaper from then on.
"""

from __future__ import annotations

from pathlib import Path

BULK = 3000
MISSING = "\x00"


class Table:
    """Lookups in one sorted table; the text after the first blank line is the data."""

    __slots__ = ("path", "_text", "_memo", "_full")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._text: str | None = None
        self._memo: dict[str, str] = {}
        self._full: dict[str, str] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            raw = self.path.read_text(encoding="utf-8")
            self._text = raw[raw.index("\n\n") + 2 :]
        return self._text

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
        """Parse every line (once) and answer from a dict from now on."""
        if self._full is None:
            self._full = dict(line.split("\t", 1) for line in self.text.splitlines())
            self._memo.clear()
        return self._full

    def _search(self, key: str) -> str:
        text = self.text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi) // 2
            start = text.rfind("\n", 0, mid) + 1
            if start < lo:
                start = lo
            tab = text.find("\t", start)
            found = text[start:tab]
            if found == key:
                return text[tab + 1 : text.find("\n", tab)]
            if found < key:
                lo = text.find("\n", tab) + 1
                if lo == 0:
                    break
            else:
                hi = start
        return MISSING


def write(header: list[str], rows: dict[str, str]) -> str:
    """A table's text: ``#`` header lines, a blank line, then the rows sorted by key."""
    for key, value in rows.items():
        if "\t" in key or "\n" in key or "\n" in value:
            raise ValueError(f"bad table row {key!r}")
    body = "".join(f"{key}\t{rows[key]}\n" for key in sorted(rows))
    return "\n".join(f"# {line}" if line else "#" for line in header) + "\n\n" + body
