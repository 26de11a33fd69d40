"""Benchmark the motion scorer against bare decoding and FFmpeg's freezedetect, on clips it makes.

Run: ``python benchmarks/bench_score.py`` (about two minutes on 2 cores). For the same clips in
the same run it times, median of 3:

- ``decode``: the scorer's own decoder settings doing nothing else — a ``cap.grab()`` loop, one
  decoder thread, no colour conversion. The physical floor; target score/decode ≤ 1.30×.
- ``read``: what an OpenCV user calls decoding — ``cv2.VideoCapture(path)`` and ``cap.read()``
  with default settings (BGR frames, OpenCV's default decoder threads, reported below).
- ``ffmpeg``: ``ffmpeg -threads 1 -i X -vf freezedetect -f null -`` — target score/ffmpeg < 1.00×.
- ``luma``: the scorer's settings with ``cap.read()`` (the luma plane fetched into a new array).

on a low-bitrate set (0.2–0.4 Mbit/s, where decoding is cheapest and any per-frame overhead
shows most) and a ~3 Mbit/s set; then the peak resident memory of a process scoring a 6 s and a
60 s 720p clip (target: flat). ``main()`` prints the tables and returns them as text;
``benchmarks/run_all.py`` reads the ``all`` rows.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

# Set before cv2 is imported: with colour conversion off, OpenCV 5 otherwise logs a warning on
# every frame, and the logging alone costs more than the scoring it would be compared with.
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import av  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402

W, H, FPS = 1280, 720, 24
REPEATS = 3


def make_clip(
    path: Path,
    seconds: float,
    *,
    freeze: tuple[float, float] | None = None,
    grain: float = 0.0,
    crf: int = 23,
) -> Path:
    """A 720p H.264 clip: a textured scene panning 2 px/frame, optionally frozen for a while.

    ``grain`` adds fresh sensor noise (σ in grey levels) to every frame, which raises the bitrate
    from ~0.5 to a few Mbit/s, like camera footage and detailed generator output.
    """
    rng = np.random.default_rng(1)
    tex_h, tex_w = H + 64, W + 4 * int(seconds * FPS) + 64
    small = rng.normal(size=(tex_h // 8, tex_w // 8)).astype(np.float32)
    tex = cv2.resize(small, (tex_w, tex_h), interpolation=cv2.INTER_CUBIC)
    tex += cv2.resize(rng.normal(size=(tex_h // 2, tex_w // 2)).astype(np.float32), (tex_w, tex_h))
    tex = np.clip(128 + 30 * tex, 16, 235).astype(np.uint8)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(FPS))
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        x = 0
        for i in range(int(seconds * FPS)):
            if not (freeze and freeze[0] * FPS <= i < freeze[1] * FPS):
                x += 2
            grey = np.ascontiguousarray(tex[32 : 32 + H, x : x + W])
            if grain:
                noise = rng.normal(0, grain, grey.shape)
                grey = np.clip(grey + noise, 0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB), "rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def ffmpeg_exe() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg  # type: ignore[import-not-found]

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def freezedetect(path: Path) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-threads", "1", "-i", str(path),
           "-vf", "freezedetect", "-f", "null", "-"]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)


PEAK_RSS = """
import os
import sys
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
from pathlib import Path
import cv2
cv2.setNumThreads(1)
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


def read_luma(path: Path) -> None:
    """The scorer's decoder settings, fetching every luma frame into a new array."""
    cap = cv2.VideoCapture(
        str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_CONVERT_RGB, 0, cv2.CAP_PROP_N_THREADS, 1]
    )
    while cap.read()[0]:
        pass
    cap.release()


def read_default(path: Path) -> None:
    """Plain OpenCV decoding: ``VideoCapture(path)`` + ``read()``, BGR, default threads."""
    cap = cv2.VideoCapture(str(path))
    while cap.read()[0]:
        pass
    cap.release()


def default_threads(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    try:
        return int(cap.get(cv2.CAP_PROP_N_THREADS))
    finally:
        cap.release()


COLUMNS = ("decode", "read", "score", "ffmpeg", "luma")


def bench_set(name: str, clips: list[Path], out: list[str]) -> dict[str, float]:
    """Time every clip five ways; print (and append to ``out``) per-clip rows and the total."""
    from promptkit.metrics import score_clip
    from promptkit.metrics.frames import decode_only

    def say(line: str) -> None:
        print(line, flush=True)
        out.append(line)

    fns = {"decode": decode_only, "read": read_default, "score": score_clip,
           "ffmpeg": freezedetect, "luma": read_luma}  # fmt: skip
    total = dict.fromkeys(COLUMNS, 0.0)
    say("")
    say(name)
    head = ("clip", "frames", "Mbit/s", "decode", "read", "score", "ffmpeg")
    ratios = ("score/decode", "score/read", "score/ffmpeg")
    say(f"{head[0]:18s} " + " ".join(f"{h:>8s}" for h in head[1:]) + " "
        + " ".join(f"{r:>12s}" for r in ratios) + f" {'luma':>8s} {'score/luma':>10s}")  # fmt: skip

    def row(label: str, frames: str, mbit: str, t: dict[str, float]) -> str:
        return (f"{label:18s} {frames:>6s} {mbit:>6s} {t['decode']:7.3f}s {t['read']:7.3f}s "
                f"{t['score']:7.3f}s {t['ffmpeg']:7.3f}s {t['score'] / t['decode']:11.2f}x "
                f"{t['score'] / t['read']:11.2f}x {t['score'] / t['ffmpeg']:11.2f}x "
                f"{t['luma']:7.3f}s {t['score'] / t['luma']:9.2f}x")  # fmt: skip

    for clip in clips:
        frames = decode_only(clip)
        mbit = clip.stat().st_size * 8 / (frames / FPS) / 1e6
        # Interleaved repeats: a burst of load on the shared machine hits every column alike.
        runs: dict[str, list[float]] = {k: [] for k in COLUMNS}
        for _ in range(REPEATS):
            for key in COLUMNS:
                t0 = time.perf_counter()
                fns[key](clip)  # type: ignore[operator]
                runs[key].append(time.perf_counter() - t0)
        t = {k: statistics.median(v) for k, v in runs.items()}
        for key in COLUMNS:
            total[key] += t[key]
        say(row(clip.stem, str(frames), f"{mbit:.2f}", t))
    say(row("all", "", "", total))
    say("targets: score/decode <= 1.30x, score/ffmpeg < 1.00x "
        "(decode = grab() only, 1 thread; read = default cap.read(), BGR)")  # fmt: skip
    return total


def main() -> str:
    """Make the clips, run every measurement, print the report and return it as text."""
    cv2.setNumThreads(1)  # as in a pool worker: one clip per core
    out: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        out.append(line)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("making clips (720p H.264, 24 fps)...", flush=True)
        sets = {
            "smooth (low bitrate)": [
                make_clip(folder / "pan6.mp4", 6),
                make_clip(folder / "freeze6.mp4", 6, freeze=(2, 4)),
                make_clip(folder / "pan10.mp4", 10),
            ],
            "grain (about 3 Mbit per s)": [
                make_clip(folder / "grain_pan6.mp4", 6, grain=2.0, crf=16),
                make_clip(folder / "grain_freeze6.mp4", 6, freeze=(2, 4), grain=2.0, crf=16),
            ],
        }
        long_clip = make_clip(folder / "pan60.mp4", 60)
        threads = default_threads(sets["smooth (low bitrate)"][0])
        say(f"default cap.read() decoder threads here: {threads}; the scorer uses 1 per clip "
            f"(clips run in parallel processes)")  # fmt: skip
        for name, clips in sets.items():
            bench_set(name, clips, out)
        clips = sets["smooth (low bitrate)"]
        say("")
        short_base, short_peak, short_n = peak_rss(clips[0], folder / "a")
        long_base, long_peak, long_n = peak_rss(long_clip, folder / "b")
        say(
            f"peak RSS scoring {short_n} frames (6 s): {short_peak / 1024:.1f} MiB "
            f"(+{(short_peak - short_base) / 1024:.1f} MiB over imports)"
        )
        say(
            f"peak RSS scoring {long_n} frames (60 s): {long_peak / 1024:.1f} MiB "
            f"(+{(long_peak - long_base) / 1024:.1f} MiB over imports)"
        )
        say(f"60 s / 6 s peak RSS ratio: {long_peak / short_peak:.3f}x (target: flat, ~1.0x)")
    return "\n".join(out)


if __name__ == "__main__":
    main()
