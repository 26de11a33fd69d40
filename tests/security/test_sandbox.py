"""Known Jinja sandbox-escape payloads are refused with one line, and run nothing.

Each payload is the body of a template file rendered with ``promptkit render <file>``: the
answer is exit 2 and one ``error:`` line (``refused by the sandbox`` for attribute tricks), no
traceback, and the command the payload tries to run leaves no trace on disk.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from promptkit.cli import main

FRONT = (
    '{#---\ndescription: payload\nvariables:\n  subject: {description: s, default: "a fox"}\n'
    "---#}\n"
)
MARK = "pk-sandbox-escaped"
# (payload, the words the error must contain)
PAYLOADS = {
    "class of a string": ("{{ ''.__class__ }}", "refused by the sandbox"),
    "mro subclasses": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "refused by the sandbox"),
    "tuple base subclasses": ("{{ ().__class__.__base__.__subclasses__() }}",
                              "refused by the sandbox"),
    "cycler globals os": ("{{ cycler.__init__.__globals__.os.system('touch " + MARK + "') }}",
                          "refused by the sandbox"),
    "joiner globals": ("{{ joiner.__init__.__globals__ }}", "refused by the sandbox"),
    "namespace globals": ("{{ namespace.__init__.__globals__ }}", "refused by the sandbox"),
    "lipsum globals os": ("{{ lipsum.__globals__['os'].popen('touch " + MARK + "').read() }}",
                          "refused by the sandbox"),
    "attr filter": ("{{ subject|attr('__class__') }}", "refused by the sandbox"),
    "format string attribute": ("{{ '{0.__class__}'.format(subject) }}", "refused by the sandbox"),
    "format_map": ("{{ '{a.__class__}'.format_map({'a': subject}) }}", "refused by the sandbox"),
    "loop over subclasses": ("{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}"
                             "{% endfor %}", "refused by the sandbox"),
    "self context": ("{{ self._TemplateReference__context }}", "refused by the sandbox"),
    "function globals": ("{{ range.__globals__ }}", "refused by the sandbox"),
    "set then read dunder": ("{% set x = subject %}{{ x.__doc__ }}", "refused by the sandbox"),
    "include an absolute path": ('{% include "/etc/passwd" %}', "/etc/passwd"),
    "include by climbing": ('{% include "../../../../etc/passwd" %}', "etc/passwd"),
    "huge range": ("{{ range(10**9)|list|length }}", "range"),
    "undefined config object": ("{{ config.items() }}", "undefined"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_sandbox_escape_payload_is_refused_in_one_line(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    payload, words = PAYLOADS[name]
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "payload.j2"
    path.write_text(FRONT + "A fox runs. " + payload + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["render", str(path)])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2 and out == ""
    (line,) = err.splitlines()
    assert line.startswith("error: ") and words in line and "Traceback" not in err
    assert not (tmp_path / MARK).exists() and not Path(MARK).exists()
