"""``promptkit explain``'s content: the linter's reading of one prompt, as data and as text.

:func:`explain` turns an :class:`~promptkit.lint.analysis.Analysis` into a JSON-ready dict
(words with tags and lemmas, subject and details, actions with their class and whether they
count, camera moves and framing, lighting, style, negations, time cues, stillness) and the
diagnostics the rules draw from it; :func:`render_text` prints the same for a person.
"""

from __future__ import annotations

from typing import Any

from promptkit.lint.analysis import Analysis
from promptkit.lint.config import LintConfig
from promptkit.lint.engine import lint_prompt


def explain(text: str, config: LintConfig | None = None) -> dict[str, Any]:
    """The reading of ``text`` and the findings it leads to."""
    config = config or LintConfig()
    a = Analysis(text, config.vocabulary())
    r = a.reading

    def span(start: int, end: int) -> str:
        return a.span_text(start, end)

    subject = r.subject
    still = r.stillness
    return {
        "prompt": text,
        "words": [
            {"word": w, "tag": t, "lemma": lemma, "class": c}
            for w, t, lemma, c in zip(a.raw, a.tags, a.lemmas, a.classes, strict=True)
        ],
        "subject": a.raw[subject] if subject is not None else None,
        "details": [{"words": span(s, e), "why": why} for s, e, why in r.details],
        "actions": [
            {
                "words": span(c.start, c.end),
                "kind": c.kind,
                "lemma": c.lemma,
                "class": c.klass,
                "moves": c.counted,
                "why": c.why,
            }
            for c in r.cues
        ],
        "moves": bool(r.motion),
        "camera": {
            "moves": [a.phrase(m) for m in r.camera_moves],
            "framing": [a.phrase(m) for m in a.spans("camera_term")],
        },
        "lighting": [span(s, e) for s, e in r.lighting],
        "style": [span(s, e) for s, e in r.style],
        "negations": [
            {"words": span(n.start, n.end), "instruction": n.instruction, "why": n.why}
            for n in r.negations
        ],
        "time_cues": [a.phrase(m) for m in a.spans("time")],
        "stillness": a.phrase(still) if still is not None else None,
        "diagnostics": [d.to_dict() for d in lint_prompt(text, config=config, path="<prompt>")],
    }


def render_text(data: dict[str, Any]) -> str:
    """The reading laid out for a terminal."""
    lines = [f"prompt: {data['prompt']}"]
    lines.append("words: " + " ".join(f"{w['word']}/{w['tag']}" for w in data["words"]))
    details = ", ".join(f"{d['words']} ({d['why']})" for d in data["details"]) or "none"
    lines.append(f"subject: {data['subject'] or '-'}; details: {details}")
    lines.append("actions:" if data["actions"] else "actions: none")
    for act in data["actions"]:
        mark = "moves" if act["moves"] else "still"
        lines.append(f"  [{mark}] {act['words']} ({act['kind']}, {act['class']}): {act['why']}")
    camera = data["camera"]
    lines.append(
        f"camera: moves {', '.join(camera['moves']) or 'none'}; "
        f"framing {', '.join(camera['framing']) or 'none'}"
    )
    lines.append(f"lighting: {', '.join(data['lighting']) or 'none'}")
    lines.append(f"style: {', '.join(data['style']) or 'none'}")
    lines.append(f"time cues: {', '.join(data['time_cues']) or 'none'}")
    lines.append(f"stillness request: {data['stillness'] or 'none'}")
    for n in data["negations"]:
        kind = "instruction" if n["instruction"] else "description"
        lines.append(f"negation: {n['words']} ({kind}: {n['why']})")
    lines.append("findings:" if data["diagnostics"] else "findings: none")
    for d in data["diagnostics"]:
        lines.append(f"  {d['code']} {d['name']} ({d['severity']}): {d['message']}")
        lines.append(f"    help: {d['help']}")
    return "\n".join(lines) + "\n"
