"""The decision as ``promptkit eval`` prints it at the end of a run: one sentence, one table.

Plain text for a terminal or a CI log: the sentence wrapped to the width, then the compact arm
table with its columns padded (the same rows summary.md heads with).
"""

from __future__ import annotations

import textwrap

from promptkit.report.decision import Decision, table

WIDTH = 100


def decision_lines(decision: Decision, width: int = WIDTH) -> list[str]:
    """The sentence, a blank line and the arm table, as lines without newlines."""
    lines = textwrap.wrap(decision.sentence, width=width) or [decision.sentence]
    header, body = table(decision)
    rows = [header, *body]
    if body:
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines.append("")
        for row in rows:
            cells = [cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in
                     enumerate(zip(row, widths, strict=True))]  # fmt: skip
            lines.append("  ".join(cells).rstrip())
        lines.append(
            "Motionless = frozen, partial-freeze or low-motion; frozen = frozen or partial-freeze;"
            " rates over measured clips with Wilson 95% intervals."
        )
    return lines
