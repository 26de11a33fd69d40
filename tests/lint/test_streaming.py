"""Lint reports stream: findings go out as they are found, in bounded memory, in every format.

The streamed documents must be exactly what one dump of the whole report writes, so the json
and SARIF tests compare with ``json.dumps`` of the whole document; the memory tests count what
the writer and the linter keep while many findings go by (the 100,000-prompt figure is measured
in ``benchmarks/bench_lint.py``).
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from promptkit.lint.config import LintConfig
from promptkit.lint.diagnostic import Diagnostic
from promptkit.lint.formats import FORMATS, Tally, render, sarif, summary, write
from promptkit.lint.registry import RULES
from promptkit.lint.sources import lint_files, lint_stream
from promptkit.lint.table import MEMO_LIMIT, remember


def _findings(n: int, seed: int = 1) -> list[Diagnostic]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        rule = RULES[rng.choice(list(RULES))]
        out.append(Diagnostic(f"p/{i % 3}.txt", i + 1, rng.randint(1, 40), rule.code, rule.name,
                              rule.severity, f"«{i}» \"quoted\" % : ,", "help\nnext"))  # fmt: skip
    return sorted(out, key=Diagnostic.sort_key)


@pytest.mark.parametrize("n", [0, 1, 25])
def test_streamed_json_and_sarif_are_the_documents_one_dump_writes(n: int) -> None:
    found = _findings(n)
    whole = {"diagnostics": [d.to_dict() for d in found], "summary": summary(found, 9)}
    assert render("json", found, 9) == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"
    assert (
        render("sarif", found, 9) == json.dumps(sarif(found), indent=2, ensure_ascii=False) + "\n"
    )
    assert (
        json.loads(render("sarif", found, 9))["runs"][0]["results"]
        == sarif(found)["runs"][0]["results"]
    )


class _Sink(io.TextIOBase):
    """Counts what is written and keeps none of it."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def _many(n: int) -> Iterator[Diagnostic | int]:
    rule = RULES[next(iter(RULES))]
    for i in range(n):
        yield 1
        yield Diagnostic("p.txt", i + 1, 1, rule.code, rule.name, rule.severity, f"m{i}", "h")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_writer_keeps_counts_not_findings(fmt: str) -> None:
    sink = _Sink()
    tracemalloc.start()
    try:
        tally = write(sink, fmt, _many(10_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert tally.diagnostics == tally.prompts == 10_000 and sink.chars > 10_000 * 20
    # 10,000 findings held as objects and one rendered string would take 5 to 10 MB.
    assert peak < 2 * 1024 * 1024, peak


def test_findings_come_in_report_order_a_file_at_a_time(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("A coffee mug.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A mug.\n\nA cup on a table.\n# comment\nA spoon.\n")
    files = [str(tmp_path / "b.txt"), str(tmp_path / "a.txt")]
    config = LintConfig()
    streamed = list(lint_stream(files, lambda name: config, lines=True))
    found = [d for d in streamed if isinstance(d, Diagnostic)]
    assert found == sorted(found, key=Diagnostic.sort_key) and found
    assert sum(x for x in streamed if isinstance(x, int)) == 4
    assert lint_files(files, lambda name: config, lines=True) == (found, 4)
    # Lazy: the first finding comes before the last file is read.
    stream = lint_stream(files, lambda name: config, lines=True)
    assert next(stream) == 1
    (tmp_path / "b.txt").write_text("A coffee mug.\nA kettle.\n", encoding="utf-8")
    assert sum(x for x in stream if isinstance(x, int)) == 4  # b.txt was read after the edit


def test_a_missing_file_stops_the_stream_before_anything_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A mug.\n", encoding="utf-8")
    stream = lint_stream([str(tmp_path / "a.txt"), str(tmp_path / "gone.txt")],
                         lambda name: LintConfig())  # fmt: skip
    with pytest.raises(Exception, match="gone.txt: no such file"):
        next(stream)


def test_lines_read_a_line_at_a_time_split_as_the_whole_text_splits(tmp_path: Path) -> None:
    # Form feeds and line separators end a line for str.splitlines; a file read a line at a
    # time must number lines the same way, and file-wide markers still apply to every line.
    text = "A mug.\x0cA cup.\u2028A spoon.\r\n# promptkit: noqa: PK002\r\nA kettle.\rA fork."
    path = tmp_path / "p.txt"
    path.write_bytes(text.encode("utf-8"))
    config = LintConfig()
    from_file = list(lint_stream([str(path)], lambda name: config, lines=True))
    from_stdin = list(lint_stream(["-"], lambda name: config, lines=True, stdin=io.StringIO(text)))
    assert [d for d in from_file if isinstance(d, Diagnostic)] == [
        d.__class__(**{**d.to_dict(), "path": str(path)})
        for d in from_stdin
        if isinstance(d, Diagnostic)
    ]
    lines = {d.line for d in from_file if isinstance(d, Diagnostic)}
    assert (
        lines
        and lines <= {1, 2, 3, 5, 6}
        and "PK002" not in {d.code for d in from_file if isinstance(d, Diagnostic)}
    )


def test_a_file_that_is_not_utf8_is_an_error_before_its_findings(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(b"A mug.\nA cup \xff.\n")
    with pytest.raises(Exception, match="not UTF-8"):
        next(iter(lint_stream([str(path)], lambda name: LintConfig(), lines=True)))


def test_word_memos_start_again_at_their_limit() -> None:
    memo: dict[str, int] = {}
    for i in range(MEMO_LIMIT + 5):
        assert remember(memo, f"w{i}", i) == i
    assert len(memo) == 5 and memo[f"w{MEMO_LIMIT + 4}"] == MEMO_LIMIT + 4


def test_statistics_tally_matches_the_findings() -> None:
    found = _findings(40)
    tally = Tally(3)
    for d in found:
        tally.add(d)
    assert tally.summary() == summary(found, 3)


PEAK = """
import sys
from promptkit.cli import main
try:
    main()
finally:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK " + line.split()[1] + "\\n")
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_linting_ten_times_the_prompts_takes_little_more_memory(tmp_path, fmt) -> None:
    def peak_kib(n: int) -> int:
        path = tmp_path / f"p{n}.txt"
        # Every prompt brings a word of its own: the worst case for the linter's word memos.
        path.write_text("".join(f"A coffee mug number zq{i}x sits there.\n" for i in range(n)))
        done = subprocess.run(
            [sys.executable, "-c", PEAK, "lint", "--lines", "--format", fmt, str(path)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 1 and done.stdout.count("PK001") >= n
        return int(done.stderr.split("PEAK ")[-1])

    small, large = peak_kib(2_000), peak_kib(20_000)
    # Held all at once, 18,000 more prompts' findings and words took about 60 MB more.
    assert large - small < 15 * 1024, (small, large)
