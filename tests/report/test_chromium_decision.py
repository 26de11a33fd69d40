"""The decision, the camera table and the glossary in real headless Chromium: visible, drawn
(checked on the screenshot's pixels), and every statistic explained once on the page."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest

from .cdp import Browser
from .test_chromium import check_page, reveal_all

pytestmark = [pytest.mark.chromium, pytest.mark.slow]

# The report's colours (report.css): matched and missed cells, the best row, the sentence's bar.
MATCH_BGR = (223, 250, 209)  # #d1fadf
MISS_BGR = (226, 228, 254)  # #fee4e2
BEST_BGR = (243, 253, 236)  # #ecfdf3
BAR_BGR = (71, 118, 6)  # #067647


def pixels(png: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, "not a PNG"
    return image


def share(image: np.ndarray, bgr: tuple[int, int, int], tol: int = 6) -> float:
    """Share of the picture's pixels within ``tol`` of a colour."""
    close = np.all(np.abs(image.astype(int) - np.array(bgr)) <= tol, axis=2)
    return float(close.mean())


def dark_text(image: np.ndarray) -> float:
    return float((image.max(axis=2) < 90).mean())


def test_harness_pixel_checks_can_fail():
    blank = np.full((20, 40, 3), 255, np.uint8)
    png = cv2.imencode(".png", blank)[1].tobytes()
    assert share(pixels(png), MATCH_BGR) == 0.0 and dark_text(pixels(png)) == 0.0


def test_camera_sweep_page_draws_the_table_and_the_sentence(browser: Browser, shipped_run):
    run = shipped_run("camera_sweep")
    index = run.root / "index.html"
    check_page(browser, index, run.root / "screenshot.png")

    sentence = browser.evaluate("document.querySelector('p.decision').innerText")
    assert sentence.startswith("Best on camera adherence rate: ")
    shot = pixels(browser.screenshot_element("p.decision"))
    assert shot.shape[1] > 300 and shot.shape[0] > 30
    assert share(shot, BAR_BGR) > 0.002  # the green bar beside the sentence
    assert dark_text(shot) > 0.01  # the sentence is drawn, not an empty box

    rows = browser.evaluate(
        "Array.from(document.querySelectorAll('#confusion tbody tr'))"
        ".map(r => r.cells[0].innerText)"
    )
    assert rows == [
        "static", "pan left", "pan right", "tilt up", "dolly in", "zoom in", "orbit", "handheld",
    ]  # fmt: skip
    table = pixels(browser.screenshot_element("#confusion"))
    assert table.shape[0] > 8 * 20  # eight rows drawn
    assert share(table, MATCH_BGR) > 0.005  # the agreeing cells are shaded green
    assert dark_text(table) > 0.01
    headers = browser.evaluate(
        "Array.from(document.querySelectorAll('#confusion thead th')).map(h => h.innerText)"
    )
    assert headers[0] == "Requested move" and "Camera adherence" in headers[-1]


def test_quickstart_page_shows_the_winner_first_and_explains_every_statistic_once(
    browser: Browser, shipped_run
):
    run = shipped_run("quickstart")
    check_page(browser, run.root / "index.html", run.root / "screenshot.png")
    sentence = browser.evaluate("document.querySelector('p.decision').innerText")
    assert sentence.startswith("Best on motionless rate: nature_documentary")
    assert re.search(r"at this sample size \(4 and 4 clips\)", sentence)
    # The decision comes before any other section.
    first = browser.evaluate("document.querySelector('main section').id")
    assert first == "decision"
    best = pixels(browser.screenshot_element("#arm-table tr.best"))
    assert share(best, BEST_BGR) > 0.3 and dark_text(best) > 0.01
    assert browser.evaluate("document.querySelector('#arm-table tr.best').cells[1].innerText") == (
        "nature_documentary"
    )

    # Every header link points at a definition that exists, and hovering shows its short form.
    links = browser.evaluate(
        "Array.from(document.querySelectorAll('a.term')).map(a => [a.getAttribute('href'),"
        " a.title, !!document.getElementById(a.getAttribute('href').slice(1))])"
    )
    assert links and all(ok and title for _, title, ok in links)
    terms = browser.evaluate(
        "Array.from(document.querySelectorAll('#definitions dt')).map(d => d.id)"
    )
    assert len(terms) == len(set(terms))  # each explained once
    for key in ("def-frozen", "def-motionless", "def-wilson", "def-newcombe", "def-g", "def-delta"):
        assert key in terms
    text = browser.evaluate("document.getElementById('decision').innerText")
    assert "Motionless rate" in text and "Frozen rate" in text


def test_motion_curves_share_one_scale_in_the_headline_unit(browser: Browser, shipped_run):
    run = shipped_run("quickstart")
    browser.navigate((run.root / "index.html").as_uri())
    reveal_all(browser)
    labels = browser.evaluate(
        "Array.from(document.querySelectorAll('svg.curve text.axis:first-of-type'))"
        ".map(t => t.textContent)"
    )
    assert len(labels) == 8
    assert len(set(labels)) == 1 and labels[0].startswith("motion (short sides/s), scale 0–")
    # On the shared scale a clip that barely moves stays low: every curve of the vague arm peaks
    # below every curve of the arm that moves (a per-clip scale would stretch both to the top).
    tops = browser.evaluate(
        "Object.fromEntries(['vague_baseline', 'nature_documentary'].map(arm => [arm,"
        " Array.from(document.querySelectorAll(`article.card[data-arm=${arm}] polyline.curve`))"
        ".map(p => Math.min(...p.getAttribute('points').split(' ')"
        ".map(xy => parseFloat(xy.split(',')[1]))))]))"
    )
    vague, moving = tops["vague_baseline"], tops["nature_documentary"]
    assert len(vague) == len(moving) == 4
    assert min(vague) > max(moving)  # y grows downwards: a larger y is a lower peak
    frozen = browser.evaluate(
        "Array.from(document.querySelectorAll('section.replicate')).filter(r =>"
        " r.querySelector('h4 .badge.v-frozen') && r.querySelector('polyline.curve'))"
        ".map(r => Math.min(...r.querySelector('polyline.curve').getAttribute('points')"
        ".split(' ').map(xy => parseFloat(xy.split(',')[1]))))"
    )
    assert all(y == 86 for y in frozen)  # frozen clips lie flat on the floor of the plot
