"""The command line: a thin click layer over ``generate``, ``config`` and ``render``.

Heavy imports happen inside the commands, so ``csmetrics --help`` stays instant
and ``generate`` loads only what it needs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__
from .config.choices import CURRENCY_CODES, LANGUAGES, MONTH_RANGE, PRESETS, YEAR_RANGE, YEARS_RANGE
from .errors import CsmetricsError, UsageError

DEFAULT_OUTPUT = Path("output") / "customer-service-metrics.xlsx"


class CsmetricsGroup(click.Group):
    """Turns every failure into one line on stderr and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("csmetrics: interrupted", err=True)
            sys.exit(130)
        except Exception as error:
            click.echo(f"csmetrics: error: {_describe(error)}", err=True)
            sys.exit(_exit_code(error))


def _describe(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"{error.strerror or error}: {error.filename}"
    return str(error) or type(error).__name__


def _exit_code(error: Exception) -> int:
    """2 for what the user can fix (options, configuration, files), 1 otherwise."""
    if isinstance(error, CsmetricsError):
        return error.exit_code
    return 2 if isinstance(error, OSError) else 1


@click.group(cls=CsmetricsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="csmetrics")
def main() -> None:
    """Generate a customer-service metrics workbook for Excel, Google Sheets
    and LibreOffice: a monthly Tracker of every KPI (NPS, CSAT, CES, FRT, FCR,
    churn, CLV ...) by month, quarter and year, a Ticket Volume tab with charts
    and live calculators with their definitions.

    \b
    Examples:
      csmetrics generate
      csmetrics generate --out team.xlsx --year 2027 --lang zh-CN
      csmetrics init && csmetrics generate --config csmetrics.toml
      csmetrics generate --from filled.xlsx --config csmetrics.toml --out new.xlsx
      csmetrics preview new.xlsx --out pages
      csmetrics sheets-protect new.xlsx
      csmetrics import tickets.csv --from team.xlsx --out team.xlsx
      csmetrics report team.xlsx --out report.pdf
    """


@main.command(short_help="Write the workbook (defaults, configuration, a filled workbook's data).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_OUTPUT, show_default=True,
              help="Where to write the workbook (written atomically).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A csmetrics.toml (see `csmetrics init`).")
@click.option("--from", "source", type=click.Path(dir_okay=False, path_type=Path),
              help="A filled csmetrics workbook whose data to carry over.")
@click.option("--drop-data", is_flag=True,
              help="With --from: go ahead even when some values have no place in the new "
                   "workbook (they are listed).")
@click.option("--year", type=click.IntRange(*YEAR_RANGE), default=None,
              help="Year of the first month tracked [default: 2026].")
@click.option("--start-month", type=click.IntRange(*MONTH_RANGE), default=None,
              help="First month of the (fiscal) year, 1-12 [default: 1].")
@click.option("--years", type=click.IntRange(*YEARS_RANGE), default=None,
              help="Fiscal years of months to track [default: 1].")
@click.option("--lang", "language", type=click.Choice(LANGUAGES, case_sensitive=False), default=None,
              help="Language of the workbook [default: en].")
@click.option("--company", default=None, help="Company name shown on every sheet.")
@click.option("--title", default=None, help="Workbook title.")
@click.option("--currency", type=click.Choice(CURRENCY_CODES, case_sensitive=False), default=None,
              help="Currency of money cells [default: USD].")
@click.option("--preset", type=click.Choice(PRESETS), default=None,
              help="Which metrics: support (no customers or revenue), success (no ticket "
                   "operations) or full [default: full]; a configured metrics list wins.")
def generate(out: Path, config_path: Path | None, source: Path | None, drop_data: bool,
             **overrides: object) -> None:
    """Write the workbook: from the defaults, a configuration file, and the data of
    a filled workbook. Options override the configuration file for this run.

    \b
    Examples:
      csmetrics generate
          writes output/customer-service-metrics.xlsx for 2026
      csmetrics generate --out support-2027.xlsx --year 2027 --lang ru
      csmetrics generate --year 2026 --start-month 4
          a fiscal year from April 2026 to March 2027, quarters Apr-Jun ...
      csmetrics generate --preset support --out support.xlsx
          only what a support team owns: no customer or revenue figures
      csmetrics generate --config csmetrics.toml --out branded.xlsx
      csmetrics generate --from filled.xlsx --config csmetrics.toml --out filled.xlsx
          re-brands a filled workbook in place (a backup is kept beside it)
    """
    if out.suffix.casefold() != ".xlsx":  # before anything is read or written
        raise UsageError(f"--out {out}: the workbook is an .xlsx file; give a name ending in .xlsx "
                         f"(e.g. {out.stem or 'workbook'}.xlsx)")
    from .generate import generate_workbook

    path, report = generate_workbook(out, config_path=config_path, source=source,
                                     drop_data=drop_data, overrides=overrides)
    for line in report:
        click.echo(line)
    click.echo(f"Wrote {path}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path),
                default=Path("csmetrics.toml"))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented starter configuration documenting every key.

    \b
    Examples:
      csmetrics init
          writes csmetrics.toml in the current folder
      csmetrics init branding/acme.toml
      csmetrics generate --config branding/acme.toml
    """
    from .config.file import starter_config
    from .files import write_text_atomically

    if path.exists() and not force:
        raise UsageError(f"{path} exists already; use --force to overwrite it")
    write_text_atomically(path, starter_config(path.name))
    click.echo(f"Wrote {path}: edit it, then run csmetrics generate --config {path}")


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("preview"), show_default=True, help="Folder for the pages.")
@click.option("--format", "fmt", type=click.Choice(["png", "pdf"]), default="png",
              show_default=True, help="One PNG per printed page, or one PDF.")
@click.option("--dpi", type=click.IntRange(20, 600), default=120, show_default=True,
              help="Resolution of the PNG pages (120: 8 pt text is 13 pixels high).")
def preview(workbook: Path, out_dir: Path, fmt: str, dpi: int) -> None:
    """Render every sheet as it prints (charts included, values recalculated)
    through headless LibreOffice, without opening a spreadsheet.

    \b
    Examples:
      csmetrics preview output/customer-service-metrics.xlsx
          writes preview/customer-service-metrics-01.png, -02.png ...
      csmetrics preview team.xlsx --format pdf --out printouts
    """
    from .render.preview import render_preview

    for path in render_preview(workbook, out_dir, fmt, dpi=dpi):
        click.echo(f"Wrote {path}")


@main.command("sheets-protect")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
def sheets_protect(workbook: Path) -> None:
    """Print how to protect the workbook's formulas in Google Sheets, which does
    not carry the xlsx sheet protection over: an Apps Script snippet, and the
    Data > Protect sheets and ranges steps, leaving the input cells editable.

    \b
    Examples:
      csmetrics sheets-protect output/customer-service-metrics.xlsx
      csmetrics sheets-protect team.xlsx > protect-in-sheets.txt
    """
    from .sheets_protect import protection_steps

    if not workbook.is_file():
        raise UsageError(f"{workbook}: no such workbook")
    click.echo(protection_steps(workbook), nl=False)


IMPORT_SOURCES = ("auto", "zendesk", "freshdesk", "intercom", "hubspot", "jira", "servicenow",
                  "eventlog", "generic")


@main.command("import", short_help="Fill a workbook from helpdesk exports (Zendesk, Freshdesk, "
                                   "Intercom, HubSpot, Jira, ServiceNow, CSV).")
@click.argument("exports", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", type=click.Choice(IMPORT_SOURCES), default=None,
              help="The helpdesk the exports come from [default: auto, from the header row].")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A csmetrics.toml: its [import], [import.columns], [business_hours] and "
                   "[sla] tables, and the workbook's settings.")
@click.option("--from", "source_workbook", type=click.Path(dir_okay=False, path_type=Path),
              help="A filled workbook to import into (its periods, categories and channels).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (atomically); --from X --out X keeps a backup of X.")
@click.option("--hours", type=click.Choice(("calendar", "business")), default=None,
              help="Durations in calendar or business hours [default: calendar].")
@click.option("--timezone", default=None,
              help="The timezone of timestamps without one, and of the months [default: UTC].")
@click.option("--category-column", default=None, help="The export's column of ticket categories.")
@click.option("--channel-column", default=None, help="The export's column of channels.")
@click.option("--agent-column", default=None, help="The export's column of assignees.")
@click.option("--months", default=None, help="Only these months, e.g. 2023-04..2023-06.")
@click.option("--replace", is_flag=True,
              help="Write imported figures over values typed by hand (listed otherwise).")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the summary as JSON to this file.")
@click.option("--dry-run", is_flag=True, help="Print what would be written, month by month; "
                                              "write nothing.")
def import_command(exports: tuple[Path, ...], config_path: Path | None, source_workbook: Path | None,
                   out: Path | None, **options: object) -> None:
    """Fill a workbook from helpdesk ticket exports: tickets received by category and
    channel, resolved, one-touch, reopened, replies, backlog and aged backlog, first
    response and resolution times (mean, median, 90th percentile, calendar or
    business hours), SLA attainment and CSAT, per month, quarter and year.

    \b
    Examples:
      csmetrics import tickets.csv --out team.xlsx
          a new workbook covering the export's months
      csmetrics import march.csv --from team.xlsx --out team.xlsx
          the monthly routine: last month's export into the team's workbook
      csmetrics import export.csv --source zendesk --hours business --timezone Europe/Rome --out t.xlsx
      csmetrics import calls.csv --config csmetrics.toml --dry-run
          with an [import.columns] mapping for any CSV; prints what would be written
    """
    if out is not None and out.suffix.casefold() != ".xlsx":
        raise UsageError(f"--out {out}: the workbook is an .xlsx file; give a name ending in .xlsx")
    if out is None and not options["dry_run"]:
        raise UsageError("give --out OUT.xlsx, the workbook to write (or --dry-run to see what "
                         "would be written)")
    from .importing import import_exports

    run = import_exports(list(exports), out, config_path=config_path, source=source_workbook,
                         options=options, progress=_progress_bar())
    click.echo(run.result.summary.text())
    if run.path is None:
        click.echo("Would write (--dry-run; nothing was written):")
        for line in run.planned():
            click.echo(f"  {line}")
    for line in run.report:
        click.echo(line)
    if run.path is not None:
        click.echo(f"Wrote {run.path} ({len(run.cells)} imported cells)")


def _progress_bar() -> Callable[[str, float], None] | None:
    """A progress line on a terminal (stderr), for large exports; none otherwise."""
    if not sys.stderr.isatty():
        return None
    last: dict[str, int] = {}

    def show(stage: str, fraction: float) -> None:
        percent = int(fraction * 100)
        if last.get(stage) == percent:
            return
        last[stage] = percent
        bar = "#" * (percent // 5)
        end = "\n" if percent >= 100 else ""
        click.echo(f"\r{stage[:40]:<40} [{bar:<20}] {percent:3d}%{end}", err=True, nl=False)

    return show


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--month", default=None, help="The month, YYYY-MM [default: the last one filled].")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("report.html"), show_default=True,
              help="report.html (one self-contained page) or report.pdf (A4, through Chromium).")
@click.option("--lang", "language", type=click.Choice(LANGUAGES, case_sensitive=False), default=None,
              help="The report's language [default: the workbook's].")
def report(workbook: Path, month: str | None, out: Path, language: str | None) -> None:
    """Write the month's report a team lead sends upward: a tile per KPI (against
    its target, last month and a year before, with a twelve-month sparkline),
    quarter and year to date, ticket volume, the largest movers, the agents and
    the month's note. One self-contained HTML page (no script, no request), or
    an A4 PDF printed by headless Chromium. The figures are computed from what
    the workbook holds, so it need not have been recalculated.

    \b
    Examples:
      csmetrics report team.xlsx
          the last month filled, as report.html
      csmetrics report team.xlsx --month 2026-10 --out october.pdf
      csmetrics report team.xlsx --lang ru --out report-ru.html
    """
    from .report import write_report

    if not workbook.is_file():
        raise UsageError(f"{workbook}: no such workbook")
    click.echo(f"Wrote {write_report(workbook, out, month, language)}")
