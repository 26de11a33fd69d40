"""The Diagnostic value: one finding at a place in a file, as every output format sees it.

A plain class with ``__slots__`` rather than a dataclass: ``dataclasses`` imports ``inspect``,
which alone costs a pre-commit hook several milliseconds per start.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is for the type checker only: the lint path starts without it
if TYPE_CHECKING:
    from typing import Any

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
FIELDS = ("path", "line", "column", "code", "name", "severity", "message", "help")


class Frozen:
    """Immutable, compared and hashed by value, like a frozen dataclass: the lint path's value
    classes name their fields in ``_fields`` and return them from ``_values()``."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def __setattr__(self, name: str, value: object) -> None:
        kind = type(self).__name__
        raise AttributeError(f"cannot assign to field {name!r}: a {kind} is immutable")

    def __delattr__(self, name: str) -> None:
        kind = type(self).__name__
        raise AttributeError(f"cannot delete field {name!r}: a {kind} is immutable")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self._values(), strict=True))
        return f"{type(self).__name__}({inner})"


class Diagnostic(Frozen):
    """One lint finding. ``line`` and ``column`` are 1-based positions in ``path``.

    Immutable, compared and hashed by value, like a frozen dataclass.
    """

    __slots__ = FIELDS
    _fields = FIELDS

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: str  # "error" | "warning" | "info"
    message: str
    help: str

    def __init__(
        self,
        path: str,
        line: int,
        column: int,
        code: str,
        name: str,
        severity: str,
        message: str,
        help: str,
    ) -> None:
        init = object.__setattr__
        init(self, "path", path)
        init(self, "line", line)
        init(self, "column", column)
        init(self, "code", code)
        init(self, "name", name)
        init(self, "severity", severity)
        init(self, "message", message)
        init(self, "help", help)

    def _values(self) -> tuple[str, int, int, str, str, str, str, str]:
        return (
            self.path,
            self.line,
            self.column,
            self.code,
            self.name,
            self.severity,
            self.message,
            self.help,
        )

    def __reduce__(self) -> tuple[type[Diagnostic], tuple[str, int, int, str, str, str, str, str]]:
        return (Diagnostic, self._values())

    def replace(self, **changes: Any) -> Diagnostic:
        """A copy with some fields changed (as ``dataclasses.replace`` does)."""
        values: dict[str, Any] = dict(zip(FIELDS, self._values(), strict=True))
        values.update(changes)
        return Diagnostic(**values)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the keys of the json output format."""
        return dict(zip(FIELDS, self._values(), strict=True))

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
