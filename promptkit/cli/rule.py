"""``promptkit rule NAME|CODE``: print a lint rule's documentation (or list every rule)."""

from __future__ import annotations

import click

from promptkit.errors import UsageError


@click.command(name="rule")
@click.argument("rule", required=False)
def command(rule: str | None) -> None:
    """Show the documentation of a lint rule, by code (PK001) or name (missing-motion)."""
    from promptkit.lint.registry import RULES, find

    if rule is None:
        for code, item in RULES.items():
            click.echo(f"{code}  {item.name:<26} {item.severity:<8} {item.summary()}")
        return
    found = find(rule)
    if found is None:
        raise UsageError(f"unknown rule {rule!r}: run 'promptkit rule' to list the rules")
    click.echo(f"# {found.code} {found.name} ({found.severity})\n")
    click.echo(found.doc())
