"""Benchmark the motion scorer against bare decoding and FFmpeg's freezedetect, on clips it makes.

Run: ``python benchmarks/bench_score.py`` (about a minute on 2 cores). Prints, for the same clips in
the same run:

- time of ``score_clip`` vs a bare OpenCV decode of every frame with the same settings
  (``cap.grab()`` loop, luma output, one decoder thread) — target ≤ 1.3×;
- time of ``score_clip`` vs ``ffmpeg -threads 1 -i X -vf freezedetect -f null -`` — target < 1×;
- peak resident memory of a process scoring a 6 s and a 60 s 720p clip — target: flat.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

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


def timed(fn: object, *args: object) -> float:
    runs = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn(*args)  # type: ignore[operator]
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def freezedetect(path: Path) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-threads", "1", "-i", str(path),
           "-vf", "freezedetect", "-f", "null", "-"]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)


PEAK_RSS = """
import sys
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


def bench_set(name: str, clips: list[Path]) -> None:
    """Print per-clip and total times of decode, read, score and freezedetect, with ratios."""
    from promptkit.metrics import score_clip
    from promptkit.metrics.frames import decode_only

    total = {"decode": 0.0, "read": 0.0, "score": 0.0, "ffmpeg": 0.0}
    print(f"\n{name}")
    head = ("clip", "frames", "Mbit/s", "decode", "read", "score", "ffmpeg")
    ratios = ("score/decode", "score/read", "score/ffmpeg")
    print(f"{head[0]:18s} " + " ".join(f"{h:>8s}" for h in head[1:]) + " "
          + " ".join(f"{r:>12s}" for r in ratios))  # fmt: skip
    for clip in clips:
        frames = decode_only(clip)
        mbit = clip.stat().st_size * 8 / (frames / FPS) / 1e6
        t_dec = timed(decode_only, clip)
        t_read = timed(read_luma, clip)
        t_score = timed(score_clip, clip)
        t_ff = timed(freezedetect, clip)
        for key, value in (
            ("decode", t_dec),
            ("read", t_read),
            ("score", t_score),
            ("ffmpeg", t_ff),
        ):
            total[key] += value
        print(f"{clip.stem:18s} {frames:6d} {mbit:6.2f} {t_dec:7.3f}s {t_read:7.3f}s "
              f"{t_score:7.3f}s {t_ff:7.3f}s {t_score / t_dec:11.2f}x {t_score / t_read:9.2f}x "
              f"{t_score / t_ff:11.2f}x")  # fmt: skip
    print(f"{'all':18s} {'':6s} {'':6s} {total['decode']:7.3f}s {total['read']:7.3f}s "
          f"{total['score']:7.3f}s {total['ffmpeg']:7.3f}s "
          f"{total['score'] / total['decode']:11.2f}x {total['score'] / total['read']:9.2f}x "
          f"{total['score'] / total['ffmpeg']:11.2f}x")  # fmt: skip
    print("targets: score/decode <= 1.30x, score/ffmpeg < 1.00x "
          "(decode = grab() only; read = grab + luma copy)")  # fmt: skip


def read_luma(path: Path) -> None:
    """Decode and fetch every luma frame (what any frame-level scorer must at least do)."""
    cap = cv2.VideoCapture(
        str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_CONVERT_RGB, 0, cv2.CAP_PROP_N_THREADS, 1]
    )
    while cap.read()[0]:
        pass
    cap.release()


def main() -> None:

    cv2.setNumThreads(1)  # as in a pool worker: one clip per core
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("making clips (720p H.264, 24 fps)...", flush=True)
        sets = {
            "smooth (low bitrate)": [
                make_clip(folder / "pan6.mp4", 6),
                make_clip(folder / "freeze6.mp4", 6, freeze=(2, 4)),
                make_clip(folder / "pan10.mp4", 10),
            ],
            "grain (high bitrate)": [
                make_clip(folder / "grain_pan6.mp4", 6, grain=4.0, crf=16),
                make_clip(folder / "grain_freeze6.mp4", 6, freeze=(2, 4), grain=4.0, crf=16),
            ],
        }
        long_clip = make_clip(folder / "pan60.mp4", 60)
        for name, clips in sets.items():
            bench_set(name, clips)
        clips = sets["smooth (low bitrate)"]
        print()
        short_base, short_peak, short_n = peak_rss(clips[0], folder / "a")
        long_base, long_peak, long_n = peak_rss(long_clip, folder / "b")
        print(
            f"peak RSS scoring {short_n} frames (6 s): {short_peak / 1024:.1f} MiB "
            f"(+{(short_peak - short_base) / 1024:.1f} MiB over imports)"
        )
        print(
            f"peak RSS scoring {long_n} frames (60 s): {long_peak / 1024:.1f} MiB "
            f"(+{(long_peak - long_base) / 1024:.1f} MiB over imports)"
        )
        print(f"60 s / 6 s peak RSS ratio: {long_peak / short_peak:.3f}x (target: flat, ~1.0x)")


if __name__ == "__main__":
    main()
