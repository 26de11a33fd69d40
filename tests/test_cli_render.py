"""``promptkit templates`` and ``promptkit render``: exact output, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from promptkit.cli import main

CINEMATIC = (
    "On a small wooden boat swaying in a grey harbour at first light, a weathered fisherman in "
    "a yellow raincoat hauls a dripping net over the side, turns, and wipes rain from his brow. "
    "Framed as an eye-level medium shot while a slow dolly in carries the camera toward the "
    "subject. Lit by cool blue-hour light with warm practical lamps glowing in the background. "
    "Shot on 35mm film with soft grain and a muted teal and amber palette. The mood is quiet "
    "and determined."
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI like the console script: (exit code, stdout, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Run from an empty project so the user's own settings never leak into exact output.
    (tmp_path / "pyproject.toml").write_text("[tool.promptkit]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("PROMPTKIT_TEMPLATES__PATH", "PROMPTKIT_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_render_prints_just_the_prompt_paragraph(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["render", "cinematic"], capsys) == (0, CINEMATIC + "\n", "")


def test_render_json_has_template_variables_prompt_and_params(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        ["render", "cinematic", "--var", "mood=tense", "--duration", "5", "--format", "json"],
        capsys,
    )
    assert (code, err) == (0, "")
    variables = {
        "subject": "a weathered fisherman in a yellow raincoat",
        "action": "hauls a dripping net over the side, turns, and wipes rain from his brow",
        "scene": "on a small wooden boat swaying in a grey harbour at first light",
        "shot_size": "medium",
        "angle": "eye level",
        "camera_move": "slow dolly in",
        "lighting": "blue hour",
        "style": "Shot on 35mm film with soft grain and a muted teal and amber palette",
        "mood": "tense",
    }
    expected = {
        "template": "cinematic",
        "variables": variables,
        "prompt": CINEMATIC.replace("quiet and determined", "tense"),
        "params": {
            "model": "grok-imagine-video",
            "duration": 5,
            "resolution": "480p",
            "aspect_ratio": "16:9",
            "image": None,
            "reference_images": [],
        },
        # Every variable but the one given was left to the template's defaults.
        "defaults": {k: v for k, v in variables.items() if k != "mood"},
    }
    assert out == json.dumps(expected, indent=2) + "\n"


def test_render_vars_fill_the_template(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["render", "vague_baseline", "--var", "subject=a heron in the reeds"], capsys
    )
    assert (code, out) == (0, "A heron in the reeds.\n")


def test_param_flags_win_over_param_pairs_which_win_over_template_defaults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["render", "social_vertical", "--format", "json", "--param", "duration=4"]
    params = json.loads(run([*argv, "--param", "resolution=720p"], capsys)[1])["params"]
    assert (params["duration"], params["resolution"], params["aspect_ratio"]) == (4, "720p", "9:16")
    params = json.loads(run([*argv, "--duration", "9", "--aspect-ratio", "1:1"], capsys)[1])[
        "params"
    ]
    assert (params["duration"], params["aspect_ratio"]) == (9, "1:1")


def test_repeated_reference_images_accumulate(capsys: pytest.CaptureFixture[str]) -> None:
    refs = ["https://example.com/a.png", "https://example.com/b.png"]
    argv = ["render", "cinematic", "--format", "json"]
    for ref in refs:
        argv += ["--param", f"reference_images={ref}"]
    assert json.loads(run(argv, capsys)[1])["params"]["reference_images"] == refs


def test_render_accepts_a_path_to_a_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.j2").write_text("A heron  wades , and the camera pans left .\n")
    assert run(["render", "mine.j2"], capsys) == (
        0,
        "A heron wades, and the camera pans left.\n",
        "",
    )


@pytest.mark.parametrize("flag", ["--var", "--param"])
def test_pair_without_equals_is_a_one_line_usage_error(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["render", "cinematic", flag, "mood"], capsys) == (
        2,
        "",
        f"error: {flag} 'mood': expected KEY=VALUE\n",
    )


def test_unknown_variable_names_it_and_lists_declared(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["render", "vague_baseline", "--var", "mood=calm"], capsys)
    assert (code, out) == (2, "")
    assert err == "error: template 'vague_baseline' has no variable 'mood' (declared: subject)\n"


def test_missing_required_variable_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "req.j2").write_text(
        "{#---\nvariables:\n  subject: {description: Who}\n---#}\n{{ subject }} runs.\n"
    )
    assert run(["render", "req.j2"], capsys)[::2] == (
        2,
        "error: template 'req' needs variable 'subject': Who (declared: subject)\n",
    )


def test_value_outside_choices_lists_the_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["render", "cinematic", "--var", "lighting=disco"], capsys)
    assert code == 2
    assert err.startswith("error: template 'cinematic': variable 'lighting' cannot be 'disco' ")
    assert "(allowed: golden hour, blue hour," in err


def test_missing_template_lists_available_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["render", "cinematik"], capsys)
    assert code == 2
    assert err.startswith("error: no template named 'cinematik'; did you mean 'cinematic'? ")
    assert "(available: cinematic, extension_continuation," in err


def test_syntax_error_starts_with_path_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "x.j2").write_text("{#---\ndescription: d\n---#}\nok\n{{ subject }\n")
    assert run(["render", "drafts/x.j2"], capsys) == (
        2,
        "",
        "error: drafts/x.j2:5: unexpected '}'\n",
    )


def test_sandbox_violation_is_refused_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "evil.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    assert run(["render", "evil.j2"], capsys) == (
        2,
        "",
        "error: evil.j2:1: refused by the sandbox: "
        "access to attribute '__class__' of 'str' object is unsafe.\n",
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--duration", "40"], "error: duration: '40' must be between 1 and 15 seconds\n"),
        (
            ["--resolution", "1080p"],
            "error: resolution: '1080p' is not allowed (allowed: 480p, 720p)\n",
        ),
        (
            ["--param", "seed=1"],
            "error: seed: unknown parameter (allowed: model, duration, "
            "resolution, aspect_ratio, image, reference_images)\n",
        ),
    ],
)
def test_invalid_params_are_one_line_with_exit_two(
    flags: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["render", "cinematic", *flags], capsys) == (2, "", message)


def test_debug_flag_shows_the_exception_instead(capsys: pytest.CaptureFixture[str]) -> None:
    from promptkit.errors import TemplateNotFound

    with pytest.raises(TemplateNotFound):
        main(["--debug", "render", "nope"])


def test_bad_format_is_a_click_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["render", "cinematic", "--format", "yaml"], capsys)
    assert code == 2 and "Invalid value for '--format'" in err


def test_templates_lists_names_and_descriptions_aligned(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["templates"], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        "cinematic               Cinematic shot with one clear subject action and one camera move."
    )
    names = [line.split()[0] for line in lines]
    assert names == sorted(names) and "vague_baseline" in names
    starts = {
        len(line) - len(line[len(name) :].lstrip()) for line, name in zip(lines, names, strict=True)
    }
    assert starts == {len(max(names, key=len)) + 2}


def test_templates_json_lists_variables_params_and_tags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["templates", "--format", "json"], capsys)
    docs = json.loads(out)
    assert code == 0
    assert [d["name"] for d in docs] == sorted(d["name"] for d in docs)
    social = next(d for d in docs if d["name"] == "social_vertical")
    assert set(social) == {"name", "description", "variables", "params", "tags"}
    assert social["params"]["aspect_ratio"] == "9:16"
    assert social["variables"]["camera_move"]["default"] == "handheld"
    assert social["variables"]["camera_move"]["required"] is False
    assert "handheld" in social["variables"]["camera_move"]["choices"]


def test_templates_includes_configured_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.promptkit.templates]\npath = ["tpl"]\n')
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "aardvark.j2").write_text("{#---\ndescription: Ours.\n---#}\nx\n")
    code, out, _ = run(["templates"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "aardvark                Ours."


def test_bad_template_config_is_one_line_exit_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.promptkit.templates]\npath = ["gone"]\n')
    code, out, err = run(["templates"], capsys)
    assert (code, out) == (2, "")
    assert err == f"error: templates.path: 'gone' is not a folder (relative to {tmp_path})\n"


def test_console_entry_point_renders(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "promptkit", "render", "cinematic"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (out.returncode, out.stdout, out.stderr) == (0, CINEMATIC + "\n", "")
