"""Report artifacts made in the same decode pass: contact sheet, thumbnail, per-frame series CSV.

The collector is one more per-frame consumer. When the container declares its frame count it
keeps exactly the evenly spaced frames of the sheet (first to last); otherwise (or when the
declared count turns out wrong) it keeps a bounded reservoir — every ``stride``-th frame, halving
the set and doubling the stride when it fills — so memory stays flat however long the clip is.
Tiles are grey (the luma plane the scorer decodes anyway; colour would cost a conversion per
frame).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from promptkit.errors import InputError
from promptkit.metrics.frames import Frame
from promptkit.metrics.opencv import cv2

SHEET_FRAMES = 8
SHEET_COLUMNS = 4
TILE_HEIGHT = 180
THUMB_WIDTH = 320
RESERVOIR = 16


@dataclass(frozen=True)
class Artifacts:
    """Paths of the files written for one clip (``None`` when not written)."""

    contact_sheet: Path | None = None
    thumbnail: Path | None = None
    series_csv: Path | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "contact_sheet": str(self.contact_sheet) if self.contact_sheet else None,
            "thumbnail": str(self.thumbnail) if self.thumbnail else None,
            "series_csv": str(self.series_csv) if self.series_csv else None,
        }


class FrameSampler:
    """Keeps the few full-quality frames the sheet and thumbnail need."""

    def __init__(self, declared_frames: int | None, width: int, height: int) -> None:
        self._tile_size = (max(1, round(TILE_HEIGHT * width / height)), TILE_HEIGHT)
        self._targets: set[int] = set()
        if declared_frames:
            self._targets = {
                int(round(x)) for x in np.linspace(0, declared_frames - 1, SHEET_FRAMES)
            }
        self._stride = max(1, (declared_frames or 0) // RESERVOIR)
        self.exact: dict[int, tuple[float, np.ndarray]] = {}
        self.reservoir: dict[int, tuple[float, np.ndarray]] = {}

    def _tile(self, luma: np.ndarray) -> np.ndarray:
        return cv2.resize(luma, self._tile_size, interpolation=cv2.INTER_AREA)

    def process_frame(self, frame: Frame) -> None:
        i = frame.index
        if i in self._targets:
            self.exact[i] = (frame.time_s, self._tile(frame.luma()))
        if i % self._stride == 0:
            self.reservoir[i] = (frame.time_s, self._tile(frame.luma()))
            if len(self.reservoir) >= RESERVOIR:
                self._stride *= 2
                self.reservoir = {k: v for k, v in self.reservoir.items() if k % self._stride == 0}

    def picks(self) -> list[tuple[float, np.ndarray]]:
        """Up to eight evenly spaced (time, tile) pairs, in order."""
        if self._targets and len(self.exact) == len(self._targets):
            return [self.exact[k] for k in sorted(self.exact)]
        kept = sorted({**self.reservoir, **self.exact}.items())
        if len(kept) <= SHEET_FRAMES:
            return [v for _, v in kept]
        idx = np.linspace(0, len(kept) - 1, SHEET_FRAMES).round().astype(int)
        return [kept[k][1] for k in idx]


def contact_sheet(picks: list[tuple[float, np.ndarray]]) -> np.ndarray:
    """A grid of tiles (4 per row) with each tile's time stamped in the corner."""
    h, w = picks[0][1].shape[:2]
    rows = (len(picks) + SHEET_COLUMNS - 1) // SHEET_COLUMNS
    cols = min(SHEET_COLUMNS, len(picks))
    sheet = np.zeros((rows * h, cols * w), dtype=np.uint8)
    for k, (t, tile) in enumerate(picks):
        r, c = divmod(k, SHEET_COLUMNS)
        cell = tile.copy()
        label = f"{t:.2f}s"
        cv2.putText(cell, label, (6, h - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 0, 3, cv2.LINE_AA)
        cv2.putText(cell, label, (6, h - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 255, 1, cv2.LINE_AA)
        sheet[r * h : (r + 1) * h, c * w : (c + 1) * w] = cell
    return sheet


def _write_jpeg(path: Path, image: np.ndarray) -> Path:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise InputError(f"{path}: could not encode the image")
    try:
        path.write_bytes(data.tobytes())
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from exc
    return path


def write_series(path: Path, times: np.ndarray, columns: dict[str, np.ndarray]) -> Path:
    """One row per frame: ``frame, time_s`` (presentation time) then every series (empty where
    undefined)."""
    names = list(columns)
    n = max((len(v) for v in columns.values()), default=0)
    try:
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["frame", "time_s", *names])
            for i in range(n):
                row: list[str] = [str(i), f"{float(times[i]):.4f}" if i < len(times) else ""]
                for name in names:
                    v = columns[name][i] if i < len(columns[name]) else np.nan
                    if isinstance(v, np.bool_ | bool):
                        row.append("1" if v else "0")
                    else:
                        row.append("" if not np.isfinite(v) else f"{float(v):.4f}")
                writer.writerow(row)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from exc
    return path


def write_artifacts(
    out_dir: Path,
    stem: str,
    sampler: FrameSampler,
    times: np.ndarray,
    columns: dict[str, np.ndarray],
) -> Artifacts:
    """Write the sheet, the thumbnail and the series CSV into ``out_dir``."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the folder ({exc.strerror})") from exc
    picks = sampler.picks()
    sheet = thumb = None
    if picks:
        sheet = _write_jpeg(out_dir / f"{stem}.contact.jpg", contact_sheet(picks))
        middle = picks[len(picks) // 2][1]
        h, w = middle.shape[:2]
        size = (THUMB_WIDTH, max(1, round(THUMB_WIDTH * h / w)))
        small = cv2.resize(middle, size, interpolation=cv2.INTER_AREA)
        thumb = _write_jpeg(out_dir / f"{stem}.thumb.jpg", small)
    series = write_series(out_dir / f"{stem}.series.csv", times, columns)
    return Artifacts(contact_sheet=sheet, thumbnail=thumb, series_csv=series)
