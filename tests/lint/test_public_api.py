"""The library surface other parts use: lint_prompt, Diagnostic, LintConfig, RULES."""

from __future__ import annotations

import subprocess
import sys

import promptkit.lint as lint
from promptkit.config import load_settings
from promptkit.lint import Diagnostic, LintConfig, lint_prompt
from promptkit.lint.config import DEFAULT_DURATION


def test_public_names_are_sorted_and_resolve() -> None:
    assert lint.__all__ == sorted(lint.__all__)
    for name in lint.__all__:
        assert getattr(lint, name) is not None


def test_lint_prompt_returns_diagnostics_with_positions_and_dicts() -> None:
    found = lint_prompt("A coffee mug.\nno people", path="p.txt", line_offset=10)
    assert all(isinstance(d, Diagnostic) for d in found)
    negation = next(d for d in found if d.name == "negation")
    assert (negation.path, negation.line, negation.column) == ("p.txt", 12, 1)
    assert set(negation.to_dict()) == {
        "path",
        "line",
        "column",
        "code",
        "name",
        "severity",
        "message",
        "help",
    }


def test_lint_prompt_uses_known_reference_image_count() -> None:
    text = "<IMAGE_1> and <IMAGE_2> dance together in the rain, tracking shot."
    assert [d.message for d in lint_prompt(text, reference_images=1) if d.code == "PK013"] == [
        "'<IMAGE_2>' but the prompt has 1 reference image(s)"
    ]
    assert not [d for d in lint_prompt(text, reference_images=2) if d.code == "PK013"]


def test_lint_prompt_uses_known_duration_for_dialogue() -> None:
    text = 'She says: "We should go now before the storm reaches the harbour tonight."'
    assert [d for d in lint_prompt(text, duration=2) if d.name == "dialogue-overload"]
    assert not [d for d in lint_prompt(text, duration=15) if d.name == "dialogue-overload"]


def test_config_from_settings_reads_lint_table_and_model(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.promptkit]\nmodel = "fast"\n[tool.promptkit.lint]\nignore = ["missing-style"]\n'
        "word-budgets = {fast = 5}\nmin-content-words = 5\n"
    )
    config = LintConfig.from_settings(load_settings(tmp_path, environ={}))
    assert config.budget() == 5 and config.min_content_words == 5
    assert "PK007" not in config.enabled()
    long_text = "A fox runs through the snow at dawn, tracking shot, film look."
    assert [d.name for d in lint_prompt(long_text, config=config) if d.code == "PK011"] == [
        "too-long"
    ]


def test_default_duration_mirrors_the_models_constant() -> None:
    from promptkit.models import DEFAULT_DURATION as MODELS_DEFAULT

    assert DEFAULT_DURATION == MODELS_DEFAULT


def test_importing_the_package_root_loads_no_rule() -> None:
    code = "import sys, promptkit.lint; print('promptkit.lint.registry' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_linting_a_text_file_imports_no_heavy_library(tmp_path) -> None:
    prompt = tmp_path / "one.txt"
    prompt.write_text("A red fox trots through fresh snow, tracking shot.\n")
    code = (
        "import sys\nfrom promptkit.cli import main\n"
        f"try:\n    main(['lint', {str(prompt)!r}])\nexcept SystemExit:\n    pass\n"
        "heavy = ['cv2', 'numpy', 'httpx', 'pydantic', 'jinja2', 'yaml', 'rich',\n"
        "         'spacy', 'torch', 'nltk', 'lemminflect', 'simplemma']\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
