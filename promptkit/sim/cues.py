"""The simulator's own prompt cue parser: the motion, camera, particles and palette asked for.

This is deliberately small and independent of ``promptkit.lint`` (the linter judges prompts; the
simulator only needs a rough reading of them to decide what to draw) and of ``promptkit.metrics``
(the renderer's truth must come from the prompt, never from the scorer). Matching is on lowercase
words with a few multi-word phrases; the first cue of each kind wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Phrases asking for a truly frozen picture (identical frames).
_STILL = (
    "still frame",
    "frozen in time",
    "freeze frame",
    "freeze-frame",
    "still image",
    "still photograph",
    "static image",
    "frozen frame",
)

# (pattern, camera label); checked in order, the first match wins.
_CAMERA: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:static|locked[- ]off|fixed|stationary) camera\b|\bno camera (?:movement|motion)\b"
        r"|\bon a tripod\b|\bcamera (?:is|stays|remains) (?:static|still)\b",
        "static",
    ),
    (
        r"\bpan(?:s|ning|ned)?\s+(?:slowly\s+|quickly\s+)?(?:to\s+the\s+)?left\b"
        r"|\btruck(?:s|ing)?\s+left\b",
        "pan_left",
    ),
    (
        r"\bpan(?:s|ning|ned)?\s+(?:slowly\s+|quickly\s+)?(?:to\s+the\s+)?right\b"
        r"|\btruck(?:s|ing)?\s+right\b",
        "pan_right",
    ),
    (r"\btilt(?:s|ing|ed)?\s+(?:slowly\s+)?up(?:ward)?\b|\bcrane(?:s|ing)?\s+up\b", "tilt_up"),
    (
        r"\btilt(?:s|ing|ed)?\s+(?:slowly\s+)?down(?:ward)?\b|\bcrane(?:s|ing)?\s+down\b",
        "tilt_down",
    ),
    (r"\bzoom(?:s|ing|ed)?\s+(?:slowly\s+)?out\b", "zoom_out"),
    (r"\bzoom(?:s|ing|ed)?\s+(?:slowly\s+|quickly\s+)?(?:in|into)\b|\bzoom(?:s|ing)?\b", "zoom_in"),
    (r"\bdolly\s+out\b|\bpull(?:s|ing)?\s+(?:back|out)\b|\bdolly(?:ing)?\s+back\b", "dolly_out"),
    (r"\bdolly(?:\s+in)?\b|\bpush(?:es|ing)?\s+in\b|\bmoves?\s+closer\b", "dolly_in"),
    (r"\borbit(?:s|ing|ed)?\b|\bcircles?\s+around\b|\barc\s+shot\b|\b360\b", "orbit"),
    (r"\bhandheld\b|\bhand-held\b|\bshaky\b|\bcamera\s+shake\b|\bshaking\s+camera\b", "shake"),
    (r"\btracking\s+shot\b|\btracks?\b|\bfollows?\b|\bfollowing\b", "track"),
    (r"\bpan(?:s|ning|ned)?\b|\bsweep(?:s|ing)?\b", "pan_right"),
)

# subject verb stem -> (kind, base speed in frame-heights per second, default direction)
_ACTIONS: dict[str, tuple[str, float, str]] = {
    "walk": ("walk", 0.12, "right"),
    "stroll": ("walk", 0.08, "right"),
    "run": ("run", 0.35, "right"),
    "sprint": ("run", 0.5, "right"),
    "race": ("run", 0.5, "right"),
    "gallop": ("run", 0.4, "right"),
    "chase": ("run", 0.4, "right"),
    "speed": ("run", 0.5, "right"),
    "drive": ("run", 0.35, "right"),
    "ride": ("run", 0.3, "right"),
    "fly": ("fly", 0.3, "right"),
    "soar": ("fly", 0.25, "right"),
    "swim": ("walk", 0.15, "right"),
    "glide": ("walk", 0.15, "right"),
    "dance": ("bounce", 0.2, "up"),
    "jump": ("bounce", 0.3, "up"),
    "bounce": ("bounce", 0.25, "up"),
    "hop": ("bounce", 0.25, "up"),
    "spin": ("spin", 0.2, "right"),
    "twirl": ("spin", 0.2, "right"),
    "rotate": ("spin", 0.12, "right"),
    "turn": ("spin", 0.1, "right"),
    "fall": ("fall", 0.3, "down"),
    "drop": ("fall", 0.3, "down"),
    "climb": ("rise", 0.1, "up"),
    "rise": ("rise", 0.1, "up"),
    "ascend": ("rise", 0.12, "up"),
    "float": ("drift", 0.05, "right"),
    "drift": ("drift", 0.05, "right"),
    "sway": ("sway", 0.06, "right"),
    "wave": ("sway", 0.08, "right"),
    "roll": ("walk", 0.2, "right"),
    "move": ("walk", 0.12, "right"),
    "crawl": ("walk", 0.05, "right"),
    "march": ("walk", 0.12, "right"),
    "flutter": ("sway", 0.1, "right"),
    "leap": ("bounce", 0.35, "up"),
}
_ACTION_RE = re.compile(
    r"\b(" + "|".join(sorted(_ACTIONS, key=len, reverse=True)) + r")(?:s|es|ing|ed|ning|ping|d)?\b"
)

# words that scale the speed of whatever moves
_SLOW = re.compile(r"\b(?:slow(?:ly)?|gentl[ey]|gradual(?:ly)?|leisurely|lazily|calm(?:ly)?)\b")
_FAST = re.compile(
    r"\b(?:fast|quick(?:ly)?|rapid(?:ly)?|swift(?:ly)?|brisk(?:ly)?|furious(?:ly)?"
    r"|frantic(?:ally)?|energetic(?:ally)?|whip)\b"
)
_SLOW_MOTION = re.compile(r"\bslow[- ]motion\b|\bslow-mo\b")

_DIRECTIONS: tuple[tuple[str, str], ...] = (
    (r"\b(?:to the left|leftward|from right to left|towards? the left)\b", "left"),
    (r"\b(?:to the right|rightward|from left to right|towards? the right)\b", "right"),
    (r"\b(?:upward|upwards|into the sky|skyward)\b", "up"),
    (r"\b(?:downward|downwards|to the ground)\b", "down"),
)

# (pattern, particle kind)
_PARTICLES: tuple[tuple[str, str], ...] = (
    (r"\brain(?:s|ing|drops?|y|fall)?\b|\bdrizzle\b|\bdownpour\b|\bstorm\b", "rain"),
    (r"\bsnow(?:s|ing|flakes?|fall)?\b|\bblizzard\b", "snow"),
    (r"\bsmoke\b|\bsteam\b|\bmist\b|\bfog\b|\bvapou?r\b|\bsmoldering\b", "smoke"),
    (
        r"\bwaves?\b|\bsurf\b|\bocean\b|\briver\b|\bwaterfall\b|\bstream\b|\bripples?\b"
        r"|\bflowing water\b",
        "waves",
    ),
    (r"\bsparks?\b|\bembers?\b|\bfireworks?\b|\bfire\b|\bflames?\b", "sparks"),
    (r"\bleaves\b|\bpetals?\b|\bconfetti\b|\bdust\b|\bdebris\b|\bfeathers?\b", "debris"),
    (r"\bbubbles?\b", "bubbles"),
    (r"\bclouds?\b|\btime-?lapse\b|\bhyperlapse\b", "clouds"),
)

# (pattern, palette name); the first match wins
_PALETTES: tuple[tuple[str, str], ...] = (
    (r"\bnoir\b|\bblack and white\b|\bmonochrome\b|\bgr[ae]yscale\b", "mono"),
    (r"\bneon\b|\bcyberpunk\b|\bnight\b|\bmidnight\b|\bmoonlit\b", "neon"),
    (r"\bgolden hour\b|\bsunset\b|\bsunrise\b|\bwarm\b|\bdawn\b|\bdusk\b|\bcandle", "golden"),
    (r"\bovercast\b|\bfoggy\b|\bgloomy\b|\bmelanchol|\bmuted\b|\bdesaturated\b", "muted"),
    (r"\bunderwater\b|\bocean\b|\bteal\b|\bsea\b|\bcoastal\b", "teal"),
    (r"\bforest\b|\bjungle\b|\bmeadow\b|\bgrass\b|\bgarden\b", "green"),
    (r"\bwinter\b|\bicy\b|\bcold\b|\bsnow", "cold"),
    (r"\banime\b|\bvibrant\b|\bcolou?rful\b|\bpastel\b", "vivid"),
)


@dataclass(frozen=True)
class Cues:
    """What a prompt asks to see move, and how it should look."""

    still: bool = False
    camera: str | None = None
    action: str | None = None
    action_kind: str | None = None
    direction: str | None = None
    speed_factor: float = 1.0
    base_speed: float = 0.0
    particles: tuple[str, ...] = ()
    palette: str = "natural"
    matched: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_motion(self) -> bool:
        """True when anything in the picture is asked to move."""
        if self.still:
            return False
        moving_camera = self.camera is not None and self.camera != "static"
        return moving_camera or self.action is not None or bool(self.particles)

    def to_dict(self) -> dict[str, object]:
        return {
            "still": self.still,
            "camera": self.camera,
            "action": self.action,
            "direction": self.direction,
            "speed_factor": self.speed_factor,
            "particles": list(self.particles),
            "palette": self.palette,
            "matched": list(self.matched),
        }


def parse_cues(prompt: str) -> Cues:
    """Read the motion, camera, particle and palette cues of ``prompt`` (case-insensitive)."""
    text = " ".join(prompt.lower().split())
    matched: list[str] = []
    still = any(p in text for p in _STILL)
    if still:
        matched.append("still")
    camera = None
    for pattern, label in _CAMERA:
        m = re.search(pattern, text)
        if m:
            camera = label
            matched.append(m.group(0))
            break
    action = kind = direction = None
    base = 0.0
    m = _ACTION_RE.search(text)
    if m:
        action = m.group(1)
        kind, base, direction = _ACTIONS[action]
        matched.append(m.group(0))
    for pattern, label in _DIRECTIONS:
        if re.search(pattern, text):
            direction = label
            break
    factor = 1.0
    if _SLOW_MOTION.search(text):
        factor = 0.4
    elif _SLOW.search(text):
        factor = 0.5
    elif _FAST.search(text):
        factor = 2.0
    particles = tuple(label for pattern, label in _PARTICLES if re.search(pattern, text))
    palette = next((label for pattern, label in _PALETTES if re.search(pattern, text)), "natural")
    return Cues(
        still=still,
        camera=camera,
        action=action,
        action_kind=kind,
        direction=direction,
        speed_factor=factor,
        base_speed=base,
        particles=particles[:2],
        palette=palette,
        matched=tuple(matched),
    )
