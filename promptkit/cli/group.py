"""The ``promptkit`` click group: commands imported on first use, errors mapped to one line.

:func:`promptkit.cli.main` runs every command but ``lint`` through :func:`run_group`.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from promptkit import __version__
from promptkit.cli import COMMANDS, HELP, _missing_extra
from promptkit.errors import PromptkitError


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


def run_group(argv: list[str] | None, debug: bool) -> None:
    """Run the click group on ``argv`` (``sys.argv[1:]`` when None) and map its errors."""
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
