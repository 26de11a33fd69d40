"""The linter's vocabulary: WordNet word classes plus small closed-class phrase lists.

Two sources, kept apart on purpose:

* open-class words (verbs, nouns, adjectives) get their class from WordNet 3.0, compiled by
  :mod:`promptkit.lint.compile.classes` into ``data/wordnet.tsv`` (read lazily through
  :class:`~promptkit.lint.table.Table`); inflected forms map to lemmas through the same file;
* closed-class phrases (camera moves and framing, stillness requests, time and sequence cues,
  negation, quality tags, function words, cinematography light and style terms) are curated
  in ``data/*.txt``, each file citing the source of its entries.

A user may add words to a category with ``extra-vocab`` in ``[tool.promptkit.lint]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from promptkit.lint.table import Table, recall, remember

DATA = Path(__file__).parent / "data"
WORDNET = DATA / "wordnet.tsv"

# Files of entries separated by commas or new lines; a space inside an entry makes a phrase.
PHRASE_FILES: dict[str, str] = {
    "modifier": "motion_phrases.txt",
    "time": "time_cues.txt",
    "camera_term": "camera_terms.txt",
    "lighting": "lighting.txt",
    "style": "style.txt",
    "filler": "filler.txt",
    "negation": "negation.txt",
}
# Categories a user may extend through ``extra-vocab`` in [tool.promptkit.lint].
EXTENSIBLE = frozenset(
    {
        "motion_verb",
        "event",
        "env",
        "modifier",
        "time",
        "camera_term",
        "lighting",
        "style",
        "descriptor",
        "filler",
        "still_strong",
        "still_weak",
    }
)
# Words after a verb that make a phrasal verb or a path ("pick it up", "thrown across").
DIRECTIONS = frozenset(
    [
        "left",
        "right",
        "up",
        "down",
        "in",
        "out",
        "across",
        "around",
        "over",
        "through",
        "along",
        "back",
        "away",
        "forward",
        "toward",
        "towards",
        "into",
        "onto",
        "closer",
        "past",
        "upward",
        "upwards",
        "downward",
        "downwards",
        "sideways",
        "off",
    ]
)

# Particles of phrasal verbs ("sit down", "take off", "stretched out").
PARTICLES = frozenset(
    [
        "up",
        "down",
        "out",
        "off",
        "in",
        "on",
        "away",
        "back",
        "over",
        "around",
        "along",
        "about",
        "through",
    ]
)
# Tags a lemma entry licenses (inflected forms carry their own tags).
LEXICAL_TAGS = {"V": ("VB", "VBP"), "N": ("NN",), "J": ("JJ",)}
# (phrase as a tuple of words, category, payload)
Entry = tuple[tuple[str, ...], str, object]
# A token: (lower-case form, function-word role, lexicon readings, verb lemma)
Known = tuple[str, "str | None", dict[str, tuple[str, str]], "str | None"]
# A word under a tag: (lemma, class, shape verb, classes by subject)
Reading = tuple[str, "str | None", bool, str]


def _lines(name: str) -> Iterator[str]:
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


def _phrases(name: str) -> list[str]:
    return [p.strip().lower() for line in _lines(name) for p in line.split(",") if p.strip()]


def _camera_moves() -> list[tuple[str, tuple[str, str | None, bool]]]:
    out = []
    for line in _lines("camera_moves.txt"):
        phrase, _, target = line.partition("=>")
        phrase = phrase.strip().lower()
        ambiguous = phrase.endswith("?")
        family, _, direction = target.strip().partition(" ")
        out.append((phrase.rstrip("?"), (family, direction or None, ambiguous)))
    return out


def _prefixed(name: str, prefix: str = "") -> list[tuple[str, str]]:
    """Entries of a file whose lines read ``category: entry, entry``."""
    out: list[tuple[str, str]] = []
    for line in _lines(name):
        category, _, rest = line.partition(":")
        out.extend(
            (p.strip().lower(), prefix + category.strip()) for p in rest.split(",") if p.strip()
        )
    return out


def function_words() -> dict[str, str]:
    """word -> role (determiner, preposition, auxiliary, auxiliary_other, pronoun, ...)."""
    roles: dict[str, str] = {}
    for line in _lines("function_words.txt"):
        role, _, words = line.partition(":")
        for word in words.split():
            roles.setdefault(word.lower(), role.strip())
    return roles


def raw_entries() -> list[tuple[str, str, object]]:
    """Every curated entry as written: (phrase, category, payload)."""
    out: list[tuple[str, str, object]] = []
    for category, name in PHRASE_FILES.items():
        out.extend((p, category, None) for p in _phrases(name))
    out.extend((p, "camera_move", payload) for p, payload in _camera_moves())
    out.extend((p, c, None) for p, c in _prefixed("stillness.txt", "still_"))
    out.extend((p, c, None) for p, c in _prefixed("scene_markers.txt"))
    return out


NOTHING: dict[str, tuple[str, str]] = {}  # what the lexicon knows of a word it lacks; read only
_SETS: dict[frozenset[str], frozenset[str]] = {}


def _shared(found: frozenset[str]) -> frozenset[str]:
    """One object per distinct set of tags or classes (there are a few dozen): the per-word
    memos then hold a pointer per word, not a 200-byte set."""
    return _SETS.setdefault(found, found)


class WordClasses:
    """Lookups in ``data/wordnet.tsv``: a word's lemma and class as verb, noun, adjective."""

    def __init__(self, path: Path = WORDNET) -> None:
        self.table = Table(path)
        self._cache: dict[str, dict[str, tuple[str, str]]] = {}
        self._tags: dict[str, frozenset[str]] = {}
        self._inflected: dict[str, frozenset[str]] = {}

    def items(self, word: str) -> dict[str, tuple[str, str]]:
        """{kind: (lemma, class)} for a lower-case word or compound.

        Kinds: V (a verb lemma), v (an inflected verb form), N, n (the same for nouns),
        J (an adjective), C (a compound noun), c (the first word of one).
        """
        hit = self._cache.get(word)
        if hit is None:
            raw = self.table.get(word)
            if not raw:  # most words of a prompt file's long tail: one shared empty answer
                return remember(self._cache, word, NOTHING)
            hit = {}
            for item in raw.split(" "):
                kind, _, rest = item.partition(":")
                if kind in ("v", "n"):
                    lemma, klass, _ = rest.split(":")
                    hit.setdefault(kind, (lemma, klass))
                else:
                    hit[kind] = (word, rest)  # V, N, J: (word, class); C, c: (word, "")
            remember(self._cache, word, hit)
        return hit

    def tags(self, word: str) -> frozenset[str]:
        """Penn tags the lexicon licenses for a word ("parks": NNS from the tagger, VBZ here)."""
        hit = self._tags.get(word)
        if hit is None:
            out: set[str] = set()
            raw = self.table.get(word)
            for item in raw.split(" ") if raw else ():
                kind, _, rest = item.partition(":")
                if kind in ("v", "n"):
                    out.update(rest.split(":")[2].split(","))
                elif rest:
                    out.update(LEXICAL_TAGS.get(kind, ()))
            hit = remember(self._tags, word, _shared(frozenset(out)))
        return hit

    def inflection_tags(self, word: str) -> frozenset[str]:
        """The tags of the inflected forms a word is ("parks": VBZ, NNS), not the lemma tags
        a dictionary lists for nearly every noun ("man" is also a verb): what the tagger adds
        to a word's training tags."""
        hit = self._inflected.get(word)
        if hit is None:
            hit = remember(
                self._inflected,
                word,
                _shared(
                    frozenset(t for t in self.tags(word) if t not in ("VB", "VBP", "NN", "JJ"))
                ),
            )
        return hit

    def verb(self, word: str, inflected: bool = True) -> tuple[str, str] | None:
        """(lemma, class) of a verb form; ``inflected`` prefers "found" -> find over found."""
        found = self.verb_frames(word, inflected)
        return None if found is None else found[:2]

    def verb_frames(self, word: str, inflected: bool = True) -> tuple[str, str, str] | None:
        """(lemma, class, classes by subject) of a verb form: the last is "" or
        "somebody-class|something-class" when the subject decides (see
        :mod:`promptkit.lint.compile.classes`)."""
        items = self.items(word)
        found = (
            (items.get("v") or items.get("V")) if inflected else (items.get("V") or items.get("v"))
        )
        if found is None:
            return None
        klass, _, frames = found[1].partition("|")
        return found[0], klass, frames

    def noun(self, word: str, plural: bool = False) -> tuple[str, str] | None:
        items = self.items(word)
        if plural:
            return items.get("n") or items.get("N")
        return items.get("N") or items.get("n")

    def adjective(self, word: str) -> str | None:
        found = self.items(word).get("J")
        return found[1] if found else None

    def compound(self, phrase: str) -> bool:
        return "C" in self.items(phrase)


VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})


def _reading(
    info: dict[str, tuple[str, str]], word: str, tag: str
) -> tuple[str, str | None, bool, str]:
    """A word's lemma and class under a tag: a verb tag reads its verb entry (an inflected
    form first, a base form for VB/VBP), a noun tag its noun entry (the plural for NNS), an
    adjective tag its adjective entry."""
    found: tuple[str, str] | None = None
    if not info:
        return word, None, False, ""
    if tag in VERB_TAGS:
        if tag == "VB" or tag == "VBP":
            found = info.get("V") or info.get("v")
        else:
            found = info.get("v") or info.get("V")
    elif tag[:2] == "NN":
        if tag.endswith("S"):
            found = info.get("n") or info.get("N")
        else:
            found = info.get("N") or info.get("n")
    elif tag[:2] == "JJ":
        found = info.get("J")
    if found is None:
        return word, None, False, ""
    klass, _, frames = found[1].partition("|")
    return found[0], klass.rstrip("*"), klass.endswith("*"), frames


class Vocabulary:
    """Closed-class phrases indexed by first word, the function words, and word classes."""

    def __init__(self, roles: dict[str, str], classes: WordClasses) -> None:
        self.roles = roles
        self.classes = classes
        self.index: dict[str, list[Entry]] = {}
        self.extra: dict[str, set[str]] = {}
        self._words: dict[str, Known]
        self._words = {}
        self._readings: dict[tuple[str, str], Reading] = {}
        self._named: dict[str, frozenset[str]] = {}

    def add(self, phrase: str, category: str, payload: object = None) -> None:
        words = phrase.replace("’", "'").split()
        # Hyphenated and spaced spellings are the same entry ("slow-motion", "slow motion").
        variants = {tuple(words)}
        if len(words) > 1:
            variants.add(("-".join(words),))
        for key in variants:
            bucket = self.index.setdefault(key[0], [])
            entry = (key, category, payload)
            if entry not in bucket:
                bucket.append(entry)
                bucket.sort(key=lambda e: -len(e[0]))

    def word(self, raw: str) -> Known:
        """(lower-case form, function-word role, lexicon readings, verb lemma) of a token."""
        hit = self._words.get(raw)
        if hit is None:
            lower = raw.lower().replace("’", "'")
            info = self.classes.items(lower)
            verb = info.get("v") or info.get("V")
            hit = remember(self._words, raw, (lower, self.roles.get(lower), info, verb and verb[0]))
        return hit

    def words(self, raw: list[str]) -> list[Known]:
        """:meth:`word` of each token."""
        return recall(self._words, raw, self.word)

    def noun_adjective_classes(self, word: str) -> frozenset[str]:
        """The classes a word has as a noun or an adjective ("dusk": daytime)."""
        hit = self._named.get(word)
        if hit is None:
            info = self.classes.items(word)
            noun = info.get("N") or info.get("n")
            adj = info.get("J")
            hit = remember(
                self._named,
                word,
                _shared(frozenset(x[1] for x in (noun, adj) if x is not None and x[1])),
            )
        return hit

    def named_classes(self, words: list[str]) -> list[frozenset[str]]:
        """:meth:`noun_adjective_classes` of each word."""
        return recall(self._named, words, self.noun_adjective_classes)

    def reading(self, word: str, tag: str) -> Reading:
        """(lemma, class, shape verb, classes by subject) of a word read with a Penn tag."""
        key = (word, tag)
        hit = self._readings.get(key)
        if hit is None:
            hit = remember(self._readings, key, _reading(self.classes.items(word), word, tag))
        return hit

    def readings(self, words: list[str], tags: list[str]) -> list[Reading]:
        """:meth:`reading` of each word under its tag."""
        return recall(self._readings, zip(words, tags, strict=True), lambda key: self.reading(*key))

    def add_extra(self, category: str, word: str) -> None:
        """A user's extra word: matched as a phrase and as a lemma of its class."""
        self.extra.setdefault(category, set()).add(word.lower())
        self.add(word.lower(), category)


@lru_cache(maxsize=1)
def base_vocabulary() -> Vocabulary:
    """The shipped vocabulary (built once per process)."""
    vocab = Vocabulary(roles=function_words(), classes=WordClasses())
    for phrase, category, payload in raw_entries():
        vocab.add(phrase, category, payload)
    return vocab


def vocabulary(extra: Mapping[str, Iterable[str]] | None = None) -> Vocabulary:
    """The shipped vocabulary, extended with a user's extra words."""
    base = base_vocabulary()
    if not extra:
        return base
    vocab = Vocabulary(roles=base.roles, classes=base.classes)
    vocab.index = {key: list(bucket) for key, bucket in base.index.items()}
    for category, words in extra.items():
        for word in words:
            vocab.add_extra(category, word)
    return vocab
