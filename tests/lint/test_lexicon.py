"""The compiled word classes (WordNet), the sorted-table reader and the curated lists."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from promptkit.lint import lexicon
from promptkit.lint.compile.wordnet import find_dir
from promptkit.lint.table import BULK, Table, write

CLASSES = lexicon.base_vocabulary().classes


@pytest.fixture(scope="module")
def wordnet_dir() -> Path:
    root = find_dir()
    if root is None:
        pytest.skip("WordNet 3.0 is not installed (apt-get install wordnet-base; CI has it)")
    return root


def test_shipped_word_classes_equal_a_fresh_build_from_wordnet(wordnet_dir: Path) -> None:
    # Rebuilding from WordNet and lemminflect must give exactly the shipped file, so the build
    # script, its inputs and the data can never drift apart.
    pytest.importorskip("lemminflect")
    from promptkit.lint.compile.classes import build
    from promptkit.lint.compile.wordnet import WordNet

    assert build(WordNet(wordnet_dir)) == lexicon.WORDNET.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("word", "lemma", "klass"),
    [
        ("walks", "walk", "motion"),
        ("swam", "swim", "motion*"),  # "*": swim also has a stative sense (a shape reading)
        ("scampering", "scamper", "motion"),
        ("ripens", "ripen", "change"),
        ("sits", "sit", "posture"),
        ("wearing", "wear", "posture"),
        ("shines", "shine", "light"),
        ("sees", "see", "perception"),
        ("sings", "sing", "creation"),
    ],
)
def test_verb_forms_map_to_a_lemma_and_its_wordnet_class(word: str, lemma: str, klass: str) -> None:
    assert CLASSES.verb(word) == (lemma, klass)


def test_a_past_form_is_read_as_its_verb_before_a_homonymous_lemma() -> None:
    assert CLASSES.verb("found")[0] == "find"  # "was found", not "to found a firm"
    assert CLASSES.verb("found", inflected=False)[0] == "found"
    assert {"VBD", "VBN"} <= CLASSES.tags("parked")  # the lexicon licenses both readings


@pytest.mark.parametrize(
    ("noun", "klass"),
    [
        ("rain", "flow"),
        ("blizzard", "flow"),
        ("waterfall", "flow"),
        ("stroll", "event"),
        ("archery", "event"),
        ("lamp", "light"),
        ("dusk", "daytime"),
        ("cubism", "style"),
        ("watercolor", "style"),
        ("person", "animate"),
        ("emus", "animate"),
    ],
)
def test_nouns_take_the_class_of_their_wordnet_senses(noun: str, klass: str) -> None:
    found = CLASSES.noun(noun, plural=noun.endswith("s"))
    assert found is not None and found[1] == klass


def test_adjectives_are_descriptive_unless_evaluative() -> None:
    for word in ("rectangular", "embossed", "juicy", "woven", "spicy"):
        assert CLASSES.adjective(word) == "descriptive", word
    for word in ("beautiful", "stunning", "amazing", "gorgeous"):
        assert CLASSES.adjective(word) == "evaluative", word


def test_compound_nouns_come_from_wordnet() -> None:
    for phrase in ("swimming pool", "fire hydrant", "rocking chair", "traffic light"):
        assert CLASSES.compound(phrase), phrase
    assert not CLASSES.compound("red car")


def test_table_search_finds_every_key_and_only_those(tmp_path: Path) -> None:
    rng = random.Random(14)
    rows = {
        "".join(rng.choices("abcde-' ", k=rng.randint(1, 7))).strip() or "x": str(i)
        for i in range(BULK // 2)
    }
    path = tmp_path / "t.tsv"
    path.write_text(write(["a header"], rows), encoding="utf-8")
    table = Table(path)
    for key, value in rows.items():
        assert table.get(key) == value
    assert table.get("zzzz") is None and table.get("") is None and table.get("#") is None


def test_table_switches_to_one_dict_when_busy(tmp_path: Path) -> None:
    rows = {f"k{i:05d}": str(i) for i in range(BULK * 2)}
    path = tmp_path / "t.tsv"
    path.write_text(write([], rows), encoding="utf-8")
    table = Table(path)
    for i in range(BULK + 1):
        assert table.get(f"k{i:05d}") == str(i)
    assert table.get(f"k{BULK * 2 - 1:05d}") == str(BULK * 2 - 1)
    assert table.load() is table.load()  # parsed once


def test_every_data_file_is_read_and_cites_its_source() -> None:
    used = set(lexicon.PHRASE_FILES.values()) | {
        "camera_moves.txt",
        "stillness.txt",
        "scene_markers.txt",
        "function_words.txt",
        "wordnet.tsv",
        "tagger.tsv",
        "WORDNET-LICENSE",
    }
    assert {p.name for p in lexicon.DATA.iterdir()} == used
    for name in used - {"wordnet.tsv", "tagger.tsv", "WORDNET-LICENSE", "function_words.txt"}:
        head = (lexicon.DATA / name).read_text(encoding="utf-8").split("\n\n")[0]
        assert "PROMPTING.md" in head, name


def test_extra_vocabulary_adds_words_to_a_category() -> None:
    vocab = lexicon.vocabulary({"style": ["risograph"]})
    assert ("risograph",) in {e[0] for e in vocab.index["risograph"]}
    assert "risograph" not in lexicon.base_vocabulary().index
