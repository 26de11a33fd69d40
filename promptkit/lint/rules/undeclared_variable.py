"""PK101 undeclared-variable: a template uses a variable its front matter does not declare."""

from __future__ import annotations

from promptkit.lint.rules.base import Rule


class UndeclaredVariable(Rule):
    """A template uses a variable that its front matter does not declare.

    ## What it does
    Reads the template's variables (`jinja2.meta.find_undeclared_variables` through
    `promptkit.templates`) and flags every one missing from the declared `variables`.

    ## Why is this bad?
    Templates render with StrictUndefined: an undeclared variable has no default and no
    documented choices, so rendering fails in the eval run, after preflight, or a caller
    guesses its meaning.

    ## Example
    ```
    ---
    variables:
      subject: {default: "a red fox"}
    ---
    {{ subject }} runs through {{ place }}.
    ```

    ## Use instead
    ```
    ---
    variables:
      subject: {default: "a red fox"}
      place: {default: "a birch forest", choices: ["a birch forest", "fresh snow"]}
    ---
    {{ subject }} runs through {{ place }}.
    ```

    ## Source
    DESIGN.md (templates: front matter declares variables with defaults and allowed values;
    StrictUndefined); STYLE.md (jinja: `find_undeclared_variables` for template checks);
    PROMPTING.md §6 (rules run on the rendered prompt, so every variable needs a value).
    """

    code = "PK101"
    name = "undeclared-variable"
    severity = "error"
    template_check = True
