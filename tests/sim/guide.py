"""Extract the Python snippets of the reference guide (its page text lost code fences and indents).

A snippet is a run of lines that starts at an ``import`` (or at a named first line) and stays valid
Python; indentation is rebuilt from the code itself: a line ending in ``:`` opens a block,
``return``/``raise``/``break``/``continue`` close one, a ``def`` starts at the top level, and a
``return``/``raise`` right after a loop body's last statement ends the loop (an unconditional
exit as the last statement of a loop body would make the loop pointless). Only layout is
rebuilt: the statements are the guide's, unmodified.
"""

from __future__ import annotations

import re

_CLOSERS = ("return", "raise", "break", "continue")
_INCOMPLETE = (
    "was never closed",
    "expected an indented block",
    "unexpected EOF",
    "incomplete input",
)


def _brackets(line: str) -> int:
    bare = re.sub(r'"[^"]*"|\'[^\']*\'', "", line)
    return sum(bare.count(c) for c in "([{") - sum(bare.count(c) for c in ")]}")


def reindent(lines: list[str]) -> str:
    """Rebuild the indentation of flattened Python ``lines``."""
    out: list[str] = []
    blocks: list[str] = []
    depth = 0
    prev_header = False
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if depth > 0:
            out.append("    " * (len(blocks) + 1) + line)
            depth += _brackets(line)
            continue
        first = re.split(r"[\s(:]", line, maxsplit=1)[0]
        if first in ("def", "class") or line.startswith("@"):
            blocks = []
        elif (
            first in ("return", "raise")
            and blocks
            and blocks[-1] in ("for", "while")
            and (not prev_header)
        ):
            blocks.pop()
        elif first in ("elif", "else", "except", "finally"):
            while blocks and blocks[-1] not in ("if", "elif", "try", "except", "for", "while"):
                blocks.pop()
            if blocks:
                blocks.pop()
        out.append("    " * len(blocks) + line)
        depth = _brackets(line)
        prev_header = depth == 0 and line.endswith(":")
        if prev_header:
            blocks.append(first)
        elif depth == 0 and first in _CLOSERS and blocks:
            blocks.pop()
    return "\n".join(out) + "\n"


def _state(lines: list[str]) -> str:
    try:
        compile(reindent(lines), "<guide>", "exec")
    except SyntaxError as exc:
        return "incomplete" if any(m in str(exc.msg) for m in _INCOMPLETE) else "invalid"
    return "ok"


def snippet_at(lines: list[str], start: int) -> str:
    """The longest valid Python snippet beginning at line ``start``."""
    best = start
    for end in range(start + 1, len(lines) + 1):
        state = _state(lines[start:end])
        if state == "ok":
            best = end
        elif state == "invalid":
            break
    if best == start:
        raise ValueError(f"no Python snippet starts at line {start + 1}")
    return reindent(lines[start:best])


def python_snippets(text: str) -> list[str]:
    """Every snippet that starts at an ``import`` line following non-code text."""
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.startswith("import ") and (
            i == 0 or not lines[i - 1].startswith(("import ", "from "))
        ):
            found.append(snippet_at(lines, i))
    return found


def snippet_starting(text: str, prefix: str) -> str:
    """The snippet whose first line starts with ``prefix``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            return snippet_at(lines, i)
    raise ValueError(f"no line starts with {prefix!r}")
