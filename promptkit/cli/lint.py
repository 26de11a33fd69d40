"""``promptkit lint``: lint prompt files, templates and eval specs (exit 0 clean, 1 findings).

File selection and configuration follow ruff (:mod:`promptkit.lint.discovery`): ``.`` when no
path is given, the closest config file per file, ``--config``, ``exclude`` / ``extend-exclude``
and ``--force-exclude``; the output options too (``--exit-zero``, ``-q``, ``--statistics``,
``--output-file``, ``PROMPTKIT_OUTPUT_FORMAT``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

import click

from promptkit.errors import InputError, UsageError
from promptkit.files import temp_beside

FORMATS = ("text", "json", "github", "sarif")
NO_FILES = "warning: No prompt files found under the given path(s)"


def _selectors(values: tuple[str, ...]) -> tuple[str, ...] | None:
    items = tuple(v.strip() for value in values for v in value.split(",") if v.strip())
    return items or None


def _anchored(patterns: tuple[str, ...]) -> tuple[str, ...] | None:
    """Command-line path patterns start from the cwd (config-file ones from their file's folder)."""
    items = _selectors(patterns)
    if items is None:
        return None
    cwd = Path.cwd().absolute().as_posix()
    return tuple(f"{cwd}/{p}" if "/" in p and not p.startswith(("/", "**/")) else p for p in items)


@click.command(name="lint")
@click.argument("paths", nargs=-1)
@click.option("--lines", is_flag=True, help="Treat every non-empty line as its own prompt.")
@click.option(
    "--format",
    "--output-format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    envvar="PROMPTKIT_OUTPUT_FORMAT",
    show_envvar=True,
    help="Output format.",
)
@click.option(
    "--select", multiple=True, metavar="RULES", help="Only these codes, prefixes or names."
)
@click.option(
    "--ignore", multiple=True, metavar="RULES", help="Skip these codes, prefixes or names."
)
@click.option(
    "--severity",
    type=click.Choice(["info", "warning", "error"]),
    default=None,
    help="Exit 1 when a finding is at or above this severity [default: warning].",
)
@click.option("--duration", type=click.IntRange(1, 15), help="Clip length of plain prompts (s).")
@click.option(
    "--reference-images", type=click.IntRange(0, 7), default=0, help="Reference images sent."
)
@click.option("--model", help="Model whose word budget applies.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Use this promptkit.toml or pyproject.toml for every file (no discovery).",
)
@click.option("--exclude", multiple=True, metavar="PATTERNS", help="Replace the exclude patterns.")
@click.option(
    "--extend-exclude", multiple=True, metavar="PATTERNS", help="Exclude these patterns too."
)
@click.option(
    "--force-exclude",
    is_flag=True,
    default=None,
    help="Apply exclusions to files named on the command line too (pre-commit).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings, but nothing else.")
@click.option(
    "--statistics", is_flag=True, help="Print how often each rule fired instead of findings."
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of stdout.",
)
def command(
    paths: tuple[str, ...],
    lines: bool,
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity: str | None,
    duration: int | None,
    reference_images: int,
    model: str | None,
    config_file: Path | None,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool | None,
    exit_zero: bool,
    quiet: bool,
    statistics: bool,
    output_file: Path | None,
) -> None:
    """Lint prompts (.txt/.prompt, '-' for stdin), templates (.j2) and eval specs (.yaml).

    PATHS default to the current folder; folders are searched for prompt files (see
    `include` in docs/lint.md). Exit codes: 0 clean, 1 findings, 2 usage or config error.
    """
    from promptkit.lint.config import LintConfig
    from promptkit.lint.diagnostic import SEVERITY_RANK, Diagnostic
    from promptkit.lint.discovery import ConfigResolver, select_files
    from promptkit.lint.formats import Tally, render_statistics, write
    from promptkit.lint.sources import lint_stream

    if statistics and fmt not in ("text", "json"):
        raise UsageError(f"--statistics prints text or json, not {fmt}")
    resolver = ConfigResolver(
        {
            "select": _selectors(select),
            "ignore": _selectors(ignore),
            "severity": severity,
            "model": model,
            "exclude": _anchored(exclude),
            "force_exclude": force_exclude,
        },
        extend_exclude=_anchored(extend_exclude) or (),
        config_file=config_file,
    )
    files = select_files(paths or (".",), resolver)
    if not files and not quiet:
        click.echo(NO_FILES, err=True)
    cwd = Path.cwd()

    def config_for(name: str) -> LintConfig:
        return resolver(cwd if name == "-" else Path(name).parent)

    failing = False

    def weighed(items: Iterable[Diagnostic | int]) -> Iterator[Diagnostic | int]:
        # Each finding is weighed by the severity threshold of its own file's settings.
        nonlocal failing
        for item in items:
            if isinstance(item, Diagnostic) and not failing:
                failing = item.rank >= SEVERITY_RANK[config_for(item.path).severity]
            yield item

    found = weighed(lint_stream(files, config_for, lines=lines, duration=duration,
                                reference_images=reference_images))  # fmt: skip
    # Findings go out as they are found (a file at a time), so memory stays flat however many
    # prompts are linted; --statistics keeps only counts.
    with _output(output_file) as out:
        if statistics:
            tally = Tally()
            for item in found:
                if isinstance(item, Diagnostic):
                    tally.add(item)
                else:
                    tally.prompts += item
            out.write(render_statistics(fmt, tally, footer=not quiet))
        else:
            write(out, fmt, found, footer=bool(files) and not quiet)
    if failing and not exit_zero:
        sys.exit(1)


@contextlib.contextmanager
def _output(output_file: Path | None) -> Iterator[TextIO]:
    """Stdout, or ``output_file`` written beside itself and renamed into place when the report
    is complete (a run stopped by an error leaves the file as it was)."""
    if output_file is None:
        yield sys.stdout
        return
    try:
        if output_file.parent != Path(""):
            os.makedirs(output_file.parent, exist_ok=True)
        fd, tmp = temp_beside(output_file, prefix=f".{output_file.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"{output_file}: cannot write the report ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, output_file)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{output_file}: cannot write the report ({exc.strerror})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
