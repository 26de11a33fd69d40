"""Benchmark the motion scorer against bare OpenCV decoding and FFmpeg's freezedetect.

Run: ``python benchmarks/bench_score.py`` (two to three minutes on 2 cores). For the same clips in
the same run it times, interleaved, median of 3:

- ``decode``: bare OpenCV decoding, one decoder thread like the scorer: ``cap.read()`` on every
  frame, each returned as an array and nothing done with it, in whichever of OpenCV's two
  outputs is cheaper for that clip (the Y plane, or BGR: on colour-tagged streams OpenCV 5 makes
  the Y plane the slower one). Target: score/decode ≤ 1.30×.
- ``grab``: the decoder floor, a ``cap.grab()`` loop: frames are decoded but never leave the
  decoder (no copy into an array), so no scorer can run at this speed; shown for reference.
- ``read``: what most OpenCV code does, ``cv2.VideoCapture(path)`` + ``cap.read()`` with default
  settings (BGR frames, OpenCV's default decoder threads, reported below).
- ``ffmpeg``: ``ffmpeg -threads 1 -i X -vf freezedetect -f null -``. Target: score/ffmpeg < 1.

Four sets of clips: 720p H.264 made here at a very low bitrate (0.2–0.4 Mbit/s, where decoding
is cheapest and any per-frame work shows most) and at about 3 Mbit/s; clips rendered by the
simulator at the API's 480p and 720p sizes (what ``promptkit eval`` scores by default); and the
real clips of ``../shared/corpora/clips`` when that folder exists (mixed sizes and codecs). Then
the peak resident memory of a process scoring a 6 s and a 60 s 720p clip (target: flat).
``main()`` prints the tables and returns them as text; ``benchmarks/run_all.py`` reads the
``all`` rows.
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
    size: tuple[int, int] = (W, H),
) -> Path:
    """An H.264 clip (720p unless ``size``): a textured scene panning 2 px/frame, maybe frozen.

    ``grain`` adds fresh sensor noise (σ in grey levels) to every frame, which raises the bitrate
    from ~0.5 to a few Mbit/s, like camera footage and detailed generator output.
    """
    w, h = size
    rng = np.random.default_rng(1)
    tex_h, tex_w = h + 64, w + 4 * int(seconds * FPS) + 64
    small = rng.normal(size=(tex_h // 8, tex_w // 8)).astype(np.float32)
    tex = cv2.resize(small, (tex_w, tex_h), interpolation=cv2.INTER_CUBIC)
    tex += cv2.resize(rng.normal(size=(tex_h // 2, tex_w // 2)).astype(np.float32), (tex_w, tex_h))
    tex = np.clip(128 + 30 * tex, 16, 235).astype(np.uint8)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(FPS))
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        x = 0
        for i in range(int(seconds * FPS)):
            if not (freeze and freeze[0] * FPS <= i < freeze[1] * FPS):
                x += 2
            grey = np.ascontiguousarray(tex[32 : 32 + h, x : x + w])
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


def decode_only(path: Path) -> int:
    """The decoder floor: ``grab()`` every frame (decoded, never copied out); the frame count."""
    cap = cv2.VideoCapture(
        str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_CONVERT_RGB, 0, cv2.CAP_PROP_N_THREADS, 1]
    )
    n = 0
    try:
        while cap.grab():
            n += 1
    finally:
        cap.release()
    return n


def read_one_thread(path: Path, *, luma: bool) -> None:
    """Bare decoding, one decoder thread: every frame returned (the Y plane or BGR)."""
    params = [cv2.CAP_PROP_CONVERT_RGB, 0 if luma else 1, cv2.CAP_PROP_N_THREADS, 1]
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, params)
    while cap.read()[0]:
        pass
    cap.release()


def read_luma(path: Path) -> None:
    read_one_thread(path, luma=True)


def read_bgr(path: Path) -> None:
    read_one_thread(path, luma=False)


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


def sim_clips(folder: Path) -> list[Path]:
    """Clips the simulator renders for three prompts, at the API's 480p and 720p sizes (6 s)."""
    from promptkit.models import frame_size
    from promptkit.sim.renderer import RenderJob, render_clip

    prompts = {
        "pan": "A lighthouse on a cliff at dusk, the camera pans slowly right as waves crash",
        "subject": "A red fox trots across a snowy meadow, static camera, snow falling",
        "still": "A still life of apples on a wooden table",
    }
    paths = []
    for resolution in ("480p", "720p"):
        width, height = frame_size(resolution, "16:9")
        for name, prompt in prompts.items():
            job = RenderJob(kind="generation", prompt=prompt, width=width, height=height,
                            frames=6 * FPS, seed=1, frozen_rate=0.0, drift_rate=0.0)  # fmt: skip
            path = folder / f"sim_{resolution}_{name}.mp4"
            path.write_bytes(render_clip(job).data)
            paths.append(path)
    return paths


def corpus_clips() -> list[Path]:
    """The real video files of ``../shared/corpora/clips`` (empty when the folder is absent)."""
    root = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "clips"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in (".mp4", ".webm", ".mov"))


COLUMNS = ("decode", "grab", "read", "score", "ffmpeg")
TIMED = ("luma", "bgr", "grab", "read", "score", "ffmpeg")
RATIOS = ("decode", "grab", "read", "ffmpeg")
TARGETS = "targets: score/decode <= 1.30x, score/ffmpeg < 1.00x"


def bench_set(name: str, clips: list[Path], out: list[str]) -> dict[str, float]:
    """Time every clip five ways; print (and append to ``out``) per-clip rows and the total."""
    from promptkit.metrics import score_clip

    def say(line: str) -> None:
        print(line, flush=True)
        out.append(line)

    fns = {"luma": read_luma, "bgr": read_bgr, "grab": decode_only, "read": read_default,
           "score": score_clip, "ffmpeg": freezedetect}  # fmt: skip
    total = dict.fromkeys((*COLUMNS, "cpu"), 0.0)
    say("")
    say(name)
    say(f"{'clip':24s} {'size':>9s} {'frames':>6s} {'Mbit/s':>6s} "
        + " ".join(f"{c:>8s}" for c in COLUMNS) + " "
        + " ".join(f"{'score/' + r:>12s}" for r in RATIOS) + f" {'CPU/decode':>10s}")  # fmt: skip

    def row(label: str, size: str, frames: str, mbit: str, t: dict[str, float]) -> str:
        times = " ".join(f"{t[c]:7.3f}s" for c in COLUMNS)
        ratios = " ".join(f"{t['score'] / t[r]:11.2f}x" for r in RATIOS)
        cpu = f"{t['cpu'] / t['decode']:9.2f}x"
        return f"{label[:24]:24s} {size:>9s} {frames:>6s} {mbit:>6s} {times} {ratios} {cpu}"

    for clip in clips:
        frames = decode_only(clip)
        cap = cv2.VideoCapture(str(clip))
        width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fps = cap.get(cv2.CAP_PROP_FPS) or FPS
        cap.release()
        mbit = clip.stat().st_size * 8 / (frames / fps) / 1e6
        # Interleaved repeats: a burst of load on the shared machine hits every column alike.
        runs: dict[str, list[float]] = {k: [] for k in (*TIMED, "cpu")}
        for _ in range(REPEATS):
            for key in TIMED:
                t0, c0 = time.perf_counter(), time.process_time()
                fns[key](clip)  # type: ignore[operator]
                runs[key].append(time.perf_counter() - t0)
                if key == "score":  # the scorer's CPU time, both of its threads
                    runs["cpu"].append(time.process_time() - c0)
        t = {k: statistics.median(v) for k, v in runs.items()}
        t["decode"] = min(t["luma"], t["bgr"])
        for key in total:
            total[key] += t[key]
        say(row(clip.stem, f"{width}x{height}", str(frames), f"{mbit:.2f}", t))
    say(row("all", "", "", "", total))
    return total


def _score_inline(path: Path) -> object:
    from promptkit.metrics import score_clip

    return score_clip(path, prefetch=False)


def _score_ahead(path: Path) -> object:
    from promptkit.metrics import score_clip

    return score_clip(path, prefetch=True)


def _warm(_: int) -> None:
    import promptkit.metrics  # noqa: F401  (imports paid before the clock starts)


def pool_times(clips: list[Path], workers: int) -> dict[str, float]:
    """Seconds for a warm pool of ``workers`` processes to go through ``clips``, three ways."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    fns = {"decode": read_luma, "score inline": _score_inline, "score ahead": _score_ahead}
    times: dict[str, list[float]] = {k: [] for k in fns}
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        list(pool.map(_warm, range(4 * workers)))
        for _ in range(REPEATS):
            for key, fn in fns.items():
                t0 = time.perf_counter()
                list(pool.map(fn, clips))
                times[key].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> str:
    """Make the clips, run every measurement, print the report and return it as text."""
    cv2.setNumThreads(1)  # as in a pool worker: one clip per core
    out: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        out.append(line)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("making clips (H.264, 24 fps)...", flush=True)
        sets = {
            "720p smooth (low bitrate)": [
                make_clip(folder / "pan6.mp4", 6),
                make_clip(folder / "freeze6.mp4", 6, freeze=(2, 4)),
                make_clip(folder / "pan10.mp4", 10),
            ],
            "720p grain (about 3 Mbit per s)": [
                make_clip(folder / "grain_pan6.mp4", 6, grain=2.0, crf=16),
                make_clip(folder / "grain_freeze6.mp4", 6, freeze=(2, 4), grain=2.0, crf=16),
            ],
            "simulator clips (480p and 720p)": sim_clips(folder),
        }
        real = corpus_clips()
        if real:
            sets["real clips (shared corpus)"] = real
        else:
            say("real clips: ../shared/corpora/clips is absent, set skipped")
        long_clip = make_clip(folder / "pan60.mp4", 60)
        first = sets["720p smooth (low bitrate)"][0]
        say(f"default cap.read() decoder threads here: {default_threads(first)}; the scorer uses "
            f"1 per clip (clips run in parallel processes)")  # fmt: skip
        totals = {name: bench_set(name, clips, out) for name, clips in sets.items()}
        say("")
        say(TARGETS + " (decode = one decoder thread, every frame read, the cheaper of Y plane "
            "and BGR; grab = decoded, never read; read = default cap.read(), BGR; CPU = the "
            "scorer's CPU time, its decoding thread included)")  # fmt: skip
        for name, t in totals.items():
            ok = t["score"] / t["decode"] <= 1.30 and t["score"] < t["ffmpeg"]
            say(f"{name}: score/decode {t['score'] / t['decode']:.2f}x (CPU "
                f"{t['cpu'] / t['decode']:.2f}x), score/ffmpeg {t['score'] / t['ffmpeg']:.2f}x "
                f"-> {'met' if ok else 'NOT met'}")  # fmt: skip
        say("")
        cores = os.cpu_count() or 1
        batch = [c for name, clips in sets.items() if "real" not in name for c in clips]
        pool = pool_times(batch, cores)
        inline, ahead = pool["score inline"], pool["score ahead"]
        say(f"a pool of {cores} processes (one per core) through the {len(batch)} synthetic and "
            f"simulator clips: decode {pool['decode']:.3f}s, score {inline:.3f}s "
            f"({inline / pool['decode']:.2f}x) decoding inline (a pool's default), {ahead:.3f}s "
            f"({ahead / pool['decode']:.2f}x) decoding ahead")  # fmt: skip
        say("")
        short_base, short_peak, short_n = peak_rss(first, folder / "a")
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
