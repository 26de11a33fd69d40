"""Lint speed and memory: cold start of ``promptkit lint one.txt``, warm throughput of
``lint_prompt``, and the peak memory of ``promptkit lint --lines`` on 100,000 prompts.

Run: ``python benchmarks/bench_lint.py [--skip-memory]``. Targets: cold start <= 150 ms median
and <= 4x ``python -c pass`` measured in the same run (interleaved, with the package's bytecode
compiled first, as an installed wheel has it); warm >= 10,000 prompts/s on the development set
(``../shared/corpora/prompts/labelled``: every distinct prompt linted once, after a warm-up on
the other prompt corpora so the tables are loaded but no prompt is seen twice), printed next to
a tokenise-only baseline over the same prompts; ``lint --lines`` on a file of 100,000 prompts
under 100 MB peak RSS in every format, printed next to the same command on 1,000 of them (the
prompt corpora cycled, each line made distinct by a take number).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "prompts"
LABELLED = CORPUS / "labelled"
COLD_RUNS = 21
WARM_UP = 2000
FALLBACK = [
    "a horse",
    "A person is riding a bike",
    "In a still frame, a stop sign",
    "A red sports car speeds along a winding mountain road at dusk. " * 6,
]


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def cold() -> None:
    # An installed wheel has its bytecode compiled; so does the tree measured here (without
    # it, and with PYTHONDONTWRITEBYTECODE set, every start would recompile every module).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "promptkit")],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.txt"
        one.write_text("A red fox trots through fresh snow at dawn, low tracking shot.\n")
        # The console script of this interpreter's environment (not whatever "promptkit" is
        # first on PATH: a pyenv shim or another install would be measured instead).
        script = Path(sys.executable).with_name("promptkit")
        lint_cmd = [str(script)] if script.is_file() else [sys.executable, "-m", "promptkit"]
        baseline: list[float] = []
        lint: list[float] = []
        # Interleaved, so both see the same load on a shared machine.
        for _ in range(COLD_RUNS):
            baseline.append(_wall([sys.executable, "-c", "pass"]))
            lint.append(_wall([*lint_cmd, "lint", str(one)]))
    base, med = statistics.median(baseline), statistics.median(lint)
    ratio = med / base
    met = med <= 0.150 and ratio <= 4
    fastest = min(lint) * 1000
    print(
        f"cold  python -c pass          median {base * 1000:7.1f} ms "
        f"(fastest {min(baseline) * 1000:.1f})"
    )
    print(
        f"cold  promptkit lint one.txt  median {med * 1000:7.1f} ms (fastest {fastest:.1f}; "
        f"x{ratio:.2f} of baseline, fastest x{min(lint) / min(baseline):.2f}; "
        f"target <= 150 ms and <= 4x: {'met' if met else 'NOT met'}; bytecode compiled)"
    )


def _lines(path: Path) -> list[str]:
    return [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]


def _development_set() -> list[str]:
    """Distinct prompts of the labelled development set (``prompt<TAB>label<TAB>source``)."""
    prompts: set[str] = set()
    for path in sorted(LABELLED.glob("*.tsv")):
        prompts.update(line.split("\t")[0] for line in _lines(path) if not line.startswith("#"))
    return sorted(prompts)


def _warm_up_set(exclude: set[str]) -> list[str]:
    texts = [t for path in sorted(CORPUS.rglob("*.txt")) for t in _lines(path)]
    return [t for t in texts if t not in exclude][:WARM_UP]


def warm() -> None:
    from promptkit.lint import lint_prompt

    if LABELLED.is_dir():
        prompts = _development_set()
        source = "development set"
    else:  # a user's clone has no ../shared: a small mix of short and long prompts
        prompts = FALLBACK * 250
        source = "built-in sample"
    for p in _warm_up_set(set(prompts)) if CORPUS.is_dir() else FALLBACK:
        lint_prompt(p)  # load the tables and fill the per-word caches on other prompts
    words = sum(len(p.split()) for p in prompts) / len(prompts)
    token = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*(?:-[A-Za-z0-9'’]+)*")
    start = time.perf_counter()
    for p in prompts:
        token.findall(p.lower())
    base = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    for p in prompts:
        lint_prompt(p)
    full, cpu = time.perf_counter() - start, time.process_time() - cpu
    rate = len(prompts) / full
    print(f"warm  tokenise only            {len(prompts) / base:10,.0f} prompts/s")
    print(
        f"warm  lint_prompt (all rules)  {rate:10,.0f} prompts/s "
        f"({len(prompts) / cpu:,.0f} per CPU second; x{full / base:.1f} the tokenise time; "
        f"{len(prompts)} prompts of the {source}, each once, mean {words:.0f} words; "
        f"target >= 10,000: {'met' if rate >= 10_000 else 'NOT met'})"
    )


# The lint command, with its peak RSS written out as it exits.
PEAK = """
import sys
from promptkit.cli import main
try:
    main()
finally:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK_KIB " + line.split()[1] + "\\n")
"""
MEMORY_PROMPTS = 100_000


def _peak_lint(path: Path, fmt: str) -> tuple[float, float]:
    """(peak RSS in MiB, wall seconds) of ``promptkit lint --lines --format fmt path``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, "lint", "--lines", "--exit-zero",
                           "--format", fmt, str(path)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True)  # fmt: skip
    wall = time.perf_counter() - start
    return int(done.stderr.rsplit("PEAK_KIB ", 1)[1]) / 1024, wall


def memory() -> None:
    from promptkit.lint.formats import FORMATS

    texts = [t for path in sorted(CORPUS.rglob("*.txt")) for t in _lines(path)]
    texts = [t for t in texts if not t.startswith("#")] or FALLBACK
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n in (1_000, MEMORY_PROMPTS):
            files[n] = Path(tmp) / f"prompts{n}.txt"
            with files[n].open("w", encoding="utf-8") as out:
                for i in range(n):
                    out.write(f"{texts[i % len(texts)]} Take {i + 1}.\n")
        for fmt in FORMATS:
            small, _ = _peak_lint(files[1_000], fmt)
            large, wall = _peak_lint(files[MEMORY_PROMPTS], fmt)
            met = "met" if large * 1.048576 < 100 else "NOT met"
            print(f"memory lint --lines {fmt:6s} {MEMORY_PROMPTS:,} prompts: peak {large:6.1f} MiB "
                  f"in {wall:5.1f} s; 1,000 prompts: peak {small:6.1f} MiB "
                  f"(x{large / small:.2f}; target < 100 MB: {met})")  # fmt: skip


def main() -> None:
    cold()
    warm()
    if "--skip-memory" not in sys.argv[1:]:
        memory()


if __name__ == "__main__":
    main()
