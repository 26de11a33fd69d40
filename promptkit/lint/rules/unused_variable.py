"""PK102 unused-variable: a template declares a variable it never uses."""

from __future__ import annotations

from promptkit.lint.rules.base import Rule


class UnusedVariable(Rule):
    """A template declares a variable that its body never uses.

    ## What it does
    Flags declared variables that no expression of the template body reads.

    ## Why is this bad?
    An eval that sweeps an unused variable pays for identical prompts: every choice renders
    the same text, and the A/B comparison measures only noise.

    ## Example
    ```
    ---
    variables:
      subject: {default: "a red fox"}
      mood: {choices: ["calm", "tense"]}
    ---
    {{ subject }} runs through fresh snow.
    ```

    ## Use instead
    ```
    ---
    variables:
      subject: {default: "a red fox"}
      mood: {choices: ["calm", "tense"]}
    ---
    {{ subject }} runs through fresh snow, {{ mood }} atmosphere.
    ```

    ## Source
    DESIGN.md (templates: variables with defaults and allowed values; variant expansion
    multiplies choices); PROMPTING.md §6.
    """

    code = "PK102"
    name = "unused-variable"
    severity = "warning"
    template_check = True
