"""Reading ``csmetrics.toml``: every key checked, one clear message per problem.

A message names the file, the key, the value and what is allowed; an unknown key
gets a "did you mean". Nothing is written when any problem is found.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import shown
from ..images import image_size
from ..model.agents import AGENTS
from ..model.catalog import KPI_BY_ID, KPIS
from ..model.scales import EASY_FROM, SATISFIED_FROM, Scales
from ..model.selection import PRESETS
from ..text import templates_dir
from .choices import (
    LANGUAGES,
    MAX_AGENTS,
    MAX_COMPANY,
    MAX_NAME,
    MAX_NAMES,
    MAX_TITLE,
    MONTH_RANGE,
    SHEET_KEYS,
    YEAR_RANGE,
    YEARS_RANGE,
)
from .colours import LARGE_TEXT_CONTRAST, WHITE, contrast_ratio, is_colour
from .resolve import language_defaults
from .settings import (
    CURRENCIES,
    DEFAULT_SLA,
    HOURS_BASES,
    Config,
    ConfigError,
    gross_margin_problem,
    names_count_problem,
    sheet_name_problem,
    sla_problem,
    target_problem,
)

Check = Callable[[Any], str | None]  # returns a problem, or None when the value is fine


def _describe(value: Any) -> str:
    kind = {bool: "true/false", int: "a number", float: "a number", str: "text",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
    return f"{shown(value)} ({kind})"


def _integer(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"expected a whole number from {low} to {high}"
        return None if low <= value <= high else f"must be from {low} to {high}"
    return check


def _canonical(value: Any, options: tuple[Any, ...]) -> Any:
    """The option ``value`` names, matching text case-insensitively ("zh-cn" is
    "zh-CN", "usd" is "USD"); ``value`` itself when it names none."""
    if isinstance(value, str):
        return next((o for o in options if isinstance(o, str) and o.casefold() == value.casefold()),
                    value)
    return value


def _choice(options: tuple[Any, ...]) -> Check:
    def check(value: Any) -> str | None:
        if _canonical(value, options) in options and not isinstance(value, bool):
            return None
        return "allowed: " + ", ".join('"" (the language\'s default)' if o == "" else str(o)
                                       for o in options)
    return check


def _text(limit: int, empty_ok: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "expected text in quotes"
        if not value.strip() and not empty_ok:
            return "must not be empty"
        if "\n" in value or "\r" in value:
            return "must be on one line"
        return None if len(value) <= limit else f"is {len(value)} characters long; at most {limit}"
    return check


def _target(kpi_id: str) -> Check:
    """The rule of ``config_problems``, which applies to a target set in Python too."""
    return lambda value: target_problem(kpi_id, value)


def _sla(name: str) -> Check:
    """The rule of ``config_problems``, which applies to SLA settings set in Python too."""
    return lambda value: sla_problem(name, value)


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "expected true or false"


def _colour(value: Any) -> str | None:
    if is_colour(value):
        return None
    return 'expected a colour written "#RRGGBB", e.g. "#1F4E79"'


def _title_colour(value: Any) -> str | None:
    """The title is drawn in the primary colour on white: large bold text, 3:1."""
    if problem := _colour(value):
        return problem
    contrast = contrast_ratio(value, WHITE)
    if contrast >= LARGE_TEXT_CONTRAST:
        return None
    rounded_down = int(contrast * 100) / 100  # never "3.00:1, needs 3:1"
    return (f"too light for the title drawn in it on white (contrast {rounded_down:.2f}:1, "
            f"needs {LARGE_TEXT_CONTRAST:g}:1); choose a darker colour")


def _names(value: Any, limit: int = MAX_NAMES) -> str | None:
    if not isinstance(value, list) or not value:
        return "expected a non-empty list of names in quotes"
    if problem := names_count_problem(value, limit):
        return problem
    seen: set[str] = set()
    for name in value:
        problem = _text(MAX_NAME)(name)
        if problem:
            return f"name {shown(name)} {problem}"
        if name.strip().casefold() in seen:
            return f"name {shown(name)} appears twice (names match case-insensitively)"
        seen.add(name.strip().casefold())
    return None


def _metrics(value: Any) -> str | None:
    if value == "all":
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return 'expected "all" or a non-empty list of metric ids'
    known = [*KPI_BY_ID, AGENTS]
    unknown = [v for v in value if v not in known]
    if unknown:
        hints = [_did_you_mean(v, known) for v in unknown]
        return "unknown metric " + "; ".join(f"{shown(v)}{h}"
                                             for v, h in zip(unknown, hints, strict=True)) \
            + " (metric ids: " + ", ".join(known) + ")"
    if all(v == AGENTS for v in value):
        return "name at least one KPI besides \"agents\""
    return None


TOP_LEVEL: dict[str, Check] = {
    "company": _text(MAX_COMPANY, empty_ok=True),
    "title": _text(MAX_TITLE, empty_ok=True),
    "language": _choice(LANGUAGES),
    "logo": _text(4096, empty_ok=True),
    "font": _text(60, empty_ok=True),
    "currency": _choice(("", *CURRENCIES)),
    "year": _integer(*YEAR_RANGE),
    "start_month": _integer(*MONTH_RANGE),
    "years": _integer(*YEARS_RANGE),
    "author": _text(255, empty_ok=True),
    "benchmarks": _boolean,
    "gross_margin": gross_margin_problem,
    "metrics": _metrics,
    "preset": _choice(PRESETS),
    "agents": lambda value: _names(value, MAX_AGENTS),
    "agent_rows": _integer(1, MAX_AGENTS),
}
TABLES: dict[str, dict[str, Check]] = {
    "colors": {"primary": _title_colour, "accent": _colour},
    "surveys": {"csat_scale": _choice((5, 7, 10)), "csat_satisfied_from": _integer(1, 10),
                "ces_scale": _choice((5, 7)), "ces_easy_from": _integer(1, 7)},
    "tickets": {"categories": _names, "channels": _names},
    "targets": {kpi.id: _target(kpi.id) for kpi in KPIS},
    "sheets": {key: sheet_name_problem for key in SHEET_KEYS},
    "sla": {**{name.removeprefix("sla_"): _sla(name) for name in DEFAULT_SLA},
            "hours": _choice(HOURS_BASES)},
}


# Tables only `csmetrics import` reads; `generate` leaves them to it.
IMPORT_TABLES = ("import", "business_hours")


def read_tables(path: Path) -> dict[str, Any]:
    """The parsed TOML of a configuration file, as it is (ConfigError when it
    cannot be read or is not TOML)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))  # a BOM (Notepad) is fine
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the configuration: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _did_you_mean(key: str, known: Any) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def read_config(path: Path, base: Config | None = None) -> Config:
    """The configuration in ``path`` applied over ``base`` (the defaults)."""
    raw = read_tables(path)
    problems: list[str] = []
    values = _checked(raw, path, problems)
    if not problems:  # each key is fine: what they say together is resolve()'s to check
        config = _apply(values, base or Config(), path.parent, problems)
    if problems:
        raise ConfigError("\n".join(f"{path}: {p}" for p in problems))
    return config


def _checked(raw: dict[str, Any], path: Path, problems: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in TABLES:
            if not isinstance(value, dict):
                problems.append(f"[{key}] must be a table, got {_describe(value)}")
                continue
            for sub, sub_value in value.items():
                check = TABLES[key].get(sub)
                if check is None:
                    problems.append(f"unknown key {shown(f'{key}.{sub}')}"
                                    f"{_did_you_mean(sub, TABLES[key])};"
                                    f" allowed: {', '.join(TABLES[key])}")
                elif problem := check(sub_value):
                    problems.append(f"{key}.{sub} = {_describe(sub_value)}: {problem}")
                else:
                    values[f"{key}.{sub}"] = sub_value
        elif key in TOP_LEVEL:
            if problem := TOP_LEVEL[key](value):
                problems.append(f"{key} = {_describe(value)}: {problem}")
            else:
                values[key] = value
        elif key in IMPORT_TABLES:
            continue  # the import's tables: checked by the import (importers.options)
        else:
            known = [*TOP_LEVEL, *TABLES, *IMPORT_TABLES]
            problems.append(f"unknown key {shown(key)}{_did_you_mean(key, known)}")
    return values


def _apply(values: dict[str, Any], base: Config, folder: Path, problems: list[str]) -> Config:
    for key in ("company", "title", "font", "currency"):
        if key in values and not values[key].strip():
            values.pop(key)  # empty: the language's default
    for key, options in (("language", LANGUAGES), ("currency", tuple(CURRENCIES))):
        if key in values:
            values[key] = _canonical(values[key], options)
    plain = {key: values[key] for key in ("company", "title", "language", "font", "currency",
                                          "year", "start_month", "years", "author", "benchmarks",
                                          "gross_margin", "preset", "agent_rows") if key in values}
    config = replace(base, **plain)
    if "agents" in values:
        config = replace(config, agents=tuple(name.strip() for name in values["agents"]))
    if "metrics" in values:
        config = replace(config, metrics=None if values["metrics"] == "all"
                         else tuple(values["metrics"]))
    if "logo" in values:
        config = replace(config, logo=_logo(values["logo"], folder, problems))
    colours = {f"{k}_color": values[f"colors.{k}"] for k in ("primary", "accent")
               if f"colors.{k}" in values}
    config = replace(config, **colours)
    config = replace(config, scales=_scales(values, config.scales, problems))
    for key in ("categories", "channels"):
        if f"tickets.{key}" in values:
            names: Any = tuple(n.strip() for n in values[f"tickets.{key}"])
            config = replace(config, **{key: names})
    targets = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("targets.")}
    if targets:
        config = replace(config, targets=targets)
    sla = {name: values[f"sla.{name.removeprefix('sla_')}"] for name in DEFAULT_SLA
           if f"sla.{name.removeprefix('sla_')}" in values}
    if sla:
        config = replace(config, sla={**config.sla, **sla})
    if "sla.hours" in values:
        config = replace(config, hours=values["sla.hours"])
    sheets = {k.split(".", 1)[1]: v.strip() for k, v in values.items() if k.startswith("sheets.")}
    if sheets:
        config = replace(config, sheet_names=sheets)
    return config


def _logo(value: str, folder: Path, problems: list[str]) -> str | None:
    if not value.strip():
        return None
    path = (folder / value).expanduser()
    try:
        found = path.is_file()
    except OSError as error:  # a name too long for the file system, say
        problems.append(f"logo = {shown(value)}: {error.strerror or 'cannot be read'}")
        return None
    if not found:
        problems.append(f"logo = {shown(value)}: file not found ({_cut_path(path)})")
        return None
    try:
        image_size(path)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        problems.append(f"logo = {shown(value)}: {reason}; allowed: a PNG or JPEG image")
        return None
    return str(path.resolve())


def _cut_path(path: Path, limit: int = 120) -> str:
    """A path for a message: its end (the file's name) kept when it is long."""
    text = str(path)
    return text if len(text) <= limit else "…" + text[-limit:]


def _scales(values: dict[str, Any], scales: Scales, problems: list[str]) -> Scales:
    csat = values.get("surveys.csat_scale", scales.csat_points)
    ces = values.get("surveys.ces_scale", scales.ces_points)
    satisfied = values.get("surveys.csat_satisfied_from",
                           SATISFIED_FROM[csat] if "surveys.csat_scale" in values
                           else scales.csat_satisfied_from)
    easy = values.get("surveys.ces_easy_from",
                      EASY_FROM[ces] if "surveys.ces_scale" in values else scales.ces_easy_from)
    if not 2 <= satisfied <= csat:
        problems.append(f"surveys.csat_satisfied_from = {satisfied}: must be from 2 to the "
                        f"CSAT scale ({csat})")
    if not 2 <= easy <= ces:
        problems.append(f"surveys.ces_easy_from = {easy}: must be from 2 to the CES scale ({ces})")
    return Scales(csat, satisfied, ces, easy)


def starter_config(file_name: str = "csmetrics.toml") -> str:
    """A commented ``csmetrics.toml`` documenting every key with its default."""
    import jinja2

    config = language_defaults("en")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir()),
                                     keep_trailing_newline=True, autoescape=False)
    return environment.get_template("csmetrics.toml.j2").render(
        file_name=file_name, config=config, languages=LANGUAGES, currencies=list(CURRENCIES),
        kpi_ids=list(KPI_BY_ID), font=config.font, categories=list(config.categories or ()),
        channels=list(config.channels or ()), targets=sorted(config.targets.items()),
        max_names=MAX_NAMES, sla=config.sla,
    )
