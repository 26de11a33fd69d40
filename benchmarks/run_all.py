"""Every benchmark, one command, one table of ratios.

    python -m benchmarks [--only lint,score] [--skip runner] [--write]
    python benchmarks/run_all.py ...

Each ``benchmarks/bench_<area>.py`` measures against a baseline taken in the same run and
prints its own report; this script runs each one's ``main`` in a fresh interpreter (so one
benchmark's imports never warm up another's cold start, and they never share the CPU), keeps
the full output, and pulls the headline ratios into one table. A benchmark whose output it
cannot read still gets a row saying so, with its exit code. ``--write`` also stores the table
and the machine it ran on (cores, CPU model, Python) in ``docs/benchmarks.md``.

The lines are read with the regular expressions below, next to the benchmark they belong to;
when a benchmark changes its wording, its row says "not found" until the pattern follows.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DOC = REPO / "docs" / "benchmarks.md"
README = REPO / "README.md"
NUM = r"([0-9][0-9,]*\.?[0-9]*)"


@dataclass(frozen=True)
class Row:
    """One line of the table: a measure, its value, what it is compared with, the ratio."""

    area: str
    measure: str
    value: str
    baseline: str
    ratio: str


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _find(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.MULTILINE)


# --- one reader per benchmark: its output -> rows --------------------------------------------


def read_lint(out: str) -> list[Row]:
    rows = []
    base = _find(rf"python -c pass\s+median\s+{NUM} ms", out)
    cold = _find(rf"promptkit lint one\.txt\s+median\s+{NUM} ms \(.*?x{NUM} of baseline", out)
    if base and cold:
        rows.append(Row("lint", "cold start `promptkit lint one.txt`", f"{cold[1]} ms",
                        f"`python -c pass` {base[1]} ms", f"{cold[2]}x"))  # fmt: skip
    else:
        rows.append(Row("lint", "cold start `promptkit lint one.txt`", "not found", "-", "-"))
    tok = _find(rf"tokenise only\s+{NUM} prompts/s", out)
    warm = _find(rf"lint_prompt \(all rules\)\s+{NUM} prompts/s \(.*?x{NUM} the tokenise", out)
    if tok and warm:
        rows.append(Row("lint", "warm throughput, all rules", f"{warm[1]} prompts/s",
                        f"tokenise only {tok[1]} prompts/s", f"{warm[2]}x the time"))  # fmt: skip
    else:
        rows.append(Row("lint", "warm throughput, all rules", "not found", "-", "-"))
    memory = (rf"^memory lint --lines (\w+)\s+([0-9,]+) prompts: peak\s+{NUM} MiB .*?"
              rf"1,000 prompts: peak\s+{NUM} MiB \(x{NUM}")  # fmt: skip
    for m in re.finditer(memory, out, re.MULTILINE):
        rows.append(Row("lint", f"`lint --lines --format {m[1]}`, {m[2]} prompts: peak RSS",
                        f"{m[3]} MiB", f"1,000 prompts {m[4]} MiB", f"{m[5]}x"))  # fmt: skip
    return rows


def read_templates(out: str) -> list[Row]:
    rows = []
    bare = _find(rf"bare Jinja render \(baseline\)\s+{NUM}", out)
    cold = _find(rf"cold start \(new library, first render\): {NUM} ms", out)
    if cold:
        rows.append(Row("templates", "cold start: new library, first render", f"{cold[1]} ms",
                        "-", "-"))  # fmt: skip
    for label in ("library.render('cinematic')", "expand, 112 variants"):
        m = _find(rf"{re.escape(label)}\s+{NUM}\s+{NUM}", out)
        if m and bare:
            rows.append(Row("templates", label, f"{m[1]}/s", f"bare Jinja {bare[1]}/s",
                            f"{m[2]}x"))  # fmt: skip
    return rows


def read_client(out: str) -> list[Row]:
    rows = []
    poll = _find(rf"status poll: bare httpx {NUM} us, client {NUM} us, ratio {NUM}x", out)
    if poll:
        rows.append(Row("client", "status poll overhead", f"{poll[2]} µs",
                        f"bare httpx {poll[1]} µs", f"{poll[3]}x"))  # fmt: skip
    down = _find(rf"download: bare {NUM} MB/s, client .*? {NUM} MB/s, ratio {NUM}x", out)
    if down:
        rows.append(Row("client", "8 MB download (sha256, checks, fsync)", f"{down[2]} MB/s",
                        f"bare httpx {down[1]} MB/s", f"{down[3]}x the time"))  # fmt: skip
    return rows


def read_score(out: str) -> list[Row]:
    rows = []
    for m in re.finditer(
        rf"^(\S[^\n]*?) \((\d+) clips\), whole processes: score {NUM}s, decode {NUM}s, ffmpeg "
        rf"{NUM}s -> score/decode {NUM}x, score/ffmpeg {NUM}x; CPU time score/decode {NUM}x, "
        rf"score/ffmpeg {NUM}x",
        out,
        re.MULTILINE,
    ):
        name = f"{m[1]}, {m[2]} clips"
        rows.append(Row("score", f"`score --jobs 1` vs bare decode, {name}", f"{m[3]} s",
                        f"decode {m[4]} s", f"{m[6]}x"))  # fmt: skip
        rows.append(Row("score", f"`score --jobs 1` vs FFmpeg freezedetect, {name}", f"{m[3]} s",
                        f"ffmpeg {m[5]} s", f"{m[7]}x"))  # fmt: skip
        rows.append(Row("score", f"CPU time vs bare decode / vs FFmpeg, {name}", "-", "-",
                        f"{m[8]}x / {m[9]}x"))  # fmt: skip
    for m in re.finditer(rf"^(\S[^\n]*?): worst clips (\S+) {NUM}x.*?clips above 2x: (\d+) of "
                         r"(\d+)", out, re.MULTILINE):  # fmt: skip
        rows.append(Row("score", f"worst clip, warm ({m[1]}): {m[2]}", "-", "bare decode",
                        f"{m[3]}x ({m[4]} of {m[5]} above 2x)"))  # fmt: skip
    rss = _find(rf"60 s / 6 s peak RSS ratio: {NUM}x", out)
    if rss:
        rows.append(Row("score", "peak RSS, 60 s clip vs 6 s clip", "-", "-", f"{rss[1]}x"))
    return rows


def _latency_rows(area: str, what: str, lone: re.Match[str] | None,
                  many: re.Match[str] | None) -> list[Row]:  # fmt: skip
    """Median against median and p95 against p95 of one poller and of 50 (like with like)."""
    if not (lone and many):
        return []
    return [
        Row(
            area,
            f"{what}, 50 pollers while rendering vs 1 poller ({stat})",
            f"{m} ms",
            f"1 poller {one} ms",
            f"{_num(m) / _num(one):.1f}x",
        )  # fmt: skip
        for stat, one, m in (("median", lone[1], many[1]), ("p95", lone[2], many[2]))
    ]


def read_sim(out: str) -> list[Row]:
    rows = []
    base = _find(rf"baseline: encode .*?:\s+{NUM} clip-s/CPU-s", out)
    for m in re.finditer(rf"^render (.+?)\s+{NUM} clip-s/CPU-s \({NUM}x", out, re.MULTILINE):
        if base:
            baseline = f"static encode {base[1]} clip-s/CPU-s"
            rows.append(Row("sim", f"render rate, {m[1].strip()}", f"{m[2]} clip-s/CPU-s",
                            baseline, f"{m[3]}x the CPU"))  # fmt: skip
    lone = _find(rf"^1 poller .*?median\s+{NUM} ms, p95\s+{NUM} ms", out)
    many = _find(rf"^50 pollers .*?median\s+{NUM} ms, p95\s+{NUM} ms", out)
    return rows + _latency_rows("sim", "poll latency", lone, many)


def read_sim_grpc(out: str) -> list[Row]:
    rows = []
    rest = _find(rf"^REST, 1 poller\s+median\s+{NUM} ms", out)
    lone = _find(rf"^gRPC, 1 poller\s+median\s+{NUM} ms, p95\s+{NUM} ms", out)
    many = _find(rf"^gRPC, 50 pollers\s+median\s+{NUM} ms, p95\s+{NUM} ms", out)
    if rest and lone:
        ratio = _num(lone[1]) / _num(rest[1])
        rows.append(Row("sim_grpc", "poll latency over gRPC, 1 poller (median)", f"{lone[1]} ms",
                        f"REST median {rest[1]} ms", f"{ratio:.2f}x"))  # fmt: skip
    return rows + _latency_rows("sim_grpc", "poll latency over gRPC", lone, many)


SCALE_ROW = re.compile(
    rf"^\s*(\d+)\s+{NUM}\s+{NUM}\s+{NUM}\s+{NUM}\s+(\d+)\s+{NUM}M\s+{NUM}M\s+{NUM}\s+"
    rf"({NUM[1:-1]}|-)\s+(\d+)/(\d+)\s*$",
    re.MULTILINE,
)


def read_runner(out: str) -> list[Row]:
    rows = []
    ceiling = _find(rf"= {NUM} clips/s", out)
    empty = _find(rf"an empty page loads in {NUM} s", out)
    scale = list(SCALE_ROW.finditer(out))
    first = scale[0] if scale else None
    for m in scale:
        n, per_s, share, _metered, polls = m[1], m[2], m[3], m[4], m[5]
        rss, write, page = m[7], m[9], m[10]
        what = f"eval of {int(n):,} clips:"
        if ceiling:
            rows.append(Row("runner", f"{what} throughput", f"{per_s} clips/s",
                            f"provider's ceiling {ceiling[1]} clips/s", f"{share}x"))  # fmt: skip
        rows.append(Row("runner", f"{what} polls per clip", polls, "1 (the fewest possible)",
                        f"{_num(polls):.2f}x"))  # fmt: skip
        if first is not None and m is not first:
            small = f"{int(first[1]):,} clips"
            rows.append(Row("runner", f"{what} peak RSS of the eval", f"{rss} MiB",
                            f"{small} {first[7]} MiB",
                            f"{_num(rss) - _num(first[7]):+.1f} MiB"))  # fmt: skip
            rows.append(
                Row(
                    "runner",
                    f"{what} report write",
                    f"{write} s",
                    f"{small} {first[9]} s",
                    f"{_num(write) / _num(first[9]):.1f}x",
                )
            )
        if page != "-" and empty:
            rows.append(
                Row(
                    "runner",
                    f"{what} page load in Chromium (--dump-dom)",
                    f"{page} s",
                    f"empty page {empty[1]} s",
                    f"{_num(page) / _num(empty[1]):.1f}x",
                )
            )
    stall = _find(rf"first-poll aim: {NUM} s before the stall, peak {NUM} s, back within 20 % "
                  rf"({NUM} s|not within the run)", out)  # fmt: skip
    if stall:
        rows.append(Row("runner", "first-poll aim back within 20 % after a 5 s stall", stall[3],
                        f"aim {stall[1]} s before, peak {stall[2]} s", "-"))  # fmt: skip
    loop_ceiling = _find(rf"= {NUM} clips/min", out)
    for label in ("runner (adaptive)", "fixed 5 s polling"):
        hit = _find(rf"^{re.escape(label)}\s+{NUM}\s+{NUM}\s+{NUM}\s+{NUM}", out)
        if hit and loop_ceiling:
            rows.append(Row("runner", f"1 rps, jobs of ~11 s: throughput, {label}",
                            f"{hit[1]} clips/min",
                            f"provider's ceiling {loop_ceiling[1]} clips/min",
                            f"{hit[2]}x"))  # fmt: skip
    vs = _find(rf"runner / fixed-5s: throughput ×{NUM}, polls per clip ×{NUM}", out)
    if vs:
        rows.append(Row("runner", "1 rps: polls per clip, runner vs fixed 5 s loop", "-", "-",
                        f"{vs[2]}x"))  # fmt: skip
    return rows


def read_pytest_plugin(out: str) -> list[Row]:
    off = _find(rf"plugin disabled .*?median\s+{NUM} ms", out)
    on = _find(rf"plugin enabled, no fixture used\s+median\s+{NUM} ms \(x{NUM}", out)
    if not (off and on):
        return []
    return [Row("pytest_plugin", "pytest start-up, promptkit_sim plugin on, no fixture used",
                f"{on[1]} ms", f"plugin off {off[1]} ms", f"{on[2]}x")]  # fmt: skip


def read_precommit(out: str) -> list[Row]:
    full = _find(rf"^baseline  pip install '\.\[all\]'.*?{NUM} MB in\s+{NUM} s", out)
    hook = _find(rf"^hook      pre-commit install-hooks.*?{NUM} MB in\s+{NUM} s \(x{NUM} the size, "
                 rf"x{NUM} the time", out)  # fmt: skip
    wrong = _find(r"non-prompt files flagged: ([^(]+?) \(", out)
    if not (full and hook and wrong):
        return []
    what = "`pre-commit install-hooks`, fresh machine:"
    return [Row("precommit", f"{what} hook environment on disk", f"{hook[1]} MB",
                f"`pip install '.[all]'` {full[1]} MB", f"{hook[3]}x"),
            Row("precommit", f"{what} wall time (non-prompt files flagged: {wrong[1]})",
                f"{hook[2]} s", f"`pip install '.[all]'` {full[2]} s", f"{hook[4]}x")]  # fmt: skip


READERS: dict[str, Callable[[str], list[Row]]] = {
    "lint": read_lint,
    "templates": read_templates,
    "client": read_client,
    "score": read_score,
    "sim": read_sim,
    "sim_grpc": read_sim_grpc,
    "runner": read_runner,
    "pytest_plugin": read_pytest_plugin,
    "precommit": read_precommit,
}


# --- running ----------------------------------------------------------------------------------


@dataclass
class Result:
    area: str
    code: int
    seconds: float
    output: str
    rows: list[Row]
    load: tuple[float, float] = (0.0, 0.0)
    """The machine's 1-minute load average as the benchmark started and as it ended."""


def discover() -> list[str]:
    """Areas with a ``bench_<area>.py``, known readers first in a fixed order."""
    found = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    known = [a for a in READERS if a in found]
    return known + [a for a in found if a not in READERS]


def run_one(area: str, timeout: float) -> Result:
    """Run ``bench_<area>.py``'s main in a fresh interpreter and read its rows."""
    script = HERE / f"bench_{area}.py"
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(script)], cwd=REPO, capture_output=True,
                              text=True, timeout=timeout)  # fmt: skip
        code, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout or ""
        if isinstance(partial, bytes):  # the text=True decoding is skipped on a timeout
            partial = partial.decode("utf-8", "replace")
        code, output = -1, f"timed out after {timeout:g} s\n{partial}"
    seconds = time.perf_counter() - started
    reader = READERS.get(area)
    rows = reader(output) if reader and code == 0 else []
    if not rows:
        why = "timed out" if code == -1 else f"exit {code}" if code else "no ratio found in output"
        rows = [Row(area, f"bench_{area}.py: {why}", "-", "-", "-")]
    return Result(area, code, seconds, output, rows, (load_before, os.getloadavg()[0]))


def machine() -> dict[str, str]:
    """Cores, CPU model and Python of this machine."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores (nproc)": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),  # fmt: skip
        "CPU": model,
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
        # Other work on the machine skews absolute numbers more than ratios; say how busy it was.
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def table(results: list[Result]) -> str:
    lines = ["| area | measure | value | baseline (same run) | ratio |", "|---|---|---|---|---|"]
    for result in results:
        for r in result.rows:
            lines.append(f"| {r.area} | {r.measure} | {r.value} | {r.baseline} | {r.ratio} |")
    return "\n".join(lines)


def document(results: list[Result], info: dict[str, str], when: str) -> str:
    machine_lines = "\n".join(f"- {k}: {v}" for k, v in info.items())
    timings = ", ".join(
        f"{r.area} {r.seconds:.0f} s (load {r.load[0]:.1f} → {r.load[1]:.1f})" for r in results
    )
    return f"""# Benchmarks

`python -m benchmarks` runs every `benchmarks/bench_*.py` (each in a fresh interpreter, one
after the other) and prints one table of ratios; each ratio is measured against a baseline
taken in the same run on the same machine, so the ratios, not the absolute numbers, are what
to compare across machines. `python -m benchmarks --write` refreshes this page. Each
benchmark's own output has more detail: run `python benchmarks/bench_<area>.py`.

Latest run: {when}, on

{machine_lines}

{table(results)}

Wall time per benchmark, with the machine's 1-minute load average as it started and ended (on a
2-core machine a load above 2 means other work was competing for the CPU, which moves absolute
times, not the like-for-like ratios): {timings}.

How to read it: every ratio compares like with like, measured in the same run. Lint's cold
start is the whole `promptkit lint` process against an empty `python -c pass`; a whole
`promptkit score --jobs 1` process over a set of clips is compared with one process decoding the
same clips with OpenCV (one decoder thread, `grab()` to the end) and with FFmpeg's
`freezedetect` on each, by wall and by CPU time, and each clip warm against its own decode; the
simulator's render rate with encoding static frames (CPU time against CPU time); poll latency
under 50 pollers with one poller, median against median and p95 against p95. The runner's
throughput is against the provider's ceiling: at `R` metered requests per second and at least a
submit and a poll per clip (clip downloads are not metered, as on the real API), `R ÷ 2` clips
per second; a short run can pass it a little on the provider's burst. Its memory and report rows
compare the same eval at 1,000 or 200 clips with 50, and the page load with an empty page loaded
the same way (Chromium's own start).
"""


def sync_readme() -> None:
    """Copy the table of ``docs/benchmarks.md`` into README's "Speed" section, with the machine
    and its load, so the two never disagree. The section's table starts at its ``| area``
    header line, after the paragraph naming the machine, and ends at the first blank line."""
    page = DOC.read_text(encoding="utf-8").splitlines()
    facts = dict(line[2:].split(": ", 1) for line in page if line.startswith("- ") and ": " in line)
    start = page.index(next(line for line in page if line.startswith("| area |")))
    end = page.index("", start)
    when = next((line for line in page if line.startswith("Latest run: ")), "Latest run: ?")
    start_load = facts.get("load average at start (1/5/15 min)", "?")
    load = f"load average (1/5/15 min) {start_load} at the start"
    if "load average at end (1/5/15 min)" in facts:
        load += f" and {facts['load average at end (1/5/15 min)']} at the end"
    intro = textwrap.fill(
        "`python -m benchmarks` runs every benchmark and prints one table; each figure is a "
        "ratio against a baseline measured in the same run. The latest table: "
        f"{when.removeprefix('Latest run: ').removesuffix(', on')}, "
        f"{facts.get('cores (nproc)', '?')} cores ({facts.get('CPU', '?')}), Python "
        f"{facts.get('Python', '?')}, {load} (how to read it: "
        "[docs/benchmarks.md](docs/benchmarks.md)):",
        width=100,
    )
    readme = README.read_text(encoding="utf-8").splitlines()
    head = readme.index("## Speed")
    top = readme.index(next(line for line in readme[head:] if line.startswith("| area |")))
    bottom = readme.index("", top)
    new = [*readme[: head + 1], "", intro, "", *page[start:end], *readme[bottom:]]
    README.write_text("\n".join(new) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every benchmark; print one ratio table.")
    parser.add_argument("--only", default="", help="comma-separated areas to run (default: all)")
    parser.add_argument("--skip", default="", help="comma-separated areas to leave out")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per benchmark")
    parser.add_argument("--write", action="store_true", help=f"also write {DOC.name}")
    parser.add_argument("--verbose", "-v", action="store_true", help="print each full output")
    args = parser.parse_args(argv)
    only = {a for a in args.only.split(",") if a}
    skip = {a for a in args.skip.split(",") if a}
    areas = [a for a in discover() if (not only or a in only) and a not in skip]
    unknown = (only | skip) - set(discover())
    if unknown:
        parser.error(
            f"no benchmark for {', '.join(sorted(unknown))} (have: {', '.join(discover())})"
        )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    info = machine()
    results = []
    for area in areas:
        print(f"running bench_{area}.py ...", file=sys.stderr, flush=True)
        result = run_one(area, args.timeout)
        results.append(result)
        if args.verbose or result.code:
            print(result.output, file=sys.stderr)
    info["load average at end (1/5/15 min)"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(", ".join(f"{k}: {v}" for k, v in info.items()))
    print(table(results))
    if args.write:
        DOC.write_text(document(results, info, when), encoding="utf-8")
        print(f"wrote {DOC.relative_to(REPO)}", file=sys.stderr)
        sync_readme()
        print(f"wrote the table into {README.relative_to(REPO)}", file=sys.stderr)
    return 1 if any(r.code for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
