"""What the linter says about every real prompt stays what was recorded.

Accuracy tests count findings; these compare them in full. Every distinct prompt of the shared
prompt corpora, prompts of several lines built from them, the repository's templates and eval
specs and each rule's example file are linted (default and non-default settings) and explained,
and a digest of the results per source must equal ``snapshots/corpus_results.json``. A change
that is meant to leave the linter's output alone (speed, memory, refactoring) must pass as is;
one that is meant to change it shows its differences with ``python -m
tests.lint.corpus_results diff`` and records the new digests (see :mod:`.corpus_results`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import corpus_results as cr

RECORDED: dict[str, str] = json.loads(cr.SNAPSHOT.read_text(encoding="utf-8"))
HINT = "python -m tests.lint.corpus_results diff BEFORE.json AFTER.json shows what changed"


def test_repository_files_lint_as_recorded() -> None:
    assert cr.digest(cr.file_results()) == RECORDED["repository"], HINT


@pytest.mark.corpus
@pytest.mark.slow
def test_every_corpus_prompt_lints_and_explains_as_recorded(corpora: Path) -> None:
    found = cr.corpus_prompts(corpora / "prompts")
    assert sum(len(items) for items in found.values()) > 6000
    changed = [
        source
        for source, prompts in found.items()
        if cr.digest({p: cr.prompt_result(p) for p in prompts}) != RECORDED.get(source)
    ]
    assert not changed, f"results differ in {changed}; {HINT}"
    assert set(found) | {"repository"} == set(RECORDED)
