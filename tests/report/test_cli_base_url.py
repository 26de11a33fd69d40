"""``--base-url``: summary.md links pictures only under a published web address."""

from __future__ import annotations

import pytest

from promptkit.cli import main


def test_report_base_url_links_summary_under_it(hand_run, capsys):
    main(["report", str(hand_run), "--base-url", "https://ci.example.org/r/run-1"])
    md = (hand_run / "summary.md").read_text()
    assert "](https://ci.example.org/r/run-1/frames/" in md
    assert "[index.html](https://ci.example.org/r/run-1/index.html)" in md


@pytest.mark.parametrize("url", ["javascript:alert(1)", "frames/", "/srv/runs/run-1"])
def test_a_base_url_that_is_not_a_web_address_is_a_one_line_error(hand_run, capsys, url):
    with pytest.raises(SystemExit) as info:
        main(["report", str(hand_run), "--base-url", url])
    assert info.value.code == 2
    assert capsys.readouterr().err == (
        f"error: --base-url {url!r}: expected an http(s) URL where the run is published\n"
    )
    assert not (hand_run / "summary.md").exists()
