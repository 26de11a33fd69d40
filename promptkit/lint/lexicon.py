"""The linter's vocabulary: curated word lists in ``data/`` plus a compiled English lexicon.

Language understanding rests on two things:

* curated vocabularies (``data/*.txt``): lemmas of motion verbs, event nouns, environmental
  motion, camera moves and terms, lighting, style, stillness markers, descriptors, filler, and
  function words by role; every list cites the part of PROMPTING.md it comes from;
* ``data/lexicon.tsv``: every inflected form of those lemmas (``swam``, ``swimming`` ->
  ``swim``), taken from simplemma's English dictionary by :func:`build`. Shipping the compiled
  slice keeps ``promptkit lint`` fast to start (simplemma's own import plus its first English
  lookup cost ~140 ms); a test rebuilds it from simplemma and compares, so it never goes stale.

Words outside the compiled slice are taken as they are, except when the user configured extra
vocabulary: then simplemma is imported lazily to lemmatise the extra words and unknown tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
COMPILED = DATA / "lexicon.tsv"

# Files of whitespace-separated single words (lemmas).
WORD_FILES: dict[str, str] = {
    "motion_verb": "motion_verbs.txt",
    "env": "environment_motion.txt",
}
# Files of entries separated by commas or new lines; a space inside an entry makes a phrase.
PHRASE_FILES: dict[str, str] = {
    "event": "event_nouns.txt",
    "modifier": "motion_modifiers.txt",
    "time": "time_cues.txt",
    "camera_term": "camera_terms.txt",
    "lighting": "lighting.txt",
    "style": "style.txt",
    "compound": "compounds.txt",
    "filler": "filler.txt",
    "descriptor": "descriptors.txt",
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
# A "?" single-word camera move must read as a verb or be followed by one of these.
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
        "closer",
        "past",
        "upward",
        "downward",
        "sideways",
    ]
)

# (phrase as a tuple of lemmas, category, payload)
Entry = tuple[tuple[str, ...], str, object]


def _lines(name: str) -> Iterable[str]:
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


def _words(name: str) -> list[str]:
    return [w.lower() for line in _lines(name) for w in line.split()]


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


def _prefixed(name: str) -> list[tuple[str, str]]:
    """Entries of a file whose lines read ``category: entry, entry``."""
    out: list[tuple[str, str]] = []
    for line in _lines(name):
        category, _, rest = line.partition(":")
        out.extend((p.strip().lower(), category.strip()) for p in rest.split(",") if p.strip())
    return out


def _stillness() -> list[tuple[str, str]]:
    out = []
    for line in _lines("stillness.txt"):
        strength, _, phrase = line.partition(":")
        out.append((phrase.strip().lower(), f"still_{strength.strip()}"))
    return out


def function_words() -> dict[str, str]:
    """word -> role (determiner, preposition, auxiliary, auxiliary_other, pronoun, ...)."""
    roles: dict[str, str] = {}
    for line in _lines("function_words.txt"):
        role, _, words = line.partition(":")
        for word in words.split():
            roles.setdefault(word.lower(), role.strip())
    return roles


def overrides() -> dict[str, str]:
    out = {}
    for line in _lines("overrides.txt"):
        form, _, lemma = line.partition("=>")
        out[form.strip()] = lemma.strip()
    return out


def raw_entries() -> list[tuple[str, str, object]]:
    """Every vocabulary entry as written: (phrase, category, payload)."""
    out: list[tuple[str, str, object]] = []
    for category, name in WORD_FILES.items():
        for word in _words(name):
            # "make:ing": only the participle is an action ("making a snowman", "made of").
            lemma, _, only = word.partition(":")
            out.append((lemma, category, only or None))
    for category, name in PHRASE_FILES.items():
        out.extend((p, category, None) for p in _phrases(name))
    out.extend((p, "camera_move", payload) for p, payload in _camera_moves())
    out.extend((p, category, None) for p, category in _stillness())
    out.extend((p, category, None) for p, category in _prefixed("scene_markers.txt"))
    return out


def vocabulary_words() -> set[str]:
    """Every single word used by a vocabulary entry (the words the lexicon must know)."""
    return {w for phrase, _, _ in raw_entries() for w in phrase.split()}


def _form_kind(form: str) -> str:
    # Read once at build time from dictionary entries that are already known to be inflections
    # of the lemma; lemmatisation itself never strips suffixes.
    if form.endswith("ing"):
        return "ing"
    if form.endswith("s"):
        return "s"
    return "past"


def build(dictionary: Mapping[str, str] | None = None) -> str:
    """Compile ``data/lexicon.tsv`` (form, lemma, kind) from simplemma's English dictionary.

    Only lemmas of the curated vocabularies are kept. ``promptkit.lint.lexicon.build()`` returns
    the file's text; write it with ``COMPILED.write_text(build())``.
    """
    if dictionary is None:
        from simplemma.strategies.dictionaries.dictionary_factory import (
            DefaultDictionaryFactory,
        )

        dictionary = DefaultDictionaryFactory().get_dictionary("en")
    fixed = overrides()
    lemmas = {fixed.get(w) or dictionary.get(w) or w for w in vocabulary_words()}
    rows: dict[str, str] = {}
    for form, lemma in dictionary.items():
        if lemma in lemmas and form != lemma and form.islower() and form.isascii():
            rows[form] = lemma
    for form, lemma in fixed.items():
        rows[form] = lemma
    lines = [f"{form}\t{lemma}\t{_form_kind(form)}" for form, lemma in sorted(rows.items())]
    header = "# form\tlemma\tkind -- compiled by promptkit.lint.lexicon.build(); do not edit\n"
    return header + "\n".join(lines) + "\n"


def load_compiled() -> dict[str, tuple[str, str]]:
    """form -> (lemma, kind) from the shipped ``lexicon.tsv``."""
    out: dict[str, tuple[str, str]] = {}
    for line in COMPILED.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        form, lemma, kind = line.split("\t")
        out[form] = (lemma, kind)
    return out


@lru_cache(maxsize=4096)
def _simplemma_lemma(word: str) -> str:
    import simplemma

    return str(simplemma.lemmatize(word, lang="en")).lower()


@dataclass
class Vocabulary:
    """Lemma lookup plus a first-lemma index of every vocabulary phrase."""

    forms: dict[str, tuple[str, str]]
    roles: dict[str, str]
    index: dict[str, list[Entry]] = field(default_factory=dict)
    categories: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    fallback: Callable[[str], str] | None = None

    def lemma(self, word: str) -> tuple[str, str]:
        """(lemma, kind) of a lower-case word; kind is base, ing, s or past."""
        hit = self.forms.get(word)
        if hit is not None:
            return hit
        if self.fallback is not None and word.isalpha():
            lemma = self.fallback(word)
            return lemma, (_form_kind(word) if lemma != word else "base")
        return word, "base"

    def add(self, phrase: str, category: str, payload: object = None) -> None:
        words = phrase.replace("’", "'").split()
        # Hyphenated and spaced spellings are the same entry ("slow-motion", "slow motion").
        variants = {tuple(words)}
        if len(words) > 1:
            variants.add(("-".join(words),))
        for variant in variants:
            key = tuple(self.lemma(w)[0] for w in variant)
            self.categories.setdefault(category, set()).add(key)
            bucket = self.index.setdefault(key[0], [])
            entry = (key, category, payload)
            if entry not in bucket:
                bucket.append(entry)
                bucket.sort(key=lambda e: -len(e[0]))

    def has(self, category: str, lemma: str) -> bool:
        return (lemma,) in self.categories.get(category, ())


@lru_cache(maxsize=1)
def base_vocabulary() -> Vocabulary:
    """The shipped vocabulary (built once per process)."""
    vocab = Vocabulary(forms=load_compiled(), roles=function_words())
    for phrase, category, payload in raw_entries():
        vocab.add(phrase, category, payload)
    return vocab


def vocabulary(extra: Mapping[str, Iterable[str]] | None = None) -> Vocabulary:
    """The shipped vocabulary, extended with a user's extra words (lemmatised by simplemma)."""
    base = base_vocabulary()
    if not extra:
        return base
    vocab = Vocabulary(forms=base.forms, roles=base.roles, fallback=_simplemma_lemma)
    for key, bucket in base.index.items():
        vocab.index[key] = list(bucket)
    vocab.categories = {k: set(v) for k, v in base.categories.items()}
    for category, words in extra.items():
        for word in words:
            vocab.add(word.lower(), category)
    return vocab
