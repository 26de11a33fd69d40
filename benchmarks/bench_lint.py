"""Lint speed: cold start of ``promptkit lint one.txt`` and warm throughput of ``lint_prompt``.

Run: ``python benchmarks/bench_lint.py``. Targets (issue 3): cold start <= 150 ms median on
this machine (printed next to ``python -c pass`` measured in the same run) and >= 10,000
prompts/s warm (printed next to a tokenise-only baseline over the same prompts).
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "prompts"
COLD_RUNS = 21
WARM_PROMPTS = 10_000


def _median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.txt"
        one.write_text("A red fox trots through fresh snow at dawn, low tracking shot.\n")
        script = shutil.which("promptkit")
        lint_cmd = [script] if script else [sys.executable, "-m", "promptkit"]
        baseline = _median_wall([sys.executable, "-c", "pass"], COLD_RUNS)
        lint = _median_wall([*lint_cmd, "lint", str(one)], COLD_RUNS)
    print(f"cold  python -c pass          median {baseline * 1000:7.1f} ms")
    print(
        f"cold  promptkit lint one.txt  median {lint * 1000:7.1f} ms "
        f"(x{lint / baseline:.2f} of baseline, +{(lint - baseline) * 1000:.1f} ms; "
        f"target <= 150 ms: {'met' if lint <= 0.150 else 'NOT met'})"
    )


def _prompts() -> list[str]:
    if CORPUS.is_dir():
        texts = []
        for path in sorted(CORPUS.rglob("*.txt")):
            texts += [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
    else:  # a user's clone has no ../shared: a small mix of short and long prompts
        texts = [
            "a horse",
            "A person is riding a bike",
            "In a still frame, a stop sign",
            "A red sports car speeds along a winding mountain road at dusk. " * 6,
        ]
    out = []
    while len(out) < WARM_PROMPTS:
        out.extend(texts)
    return out[:WARM_PROMPTS]


def warm() -> None:
    from promptkit.lint import lint_prompt

    prompts = _prompts()
    words = sum(len(p.split()) for p in prompts) / len(prompts)
    for p in prompts[:200]:  # load vocabularies, warm caches
        lint_prompt(p)
    token = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*(?:-[A-Za-z0-9'’]+)*")
    start = time.perf_counter()
    for p in prompts:
        token.findall(p.lower())
    base = time.perf_counter() - start
    start = time.perf_counter()
    for p in prompts:
        lint_prompt(p)
    full = time.perf_counter() - start
    rate = len(prompts) / full
    print(f"warm  tokenise only            {len(prompts) / base:10,.0f} prompts/s")
    print(
        f"warm  lint_prompt (all rules)  {rate:10,.0f} prompts/s "
        f"(x{full / base:.1f} the tokenise time; mean {words:.0f} words/prompt; "
        f"target >= 10,000: {'met' if rate >= 10_000 else 'NOT met'})"
    )


def main() -> None:
    cold()
    warm()


if __name__ == "__main__":
    main()
