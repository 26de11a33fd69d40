"""Template rendering speed: library render and variant expansion against a bare Jinja render.

Run: ``python benchmarks/bench_templates.py``. The baseline is the same compiled template
rendered by Jinja alone, measured in the same run, so the ratios show what promptkit adds
(front-matter checks, defaults, choices, normalisation, parameter validation).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from promptkit.templates import TemplateLibrary, expand
from promptkit.templates import environment as env_module
from promptkit.templates.library import resolve_variables


def per_second(fn: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls per second of ``fn`` over about ``seconds`` of wall time."""
    fn()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        count += 1
    return count / elapsed


def main() -> None:
    lib = TemplateLibrary()
    info = lib.get("cinematic")
    compiled = lib._compile(info)
    values = resolve_variables(info, {})

    start = time.perf_counter()
    TemplateLibrary().render("cinematic")
    cold_ms = (time.perf_counter() - start) * 1000

    bare = per_second(lambda: compiled.render(**values))
    mapped = per_second(lambda: env_module.render(compiled, info.path, values))
    full = per_second(lambda: lib.render(info))
    by_name = per_second(lambda: lib.render("cinematic"))

    moves = list(info.variables["camera_move"].choices or ())
    lights = list(info.variables["lighting"].choices or ())
    grid = {"camera_move": moves, "lighting": lights}
    start = time.perf_counter()
    variants = expand(info, grid, library=lib)
    expand_rate = len(variants) / (time.perf_counter() - start)

    print(f"cold start (new library, first render): {cold_ms:.1f} ms")
    print(f"{'measure':40} {'per second':>12} {'vs bare Jinja':>14}")
    rows = [
        ("bare Jinja render (baseline)", bare),
        ("render with error mapping", mapped),
        ("library.render(TemplateInfo)", full),
        ("library.render('cinematic')", by_name),
        (f"expand, {len(variants)} variants", expand_rate),
    ]
    for label, rate in rows:
        print(f"{label:40} {rate:12.0f} {rate / bare:14.2f}")


if __name__ == "__main__":
    main()
