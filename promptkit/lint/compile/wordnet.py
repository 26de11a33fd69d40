"""Read WordNet 3.0's database files (``data.*``, ``index.*``, ``*.exc``, ``cntlist.rev``).

The format is WordNet's own (``man 5 wndb``): one synset per line of ``data.POS`` with its
lexicographer file number, words, pointers and gloss; ``index.POS`` lists each lemma's synsets
in sense order (most frequent first); ``cntlist.rev`` gives tagged-corpus counts per sense key.
This module only reads; :mod:`promptkit.lint.compile.classes` decides the word classes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

# lexnames(5): lexicographer file number -> name.
LEXNAMES = [
    "adj.all",
    "adj.pert",
    "adv.all",
    "noun.Tops",
    "noun.act",
    "noun.animal",
    "noun.artifact",
    "noun.attribute",
    "noun.body",
    "noun.cognition",
    "noun.communication",
    "noun.event",
    "noun.feeling",
    "noun.food",
    "noun.group",
    "noun.location",
    "noun.motive",
    "noun.object",
    "noun.person",
    "noun.phenomenon",
    "noun.plant",
    "noun.possession",
    "noun.process",
    "noun.quantity",
    "noun.relation",
    "noun.shape",
    "noun.state",
    "noun.substance",
    "noun.time",
    "verb.body",
    "verb.change",
    "verb.cognition",
    "verb.communication",
    "verb.competition",
    "verb.consumption",
    "verb.contact",
    "verb.creation",
    "verb.emotion",
    "verb.motion",
    "verb.perception",
    "verb.possession",
    "verb.social",
    "verb.stative",
    "verb.weather",
    "adj.ppl",
]
FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
SS_TYPE = {"n": 1, "v": 2, "a": 3, "s": 5, "r": 4}
DEFAULT_DIRS = ("/usr/share/wordnet", "/usr/local/WordNet-3.0/dict", "/usr/share/wordnet/dict")


def find_dir() -> Path | None:
    """WordNet's database directory: ``$WNSEARCHDIR`` or a standard install path."""
    for candidate in (os.environ.get("WNSEARCHDIR"), *DEFAULT_DIRS):
        if candidate and (Path(candidate) / "data.verb").is_file():
            return Path(candidate)
    return None


@dataclass
class Synset:
    """One synset: ``pos`` is n/v/a/s/r; ``pointers`` are (symbol, target offset, target pos)."""

    offset: int
    pos: str
    lexname: str
    words: list[tuple[str, int]]  # (lemma as written, lex_id)
    pointers: list[tuple[str, int, str]]
    gloss: str
    hypernyms: list[Synset] = field(default_factory=list, repr=False)

    @property
    def key(self) -> tuple[str, int]:
        return ("a" if self.pos == "s" else self.pos, self.offset)

    @property
    def definition(self) -> str:
        return self.gloss.split('; "', 1)[0].strip()

    @property
    def examples(self) -> list[str]:
        return [part.strip().strip('"') for part in self.gloss.split("; ")[1:] if '"' in part]


class WordNet:
    """The whole database in memory (a few seconds to read; build time only)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.synsets: dict[tuple[str, int], Synset] = {}
        for pos, name in FILES.items():
            for line in self._lines(f"data.{name}"):
                synset = _parse_data(line)
                self.synsets[(pos, synset.offset)] = synset
        self.index: dict[str, dict[str, list[int]]] = {}
        for pos, name in FILES.items():
            table: dict[str, list[int]] = {}
            for line in self._lines(f"index.{name}"):
                parts = line.split()
                lemma, synset_cnt, p_cnt = parts[0], int(parts[2]), int(parts[3])
                offsets = parts[6 + p_cnt : 6 + p_cnt + synset_cnt]
                table[lemma] = [int(o) for o in offsets]
            self.index[pos] = table
        for synset in self.synsets.values():
            synset.hypernyms = [
                self.synsets[("a" if p == "s" else p, o)]
                for symbol, o, p in synset.pointers
                if symbol in ("@", "@i")
            ]

    def _lines(self, name: str) -> Iterator[str]:
        with (self.root / name).open(encoding="latin-1") as handle:
            for line in handle:
                if not line.startswith("  "):
                    yield line.rstrip("\n")

    def senses(self, lemma: str, pos: str) -> list[Synset]:
        """The synsets of ``lemma`` (underscores for spaces) in WordNet's sense order."""
        return [self.synsets[(pos, o)] for o in self.index[pos].get(lemma, ())]

    def exceptions(self, pos: str) -> dict[str, list[str]]:
        """Irregular form -> base forms (``verb.exc``: "swam swim")."""
        out: dict[str, list[str]] = {}
        for line in (self.root / f"{FILES[pos]}.exc").read_text(encoding="latin-1").splitlines():
            form, *bases = line.split()
            out[form] = bases
        return out

    @cached_property
    def counts(self) -> dict[str, int]:
        """Sense key -> number of times the sense was tagged in the semantic concordances."""
        out: dict[str, int] = {}
        path = self.root / "cntlist.rev"
        if path.is_file():
            for line in path.read_text(encoding="latin-1").splitlines():
                key, _, count = line.split()
                out[key] = int(count)
        return out

    def count(self, lemma: str, synset: Synset) -> int:
        """Tagged count of ``lemma`` in ``synset`` (0 when untagged or for adjectives)."""
        lex_id = next((i for w, i in synset.words if w.lower() == lemma), None)
        if lex_id is None or synset.pos in ("a", "s"):
            return 0
        key = f"{lemma}%{SS_TYPE[synset.pos]}:{LEXNAMES.index(synset.lexname):02d}:{lex_id:02d}::"
        return self.counts.get(key, 0)

    def closure(self, synset: Synset) -> Iterator[Synset]:
        """The synset and all its hypernyms (instance hypernyms included)."""
        seen: set[tuple[str, int]] = set()
        stack = [synset]
        while stack:
            current = stack.pop()
            if current.key in seen:
                continue
            seen.add(current.key)
            yield current
            stack.extend(current.hypernyms)


def _parse_data(line: str) -> Synset:
    head, _, gloss = line.partition(" | ")
    parts = head.split()
    offset, lex_filenum, pos = int(parts[0]), int(parts[1]), parts[2]
    w_cnt = int(parts[3], 16)
    words = [(parts[4 + 2 * i], int(parts[5 + 2 * i], 16)) for i in range(w_cnt)]
    at = 4 + 2 * w_cnt
    p_cnt = int(parts[at])
    pointers = []
    for i in range(p_cnt):
        symbol, target, target_pos = parts[at + 1 + 4 * i : at + 4 + 4 * i]
        pointers.append((symbol, int(target), target_pos))
    # Adjective words may carry a syntactic marker: "galore(ip)".
    words = [(w.split("(")[0], i) for w, i in words]
    return Synset(offset, pos, LEXNAMES[lex_filenum], words, pointers, gloss.strip())
