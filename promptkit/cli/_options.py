"""Options shared by several commands, declared once so their spelling and defaults agree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from promptkit.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])


def format_option(help: str, choices: tuple[str, ...] = ("text", "json")) -> Callable[[F], F]:
    """``--format`` (stored as ``fmt``): how a command prints its result; ``text`` by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


def parse_pairs(
    items: tuple[str, ...], flag: str, lists: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """``("k=v", ...)`` from a repeated ``flag`` as a dict (last one wins).

    Keys in ``lists`` collect every value instead: each repetition adds one.
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"{flag} {item!r}: expected KEY=VALUE")
        if key in lists:
            out.setdefault(key, []).append(value)
        else:
            out[key] = value
    return out
