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

from promptkit.lint.table import Table

MODEL = Path(__file__).parent / "data" / "tagger.tsv"
START = ("-START-", "-START2-")
PROPER = frozenset({"NNP"})
Lexical = Callable[[str], frozenset[str]]
END = ("-END-", "-END2-")


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
            self._weights[feature] = found
        return found

    def candidates(self, word: str, lexical: Lexical | None = None) -> tuple[str | None, Sequence[str]]:
        """(fixed tag, or None and the tags to score) for one word.

        The tags to score are those the word took in training plus those the lexicon
        licenses ("parks" was only a plural noun in training; the lexicon adds VBZ); a word
        unknown to both is scored for every tag.
        """
        fixed = self.table.get("=" + word)
        if fixed is not None:
            return fixed, ()
        lower = word.lower()
        known = self.table.get("~" + lower)
        extra = lexical(lower) if lexical is not None else frozenset()
        if known:
            options = known.split(" ")
            if extra:
                options = sorted(set(options) | extra)
            return None, options
        if extra:
            return None, sorted(extra | PROPER)
        return None, self.classes

    def known_tags(self, word: str) -> frozenset[str]:
        """The tags a word took in training (empty for an unseen word)."""
        fixed = self.table.get("=" + word)
        if fixed is not None:
            return frozenset((fixed,))
        known = self.table.get("~" + word.lower())
        return frozenset(known.split(" ")) if known else frozenset()

    def tag(self, words: Sequence[str], lexical: Lexical | None = None) -> list[str]:
        """Penn tags of one sentence's words; ``lexical(word)`` adds tags a lexicon licenses."""
        context = [*START, *(normalize(w) for w in words), *END]
        prev, prev2 = START
        out: list[str] = []
        for i, word in enumerate(words):
            fixed, options = self.candidates(word, lexical)
            if fixed is None:
                if len(options) == 1:
                    fixed = options[0]
                else:
                    fixed = self._predict(i + 2, word, context, prev, prev2, options)
            out.append(fixed)
            prev2, prev = prev, fixed
        return out

    def _predict(
        self, i: int, word: str, context: list[str], prev: str, prev2: str, options: Sequence[str]
    ) -> str:
        features = (
            "bias",
            "i suffix " + word[-3:],
            "i pref1 " + word[0],
            "i-1 tag " + prev,
            "i-2 tag " + prev2,
            f"i tag+i-2 tag {prev} {prev2}",
            "i word " + context[i],
            f"i-1 tag+i word {prev} {context[i]}",
            "i-1 word " + context[i - 1],
            "i-1 suffix " + context[i - 1][-3:],
            "i-2 word " + context[i - 2],
            "i+1 word " + context[i + 1],
            "i+1 suffix " + context[i + 1][-3:],
            "i+2 word " + context[i + 2],
        )
        scores = dict.fromkeys(options, 0.0)
        weights = self.weights
        for feature in features:
            for label, weight in weights(feature).items():
                if label in scores:
                    scores[label] += weight
        return max(options, key=lambda label: (scores[label], label))


@lru_cache(maxsize=1)
def tagger() -> Tagger:
    return Tagger()
