"""Inline suppressions, one syntax per input kind (documented in docs/lint.md).

* prompt files (``.txt``/``.prompt``) and eval specs: a marker line of its own,
  ``# promptkit: noqa`` (every rule) or ``# promptkit: noqa: PK001, vague-subject``. Marker
  lines are not prompt text; they are blanked before linting so line numbers stay true.
* ``--lines`` mode: a trailing ``# noqa`` or ``# noqa: CODE, name`` on that line only.
* templates (``.j2``): a Jinja comment anywhere, ``{# promptkit: noqa: PK003 #}``.
"""

from __future__ import annotations

import re

_CODES = r"(?::\s*(?P<codes>[A-Za-z0-9_\-, ]+?))?"
MARKER_LINE = re.compile(r"^[ \t]*#[ \t]*promptkit:[ \t]*noqa" + _CODES + r"[ \t]*$", re.I | re.M)
TRAILING = re.compile(r"[ \t]+#[ \t]*(?:promptkit:[ \t]*)?noqa" + _CODES + r"[ \t]*$", re.I)
JINJA = re.compile(r"\{#-?\s*promptkit:\s*noqa" + _CODES + r"\s*-?#\}", re.I)


class Suppression:
    """Codes silenced for one prompt (``everything`` for a bare ``noqa``)."""

    __slots__ = ("everything", "codes")

    def __init__(self, everything: bool = False, codes: set[str] | None = None) -> None:
        self.everything = everything
        self.codes: set[str] = set() if codes is None else codes

    def add(self, codes: str | None) -> None:
        from promptkit.lint import registry

        if not codes or not codes.strip():
            self.everything = True
            return
        for selector in codes.split(","):
            if selector.strip():
                self.codes |= registry.resolve(selector)

    def covers(self, code: str) -> bool:
        return self.everything or code in self.codes

    def merged(self, other: Suppression) -> Suppression:
        return Suppression(self.everything or other.everything, self.codes | other.codes)


def strip_marker_lines(text: str) -> tuple[str, Suppression]:
    """Blank ``# promptkit: noqa`` lines (keeping line numbers) and collect what they silence."""
    found = Suppression()
    if "noqa" not in text:
        return text, found
    for m in MARKER_LINE.finditer(text):
        found.add(m.group("codes"))
    return MARKER_LINE.sub("", text), found


def strip_trailing(line: str) -> tuple[str, Suppression]:
    """Split a ``--lines`` line into its prompt and its trailing ``# noqa`` suppression."""
    found = Suppression()
    m = TRAILING.search(line)
    if m is None:
        return line, found
    found.add(m.group("codes"))
    return line[: m.start()], found


def jinja_markers(source: str) -> Suppression:
    """What ``{# promptkit: noqa ... #}`` comments in a template silence."""
    found = Suppression()
    for m in JINJA.finditer(source):
        found.add(m.group("codes"))
    return found
