"""One pass over a prompt's words: tokens, lemmas, vocabulary matches and the cues rules read.

Rules never tokenise; they read an :class:`Analysis`. Verb-or-noun questions ("a stop sign" vs
"the cars stop", "skis" vs "a person skis") are answered from the word's neighbours: a
determiner, preposition or descriptor before it makes it a noun; a subject, an auxiliary or a
conjunction makes it a verb; a participle (``-ing`` form) is a verb unless it names a thing
("a painting") or sits in a fixed compound ("swimming pool").
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import cast

from promptkit.lint.lexicon import DIRECTIONS, Vocabulary

TOKEN = r"[A-Za-z0-9][A-Za-z0-9'’]*(?:-[A-Za-z0-9'’]+)*"
GAP_TOKEN = re.compile(rf"([^A-Za-z0-9]*)({TOKEN})")
BOUNDARY_CHARS = frozenset('.,;:!?()[]"“”\n')
SENTENCE_CHARS = frozenset(".!?\n")
NOUN_MARKERS = frozenset({"determiner", "preposition"})
VERB_MARKERS = frozenset({"auxiliary_other", "pronoun", "conjunction", "other"})
MOTION = ("motion_verb", "event", "env", "modifier", "time", "camera_move")
SHOT_WORDS = frozenset({"shot", "move", "movement", "motion"})


class Match:
    """A vocabulary phrase found in the prompt (token span ``start..end``)."""

    __slots__ = ("category", "start", "end", "payload")

    def __init__(self, category: str, start: int, end: int, payload: object) -> None:
        self.category = category
        self.start = start
        self.end = end
        self.payload = payload


class Analysis:
    """Tokens of one prompt and everything the rules ask about them."""

    def __init__(self, text: str, vocab: Vocabulary) -> None:
        self.text = text
        self.lower = text.lower()
        self.vocab = vocab
        raw: list[str] = []
        starts: list[int] = []
        boundary: list[bool] = []
        sentence_start: list[bool] = []
        first = True
        # Gaps between tokens hold no letters or digits, so one pattern yields (gap, token).
        for m in GAP_TOKEN.finditer(text):
            gap = m.group(1)
            if first or (gap != " " and not BOUNDARY_CHARS.isdisjoint(gap)):
                boundary.append(True)
                sentence_start.append(first or not SENTENCE_CHARS.isdisjoint(gap))
            else:
                boundary.append(False)
                sentence_start.append(False)
            first = False
            raw.append(m.group(2))
            starts.append(m.start(2))
        self.raw = raw
        self.starts = starts
        self.boundary = boundary
        self.sentence_start = sentence_start
        self.words = words = [w.lower().replace("’", "'") for w in raw]
        forms = vocab.forms
        if vocab.fallback is None:
            lemma_kind = [forms.get(w) or (w, "base") for w in words]
        else:
            lemma_kind = [vocab.lemma(w) for w in words]
        self.lemmas = [lk[0] for lk in lemma_kind]
        self.kinds = [lk[1] for lk in lemma_kind]
        roles = vocab.roles
        self.roles = [roles.get(w) for w in words]
        self.matches = self._match()
        self.categories = {m.category for m in self.matches}

    # -- matching -------------------------------------------------------------------------
    def _match(self) -> list[Match]:
        index = self.vocab.index
        lemmas = self.lemmas
        words = self.words
        boundary = self.boundary
        n = len(lemmas)
        found: list[Match] = []
        for i in range(n):
            entries = index.get(lemmas[i])
            if entries is None and words[i] != lemmas[i]:
                entries = index.get(words[i])
            if not entries:
                continue
            for phrase, category, payload in entries:
                size = len(phrase)
                if size == 1:
                    found.append(Match(category, i, i + 1, payload))
                    continue
                if i + size > n:
                    continue
                if all(
                    (lemmas[i + k] == phrase[k] or words[i + k] == phrase[k])
                    and not boundary[i + k]
                    for k in range(1, size)
                ):
                    found.append(Match(category, i, i + size, payload))
                elif size == 2 and phrase[1] in DIRECTIONS:
                    # A phrasal verb split by its object: "sticking tongue out", "pick it up".
                    for k in range(i + 2, min(i + 4, n)):
                        if boundary[k]:
                            break
                        if words[k] == phrase[1]:
                            found.append(Match(category, i, k + 1, payload))
                            break
        return found

    @cached_property
    def compound_tokens(self) -> frozenset[int]:
        return frozenset(
            k for m in self.matches if m.category == "compound" for k in range(m.start, m.end)
        )

    def prev_word(self, i: int) -> int | None:
        """Index of the word before ``i`` in the same clause, or None."""
        if i == 0 or self.boundary[i]:
            return None
        return i - 1

    def reads_as_verb(self, i: int) -> bool:
        """Whether token ``i`` (a verb lemma) is used as a verb here."""
        if i in self.compound_tokens:
            return False
        kind = self.kinds[i]
        p = self.prev_word(i)
        prev_role = self.roles[p] if p is not None else None
        if kind == "ing":
            if prev_role == "determiner":
                # "a spinning top" (participle before a noun) vs "a painting" (a thing).
                nxt = i + 1
                return nxt < len(self.words) and not self.boundary[nxt] and self.roles[nxt] is None
            return True
        if p is None:
            # A clause opening with a bare form is a noun ("skis", "ski slope") unless a
            # preposition or article follows it ("Walk in the desert", "Pour the milk").
            nxt = i + 1
            return (
                kind == "base"
                and nxt < len(self.words)
                and not self.boundary[nxt]
                and self.roles[nxt] in NOUN_MARKERS
            )
        if prev_role in NOUN_MARKERS:
            return False
        if prev_role == "auxiliary":
            # "is thrown", "was poured" are actions; "is clean", "is dry" describe a state.
            return kind != "base"
        if prev_role in VERB_MARKERS:
            return True
        if prev_role is not None:
            return False
        nxt = i + 1
        if nxt < len(self.words) and not self.boundary[nxt] and self.roles[nxt] == "determiner":
            return True  # an object follows: "players in purple leave the court"
        # A descriptor before it makes it a noun ("red skis", "tropical fish"); anything else is
        # its subject ("flowers sway", "the cars drove").
        vocab = self.vocab
        return not (
            vocab.has("descriptor", self.lemmas[p]) or vocab.has("descriptor", self.words[p])
        )

    # -- cues -----------------------------------------------------------------------------
    @cached_property
    def motion_cues(self) -> list[Match]:
        """Everything that moves: actions, events, weather/water/crowds, camera, time cues."""
        out = []
        compounds = self.compound_tokens
        for m in self.matches:
            c = m.category
            if c not in MOTION:
                continue
            if m.end - m.start == 1 and m.start in compounds:
                continue
            if c == "motion_verb" and not self.reads_as_verb(m.start):
                continue
            if m.payload == "ing" and self.kinds[m.start] != "ing":
                continue
            if c == "camera_move" and not self._camera_move_counts(m):
                continue
            if c == "camera_move" and m.payload[0] == "static":  # type: ignore[index]
                continue
            out.append(m)
        return out

    def _camera_move_counts(self, m: Match) -> bool:
        payload = cast(tuple[str, "str | None", bool], m.payload)
        ambiguous = payload[2]
        if not ambiguous:
            return True
        i = m.start
        if i in self.compound_tokens:
            return False
        nxt = i + 1
        if (
            nxt < len(self.words)
            and not self.boundary[nxt]
            and (self.lemmas[nxt] in DIRECTIONS or self.lemmas[nxt] in SHOT_WORDS)
        ):
            return True
        return (
            self.kinds[i] != "base"
            and self.reads_as_verb(i)
            or (self.prev_word(i) is not None and self.words[i - 1] == "camera")
        )

    @cached_property
    def camera_moves(self) -> list[Match]:
        """Camera moves actually requested (static shots included), in prompt order."""
        return [
            m for m in self.matches if m.category == "camera_move" and self._camera_move_counts(m)
        ]

    @cached_property
    def has_motion(self) -> bool:
        return bool(self.motion_cues)

    @cached_property
    def stillness_request(self) -> Match | None:
        """The phrase asking for a frozen picture, if the prompt asks for one."""
        weak = None
        for m in self.matches:
            if m.category == "still_strong":
                return m
            if weak is None and m.category == "still_weak":
                weak = m
        if weak is None:
            weak = next((m for m in self.camera_moves if m.payload[0] == "static"), None)  # type: ignore[index]
        # A fixed camera or "standing still" only freezes the clip when nothing else moves.
        if weak is not None and not self.has_motion:
            return weak
        return None

    @cached_property
    def shot_starts(self) -> list[int]:
        """Token indices where a new shot starts ("cut to", "Shot 2")."""
        return [m.start for m in self.matches if m.category == "cut"]

    @cached_property
    def beats(self) -> int:
        """Action beats: 1 + sequence markers, or the number of bulleted action lines."""
        markers = sum(1 for m in self.matches if m.category == "beat")
        bullets = sum(
            1 for line in self.text.splitlines() if line.lstrip()[:2] in ("- ", "* ", "• ")
        )
        return max(1 + markers, bullets)

    def spans(self, category: str) -> list[Match]:
        return [m for m in self.matches if m.category == category]

    def has(self, category: str) -> bool:
        return category in self.categories

    @cached_property
    def content(self) -> list[int]:
        """Indices of content words (not determiners, prepositions, pronouns, ...)."""
        return [i for i, role in enumerate(self.roles) if role is None]

    @cached_property
    def details(self) -> set[int]:
        """Content words that distinguish the subject or setting from a generic one."""
        out: set[int] = set()
        for m in self.matches:
            if m.category in ("descriptor", "camera_term", "lighting", "style"):
                out.update(range(m.start, m.end))
        for m in self.motion_cues:
            out.update(range(m.start, m.end))
        for i in self.content:
            raw = self.raw[i]
            if "-" in raw or raw[0].isdigit():
                out.add(i)
            elif raw[0].isupper() and not self.sentence_start[i] and raw != "I":
                out.add(i)  # a proper noun mid-sentence: "the Kinabatangan River"
        return {i for i in out if self.roles[i] is None}

    def offset(self, i: int) -> int:
        return self.starts[i] if i < len(self.starts) else 0

    def phrase(self, m: Match) -> str:
        end = self.starts[m.end - 1] + len(self.raw[m.end - 1])
        return self.text[self.starts[m.start] : end]
