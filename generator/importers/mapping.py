"""From an export's columns to ticket rows: which column holds each record field
(the source's aliases, under ``[import.columns]``), and the SQL that reads them.

The SQL of a file selects one row per export row with the record's fields typed
(timestamps as TIMESTAMPTZ, durations in hours, CSAT as rated/satisfied) and, for a
row that cannot be used, the reason, column and value (``problem``,
``problem_column``, ``problem_value``). Values that are unreadable but not needed
to count the ticket (a reply count of "n/a") are read as unknown and kept in
``bad_*`` columns for the summary's notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError
from .options import DURATION_UNITS, ImportOptions
from .reading import InputFile, quote_name, sql_string
from .sources import all_sources, source
from .sources.base import DURATION_FIELDS, FIELDS, TIMESTAMP_FIELDS, UNITS_PER_HOUR, Source, normalise
from .timestamps import Reading, Shape, decide_order, reading_for, shape_of

SAMPLE_ROWS = 2000
TIMESTAMP_COLUMNS = (*TIMESTAMP_FIELDS, "timestamp")
OPEN_STATUSES = ("open", "new", "pending", "on hold", "hold", "snoozed", "in progress", "active",
                 "reopened", "waiting on customer", "waiting on third party", "awaiting info")
CSAT_GOOD = ("good", "good with comment", "satisfied", "very satisfied", "extremely satisfied",
             "positive", "awesome", "happy", "great", "amazing", "yes", "thumbs up", "👍", "😀", "🙂")
CSAT_BAD = ("bad", "bad with comment", "unsatisfied", "dissatisfied", "very dissatisfied",
            "extremely dissatisfied", "very unsatisfied", "negative", "not good", "unhappy", "poor",
            "terrible", "no", "thumbs down", "👎", "😞", "🙁")
CSAT_NEUTRAL = ("just okay", "okay", "ok", "neutral", "neither satisfied nor dissatisfied", "average",
                "😐")
CSAT_UNRATED = ("offered", "unoffered", "not offered", "not rated", "none", "n/a", "na", "-", "null",
                "not answered")
TRUE_WORDS = ("y", "yes", "true", "1", "solved", "resolved", "closed", "x")
ROW_COLUMNS = ("file_index", "row_no", "id", "created", "first_reply", "solved", "solved_exact", "updated",
               "status", "channel", "category", "agent", "replies", "reopens", "csat_rated",
               "csat_satisfied", "frt_calendar", "frt_business", "resolution_calendar",
               "resolution_business", "frt_sla_clock", "resolution_sla_clock", "problem_code",
               "problem_value", "bad_code", "bad_value")


@dataclass
class FilePlan:
    """How one file is read."""

    file: InputFile
    source: Source
    columns: dict[str, tuple[str, ...]]  # record field -> the file's column(s)
    units: dict[str, str]  # duration field -> unit
    readings: dict[str, Reading] = field(default_factory=dict)

    def described_columns(self) -> dict[str, str]:
        return {name: " + ".join(cols) for name, cols in self.columns.items()}


def recognise(file: InputFile) -> Source:
    """The source whose headers the file has (``--source auto``)."""
    headers = {normalise(h): h for h in file.headers}
    scored = sorted(((s.score(headers), s.name) for s in all_sources() if s.markers), reverse=True)
    best_score, best = scored[0]
    if best_score >= 2 and scored[1][0] < best_score:
        return source(best)
    shown_headers = ", ".join(repr(h) for h in file.headers[:40]) + (" …" if len(file.headers) > 40 else "")
    if best_score >= 2:
        raise UsageError(f"{file.path}: the header row fits {best} and {scored[1][1]} alike; give "
                         f"--source (source = \"...\" in [import])")
    raise UsageError(
        f"{file.path}: the header row is not one of a known helpdesk export (zendesk, freshdesk, "
        f"intercom, hubspot, jira, servicenow, an event log); headers seen: {shown_headers}. "
        f"Map them with source = \"generic\" and an [import.columns] table, e.g. id = \"...\", "
        f"created = \"...\", solved = \"...\", first_reply = \"...\" (or first_reply_minutes), "
        f"channel, category, agent, csat")


def plan_file(file: InputFile, options: ImportOptions, connection: Any) -> FilePlan:
    """The plan for ``file``: its source, its columns, how its timestamps read."""
    if options.source == "auto":
        chosen = (source("generic") if _generic_mapping_only(options) and not _recognisable(file)
                  else recognise(file))
    else:
        chosen = source(options.source)
    columns, units = _columns(file, chosen, options)
    plan = FilePlan(file, chosen, columns, units)
    plan.readings = _readings(plan, options, connection)
    return plan


def _generic_mapping_only(options: ImportOptions) -> bool:
    mapping = options.mapped_columns()
    return "id" in mapping and ("created" in mapping or "timestamp" in mapping)


def _recognisable(file: InputFile) -> bool:
    headers = {normalise(h): h for h in file.headers}
    return any(s.score(headers) >= 2 for s in all_sources() if s.markers)


def _columns(file: InputFile, chosen: Source, options: ImportOptions
             ) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    headers = {normalise(h): h for h in file.headers}
    exact = {h: h for h in file.headers}
    columns: dict[str, tuple[str, ...]] = {}
    units = dict(chosen.units)
    for name in FIELDS:
        if (column := chosen.column_for(name, headers)) is not None:
            columns[name] = (column,)
    missing = []
    for key, value in options.mapped_columns().items():
        names = (value,) if isinstance(value, str) else tuple(value)
        found = []
        for name in names:
            real = exact.get(name) or headers.get(normalise(name))
            if real is None:
                missing.append(f"{key} = {name!r}")
            found.append(real or name)
        field_name, unit = _field_of(key)
        columns[field_name] = tuple(found)
        if unit:
            units[field_name] = unit
    if missing:
        raise UsageError(f"{file.path}: [import.columns] names columns the file does not have "
                         f"({'; '.join(missing)}); its headers are: "
                         + ", ".join(repr(h) for h in file.headers))
    required = ("id", "activity", "timestamp") if chosen.events else ("id", "created")
    lacking = [name for name in required if name not in columns]
    if lacking:
        looked = "; ".join(f"{name}: {', '.join(map(repr, chosen.fields.get(name, ()))) or 'no alias'}"
                           for name in lacking)
        raise UsageError(f"{file.path}: read as {chosen.name}, but no column holds the ticket's "
                         f"{' and '.join(lacking)} (looked for {looked}); its headers are: "
                         + ", ".join(repr(h) for h in file.headers)
                         + ". Name the column in [import.columns], e.g. "
                         + ", ".join(f'{name} = "..."' for name in lacking))
    return columns, units


def _field_of(key: str) -> tuple[str, str | None]:
    """The record field and unit of an ``[import.columns]`` key."""
    for unit in DURATION_UNITS:
        if key.endswith("_" + unit):
            base = key[: -len(unit) - 1]
            return {"first_reply": "frt_calendar", "resolution": "resolution_calendar"}.get(base, base), unit
    return key, None


# timestamps ---------------------------------------------------------------------------------
def _readings(plan: FilePlan, options: ImportOptions, connection: Any) -> dict[str, Reading]:
    fields = [f for f in TIMESTAMP_COLUMNS if f in plan.columns]
    if not fields:
        return {}
    if options.timestamp_format:
        return {f: reading_for(Shape("format"), None, options.timestamp_format) for f in fields}
    texts = {f: text_sql(plan, f) for f in fields}
    select = ", ".join(f"{texts[f]} AS {quote_name(f)}" for f in fields)
    sample = connection.execute(f"SELECT {select} FROM {plan.file.relation} LIMIT {SAMPLE_ROWS}").fetchall()
    shapes: dict[str, Shape] = {}
    for position, name in enumerate(fields):
        values = [row[position] for row in sample if row[position] is not None]
        if name == "solved":
            values = [v for v in values if v not in plan.source.not_solved]
        column = " + ".join(plan.columns[name])
        found = shape_of(column, values, str(plan.file.path))
        if found is not None:
            shapes[name] = found
    numeric = {name: s for name, s in shapes.items() if s.kind == "numeric"}
    day_first = None
    if numeric:
        named = {" + ".join(plan.columns[n]): s for n, s in numeric.items()}
        day_first = decide_order(str(plan.file.path), named, _full_scan(plan, numeric, texts, connection))
    return {name: reading_for(shapes.get(name, Shape("iso")), day_first, None) for name in fields}


def _full_scan(plan: FilePlan, numeric: Mapping[str, Shape], texts: Mapping[str, str],
               connection: Any) -> Sequence[tuple[bool, bool]]:
    """(a first field above 12, a second above 12) over the whole file, run lazily."""
    class Lazy:
        def __iter__(self) -> Any:
            parts = []
            for name, shape in numeric.items():
                separator = sql_string(shape.separator)
                text = texts[name]
                parts.append(f"max(try_cast(split_part({text}, {separator}, 1) AS INTEGER)) > 12")
                parts.append(f"max(try_cast(split_part({text}, {separator}, 2) AS INTEGER)) > 12")
            row = connection.execute(f"SELECT {', '.join(parts)} FROM {plan.file.relation}").fetchone()
            flags = [bool(v) for v in row]
            yield any(flags[0::2]), any(flags[1::2])
    return Lazy()  # type: ignore[return-value]


# SQL of one file ---------------------------------------------------------------------------
# Fields read as numbers or times: DuckDB's casts and strptime ignore surrounding spaces,
# so their text is not trimmed first (trimming every cell of a large file costs).
UNTRIMMED = (*TIMESTAMP_COLUMNS, "replies", "reopens")


def text_sql(plan: FilePlan, name: str) -> str:
    """The text of field ``name``, trimmed unless a cast reads it (NULL when blank or a
    null word)."""
    columns = plan.columns[name]
    if len(columns) == 1:
        text = quote_name(columns[0])
    else:
        text = "concat_ws(' ', " + ", ".join(quote_name(c) for c in columns) + ")"
    duration = name in DURATION_FIELDS and plan.units.get(name) != "hms"
    if not (name in UNTRIMMED or duration) or (name == "solved" and plan.source.not_solved):
        text = f"trim({text})"
    if not plan.source.null_values:
        return f"nullif({text}, '')"
    nulls = ", ".join(sql_string(v) for v in ("", *plan.source.null_values))
    return f"CASE WHEN trim({text}) IN ({nulls}) THEN NULL ELSE {text} END"


def _duration_sql(text: str, unit: str) -> str:
    """Hours from a duration's text (NULL when unreadable or negative)."""
    if unit == "hms":
        hms = (f"CASE WHEN regexp_full_match({text}, '-?\\d+:\\d{{1,2}}(:\\d{{1,2}}(\\.\\d+)?)?') THEN "
               f"(CASE WHEN starts_with({text}, '-') THEN -1 ELSE 1 END) * ("
               f"CAST(split_part(ltrim({text}, '-'), ':', 1) AS DOUBLE)"
               f" + CAST(split_part({text}, ':', 2) AS DOUBLE) / 60"
               f" + coalesce(try_cast(nullif(split_part({text}, ':', 3), '') AS DOUBLE), 0) / 3600)"
               f" ELSE try_cast({text} AS DOUBLE) END")
        return hms
    return f"try_cast({text} AS DOUBLE) / {UNITS_PER_HOUR[unit]}"


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# Why a row is not counted, by code (the rows table keeps the code, the summary the text),
# and the record field whose column the example shows.
PROBLEMS = {1: ("no ticket id", "id"), 2: ("no creation time", "created"),
            3: ("unparseable timestamp", "created"), 4: ("unparseable timestamp", "first_reply"),
            5: ("unparseable timestamp", "solved"), 6: ("unparseable timestamp", "closed"),
            7: ("unparseable timestamp", "updated"), 8: ("solved before created", "solved"),
            9: ("first reply before created", "first_reply")}
# Values read as unknown (the ticket still counts), by code: the field of the column.
UNREADABLE = ("replies", "reopens", *DURATION_FIELDS, "csat")


def problem_of(plan: FilePlan, code: int) -> tuple[str, str]:
    """The reason and the file's column of a problem code."""
    reason, name = PROBLEMS[code]
    if plan.source.events and name == "created":
        name = "timestamp"
    if name == "solved" and name not in plan.columns:
        name = "closed"
    return reason, _name(plan, name)


def unreadable_column(plan: FilePlan, code: int) -> str:
    return _name(plan, UNREADABLE[code])


def ticket_rows_sql(plan: FilePlan, options: ImportOptions) -> str:
    """The rows of a ticket export: ROW_COLUMNS, one row per export row, in its order."""
    has = plan.columns.__contains__
    texts = {name: text_sql(plan, name) for name in plan.columns}
    constants = {k: v for k, v in options.values.items() if k in ("channel", "category", "agent", "status")}
    # no row numbers here (a window over the whole file would read it on one thread): a
    # file's rows keep their order in the rows table, whose rowid numbers them
    raw_parts = [f"{text} AS t_{name}" for name, text in texts.items()] or ["NULL AS t_none"]
    raw = f"SELECT {', '.join(raw_parts)} FROM {plan.file.relation}"

    def t(name: str) -> str:
        return f"t_{name}" if has(name) else "NULL::VARCHAR"

    def ts(name: str) -> str:
        if not has(name):
            return "NULL::TIMESTAMPTZ"
        text = t(name)
        if name == "solved" and plan.source.not_solved:
            text = (f"CASE WHEN {text} IN ({', '.join(map(sql_string, plan.source.not_solved))}) "
                    f"THEN NULL ELSE {text} END")
        return plan.readings[name].sql(text)

    def duration(name: str) -> str:
        if not has(name):
            return "NULL::DOUBLE"
        if name in ("frt_sla_clock", "resolution_sla_clock"):  # time left: negative when breached
            return _duration_sql(t(name), "hms")
        hours = _duration_sql(t(name), plan.units.get(name, "hours"))
        return f"CASE WHEN ({hours}) >= 0 THEN ({hours}) END"

    def number(name: str) -> str:
        if not has(name):
            return "NULL::INTEGER"
        number = f"try_cast({t(name)} AS DOUBLE)"
        return f"CASE WHEN {number} >= 0 THEN try_cast({number} AS INTEGER) END"

    def text_or_constant(name: str) -> str:
        if has(name):
            return t(name)
        return sql_string(str(constants[name]).strip()) if name in constants else "NULL::VARCHAR"

    csat = _csat_kind_sql(plan, options) if has("csat") else "0"
    solved_flag = (f"lower({t('solved_flag')}) IN ({', '.join(map(sql_string, TRUE_WORDS))})"
                   if has("solved_flag") else "false")
    open_status = (f"lower({t('status')}) IN ({', '.join(map(sql_string, OPEN_STATUSES))})"
                   if has("status") else "false")
    not_solved = (f" AND {t('solved')} NOT IN ({', '.join(map(sql_string, plan.source.not_solved))})"
                  if plan.source.not_solved else "")
    parsed_name = {"created": "created", "first_reply": "first_reply", "solved": "solved_at",
                   "closed": "closed_at", "updated": "updated"}
    # the first unusable thing about a row, in the order of PROBLEMS
    # the first unusable thing about a row, in the order of PROBLEMS: (code, condition)
    checks = [("1", f"{t('id')} IS NULL"), ("2", f"{t('created')} IS NULL"),
              # an untrimmed creation time of spaces only is blank, not unparseable
              (f"CASE WHEN trim({t('created')}) = '' THEN 2 ELSE 3 END", "created IS NULL")]
    for code, name in ((4, "first_reply"), (5, "solved"), (6, "closed"), (7, "updated")):
        if has(name):
            checks.append((str(code), f"{t(name)} IS NOT NULL AND {parsed_name[name]} IS NULL"
                                      + (not_solved if name == "solved" else "")))
    checks += [("8", "solved < created"), ("9", "first_reply < created")]
    problem = "CASE " + " ".join(f"WHEN {c} THEN {code}" for code, c in checks) + " END"
    values = {1: "NULL", 2: "NULL", 3: t("created"), 4: t("first_reply"), 5: t("solved"), 6: t("closed"),
              7: t("updated"), 8: f"coalesce({t('solved')}, {t('closed')})", 9: t("first_reply")}
    problem_value = ("CASE problem_code "
                     + " ".join(f"WHEN {code} THEN {value}" for code, value in values.items()) + " END")
    unreadable = []
    for code, name in enumerate(UNREADABLE):
        if has(name) and name == "csat":
            unreadable.append((code, "csat_kind < 0", t(name)))
        elif has(name):
            unreadable.append((code, f"{t(name)} IS NOT NULL AND {name} IS NULL", t(name)))
    bad_code = ("CASE " + " ".join(f"WHEN {c} THEN {code}" for code, c, _ in unreadable) + " END"
                if unreadable else "NULL")
    bad_value = ("CASE bad_code " + " ".join(f"WHEN {code} THEN {v}" for code, _, v in unreadable) + " END"
                 if unreadable else "NULL")
    # a yes/no column: solved when created, or after the resolution time where one is given
    flagged = (", CASE WHEN flagged THEN created + to_seconds(coalesce(resolution_calendar, 0) * 3600) END"
               if has("solved_flag") else "")
    solved_exact = ("NOT (solved_at IS NULL AND closed_at IS NULL AND flagged "
                    "AND resolution_calendar IS NULL)" if has("solved_flag") else "true")
    kept_texts = ", ".join(f"t_{n}" for n in texts)
    return f"""
    WITH raw AS ({raw}),
    parsed AS (
        SELECT {kept_texts}{',' if texts else ''}
            {ts('created')} AS created, {ts('first_reply')} AS first_reply,
            {ts('solved')} AS solved_at, {ts('closed')} AS closed_at, {ts('updated')} AS updated,
            {duration('frt_calendar')} AS frt_calendar, {duration('frt_business')} AS frt_business,
            {duration('resolution_calendar')} AS resolution_calendar,
            {duration('resolution_business')} AS resolution_business,
            {duration('frt_sla_clock')} AS frt_sla_clock,
            {duration('resolution_sla_clock')} AS resolution_sla_clock,
            {number('replies')} AS replies, {number('reopens')} AS reopens,
            {csat} AS csat_kind, {solved_flag} AS flagged, {open_status} AS open_status
        FROM raw),
    timed AS (
        SELECT *,
            CASE WHEN open_status THEN NULL ELSE coalesce(solved_at, closed_at{flagged}) END AS solved,
            {solved_exact} AS solved_exact
        FROM parsed),
    checked AS (SELECT *, {problem} AS problem_code, {bad_code} AS bad_code FROM timed)
    SELECT {plan.file.index} AS file_index, NULL::BIGINT AS row_no, {t('id')} AS id, created, first_reply,
        solved, solved_exact, updated, {text_or_constant('status')} AS status,
        {text_or_constant('channel')} AS channel, {text_or_constant('category')} AS category,
        {text_or_constant('agent')} AS agent, replies, reopens,
        csat_kind >= 1 AS csat_rated, csat_kind = 2 AS csat_satisfied,
        frt_calendar, frt_business, resolution_calendar, resolution_business, frt_sla_clock,
        resolution_sla_clock, CAST(problem_code AS TINYINT) AS problem_code,
        CAST({problem_value} AS VARCHAR) AS problem_value,
        CAST(bad_code AS TINYINT) AS bad_code, CAST({bad_value} AS VARCHAR) AS bad_value
    FROM checked"""


def _csat_kind_sql(plan: FilePlan, options: ImportOptions) -> str:
    """A CSAT value on the workbook's scale: 2 satisfied, 1 rated and not satisfied,
    0 not rated (blank, "offered", a configured blank value), -1 unreadable."""
    text = "t_csat"
    values = options.values
    blank = _listed(values.get("csat_blank"))
    blank_words = [str(v).strip().casefold() for v in blank if isinstance(v, str)]
    blank_numbers = [float(v) for v in blank if not isinstance(v, str)]
    good = [*CSAT_GOOD, *(str(v).strip().casefold() for v in _listed(values.get("csat_good")))]
    bad = [*CSAT_BAD, *(str(v).strip().casefold() for v in _listed(values.get("csat_bad")))]
    in_list = lambda items: "(" + ", ".join(sql_string(i) for i in items) + ")"  # noqa: E731
    score = f"try_cast({text} AS DOUBLE)"
    blank_score = (f" OR {score} IN ({', '.join(map(repr, blank_numbers))})" if blank_numbers else "")
    return (f"CASE WHEN {text} IS NULL THEN 0"
            f" WHEN lower({text}) IN {in_list([*CSAT_UNRATED, *blank_words])}{blank_score} THEN 0"
            f" WHEN {score} BETWEEN 1 AND {options.csat_points}"
            f" THEN CASE WHEN {score} >= {options.csat_satisfied_from} THEN 2 ELSE 1 END"
            f" WHEN lower({text}) IN {in_list(good)} THEN 2"
            f" WHEN lower({text}) IN {in_list([*bad, *CSAT_NEUTRAL])} THEN 1 ELSE -1 END")


def _name(plan: FilePlan, name: str) -> str:
    return " + ".join(plan.columns.get(name, (name,)))


def event_rows_sql(plans: Sequence[FilePlan], options: ImportOptions) -> str:
    """Tickets of event logs (all files together: a case's events may be split over
    several monthly files), as ROW_COLUMNS; events that cannot be used are rows of
    their own with a problem."""
    def constant(name: str) -> str:
        return sql_string(str(options.values[name]).strip()) if name in options.values else "NULL::VARCHAR"

    selects = []
    for plan in plans:
        has = plan.columns.__contains__
        t = lambda n, p=plan: text_sql(p, n) if n in p.columns else "NULL::VARCHAR"  # noqa: E731
        reading = plan.readings["timestamp"]
        selects.append(f"""
        SELECT {plan.file.index} AS file_index, row_number() OVER () + 1 AS row_no, {t('id')} AS id,
            {t('activity')} AS activity, {t('timestamp')} AS t_timestamp,
            {reading.sql(t('timestamp'))} AS ts, {t('agent')} AS agent,
            {t('channel') if has('channel') else constant('channel')} AS channel,
            {t('category') if has('category') else constant('category')} AS category
        FROM {plan.file.relation}""")
    listed = lambda items: "(" + ", ".join(map(sql_string, items)) + ")" if items else "(NULL)"  # noqa: E731
    created_filter = (f"min(ts) FILTER (WHERE activity IN {listed(options.created_activities)})"
                      if options.created_activities else "NULL")
    return f"""
    WITH events AS ({' UNION ALL '.join(selects)}),
    bad AS (
        SELECT file_index, row_no, id,
            CASE WHEN id IS NULL THEN 1 WHEN t_timestamp IS NULL THEN 2 ELSE 3 END AS problem_code,
            CASE WHEN id IS NULL THEN NULL ELSE t_timestamp END AS problem_value
        FROM events WHERE id IS NULL OR ts IS NULL
    ),
    good AS (
        SELECT *, activity IN {listed(options.solved_activities)} AS solving,
            activity IN {listed(options.first_reply_activities)} AS replying
        FROM events WHERE id IS NOT NULL AND ts IS NOT NULL
    ),
    ordered AS (
        SELECT *, solving AND NOT coalesce(lag(solving) OVER case_order, false) AS solve_starts,
            row_number() OVER (PARTITION BY id ORDER BY ts DESC, file_index DESC, row_no DESC) = 1
                AS last_event
        FROM good
        WINDOW case_order AS (PARTITION BY id ORDER BY ts, file_index, row_no)
    ),
    tickets AS (
        SELECT min(file_index) AS file_index, min(row_no) AS row_no, id,
            coalesce({created_filter}, min(ts)) AS created,
            min(ts) FILTER (WHERE replying) AS first_reply,
            CASE WHEN bool_or(last_event AND solving) THEN max(ts) FILTER (WHERE solve_starts) END AS solved,
            max(ts) AS updated,
            CAST(count(*) FILTER (WHERE replying) AS INTEGER) AS replies,
            CAST(count(*) FILTER (WHERE solve_starts)
                 - CASE WHEN bool_or(last_event AND solving) THEN 1 ELSE 0 END AS INTEGER) AS reopens,
            coalesce(arg_max(agent, ts) FILTER (WHERE solving AND agent IS NOT NULL),
                     arg_max(agent, ts) FILTER (WHERE replying AND agent IS NOT NULL)) AS agent,
            arg_max(activity, ts) AS status,
            arg_max(channel, ts) FILTER (WHERE channel IS NOT NULL) AS channel,
            arg_max(category, ts) FILTER (WHERE category IS NOT NULL) AS category
        FROM ordered GROUP BY id
    )
    SELECT file_index, row_no, id, created, first_reply, solved, true AS solved_exact, updated, status,
        channel, category, agent, replies, reopens, false AS csat_rated, false AS csat_satisfied,
        NULL::DOUBLE AS frt_calendar, NULL::DOUBLE AS frt_business, NULL::DOUBLE AS resolution_calendar,
        NULL::DOUBLE AS resolution_business, NULL::DOUBLE AS frt_sla_clock,
        NULL::DOUBLE AS resolution_sla_clock,
        NULL::TINYINT AS problem_code, NULL::VARCHAR AS problem_value,
        NULL::TINYINT AS bad_code, NULL::VARCHAR AS bad_value
    FROM tickets
    UNION ALL
    SELECT file_index, row_no, id, NULL, NULL, NULL, true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false,
        false, NULL, NULL, NULL, NULL, NULL, NULL, CAST(problem_code AS TINYINT), problem_value, NULL, NULL
    FROM bad"""
