"""The pixel size of a report's pictures, read from their file headers.

The page gives every picture its ``width`` and ``height`` so the browser can lay a card out
before the picture arrives (pictures load only as their card scrolls into view): without them a
page of a thousand cards would shift under the reader's eyes, and every not-yet-loaded picture
would count as on screen at once. The scorer writes JPEG (and PNG) files; reading a few hundred
bytes of each is far cheaper than decoding it, and needs no imaging library.
"""

from __future__ import annotations

import struct
from pathlib import Path

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (baseline, progressive, ...): they carry the picture's size.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_HEAD = 64 * 1024  # a JPEG's frame header follows its EXIF/JFIF segments, well within this


def image_size(path: Path) -> tuple[int, int] | None:
    """``(width, height)`` of a PNG or JPEG file, or None (missing, unreadable, other format)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError:
        return None
    if head.startswith(PNG_MAGIC) and head[12:16] == b"IHDR" and len(head) >= 24:
        width, height = struct.unpack(">II", head[16:24])
        return (width, height) if width and height else None
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _SOF:
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return (width, height) if width and height else None
        at += 2 + length
    return None
