"""A report of many clips opens fast and is written in bounded memory.

What makes a page of a thousand clips slow is the media, not the text: a video player per clip
and a picture per clip, all built and fetched before the page can be read. These tests check the
behaviour that prevents it (media deferred until a replicate nears the viewport, clips fetched
only when played, pictures sized) and that every replicate still reaches its clip; the timings
themselves are measured in ``benchmarks/bench_runner.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from promptkit.report import write_report
from promptkit.report.media import image_size

from . import builders as b
from .test_chromium import PAGE_TEXT

MP4_STUB = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64


def _large_run(run_dir: Path, variants: int, replicates: int = 2) -> Path:
    clips = [
        b.clip(
            f"v{i:04d}",
            r,
            arm="A" if i % 2 else "B",
            verdict="frozen" if (i + r) % 5 == 0 else "ok",
            motion=0.01 * ((i * 7 + r) % 13),
            artifacts=True,
            file=f"clips/v{i:04d}-r{r}.mp4",
        )
        for i in range(variants)
        for r in range(1, replicates + 1)
    ]
    run_dir.mkdir(parents=True)
    b.write_run(run_dir, b.run(clips, arms=["A", "B"], arm_by="arm"))
    (run_dir / "clips").mkdir()
    for c in clips:
        (run_dir / str(c.file)).write_bytes(MP4_STUB)
    return run_dir


class _Media(HTMLParser):
    """The page's <img>, <video> and <noscript> tags, with where they sit."""

    def __init__(self) -> None:
        super().__init__()
        self.deferred = 0
        self.outside: list[str] = []
        self.clip_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("img", "video"):
            self.outside.append(tag)
        if tag == "a" and ("class", "clip") in attrs:
            self.clip_links.append(dict(attrs)["href"] or "")

    def handle_data(self, data: str) -> None:
        pass


DEFERRED = re.compile(r'<div class="media" data-later><noscript>(.*?)</noscript></div>', re.S)


def test_every_picture_and_clip_waits_in_the_page_until_needed(tmp_path: Path) -> None:
    run = _large_run(tmp_path / "run", variants=30)
    html = write_report(run).read_text(encoding="utf-8")
    blocks = DEFERRED.findall(html)
    assert len(blocks) == 60
    for block in blocks:
        img = re.search(r"<img [^>]*>", block)
        assert img and 'loading="lazy"' in img[0] and 'decoding="async"' in img[0]
        assert 'width="8" height="6"' in img[0]  # the builders' pictures are 8×6 PNGs
        video = re.search(r"<video [^>]*>", block)
        assert video and 'preload="none"' in video[0] and 'poster="frames/' in video[0]
        assert "<polyline" in block
    # Outside those blocks the page holds no picture and no player, only links to the clips.
    rest = DEFERRED.sub("", html)
    media = _Media()
    media.feed(rest)
    assert media.outside == []
    assert len(media.clip_links) == 60 and all((run / h).is_file() for h in media.clip_links)


def test_image_size_reads_png_and_jpeg_headers(tmp_path: Path) -> None:
    cv2 = pytest.importorskip("cv2")
    np = pytest.importorskip("numpy")
    png = tmp_path / "a.png"
    png.write_bytes(b.png_bytes(31, 17))
    jpg = tmp_path / "b.jpg"
    assert cv2.imwrite(str(jpg), np.zeros((360, 1272, 3), dtype=np.uint8))
    progressive = tmp_path / "c.jpg"
    ok, data = cv2.imencode(
        ".jpg", np.zeros((90, 160), np.uint8), [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]
    )
    progressive.write_bytes(data.tobytes())
    assert image_size(png) == (31, 17)
    assert image_size(jpg) == (1272, 360)
    assert image_size(progressive) == (160, 90)
    (tmp_path / "d.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")  # cut before its frame
    assert image_size(tmp_path / "d.jpg") is None
    (tmp_path / "e.gif").write_bytes(b"GIF89a")
    assert image_size(tmp_path / "e.gif") is None
    assert image_size(tmp_path / "missing.png") is None


@pytest.mark.chromium
def test_a_long_page_opens_with_the_first_screen_of_media_only(browser, tmp_path: Path) -> None:
    run = _large_run(tmp_path / "run", variants=100)
    index = write_report(run)
    browser.navigate(index.as_uri())
    settled = (
        "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout("
        "() => r(document.querySelectorAll('.media:not([data-later])').length), 100))))"
    )
    assert browser.evaluate(settled) < 20  # at the top: the decision and tables, few cards
    browser.evaluate("document.getElementById('cards').scrollIntoView()")
    shown = browser.evaluate(settled)
    players = browser.evaluate("document.querySelectorAll('video').length")
    assert 0 < shown < 20 and players == shown  # of 200 replicates
    requested = browser.requested_urls()
    assert not [u for u in requested if u.endswith(".mp4")]  # no clip before it is played
    assert len([u for u in requested if u.endswith(".png")]) <= 2 * shown
    # Scrolled to the end, the last replicate gets its media; every replicate links its clip.
    browser.evaluate("document.querySelector('.card:last-of-type .replicate:last-of-type')"
                     ".scrollIntoView()")  # fmt: skip
    last = browser.evaluate(
        "new Promise(r => setTimeout(() => r(document.querySelector("
        "'.card:last-of-type .replicate:last-of-type .media video')?.getAttribute('src')), 300))"
    )
    assert last == "clips/v0099-r2.mp4"
    links = browser.evaluate("Array.from(document.querySelectorAll('a.clip')).map(a => a.href)")
    assert len(links) == 200 and all(Path(u.removeprefix("file://")).is_file() for u in links)
    assert "Replicate 2" in browser.evaluate(PAGE_TEXT)
    assert browser.console_errors() == []


PEAK = """
import sys
from pathlib import Path
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1])
from promptkit.report import write_report
base = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as fh:  # the peak (VmHWM) starts again from here
    fh.write("5")
write_report(Path(sys.argv[1]))
print(status("VmHWM:") - base)
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
def test_writing_the_report_of_1000_clips_takes_little_more_memory_than_of_50(tmp_path):
    def peak_kib(variants: int) -> int:
        run = _large_run(tmp_path / f"run{variants}", variants=variants)
        done = subprocess.run(
            [sys.executable, "-c", PEAK, str(run)], capture_output=True, text=True, check=True
        )
        return int(done.stdout.split()[-1])

    small, large = peak_kib(25), peak_kib(500)  # 50 and 1,000 clips, two arms
    # Resampling all at once took ~300 MB more at 1,000 clips; batched, a few MB.
    assert large - small < 50 * 1024, (small, large)
