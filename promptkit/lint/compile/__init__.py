"""Build-time compilers for the linter's shipped data (never imported by ``promptkit lint``).

``python -m promptkit.lint.compile wordnet`` reads WordNet 3.0 (Debian ``wordnet-base``) and
writes ``promptkit/lint/data/wordnet.tsv``; ``python -m promptkit.lint.compile tagger`` trains
the part-of-speech model ``promptkit/lint/data/tagger.tsv`` (needs the ``lexicon-build``
extra). Both are deterministic: the same inputs give byte-identical files, and tests rebuild
and compare when the inputs are installed.
"""
