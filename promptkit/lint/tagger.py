"""Part-of-speech tags for a prompt's words: a greedy averaged perceptron, read lazily.

The model (``data/tagger.tsv``) is NLTK's averaged perceptron trained on text tagged by
spaCy's ``en_core_web_sm`` (see :mod:`promptkit.lint.compile.tagger`); this module applies it
the way NLTK's ``PerceptronTagger.tag`` does (same features, same normalisation, same
tie-break) with one change for speed: a word seen in training is only scored for the tags it
took there (its ambiguity class), and a word that always took one tag is not scored at all.
Tags are Penn Treebank tags (NN, VBZ, JJ, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from promptkit.lint.table import Table, remember

MODEL = Path(__file__).parent / "data" / "tagger.tsv"
START = ("-START-", "-START2-")
PROPER = frozenset({"NNP"})
VERB = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
NOUN = frozenset({"NN", "NNS", "NNP", "NNPS"})
OPEN_CLASS = (
    "CD",
    "FW",
    "JJ",
    "NN",
    "NNP",
    "NNPS",
    "NNS",
    "RB",
    "VB",
    "VBD",
    "VBG",
    "VBN",
    "VBP",
    "VBZ",
)
Lexical = Callable[[str], frozenset[str]]
Entry = tuple["str | None", tuple[str, ...], list[float], str]
END = ("-END-", "-END2-")


def _inflected(word: str, tag: str) -> bool:
    """Whether ``word`` ends as a verb of Penn tag ``tag`` is inflected."""
    if tag == "VBZ":
        return word.endswith("s") and not word.endswith("ss")
    if tag == "VBG":
        return word.endswith("ing")
    if tag in ("VBD", "VBN"):
        return word.endswith("ed")
    return False


def normalize(word: str) -> str:
    """NLTK's normalisation of context words."""
    if "-" in word and word[0] != "-":
        return "!HYPHEN"
    if word.isdigit() and len(word) == 4:
        return "!YEAR"
    if word and word[0].isdigit():
        return "!DIGITS"
    return word.lower()


class Tagger:
    """Greedy left-to-right tagging of one sentence at a time."""

    def __init__(self, path: Path = MODEL) -> None:
        self.table = Table(path)
        self._weights: dict[str, dict[str, float]] = {}
        self._classes: tuple[str, ...] | None = None
        # word -> (fixed tag, or None with its candidate tags and word-only scores; its
        # normalised form)
        self._words: dict[str, Entry] = {}
        self._projections: dict[tuple[str, ...], dict[str, tuple[tuple[int, float], ...]]] = {}
        self._indices: dict[tuple[str, ...], dict[str, int]] = {}

    @property
    def classes(self) -> tuple[str, ...]:
        if self._classes is None:
            self._classes = tuple((self.table.get("!classes") or "NN").split())
        return self._classes

    def weights(self, feature: str) -> dict[str, float]:
        found = self._weights.get(feature)
        if found is None:
            raw = self.table.get(feature)
            found = {}
            if raw:
                parts = raw.split(" ")
                found = {parts[k]: float(parts[k + 1]) for k in range(0, len(parts), 2)}
            remember(self._weights, feature, found)
        return found

    def candidates(
        self, word: str, lexical: Lexical | None = None
    ) -> tuple[str | None, Sequence[str]]:
        """(fixed tag, or None and the tags to score) for one word.

        The tags to score are those the word took in training plus those the lexicon
        licenses ("parks" was only a plural noun in training; the lexicon adds VBZ); a word
        unknown to both is scored for every tag.
        """
        fixed = self.table.get("=" + word)
        lower = word.lower()
        extra = lexical(lower) if lexical is not None else frozenset()
        if fixed is not None:
            return fixed, ()
        known = self.table.get("~" + lower)
        if known:
            seen = known.split(" ")
            options = seen + sorted(extra - set(seen)) if extra else seen
            if VERB.isdisjoint(options) and ("JJ" not in options or NOUN.isdisjoint(options)):
                # The rules read verbs and adjectives: a word that can be neither a verb nor
                # an adjective-or-noun takes its most frequent tag ("to": TO, "her": PRP$).
                return options[0], ()
            return None, sorted(options)
        if extra:
            return None, sorted(extra | PROPER)
        # Closed-class words are all known from training, and so is nearly every verb (or
        # the lexicon knows it): an unknown word is a verb only in a form its inflection
        # marks ("moonwalks", "skiing", "photobombed"), never a bare base form ("elon").
        return None, tuple(t for t in OPEN_CLASS if t not in VERB or _inflected(lower, t))

    def known_tags(self, word: str) -> frozenset[str]:
        """The tags a word took in training (empty for an unseen word)."""
        fixed = self.table.get("=" + word)
        if fixed is not None:
            return frozenset((fixed,))
        known = self.table.get("~" + word.lower())
        return frozenset(known.split(" ")) if known else frozenset()

    def tag(self, words: Sequence[str], lexical: Lexical | None = None) -> list[str]:
        """Penn tags of one sentence's words; ``lexical(word)`` adds tags a lexicon licenses."""
        cache = self._words
        entries = []
        for word in words:
            entry = cache.get(word)
            if entry is None:
                entry = remember(cache, word, self._word_entry(word, lexical))
            entries.append(entry)
        context = [*START, *(e[3] for e in entries), *END]
        prev, prev2 = START
        out: list[str] = []
        for i, (fixed, options, base, _) in enumerate(entries):
            if fixed is None:
                fixed = self._predict(i + 2, context, prev, prev2, options, base)
            out.append(fixed)
            prev2, prev = prev, fixed
        return out

    def _word_entry(self, word: str, lexical: Lexical | None) -> Entry:
        """A word's fixed tag, or its candidate tags and the part of their scores that
        depends on the word alone (bias, suffix, first letter, the word itself); and its
        normalised form for its neighbours' context features."""
        norm = normalize(word)
        fixed, options = self.candidates(word, lexical)
        if fixed is not None or len(options) == 1:
            return fixed or options[0], (), [], norm
        tags = tuple(options)
        base = [0.0] * len(tags)
        for feature in ("bias", "i suffix " + word[-3:], "i pref1 " + word[0], "i word " + norm):
            weights = self.weights(feature)
            if weights:
                for k, tag in enumerate(tags):
                    base[k] += weights.get(tag, 0.0)
        return None, tags, base, norm

    def _predict(
        self,
        i: int,
        context: list[str],
        prev: str,
        prev2: str,
        options: tuple[str, ...],
        base: list[float],
    ) -> str:
        word = context[i]
        features = (
            "i-1 tag " + prev,
            "i-2 tag " + prev2,
            f"i tag+i-2 tag {prev} {prev2}",
            f"i-1 tag+i word {prev} {word}",
            "i-1 word " + context[i - 1],
            "i-1 suffix " + context[i - 1][-3:],
            "i-2 word " + context[i - 2],
            "i+1 word " + context[i + 1],
            "i+1 suffix " + context[i + 1][-3:],
            "i+2 word " + context[i + 2],
        )
        scores = list(base)
        # Each feature's weights projected onto this candidate set: (index, weight) pairs,
        # read from the table row without parsing the weights of other tags.
        projections = self._projections.get(options)
        if projections is None:
            projections = self._projections[options] = {}
            self._indices[options] = {tag: k for k, tag in enumerate(options)}
        get = self.table.get
        for feature in features:
            pairs = projections.get(feature)
            if pairs is None:
                raw = get(feature)
                if raw:
                    index = self._indices[options]
                    parts = raw.split(" ")
                    pairs = tuple(
                        (index[parts[k]], float(parts[k + 1]))
                        for k in range(0, len(parts), 2)
                        if parts[k] in index
                    )
                else:
                    pairs = ()
                remember(projections, feature, pairs)
            for k, value in pairs:
                scores[k] += value
        best = 0
        for k in range(1, len(options)):
            if (scores[k], options[k]) > (scores[best], options[best]):
                best = k
        return options[best]


@lru_cache(maxsize=1)
def tagger() -> Tagger:
    return Tagger()
