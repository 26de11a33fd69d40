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
Weights = dict[str, float]
EMPTY: Weights = {}
Around = tuple[Weights, Weights, Weights, Weights, Weights, Weights]
Entry = tuple["str | None", tuple[str, ...], tuple[float, ...], str]
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
    """Greedy left-to-right tagging of one sentence at a time.

    A word's score for a tag is NLTK's: its feature weights added one by one, in a fixed
    order. The order matters: float sums round, and exact ties are common (weights are
    tenths), so the same weights added in another order can pick another tag. What is
    memoised is therefore a *prefix* of that sum, never a regrouping of it: the word's own
    features (bias, suffix, first letter, the word: :meth:`_word_entry`), then the previous
    tags and the previous tag with the word (:meth:`_start`, once per word and tag history);
    the neighbours' six features are added last, from weights parsed once per neighbour
    word (:meth:`_neighbour`).
    """

    def __init__(self, path: Path = MODEL) -> None:
        self.table = Table(path)
        self._classes: tuple[str, ...] | None = None
        self._shared: dict[str, Weights] = {}  # bias, suffix, first-letter and tag features
        # word -> (fixed tag, or None with its candidate tags and word-only scores; its
        # normalised form)
        self._words: dict[str, Entry] = {}
        self._options: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._around: dict[str, Around] = {}  # normalised word -> its weights as a neighbour
        # (word, previous tag, the one before) -> scores of the word's candidate tags
        self._scored: dict[tuple[str, str, str], tuple[float, ...]] = {}

    @property
    def classes(self) -> tuple[str, ...]:
        if self._classes is None:
            self._classes = tuple((self.table.get("!classes") or "NN").split())
        return self._classes

    def weights(self, feature: str) -> Weights:
        """A feature's weights by tag (empty when the model has none)."""
        raw = self.table.get(feature)
        if not raw:
            return EMPTY
        parts = raw.split(" ")
        return {parts[k]: float(parts[k + 1]) for k in range(0, len(parts), 2)}

    def _common(self, feature: str) -> Weights:
        """:meth:`weights` of a feature many words share (memoised)."""
        found = self._shared.get(feature)
        if found is None:
            found = remember(self._shared, feature, self.weights(feature))
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
        around = self._around
        scored = self._scored
        out: list[str] = []
        prev, prev2 = START
        for i, entry in enumerate(entries):
            tag = entry[0]
            if tag is None:
                key = (words[i], prev, prev2)
                start = scored.get(key)
                if start is None:
                    start = remember(scored, key, self._start(entry, prev, prev2))
                near = []
                for word in (context[i + 1], context[i], context[i + 3], context[i + 4]):
                    found = around.get(word)
                    if found is None:
                        found = remember(around, word, self._neighbour(word))
                    near.append(found)
                # The rest of NLTK's sum, in its order: the word before (word, suffix), two
                # before, the word after (word, suffix), two after.
                rows = [
                    row
                    for row in (
                        near[0][1],
                        near[0][2],
                        near[1][0],
                        near[2][3],
                        near[2][4],
                        near[3][5],
                    )
                    if row
                ]
                best, tag = -1e300, ""
                for k, option in enumerate(entry[1]):
                    score = start[k]
                    for row in rows:
                        score += row.get(option, 0.0)
                    # (score, tag) compared as NLTK compares them: the later tag wins a tie
                    if score > best or (score == best and option > tag):
                        best, tag = score, option
            out.append(tag)
            prev2, prev = prev, tag
        return out

    def _word_entry(self, word: str, lexical: Lexical | None) -> Entry:
        """A word's fixed tag, or its candidate tags and the part of their scores that
        depends on the word alone (bias, suffix, first letter, the word itself); and its
        normalised form for its neighbours' context features."""
        norm = normalize(word)
        fixed, options = self.candidates(word, lexical)
        if fixed is not None or len(options) == 1:
            return fixed or options[0], (), (), norm
        tags = tuple(options)
        tags = self._options.setdefault(tags, tags)  # a few hundred distinct candidate sets
        rows = (
            self._common("bias"),
            self._common("i suffix " + word[-3:]),
            self._common("i pref1 " + word[0]),
            self.weights("i word " + norm),
        )
        return None, tags, _added([0.0] * len(tags), tags, rows), norm

    def _start(self, entry: Entry, prev: str, prev2: str) -> tuple[float, ...]:
        """A word's scores from its own features, then the previous tags' features."""
        common = self._common
        rows = (
            common("i-1 tag " + prev),
            common("i-2 tag " + prev2),
            common(f"i tag+i-2 tag {prev} {prev2}"),
            self.weights(f"i-1 tag+i word {prev} {entry[3]}"),
        )
        return _added(list(entry[2]), entry[1], rows)

    def _neighbour(self, word: str) -> Around:
        """The weights of a normalised word (or a sentence-edge marker) as the features
        "i-2 word", "i-1 word", "i-1 suffix", "i+1 word", "i+1 suffix", "i+2 word"."""
        suffix = word[-3:]
        return (
            self.weights("i-2 word " + word),
            self.weights("i-1 word " + word),
            self._common("i-1 suffix " + suffix),
            self.weights("i+1 word " + word),
            self._common("i+1 suffix " + suffix),
            self.weights("i+2 word " + word),
        )


def _added(
    scores: list[float], tags: tuple[str, ...], rows: tuple[Weights, ...]
) -> tuple[float, ...]:
    """``scores`` plus each row's weight for each tag, row by row (the order of NLTK's sum)."""
    for row in rows:
        if row:
            for k, tag in enumerate(tags):
                scores[k] += row.get(tag, 0.0)
    return tuple(scores)


@lru_cache(maxsize=1)
def tagger() -> Tagger:
    return Tagger()
