"""``promptkit lint``: lint prompt files, templates and eval specs (exit 0 clean, 1 findings).

File selection and configuration follow ruff (:mod:`promptkit.lint.discovery`): ``.`` when no
path is given, the closest config file per file, ``--config``, ``exclude`` / ``extend-exclude``
and ``--force-exclude``; the output options too (``--exit-zero``, ``-q``, ``--statistics``,
``--output-file``, ``PROMPTKIT_OUTPUT_FORMAT``).

The options are parsed with the standard library's argparse, not click: pre-commit starts
``promptkit lint`` for every batch of files, and importing click (with inspect, datetime and
uuid) would double its start-up. :func:`promptkit.cli.main` hands ``lint`` to :func:`run`
before click is loaded; the click group reaches the same parser through :data:`command`, a
pass-through command, so ``promptkit --help`` still lists it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from promptkit.errors import InputError, UsageError

TYPE_CHECKING = False  # typing is for the type checker only: `lint` starts without it
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any, NoReturn, TextIO

FORMATS = ("text", "json", "github", "sarif")
NO_FILES = "warning: No prompt files found under the given path(s)"
SEVERITIES = ("info", "warning", "error")
FORMAT_ENV = "PROMPTKIT_OUTPUT_FORMAT"


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


def lint(
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
        print(NO_FILES, file=sys.stderr)
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
            for _ in tally.counted(found):
                pass
            out.write(render_statistics(fmt, tally, footer=not quiet))
        else:
            write(out, fmt, found, footer=bool(files) and not quiet)
    if failing and not exit_zero:
        sys.exit(1)


class _output:  # noqa: N801 - used as a function: ``with _output(path) as out``
    """Stdout, or ``output_file`` written beside itself and renamed into place when the report
    is complete (a run stopped by an error leaves the file as it was). A class, not a
    contextlib generator: the lint path starts without importing contextlib."""

    def __init__(self, output_file: Path | None) -> None:
        self.path = output_file
        self.tmp = ""
        self.fh: TextIO = sys.stdout

    def __enter__(self) -> TextIO:
        path = self.path
        if path is None:
            return self.fh
        from promptkit.files import temp_beside  # tempfile loads shutil: only when asked

        try:
            if path.parent != Path(""):
                os.makedirs(path.parent, exist_ok=True)
            fd, self.tmp = temp_beside(path, prefix=f".{path.name}.", suffix=".tmp")
            self.fh = os.fdopen(fd, "w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot write the report ({exc.strerror})") from exc
        return self.fh

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        path = self.path
        if path is None:
            return
        try:
            self.fh.close()
            if kind is None:
                os.replace(self.tmp, path)
                return
        except OSError as error:
            Path(self.tmp).unlink(missing_ok=True)
            raise InputError(f"{path}: cannot write the report ({error.strerror})") from error
        Path(self.tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write the report ({exc.strerror})") from exc


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout at the terminal's width, read without importing shutil (which
    loads bz2 and lzma): argparse builds a formatter even when no help is printed."""

    def __init__(self, prog: str) -> None:
        try:
            width = os.get_terminal_size().columns
        except OSError:
            width = 80
        super().__init__(prog, width=max(width - 2, 40))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"promptkit lint: {message} (see promptkit lint --help)")


def _int_range(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in the range {low}-{high}")
        return value

    return parse


def parser() -> argparse.ArgumentParser:
    """The command line of ``promptkit lint`` (ruff's option names)."""
    p = _Parser(
        prog="promptkit lint",
        formatter_class=_Formatter,
        description=(
            "Lint prompts (.txt/.prompt, '-' for stdin), templates (.j2) and eval specs "
            "(.yaml). PATHS default to the current folder; folders are searched for prompt "
            "files (see `include` in docs/lint.md). Exit codes: 0 clean, 1 findings, 2 usage "
            "or config error."
        ),
    )
    add = p.add_argument
    add("paths", nargs="*", metavar="PATHS")
    add("--lines", action="store_true", help="Treat every non-empty line as its own prompt.")
    add(
        "--format",
        "--output-format",
        dest="fmt",
        choices=FORMATS,
        default=None,
        help=f"Output format [default: text; env var: {FORMAT_ENV}].",
    )
    add("--select", action="append", default=[], metavar="RULES", help="Only these rules.")
    add("--ignore", action="append", default=[], metavar="RULES", help="Skip these rules.")
    add(
        "--severity",
        choices=SEVERITIES,
        help="Exit 1 when a finding is at or above this severity [default: warning].",
    )
    add("--duration", type=_int_range(1, 15), help="Clip length of plain prompts (s).")
    add("--reference-images", type=_int_range(0, 7), default=0, help="Reference images sent.")
    add("--model", help="Model whose word budget applies.")
    add(
        "--config",
        dest="config_file",
        type=Path,
        help="Use this promptkit.toml or pyproject.toml for every file (no discovery).",
    )
    add("--exclude", action="append", default=[], metavar="PATTERNS", help="Replace exclude.")
    add("--extend-exclude", action="append", default=[], metavar="PATTERNS", help="Exclude too.")
    add(
        "--force-exclude",
        action="store_true",
        default=None,
        help="Apply exclusions to files named on the command line too (pre-commit).",
    )
    add("--exit-zero", action="store_true", help="Exit 0 even when findings are reported.")
    add("-q", "--quiet", action="store_true", help="Print findings, but nothing else.")
    add("--statistics", action="store_true", help="Print how often each rule fired instead.")
    add("-o", "--output-file", type=Path, help="Write the report to this file, not stdout.")
    return p


def run(argv: list[str]) -> None:
    """Parse ``argv`` (the arguments after ``lint``) and lint; exits 1 on findings."""
    args = parser().parse_intermixed_args(argv)
    fmt = args.fmt or os.environ.get(FORMAT_ENV) or "text"
    if fmt not in FORMATS:
        raise UsageError(f"{FORMAT_ENV}={fmt!r} is not one of {', '.join(FORMATS)}")
    if args.config_file is not None and args.config_file.is_dir():
        raise UsageError(f"--config {args.config_file}: is a folder, not a file")
    lint(
        tuple(args.paths),
        args.lines,
        fmt,
        tuple(args.select),
        tuple(args.ignore),
        args.severity,
        args.duration,
        args.reference_images,
        args.model,
        args.config_file,
        tuple(args.exclude),
        tuple(args.extend_exclude),
        args.force_exclude,
        args.exit_zero,
        args.quiet,
        args.statistics,
        args.output_file,
    )


def __getattr__(name: str) -> Any:
    """``command``: the click pass-through the command group lists (click loads only here)."""
    if name != "command":
        raise AttributeError(name)
    import click

    @click.command(
        name="lint",
        add_help_option=False,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    @click.argument("argv", nargs=-1, type=click.UNPROCESSED)
    def command(argv: tuple[str, ...]) -> None:
        """Lint prompts, templates and eval specs."""
        run(list(argv))

    globals()["command"] = command
    return command
