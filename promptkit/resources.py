"""Where the data promptkit ships lives: a source checkout's folder, or its copy in the wheel.

The built-in templates (``templates/``) and the example evals (``evals/``) are top-level folders
of the repository; the wheel carries them inside the package (``_builtin_templates``,
``_examples``), so an installed promptkit finds them without the checkout.
"""

from __future__ import annotations

from pathlib import Path

import promptkit


def shipped_dir(checkout_name: str, wheel_name: str) -> Path:
    """The checkout's ``checkout_name`` folder, else the installed package's ``wheel_name``."""
    package = Path(promptkit.__file__).resolve().parent
    checkout = package.parent
    # Only trust a top-level folder beside a pyproject.toml: in site-packages a stray folder of
    # that name may belong to another distribution.
    if (checkout / "pyproject.toml").is_file() and (checkout / checkout_name).is_dir():
        return checkout / checkout_name
    return package / wheel_name
