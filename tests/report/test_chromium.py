"""Reports in real headless Chromium: opened from file://, nothing external, nothing injected."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptkit.report import compare_runs, write_report

from . import builders as b
from .cdp import Browser

pytestmark = pytest.mark.chromium

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


REVEAL_ALL = """(async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const loaded = i => i.complete ? null :
    new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); });
  for (const box of document.querySelectorAll('.media, img[loading="lazy"]')) {
    box.scrollIntoView();
    for (let n = 0; n < 20 && box.hasAttribute('data-later'); n++) { await frame(); }
    const pictures = box.tagName === 'IMG' ? [box] : Array.from(box.querySelectorAll('img'));
    await Promise.all(pictures.map(loaded));
  }
  window.scrollTo(0, 0);
  return document.querySelectorAll('.media[data-later]').length;
})()"""


def reveal_all(browser: Browser) -> None:
    """Scroll every replicate and lazy picture into view, as a reader would, so all its media
    are put in and loaded."""
    assert browser.evaluate(REVEAL_ALL) == 0


# The page's text as a reader scrolling through it sees it: cards off screen are not laid out
# (content-visibility: auto), and innerText leaves out what is not laid out.
PAGE_TEXT = (
    "(() => { document.querySelectorAll('.card, .replicate')"
    ".forEach(e => { e.style.contentVisibility = 'visible'; });"
    " return document.body.innerText; })()"
)


def check_page(browser: Browser, page: Path, shot: Path) -> None:
    """The checks every report page must pass, whatever it shows."""
    browser.navigate(page.as_uri())
    reveal_all(browser)
    images = browser.evaluate(
        "Array.from(document.images).map(i => [i.getAttribute('src'), i.complete,"
        " i.naturalWidth, i.alt])"
    )
    assert images, "the page shows no image"
    for src, complete, width, alt in images:
        assert complete and width > 0, f"image did not load: {src}"
        assert alt, f"image without alt text: {src}"
    assert browser.evaluate("window.__pwned === undefined")
    assert browser.console_errors() == []
    # file:// for the page and what it links; data: only for Chromium's own media-control icons.
    urls = browser.requested_urls()
    assert urls and all(u.startswith(("file://", "data:")) for u in urls), urls
    assert any(u == page.as_uri() for u in urls)
    png = browser.screenshot()
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    shot.write_bytes(png)


def test_hand_built_report_loads_cleanly_and_shows_markup_as_text(browser, hand_run):
    index = write_report(hand_run)
    check_page(browser, index, hand_run / "screenshot.png")
    text = browser.evaluate(PAGE_TEXT)
    assert "<script>window.__pwned=1</script> a cat sits still" in text
    assert '"><img src=x onerror="window.__pwned=1"> a dog runs' in text
    assert browser.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0


def test_filter_and_sort_controls_work(browser, hand_run):
    browser.navigate(write_report(hand_run).as_uri())
    assert browser.evaluate("document.getElementById('controls').hidden") is False

    def pick(select: str, value: str) -> int:
        return browser.evaluate(
            f"(() => {{ const s = document.getElementById('{select}'); s.value = {value!r};"
            " s.dispatchEvent(new Event('change'));"
            " return document.querySelectorAll('article.card:not([hidden])').length; })()"
        )

    assert pick("f-verdict", "frozen") == 2
    assert pick("f-verdict", "") == 8
    assert pick("f-arm", "B") == 4
    assert pick("f-tag", "busy day") == 4
    assert pick("f-tag", "calm") == 0  # arm B and tag calm: nothing
    pick("f-arm", "")
    pick("f-tag", "")
    pick("f-sort", "worst")
    first = browser.evaluate("document.querySelector('article.card').id")
    assert first in ("v-a00", "v-a01")
    assert browser.console_errors() == []


def test_page_is_complete_without_javascript(browser, hand_run):
    index = write_report(hand_run)
    browser.call("Emulation.setScriptExecutionDisabled", {"value": True}, session=True)
    try:
        browser.navigate(index.as_uri())
        # Runtime.evaluate still runs; only the page's own script is off.
        shown = browser.evaluate("document.querySelectorAll('article.card:not([hidden])').length")
        controls_hidden = browser.evaluate("document.getElementById('controls').hidden")
        text = browser.evaluate(PAGE_TEXT)
    finally:
        browser.call("Emulation.setScriptExecutionDisabled", {"value": False}, session=True)
    assert shown == 8 and controls_hidden is True
    assert text.count("Replicate 1") == 8 and "Lint calibration" in text


def test_harness_notices_console_errors_and_outside_requests(browser, tmp_path):
    # The checks above are only worth something if they can fail.
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><img src='http://127.0.0.1:9/x.png' alt='x'>"
        "<script>console.error('boom'); window.__pwned = 1;</script>"
    )
    browser.navigate(page.as_uri())
    assert browser.evaluate("window.__pwned") == 1
    assert any("boom" in e for e in browser.console_errors())
    assert "http://127.0.0.1:9/x.png" in browser.requested_urls()


def test_compare_page_loads_cleanly(browser, tmp_path):
    for name, verdict in (("old", "frozen"), ("new", "ok")):
        (tmp_path / name).mkdir()
        clips = [
            b.clip(f"v{i}", verdict=verdict, artifacts=True, prompt=b.XSS_IMG) for i in range(3)
        ]
        b.write_run(tmp_path / name, b.run(clips, run_id=name))
    index = compare_runs(tmp_path / "old", tmp_path / "new")
    check_page(browser, index, tmp_path / "compare.png")
    assert "-100 pts" in browser.evaluate(PAGE_TEXT)


def test_real_simulator_run_report_loads_cleanly_with_its_clips(browser, sim_run):
    index = write_report(sim_run)
    check_page(browser, index, sim_run / "screenshot.png")
    # Clips are fetched only when played: ask each player for its clip's header, as Play does.
    videos = browser.evaluate(
        "Promise.all(Array.from(document.querySelectorAll('video')).map(v => {"
        " v.preload = 'metadata'; v.load();"
        " return new Promise(r => { v.onloadedmetadata = v.onerror = r; })"
        "   .then(() => [v.readyState, v.error, v.videoWidth]); }))"
    )
    assert len(videos) == 8
    assert all(state >= 1 and error is None and width > 0 for state, error, width in videos)
    text = browser.evaluate(PAGE_TEXT)
    assert "<script>window.__pwned=1</script> a cat sits perfectly still" in text
    assert '"><img src=x onerror="window.__pwned=1"> a dog runs' in text
    assert browser.evaluate("document.querySelectorAll('svg.curve polyline').length") == 8


def test_real_run_comparison_page_loads_cleanly(browser, sim_run, tmp_path):
    index = compare_runs(sim_run, sim_run, out=tmp_path / "cmp")
    check_page(browser, index, tmp_path / "compare.png")
