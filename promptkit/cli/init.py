"""``promptkit init``: scaffold a project (template, eval spec, settings, pre-commit hook)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="init")
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite the scaffold's own files if they exist.")
def command(folder: Path, force: bool) -> None:
    """Write a starter project into FOLDER (default: the current folder).

    Creates templates/my_shot.j2, evals/my_eval.yaml and prompts/first.prompt, adds a
    [tool.promptkit] table to pyproject.toml (only when it has none) and a
    .pre-commit-config.yaml that runs the lint hook. Nothing of yours is overwritten
    without --force, and pyproject.toml is only ever appended to.
    """
    from promptkit.scaffold import pre_commit_snippet, scaffold

    for step in scaffold(folder, force=force):
        note = f" ({step.note})" if step.note else ""
        click.echo(f"{step.action:<11} {folder / step.path}{note}")
        if step.path == ".pre-commit-config.yaml" and step.note.startswith("exists;"):
            click.echo("\n".join(f"    {line}" for line in pre_commit_snippet().splitlines()[1:]))
    where = "" if folder == Path(".") else f"cd {folder} && "
    click.echo(f"next: {where}promptkit lint && promptkit eval evals/my_eval.yaml")
