"""How promptkit cuts a prompt into words (shared by the analysis and the tagger's build)."""

from __future__ import annotations

# A word: letters and digits, with inner apostrophes ("woman's", "don't") and hyphens
# ("close-up", "rain-streaked") kept inside one token.
TOKEN = r"[A-Za-z0-9][A-Za-z0-9'’]*(?:-[A-Za-z0-9'’]+)*"
