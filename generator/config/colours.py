"""Colour contrast by WCAG 2: which text stays readable on which fill.

Pure arithmetic on "#RRGGBB" strings, shared by the configuration check (a
title drawn in the primary colour) and the cell styles (text on brand fills).
"""

from __future__ import annotations

import re

COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
WHITE = "#FFFFFF"
DARK = "#1A1A1A"  # near-black text for light fills
TEXT_CONTRAST = 4.5  # WCAG 2 AA, normal text
LARGE_TEXT_CONTRAST = 3.0  # WCAG 2 AA, large text (the 16 pt bold title)


def is_colour(value: object) -> bool:
    """A colour written "#RRGGBB"."""
    return isinstance(value, str) and COLOUR.fullmatch(value) is not None


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "#RRGGBB": 0 for black, 1 for white."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                        for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(fill: str) -> str:
    """White text on ``fill`` when it reads (4.5:1), near-black otherwise; when
    neither reaches 4.5:1 (mid-tones), the one with the higher contrast."""
    on_white = contrast_ratio(WHITE, fill)
    if on_white >= TEXT_CONTRAST:
        return WHITE
    return DARK if contrast_ratio(DARK, fill) >= on_white else WHITE
