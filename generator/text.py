"""Every word of the workbook comes from jinja2 templates, one folder per language.

Each text is a ``{% block key %}`` of a template in ``templates/<language>/``;
the same keys exist in every language, so a language drops in as a folder.

Rendered texts are remembered per user, keyed on the templates' contents and the
workbook's variables, so that generating the same kind of workbook again needs
neither jinja2 nor the templates (most of the command's start-up otherwise).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .files import write_text_atomically

if TYPE_CHECKING:
    import jinja2


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


def cache_dir(kind: str) -> Path | None:
    """A per-user cache folder for this version, or None where none can be made."""
    if os.environ.get("CSMETRICS_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "csmetrics" / f"{kind}-{__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


class Text:
    """Renders text keys of one language with the workbook's variables."""

    def __init__(self, language: str = "en", **variables: Any):
        folder = templates_dir() / language
        if not folder.is_dir():
            raise ValueError(f"language {language!r} is not available")
        self.language = language
        self.variables = variables
        self._folder = folder
        self._names = sorted(p.name for p in folder.glob("*.j2"))
        self.used: set[str] = set()  # keys rendered so far, for the unused-key test
        self._contexts: dict[str | None, Any] = {}
        self._memo: dict[str, str] | None = None  # rendered texts of these variables
        self._dirty = False

    # rendering with jinja2 (only when a text is not remembered) -----------------
    @cached_property
    def _environment(self) -> jinja2.Environment:
        import jinja2

        folder = cache_dir("jinja")
        return jinja2.Environment(
            loader=jinja2.FileSystemLoader(self._folder),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            # compiled templates cached too; jinja keys them on the source checksum
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(folder)) if folder else None,
        )

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

    def _render(self, key: str, variables: dict[str, Any]) -> str:
        try:
            template, render = self._blocks[key]
        except KeyError:
            raise KeyError(f"text key {key!r} is missing for language {self.language!r}") from None
        if variables:
            context: jinja2.runtime.Context | None = template.new_context({**self.variables, **variables})
        else:  # most texts need only the workbook's variables: one context per template
            context = self._contexts.get(template.name)
            if context is None:
                context = self._contexts[template.name] = template.new_context(self.variables)
        return "".join(render(context)).strip()

    # remembered texts ---------------------------------------------------------
    @cached_property
    def _templates_digest(self) -> str:
        digest = hashlib.sha256()
        for name in self._names:
            digest.update(name.encode() + b"\0" + (self._folder / name).read_bytes() + b"\0")
        return digest.hexdigest()

    def _memo_path(self) -> Path | None:
        folder = cache_dir("texts")
        if folder is None:
            return None
        variables = json.dumps(self.variables, sort_keys=True, default=str)
        digest = hashlib.sha256((self._templates_digest + variables).encode()).hexdigest()
        return folder / f"{self.language}-{digest[:32]}.json"

    def _remembered(self) -> dict[str, str]:
        if self._memo is None:
            self._memo = {}
            path = self._memo_path()
            if path is not None and path.is_file():
                try:
                    self._memo = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    self._memo = {}
        return self._memo

    def save(self) -> None:
        """Remember the texts rendered so far (atomically; quietly skipped when the
        cache folder is not writable)."""
        if not self._dirty or self._memo is None:
            return
        path = self._memo_path()
        if path is None:
            return
        try:
            write_text_atomically(path, json.dumps(self._memo, ensure_ascii=False))
            self._dirty = False
        except OSError:
            pass  # a cache that cannot be written is no cache, not a failure

    # public -------------------------------------------------------------------
    def update(self, **variables: Any) -> None:
        """Change workbook variables (e.g. once the language's defaults are known)."""
        self.save()
        self.variables.update(variables)
        self._contexts.clear()
        self._memo = None

    def keys(self) -> set[str]:
        return set(self._blocks)

    def month_labels(self, starts: Iterable[dt.date]) -> list[str]:
        """Each month as the language labels it in headers ("Jan 2026")."""
        names = self("month_names").split()
        return [self("month_label", month_name=names[start.month - 1], year=start.year)
                for start in starts]

    def __call__(self, key: str, **variables: Any) -> str:
        self.used.add(key)
        memo_key = key + "\x1f" + json.dumps(variables, sort_keys=True, default=str) \
            if variables else key
        memo = self._remembered()
        if memo_key not in memo:
            memo[memo_key] = self._render(key, variables)
            self._dirty = True
        return memo[memo_key]
