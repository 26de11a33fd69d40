"""The ``promptkit`` command line: one thin command per module, loaded only when invoked.

Commands are looked up lazily so ``promptkit lint`` never imports the simulator, OpenCV or
httpx. Every :class:`~promptkit.errors.PromptkitError` becomes one line on stderr and its
``exit_code``; ``--debug`` (or ``PROMPTKIT_DEBUG=1``) shows the traceback instead. A command
whose optional dependencies are not installed says which extra to install, in one line (exit 2).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from promptkit import __version__
from promptkit.errors import PromptkitError

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


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n in COMMANDS if _available(n))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        command: click.Command = getattr(module, attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help must not import every command: use the static one-liners.
        rows = [(n, HELP.get(n, "")) for n in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(name: str) -> bool:
    module_name = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="promptkit")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """promptkit: write, lint, simulate and evaluate text-to-video prompts."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug or os.environ.get("PROMPTKIT_DEBUG") == "1"


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the CLI and map errors to one line and an exit code.

    A command's non-zero ``ctx.exit(code)`` becomes the process exit code (also under
    ``python -m promptkit``); success returns normally.
    """
    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or (
        os.environ.get("PROMPTKIT_DEBUG") == "1"
    )
    try:
        result = cli.main(args=argv, prog_name="promptkit", standalone_mode=False)
    except PromptkitError as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ModuleNotFoundError as exc:
        if debug or not exc.name:
            raise
        click.echo(f"error: {_missing_extra(exc.name, argv)}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    if isinstance(result, int) and result != 0:
        sys.exit(result)


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
