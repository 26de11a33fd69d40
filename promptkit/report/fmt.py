"""Number and text formatting shared by the HTML, Markdown and CSV writers.

One place decides how a rate, an interval, a p-value or a cost is written, so the three outputs
of a run never disagree. Also owns the two text helpers that touch untrusted strings from
``results.json``: :func:`safe_relpath` (only relative paths become links) and
:func:`prompt_segments` (where lint findings are marked in a prompt).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from promptkit.models import ticks_to_usd
from promptkit.report.stats import G_READABLE, Estimate
from promptkit.runner.results import LintFinding, format_usd

DASH = "–"
NA = "—"


def pct(x: float | None, digits: int = 0) -> str:
    return NA if x is None else f"{100 * x:.{digits}f}%"


def num(x: float | None, sig: int = 3) -> str:
    if x is None or not math.isfinite(x):
        return NA
    return f"{x:.{sig}g}"


def signed_pct(x: float) -> str:
    return f"{100 * x:+.0f} pts"


def rate_ci(est: Estimate | None) -> str:
    """``25% (12–40%)``; an em dash when there is nothing to estimate."""
    if est is None:
        return NA
    if est.low is None or est.high is None:
        return pct(est.value)
    return f"{pct(est.value)} ({pct(est.low)}{DASH}{pct(est.high)})"


def diff_ci(est: Estimate | None) -> str:
    """A rate difference in percentage points: ``+20 pts (−5 to +41)``."""
    if est is None:
        return NA
    head = signed_pct(est.value)
    if est.low is None or est.high is None:
        return head
    return f"{head} ({100 * est.low:+.0f} to {100 * est.high:+.0f})"


def mean_ci(est: Estimate | None, signed: bool = False) -> str:
    if est is None:
        return NA
    head = f"{est.value:+.3g}" if signed else num(est.value)
    if est.low is None or est.high is None:
        return head
    return f"{head} ({num(est.low)} to {num(est.high)})"


def effect_g(g: float | None) -> str:
    """Hedges' g to two decimals, or ``> 3`` / ``< −3`` beyond the readable range."""
    if g is None or not math.isfinite(g):
        return NA
    if abs(g) >= G_READABLE:
        return f"> {G_READABLE:g}" if g > 0 else f"< −{G_READABLE:g}"
    return f"{g:.2f}"


def delta(d: float | None) -> str:
    return NA if d is None else f"{d:+.2f}"


def pvalue(p: float | None) -> str:
    if p is None:
        return NA
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _dollars(value: Decimal) -> str:
    # Exact: never round; only pad to cents so "$0.4" reads "$0.40".
    return f"${format_usd(value)}"


def usd(ticks: int | None) -> str:
    """Exact dollars from ticks, padded to cents: ``$0.40``, ``$0.0125``."""
    return NA if ticks is None else _dollars(ticks_to_usd(ticks))


def usd_text(value: str | Decimal | None) -> str:
    """An exact decimal dollar amount from results.json, padded to cents."""
    return NA if value is None else _dollars(Decimal(str(value)))


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Browsers drop tabs and newlines inside URLs and strip control characters and spaces at the
# ends, so "java\tscript:" or " /etc" would turn into a scheme or an absolute path.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# URL parsers also read %2e as a dot, so ".%2e" climbs out of the folder like "..".
_DOT_DOT = {"..", ".%2e", "%2e.", "%2e%2e"}


def safe_relpath(path: str | None) -> str | None:
    """A path from results.json that stays inside the run folder, or None (then no link).

    Relative, with no ``..`` segment, no scheme, no backslash and no control character: a
    results.json from elsewhere cannot make a report link, embed or read files outside its run.
    """
    if not path or path != path.strip() or _CONTROL.search(path):
        return None
    if _SCHEME.match(path) or path.startswith("/") or "\\" in path:
        return None
    # A query or fragment ends the URL path: "a/..?x" still climbs out as "a/..".
    if any(part.lower() in _DOT_DOT for part in re.split(r"[/?#]", path)):
        return None
    return path


@dataclass
class Segment:
    """A stretch of prompt text, marked when lint findings point into it."""

    text: str
    findings: list[LintFinding] = field(default_factory=list)


def _offset(text: str, line: int, column: int) -> int | None:
    lines = text.split("\n")
    if not 1 <= line <= len(lines) or column < 1:
        return None
    start = sum(len(x) + 1 for x in lines[: line - 1])
    return min(start + column - 1, len(text))


def prompt_segments(text: str, findings: list[LintFinding]) -> list[Segment]:
    """Split a prompt into plain and marked segments: each located finding marks one word."""
    spans: list[tuple[int, int, LintFinding]] = []
    for f in findings:
        if f.line is None or f.column is None:
            continue
        start = _offset(text, f.line, f.column)
        if start is None or start >= len(text):
            continue
        end = start + 1
        while end < len(text) and not text[end].isspace():
            end += 1
        spans.append((start, end, f))
    spans.sort(key=lambda s: (s[0], s[1]))
    segments: list[Segment] = []
    pos = 0
    for start, end, finding in spans:
        if start < pos:
            # Overlapping marks merge into the segment already open.
            if segments and segments[-1].findings:
                segments[-1].findings.append(finding)
            continue
        if start > pos:
            segments.append(Segment(text[pos:start]))
        segments.append(Segment(text[start:end], [finding]))
        pos = end
    if pos < len(text) or not segments:
        segments.append(Segment(text[pos:]))
    return segments
