"""``run_import``: from export files to monthly figures, in DuckDB.

The steps, each a query over the one before (the aggregations are the ``.sql`` files
beside this module, one per concern):

1. every file becomes rows of the ticket record (``mapping``), unusable rows keeping
   their reason; event logs are grouped into tickets first;
2. ``tickets``: the usable rows, one per ticket id (the latest update wins);
3. ``timed``: each ticket's times on the chosen hours basis (the helpdesk's own
   durations where the export has them, else from the timestamps: calendar, or
   business hours on the schedule, vectorised as business clocks);
4. ``facts``: months, SLA outcomes, category and channel names;
5. the monthly, volume, channel, agent and observed (span) figures.

Decisions the spec leaves open, made here once:

- Months are the workbook's timezone's (the ``timezone`` option, default UTC). The
  months given figures run from the month of the earliest ticket created to the month
  of "now", the export's latest timestamp (``months`` narrows or widens them; a month
  outside what the export covers gets blanks, never zeros).
- Stock figures (open at start and end, aged) are counted at the month's boundaries
  in that timezone; the month holding "now" is counted at "now" (month to date).
  ``tickets_open_start`` is blank for a month when the export holds no ticket created
  before it (the backlog before the export is unknown), and the summary says so.
- First-reply SLA: tickets received in the month that were replied (met when within
  the target) plus those still unreplied at "now" and already past the target.
  Resolution SLA: tickets solved in the month (met when within the target) plus
  tickets still open at "now" and past the target, each counted once, in the month in
  which its target passed (counting it in every later month too would count one
  breach many times). Targets are strict: a reply at exactly the target is met.
- A ticket whose first reply or solution is before its creation is skipped, with its
  own reason: its timeline is impossible and any figure made from it would be wrong.
  Durations, reply counts and ratings that cannot be read are taken as unknown (the
  ticket still counts) and listed in the notes.
- Medians and 90th percentiles are ``quantile_cont``: linear interpolation between
  the closest ranks, as Excel's PERCENTILE.INC / MEDIAN and Zendesk Explore's and
  Intercom's reports compute them (the median of an even count is the mean of the
  two middle values).
- The one-touch rule (exactly one agent reply, no reopen) uses the reopen count where
  the export has one; without it, replies alone decide, and a note says so.
- Agents' first response is by created month (as the tracker's frt_hours), their
  solved figures by solved month, so that agents plus "unassigned" add up to the team.
- Categories and channels: the most frequent names of the tickets created in the
  months imported, at most ``max_categories`` / ``max_channels`` columns (default 12)
  including "Other", which takes the rest and the blanks.
- Durations are between instants: a day is 24 hours, also the aging threshold's days
  across a clock change. The waiting time of a ticket still open is counted on the
  chosen basis from its timestamps (on the business basis, on the configured
  schedule: an export carries no duration for what has not happened yet).
- A figure the export cannot give is blank (None) with a note: no first-reply column
  at all (Jira, ServiceNow), no reply or reopen count, no rating, or only the other
  hours basis. A local time that occurs twice when the clocks go back is read as its
  second occurrence, one skipped when they go forward with the offset before the
  change (ICU's reading).
- A yes/no ``solved_flag`` marks a ticket solved when it was created (or after its
  resolution duration, where one is mapped); its resolution time is unknown otherwise.
- Row numbers in the examples are the export's records as a spreadsheet shows them
  (the header is row 1; a quoted value over several lines is one row); malformed CSV
  rows are cited by their line in the file.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .mapping import (
    FilePlan,
    event_rows_sql,
    plan_file,
    problem_of,
    text_sql,
    ticket_rows_sql,
    unreadable_column,
)
from .options import ImportOptions, options_problems
from .reading import open_input, sql_string
from .result import FileRead, ImportResult, ImportSummary, Monthly, SkippedRow, Span

Progress = Callable[[str, float], None]  # (what is being done, fraction done 0..1)
EXAMPLES_PER_REASON = 3
MEMORY_LIMIT = "1GB"  # DuckDB spills to the scratch folder past it
MONTHLY_INPUTS = ("tickets_new", "frt_hours", "frt_median_hours", "frt_p90_hours", "frt_sla_measured",
                  "frt_sla_met", "tickets_resolved", "tickets_fcr", "tickets_reopened", "agent_replies",
                  "art_hours", "art_median_hours", "art_p90_hours", "res_sla_measured", "res_sla_met",
                  "csat_responses", "csat_satisfied", "tickets_open_start", "tickets_open_end",
                  "tickets_aged")
OBSERVED = ("frt_median_hours", "frt_p90_hours", "art_median_hours", "art_p90_hours")
CHANNEL_INPUTS = ("chan_frt_hours", "chan_csat_responses", "chan_csat_satisfied")
AGENT_MEASURES = ("agent_solved", "agent_fcr", "agent_reopened", "agent_replies", "agent_frt_hours",
                  "agent_frt_count", "agent_csat_responses", "agent_csat_satisfied")
FRT_FIGURES = ("frt_hours", "frt_median_hours", "frt_p90_hours", "frt_sla_measured", "frt_sla_met")
ART_FIGURES = ("art_hours", "art_median_hours", "art_p90_hours", "res_sla_measured", "res_sla_met")


def sql_file(name: str) -> str:
    """The text of ``sql/<name>.sql`` (package data)."""
    return resources.files(__package__).joinpath("sql", f"{name}.sql").read_text("utf-8")


SpansOf = Callable[[list[dt.date]], Sequence[Span]]


def run_import(paths: Sequence[Path], options: ImportOptions,
               spans: Sequence[Span] | SpansOf | None = None,
               progress: Progress | None = None) -> ImportResult:
    """The monthly figures of the exports in ``paths``.

    ``spans`` are the quarter and year columns whose medians and 90th percentiles
    are computed from their own tickets (``result.fiscal_spans`` makes them for
    fiscal years), or a function giving them for the months the export covers (a
    new workbook's periods follow the data); ``progress`` is called with a stage
    and the fraction done. Any problem with the options or the files raises
    UsageError, one line per problem."""
    if problems := options_problems(options):
        raise UsageError("\n".join(problems))
    if not paths:
        raise UsageError("no export given: name one or more CSV, Excel or JSON-lines files")
    import duckdb

    with tempfile.TemporaryDirectory(prefix="csmetrics-import-") as scratch:
        connection = duckdb.connect(config={"temp_directory": scratch, "memory_limit": MEMORY_LIMIT})
        try:
            connection.execute(f"SET TimeZone = {sql_string(options.zone)}")
            return _Import(connection, options, Path(scratch), progress).run(
                [Path(p) for p in paths], spans if callable(spans) else list(spans or ()))
        except duckdb.Error as error:
            raise UsageError(f"the import failed: {str(error).splitlines()[0]}") from None
        finally:
            connection.close()


class _Import:
    """One import's state: the connection, the options and the summary being made."""

    def __init__(self, connection: Any, options: ImportOptions, scratch: Path,
                 progress: Progress | None) -> None:
        self.connection = connection
        self.options = options
        self.scratch = scratch
        self.progress = progress
        self.summary = ImportSummary(hours=options.hours, timezone=options.zone)
        self.lacking: set[str] = set()  # record fields no file holds
        self.tickets_kind = "VIEW"  # tickets is a view of rows unless an id repeats
        self.earliest: dt.datetime | None = None  # the first ticket's creation
        self.basis_counts = (0, 0, 0, 0)  # replied, with a first-reply time, solved, with a resolution time

    # running queries ------------------------------------------------------------------------
    def execute(self, sql: str, stage: str = "", parameters: Sequence[Any] | None = None) -> Any:
        """Run ``sql``; with a progress callback, report DuckDB's progress while it runs."""
        if self.progress is None or not stage:
            return self.connection.execute(sql, parameters or [])
        done = threading.Event()
        callback = self.progress

        def watch() -> None:
            while not done.wait(0.2):
                fraction = self.connection.query_progress()
                if fraction >= 0:
                    callback(stage, min(fraction / 100, 1.0))

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            return self.connection.execute(sql, parameters or [])
        finally:
            done.set()
            watcher.join()
            callback(stage, 1.0)

    def query(self, sql: str, stage: str = "") -> tuple[list[str], list[tuple[Any, ...]]]:
        """The column names and rows of ``sql`` (fetched at once: the connection's next
        query would replace them)."""
        cursor = self.execute(sql, stage)
        columns = [d[0] for d in cursor.description]
        return columns, cursor.fetchall()

    def scalar(self, sql: str) -> Any:
        row = self.connection.execute(sql).fetchone()
        return row[0] if row else None

    # the steps ---------------------------------------------------------------------------------
    def run(self, paths: list[Path], spans: list[Span] | SpansOf) -> ImportResult:
        files = [open_input(self.connection, path, index, self.scratch) for index, path in enumerate(paths)]
        plans = [plan_file(file, self.options, self.connection) for file in files]
        self._read_rows(plans)
        self._count_rows(plans)
        self._dedupe(plans)
        if self.summary.tickets == 0:
            reasons = "; ".join(f"{reason}: {count}" for reason, count in self.summary.skipped.items())
            raise UsageError(f"no ticket could be counted from {', '.join(map(str, paths))}"
                             + (f" (rows skipped: {reasons})" if reasons else " (no rows)"))
        months, covered = self._months()
        self._notes(plans, months)
        self._durations()
        self.execute(sql_file("facts"), "counting tickets")
        # from here on the figures come from facts alone: the rows' memory is freed
        self.connection.execute(f"DROP VIEW timed; DROP {self.tickets_kind} tickets; DROP TABLE rows")
        self._basis_notes()
        return self._figures(months, covered, list(spans(months)) if callable(spans) else spans)

    def _read_rows(self, plans: list[FilePlan]) -> None:
        tickets = [ticket_rows_sql(p, self.options) for p in plans if not p.source.events]
        events = [p for p in plans if p.source.events]
        if events:
            tickets.append(event_rows_sql(events, self.options))
        union = " UNION ALL ".join(f"SELECT * FROM ({sql})" for sql in tickets)
        names = ", ".join(p.file.path.name for p in plans)
        self.execute(f"CREATE TABLE rows AS {union}", f"reading {names}")
        self.execute("CREATE TABLE last_row_files (file_index INTEGER)")
        for plan in plans:
            if plan.source.keep_last_row:
                self.execute("INSERT INTO last_row_files VALUES (?)", parameters=[plan.file.index])

    def _count_rows(self, plans: list[FilePlan]) -> None:
        counts = dict(self.connection.execute(
            "SELECT file_index, count(*) FROM rows GROUP BY 1").fetchall())
        for plan in plans:
            rows = counts.get(plan.file.index, 0)
            if plan.source.events:
                rows = self.scalar(f"SELECT count(*) FROM {plan.file.relation}")
            rejected = self._rejected(plan)
            self.summary.files.append(FileRead(
                str(plan.file.path), plan.source.name, plan.file.format, rows + rejected,
                ", ".join(sorted({r.description for r in plan.readings.values()})) or "none",
                plan.described_columns()))
            self.summary.rows_read += rows + rejected
            for note in plan.source.notes:
                if note not in self.summary.notes:
                    self.summary.notes.append(note)
        by_index = {plan.file.index: plan for plan in plans}
        counts_by_reason: dict[str, int] = {}
        for index, code, count in self.connection.execute(
                "SELECT file_index, problem_code, count(*) FROM rows WHERE problem_code IS NOT NULL "
                "GROUP BY ALL").fetchall():
            reason = problem_of(by_index[index], code)[0]
            counts_by_reason[reason] = counts_by_reason.get(reason, 0) + count
        for reason, count in sorted(counts_by_reason.items(), key=lambda item: -item[1]):
            self.summary.skipped[reason] = self.summary.skipped.get(reason, 0) + count
        # a ticket export's row numbers: its rows' order in the table, the header being row 1
        first_rowid = dict(self.connection.execute(
            "SELECT file_index, min(rowid) FROM rows GROUP BY 1").fetchall())
        examples = []
        for code, index, row, value in self.connection.execute(f"""
                SELECT problem_code, file_index, coalesce(row_no, rowid), problem_value
                FROM rows WHERE problem_code IS NOT NULL
                QUALIFY row_number() OVER (PARTITION BY file_index, problem_code ORDER BY rowid)
                    <= {EXAMPLES_PER_REASON}
                ORDER BY file_index, rowid""").fetchall():
            plan = by_index[index]
            reason, column = problem_of(plan, code)
            number = int(row) if plan.source.events else int(row) - first_rowid[index] + 2
            examples.append(SkippedRow(reason, str(plan.file.path), number, column, value))
        for reason in self.summary.skipped:
            self.summary.examples += [e for e in examples if e.reason == reason][:EXAMPLES_PER_REASON]

    def _rejected(self, plan: FilePlan) -> int:
        """Malformed CSV rows (too many or too few fields), counted as skipped."""
        if plan.file.rejects is None:
            return 0
        try:
            rows = self.connection.execute(
                f"SELECT line, error_type, csv_line FROM {plan.file.rejects} ORDER BY line").fetchall()
        except Exception:  # no rejects table: nothing was rejected
            return 0
        lines = {line for line, _, _ in rows}
        if lines:
            reason = "malformed row (wrong number of fields)"
            self.summary.skipped[reason] = self.summary.skipped.get(reason, 0) + len(lines)
            for line, error_type, text in rows[:EXAMPLES_PER_REASON]:
                self.summary.examples.append(SkippedRow(reason, str(plan.file.path), int(line),
                                                        None, f"{error_type}: {text}"))
        return len(lines)

    def _dedupe(self, plans: list[FilePlan]) -> None:
        usable, distinct = self.connection.execute(
            "SELECT count(*), count(DISTINCT id) FROM rows WHERE problem_code IS NULL").fetchone()
        if usable > distinct or any(plan.source.keep_last_row for plan in plans):
            self.execute(sql_file("tickets"), "combining tickets")
            self.tickets_kind = "TABLE"
        else:
            self.execute(sql_file("tickets_unique"))
            self.tickets_kind = "VIEW"
        self.summary.tickets = distinct
        self.summary.duplicates = usable - distinct
        if self.summary.duplicates:
            self.summary.skipped["duplicate"] = self.summary.duplicates
        self.summary.statuses = {str(s): n for s, n in self.connection.execute(
            "SELECT coalesce(status, '(blank)'), count(*) FROM tickets GROUP BY 1 ORDER BY 2 DESC, 1 "
            "LIMIT 30").fetchall()}

    def _months(self) -> tuple[list[dt.date], set[dt.date]]:
        """The months given figures, and those the export covers; makes the ``months``
        and ``settings`` tables."""
        first, now = self.connection.execute(
            "SELECT min(created), max(greatest(created, first_reply, solved, updated)) FROM tickets"
        ).fetchone()
        self.summary.now = now
        self.earliest = first
        zone = _zone(self.options.zone)
        covered = _month_list(_first_of_month(first.astimezone(zone)), _first_of_month(now.astimezone(zone)))
        months = _month_list(*self.options.months) if self.options.months else covered
        self.summary.months = [m for m in months if m in set(covered)]
        self.connection.execute("CREATE TABLE month_list (month DATE)")
        self.connection.executemany("INSERT INTO month_list VALUES (?)", [[m] for m in months])
        aging_us = round(self.options.aging_days * 86400e6)
        self.connection.execute(f"""
            CREATE TABLE months AS
            SELECT month, CAST(month AS TIMESTAMPTZ) AS starts,
                CAST(month + INTERVAL 1 MONTH AS TIMESTAMPTZ) AS ends,
                make_timestamptz(epoch_us(least(CAST(month + INTERVAL 1 MONTH AS TIMESTAMPTZ),
                    {_timestamp(now)})) - {aging_us}) AS aged_before
            FROM month_list""")
        self.connection.execute(f"""
            CREATE TABLE settings AS SELECT
                {_timestamp(now)} AS now,
                CAST({self.options.first_reply_hours!r} AS DOUBLE) AS first_reply_target,
                CAST({self.options.resolution_hours!r} AS DOUBLE) AS resolution_target,
                {sql_string(self.options.business_zone)} AS business_zone,
                CAST(NULL AS BIGINT) AS now_clock,
                (SELECT min(starts) FROM months) AS first_start,
                (SELECT max(ends) FROM months) AS last_end""")
        for table, field, limit in (("category_buckets", "category", self.options.max_categories),
                                    ("channel_buckets", "channel", self.options.max_channels)):
            self.execute(sql_file("buckets").format(table=table, field=field, limit=limit))
        return months, set(covered)

    def _durations(self) -> None:
        if self.options.hours == "business":
            from .business import create_work_days

            create_work_days(self.connection, self.options)
            self.execute("""
                UPDATE settings SET now_clock = (
                    SELECT w.clock_before + least(greatest(epoch_us(s.now) - w.start_us, 0), w.length_us)
                    FROM settings s
                    JOIN work_days w ON w.day = CAST(timezone(s.business_zone, s.now) AS DATE))""")
        self.execute(sql_file(f"durations_{self.options.hours}"))

    # notes ---------------------------------------------------------------------------------------
    def _notes(self, plans: list[FilePlan], months: list[dt.date]) -> None:
        notes = self.summary.notes
        names = {plan.file.index: plan.file.path.name for plan in plans}
        by_index = {plan.file.index: plan for plan in plans}
        for index, code, count, example in self.connection.execute(
                "SELECT file_index, bad_code, count(*), min(bad_value) FROM rows "
                "WHERE bad_code IS NOT NULL AND problem_code IS NULL GROUP BY ALL ORDER BY 1, 2").fetchall():
            column = unreadable_column(by_index[index], code)
            notes.append(f"{names[index]}: {count:,} values of column {column!r} could not be read "
                         f"(e.g. {example!r}) and were taken as unknown")
        first_start = self.scalar("SELECT min(starts) FROM months")
        older = f"SELECT count(*) FROM tickets WHERE created < {_timestamp(first_start)}"
        if months and self.scalar(older) == 0:
            notes.append(f"tickets_open_start of {months[0]:%Y-%m} is left blank: the export holds no ticket "
                         f"created before it, so the backlog it started with is unknown (export older "
                         f"open tickets too to fill it)")
        self.lacking = _lacking(plans, self.options)
        for name in ("first_reply", "reopens", "replies", "csat"):
            if name in self.lacking:
                notes.append(LACKING_NOTES[name])
        if any(p.source.events for p in plans):
            self._event_notes([p for p in plans if p.source.events])
        self._clock_notes()

    def _clock_notes(self) -> None:
        notes = self.summary.notes
        clocks = self.connection.execute("""
            SELECT count(frt_sla_clock) FILTER (WHERE frt_sla_clock >= 0),
                   count(*) FILTER (WHERE frt_sla_clock < 0),
                   count(resolution_sla_clock) FILTER (WHERE resolution_sla_clock >= 0),
                   count(*) FILTER (WHERE resolution_sla_clock < 0) FROM tickets""").fetchone()
        if any(clocks):
            notes.append(f"the helpdesk's own SLA clocks (its own goals, not the configured targets): "
                         f"first response met on {clocks[0]:,} tickets and breached on {clocks[1]:,}; "
                         f"resolution met on {clocks[2]:,} and breached on {clocks[3]:,}")

    def _event_notes(self, plans: list[FilePlan]) -> None:
        """Name the activities an event log holds when the options name none to count."""
        missing = [name for name in ("first_reply_activities", "solved_activities")
                   if not getattr(self.options, name)]
        if not missing:
            return
        seen: dict[str, int] = {}
        for plan in plans:
            for activity, count in self.connection.execute(
                    f"SELECT {text_sql(plan, 'activity')} AS activity, count(*) FROM {plan.file.relation} "
                    f"GROUP BY 1 ORDER BY 2 DESC LIMIT 20").fetchall():
                seen[str(activity)] = seen.get(str(activity), 0) + count
        listed = ", ".join(f"{name!r} ({count:,})" for name, count in
                           sorted(seen.items(), key=lambda item: -item[1])[:20])
        self.summary.notes.append(
            f"event log: set {' and '.join(missing)} in [import] to the activities that mark "
            f"{'them' if len(missing) > 1 else 'it'} (otherwise those figures are blank or zero); "
            f"activities seen: {listed}")

    def _basis_notes(self) -> None:
        """Say which figures the chosen basis leaves blank, and which option would fill them."""
        basis = self.options.hours
        other = {"calendar": "business", "business": "calendar"}[basis]
        (replied, frt_known, other_frt, solved, res_known, other_res) = self.connection.execute(f"""
            SELECT count(*) FILTER (WHERE replied), count(frt_hours), count(*) FILTER (WHERE own_frt_{other}),
                   count(solved), count(resolution_hours), count(*) FILTER (WHERE own_resolution_{other})
            FROM facts""").fetchone()
        self.basis_counts = (replied, frt_known, solved, res_known)
        for what, total, known, other_known, figures in (
                ("first-reply", replied, frt_known, other_frt, "frt"),
                ("resolution", solved, res_known, other_res, "art")):
            if total == known:
                continue
            fill = (f"--hours {other} (hours = \"{other}\" in [import]) would fill them"
                    if other_known else f"map a {what} timestamp or duration column in [import.columns]")
            if known == 0:
                self.summary.notes.append(
                    f"{what} times on the {basis} basis are not in the export: the {figures} rows "
                    f"are blank; {fill}")
            else:
                self.summary.notes.append(
                    f"{total - known:,} of {total:,} tickets have no {what} time on the {basis} basis "
                    f"and are left out of the {what} figures; {fill}")

    # figures -------------------------------------------------------------------------------------
    def _figures(self, months: list[dt.date], covered: set[dt.date], spans: list[Span]) -> ImportResult:
        inputs: dict[str, dict[dt.date, float | None]] = {name: {} for name in MONTHLY_INPUTS}
        columns, rows = self.query(sql_file("monthly"), "computing monthly figures")
        earliest = self.earliest
        assert earliest is not None
        starts = dict(self.connection.execute("SELECT month, starts FROM months").fetchall())
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            month = values["month"]
            for name in MONTHLY_INPUTS:
                value = values[name] if month in covered else None
                if name == "tickets_open_start" and earliest >= starts[month]:
                    value = None
                inputs[name][month] = _number(value)
        blank = self._blank_figures()
        for name in blank:
            if name in inputs:
                inputs[name] = dict.fromkeys(months)
        observed = self._observed(spans, blank)
        categories, channels = self._volumes(months, covered)
        channel_inputs = self._channels(months, covered, list(channels), blank)
        agents, unassigned = self._agents(months, covered, blank)
        return ImportResult(months, inputs, observed, categories, channels, channel_inputs, agents,
                            unassigned, self.summary)

    def _blank_figures(self) -> set[str]:
        """Figures the export cannot give: their rows stay blank (the notes say why)."""
        blank: set[str] = set()
        replied, frt_known, solved, res_known = self.basis_counts
        if replied and not frt_known:
            blank |= {*FRT_FIGURES, "chan_frt_hours", "agent_frt_hours", "agent_frt_count"}
        if solved and not res_known:
            blank |= set(ART_FIGURES)
        for name in self.lacking:
            blank |= LACKING_FIGURES[name]
        return blank

    def _observed(self, spans: list[Span], blank: set[str]) -> dict[str, dict[str, float | None]]:
        observed: dict[str, dict[str, float | None]] = {
            name: dict.fromkeys(span.key for span in spans) for name in OBSERVED}
        if not spans:
            return observed
        self.connection.execute("CREATE TABLE spans (key VARCHAR, first DATE, after DATE)")
        self.connection.executemany("INSERT INTO spans VALUES (?, ?, ?)",
                                    [[s.key, s.start, s.end] for s in spans])
        self.connection.execute("""
            CREATE TABLE span_days AS
            SELECT key, CAST(unnest(range(first, after, INTERVAL 1 DAY)) AS DATE) AS day FROM spans""")
        for key, *values in self.query(sql_file("observed"), "computing quarters and years")[1]:
            for name, value in zip(OBSERVED, values, strict=True):
                observed[name][key] = None if name in blank else _number(value)
        return observed

    def _volumes(self, months: list[dt.date], covered: set[dt.date]
                 ) -> tuple[dict[str, dict[dt.date, int]], dict[str, dict[dt.date, int]]]:
        found: dict[str, dict[str, dict[dt.date, int]]] = {"category": {}, "channel": {}}
        for kind, name, month, tickets in self.query(sql_file("volumes"))[1]:
            found[kind].setdefault(name, {})[month] = int(tickets)
        result = []
        for kind in ("category", "channel"):
            totals = {name: sum(counts.values()) for name, counts in found[kind].items()}
            ordered = sorted(totals, key=lambda n: (n == "Other", -totals[n], n))
            result.append({name: {m: found[kind][name].get(m, 0) for m in months if m in covered}
                           for name in ordered})
        return result[0], result[1]

    def _channels(self, months: list[dt.date], covered: set[dt.date], names: list[str], blank: set[str]
                  ) -> dict[str, dict[str, dict[dt.date, float | None]]]:
        values: dict[tuple[str, str, dt.date], Any] = {}
        for channel, month, *figures in self.query(sql_file("channels"))[1]:
            for name, value in zip(CHANNEL_INPUTS, figures, strict=True):
                values[(name, channel, month)] = value
        result: dict[str, dict[str, dict[dt.date, float | None]]] = {}
        for name in CHANNEL_INPUTS:
            counted = name != "chan_frt_hours"
            result[name] = {}
            for channel in names:
                per_month: dict[dt.date, float | None] = {}
                for month in months:
                    value = values.get((name, channel, month))
                    if name in blank or month not in covered:
                        value = None
                    elif value is None and counted:
                        value = 0
                    per_month[month] = _number(value)
                result[name][channel] = per_month
        return result

    def _agents(self, months: list[dt.date], covered: set[dt.date], blank: set[str]
                ) -> tuple[dict[str, dict[str, Monthly]], dict[str, Monthly]]:
        values: dict[str | None, dict[dt.date, tuple[Any, ...]]] = {}
        for agent, month, *figures in self.query(sql_file("agents"))[1]:
            values.setdefault(agent, {})[month] = tuple(figures)

        def measures(per_month: dict[dt.date, tuple[Any, ...]]) -> dict[str, dict[dt.date, float | None]]:
            table: dict[str, dict[dt.date, float | None]] = {}
            for position, name in enumerate(AGENT_MEASURES):
                means = name == "agent_frt_hours"
                table[name] = {}
                for month in months:
                    if name in blank or month not in covered:
                        table[name][month] = None
                        continue
                    figures = per_month.get(month)
                    value = figures[position] if figures else None
                    table[name][month] = _number(value if value is not None or means else 0)
            return table

        agents = {agent: measures(per_month) for agent, per_month in sorted(
            ((a, p) for a, p in values.items() if a is not None), key=lambda item: item[0].casefold())}
        return agents, measures(values.get(None, {}))


LACKING_NOTES = {
    "first_reply": "the export has no first-reply time (no timestamp, no duration): the first-reply "
                   "rows are blank (map one in [import.columns]: first_reply, first_reply_minutes, ...)",
    "reopens": "the export has no reopen count: tickets_reopened is blank, and one-touch "
               "(tickets_fcr) counts solved tickets with exactly one agent reply",
    "replies": "the export has no reply count: tickets_fcr and agent_replies are blank",
    "csat": "the export has no satisfaction rating: the CSAT rows are blank",
}
LACKING_FIGURES = {
    "first_reply": {*FRT_FIGURES, "chan_frt_hours", "agent_frt_hours", "agent_frt_count"},
    "reopens": {"tickets_reopened", "agent_reopened"},
    "replies": {"tickets_fcr", "agent_replies", "agent_fcr"},
    "csat": {"csat_responses", "csat_satisfied", "chan_csat_responses", "chan_csat_satisfied",
             "agent_csat_responses", "agent_csat_satisfied"},
}


def _lacking(plans: list[FilePlan], options: ImportOptions) -> set[str]:
    """The record fields that no file holds (an event log's replies and first replies
    come from its reply activities, its reopens from its solving ones)."""
    def held(name: str, plan: FilePlan) -> bool:
        if plan.source.events:
            return {"first_reply": bool(options.first_reply_activities),
                    "replies": bool(options.first_reply_activities),
                    "reopens": bool(options.solved_activities), "csat": False}[name]
        if name == "first_reply":
            return bool({"first_reply", "frt_calendar", "frt_business"} & set(plan.columns))
        return name in plan.columns

    return {name for name in ("first_reply", "reopens", "replies", "csat")
            if not any(held(name, plan) for plan in plans)}


def _number(value: Any) -> float | None:
    if value is None:
        return None
    return int(value) if isinstance(value, int) else float(value)


def _zone(name: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _first_of_month(moment: dt.datetime) -> dt.date:
    return dt.date(moment.year, moment.month, 1)


def _month_list(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _timestamp(moment: dt.datetime) -> str:
    """A literal of an aware instant."""
    return f"CAST({sql_string(moment.astimezone(dt.UTC).isoformat())} AS TIMESTAMPTZ)"
