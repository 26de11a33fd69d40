"""The bad-input catalogue: every class of bad input the tests try, and the one line it gets.

Each :class:`Case` is a command line run through :func:`promptkit.cli.main` in a scratch
workspace (built by :func:`make_workspace`, so messages show short relative paths). The test
module runs every case and checks its exit code, that it answered with exactly one line and no
traceback; :func:`render` turns the answers into ``docs/bad-inputs.md``, which the test compares
with the committed file. Regenerate it with::

    python -m tests.badinputs.catalogue --write
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.media import ivf_vp8

DOC = Path(__file__).resolve().parents[2] / "docs" / "bad-inputs.md"
REGENERATE = "python -m tests.badinputs.catalogue --write"


@dataclass(frozen=True)
class Case:
    """One bad input: where, what, the command line, and the exit code it must get."""

    area: str
    what: str
    argv: tuple[str, ...]
    code: int
    usage: bool = False
    """click's own usage error: a ``Usage:`` block around the one ``Error:`` line."""
    stream: str = "stderr"
    """Where the answer goes (``score`` reports unreadable clips on stdout)."""
    env: tuple[tuple[str, str], ...] = ()
    """Environment variables for this case (the caller's PROMPTKIT_*/XAI_* are removed)."""


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    def answers(self, case: Case) -> list[str]:
        """The lines that answer the bad input: ``error:`` lines (click's ``Error:`` for usage
        errors), or for ``stream="stdout"`` cases every stdout line. Progress and lint lines
        printed before the error are not answers."""
        if case.stream == "stdout":
            return [line for line in self.stdout.splitlines() if line.strip()]
        prefix = "Error:" if case.usage else "error:"
        return [line for line in self.stderr.splitlines() if line.startswith(prefix)]

    def answer(self, case: Case) -> str:
        return " / ".join(self.answers(case)) or "(no answer)"


SPEC_OK = "version: 1\nname: ok\ntemplates: [cinematic]\nparams: {duration: 1}\nlint: 'off'\n"


FRONT = "{#---\ndescription: x\nvariables:\n  subject: {description: who, default: a fox}\n---#}\n"
FILES: dict[str, str | bytes] = {
    "tpl/broken.j2": FRONT + "{{ subject }\n",
    "tpl/escape.j2": FRONT + "{{ subject.__class__.__mro__ }}\n",
    "tpl/undeclared.j2": FRONT + "{{ subject }} under {{ weather }}\n",
    "tpl/required.j2": "{#---\ndescription: x\nvariables:\n  place: {description: Where}\n---#}\n"
    "A fox in {{ place }}\n",
    "tpl/frontmatter.j2": "{#---\ndescription: x\nvariables:\n  subject: {descripton: who}\n"
    "---#}\n{{ subject }}\n",
    "tpl/empty.j2": "{#---\ndescription: x\n---#}\n   \n",
    "prompt.txt": "A red fox trots across a frosty meadow, the camera pans left.\n",
    "binary.txt": b"\xff\xfe\x00bad",
    "clips/empty.mp4": b"",
    "clips/notes.mp4": b"not a video, just notes\n" * 10,
    "clips/huge.ivf": ivf_vp8(16000, 16000),
    "clips/huge.y4m": b"YUV4MPEG2 W60000 H60000 F24:1 Ip A1:1 C420jpeg\nFRAME\n" + b"\x80" * 99,
    "specs/unknown_key.yaml": SPEC_OK + "templatez: [cinematic]\n",
    "specs/bad_value.yaml": SPEC_OK + "replicates: 0\n",
    "specs/bad_duration.yaml": SPEC_OK.replace("duration: 1", "duration: 40"),
    "specs/bad_yaml.yaml": "version: 1\ntemplates: [cinematic\n",
    "specs/empty.yaml": "",
    "specs/list.yaml": "- version: 1\n",
    "specs/no_templates.yaml": "version: 1\nname: x\n",
    "specs/unknown_template.yaml": SPEC_OK.replace("[cinematic]", "[cinematik]"),
    "specs/bad_arms.yaml": SPEC_OK + "arms: variable:nope\n",
    "specs/bad_provider.yaml": SPEC_OK + "provider: openai\n",
    "specs/over_budget.yaml": SPEC_OK + "replicates: 10\nbudget_usd: 0.10\n",
    "specs/bad_sim.yaml": SPEC_OK + "sim: {speed: -1}\n",
    "specs/ok.yaml": SPEC_OK,
    "reports/future/results.json": json.dumps({"schema_version": 99, "clips": []}),
    "reports/garbled/results.json": "{not json",
    "reports/empty/.keep": "",
}


def _unreadable_clip(label: str, clip: str) -> Case:
    """A ``score`` case on a clip no decoder should open: reported as unreadable on stdout."""
    return Case(
        "score", label, ("score", "--fail-on", "unreadable", f"clips/{clip}"), 1, stream="stdout"
    )


CASES: tuple[Case, ...] = (
    # templates and render
    Case("templates", "unknown output format", ("templates", "--format", "yaml"), 2, usage=True),
    Case("render", "unknown template name", ("render", "cinematik"), 2),
    Case("render", "template file that does not exist", ("render", "tpl/nope.j2"), 2),
    Case("render", "Jinja syntax error", ("render", "tpl/broken.j2"), 2),
    Case("render", "sandbox escape attempt", ("render", "tpl/escape.j2"), 2),
    Case("render", "variable used but not declared", ("render", "tpl/undeclared.j2"), 2),
    Case("render", "required variable not given", ("render", "tpl/required.j2"), 2),
    Case("render", "misspelt key in the front matter", ("render", "tpl/frontmatter.j2"), 2),
    Case("render", "template that renders to nothing", ("render", "tpl/empty.j2"), 2),
    Case("render", "unknown --var", ("render", "cinematic", "--var", "subjct=a fox"), 2),
    Case("render", "--var without =", ("render", "cinematic", "--var", "mood"), 2),
    Case(
        "render",
        "value outside the choices",
        ("render", "cinematic", "--var", "camera_move=zoom"),
        2,
    ),  # fmt: skip
    Case("render", "duration out of range", ("render", "cinematic", "--duration", "40"), 2),
    Case("render", "unknown resolution", ("render", "cinematic", "--resolution", "1080p"), 2),
    Case("render", "unknown --param", ("render", "cinematic", "--param", "fps=30"), 2),
    # lint
    Case("lint", "config file that does not exist", ("lint", "--config", "nope.toml"), 2),
    Case(
        "lint",
        "--statistics in a format that has none",
        ("lint", "--statistics", "--format", "sarif", "prompt.txt"),
        2,
    ),  # fmt: skip
    Case("lint", "file that does not exist", ("lint", "nope.txt"), 2),
    Case("lint", "bytes that are not UTF-8", ("lint", "binary.txt"), 2),
    Case("lint", "unknown rule selector", ("lint", "--select", "PK999", "prompt.txt"), 2),
    Case(
        "lint", "duration out of range", ("lint", "--duration", "40", "prompt.txt"), 2, usage=True
    ),  # fmt: skip
    Case("lint", "unknown rule for `rule`", ("rule", "PK999"), 2),
    # generate and the job commands
    Case("generate", "duration out of range", ("generate", "a fox runs", "--duration", "40"), 2),
    Case(
        "generate",
        "unknown aspect ratio",
        ("generate", "a fox runs", "--aspect-ratio", "5:4"),
        2,
        usage=True,
    ),  # fmt: skip
    Case(
        "generate",
        "image file that does not exist",
        ("generate", "a fox runs", "--image", "nope.png"),
        2,
    ),  # fmt: skip
    Case("generate", "empty prompt", ("generate", "   "), 2),
    Case(
        "generate",
        "--provider xai without XAI_API_KEY",
        ("generate", "a fox runs", "--provider", "xai"),
        2,
    ),  # fmt: skip
    Case(
        "generate",
        "plain http to a remote host with a key",
        ("generate", "a fox runs", "--provider", "xai", "--base-url", "http://proxy.example.com"),
        2,
        env=(("XAI_API_KEY", "xai-TESTKEY-catalogue"),),
    ),  # fmt: skip
    Case("generate", "status of the in-process simulator", ("status", "req-1"), 2),
    # score
    Case("score", "file that does not exist", ("score", "nope.mp4"), 2),
    Case("score", "a folder instead of a file", ("score", "clips"), 2),
    Case("score", "unknown --fail-on name", ("score", "--fail-on", "blurry", "clips/notes.mp4"), 2),
    Case("score", "unknown --resolution", ("score", "--resolution", "1080p", "clips/notes.mp4"), 2),
    _unreadable_clip("zero-byte clip", "empty.mp4"),
    _unreadable_clip("text renamed .mp4", "notes.mp4"),
    _unreadable_clip("IVF declaring 16000x16000", "huge.ivf"),
    _unreadable_clip("y4m declaring 60000x60000", "huge.y4m"),
    # eval specs
    Case("eval", "no spec given", ("eval",), 2),
    Case("eval", "spec file that does not exist", ("eval", "specs/nope.yaml"), 2),
    Case("eval", "unknown shipped example", ("eval", "--example", "nope"), 2),
    Case("eval", "invalid YAML", ("eval", "specs/bad_yaml.yaml", "--dry-run"), 2),
    Case("eval", "empty spec", ("eval", "specs/empty.yaml", "--dry-run"), 2),
    Case("eval", "spec that is a list", ("eval", "specs/list.yaml", "--dry-run"), 2),
    Case("eval", "unknown key", ("eval", "specs/unknown_key.yaml", "--dry-run"), 2),
    Case("eval", "bad value", ("eval", "specs/bad_value.yaml", "--dry-run"), 2),
    Case("eval", "duration out of range", ("eval", "specs/bad_duration.yaml", "--dry-run"), 2),
    Case("eval", "no templates or prompts", ("eval", "specs/no_templates.yaml", "--dry-run"), 2),
    Case("eval", "unknown template", ("eval", "specs/unknown_template.yaml", "--dry-run"), 2),
    Case("eval", "arms on an unknown variable", ("eval", "specs/bad_arms.yaml", "--dry-run"), 2),
    Case("eval", "unknown provider", ("eval", "specs/bad_provider.yaml", "--dry-run"), 2),
    Case("eval", "bad simulator setting", ("eval", "specs/bad_sim.yaml", "--out", "out"), 2),
    Case("eval", "plan over the budget", ("eval", "specs/over_budget.yaml", "--dry-run"), 3),
    Case(
        "eval",
        "--max-cost that is not an amount",
        ("eval", "specs/ok.yaml", "--dry-run", "--max-cost", "lots"),
        2,
    ),  # fmt: skip
    Case(
        "eval",
        "--max-cost below the plan",
        ("eval", "specs/ok.yaml", "--dry-run", "--max-cost", "0.01"),
        3,
    ),  # fmt: skip
    Case(
        "eval",
        "unknown --fail-on measure",
        ("eval", "specs/ok.yaml", "--dry-run", "--fail-on", "blur-rate>0.1"),
        2,
    ),  # fmt: skip
    Case("eval", "--resume of a run that does not exist", ("eval", "--resume", "nope"), 2),
    Case("eval", "real provider without --yes", ("eval", "specs/ok.yaml", "--provider", "xai"), 3),
    # reports
    Case("report", "run that does not exist", ("report", "nope"), 2),
    Case("report", "results.json of a future schema", ("report", "reports/future"), 2),
    Case("report", "results.json that is not JSON", ("report", "reports/garbled"), 2),
    Case("report", "run folder without results.json", ("report", "reports/empty"), 2),
    Case("report", "compare with a missing run", ("compare", "reports/future", "nope"), 2),
    Case("report", "rescore of a missing run", ("rescore", "nope"), 2),
    # simulator flags
    Case("sim", "port out of range", ("sim", "--port", "70000"), 2),
    Case("sim", "negative rate limit", ("sim", "--rps", "-1"), 2),
    Case("sim", "probability above 1", ("sim", "--fail-rate", "2"), 2),
    Case("sim", "negative speed", ("sim", "--speed", "-1"), 2),
    Case("sim", "unknown dialect", ("sim", "--dialect", "openai"), 2, usage=True),
)


def make_workspace(root: Path) -> Path:
    """Write every file the cases refer to under ``root``."""
    for name, content in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@contextlib.contextmanager
def _clean_env(root: Path, env: tuple[tuple[str, str], ...]) -> Iterator[None]:
    """Run in ``root`` without the caller's PROMPTKIT_*/XAI_* variables, plus ``env``."""
    saved_env = dict(os.environ)
    saved_cwd = Path.cwd()
    for name in list(os.environ):
        if name.startswith(("PROMPTKIT_", "XAI_")):
            del os.environ[name]
    os.environ.update(dict(env))
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def run_case(case: Case, root: Path) -> Outcome:
    """Run ``case`` through ``promptkit.cli.main`` in the workspace ``root``."""
    from promptkit.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with (
        _clean_env(root, case.env),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            main(list(case.argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Outcome(code, out.getvalue(), err.getvalue())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _argv(argv: tuple[str, ...]) -> str:
    return " ".join(a if a and " " not in a and "=" not in a[:1] else json.dumps(a) for a in argv)


def render(rows: list[tuple[Case, Outcome]]) -> str:
    """The Markdown catalogue of every case and the line it got."""
    out = [
        "# Bad inputs and what promptkit says",
        "",
        "Every class of bad input the test suite tries, the exit code and the one line the",
        "user reads. Generated from `tests/badinputs/catalogue.py` by running each command; a",
        f"test fails when this page is stale (regenerate it with `{REGENERATE}`). Paths are",
        "relative to a scratch folder holding the inputs named in the command. Exit codes: 0",
        "fine, 1 findings (lint, `--fail-on`), 2 usage or input error, 3 refused by the budget.",
        "",
        "Property and fuzz tests (`tests/fuzz/`) add arbitrary specs, templates, prompts, server",
        "answers and byte-mangled clips on top of these classes; security tests",
        "(`tests/security/`) add sandbox-escape payloads, hostile providers and size caps.",
    ]
    area = None
    for case, outcome in rows:
        if case.area != area:
            area = case.area
            out += ["", f"## {area}", "", "| bad input | command | exit | what promptkit says |",
                    "|---|---|---|---|"]  # fmt: skip
        line = outcome.answer(case).replace("error: ", "", 1)
        out.append(f"| {_cell(case.what)} | {_cell(_code('promptkit ' + _argv(case.argv)))} | "
                   f"{outcome.code} | {_cell(line)} |")  # fmt: skip
    return "\n".join(out) + "\n"


def run_all(root: Path | None = None) -> list[tuple[Case, Outcome]]:
    """Every case's outcome, in catalogue order, in a fresh workspace."""
    if root is not None:
        make_workspace(root)
        return [(case, run_case(case, root)) for case in CASES]
    with tempfile.TemporaryDirectory(prefix="pk-badinputs-") as tmp:
        return run_all(Path(tmp))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print or write docs/bad-inputs.md.")
    parser.add_argument("--write", action="store_true", help=f"write {DOC}")
    args = parser.parse_args(argv)
    text = render(run_all())
    if args.write:
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
