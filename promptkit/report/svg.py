"""The motion curve: a small inline SVG of a clip's per-frame motion with freezes shaded.

The series comes from the scorer's per-frame CSV (header row: ``frame, time_s`` then one column
per series; a CSV whose first column is the time works too). The plotted column is the first of
``PREFERRED_COLUMNS`` present: ``motion`` is the headline motion per flow pair (short sides per
second, the unit of the report's headline number); scores made before that column existed fall
back to ``flow_mean`` (the same flow in analysis pixels per pair), else to the first column whose
name mentions motion, flow or difference. Empty cells are skipped and the line joins the samples
around them: flow is measured every few frames only.

Every curve of a report is drawn against one vertical scale (``peak``, the largest value of that
column across the run), so a frozen clip's noise stays a flat line beside a moving clip instead
of being stretched to the same height. A dashed line marks the clip's headline motion.
Everything written into the SVG is a formatted number or escaped text, so the markup is safe to
inline in the report.
"""

from __future__ import annotations

import csv
import html
import math
from dataclasses import dataclass
from pathlib import Path

from promptkit.runner.results import Freeze

PREFERRED_COLUMNS = ("motion", "flow_mean", "diff8", "diff1", "diff")
# The unit of each plotted column, as the axis label says it.
UNITS = {"motion": "short sides/s", "flow_mean": "analysis px per pair"}
TIME_COLUMNS = ("time_s", "time", "t", "seconds")
INDEX_COLUMNS = ("frame", "index")
WIDTH, HEIGHT, PAD = 320, 90, 4
TOP = 14  # room for the label above the plot


@dataclass
class Series:
    """Times and values of one per-frame column."""

    column: str
    times: list[float]
    values: list[float | None]


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def time_column(header: list[str]) -> int:
    """Index of the time column: a column named like time, else the first."""
    names = [h.strip().lower() for h in header]
    return next((names.index(n) for n in TIME_COLUMNS if n in names), 0)


def pick_column(header: list[str]) -> int | None:
    """Index of the column to plot, or None when the header has no data column."""
    names = [h.strip().lower() for h in header]
    skip = {time_column(header)} | {i for i, n in enumerate(names) if n in INDEX_COLUMNS}
    candidates = [i for i in range(len(names)) if i not in skip]
    for wanted in PREFERRED_COLUMNS:
        for i in candidates:
            if names[i] == wanted:
                return i
    for i in candidates:
        if any(word in names[i] for word in ("motion", "flow", "diff")):
            return i
    return None


def read_series(path: Path) -> Series | None:
    """The plotted series of a per-frame CSV; None when the file is missing or has no data."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if len(rows) < 2:
        return None
    col = pick_column(rows[0])
    if col is None:
        return None
    tcol = time_column(rows[0])
    times: list[float] = []
    values: list[float | None] = []
    for row in rows[1:]:
        if len(row) <= max(col, tcol) or (t := _number(row[tcol])) is None:
            continue
        times.append(t)
        values.append(_number(row[col]))
    if not times or all(v is None for v in values):
        return None
    return Series(rows[0][col].strip(), times, values)


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def series_peak(series: Series) -> float:
    """The largest value of a series (0 when it has none)."""
    return max((v for v in series.values if v is not None), default=0.0)


def motion_curve_svg(
    series: Series,
    freezes: list[Freeze],
    duration: float | None = None,
    label: str = "",
    peak: float | None = None,
    headline: float | None = None,
) -> str:
    """Inline SVG markup: the curve, shaded freeze intervals, and a text alternative.

    ``peak`` is the top of the vertical scale (the run's largest value, so every curve shares
    it; the series' own peak when None); ``headline`` draws the clip's headline motion.
    """
    t_end = max([duration or 0.0, series.times[-1], *(f.end_s for f in freezes)]) or 1.0
    own = series_peak(series)
    peak = max(peak or 0.0, own) or 1.0
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - TOP - PAD

    def x(t: float) -> float:
        return PAD + inner_w * min(max(t / t_end, 0.0), 1.0)

    def y(v: float) -> float:
        return TOP + inner_h * (1 - min(max(v / peak, 0.0), 1.0))

    shades = "".join(
        f'<rect class="freeze" x="{_fmt(x(f.start_s))}" y="{TOP}" '
        f'width="{_fmt(max(x(f.end_s) - x(f.start_s), 1.0))}" height="{inner_h}">'
        f"<title>frozen {f.start_s:.2f}–{f.end_s:.2f} s</title></rect>"
        for f in freezes
    )
    points = [
        f"{_fmt(x(t))},{_fmt(y(v))}"
        for t, v in zip(series.times, series.values, strict=True)
        if v is not None
    ]
    lines = f'<polyline class="curve" points="{" ".join(points)}"/>'
    if headline is not None and series.column == "motion":
        lines += (
            f'<line class="headline" x1="{PAD}" x2="{WIDTH - PAD}" y1="{_fmt(y(headline))}" '
            f'y2="{_fmt(y(headline))}"><title>headline motion {headline:.3g}</title></line>'
        )
    unit = UNITS.get(series.column.lower(), "")
    axis = f"{series.column}{f' ({unit})' if unit else ''}, scale 0–{peak:.3g}"
    desc = (
        f"{label} {series.column} over {t_end:.1f} s, peak {own:.3g} on a scale of 0–{peak:.3g}"
        f"{f' {unit}' if unit else ''}; "
        f"{len(freezes)} frozen stretch{'es' if len(freezes) != 1 else ''} shaded"
    ).strip()
    return (
        f'<svg class="curve" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{html.escape(desc)}">'
        f"<title>{html.escape(desc)}</title>"
        f'<rect class="frame" x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}"/>'
        f"{shades}{lines}"
        f'<text class="axis" x="{PAD + 2}" y="{TOP - 3}">{html.escape(axis)}</text>'
        f'<text class="axis" x="{WIDTH - PAD - 2}" y="{TOP - 3}" '
        f'text-anchor="end">{t_end:.1f} s</text></svg>'
    )
