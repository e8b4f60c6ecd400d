"""Every word of the workbook comes from jinja2 templates, one folder per language.

Each text is a ``{% block key %}`` of a template in ``templates/<language>/``;
the same keys exist in every language, so a language drops in as a folder.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

LANGUAGES = ("en",)


def templates_dir() -> Path:
    """The installed package's templates, or the source checkout's."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("csmetrics templates folder is missing from the installation")


class Text:
    """Renders text keys of one language with the workbook's variables."""

    def __init__(self, language: str = "en", **variables: Any):
        folder = templates_dir() / language
        if not folder.is_dir():
            raise ValueError(f"language {language!r} is not available")
        self.language = language
        self.variables = variables
        self._environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folder),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )
        self._names = sorted(p.name for p in folder.glob("*.j2"))
        self.used: set[str] = set()  # keys rendered so far, for the unused-key test

    @cached_property
    def _blocks(self) -> dict[str, tuple[jinja2.Template, Any]]:
        blocks: dict[str, tuple[jinja2.Template, Any]] = {}
        for name in self._names:
            template = self._environment.get_template(name)
            for key, render in template.blocks.items():
                if key in blocks:
                    raise ValueError(f"text key {key!r} is defined twice ({name})")
                blocks[key] = (template, render)
        return blocks

    def keys(self) -> set[str]:
        return set(self._blocks)

    def __call__(self, key: str, **variables: Any) -> str:
        try:
            template, render = self._blocks[key]
        except KeyError:
            raise KeyError(f"text key {key!r} is missing for language {self.language!r}") from None
        self.used.add(key)
        context = template.new_context({**self.variables, **variables})
        return "".join(render(context)).strip()

    def has(self, key: str) -> bool:
        return key in self._blocks
