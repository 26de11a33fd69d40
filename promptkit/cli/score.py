"""``promptkit score``: score clips for motion, freezes, flicker and cuts (no generation).

With ``--prompt TEXT`` (what the clip was asked to show) and/or ``--expect-camera MOVE`` each
clip also gets its prompt adherence, exactly as an eval records it: the camera move asked for
against the one measured, and motion (or stillness) asked for against the verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from promptkit.cli._options import format_option
from promptkit.errors import UsageError

if TYPE_CHECKING:
    from promptkit.metrics import Expected
    from promptkit.runner.adherence import Intent


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


def _intent(prompt: str | None, expect_camera: str | None) -> Intent | None:
    """What the clips were asked to show; ``--expect-camera`` overrides the prompt's camera."""
    from dataclasses import replace

    from promptkit.runner.adherence import KNOWN_FAMILIES, Intent, parse_move, prompt_intent

    if prompt is None and expect_camera is None:
        return None
    if prompt is not None and not prompt.strip():
        raise UsageError("--prompt: give the prompt text the clips were made from")
    intent = prompt_intent(prompt) if prompt is not None else Intent()
    if expect_camera is not None:
        move = parse_move(expect_camera)
        if move is None:
            raise UsageError(
                f"--expect-camera {expect_camera!r}: unknown camera move "
                f"(e.g. pan_left, tilt_up, zoom_in, dolly_out, static; families: "
                f"{', '.join(KNOWN_FAMILIES)})"
            )
        intent = replace(intent, camera=move, camera_phrase=expect_camera)
    return intent


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
@click.option("--prompt", default=None, help="The prompt the clips were made from (adherence).")
@click.option(
    "--expect-camera",
    default=None,
    metavar="MOVE",
    help="The camera move asked for, e.g. pan_left, tilt_up, zoom_in, static (adherence).",
)
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
    prompt: str | None,
    expect_camera: str | None,
) -> None:
    """Score FILES: verdict (frozen, partial-freeze, low-motion, ok), flags and metrics."""
    watched = _fail_on(fail_on)
    intent = _intent(prompt, expect_camera)
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
        adherence = None
        if intent is not None:
            from promptkit.runner.adherence import assess

            adherence = assess(intent, score.verdict, score.camera.motion)
        if fmt == "json":
            record = score.to_dict()
            if artifacts is None:
                record.pop("artifacts", None)
            if adherence is not None:
                record["adherence"] = adherence.model_dump(mode="json")
            records.append(record)
        else:
            flags = f" [{', '.join(score.flags)}]" if score.flags else ""
            click.echo(f"{score.path}: {score.verdict}{flags} — {score.reason}")
            if adherence is not None:
                from promptkit.runner.adherence import describe, verdict_words

                click.echo(f"  adherence: {verdict_words(adherence)} ({describe(adherence)})")
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
