"""Everything the linter says about every real prompt we have, as data that can be compared.

The linter's behaviour is pinned by its accuracy tests only through counts; a change meant to
be behaviour-neutral (a faster tagger, a cheaper reading) must leave every finding and every
line of ``promptkit explain`` as it was. This module lints each distinct prompt of the shared
prompt corpora (``../shared/corpora/prompts``: labelled/*.tsv, VBench, FETV, the Sora
showcase, AnimateDiff), prompts of several lines built from them, and the repository's
templates and eval specs, and returns the full results: diagnostics (code, line, column,
message, help) under the default settings and under non-default ones (extra vocabulary, a
short clip, a reference image), and the ``promptkit explain --format json`` data.

``test_corpus_results.py`` compares a digest of the results per source with
``snapshots/corpus_results.json``. After a change that is meant to alter what the linter says,
inspect the differences and record the new digests::

    python -m tests.lint.corpus_results dump BEFORE.json     # before the change
    python -m tests.lint.corpus_results dump AFTER.json      # after it
    python -m tests.lint.corpus_results diff BEFORE.json AFTER.json
    python -m tests.lint.corpus_results snapshot             # rewrite the recorded digests
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from promptkit.lint import LintConfig, lint_prompt
from promptkit.lint.explain import explain
from promptkit.lint.sources import lint_paths

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpora" / "prompts"
SNAPSHOT = Path(__file__).parent / "snapshots" / "corpus_results.json"
PROMPT_KEYS = ("prompt", "prompt_en")
# Non-default settings every prompt is also linted with: the user-vocabulary path of the
# lexicon, a clip short enough for the duration rules to fire, and one reference image.
EXTRA = LintConfig(
    extra_vocab={
        "motion_verb": ("hovering",),
        "descriptor": ("old", "small"),
        "lighting": ("lamp",),
        "style": ("cartoon",),
        "camera_term": ("frame",),
        "still_strong": ("photo",),
    }
)
PARAGRAPH = 3  # prompts of several lines: this many consecutive labelled prompts


def _json_prompts(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in PROMPT_KEYS and isinstance(value, str):
                yield value
            else:
                yield from _json_prompts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _json_prompts(value)


def _file_prompts(path: Path) -> Iterator[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".tsv":
        lines = [line for line in text.splitlines() if not line.startswith("#")]
        yield from (line.split("\t")[0] for line in lines)
    elif path.suffix == ".txt":
        yield from text.splitlines()
    elif path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError:  # JSON lines (FETV)
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        yield from _json_prompts(data)


def corpus_prompts(corpus: Path = CORPUS) -> dict[str, list[str]]:
    """Distinct prompts per source file (a prompt belongs to the first file holding it), and
    prompts of several lines built from the labelled set under ``"paragraphs"``."""
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for path in sorted(corpus.rglob("*")):
        if not path.is_file():
            continue
        prompts = []
        for raw in _file_prompts(path):
            prompt = raw.strip()
            if prompt and prompt not in seen:
                seen.add(prompt)
                prompts.append(prompt)
        if prompts:
            out[path.relative_to(corpus).as_posix()] = prompts
    labelled = [p for name, items in out.items() if name.startswith("labelled/") for p in items]
    out["paragraphs"] = [
        "\n\n".join(labelled[k : k + PARAGRAPH]) for k in range(0, len(labelled), PARAGRAPH)
    ]
    return out


def prompt_result(prompt: str) -> dict[str, Any]:
    """Diagnostics under default and non-default settings, and the explain data."""
    extra = lint_prompt(prompt, config=EXTRA, duration=4, reference_images=1)
    return {
        "lint": [d.to_dict() for d in lint_prompt(prompt)],
        "extra": [d.to_dict() for d in extra],
        "explain": explain(prompt.strip()),
    }


def file_results() -> list[dict[str, Any]]:
    """``promptkit lint templates evals tests/lint/fixtures``: template checks and every
    rendering or variant, and each rule's example file."""
    fixtures = sorted((Path(__file__).parent / "fixtures").iterdir())
    paths = [REPO / "templates", REPO / "evals", *fixtures]
    # One prompt per line in the example files, as ``promptkit lint --lines`` reads them
    # (templates and specs are read whole either way).
    found, prompts = lint_paths([str(p) for p in paths], LintConfig(root=REPO), lines=True)
    out = [d.to_dict() for d in found]
    for d in out:
        d["path"] = Path(d["path"]).relative_to(REPO).as_posix()
    return [{"prompts": prompts}, *out]


def results(corpus: Path = CORPUS) -> dict[str, Any]:
    """source -> {prompt -> result}, and the repository's files under ``"repository"``."""
    out: dict[str, Any] = {
        source: {p: prompt_result(p) for p in prompts}
        for source, prompts in corpus_prompts(corpus).items()
    }
    out["repository"] = file_results()
    return out


def digest(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def digests(found: dict[str, Any]) -> dict[str, str]:
    """One digest per source, so a difference names the corpus it is in."""
    return {source: digest(items) for source, items in found.items()}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> int:
    changed = 0
    for source in sorted(before.keys() | after.keys()):
        old, new = before.get(source, {}), after.get(source, {})
        if not isinstance(old, dict) or not isinstance(new, dict):
            old, new = {"": old}, {"": new}
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                changed += 1
                print(f"{source}: {key[:100]!r}")
                print(f"  before: {json.dumps(old.get(key), ensure_ascii=False)[:600]}")
                print(f"  after:  {json.dumps(new.get(key), ensure_ascii=False)[:600]}")
    print(f"{changed} result(s) differ")
    return changed


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "dump" and len(argv) == 2:
        Path(argv[1]).write_text(json.dumps(results(), ensure_ascii=False, sort_keys=True))
        return 0
    if command == "diff" and len(argv) == 3:
        before, after = (json.loads(Path(p).read_text()) for p in argv[1:])
        return 1 if _diff(before, after) else 0
    if command == "snapshot" and len(argv) == 1:
        SNAPSHOT.write_text(json.dumps(digests(results()), indent=2, sort_keys=True) + "\n")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
