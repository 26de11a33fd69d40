"""The ``promptkit`` command line: one thin command per module, loaded only when invoked.

Commands are looked up lazily so ``promptkit lint`` never imports the simulator, OpenCV or
httpx; ``lint`` does not even load click (its options are parsed by argparse, see
:mod:`promptkit.cli.lint`), so a pre-commit hook starts fast. The click group lives in
:mod:`promptkit.cli.group`. Every :class:`~promptkit.errors.PromptkitError` becomes one
line on stderr and its ``exit_code``; ``--debug`` (or ``PROMPTKIT_DEBUG=1``) shows the
traceback instead. A command whose optional dependencies are not installed says which extra
to install, in one line (exit 2).
"""

from __future__ import annotations

import os
import sys

from promptkit.errors import PromptkitError

TYPE_CHECKING = False  # typing is for the type checker only: `lint` starts without it
if TYPE_CHECKING:
    from typing import Any

# command name -> "module:attribute"; each module holds exactly one click command.
COMMANDS: dict[str, str] = {
    "templates": "promptkit.cli.templates_cmd:command",
    "render": "promptkit.cli.render:command",
    "lint": "promptkit.cli.lint:command",
    "rule": "promptkit.cli.rule:command",
    "explain": "promptkit.cli.explain:command",
    "sim": "promptkit.cli.sim:command",
    "generate": "promptkit.cli.generate:command",
    "extend": "promptkit.cli.extend:command",
    "edit": "promptkit.cli.edit:command",
    "status": "promptkit.cli.status:command",
    "download": "promptkit.cli.download:command",
    "score": "promptkit.cli.score:command",
    "eval": "promptkit.cli.eval_cmd:command",
    "runs": "promptkit.cli.runs:command",
    "rescore": "promptkit.cli.rescore:command",
    "report": "promptkit.cli.report:command",
    "compare": "promptkit.cli.compare:command",
    "init": "promptkit.cli.init:command",
}

# command -> the extras it needs beyond the core install (lint, render, templates, rule, init).
EXTRAS: dict[str, str] = {
    "sim": "sim",
    "generate": "client,sim",
    "extend": "client,sim",
    "edit": "client,sim",
    "status": "client,sim",
    "download": "client,sim",
    "score": "score",
    "eval": "eval",
    "runs": "eval",
    "rescore": "eval",
    "report": "eval",
    "compare": "eval",
}

HELP: dict[str, str] = {
    "templates": "List the prompt templates.",
    "render": "Render a template into a prompt (and its parameters).",
    "lint": "Lint prompts, templates and eval specs.",
    "rule": "Show the documentation of a lint rule.",
    "explain": "Show how the linter reads a prompt and why rules fire.",
    "sim": "Run the local video API simulator.",
    "generate": "Generate one clip (simulator by default).",
    "extend": "Extend a clip.",
    "edit": "Edit a clip with a prompt.",
    "status": "Show a generation's status.",
    "download": "Download a finished generation.",
    "score": "Score clips for motion and freezes.",
    "eval": "Run an eval spec and write its report.",
    "runs": "List eval runs.",
    "rescore": "Re-score a run's clips with new thresholds.",
    "report": "Re-render a run's report.",
    "compare": "Compare two runs.",
    "init": "Scaffold a promptkit project in a folder.",
}


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the CLI and map errors to one line and an exit code.

    A command's non-zero ``ctx.exit(code)`` becomes the process exit code (also under
    ``python -m promptkit``); success returns normally.
    """
    args = argv if argv is not None else sys.argv[1:]
    debug = "--debug" in args or os.environ.get("PROMPTKIT_DEBUG") == "1"
    if args[:1] == ["lint"]:
        from promptkit.cli.lint import run

        try:
            run(args[1:])
        except PromptkitError as exc:
            if debug:
                raise
            print(f"error: {exc}", file=sys.stderr)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            print("Interrupted.", file=sys.stderr)
            sys.exit(130)
        return
    from promptkit.cli.group import run_group

    run_group(argv, debug)


def __getattr__(name: str) -> Any:
    """``cli`` and ``LazyGroup`` (the click group) load click on first use."""
    if name in ("cli", "LazyGroup"):
        from promptkit.cli import group

        return getattr(group, name)
    raise AttributeError(f"module 'promptkit.cli' has no attribute {name!r}")


def _missing_extra(module: str, argv: list[str] | None) -> str:
    """One line naming the missing library and the install command that brings it."""
    args = argv if argv is not None else sys.argv[1:]
    name = next((a for a in args if a in COMMANDS), None)
    extra = EXTRAS.get(name or "", "all")
    what = f"promptkit {name}" if name else "this command"
    # With --grpc-port the simulator also needs the gRPC front's libraries.
    if module.split(".")[0] in ("grpc", "google", "xai_sdk"):
        extra = "grpc"
    return (
        f"{what} needs the Python package {module.split('.')[0]!r}, which is not installed: "
        f"pip install 'promptkit[{extra}]'"
    )
