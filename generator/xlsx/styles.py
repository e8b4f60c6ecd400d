"""Cell formats by role, built once per workbook from the branding colours.

Text stays readable whatever the brand: on a primary or accent fill it is white,
or near-black where white would not reach WCAG's 4.5:1 (a light brand colour);
text drawn in the primary colour on white falls back to near-black below the
contrast its size needs (a configuration file refuses such a primary colour).
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from ..config.colours import DARK, LARGE_TEXT_CONTRAST, TEXT_CONTRAST, WHITE, contrast_ratio, text_colour_on
from ..config.settings import Config
from ..model.catalog import Unit

INPUT_FILL = "#FFF2CC"  # the yellow every spreadsheet user reads as "type here"
FLAG_FILL, FLAG_FONT = "#F8CBAD", "#9C0006"
GOOD_FILL, GOOD_FONT = "#C6EFCE", "#006100"
BAD_FILL, BAD_FONT = "#FFC7CE", "#9C0006"
ROLLUP_FILL = "#F2F2F2"
HELPER_FONT = "#7F7F7F"
# Distinct hues after the brand's primary colour (no second blue beside it).
CHART_PALETTE = (
    "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B",
    "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF",
)


class Styles:
    """Formats keyed by role; a role asked twice returns the same format object."""

    def __init__(self, workbook: Workbook, config: Config):
        self._workbook = workbook
        self._config = config
        self._cache: dict[tuple[Any, ...], Format] = {}
        # text on the brand fills, and the primary colour as text on white
        self.on_primary = text_colour_on(config.primary_color)
        self.on_accent = text_colour_on(config.accent_color)
        primary_on_white = contrast_ratio(config.primary_color, WHITE)
        self.title_color = config.primary_color if primary_on_white >= LARGE_TEXT_CONTRAST else DARK
        self.group_color = config.primary_color if primary_on_white >= TEXT_CONTRAST else DARK
        self.number_formats = {
            Unit.COUNT: "#,##0",
            Unit.FTE: "#,##0.0",
            Unit.HOURS: "#,##0.0",
            Unit.DAYS: "#,##0.#",
            Unit.MONEY: config.money.number_format.replace("#,##0.00", "#,##0"),
            Unit.PRICE: config.money.number_format,
            Unit.PERCENT: "0.0%",
            Unit.POINTS: "0",
            Unit.DECIMAL: "#,##0.00",
        }

    def _format(self, key: tuple[Any, ...], **properties: Any) -> Format:
        if key not in self._cache:
            base = {"font_name": self._config.font, "font_size": 10, "valign": "vcenter"}
            self._cache[key] = self._workbook.add_format({**base, **properties})
        return self._cache[key]

    # text --------------------------------------------------------------
    @property
    def title(self) -> Format:
        return self._format(("title",), bold=True, font_size=16, font_color=self.title_color)

    @property
    def subtitle(self) -> Format:
        return self._format(("subtitle",), font_size=11, font_color="#595959")

    @property
    def header(self) -> Format:
        return self._format(("header",), bold=True, font_color=self.on_primary,
                            bg_color=self._config.primary_color, border=1, align="center",
                            text_wrap=True)

    @property
    def header_left(self) -> Format:
        return self._format(("header_left",), bold=True, font_color=self.on_primary,
                            bg_color=self._config.primary_color, border=1, text_wrap=True)

    @property
    def period_date(self) -> Format:
        """The real dates under the period headers: ISO, so that no application
        or locale renders them differently (the words are in the header)."""
        return self._format(("period_date",), font_color="#595959", align="center",
                            num_format="yyyy-mm-dd", bottom=1, bottom_color="#BFBFBF")

    @property
    def period_date_label(self) -> Format:
        return self._format(("period_date_label",), font_color="#595959",
                            bottom=1, bottom_color="#BFBFBF")

    @property
    def section(self) -> Format:
        return self._format(("section",), bold=True, font_size=12, font_color=self.on_accent,
                            bg_color=self._config.accent_color)

    @property
    def group(self) -> Format:
        return self._format(("group",), bold=True, font_color=self.group_color,
                            bottom=1, bottom_color=self._config.accent_color)

    @property
    def label(self) -> Format:
        return self._format(("label",), indent=1)

    @property
    def bold(self) -> Format:
        return self._format(("bold",), bold=True)

    @property
    def unit(self) -> Format:
        return self._format(("unit",), font_color="#595959", align="center")

    @property
    def wrap(self) -> Format:
        return self._format(("wrap",), text_wrap=True, valign="top")

    @property
    def note(self) -> Format:
        return self._format(("note",), text_wrap=True, valign="top", font_color="#595959",
                            italic=True)

    @property
    def link(self) -> Format:
        return self._format(("link",), font_color="#0563C1", underline=1)

    @property
    def helper_label(self) -> Format:
        return self._format(("helper_label",), font_color=HELPER_FONT, indent=1)

    @property
    def benchmark(self) -> Format:
        return self._format(("benchmark",), font_color="#595959", text_wrap=True)

    @property
    def legend_input(self) -> Format:
        return self._format(("legend_input",), bg_color=INPUT_FILL, border=1,
                            border_color="#BFBFBF")

    @property
    def legend_flag(self) -> Format:
        return self._format(("legend_flag",), bg_color=FLAG_FILL, font_color=FLAG_FONT, border=1)

    @property
    def legend_good(self) -> Format:
        return self._format(("legend_good",), bg_color=GOOD_FILL, font_color=GOOD_FONT, border=1)

    @property
    def legend_bad(self) -> Format:
        return self._format(("legend_bad",), bg_color=BAD_FILL, font_color=BAD_FONT, border=1)

    # numbers -----------------------------------------------------------
    def input(self, unit: Unit, fill: str | None = None) -> Format:
        """Unlocked, yellow (or the colour a team gave the cell): the only cells a
        user types into."""
        return self._format(("input", unit, fill), num_format=self.number_formats[unit],
                            bg_color=fill or INPUT_FILL, border=1, border_color="#BFBFBF",
                            locked=False)

    @property
    def input_text(self) -> Format:
        """An unlocked text input (a month's notes): wrapped, top-aligned."""
        return self._format(("input_text",), bg_color=INPUT_FILL, border=1, border_color="#BFBFBF",
                            locked=False, text_wrap=True, valign="top")

    @property
    def input_name(self) -> Format:
        """An unlocked name to type (an agent's), written as text."""
        return self._format(("input_name",), bg_color=INPUT_FILL, border=1, border_color="#BFBFBF",
                            locked=False, num_format="@")

    @property
    def rollup_label(self) -> Format:
        return self._format(("rollup_label",), bold=True, bg_color=ROLLUP_FILL)

    def value(self, unit: Unit, rollup: bool = False, bold: bool = False) -> Format:
        """A locked formula cell."""
        extra = {"bg_color": ROLLUP_FILL} if rollup else {}
        return self._format(("value", unit, rollup, bold), num_format=self.number_formats[unit],
                            border=1, border_color="#D9D9D9", bold=bold, **extra)

    def helper(self, unit: Unit) -> Format:
        return self._format(("helper", unit), num_format=self.number_formats[unit],
                            font_color=HELPER_FONT)

    # conditional formats -----------------------------------------------
    @property
    def flag(self) -> Format:
        return self._workbook_format("flag", bg_color=FLAG_FILL, font_color=FLAG_FONT, bold=True)

    @property
    def good(self) -> Format:
        return self._workbook_format("good", bg_color=GOOD_FILL, font_color=GOOD_FONT)

    @property
    def bad(self) -> Format:
        return self._workbook_format("bad", bg_color=BAD_FILL, font_color=BAD_FONT)

    def _workbook_format(self, name: str, **properties: Any) -> Format:
        """Conditional-format formats carry only what they change."""
        key = ("conditional", name)
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(properties)
        return self._cache[key]

    def palette(self, count: int) -> list[str]:
        colours = [self._config.primary_color, *CHART_PALETTE]
        return [colours[i % len(colours)] for i in range(count)]
