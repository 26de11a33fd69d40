"""``python -m promptkit.lint.compile wordnet|tagger``: rebuild the linter's shipped data.

``wordnet`` needs WordNet 3.0 (Debian ``wordnet-base``, or ``$WNSEARCHDIR``) and lemminflect;
``tagger`` also needs the ``lexicon-build`` extra (spaCy, its ``en_core_web_sm`` model, NLTK)
and takes a few minutes. Both write into ``promptkit/lint/data/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from promptkit.lint.compile.wordnet import WordNet, find_dir

DATA = Path(__file__).resolve().parents[1] / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m promptkit.lint.compile")
    parser.add_argument("target", choices=("wordnet", "tagger"))
    parser.add_argument("--cache", type=Path, help="keep the teacher's tags here (tagger)")
    args = parser.parse_args(argv)
    root = find_dir()
    if root is None:
        print("error: WordNet 3.0 not found (apt-get install wordnet-base)", file=sys.stderr)
        return 2
    wordnet = WordNet(root)
    if args.target == "wordnet":
        from promptkit.lint.compile.classes import build

        (DATA / "wordnet.tsv").write_text(build(wordnet), encoding="utf-8")
    else:
        from promptkit.lint.compile.tagger import build as build_tagger

        (DATA / "tagger.tsv").write_text(build_tagger(wordnet, args.cache), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
