"""Accuracy on real prompts written by others (../shared/corpora/prompts; see its SOURCES.md).

* motionless (VBench scene/object_class/color lists + the still-frame prompts of
  temporal_flickering) vs moving (VBench human_action, temporal_style, FETV prompts labelled
  with actions or kinetic motions): missing-motion OR static-request;
* vague (VBench object_class/scene, 1-7 words) vs specific (GPT-enhanced longer VBench prompts
  and the Sora showcase): vague-subject OR too-short.

Targets (the same as on the labelled development set, tests/lint/test_labelled.py):
motionless precision and recall >= 0.92, vague precision >= 0.95 and recall >= 0.90. Where a
target is not met yet the test holds the measured level as a floor (named ``*_FLOOR``), so a
change can only make it better; docs/lint.md gives the figures.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from promptkit.lint import LintConfig, lint_prompt

pytestmark = pytest.mark.corpus
STILL_MARKERS = re.compile(r"still frame|frozen in time|tranquil tableau|static", re.I)
CONFIG = LintConfig(select=("PK001", "PK002", "PK003", "PK004"))
MOTIONLESS_PRECISION_FLOOR = 0.89  # target 0.92: not met yet (postures and perception labelled
# as actions in FETV, see docs/lint.md)
MOTIONLESS_RECALL = 0.92


def lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def codes(text: str) -> set[str]:
    return {d.code for d in lint_prompt(text, config=CONFIG)}


def precision_recall(positives: list[str], negatives: list[str], rule: set[str]) -> tuple:
    tp = sum(bool(codes(p) & rule) for p in positives)
    fp = sum(bool(codes(n) & rule) for n in negatives)
    return tp / (tp + fp), tp / len(positives)


@pytest.fixture(scope="module")
def prompts(corpora: Path) -> Path:
    return corpora / "prompts"


def test_motionless_vs_moving_precision_and_recall(prompts: Path) -> None:
    dims = prompts / "vbench" / "prompts_per_dimension"
    motionless = [
        *lines(dims / "scene.txt"),
        *lines(dims / "object_class.txt"),
        *lines(dims / "color.txt"),
        *[p for p in lines(dims / "temporal_flickering.txt") if STILL_MARKERS.search(p)],
    ]
    fetv = [json.loads(line) for line in lines(prompts / "fetv" / "fetv_data.json")]
    moving = [
        *lines(dims / "human_action.txt"),
        *lines(dims / "temporal_style.txt"),
        *[
            row["prompt"]
            for row in fetv
            if {"actions", "kinetic motions"} & set(row["major content"]["temporal"] or ())
        ],
    ]
    assert len(motionless) > 300 and len(moving) > 700
    precision, recall = precision_recall(motionless, moving, {"PK001", "PK002"})
    print(
        f"motion: n={len(motionless)}/{len(moving)} precision={precision:.3f} recall={recall:.3f}"
    )
    assert precision >= MOTIONLESS_PRECISION_FLOOR
    assert recall >= MOTIONLESS_RECALL


def test_vbench2_camera_motion_prompts_move_unless_labelled_static(prompts: Path) -> None:
    meta = json.loads((prompts / "vbench" / "vbench2" / "Camera_Motion_meta.json").read_text())
    moving = [m["prompt_en"] for m in meta if m["auxiliary_info"] != "static"]
    static = [m["prompt_en"] for m in meta if m["auxiliary_info"] == "static"]
    flagged = sum(bool(codes(p) & {"PK001", "PK002"}) for p in moving)
    assert flagged / len(moving) <= 0.05
    assert all("PK002" in codes(p) for p in static)


def test_vague_vs_specific_precision_and_recall(prompts: Path) -> None:
    dims = prompts / "vbench" / "prompts_per_dimension"
    vague = [*lines(dims / "object_class.txt"), *lines(dims / "scene.txt")]
    longer = sorted((prompts / "vbench" / "gpt_enhanced_per_dimension_longer").glob("*.txt"))
    specific = [p for path in longer for p in lines(path)]
    specific += lines(prompts / "sora_openai_showcase" / "t2v_sora.txt")
    assert all(len(p.split()) <= 7 for p in vague) and len(specific) > 900
    precision, recall = precision_recall(vague, specific, {"PK003", "PK004"})
    print(f"vague: n={len(vague)}/{len(specific)} precision={precision:.3f} recall={recall:.3f}")
    assert precision >= 0.95
    assert recall >= 0.90


def test_gpt_enhanced_rewrites_are_never_motionless_more_often_than_their_originals(
    prompts: Path,
) -> None:
    dims = prompts / "vbench" / "prompts_per_dimension"
    short = lines(dims / "subject_consistency.txt")
    rich = lines(
        prompts / "vbench" / "gpt_enhanced_per_dimension_longer" / "subject_consistency_longer.txt"
    )
    missing = lambda items: sum("PK001" in codes(p) for p in items)  # noqa: E731
    assert missing(rich) <= missing(short)
