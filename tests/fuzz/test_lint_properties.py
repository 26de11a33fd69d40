"""The linter never crashes on any text, and its findings always point inside the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promptkit.cli import main
from promptkit.lint import lint_prompt
from tests.fuzz.conftest import FUZZ, FUZZ_FEW

WORDS = st.sampled_from([
    "camera", "pans", "left", "no", "not", "without", "slowly", "{{ x }}", "{%", "#", "noqa",
    "promptkit:", "PK001", "8 seconds", "16:9", "4K", "sunset", "fox", "runs", "\n", "\t", "—",
    '"', "'", "...", "é", "🦊", "\u200b", "\r\n", "a" * 60,
])  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(WORDS, max_size=60).map(" ".join),
)


@FUZZ
@given(text=TEXT, duration=st.one_of(st.none(), st.integers(1, 15)),
       refs=st.integers(0, 7))  # fmt: skip
def test_lint_prompt_never_raises_and_positions_are_inside_the_text(
    text: str, duration: int | None, refs: int
) -> None:
    findings = lint_prompt(text, duration=duration, reference_images=refs)
    lines = text.count("\n") + text.count("\r") + 1
    for d in findings:
        assert 1 <= d.line <= lines and d.column >= 1
        assert d.code.startswith("PK") and d.message and "\n" not in d.message


@FUZZ_FEW
@given(data=st.binary(max_size=300))
def test_lint_command_on_any_file_exits_0_or_1_without_a_traceback(
    data: bytes, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    path: Path = tmp_path_factory.mktemp("lint") / "prompt.txt"
    path.write_bytes(data)
    capsys.readouterr()
    try:
        main(["lint", str(path)])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    # 2 is allowed only as the one-line "cannot read" answer to undecodable bytes.
    assert code in (0, 1) or (code == 2 and len(captured.err.strip().splitlines()) == 1)
