"""Benchmark the motion scorer against bare OpenCV decoding and FFmpeg's freezedetect.

Run: ``python benchmarks/bench_score.py [--clips DIR]`` (five to ten minutes on 2 cores, most of
it making the clips the first time; ``--clips`` keeps them for the next run). On the same clips,
in the same run, interleaved, the fastest of 3 (the run least disturbed on a shared machine):

- **whole set, whole processes**: one ``promptkit score --jobs 1`` process over every clip
  (interpreter start, imports and the CLI included) against one Python process that opens each
  clip with ``cv2.VideoCapture(path, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])`` and calls
  ``grab()`` to the end (decoded, never copied out: the decoder's floor), and against
  ``ffmpeg -threads 1 -i X -vf freezedetect -f null -`` run once per clip. Targets: score /
  decode ≤ 1.30, score / ffmpeg ≤ 1.00. Wall time is the target; CPU time (user + system of
  the child processes) is printed beside it, since the machine may be shared.
- **per clip, warm**: ``score_clip`` against the same ``grab()`` loop in this process, so the
  fixed cost of one clip (opening it, setting up the detectors) shows on short clips; the
  fastest of 3 runs each. Target: no clip above 2×; the worst clips are listed.

The clips: the development set (``tests/metrics/devset.py``: real photographs and footage from
Debian's ``opencv-doc`` moved along camera paths, H.264/VP9, 480p/720p/vertical, 8- and 10-bit,
constant and variable frame rate, low bitrate), the first second of six of them, one with a
phone's 90° display rotation, and the real clips of ``../shared/corpora/clips`` when that folder
is there. Then the peak resident memory of a process scoring a 6 s and a 60 s 720p clip (target:
flat). ``main()`` prints the report and returns it as text; ``benchmarks/run_all.py`` reads it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Set before cv2 is imported (as promptkit does): OpenCV 5 otherwise logs on every frame.
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
REPEATS = 3
SHORT = ("pan_right_slow", "still_grain3", "footage_static_camera", "zoom_in_x1.25_5s",
         "tilt_up_0.5px_vp9_10bit", "pan_right_1px_vfr")  # fmt: skip
TARGETS = "targets: score/decode <= 1.30x, score/ffmpeg <= 1.00x (whole set); <= 2.00x per clip"

GRAB = """
import sys, cv2
for path in sys.argv[1:]:
    cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    while cap.grab():
        pass
    cap.release()
"""


def grab(path: Path) -> int:
    """The bare one-thread decode: ``grab()`` every frame; the frame count."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    n = 0
    try:
        while cap.grab():
            n += 1
    finally:
        cap.release()
    return n


def ffmpeg_exe() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg  # type: ignore[import-not-found]

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def freezedetect_cmd(path: Path) -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-nostats", "-threads", "1", "-i", str(path),
            "-vf", "freezedetect", "-f", "null", "-"]  # fmt: skip


def promptkit_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("promptkit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "promptkit"]


def timed(commands: list[list[str]]) -> tuple[float, float]:
    """(wall, CPU) seconds of running ``commands`` one after the other as child processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for cmd in commands:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def make_clips(folder: Path) -> list[Path]:
    """The development set, its short and rotated variants; empty when its sources are absent."""
    from tests.metrics import devset

    if not devset.available():
        return []
    print("making the development set (first run: a few minutes)...", flush=True)
    rendered = devset.render_all(folder)
    clips = [rendered[c.name] for c in devset.cases()]
    for name in SHORT:
        short = folder / f"{name}-1s{rendered[name].suffix}"
        if not short.exists():
            subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(rendered[name]), "-t",
                            "1", "-c", "copy", str(short)], check=True)  # fmt: skip
        clips.append(short)
    rotated = folder / "pan_right_slow-rotated.mp4"
    if not rotated.exists():
        subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(rendered["pan_right_slow"]),
                        "-c", "copy", "-metadata:s:v:0", "rotate=90", str(rotated)],
                       check=True)  # fmt: skip
    clips.append(rotated)
    return clips


def corpus_clips() -> list[Path]:
    """The real video files of ``../shared/corpora/clips`` (empty when the folder is absent)."""
    root = REPO.parent / "shared" / "corpora" / "clips"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in (".mp4", ".webm", ".gif"))


def whole_set(name: str, clips: list[Path], say: Callable[[str], None]) -> dict[str, float]:
    """Whole processes over ``clips``: score (one process), decode (one process), ffmpeg."""
    runs: dict[str, list[tuple[float, float]]] = {"score": [], "decode": [], "ffmpeg": []}
    paths = [str(c) for c in clips]
    commands = {
        "score": [[*promptkit_cmd(), "score", "--jobs", "1", "--format", "json", *paths]],
        "decode": [[sys.executable, "-c", GRAB, *paths]],
        "ffmpeg": [freezedetect_cmd(c) for c in clips],
    }
    for _ in range(REPEATS):
        for key, cmds in commands.items():
            runs[key].append(timed(cmds))
    # The fastest of the repeats: on a shared machine it is the run least disturbed by others.
    t = {k: min(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: min(c for _, c in v) for k, v in runs.items()}
    say(
        f"{name} ({len(clips)} clips), whole processes: score {t['score']:.2f}s, decode "
        f"{t['decode']:.2f}s, ffmpeg {t['ffmpeg']:.2f}s -> score/decode "
        f"{t['score'] / t['decode']:.2f}x, score/ffmpeg {t['score'] / t['ffmpeg']:.2f}x; CPU "
        f"time score/decode {cpu['score'] / cpu['decode']:.2f}x, score/ffmpeg "
        f"{cpu['score'] / cpu['ffmpeg']:.2f}x"
    )
    return t


def per_clip(clips: list[Path], say: Callable[[str], None]) -> list[tuple[float, Path]]:
    """Warm, in this process: score_clip against the bare decode, clip by clip (the fastest of
    the repeats, wall and CPU: on a shared machine the fastest run is the one least disturbed)."""
    from promptkit.metrics import score_clip

    rows = []
    for clip in clips:
        best = {"score": [9e9, 9e9], "decode": [9e9, 9e9]}
        for _ in range(REPEATS):
            for key, fn in (("score", score_clip), ("decode", grab)):
                t0, c0 = time.perf_counter(), time.process_time()
                fn(clip)
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                best[key] = [min(best[key][0], wall), min(best[key][1], cpu)]
        (s, s_cpu), (d, d_cpu) = best["score"], best["decode"]
        rows.append((s / d, clip))
        say(f"  {clip.name[:40]:40s} score {1000 * s:7.1f} ms  decode {1000 * d:7.1f} ms  "
            f"{s / d:5.2f}x  (CPU {s_cpu / d_cpu:5.2f}x)")  # fmt: skip
    return rows


PEAK_RSS = """
import os, sys
from pathlib import Path
from promptkit.metrics import score_clip

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1])

base = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as fh:  # reset the peak (VmHWM) to the current RSS
    fh.write("5")
score = score_clip(Path(sys.argv[1]), artifacts_dir=Path(sys.argv[2]))
print(base, status("VmHWM:"), score.frames)
"""


def peak_rss(path: Path, out: Path) -> tuple[int, int, int]:
    """(RSS after imports, peak RSS, frames) in KiB of a fresh process scoring ``path``."""
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, str(path), str(out)],
                          check=True, capture_output=True, text=True)  # fmt: skip
    base, peak, frames = (int(v) for v in done.stdout.split())
    return base, peak, frames


def long_clip(path: Path, seconds: int) -> Path:
    """A 720p H.264 pan over a real photograph, ``seconds`` long (the RSS check)."""
    from tests.metrics import devset

    case = devset.Case("rss", "aloeL.jpg", seconds=seconds, pan=1.0)
    return devset.encode(case, path)


def main(argv: list[str] | None = None) -> str:
    """Make the clips, run every measurement, print the report and return it as text."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=Path, default=None, help="keep the clips here")
    args = parser.parse_args(argv)
    out: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        out.append(line)

    # An installed package has its bytecode compiled; so does the tree measured here.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "promptkit")],
                   check=False, stdout=subprocess.DEVNULL)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.clips or Path(tmp)
        sets = {"development set": make_clips(folder)}
        real = corpus_clips()
        if real:
            sets["real clips (shared corpus)"] = real
        sets = {k: v for k, v in sets.items() if v}
        if not sets:
            say("no clips: install Debian's opencv-doc (and ffmpeg) for the development set")
            return "\n".join(out)
        say(TARGETS)
        totals = {}
        for name, clips in sets.items():
            say("")
            totals[name] = whole_set(name, clips, say)
            say(f"{name}, per clip, warm (score_clip vs grab() in one process):")
            rows = per_clip(clips, say)
            worst = sorted(rows, key=lambda r: r[0], reverse=True)[:3]
            say(f"{name}: worst clips " + ", ".join(f"{c.name} {r:.2f}x" for r, c in worst)
                + f"; clips above 2x: {sum(r > 2.0 for r, _ in rows)} of {len(rows)}")  # fmt: skip
        say("")
        if "development set" in sets:
            short_base, short_peak, short_n = peak_rss(long_clip(Path(tmp) / "a", 6), Path(tmp))
            long_base, long_peak, long_n = peak_rss(long_clip(Path(tmp) / "b", 60), Path(tmp))
            say(f"peak RSS scoring {short_n} frames (6 s): {short_peak / 1024:.1f} MiB "
                f"(+{(short_peak - short_base) / 1024:.1f} MiB over imports)")  # fmt: skip
            say(f"peak RSS scoring {long_n} frames (60 s): {long_peak / 1024:.1f} MiB "
                f"(+{(long_peak - long_base) / 1024:.1f} MiB over imports)")  # fmt: skip
            say(f"60 s / 6 s peak RSS ratio: {long_peak / short_peak:.3f}x (target: flat, ~1.0x)")
    return "\n".join(out)


if __name__ == "__main__":
    main()
