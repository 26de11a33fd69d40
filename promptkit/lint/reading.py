"""What a prompt says, read from its :class:`~promptkit.lint.analysis.Analysis`: the one reading
every rule uses and ``promptkit explain`` prints.

:class:`Reading` combines the clause reading (:mod:`promptkit.lint.subjects`: subject, details)
and the motion reading (:mod:`promptkit.lint.motion`: actions, camera, stillness) and adds
negations, filler, lighting and style. A negation is an instruction to leave something out
only when it governs a thing ("no people", "without text") or opens an imperative ("do not
show"); "are not alone" is description.
"""

from __future__ import annotations

from promptkit.lint.analysis import ADJ_TAGS, NOUN_TAGS, VERB_TAGS, cached_property
from promptkit.lint.motion import Cue, MotionReading

__all__ = ["Cue", "Negation", "Reading"]

CLASS_GROUPS = {"light": ("light", "daytime")}  # what counts as lighting
INSTRUCTION_HEADS = frozenset({"no", "without", "free", "devoid"})
IMPERATIVES = frozenset({"don't", "never", "avoid", "dont"})


class Negation:
    """A negation: an instruction to leave something out, or description."""

    __slots__ = ("start", "end", "instruction", "why")

    def __init__(self, start: int, end: int, instruction: bool, why: str) -> None:
        self.start = start
        self.end = end
        self.instruction = instruction
        self.why = why


class Reading(MotionReading):
    """The subject, details, actions, camera, light, style and negations of one prompt."""

    @cached_property
    def negations(self) -> list[Negation]:
        a = self.a
        still = self.stillness
        out: list[Negation] = []
        for m in a.spans("negation"):
            i = m.start
            if i in a.quoted or (still is not None and still.start <= i < still.end):
                continue
            head = a.words[i]
            nxt = m.end if m.end < len(a.words) and not a.boundary[m.end] else None
            opens = i == 0 or a.boundary[i]
            if (
                head in INSTRUCTION_HEADS
                and nxt is not None
                and (a.tags[nxt] in NOUN_TAGS | ADJ_TAGS or a.tags[nxt] == "CD")
            ):
                thing = a.raw[nxt]
                out.append(Negation(i, m.end, True, f"asks to leave out '{thing}'"))
            elif head in IMPERATIVES and opens:
                out.append(Negation(i, m.end, True, "asks to leave something out"))
            elif (
                head == "not"
                and i > 0
                and a.words[i - 1] in ("do", "does")
                and (a.boundary[i - 1] or i - 1 == 0)
            ):
                out.append(Negation(i - 1, m.end, True, "asks to leave something out"))
            else:
                out.append(Negation(i, m.end, False, "describes the scene, asks nothing away"))
        return out

    @cached_property
    def filler(self) -> list[tuple[int, int]]:
        """Quality tags (curated) and evaluative adjectives (WordNet), in prompt order."""
        a = self.a
        spans = [(m.start, m.end) for m in a.spans("filler") if m.start not in a.quoted]
        for i, tag in enumerate(a.tags):
            adj = a.info[i].get("J")
            praise = adj is not None and adj[1] == "evaluative" and tag not in NOUN_TAGS
            if praise and i not in a.quoted:
                spans.append((i, i + 1))  # "stunning" is praise whatever its tag
        return sorted(spans)

    # -- light and style --------------------------------------------------------------------

    def _classed(self, category: str, klass: str) -> list[tuple[int, int]]:
        """Curated phrases of ``category`` plus nouns and adjectives of WordNet ``klass``."""
        a = self.a
        spans = [(m.start, m.end) for m in a.spans(category) if m.start not in a.quoted]
        covered = {k for s, e in spans for k in range(s, e)}
        kinds = CLASS_GROUPS.get(klass, (klass,))
        for i, info in enumerate(a.info):
            if not info or i in covered or a.tags[i] in VERB_TAGS or i in a.quoted:
                continue
            noun = info.get("N") or info.get("n")
            adj = info.get("J")
            if (noun is not None and noun[1] in kinds) or (adj is not None and adj[1] in kinds):
                spans.append((i, i + 1))
        return sorted(spans)

    def has_class(self, category: str, klass: str) -> bool:
        """Whether any curated phrase of ``category`` or word of WordNet ``klass`` occurs."""
        a = self.a
        if any(m.start not in a.quoted for m in a.spans(category)):
            return True
        kinds = CLASS_GROUPS.get(klass, (klass,))
        for i, named in enumerate(a.named):
            if (
                named
                and not named.isdisjoint(kinds)
                and a.tags[i] not in VERB_TAGS
                and i not in a.quoted
            ):
                return True
        return False

    @cached_property
    def lighting(self) -> list[tuple[int, int]]:
        """Light sources, light, times of day (WordNet) and lighting terms (curated)."""
        return self._classed("lighting", "light")

    @cached_property
    def style(self) -> list[tuple[int, int]]:
        """Art movements, graphic arts, photography, film (WordNet) and style anchors."""
        return self._classed("style", "style")
