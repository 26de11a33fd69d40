"""Output formats: text (ruff-like), json, github workflow annotations, SARIF 2.1.0.

:func:`write` streams a report: each finding is written as it arrives and only counts are kept
(by severity, by code, files), so linting 100,000 prompts takes no more memory than linting
one, in every format. The json and SARIF documents come out exactly as one ``json.dumps(...,
indent=2)`` of the whole report would write them: each finding is dumped on its own and set at
the depth the whole document gives it. :func:`render` is the same report as one string.
"""

from __future__ import annotations

import io
from collections import Counter

from promptkit import __version__
from promptkit.lint.diagnostic import Diagnostic
from promptkit.lint.registry import RULES

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}

TYPE_CHECKING = False  # typing is for the type checker only: the lint path starts without it
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from typing import Any, TextIO


class Tally:
    """What a report counts as its findings go by: all a summary or ``--statistics`` needs.
    (A plain class, not a dataclass: the lint path starts without importing dataclasses.)"""

    __slots__ = ("by_code", "by_severity", "diagnostics", "files", "prompts")

    def __init__(self, prompts: int = 0) -> None:
        self.prompts = prompts
        self.diagnostics = 0
        self.by_severity: Counter[str] = Counter()
        self.by_code: Counter[str] = Counter()
        self.files: set[str] = set()

    def add(self, d: Diagnostic) -> None:
        self.diagnostics += 1
        self.by_severity[d.severity] += 1
        self.by_code[d.code] += 1
        self.files.add(d.path)

    def counted(self, items: Iterable[Diagnostic | int]) -> Iterator[Diagnostic]:
        """The findings of ``items`` (findings and prompt counts), each counted as it passes."""
        for item in items:
            if isinstance(item, Diagnostic):
                self.add(item)
                yield item
            else:
                self.prompts += item

    def summary(self) -> dict[str, Any]:
        return {
            "prompts": self.prompts,
            "files": len(self.files),
            "diagnostics": self.diagnostics,
            "by_severity": {s: self.by_severity.get(s, 0) for s in ("error", "warning", "info")},
            "by_code": dict(sorted(self.by_code.items())),
        }


def summary(diagnostics: Sequence[Diagnostic], prompts: int) -> dict[str, Any]:
    tally = Tally(prompts)
    for d in diagnostics:
        tally.add(d)
    return tally.summary()


def render(
    fmt: str, diagnostics: Sequence[Diagnostic], prompts: int, *, footer: bool = True
) -> str:
    """The whole report in ``fmt`` as one string (see :func:`write`)."""
    out = io.StringIO()
    write(out, fmt, [prompts, *diagnostics], footer=footer)
    return out.getvalue()


def write(
    out: TextIO, fmt: str, items: Iterable[Diagnostic | int], *, footer: bool = True
) -> Tally:
    """Write the report of ``items`` (findings in report order, and prompt counts) to ``out``
    as they come (ends with a newline when non-empty); ``footer=False`` leaves out the text
    format's closing line (``-q``, or nothing was linted). Returns what was counted."""
    tally = Tally()
    if fmt in ("json", "sarif"):
        _write_document(out, fmt, items, tally)
        return tally
    for item in tally.counted(items):
        if fmt == "github":
            out.write(github_line(item) + "\n")
        else:
            out.write(f"{item.path}:{item.line}:{item.column}: {item.code} {item.name} "
                      f"{item.message}\n  help: {item.help}\n")  # fmt: skip
    if fmt == "text" and footer:
        out.write(_summary_line(tally) + "\n")
    return tally


_SLOT = "\x00finding\x00"


def _write_document(out: TextIO, fmt: str, items: Iterable[Diagnostic | int], tally: Tally) -> None:
    """A json or SARIF report: the document around its list of findings, the findings one by
    one at the list's depth. The part after the list (the json summary) is made at the end."""
    import json  # only the json formats need these: text output starts faster without them
    import textwrap

    def document(entries: list[Any]) -> str:
        if fmt == "json":
            payload = {"diagnostics": entries, "summary": tally.summary()}
        else:
            payload = _sarif_document(entries)
        return json.dumps(payload, indent=2, ensure_ascii=False)

    def entry(d: Diagnostic) -> dict[str, Any]:
        return d.to_dict() if fmt == "json" else _sarif_result(d)

    started = False
    indent = ""
    for d in tally.counted(items):
        if not started:
            head = document([_SLOT]).split(json.dumps(_SLOT), 1)[0]
            indent = head[head.rindex("\n") + 1 :]
            out.write(head)
            started = True
        else:
            out.write(",\n" + indent)
        out.write(textwrap.indent(json.dumps(entry(d), indent=2, ensure_ascii=False), indent)
                  .removeprefix(indent))  # fmt: skip
    if not started:  # no finding: the document with its empty list, as json.dumps writes it
        out.write(document([]) + "\n")
        return
    out.write(document([_SLOT]).split(json.dumps(_SLOT), 1)[1] + "\n")


def _summary_line(tally: Tally) -> str:
    if tally.diagnostics:
        counts = tally.summary()["by_severity"]
        parts = [f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items() if n]
        noun = "problem" if tally.diagnostics == 1 else "problems"
        return (
            f"Found {tally.diagnostics} {noun} ({', '.join(parts)}) in {tally.prompts} prompt(s)."
        )
    return f"All checks passed ({tally.prompts} prompt(s))."


def render_statistics(fmt: str, tally: Tally, *, footer: bool = True) -> str:
    """How often each rule fired, most frequent first (``--statistics``, as ruff prints it):
    ``count<TAB>code<TAB>name`` lines and the summary line, or a JSON list."""
    rows = sorted(tally.by_code.items(), key=lambda item: (-item[1], item[0]))
    if fmt == "json":
        import json

        payload = [{"code": c, "name": RULES[c].name, "count": n} for c, n in rows]
        return json.dumps(payload, indent=2) + "\n"
    if not rows:
        return ""
    width = len(str(rows[0][1]))
    lines = [f"{n:>{width}}\t{c}\t{RULES[c].name}" for c, n in rows]
    if footer:
        lines.append(_summary_line(tally))
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
    """The SARIF 2.1.0 log of ``diagnostics``."""
    return _sarif_document([_sarif_result(d) for d in diagnostics])


def _sarif_rules() -> list[dict[str, Any]]:
    return [
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


def _sarif_result(d: Diagnostic) -> dict[str, Any]:
    return {
        "ruleId": d.code,
        "ruleIndex": list(RULES).index(d.code),
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


def _sarif_document(results: list[Any]) -> dict[str, Any]:
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
                        "rules": _sarif_rules(),
                    }
                },
                "results": results,
            }
        ],
    }
