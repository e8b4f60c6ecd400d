"""Every word of the workbook comes from jinja2 templates, one folder per language.

Each text is a ``{% block key %}`` of a template in ``templates/<language>/``;
the same keys exist in every language, so a language drops in as a folder.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

LANGUAGES = ("en", "zh-CN", "ru", "af")


def templates_dir() -> Path:
    """The installed package's templates, or the source checkout's (editable install)."""
    here = Path(__file__).resolve().parent
    candidates = [here / "templates"]
    if here.name == "generator":  # the source checkout: generator/ beside templates/
        candidates.append(here.parent / "templates")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("csmetrics templates folder is missing from the installation")


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates cached per user: compiling them is most of start-up.

    Jinja keys the cache on each template's source checksum, so an edited
    template is recompiled; an unwritable cache folder just means no cache.
    """
    from . import __version__

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "csmetrics" / f"jinja-{__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


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
            bytecode_cache=_bytecode_cache(),
        )
        self._names = sorted(p.name for p in folder.glob("*.j2"))
        self.used: set[str] = set()  # keys rendered so far, for the unused-key test
        self._contexts: dict[str | None, Any] = {}

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

    def update(self, **variables: Any) -> None:
        """Change workbook variables (e.g. once the language's defaults are known)."""
        self.variables.update(variables)
        self._contexts.clear()

    def keys(self) -> set[str]:
        return set(self._blocks)

    def __call__(self, key: str, **variables: Any) -> str:
        try:
            template, render = self._blocks[key]
        except KeyError:
            raise KeyError(f"text key {key!r} is missing for language {self.language!r}") from None
        self.used.add(key)
        if variables:
            context = template.new_context({**self.variables, **variables})
        else:  # most texts need only the workbook's variables: one context per template
            context = self._contexts.get(template.name)
            if context is None:
                context = self._contexts[template.name] = template.new_context(self.variables)
        return "".join(render(context)).strip()

    def has(self, key: str) -> bool:
        return key in self._blocks
