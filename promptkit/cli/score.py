"""``promptkit score``: score clips for motion, freezes, flicker and cuts (no generation)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from promptkit.cli._options import format_option
from promptkit.errors import UsageError

if TYPE_CHECKING:
    from promptkit.metrics import Expected


def _fail_on(value: str) -> set[str]:
    from promptkit.metrics import FLAGS, VERDICTS

    names = {v.strip() for v in value.split(",") if v.strip()}
    unknown = sorted(names - set(VERDICTS) - set(FLAGS))
    if unknown:
        raise UsageError(
            f"--fail-on: unknown name {', '.join(unknown)} "
            f"(allowed: {', '.join(VERDICTS)}; flags: {', '.join(FLAGS)})"
        )
    return names


def _expected(
    duration: float | None, resolution: str | None, aspect: str | None
) -> Expected | None:
    from promptkit.metrics import Expected
    from promptkit.models import GenerationParams

    if duration is None and resolution is None and aspect is None:
        return None
    width = height = None
    if resolution is not None or aspect is not None:
        params = GenerationParams.build(resolution=resolution, aspect_ratio=aspect)
        width, height = params.size
    return Expected(duration=duration, width=width, height=height)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option("Output format.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Clips scored in parallel (default: one per CPU).",
)
@click.option(
    "--artifacts",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Write a contact sheet, thumbnail and motion series CSV per clip here.",
)
@click.option(
    "--fail-on",
    default="",
    metavar="NAMES",
    help="Exit 1 when a clip's verdict (or flag) is one of these, e.g. frozen,partial-freeze.",
)
@click.option("--duration", type=float, default=None, help="Requested duration, seconds.")
@click.option("--resolution", default=None, help="Requested resolution (480p, 720p).")
@click.option("--aspect-ratio", "aspect", default=None, help="Requested aspect ratio, e.g. 16:9.")
@click.pass_context
def command(
    ctx: click.Context,
    files: tuple[Path, ...],
    fmt: str,
    jobs: int | None,
    artifacts: Path | None,
    fail_on: str,
    duration: float | None,
    resolution: str | None,
    aspect: str | None,
) -> None:
    """Score FILES: verdict (frozen, partial-freeze, low-motion, ok), flags and metrics."""
    watched = _fail_on(fail_on)
    from promptkit.config import load_settings
    from promptkit.metrics import ScoreJob, Thresholds, score_many

    thresholds = Thresholds.from_settings(load_settings())
    expected = _expected(duration, resolution, aspect)
    stems = _unique_stems(files)
    items = [
        ScoreJob(
            path=p,
            expected=expected,
            thresholds=thresholds,
            artifacts_dir=artifacts,
            stem=stem,
        )
        for p, stem in zip(files, stems, strict=True)
    ]
    matched = False
    records = []
    for score in score_many(items, jobs=jobs):
        if score.verdict in watched or watched.intersection(score.flags):
            matched = True
        if fmt == "json":
            record = score.to_dict()
            if artifacts is None:
                record.pop("artifacts", None)
            records.append(record)
        else:
            flags = f" [{', '.join(score.flags)}]" if score.flags else ""
            click.echo(f"{score.path}: {score.verdict}{flags} — {score.reason}")
    if fmt == "json":
        click.echo(json.dumps({"clips": records}, indent=2))
    if matched:
        ctx.exit(1)


def _unique_stems(files: tuple[Path, ...]) -> list[str]:
    """Artifact names: the file stem, numbered when two inputs share one."""
    seen: dict[str, int] = {}
    out = []
    for path in files:
        n = seen.get(path.stem, 0)
        seen[path.stem] = n + 1
        out.append(path.stem if n == 0 else f"{path.stem}-{n + 1}")
    return out
