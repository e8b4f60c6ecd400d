"""What older csmetrics versions wrote into their workbooks, so that regeneration
tells an older version's own text from text a team typed beside the layout.

``legacy/layout-<n>-texts.json`` holds, per language, every text that version
writes, with the company, title and currency symbol as placeholders and digits
as "#" (``scripts/legacy_texts.py`` made it from that version's own writer).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

_FOLDER = Path(__file__).resolve().parent / "legacy"
_DIGIT = re.compile(r"\d")


def normalised(text: str) -> str:
    """A text as the legacy sets hold it: digits (years, scales) as "#"."""
    return _DIGIT.sub("#", text)


@cache
def _texts(layout: int) -> dict[str, tuple[str, ...]]:
    path = _FOLDER / f"layout-{layout}-texts.json"
    if not path.is_file():
        return {}
    data: dict[str, dict[str, list[str]]] = json.loads(path.read_text(encoding="utf-8"))
    return {language: tuple(texts) for language, texts in data["texts"].items()}


def legacy_texts(layout: int, language: str, company: str, title: str,
                 currency_symbol: str) -> frozenset[str] | None:
    """Every text a workbook of that older layout and language holds, filled in
    with its company, title and currency and normalised; None when the layout's
    texts are unknown."""
    texts = _texts(layout).get(language)
    if texts is None:
        return None
    values = {"{company}": company, "{title}": title, "{currency}": currency_symbol}
    filled = set()
    for text in texts:
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        filled.add(normalised(text))
    return frozenset(filled)
