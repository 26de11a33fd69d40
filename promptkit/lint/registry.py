"""The code table: every rule's code (prefix "PK" + three digits), stable name and class.

Codes never change meaning and names never change spelling: configuration, suppressions and
stored eval results refer to them. PK0xx check prompt text; PK1xx check templates and specs.
"""

from __future__ import annotations

from promptkit.lint.rules.base import Rule
from promptkit.lint.rules.conflicting_camera_moves import ConflictingCameraMoves
from promptkit.lint.rules.dialogue_overload import DialogueOverload
from promptkit.lint.rules.filler_words import FillerWords
from promptkit.lint.rules.missing_camera import MissingCamera
from promptkit.lint.rules.missing_lighting import MissingLighting
from promptkit.lint.rules.missing_motion import MissingMotion
from promptkit.lint.rules.missing_style import MissingStyle
from promptkit.lint.rules.negation import Negation
from promptkit.lint.rules.params_in_prose import ParamsInProse
from promptkit.lint.rules.scene_overload import SceneOverload
from promptkit.lint.rules.static_request import StaticRequest
from promptkit.lint.rules.template_default import TemplateDefault
from promptkit.lint.rules.too_long import TooLong
from promptkit.lint.rules.too_short import TooShort
from promptkit.lint.rules.undeclared_variable import UndeclaredVariable
from promptkit.lint.rules.unrendered_placeholder import UnrenderedPlaceholder
from promptkit.lint.rules.unused_variable import UnusedVariable
from promptkit.lint.rules.vague_subject import VagueSubject

PREFIX = "PK"

_CLASSES: tuple[type[Rule], ...] = (
    MissingMotion,  # PK001
    StaticRequest,  # PK002
    VagueSubject,  # PK003
    TooShort,  # PK004
    MissingCamera,  # PK005
    MissingLighting,  # PK006
    MissingStyle,  # PK007
    ConflictingCameraMoves,  # PK008
    Negation,  # PK009
    ParamsInProse,  # PK010
    TooLong,  # PK011
    FillerWords,  # PK012
    UnrenderedPlaceholder,  # PK013
    DialogueOverload,  # PK014
    SceneOverload,  # PK015
    UndeclaredVariable,  # PK101
    UnusedVariable,  # PK102
    TemplateDefault,  # PK103
)

RULES: dict[str, Rule] = {cls.code: cls() for cls in _CLASSES}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES.values()}


def find(key: str) -> Rule | None:
    """A rule by code ("PK001", any case) or name ("missing-motion")."""
    return RULES.get(key.upper()) or BY_NAME.get(key.lower())


def resolve(selector: str) -> set[str]:
    """Codes matched by a selector: a code, a code prefix ("PK0", "PK"), a name, or "ALL"."""
    key = selector.strip()
    if key.upper() == "ALL":
        return set(RULES)
    rule = find(key)
    if rule is not None:
        return {rule.code}
    upper = key.upper()
    if upper.startswith(PREFIX):
        matched = {code for code in RULES if code.startswith(upper)}
        if matched:
            return matched
    return set()
