"""Static checks of the sheet set-up, against the Sheets and Behaviour sections of
shared/spec/workbook.md: the four sheets in order, frozen panes, landscape fit-to-width
printing with repeated header rows, links between the start sheet and every other
sheet, and the Ticket Volume charts (a category and a channel chart whose series refer
to the volume and channel grids and leave months not yet filled as gaps).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from csmetrics.xlsx import contract
from static_books import Generated, assert_none, name_area
from xlsx_parts import CHART, NS, Area, Sheet, parse_ref


def test_sheet_order(book: Generated) -> None:
    names = [sheet.name for sheet in book.xlsx.sheets]
    keys = ("start", "tracker", "volume", "agents", "formulas")
    assert names == [book.sheet_names[key] for key in keys]
    assert names == ["Start here", "Tracker", "Ticket Volume", "Agents", "Formulas & Definitions"]


def pane(sheet: Sheet) -> dict[str, str]:
    element = sheet.root.find("m:sheetViews/m:sheetView/m:pane", NS)
    return {} if element is None else dict(element.attrib)


def test_freeze_panes(book: Generated) -> None:
    context = book.context
    expected_splits = {
        "tracker": (context.tracker.DATES_ROW + 1, context.tracker.FIRST_PERIOD_COL),
        "volume": (context.volume.HEADER_ROW + 1, 1),
        "formulas": None,  # frozen below its title; no column to freeze
    }
    problems = []
    for key, splits in expected_splits.items():
        sheet = book.sheet(key)
        attrs = pane(sheet)
        if attrs.get("state") != "frozen" or not attrs.get("ySplit"):
            problems.append(f"{sheet.name}: no frozen rows ({attrs})")
            continue
        actual = (int(float(attrs.get("ySplit", "0"))), int(float(attrs.get("xSplit", "0"))))
        if splits is not None and actual != splits:
            problems.append(f"{sheet.name}: frozen rows/columns {actual}, expected {splits}")
    assert_none(problems, "freeze-pane problems")


def test_page_set_up(book: Generated) -> None:
    """Landscape; one page wide, or (Tracker, Ticket Volume) split across pages
    at a scale that keeps 10 pt text at 8 pt or more, labels repeated."""
    problems = []
    split = {book.sheet_names[key] for key in ("tracker", "volume", "agents")}
    titles = {n.local_sheet: n.text for n in book.xlsx.names if n.name == "_xlnm.Print_Titles"}
    for index, sheet in enumerate(book.xlsx.sheets):
        setup = sheet.root.find("m:pageSetup", NS)
        fit = sheet.root.find("m:sheetPr/m:pageSetUpPr", NS)
        attrs = {} if setup is None else setup.attrib
        if attrs.get("orientation") != "landscape":
            problems.append(f"{sheet.name}: orientation {attrs.get('orientation')!r}")
        if sheet.name in split:
            breaks = sheet.root.findall("m:colBreaks/m:brk", NS)
            if not breaks or (fit is not None and fit.get("fitToPage") in ("1", "true")):
                problems.append(f"{sheet.name}: not split across pages ({len(breaks)} breaks)")
            if int(attrs.get("scale", "100")) < 80:
                problems.append(f"{sheet.name}: printed at {attrs.get('scale')} %, under 80 %")
            if not re.search(r"!\$A:\$[A-Z]", titles.get(index, "")):
                problems.append(f"{sheet.name}: labels not repeated on every page")
            continue
        if fit is None or fit.get("fitToPage") not in ("1", "true"):
            problems.append(f"{sheet.name}: fit to page is off")
        if attrs.get("fitToWidth", "1") != "1" or attrs.get("fitToHeight") != "0":
            problems.append(f"{sheet.name}: fitToWidth={attrs.get('fitToWidth', '1')!r} "
                            f"fitToHeight={attrs.get('fitToHeight', '1')!r}, expected 1 and 0")
    assert_none(problems, "page set-up problems")


def test_print_titles(book: Generated) -> None:
    titles = {n.local_sheet: n.text for n in book.xlsx.names if n.name == "_xlnm.Print_Titles"}
    headers = {"tracker": book.context.tracker.DATES_ROW, "volume": book.context.volume.HEADER_ROW}
    problems = []
    for index, sheet in enumerate(book.xlsx.sheets):
        text = titles.get(index)
        if text is None:
            problems.append(f"{sheet.name}: no print titles")
            continue
        rows = re.search(r"!\$(\d+):\$(\d+)$", text)
        key = next((k for k, v in book.sheet_names.items() if v == sheet.name), "")
        if rows is None:
            problems.append(f"{sheet.name}: print titles {text} repeat no rows")
        elif key in headers and int(rows[2]) != headers[key] + 1:
            problems.append(f"{sheet.name}: print titles {text} stop before the header row "
                            f"{headers[key] + 1}")
    assert_none(problems, "print-title problems")


def hyperlink_sheets(sheet: Sheet) -> list[str]:
    """Target sheets of a sheet's internal hyperlinks."""
    targets = []
    for link in sheet.root.iterfind("m:hyperlinks/m:hyperlink", NS):
        location = link.get("location")
        assert location, f"{sheet.name}!{link.get('ref')}: hyperlink without an internal location"
        targets.append(parse_ref(location).sheet)
    return targets


def test_every_sheet_links_back_to_start(book: Generated) -> None:
    start = book.sheet_names["start"]
    assert_none((f"{sheet.name}: no hyperlink to {start!r} (links to {hyperlink_sheets(sheet)})"
                 for sheet in book.xlsx.sheets[1:]
                 if start not in hyperlink_sheets(sheet)),
                "sheets without a link back to the start sheet")


def test_start_sheet_links_to_every_sheet(book: Generated) -> None:
    start = book.sheet("start")
    linked = set(hyperlink_sheets(start))
    others = {sheet.name for sheet in book.xlsx.sheets} - {start.name}
    assert others <= linked, f"{start.name} has no link to {sorted(others - linked)}"


def test_hyperlinks_point_at_existing_sheets(book: Generated) -> None:
    sheets = {sheet.name for sheet in book.xlsx.sheets}
    assert_none((f"{sheet.name}: hyperlink to missing sheet {target!r}"
                 for sheet in book.xlsx.sheets for target in hyperlink_sheets(sheet)
                 if target not in sheets), "broken hyperlinks")


@dataclass(frozen=True)
class Chart:
    part: str
    root: ET.Element

    @property
    def kinds(self) -> list[str]:
        plot = self.root.find("c:chart/c:plotArea", NS)
        assert plot is not None, f"{self.part}: no plot area"
        return [child.tag.split("}")[1] for child in plot if child.tag.endswith("Chart")]

    def series(self) -> list[ET.Element]:
        return list(self.root.iter(f"{{{CHART}}}ser"))


def volume_charts(book: Generated) -> list[Chart]:
    package = book.xlsx.package
    volume = book.sheet("volume")
    return [Chart(part, package.xml(part))
            for drawing in package.relation_targets(volume.part, "drawing")
            for part in package.relation_targets(drawing, "chart")]


def series_ref(series: ET.Element, path: str) -> Area | None:
    f = series.find(path, NS)
    return None if f is None else parse_ref(f.text or "")


def test_volume_sheet_has_a_category_and_a_channel_chart(book: Generated) -> None:
    charts = volume_charts(book)
    assert [chart.kinds for chart in charts] == [["lineChart"], ["barChart"]], \
        f"charts on the volume sheet: {[(c.part, c.kinds) for c in charts]}"


def test_chart_series_refer_to_cell_ranges(book: Generated) -> None:
    volume = book.sheet_names["volume"]
    charts = volume_charts(book)
    problems = []
    for chart, grid in zip(charts, (contract.VOLUME, contract.CHANNELS), strict=True):
        counts = name_area(book, grid.counts)
        header = name_area(book, grid.labels)
        value_cols = []
        for index, series in enumerate(chart.series()):
            where = f"{chart.part} series {index}"
            literals = [e.tag.split("}")[1] for e in series.iter()
                        if e.tag in (f"{{{CHART}}}numLit", f"{{{CHART}}}strLit")]
            if literals:
                problems.append(f"{where}: literal data {literals}")
            values = series_ref(series, "c:val/c:numRef/c:f")
            categories = (series_ref(series, "c:cat/c:strRef/c:f")
                          or series_ref(series, "c:cat/c:numRef/c:f"))
            name = series_ref(series, "c:tx/c:strRef/c:f")
            if values is None or categories is None or name is None:
                problems.append(f"{where}: values {values}, categories {categories}, "
                                f"name {name}: all must be cell references")
                continue
            problems += [f"{where}: refers to {area.sheet!r}, not {volume!r}"
                         for area in (values, categories, name) if area.sheet != volume]
            if values.rows != counts.rows or values.shape[1] != 1:
                problems.append(f"{where}: values {values} are not one column of {grid.counts}")
            if categories.rows != counts.rows or categories.shape[1] != 1:
                problems.append(f"{where}: categories {categories} are not the month rows")
            if name.shape != (1, 1) or name.min_row != header.min_row \
                    or name.min_col != values.min_col:
                problems.append(f"{where}: name {name} is not the header above its values")
            value_cols.append(values.min_col)
        if value_cols != list(counts.cols):
            problems.append(f"{chart.part}: series columns {value_cols}, "
                            f"{grid.counts} columns {list(counts.cols)}")
    assert_none(problems, "chart series problems")


def test_charts_show_blanks_as_gaps(book: Generated) -> None:
    problems = []
    for chart in volume_charts(book):
        element = chart.root.find("c:chart/c:dispBlanksAs", NS)
        if element is None or element.get("val") != "gap":
            problems.append(f"{chart.part}: dispBlanksAs is "
                            f"{'absent' if element is None else element.get('val')!r}")
    assert_none(problems, "charts that do not declare gaps for blanks")


def numeric_or_blank(sheet: Sheet, ref: str) -> float | None:
    cell = sheet.cell(ref)
    if cell is None or cell.value in (None, "") or cell.type != "n":
        return None
    return float(cell.value)


def test_chart_caches_leave_blank_months_empty(book: Generated) -> None:
    problems = []
    for chart in volume_charts(book):
        for series in chart.series():
            values = series_ref(series, "c:val/c:numRef/c:f")
            assert values is not None, f"{chart.part}: series without a value range"
            sheet = book.xlsx.sheet(values.sheet)
            points = {int(pt.get("idx", "-1")): float(pt.findtext("c:v", "nan", NS))
                      for pt in series.iterfind("c:val/c:numRef/c:numCache/c:pt", NS)}
            for index, ref in enumerate(values.cells()):
                want, got = numeric_or_blank(sheet, ref), points.get(index)
                if want != got:
                    problems.append(f"{chart.part}: {values.sheet}!{ref} holds {want}, "
                                    f"the chart cache {got}")
    assert_none(problems, "chart caches that differ from the cells")
