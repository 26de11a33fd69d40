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
import re
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
    mask: tuple[tuple[str, str], ...] = ()
    """(pattern, replacement) pairs applied to the answer: a pid or a time changes every run."""
    hold_lock: str = ""
    """A run folder whose lock is held (by this process) while the case runs."""


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
        text = " / ".join(self.answers(case)) or "(no answer)"
        for pattern, replacement in case.mask:
            text = re.sub(pattern, replacement, text)
        return text


SPEC_OK = "version: 1\nname: ok\ntemplates: [cinematic]\nparams: {duration: 1}\nlint: 'off'\n"


FRONT = "{#---\ndescription: x\nvariables:\n  subject: {description: who, default: a fox}\n---#}\n"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The classic "billion laughs": each level lists the previous one ``width`` times."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


MANY_JOBS = (
    "version: 1\nname: big\ntemplates: [cinematic]\nreplicates: 1000\nvariables:\n"
    + "".join(
        f"  {v}: [a, b, c, d, e, f, g, h, i, j]\n"
        for v in ("subject", "action", "scene", "lighting", "style")
    )
)
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
    "reports/mine/notes.txt": "my own notes\n",
    "reports/damaged/spec.yaml": SPEC_OK,
    "reports/damaged/journal.sqlite": b"\x00\xffnot a database\n" * 64,
    "reports/busy/spec.yaml": SPEC_OK,
    "reports/busy/journal.sqlite": b"",
    "reports/lots/results.json": json.dumps(
        {
            "schema_version": 1,
            "run_id": "lots",
            "created_at": "",
            "spec_path": "x.yaml",
            "provider": "sim",
            "model": "grok-imagine-video",
            "summary": {"cost_ticks": 0, "cost_usd": "lots"},
            "clips": [],
        }
    ),  # fmt: skip
    "specs/alias_bomb.yaml": SPEC_OK + alias_bomb(),
    "specs/many_aliases.yaml": SPEC_OK + "a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n",
    "specs/deep.yaml": SPEC_OK + "x: " + "[" * 5000 + "]" * 5000 + "\n",
    "specs/huge.yaml": SPEC_OK + "description: '" + "x" * (1024 * 1024) + "'\n",
    "specs/many_jobs.yaml": MANY_JOBS,
    "specs/huge_budget.yaml": SPEC_OK + "budget_usd: 1e999999\n",
    "specs/replicates.yaml": SPEC_OK + "replicates: 5000\n",
    "specs/concurrency.yaml": SPEC_OK + "concurrency: 1000\n",
    "specs/slow_polling.yaml": SPEC_OK + "polling: {interval: 1e308}\n",
    "specs/long_timeout.yaml": SPEC_OK + "polling: {timeout: 1e9}\n",
    "tpl/recursion.j2": FRONT + "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}\n",
    "tpl/loops.j2": FRONT + "{% for i in range(100000) %}{% for j in range(100000) %}"
    "{% endfor %}{% endfor %}{{ subject }}\n",
    "tpl/multiply.j2": FRONT + "{{ subject * 10**10 }}\n",
    "tpl/builds.j2": FRONT + "{% for i in range(30) %}{% set x = subject * 19000 %}{% endfor %}"
    "{{ subject }}\n",
    "tpl/output.j2": FRONT + "{% for i in range(2000) %}{{ subject * 20 }}{% endfor %}\n",
    "tpl/width.j2": FRONT + "{{ '{:>1000000000}'.format(subject) }}\n",
    "tpl/power.j2": FRONT + "{{ 10 ** 100000000 }}\n",
    "tpl/alias.j2": "{#---\ndescription: x\nbomb:\n"
    + "".join(f"  {line}\n" for line in alias_bomb().splitlines())
    + "---#}\nA fox runs.\n",
    "tpl/huge.j2": FRONT + "A fox runs. " + "x" * (1024 * 1024) + "\n",
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
    Case("render", "macro that calls itself", ("render", "tpl/recursion.j2"), 2),
    Case("render", "nested loops of 100,000", ("render", "tpl/loops.j2"), 2),
    Case("render", "string multiplied 10^10 times", ("render", "tpl/multiply.j2"), 2),
    Case("render", "values built past 2,000,000 characters", ("render", "tpl/builds.j2"), 2),
    Case("render", "output past 100,000 characters", ("render", "tpl/output.j2"), 2),
    Case("render", "format width of 10^9", ("render", "tpl/width.j2"), 2),
    Case("render", "integer of 10^8 digits", ("render", "tpl/power.j2"), 2),
    Case("render", "YAML alias bomb in the front matter", ("render", "tpl/alias.j2"), 2),
    Case("render", "template file over 1 MiB", ("render", "tpl/huge.j2"), 2),
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
    Case("lint", "spec of 10^8 jobs", ("lint", "specs/many_jobs.yaml"), 2),
    Case("lint", "YAML alias bomb", ("lint", "specs/alias_bomb.yaml"), 2),
    Case("lint", "template with nested loops of 100,000", ("lint", "tpl/loops.j2"), 2),
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
    Case("eval", "YAML alias bomb", ("eval", "specs/alias_bomb.yaml", "--dry-run"), 2),
    Case("eval", "more than 100 aliases", ("eval", "specs/many_aliases.yaml", "--dry-run"), 2),
    Case("eval", "YAML nested 5,000 deep", ("eval", "specs/deep.yaml", "--dry-run"), 2),
    Case("eval", "spec file over 1 MiB", ("eval", "specs/huge.yaml", "--dry-run"), 2),
    Case("eval", "spec of 10^8 jobs", ("eval", "specs/many_jobs.yaml", "--dry-run"), 2),
    Case("eval", "budget_usd of 1e999999", ("eval", "specs/huge_budget.yaml", "--dry-run"), 2),
    Case("eval", "replicates of 5,000", ("eval", "specs/replicates.yaml", "--dry-run"), 2),
    Case("eval", "concurrency of 1,000", ("eval", "specs/concurrency.yaml", "--dry-run"), 2),
    Case("eval", "polling interval of 1e308", ("eval", "specs/slow_polling.yaml", "--dry-run"), 2),
    Case("eval", "polling timeout of 10^9 s", ("eval", "specs/long_timeout.yaml", "--dry-run"), 2),
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
    Case(
        "eval",
        "--max-cost of 1e999999",
        ("eval", "specs/ok.yaml", "--dry-run", "--max-cost", "1e999999"),
        2,
    ),  # fmt: skip
    Case("eval", "--run-id that is a path", ("eval", "specs/ok.yaml", "--run-id", "../x"), 2),
    Case(
        "eval",
        "--run-id of a folder that is not a run",
        ("eval", "specs/ok.yaml", "--run-id", "mine"),
        2,
    ),  # fmt: skip
    Case("eval", "--resume of a run that does not exist", ("eval", "--resume", "nope"), 2),
    Case("eval", "--resume of a damaged journal", ("eval", "--resume", "reports/damaged"), 2),
    Case(
        "eval",
        "a second eval on a run in use",
        ("eval", "--resume", "reports/busy"),
        2,
        mask=((r"pid \d+, since [0-9T:+-]+", "pid 12345, since 2024-01-01T00:00:00+00:00"),),
        hold_lock="reports/busy",
    ),  # fmt: skip
    Case("eval", "real provider without --yes", ("eval", "specs/ok.yaml", "--provider", "xai"), 3),
    # reports
    Case("report", "run that does not exist", ("report", "nope"), 2),
    Case("report", "results.json of a future schema", ("report", "reports/future"), 2),
    Case("report", "results.json that is not JSON", ("report", "reports/garbled"), 2),
    Case("report", "run folder without results.json", ("report", "reports/empty"), 2),
    Case("report", "results.json with a cost that is not a number", ("report", "reports/lots"), 2),
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
    from promptkit.runner.lock import RunLock

    out, err = io.StringIO(), io.StringIO()
    code = 0
    held = RunLock(root / case.hold_lock) if case.hold_lock else contextlib.nullcontext()
    with (
        held,
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
    from tests.badinputs.limits import render_limits

    answers = {(c.area, c.what): o.answer(c).replace("error: ", "", 1) for c, o in rows}
    out += render_limits(answers)
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
