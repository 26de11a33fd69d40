"""What a report counts as frozen, measured and moving, and how clips group into variants.

One definition, used by every writer and statistic: a clip is *measured* when the scorer gave it
a readable verdict (``frozen``, ``partial-freeze``, ``low-motion`` or ``ok``); it is *frozen* when
that verdict is ``frozen`` or ``partial-freeze`` (any stretch of stillness a viewer would see);
its *motion* is the scorer's headline ``metrics["motion"]`` (fraction of the short side per
second). Failed, moderated and unreadable clips are counted in the run totals but not in rates.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from promptkit.report.fmt import safe_relpath
from promptkit.runner.results import ClipRecord, RunResults

# Worst first: used to sort cards and pick the "worst variants" of the summary.
VERDICT_ORDER = ("frozen", "partial-freeze", "low-motion", "unreadable", "ok")


def is_measured(clip: ClipRecord) -> bool:
    return clip.measured


def is_frozen(clip: ClipRecord) -> bool:
    return clip.frozen


def motion_of(clip: ClipRecord) -> float | None:
    """The headline motion of a measured clip, or None when absent or not a finite number."""
    if not is_measured(clip) or not clip.metrics:
        return None
    value = clip.metrics.get("motion")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def verdict_rank(verdict: str | None) -> int:
    """Sort key: frozen first, unscored (None or unknown) last."""
    return VERDICT_ORDER.index(verdict) if verdict in VERDICT_ORDER else len(VERDICT_ORDER)


def verdict_counts(clips: list[ClipRecord]) -> list[tuple[str, int]]:
    """``(verdict, clips)`` worst first; verdicts a newer scorer added follow, by name."""
    counts = Counter(c.verdict for c in clips if c.verdict)
    order = [v for v in VERDICT_ORDER if v in counts] + sorted(set(counts) - set(VERDICT_ORDER))
    return [(v, counts[v]) for v in order]


@dataclass
class Variant:
    """The replicates of one variant, in replicate order."""

    variant_id: str
    clips: list[ClipRecord] = field(default_factory=list)

    @property
    def first(self) -> ClipRecord:
        return self.clips[0]

    @property
    def measured(self) -> list[ClipRecord]:
        return [c for c in self.clips if is_measured(c)]

    @property
    def frozen(self) -> int:
        return sum(is_frozen(c) for c in self.clips)

    @property
    def frozen_rate(self) -> float | None:
        n = len(self.measured)
        return self.frozen / n if n else None

    @property
    def motions(self) -> list[float]:
        return [m for c in self.clips if (m := motion_of(c)) is not None]

    @property
    def mean_motion(self) -> float | None:
        values = self.motions
        return sum(values) / len(values) if values else None

    @property
    def worst_verdict(self) -> str | None:
        verdicts = [c.verdict for c in self.clips if c.verdict]
        return min(verdicts, key=verdict_rank) if verdicts else None

    @property
    def cost_ticks(self) -> int:
        return sum(c.cost_ticks or 0 for c in self.clips)

    @property
    def thumbnail(self) -> str | None:
        """The first thumbnail (else contact sheet) of a replicate that is safe to link."""
        for clip in self.clips:
            path = safe_relpath(clip.artifacts.thumbnail or clip.artifacts.contact_sheet)
            if path:
                return path
        return None

    @property
    def tags(self) -> list[str]:
        seen: dict[str, None] = {}
        for clip in self.clips:
            seen.update(dict.fromkeys(clip.tags))
        return list(seen)


def group_variants(results: RunResults) -> list[Variant]:
    """Clips grouped by ``variant_id`` in first-seen order, replicates sorted."""
    groups: dict[str, Variant] = {}
    for clip in results.clips:
        groups.setdefault(clip.variant_id, Variant(clip.variant_id)).clips.append(clip)
    for variant in groups.values():
        variant.clips.sort(key=lambda c: c.replicate)
    return list(groups.values())


def worst_variants(variants: list[Variant], limit: int = 5) -> list[Variant]:
    """The variants a reader should look at first: most frozen, then least motion."""
    scored = [v for v in variants if v.worst_verdict is not None]

    def key(v: Variant) -> tuple[float, int, float]:
        rate = v.frozen_rate if v.frozen_rate is not None else 0.0
        motion = v.mean_motion if v.mean_motion is not None else math.inf
        return (-rate, verdict_rank(v.worst_verdict), motion)

    return sorted(scored, key=key)[:limit]
