"""Just enough of PNG and JPEG to check a logo and learn its size (no imaging library)."""

from __future__ import annotations

import struct
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
# JPEG start-of-frame markers carry the image size (not DHT/JPG/DAC: C4, C8, CC).
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels of a PNG or JPEG file; ValueError for anything else."""
    data = path.read_bytes()
    if data.startswith(PNG_SIGNATURE):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise ValueError("a damaged PNG file")
        width, height = struct.unpack(">II", data[16:24])
        return _checked(width, height)
    if data.startswith(JPEG_SIGNATURE):
        return _checked(*_jpeg_size(data))
    raise ValueError("not a PNG or JPEG image")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            raise ValueError("a damaged JPEG file")
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        index += 2 + length
    raise ValueError("a JPEG file without an image frame")


def _checked(width: int, height: int) -> tuple[int, int]:
    if width <= 0 or height <= 0:
        raise ValueError("an image of zero size")
    return width, height


def fit_scale(width: int, height: int, box_width: int, box_height: int) -> float:
    """Scale that fits the image in the box, keeping its aspect ratio."""
    return min(box_width / width, box_height / height)
