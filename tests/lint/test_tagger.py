"""The part-of-speech tagger: a faithful reader of NLTK's averaged perceptron, and its tags."""

from __future__ import annotations

import pytest

from promptkit.lint.lexicon import base_vocabulary
from promptkit.lint.tagger import Tagger, normalize

SENTENCES = [
    "A young couple dances under the moonlight by the lake",
    "The cars stop at the light and a stop sign leans in the wind",
    "Low-angle tracking shot of a red fox trotting through fresh snow in 1990",
    "She paints on a canvas while the kids play outside",
    "Two people sit on the park bench enjoying a sunny day",
]


class Unrestricted(Tagger):
    """Scores every tag for every word outside the tag dictionary, as NLTK does."""

    def candidates(self, word, lexical=None):  # type: ignore[no-untyped-def]
        fixed = self.table.get("=" + word)
        return (fixed, ()) if fixed is not None else (None, self.classes)


def nltk_tagger(model: Tagger):  # type: ignore[no-untyped-def]
    perceptron = pytest.importorskip("nltk.tag.perceptron")
    tagger = perceptron.PerceptronTagger(load=False)
    rows = model.table.load()
    tagger.classes = set(model.classes)
    tagger.tagdict = {k[1:]: v for k, v in rows.items() if k.startswith("=")}
    weights = {}
    for key, value in rows.items():
        if key[0] in "=~!":
            continue
        parts = value.split(" ")
        weights[key] = {parts[k]: float(parts[k + 1]) for k in range(0, len(parts), 2)}
    tagger.model.weights = weights
    tagger.model.classes = tagger.classes
    return tagger


def test_reading_the_shipped_model_gives_nltks_own_tags() -> None:
    # Same features, normalisation and tie-break as NLTK's PerceptronTagger.tag: with the
    # speed-ups switched off the two agree on every word.
    ours = Unrestricted()
    theirs = nltk_tagger(ours)
    for sentence in SENTENCES:
        words = sentence.split()
        assert ours.tag(words) == [t for _, t in theirs.tag(words)]


def test_normalisation_matches_nltk() -> None:
    assert [normalize(w) for w in ("Close-up", "1990", "35mm", "Fox")] == [
        "!HYPHEN",
        "!YEAR",
        "!DIGITS",
        "fox",
    ]


@pytest.mark.parametrize(
    ("sentence", "word", "tag"),
    [
        ("The cars stop at the crossing", "stop", "VBP"),
        ("a stop sign on a corner", "stop", "NN"),
        ("It gallops along the beach", "gallops", "VBZ"),
        ("A painting of a ship", "painting", "NN"),
        ("A man walking his dog", "walking", "VBG"),
    ],
)
def test_tags_in_context(sentence: str, word: str, tag: str) -> None:
    words = sentence.split()
    tags = Tagger().tag(words, base_vocabulary().classes.tags)
    assert tags[words.index(word)] == tag


def test_a_word_that_cannot_be_a_verb_is_not_scored() -> None:
    tagger = Tagger()
    fixed, options = tagger.candidates("wooden", base_vocabulary().classes.tags)
    assert fixed == "JJ" and options == ()
    fixed, options = tagger.candidates("parks", base_vocabulary().classes.tags)
    assert fixed is None and {"NNS", "VBZ"} <= set(options)  # the lexicon adds the verb
