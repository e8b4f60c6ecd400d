"""The command line: a thin click layer over ``csmetrics.workbook``.

Heavy imports happen inside the commands, so ``csmetrics --help`` stays instant
and ``generate`` loads only what it needs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__

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
    from .errors import CsmetricsError

    return error.exit_code if isinstance(error, CsmetricsError) else 1


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
      csmetrics generate --out team.xlsx --year 2027
      csmetrics generate --year 2026 --start-month 4
    """


@main.command()
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_OUTPUT, show_default=True,
              help="Where to write the workbook (written atomically).")
@click.option("--year", type=click.IntRange(1900, 9998), default=None,
              help="Year of the first month tracked [default: 2026].")
@click.option("--start-month", type=click.IntRange(1, 12), default=None,
              help="First month of the (fiscal) year, 1-12 [default: 1].")
def generate(out: Path, year: int | None, start_month: int | None) -> None:
    """Write the workbook from the built-in default configuration.

    \b
    Examples:
      csmetrics generate
          writes output/customer-service-metrics.xlsx for 2026
      csmetrics generate --out ~/Desktop/support-2027.xlsx --year 2027
      csmetrics generate --year 2026 --start-month 4
          a fiscal year from April 2026 to March 2027, quarters Apr-Jun ...
    """
    from .config import Config
    from .workbook import write_workbook

    config = Config().with_period(year=year, start_month=start_month)
    path = write_workbook(out, config)
    click.echo(f"Wrote {path}")
