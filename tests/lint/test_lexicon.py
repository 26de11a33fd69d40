"""The compiled lexicon and the curated vocabularies."""

from __future__ import annotations

from promptkit.lint import lexicon


def test_shipped_lexicon_equals_a_fresh_build_from_simplemma() -> None:
    # Rebuilding from simplemma's English dictionary must give exactly the shipped file, so
    # the vocabularies and the compiled forms can never drift apart.
    assert lexicon.build() == lexicon.COMPILED.read_text(encoding="utf-8")


def test_inflected_forms_map_to_their_lemma() -> None:
    vocab = lexicon.base_vocabulary()
    assert vocab.lemma("swam")[0] == vocab.lemma("swimming")[0] == "swim"
    assert vocab.lemma("swimming")[1] == "ing"
    assert vocab.lemma("flew") == ("fly", "past")
    # dictionary corrections: gerunds filed under a noun or a misspelled lemma
    assert vocab.lemma("playing")[0] == "play" and vocab.lemma("skies")[0] == "sky"


def test_phrases_match_in_any_inflection() -> None:
    vocab = lexicon.base_vocabulary()
    assert ("freeze", "in", "time") in vocab.categories["still_strong"]
    assert any(key[0] == "pan" for key in vocab.categories["camera_move"])


def test_every_vocabulary_word_is_lower_case_and_every_file_is_read() -> None:
    used = set(lexicon.WORD_FILES.values()) | set(lexicon.PHRASE_FILES.values())
    used |= {
        "camera_moves.txt",
        "stillness.txt",
        "scene_markers.txt",
        "function_words.txt",
        "overrides.txt",
        "lexicon.tsv",
    }
    assert {p.name for p in lexicon.DATA.iterdir()} == used
    assert all(w == w.lower() for w in lexicon.vocabulary_words())


def test_extra_vocabulary_lemmatises_unknown_words_lazily() -> None:
    vocab = lexicon.vocabulary({"motion_verb": ["lope"]})
    assert vocab.lemma("loping") == ("lope", "ing")
    assert lexicon.base_vocabulary().fallback is None
