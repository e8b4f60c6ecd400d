"""Resolution: a configuration checked once, with its language's defaults filled in.

A ``Config`` leaves company, title, categories, channels, font and currency to
the language where they are ``None``. Every command resolves its configuration
here exactly once (``resolve``); the writer, the carry-over and the reader take
the ``Resolved`` result and never look a default up again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from ..text import Text
from .choices import SHEET_KEYS
from .settings import Config, ConfigError, config_problems


@dataclass(frozen=True, eq=False)
class Resolved:
    """A valid configuration with no language default left open, its texts and
    its sheet names (configured or the language's)."""

    config: Config
    text: Text
    sheet_names: dict[str, str]


def resolve(config: Config, origin: Path | None = None) -> Resolved:
    """Check ``config`` and fill in its language's defaults; every problem is one
    line, prefixed with the configuration file (``origin``) it came from."""
    problems = config_problems(config)
    if not problems:
        text = text_for(config)
        config = resolve_config(config, text)
        text.update(company=config.company, title=config.title, currency=config.money.symbol)
        sheet_names = resolved_sheet_names(config, text)
        problems = sheet_name_problems(config, sheet_names)
    if problems:
        if origin is None:
            raise ConfigError("; ".join(problems))
        raise ConfigError("\n".join(f"{origin}: {problem}" for problem in problems))
    return Resolved(config, text, sheet_names)


def text_for(config: Config) -> Text:
    """The texts of the configuration's language, with its variables."""
    scales = config.scales
    return Text(
        config.language,
        company=config.company,
        title=config.title,
        year=config.year,
        currency=config.money.symbol,
        csat_scale=scales.csat_points,
        csat_satisfied_from=scales.csat_satisfied_from,
        ces_scale=scales.ces_points,
        ces_easy_from=scales.ces_easy_from,
        hours=config.hours,
    )


def resolve_config(config: Config, text: Text | None = None) -> Config:
    """The configuration with its language's default categories, channels and font."""
    if None not in (config.categories, config.channels, config.font, config.company, config.title,
                    config.currency):
        return config
    text = text or text_for(config)
    return replace(
        config,
        company=config.company or text("default_company"),
        title=config.title or text("default_title"),
        categories=config.categories or tuple(text("default_categories").split("|")),
        channels=config.channels or tuple(text("default_channels").split("|")),
        font=config.font or text("default_font"),
        currency=config.currency or text("default_currency"),
    )


@cache
def language_defaults(language: str) -> Config:
    """A language's own defaults (company, title, categories, channels, currency),
    for telling a default apart from a team's choice when the language changes."""
    return resolve_config(Config(language=language))


def resolved_sheet_names(config: Config, text: Text) -> dict[str, str]:
    return {key: config.sheet_names.get(key) or text(f"sheet_{key}") for key in SHEET_KEYS}


def sheet_name_problems(config: Config, names: dict[str, str]) -> list[str]:
    """Two sheets may not share a name (case-insensitively); the configured one is
    the one reported, since a language's own names never collide."""
    seen: dict[str, str] = {}
    problems = []
    for key in sorted(SHEET_KEYS, key=lambda k: k in config.sheet_names):
        name = names[key]
        if name.casefold() in seen:
            problems.append(f"sheets.{key} = {name!r}: the {seen[name.casefold()]} sheet is "
                            "called that already (names match case-insensitively)")
        seen.setdefault(name.casefold(), key)
    return problems
