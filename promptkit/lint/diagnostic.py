"""The Diagnostic value: one finding at a place in a file, as every output format sees it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One lint finding. ``line`` and ``column`` are 1-based positions in ``path``."""

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: str  # "error" | "warning" | "info"
    message: str
    help: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the keys of the json output format."""
        return asdict(self)

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
