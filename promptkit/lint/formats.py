"""Output formats: text (ruff-like), json, github workflow annotations, SARIF 2.1.0."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from promptkit import __version__
from promptkit.lint.diagnostic import Diagnostic
from promptkit.lint.registry import RULES

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def summary(diagnostics: Sequence[Diagnostic], prompts: int) -> dict[str, Any]:
    by_severity = Counter(d.severity for d in diagnostics)
    return {
        "prompts": prompts,
        "files": len({d.path for d in diagnostics}),
        "diagnostics": len(diagnostics),
        "by_severity": {s: by_severity.get(s, 0) for s in ("error", "warning", "info")},
        "by_code": dict(sorted(Counter(d.code for d in diagnostics).items())),
    }


def render(
    fmt: str, diagnostics: Sequence[Diagnostic], prompts: int, *, footer: bool = True
) -> str:
    """The whole report in ``fmt`` (ends with a newline when non-empty); ``footer=False``
    leaves out the text format's closing line (``-q``, or nothing was linted)."""
    if fmt == "json":
        payload = {
            "diagnostics": [d.to_dict() for d in diagnostics],
            "summary": summary(diagnostics, prompts),
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return "".join(github_line(d) + "\n" for d in diagnostics)
    if fmt == "sarif":
        return json.dumps(sarif(diagnostics), indent=2, ensure_ascii=False) + "\n"
    return text(diagnostics, prompts, footer=footer)


def text(diagnostics: Sequence[Diagnostic], prompts: int, *, footer: bool = True) -> str:
    lines = []
    for d in diagnostics:
        lines.append(f"{d.path}:{d.line}:{d.column}: {d.code} {d.name} {d.message}")
        lines.append(f"  help: {d.help}")
    if footer:
        lines.append(_summary_line(diagnostics, prompts))
    return "".join(line + "\n" for line in lines)


def _summary_line(diagnostics: Sequence[Diagnostic], prompts: int) -> str:
    if diagnostics:
        counts = summary(diagnostics, prompts)["by_severity"]
        parts = [f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items() if n]
        noun = "problem" if len(diagnostics) == 1 else "problems"
        return f"Found {len(diagnostics)} {noun} ({', '.join(parts)}) in {prompts} prompt(s)."
    return f"All checks passed ({prompts} prompt(s))."


def render_statistics(
    fmt: str, diagnostics: Sequence[Diagnostic], prompts: int, *, footer: bool = True
) -> str:
    """How often each rule fired, most frequent first (``--statistics``, as ruff prints it):
    ``count<TAB>code<TAB>name`` lines and the summary line, or a JSON list."""
    counts = Counter(d.code for d in diagnostics)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if fmt == "json":
        payload = [{"code": c, "name": RULES[c].name, "count": n} for c, n in rows]
        return json.dumps(payload, indent=2) + "\n"
    if not rows:
        return ""
    width = len(str(rows[0][1]))
    lines = [f"{n:>{width}}\t{c}\t{RULES[c].name}" for c, n in rows]
    if footer:
        lines.append(_summary_line(diagnostics, prompts))
    return "".join(line + "\n" for line in lines)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_line(d: Diagnostic) -> str:
    level = GITHUB_LEVEL[d.severity]
    props = (
        f"file={_escape_property(d.path)},line={d.line},col={d.column},"
        f"title={_escape_property(f'{d.code} {d.name}')}"
    )
    return f"::{level} {props}::{_escape_data(f'{d.code} {d.message}')}"


def sarif(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary()},
            "fullDescription": {"text": rule.section("What it does") or rule.summary()},
            "help": {"text": rule.doc(), "markdown": rule.doc()},
            "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        }
        for rule in RULES.values()
    ]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": SARIF_LEVEL[d.severity],
            "message": {"text": f"{d.message} (help: {d.help})"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.path.replace("\\", "/")},
                        "region": {"startLine": d.line, "startColumn": d.column},
                    }
                }
            ],
        }
        for d in diagnostics
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "promptkit",
                        "version": __version__,
                        "informationUri": "https://github.com/promptkit/promptkit",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
