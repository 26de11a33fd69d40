"""PK103 template-default: an eval spec leaves a template variable to its default."""

from __future__ import annotations

from promptkit.lint.rules.base import Rule


class TemplateDefault(Rule):
    """An eval spec leaves a variable its template uses to the template's default.

    ## What it does
    Expands the spec (`promptkit lint evals/x.yaml`) and flags, once per template and variable,
    every variable the template's body uses that the spec sets neither under `variables:` nor
    under `zip:`, showing the default the prompt will carry.

    ## Why is this bad?
    A template's defaults describe one example shot. A spec that sets the subject and keeps the
    default action, setting or surroundings sends prompts that do not read as one shot (a
    hummingbird that "pads across fresh snow, breath steaming from its muzzle"), and on a paid
    provider every one of them is billed. The rendered prompt, not the spec, is what the model
    sees.

    ## Example
    ```
    templates: [nature_documentary]
    variables:
      subject: [a hummingbird with an emerald throat]
    ```

    ## Use instead
    ```
    templates: [nature_documentary]
    variables:
      subject: [a hummingbird with an emerald throat]
      action: [hovers at a red trumpet flower and darts to the next bloom]
      habitat: [in a tropical garden in the late afternoon sun]
      # ... and every other variable the template uses
    ```

    ## Source
    DESIGN.md (templates: variables with defaults; variant expansion renders every variant);
    PROMPTING.md §6 (rules run on the rendered prompt).
    """

    code = "PK103"
    name = "template-default"
    severity = "warning"
    template_check = True
