"""Benchmark: does the eval runner spend the provider's allowance, stay small, and open fast?

    python benchmarks/bench_runner.py [--sizes 50,200,1000] [--parts scale,stall,loop]

Every part runs against a simulator started as its own process (``promptkit sim``), the way a
user runs one, with the real API's shape of limit: every submit and status poll is metered,
clip downloads are not (the real API serves clips from a separate media host; see
docs/simulator.md). So every clip costs at least two metered requests, and at ``R`` requests per
second **the provider's ceiling is R / 2 clips per second**; a run is measured against that.

1. **scale**: ``promptkit eval --sim-url`` on 50, 200 and 1,000 one-second clips (two arms, a
   simulator at ``--speed 10 --rps 10 --rpm 600``, concurrency 32). Per size: clips per second
   from the first submit to the last download against the ceiling; the simulator's own counts of
   metered requests and polls per clip, and of 429s; the eval process's peak RSS (VmHWM as it
   exits, report writing included) and its largest process (scoring workers included); the
   report's write time (``write_report`` alone, median of 3, in a fresh process after its
   imports); the page's load time in headless Chromium (``--dump-dom``, median of 3) against an
   empty page loaded the same way (Chromium's own start), and whether every replicate on the
   page links its clip.
2. **stall**: the runner's scheduler on 400 one-second clips against an in-process simulator
   whose jobs take eight times as long for 5 s, 20 s into the run (a provider whose renders
   back up); the first-poll aim sampled every 0.25 s: before the stall, its peak, and how long
   after the stall it takes to come back within 20 %.
3. **loop**: like for like at the real API's shape (1 request/s, jobs of 9–13 s): the runner
   against the loop the popular guides show (submit, sleep 5 s, poll until done, download),
   same simulator settings, client and concurrency.

The machine is shared: its load average is printed before and after each part, and absolute
times move with it; the ceiling share, polls per clip and memory do not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

RPS, RPM, SPEED, CONCURRENCY = 10.0, 600, 10.0, 32
SUBJECTS = ["a red fox", "a grey heron", "a snow hare", "a brown bear", "a barn owl"]
ACTIONS = [
    "pads across fresh snow",
    "wades through the shallows",
    "bounds over a drift",
    "fishes in a river",
    "glides over a field",
]
PLACES = ["in a birch forest", "in a marsh", "on a hillside", "by a waterfall", "over a meadow"]
SURROUNDINGS = [
    "Snow sprays into the air",
    "Ripples spread across the water",
    "Wind bends the grass",
    "Spray rises from the falls",
    "Mist drifts low",
]


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def say(line: str = "") -> None:
    print(line, flush=True)


def silent() -> object:
    """A progress display that shows nothing (the benchmark prints its own lines)."""
    from promptkit.runner.progress import Progress

    class Silent(Progress):
        def update(self, counts, *, force: bool = False) -> None:  # type: ignore[no-untyped-def]
            pass

    return Silent()


# --- a simulator in its own process ---------------------------------------------------------


@contextlib.contextmanager
def simulator(*, speed: float, rps: float, rpm: float) -> Iterator[tuple[subprocess.Popen, str]]:
    """``promptkit sim`` on a free port; yields the process and its base URL."""
    argv = [sys.executable, "-m", "promptkit", "sim", "--port", "0", "--seed", "7",
            "--speed", f"{speed:g}", "--rps", f"{rps:g}", "--rpm", f"{rpm:g}"]  # fmt: skip
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"serving (http://\S+)", first)
        if not match:
            raise RuntimeError(f"the simulator did not start: {first}{proc.stderr.read()}")
        yield proc, match[1]
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGCONT)
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def sim_stats(base_url: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/sim/stats", timeout=30) as answer:
        return json.load(answer)


# --- part 1: scale --------------------------------------------------------------------------


def spec_text(clips: int) -> str:
    replicates = max(1, clips // 10)  # 2 templates × 5 variants
    zipped = {"subject": SUBJECTS, "action": ACTIONS, "habitat": PLACES,
              "environment": SURROUNDINGS}  # fmt: skip
    return f"""version: 1
name: scale{clips}
templates: [nature_documentary, vague_baseline]
variables:
  shot_size: wide
  angle: low angle
  camera_move: tracking
  lighting: golden hour
  style: Natural-history documentary style with a long telephoto lens
  mood: hushed and patient
zip:
  - {json.dumps(zipped)}
params: {{duration: 1, resolution: 480p}}
arms: template
replicates: {replicates}
lint: "off"
concurrency: {CONCURRENCY}
sim: {{rps: {RPS:g}, rpm: {RPM}}}
"""


# The eval, with its own peak RSS written out as it exits (report writing included).
EVAL = """
import atexit, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("EVAL_PEAK_KIB " + line.split()[1] + "\\n")
atexit.register(_peak)
from promptkit.cli import main
sys.argv = ["promptkit", *sys.argv[1:]]
main()
"""

WRITE = """
import sys, time
from pathlib import Path
from promptkit.report import write_report
t = time.perf_counter()
write_report(Path(sys.argv[1]))
print(time.perf_counter() - t)
"""


@dataclass
class Scale:
    clips: int
    seconds: float
    metered: int
    polls: int
    rate_limited: int
    eval_peak_mib: float
    largest_mib: float
    write_s: float
    page_s: float | None
    linked: int

    @property
    def per_second(self) -> float:
        return self.clips / self.seconds

    @property
    def share(self) -> float:
        return self.per_second / (RPS / 2)


def _stamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def generation_window(journal: Path) -> float:
    """Seconds from the first submit to the last download, from the journal's events."""
    with contextlib.closing(sqlite3.connect(journal)) as db:
        first = db.execute("SELECT min(ts) FROM events WHERE kind = 'submitting'").fetchone()[0]
        last = db.execute("SELECT max(ts) FROM events WHERE kind = 'downloaded'").fetchone()[0]
    return _stamp(last) - _stamp(first)


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def page_load(binary: str, page: Path, repeats: int = 3) -> tuple[float, str]:
    """Median seconds of ``chromium --headless --dump-dom`` on ``page``, and the DOM it dumped."""
    times, dom = [], ""
    for _ in range(repeats):
        t = time.perf_counter()
        done = subprocess.run([binary, "--headless=new", "--no-sandbox", "--disable-gpu",
                               "--dump-dom", page.as_uri()], capture_output=True, text=True,
                              timeout=300)  # fmt: skip
        times.append(time.perf_counter() - t)
        dom = done.stdout
    return statistics.median(times), dom


def one_size(clips: int, folder: Path, browser: str | None) -> Scale:
    spec = folder / f"scale{clips}.yaml"
    spec.write_text(spec_text(clips), encoding="utf-8")
    run_id = f"scale{clips}"
    with simulator(speed=SPEED, rps=RPS, rpm=RPM) as (_, url):
        argv = [sys.executable, "-c", EVAL, "eval", str(spec), "--sim-url", url, "--run-id",
                run_id, "--out", str(folder), "--yes"]  # fmt: skip
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"eval of {clips} clips failed ({proc.returncode}): {err[-2000:]}")
        stats = sim_stats(url)
    run = folder / run_id
    peak = re.search(r"EVAL_PEAK_KIB (\d+)", err)
    writes = [
        float(
            subprocess.run(
                [sys.executable, "-c", WRITE, str(run)], capture_output=True, text=True, check=True
            ).stdout
        )  # fmt: skip
        for _ in range(3)
    ]
    page_s, linked = None, 0
    if browser:
        page_s, dom = page_load(browser, run / "index.html")
        hrefs = re.findall(r'<a class="clip" href="([^"]+)"', dom)
        linked = sum((run / h).is_file() for h in set(hrefs))
    return Scale(
        clips=clips,
        seconds=generation_window(run / "journal.sqlite"),
        metered=stats["metered"],
        polls=stats["polls"],
        rate_limited=stats["rate_limited"],
        eval_peak_mib=int(peak[1]) / 1024 if peak else float("nan"),
        largest_mib=usage.ru_maxrss / 1024,
        write_s=statistics.median(writes),
        page_s=page_s,
        linked=linked,
    )


def part_scale(sizes: list[int]) -> None:
    browser = chromium()
    say(f"scale: evals of {', '.join(map(str, sizes))} one-second clips against `promptkit sim "
        f"--speed {SPEED:g} --rps {RPS:g} --rpm {RPM}`, concurrency {CONCURRENCY}")  # fmt: skip
    say(f"provider's ceiling: {RPS:g} metered requests/s ÷ 2 per clip (a submit and a poll; "
        f"downloads are not metered) = {RPS / 2:.2f} clips/s")  # fmt: skip
    say(f"load before: {load()}")
    empty_s = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if browser:
            blank = folder / "empty.html"
            blank.write_text("<!DOCTYPE html><title>empty</title><p>empty</p>", encoding="utf-8")
            empty_s = page_load(browser, blank)[0]
        rows = [one_size(n, folder, browser) for n in sizes]
    say(f"{'clips':>5} {'clips/s':>7} {'of ceiling':>10} {'metered/clip':>12} {'polls/clip':>10} "
        f"{'429s':>4} {'eval peak':>9} {'largest':>8} {'write s':>7} {'page s':>6} "
        f"{'linked':>7}")  # fmt: skip
    for r in rows:
        page = f"{r.page_s:6.2f}" if r.page_s is not None else f"{'-':>6}"
        say(f"{r.clips:>5} {r.per_second:>7.2f} {r.share:>10.2f} {r.metered / r.clips:>12.2f} "
            f"{r.polls / r.clips:>10.2f} {r.rate_limited:>4} {r.eval_peak_mib:>8.1f}M "
            f"{r.largest_mib:>7.1f}M {r.write_s:>7.2f} {page} {r.linked:>4}/{r.clips}")  # fmt: skip
    if empty_s is not None:
        say(f"chromium baseline: an empty page loads in {empty_s:.2f} s (--dump-dom, median of 3)")
    else:
        say("chromium baseline: chromium is not installed, page load not measured")
    small, large = rows[0], rows[-1]
    say(f"eval peak RSS {small.clips} -> {large.clips} clips: {small.eval_peak_mib:.1f} -> "
        f"{large.eval_peak_mib:.1f} MiB ({large.eval_peak_mib - small.eval_peak_mib:+.1f} MiB; "
        f"target: at most +50)")  # fmt: skip
    say(f"load after: {load()}")


# --- part 2: a stall ------------------------------------------------------------------------


def part_stall(clips: int = 400, at: float = 20.0, stall: float = 5.0, slower: float = 8.0) -> None:
    from promptkit.client import ClientConfig, VideoClient
    from promptkit.models import GenerationParams
    from promptkit.runner.expand import Job, Variant
    from promptkit.runner.journal import Journal
    from promptkit.runner.layout import RunLayout
    from promptkit.runner.resume import plan_resume
    from promptkit.runner.scheduler import Scheduler, SchedulerOptions
    from promptkit.sim import SimConfig, SimServer

    say(f"stall: {clips} one-second clips; after {at:g} s, for {stall:g} s, the provider's jobs "
        f"take {slower:g} times as long (the simulator's speed {SPEED:g} -> {SPEED / slower:g}); "
        f"load before: {load()}")  # fmt: skip
    samples: list[tuple[float, float]] = []
    config = SimConfig(speed=SPEED, rps=RPS, rpm=RPM, seed=7)
    with tempfile.TemporaryDirectory() as tmp, SimServer(config) as sim:
        layout = RunLayout(Path(tmp) / "run").create()
        journal = Journal.open(layout.journal)
        params = GenerationParams(duration=1, resolution="480p")
        journal.add_jobs(
            (Job(Variant(f"{i:010x}", f"A red fox runs across the snow, take {i}.", params), 1),
             [], "planned", None) for i in range(clips)
        )  # fmt: skip
        options = SchedulerOptions(concurrency=CONCURRENCY, score=False, user_prefix="stall/")
        client_config = ClientConfig(base_url=sim.base_url, api_key=sim.api_key, rps=RPS, rpm=RPM)

        async def go() -> None:
            async with VideoClient(client_config) as client:
                scheduler = Scheduler(journal, layout, client, options, progress=silent())
                start = time.monotonic()

                async def watch() -> None:
                    slowed = restored = False
                    while True:
                        now = time.monotonic() - start
                        aims = scheduler.latency.aims()
                        if aims:
                            samples.append((now, max(aims.values())))
                        if not slowed and now >= at:
                            sim.configure(speed=SPEED / slower)
                            slowed = True
                        if slowed and not restored and now >= at + stall:
                            sim.configure(speed=SPEED)
                            restored = True
                        await asyncio.sleep(0.25)

                watcher = asyncio.create_task(watch())
                try:
                    await scheduler.run(plan_resume(journal, layout))
                finally:
                    watcher.cancel()

        try:
            asyncio.run(go())
        finally:
            journal.close()
    end = at + stall
    before = statistics.median(a for t, a in samples if at - 10 <= t < at)
    peak = max(a for t, a in samples if at <= t < end + 10)
    back = next((t - end for t, a in samples if t >= end and a <= 1.2 * before), None)
    shown = f"{back:.1f} s" if back is not None else "not within the run"
    say(f"first-poll aim: {before:.2f} s before the stall, peak {peak:.2f} s, back within 20 % "
        f"{shown} after the stall ended (target: within 30 s)")  # fmt: skip
    say(f"load after: {load()}")


# --- part 3: like for like against the guides' loop ------------------------------------------


@dataclass
class Outcome:
    name: str
    clips: int
    seconds: float
    polls: int
    requests: int
    rate_limited: int

    @property
    def per_minute(self) -> float:
        return self.clips / self.seconds * 60 if self.seconds else 0.0


def part_loop(clips: int = 24, concurrency: int = 8) -> None:
    from promptkit.client import ClientConfig, PollPolicy, VideoClient
    from promptkit.models import GenerationParams
    from promptkit.runner.expand import Job, Variant
    from promptkit.runner.journal import Journal
    from promptkit.runner.layout import RunLayout
    from promptkit.runner.resume import plan_resume
    from promptkit.runner.scheduler import Scheduler, SchedulerOptions
    from promptkit.runner.scoring import make_pool

    rps, rpm = 1.0, 60
    params = GenerationParams(duration=1, resolution="480p")
    variants = [Variant(f"{i:010x}", f"A heron wades through the reeds, take {i + 1}.", params)
                for i in range(clips)]  # fmt: skip

    def config(url: str, poll: PollPolicy) -> ClientConfig:
        return ClientConfig(base_url=url, api_key="sim-key", rps=rps, rpm=rpm, poll=poll)

    async def runner(url: str, folder: Path) -> Outcome:
        layout = RunLayout(folder / "runner").create()
        journal = Journal.open(layout.journal)
        journal.add_jobs((Job(v, 1), [], "planned", None) for v in variants)
        poll = PollPolicy()  # the client's defaults
        options = SchedulerOptions(concurrency=concurrency, poll=poll, user_prefix="runner/")
        pool = make_pool()
        try:
            async with VideoClient(config(url, poll)) as client:
                scheduler = Scheduler(journal, layout, client, options, progress=silent(),
                                      pool=pool)  # fmt: skip
                stats = await scheduler.run(plan_resume(journal, layout))
                requests, limited = client.stats.requests, client.stats.rate_limited
        finally:
            pool.shutdown(wait=True)
            journal.close()
        assert stats.first_submit is not None and stats.last_download is not None
        return Outcome("runner (adaptive)", stats.downloads,
                       stats.last_download - stats.first_submit, stats.polls, requests,
                       limited)  # fmt: skip

    async def fixed(url: str, folder: Path) -> Outcome:
        poll = PollPolicy(interval=5.0, adaptive=False)
        slots = asyncio.Semaphore(concurrency)
        polls, done, first, last = 0, 0, [], []

        async def one(client: VideoClient, v: Variant) -> None:
            nonlocal polls, done
            async with slots:
                first.append(time.monotonic())
                user = f"fixed/{v.variant_id}"
                rid = await client.submit_generation(v.prompt, v.params, user=user)
                while True:
                    await asyncio.sleep(5.0)
                    status = await client.get_status(rid)
                    polls += 1
                    if status.terminal:
                        break
                if status.video_url:
                    await client.download(status.video_url, folder / f"{v.variant_id}.mp4")
                    done += 1
                    last.append(time.monotonic())

        async with VideoClient(config(url, poll)) as client:
            await asyncio.gather(*(one(client, v) for v in variants))
            requests, limited = client.stats.requests, client.stats.rate_limited
        return Outcome("fixed 5 s polling", done, max(last) - min(first), polls, requests, limited)

    ceiling = 60 * rps / 2
    say(f"loop: {clips} clips of 1 s at 480p, simulator at {rps:g} rps / {rpm} rpm, speed 1 "
        f"(jobs of 9-13 s), concurrency {concurrency}; load before: {load()}")  # fmt: skip
    say(f"ceiling: 60 metered requests/min ÷ 2 per clip = {ceiling:.1f} clips/min")
    outcomes = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in (("runner", runner), ("fixed", fixed)):
            folder = Path(tmp) / name
            folder.mkdir()
            with simulator(speed=1.0, rps=rps, rpm=rpm) as (_, url):
                outcome = asyncio.run(fn(url, folder))
                server_polls = sim_stats(url)["polls"]
            assert server_polls == outcome.polls, (server_polls, outcome.polls)
            outcomes.append(outcome)
    say(f"{'':<20} {'clips/min':>9} {'of ceiling':>10} {'polls/clip':>10} {'req/clip':>8} "
        f"{'429s':>5} {'wall s':>7}")  # fmt: skip
    for o in outcomes:
        say(f"{o.name:<20} {o.per_minute:>9.1f} {o.per_minute / ceiling:>10.2f} "
            f"{o.polls / o.clips:>10.2f} {o.requests / o.clips:>8.2f} {o.rate_limited:>5} "
            f"{o.seconds:>7.1f}")  # fmt: skip
    adaptive, loop = outcomes
    say(
        f"runner / fixed-5s: throughput ×{adaptive.per_minute / loop.per_minute:.2f}, "
        f"polls per clip ×{(adaptive.polls / adaptive.clips) / (loop.polls / loop.clips):.2f}"
    )
    say(f"load after: {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,1000", help="clips per scale run")
    parser.add_argument("--parts", default="scale,stall,loop", help="which parts to run")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    say(f"cores: {os.cpu_count()}, load average (1/5/15 min) at start: {load()}")
    if "scale" in parts:
        part_scale([int(n) for n in args.sizes.split(",")])
        say()
    if "stall" in parts:
        part_stall()
        say()
    if "loop" in parts:
        part_loop()


if __name__ == "__main__":
    main()
