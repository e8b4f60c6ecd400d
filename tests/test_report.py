"""csmetrics report: golden figures of a filled workbook that was never
recalculated (signs of the changes, targets met and missed, "not entered"), the
page self-contained, the errors of the other commands, and the page in headless
Chromium (no console error, no request, the tiles' values the reference's, a
screenshot that is not blank; A4 PDFs with their Chinese and Cyrillic glyphs)."""

from __future__ import annotations

import base64
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from csmetrics.cli import main
from csmetrics.config.settings import Config
from csmetrics.errors import UsageError
from csmetrics.model import reference
from csmetrics.model.catalog import KPIS, Better, Unit
from csmetrics.model.data import WorkbookData
from csmetrics.model.periods import Periods
from csmetrics.render import chromium
from csmetrics.report import Figure, Formatter, build_report, render_html, write_report
from csmetrics.text import Text
from csmetrics.xlsx.writer import write_workbook
from engines import missing, require_poppler

MONTHS = 24  # two fiscal years, January 2025 to December 2026
FEB_2026 = 13


def series(**values: float) -> list[float | None]:
    """24 months, blank but for the named ones (``jan25``, ``feb26`` ...)."""
    names = [f"{month}{year}" for year in (25, 26) for month in
             ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")]
    months: list[float | None] = [None] * MONTHS
    for name, value in values.items():
        months[names.index(name)] = value
    return months


def golden_data() -> WorkbookData:
    """Figures whose report a support analyst can work out by hand (February 2026):
    CSAT 90 % against 85 % last month and 80 % a year ago, target 85 %: met, both
    changes for the better; first response 5.0 h after 3.0 h, target 4 h: missed,
    worse; reopen rate 2 % after 5 %: better although it fell; one-touch 70 % both
    months: unchanged; NPS entered in January only, CES never: not entered. The
    backlog carries over: 150 + 100 - 200 = 50 open at the end of January, and
    50 + 300 - 300 = 50 at the end of February."""
    return WorkbookData(
        inputs={
            "csat_satisfied": series(feb25=80, jan26=85, feb26=90),
            "csat_responses": series(feb25=100, jan26=100, feb26=100),
            "nps_promoters": series(jan26=50), "nps_passives": series(jan26=30),
            "nps_detractors": series(jan26=20),
            "tickets_open_start": series(jan26=150, feb26=50),
            "tickets_resolved": series(feb25=150, jan26=200, feb26=300),
            "tickets_fcr": series(jan26=140, feb26=210),
            "tickets_reopened": series(jan26=10, feb26=6),
            "frt_hours": series(jan26=3.0, feb26=5.0),
        },
        volume={"Technical issue": series(feb25=150, jan26=60, feb26=200),
                "Billing": series(feb25=0, jan26=40, feb26=100)},
        channels={"Email": series(jan26=70, feb26=180), "Chat": series(jan26=30, feb26=120)},
        period_notes=[None] * FEB_2026 + ["New help centre launched on 9 February."],
        agents={name: {"agent_solved": series(feb26=solved),
                       "agent_fcr": series(feb26=solved // 2)}
                for name, solved in (("Ana", 90), ("Ben", 120), ("Chloé", 30), ("Dev", 60))},
    )


GOLDEN_CONFIG = Config(company="Acme Robotics", year=2025, years=2,
                       categories=("Technical issue", "Billing"), channels=("Email", "Chat"),
                       agents=("Ana", "Ben", "Chloé", "Dev"))


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden workbook, as xlsxwriter writes it: no formula ever calculated."""
    return write_workbook(tmp_path_factory.mktemp("golden") / "golden.xlsx", GOLDEN_CONFIG,
                          golden_data())


class Tiles(HTMLParser):
    """Each tile's data attributes and the text of its parts, by KPI id."""

    def __init__(self) -> None:
        super().__init__()
        self.tiles: dict[str, dict[str, str]] = {}
        self._tile: dict[str, str] | None = None
        self._part: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        classes = attributes.get("class", "").split()
        if tag == "div" and "tile" in classes:
            self._tile = {"value": attributes["data-value"], "met": attributes["data-met"],
                          "text": ""}
            self.tiles[attributes["data-kpi"]] = self._tile
            self._depth = 0
        if self._tile is not None and tag == "div":
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._tile is not None and tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self._tile["text"] = " ".join(self._tile["text"].split())
                self._tile = None

    def handle_data(self, data: str) -> None:
        if self._tile is not None:
            self._tile["text"] += " " + data


def tiles_of(html: str) -> dict[str, dict[str, str]]:
    parser = Tiles()
    parser.feed(html)
    return parser.tiles


# ------------------------------------------------------------------------------ golden


def test_golden_figures_of_a_workbook_never_recalculated(golden: Path) -> None:
    report = build_report(golden)  # the last month with figures: February 2026
    assert report.month_label == "Feb 2026"
    assert (report.previous_label, report.year_ago_label) == ("Jan 2026", "Feb 2025")
    figures = {figure.id: figure for figure in report.figures}
    csat = figures["csat"]
    assert (csat.value, csat.previous, csat.year_ago, csat.target) == (0.9, 0.85, 0.8, 0.85)
    assert csat.met is True and csat.improved(csat.previous) and csat.improved(csat.year_ago)
    assert csat.to_date == {"quarter": pytest.approx(0.875), "year": pytest.approx(0.875)}
    frt = figures["frt"]
    assert (frt.value, frt.previous, frt.met) == (5.0, 3.0, False)
    assert frt.improved(frt.previous) is False
    # weighted by the tickets received: (3 x 100 + 5 x 300) / 400
    assert frt.to_date["quarter"] == pytest.approx(4.5)
    reopen = figures["reopen_rate"]
    assert (reopen.value, reopen.previous) == (pytest.approx(0.02), pytest.approx(0.05))
    assert reopen.met is True and reopen.improved(reopen.previous) is True
    assert figures["fcr"].improved(figures["fcr"].previous) is None  # 70 % both months
    assert figures["nps"].value is None and figures["nps"].previous == 30
    assert figures["ces"].value is None and figures["ces"].months == [None] * 12
    assert figures["tickets_new"].value == 300 and figures["tickets_new"].previous == 100
    assert figures["resolution_rate"].value == pytest.approx(300 / 350)
    assert figures["backlog_end"].value == 50 and figures["backlog_end"].improved(50) is None
    # movers: the largest relative changes with a direction, shown as changed
    assert [f.id for f in report.improved] == ["reopen_rate", "resolution_rate", "csat"]
    assert [f.id for f in report.worsened] == ["frt"]
    assert report.categories == [("Technical issue", 200), ("Billing", 100)]
    assert report.channels == [("Email", 180), ("Chat", 120)]
    assert report.note == "New help centre launched on 9 February."
    assert [line.name for line in report.top_agents] == ["Ben", "Ana", "Dev"]
    assert [line.name for line in report.bottom_agents] == ["Chloé"]
    assert report.top_agents[0].one_touch == pytest.approx(0.5)


def test_golden_page(golden: Path) -> None:
    html = render_html(build_report(golden))
    tiles = tiles_of(html)
    assert tiles["csat"]["text"].startswith("Customer satisfaction (CSAT) 90.0% Target 85.0% "
                                            "target met ▲ +5.0 pts vs Jan 2026 ▲ +10.0 pts vs "
                                            "Feb 2025")
    assert tiles["csat"]["met"] == "true"
    assert "5.0 h Target 4.0 h target missed ▲ +2.0 h vs Jan 2026" in tiles["frt"]["text"]
    assert tiles["frt"]["met"] == "false"
    assert "2.0% Target 5.0% target met ▼ −3.0 pts vs Jan 2026" in tiles["reopen_rate"]["text"]
    assert "= unchanged vs Jan 2026" in tiles["fcr"]["text"]
    for blank in ("nps", "ces", "art"):  # their targets make them tiles
        assert tiles[blank]["value"] == "" and tiles[blank]["met"] == ""
        assert "not entered" in tiles[blank]["text"], blank
        assert not re.search(r"(^| )0(\.0)?%?( |$)", tiles[blank]["text"]), tiles[blank]
    assert "vs" not in tiles["nps"]["text"]  # no change without this month's figure
    # without a figure in twelve months or a target: named, not entered, no tile
    idle = re.findall(r'<p class="idle" data-kpis="([^"]*)">([^<]*)</p>', html)
    assert [kpis.split() for kpis, _ in idle] == [
        ["aged_backlog", "replies_per_ticket", "tickets_per_agent", "cost_per_ticket",
         "contact_rate"],
        ["frt_median", "frt_p90", "frt_sla", "art_median", "art_p90", "res_sla"],
        [kpi.id for kpi in KPIS if kpi.group == "customers" and kpi.id not in
         ("churn_rate", "renewal_rate")]]  # these two have targets
    assert idle[0][1] == ("Not entered in the last twelve months: Aged backlog (share of open "
                          "tickets), Replies per resolved ticket, Tickets resolved per agent, "
                          "Cost per resolved ticket, Contact rate (tickets per customer).")
    assert not set(tiles) & {kpi for kpis, _ in idle for kpi in kpis.split()}
    assert "▲ +200 vs Jan 2026" in tiles["tickets_new"]["text"]
    for kpi, kind in (("csat", "better"), ("frt", "worse"), ("reopen_rate", "better"),
                      ("fcr", "same"), ("tickets_new", "same")):  # the colour of the change
        found = re.search(rf'class="tile" data-kpi="{kpi}".*?<span class="(\w+)" data-change', html,
                          re.S)
        assert found and found[1] == kind, kpi
    assert "New help centre launched on 9 February." in html
    assert re.search(r'<strong class="name">Ben</strong> 120 solved · one-touch 50\.0%', html)
    assert "Acme Robotics" in html and "Feb 2026" in html


def test_every_tile_is_the_reference_value(golden: Path) -> None:
    """Every month of the workbook with a figure, its previous month and the same
    month a year before, against the reference computed from the data written."""
    expected = reference.tracker(golden_data(), Periods(2)).kpis
    reported = 0
    for month in range(MONTHS):
        label = f"{2025 + month // 12}-{month % 12 + 1:02d}"
        try:
            report = build_report(golden, month=label)
        except UsageError:
            assert month not in (1, 12, FEB_2026)  # months without any figure
            continue
        reported += 1
        for figure in report.figures:
            def at(m: int, kpi: str = figure.id) -> float | None:
                return expected[(kpi, f"m{m}")] if m >= 0 else None

            assert figure.value == pytest.approx(at(month), nan_ok=True), (label, figure.id)
            assert figure.previous == pytest.approx(at(month - 1) if month else None)
            assert figure.year_ago == pytest.approx(at(month - 12) if month >= 12 else None)
            assert figure.months == pytest.approx([at(m) for m in range(month - 11, month + 1)])
    assert reported == 3


def test_the_month_asked_for_and_its_to_date_figures(golden: Path) -> None:
    report = build_report(golden, month="2026-01")
    figures = {figure.id: figure for figure in report.figures}
    assert figures["csat"].value == 0.85 and figures["csat"].year_ago is None
    # the quarter to date is January alone: February's figures are not in it
    assert figures["csat"].to_date == {"quarter": 0.85, "year": 0.85}
    assert figures["frt"].to_date["quarter"] == 3.0
    assert report.note is None and report.top_agents == []


def test_medians_to_date(tmp_path: Path) -> None:
    """An entered quarter median is not the quarter to date while the quarter runs;
    the first month's median is."""
    data = WorkbookData(inputs={"frt_median_hours": [2.0, 3.0, 4.0] + [None] * 9},
                        observed={"frt_median_hours": {"q1": 2.5}})
    workbook = write_workbook(tmp_path / "medians.xlsx", Config(), data)
    january, february, march = (build_report(workbook, month=f"2026-0{m}") for m in (1, 2, 3))

    def quarter(report) -> float | None:
        return next(f for f in report.figures if f.id == "frt_median").to_date["quarter"]

    assert (quarter(january), quarter(february), quarter(march)) == (2.0, None, 2.5)


@pytest.mark.parametrize("language", ["en", "zh-CN", "ru", "af"])
def test_every_language_renders_its_own_words(golden: Path, language: str) -> None:
    html = render_html(build_report(golden, language=language))
    text = Text(language)
    assert f'<html lang="{language}">' in html
    assert text("report_heading") in html or text("report_heading").replace("–", "&ndash;") in html
    assert text("report_not_entered") in html
    assert text("kpi_csat") in html
    month = text("month_label", month_name=text("month_names").split()[1], year=2026)
    assert month in html


def test_figures_round_as_the_workbook_shows_them() -> None:
    """Half away from zero, as Excel formats numbers (not Python's half to even)."""
    shown = Formatter("en", Text("en"), "USD")
    assert shown(65 / 80, Unit.PERCENT) == "81.3%"
    assert shown(12.5, Unit.POINTS) == "13" and shown(-12.5, Unit.POINTS) == "−13"
    assert shown(2.25, Unit.HOURS) == "2.3\u00a0h" and shown(0.5, Unit.COUNT) == "1"
    same = Figure("csat", "CSAT", Unit.PERCENT, Better.HIGHER, value=0.9004, previous=0.9)
    assert same.unchanged(0.9) and same.improved(0.9) is None
    trend = shown.trend(same, 0.9)
    assert trend is not None and (trend.arrow, trend.kind) == ("=", "same")
    # the change is the difference of the values as shown: 81.3 % after 81.2 %
    up = Figure("csat", "CSAT", Unit.PERCENT, Better.HIGHER, value=0.8125, previous=0.8124)
    trend = shown.trend(up, 0.8124)
    assert trend is not None and (trend.arrow, trend.kind, trend.text) == ("▲", "better",
                                                                           "+0.1\u00a0pts")


@pytest.mark.parametrize(("language", "currency", "expected"), [
    ("en", "USD", ["$986,111", "−$3,444", "$33.48", "89.1%", "4.1 h", "2,560", "−0.7 pts",
                   "+$17,908", "not entered"]),
    ("ru", "RUB", ["986 111 ₽", "−3 444 ₽", "33,48 ₽", "89,1 %", "4,1 ч", "2 560", "−0,7 п. п.",
                   "+17 908 ₽", "не заполнено"]),
    ("zh-CN", "CNY", ["¥986,111", "−¥3,444", "¥33.48", "89.1%", "4.1小时", "2,560", "−0.7个百分点",
                      "+¥17,908", "未填写"]),
])
def test_numbers_as_each_language_writes_them(language: str, currency: str,
                                               expected: list[str]) -> None:
    shown = Formatter(language, Text(language), currency)
    found = [shown(986_111.4, Unit.MONEY), shown(-3_444, Unit.MONEY), shown(33.48, Unit.PRICE),
             shown(0.891, Unit.PERCENT), shown(4.12, Unit.HOURS), shown(2_560, Unit.COUNT),
             shown.change(-0.007, Unit.PERCENT), shown.change(17_908, Unit.MONEY),
             shown(None, Unit.COUNT)]
    assert [value.replace("\u00a0", " ") for value in found] == expected
    assert shown(-0.00001, Unit.PERCENT).replace("\u00a0", " ") in ("0.0%", "0,0 %")  # no "−0.0"


# ------------------------------------------------------------------------------ the page


def test_the_page_is_self_contained(golden: Path, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="))
    config = Config(**{**GOLDEN_CONFIG.__dict__, "logo": str(logo)})
    workbook = write_workbook(tmp_path / "logo.xlsx", config, golden_data())
    report = build_report(workbook)
    html = render_html(report)
    assert "<script" not in html.lower()
    assert not re.search(r"\son[a-z]+=", html)  # no event handler either
    references = re.findall(r'(?:src|href|xlink:href)="([^"]*)"|url\(([^)]*)\)', html)
    for found in (a or b for a, b in references):
        assert found.startswith(("data:", "#")), found
    assert "@import" not in html and "<link" not in html and "<iframe" not in html
    assert 'src="data:image/png;base64,' in html  # the logo, inline
    # a sparkline for each KPI with two months or more, and the two volume charts
    lines = sum(sum(value is not None for value in figure.months) >= 2 for figure in report.figures)
    assert lines >= 6 and html.count("<svg") == lines + 2
    # the sparklines share the page's stylesheet; each volume chart has its own
    assert html.count("<style") == 3 and html.count('class="pygal-chart sparkline"') == lines
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # the charts' ids are unique on the page
    assert render_html(report) == html  # the same page every time: ids from the page's counter


def test_hostile_names_stay_text(tmp_path: Path) -> None:
    """Company, title, font, note, category, channel and agent names with markup
    in them: escaped, or (the font, inside the stylesheet) stripped of what could
    end it."""
    hostile = '<img src=x onerror="alert(1)">&"\''
    config = Config(company=hostile, title=hostile, font=f"Arial</style>{hostile}<style>",
                    categories=(hostile,), channels=("Email", hostile), agents=(hostile,))
    data = WorkbookData(inputs={"csat_satisfied": [8, 9] + [None] * 10,
                                "csat_responses": [10, 10] + [None] * 10},
                        volume={hostile: [5, 7] + [None] * 10},
                        channels={"Email": [2, 3] + [None] * 10, hostile: [3, 4] + [None] * 10},
                        period_notes=[None, f"{hostile}\nSecond line</div>"],
                        agents={hostile: {"agent_solved": [4, 6] + [None] * 10}})
    html = render_html(build_report(write_workbook(tmp_path / "hostile.xlsx", config, data)))

    class Elements(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.handlers: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            self.handlers += [name for name, _ in attrs if name.startswith("on")]

    elements = Elements()
    elements.feed(html)
    assert "img" not in elements.tags and elements.handlers == []
    assert elements.tags.count("style") == 3  # the page's and the two bar charts'
    assert html.count("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&amp;&#34;&#39;") >= 5
    assert "</style><img" not in html and 'font-family: "Arial/styleimg' in html
    assert "Second line&lt;/div&gt;" in html


def test_a_font_name_with_spaces_is_quoted(tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "font.xlsx", Config(font="Source Sans 3"),
                              WorkbookData(inputs={"csat_satisfied": [8] + [None] * 11,
                                                   "csat_responses": [10] + [None] * 11}))
    assert 'font-family: "Source Sans 3", "Noto Sans"' in render_html(build_report(workbook))


def test_a_fiscal_year_from_april(tmp_path: Path) -> None:
    """Months, quarters and the year to date follow the fiscal year (April–March):
    May 2026 is in Q1, and January 2027 in Q4 of the same fiscal year."""
    months = [None] * 12
    satisfied, answers = list(months), list(months)
    for index, (good, all_) in {0: (80, 100), 1: (90, 100), 9: (70, 100)}.items():
        satisfied[index], answers[index] = good, all_
    workbook = write_workbook(tmp_path / "fiscal.xlsx", Config(year=2026, start_month=4),
                              WorkbookData(inputs={"csat_satisfied": satisfied,
                                                   "csat_responses": answers}))
    may = build_report(workbook, month="2026-05")
    assert (may.month_label, may.previous_label, may.quarter_label) == (
        "May 2026", "Apr 2026", "Q1 to date")
    csat = next(f for f in may.figures if f.id == "csat")
    assert csat.to_date == {"quarter": pytest.approx(0.85), "year": pytest.approx(0.85)}
    january = build_report(workbook)  # the last month filled
    assert (january.month_label, january.quarter_label) == ("Jan 2027", "Q4 to date")
    csat = next(f for f in january.figures if f.id == "csat")
    assert csat.to_date == {"quarter": pytest.approx(0.7), "year": pytest.approx(0.8)}
    assert csat.previous is None and csat.months[-10:] == [0.8, 0.9] + [None] * 7 + [0.7]


def test_counts_on_the_bars_as_the_language_writes_them(tmp_path: Path) -> None:
    data = WorkbookData(volume={"Technical issue": [12_345] + [None] * 11,
                                "Billing": [None] * 12},
                        channels={"Email": [12_345] + [None] * 11})
    workbook = write_workbook(tmp_path / "bars.xlsx", Config(categories=("Technical issue",
                                                                          "Billing"),
                                                             channels=("Email",)), data)
    russian = render_html(build_report(workbook, language="ru"))
    assert re.search(r'class="value[^"]*">12\u00a0345</text>', russian)
    english = render_html(build_report(workbook))
    assert re.search(r'class="value[^"]*">12,345</text>', english)
    assert "Not entered for this month: Billing." in english  # no empty bar for it


def test_a_workbook_without_tickets_has_no_volume_section(tmp_path: Path) -> None:
    data = WorkbookData(inputs={"customers_start": [100, 104] + [None] * 10,
                                "customers_end": [104, 103] + [None] * 10,
                                "customers_new": [6, 2] + [None] * 10})
    workbook = write_workbook(tmp_path / "success.xlsx", Config(preset="success"), data)
    report = build_report(workbook)
    html = render_html(report)
    assert not report.volume and 'id="volume"' not in html
    assert report.month_label == "Feb 2026" and 'data-kpi="churn_rate"' in html
    assert "tickets_new" not in {figure.id for figure in report.figures}


def test_no_sparkline_without_two_months(golden: Path) -> None:
    html = render_html(build_report(golden))
    assert "No data" not in html
    ces = html.split('data-kpi="ces"')[1].split('class="spark"')[1].split("</div>")[0]
    assert "<svg" not in ces


# ------------------------------------------------------------------------------ errors


def run(*args: str):
    return CliRunner().invoke(main, ["report", *args])


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2024-12"], "not one of golden.xlsx's months (2025-01..2026-12)"),
    (["--month", "2026-07"], "2026-07 holds no figure"),
    (["--month", "July"], "expected YYYY-MM"),
    (["--lang", "fr"], "Invalid value for '--lang'"),
])
def test_errors_exit_2_with_one_line_and_no_file(golden: Path, tmp_path: Path, args: list[str],
                                                 message: str) -> None:
    result = run(str(golden), "--out", str(tmp_path / "report.html"), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    if "--lang" not in args:  # click's own usage errors say more
        assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_report_is_html_or_pdf(golden: Path, tmp_path: Path) -> None:
    result = run(str(golden), "--out", str(tmp_path / "report.docx"))
    assert result.exit_code == 2 and "a report is .html or .pdf" in result.output
    assert list(tmp_path.iterdir()) == []


def test_foreign_damaged_and_empty_workbooks(tmp_path: Path) -> None:
    foreign, damaged, empty = tmp_path / "foreign.xlsx", tmp_path / "damaged.xlsx", tmp_path / "e.xlsx"
    import xlsxwriter

    book = xlsxwriter.Workbook(foreign)
    book.add_worksheet().write_number(0, 0, 1)
    book.close()
    damaged.write_bytes(write_workbook(tmp_path / "whole.xlsx").read_bytes()[:4000])
    write_workbook(empty)
    for path, message in ((foreign, "not a workbook made by csmetrics"),
                          (damaged, "not an .xlsx workbook"), (empty, "no month holds any figure"),
                          (tmp_path / "missing.xlsx", "no such workbook")):
        out = tmp_path / "out.html"
        result = run(str(path), "--out", str(out))
        assert result.exit_code == 2 and message in result.output, (path, result.output)
        assert len(result.output.strip().splitlines()) == 1
        assert not out.exists()


def test_a_pdf_without_chromium_is_a_clear_error(golden: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chromium.shutil, "which", lambda name: None)
    monkeypatch.delenv(chromium.CHROMIUM_VARIABLE, raising=False)
    result = run(str(golden), "--out", str(tmp_path / "report.pdf"))
    assert result.exit_code == 2 and "Chromium" in result.output
    assert "CSMETRICS_CHROMIUM" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_browser_of_ones_choice(tmp_path: Path) -> None:
    browser = tmp_path / "my chrome"
    browser.write_text("")
    found = chromium.find_chromium(lambda name: None, {chromium.CHROMIUM_VARIABLE: str(browser)})
    assert found == str(browser)
    assert chromium.find_chromium(lambda name: f"/opt/{name}",
                                  {chromium.CHROMIUM_VARIABLE: "brave"}) == "/opt/brave"
    with pytest.raises(UsageError, match="CSMETRICS_CHROMIUM=/nowhere: no such browser"):
        chromium.find_chromium(lambda name: None, {chromium.CHROMIUM_VARIABLE: "/nowhere"})
    assert chromium.find_chromium(lambda name: f"/usr/bin/{name}" if name == "google-chrome"
                                  else None, {}) == "/usr/bin/google-chrome"


def test_html_report_writes_and_replaces_atomically(golden: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("old")
    result = run(str(golden), "--out", str(out))
    assert result.exit_code == 0 and result.output == f"Wrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


# ------------------------------------------------------------------------------ browser

browser = pytest.mark.browser


def require_chromium() -> str:
    """Chromium's path; skip without it, but fail under CI, where it must run."""
    try:
        return chromium.find_chromium()
    except UsageError:
        missing("Chromium is not installed")


@pytest.fixture(scope="module")
def system_chromium():
    """The system's Chromium, driven by Playwright."""
    executable = require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(system_chromium):
    """A fresh page 1280 px wide."""
    opened = system_chromium.new_page(viewport={"width": 1280, "height": 900})
    yield opened
    opened.close()


def load(page, path: Path) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return errors, requests


def inked_share(page, png: bytes) -> float:
    """The share of a screenshot's pixels that are not white, counted by the
    browser itself (a canvas), so that no image library is needed."""
    return page.evaluate("""async (data) => {
        const image = new Image();
        image.src = 'data:image/png;base64,' + data;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width; canvas.height = image.height;
        const context = canvas.getContext('2d');
        context.drawImage(image, 0, 0);
        const pixels = context.getImageData(0, 0, image.width, image.height).data;
        let inked = 0;
        for (let i = 0; i < pixels.length; i += 4)
            if (pixels[i] < 235 || pixels[i + 1] < 235 || pixels[i + 2] < 235) inked++;
        return inked / (pixels.length / 4);
    }""", base64.b64encode(png).decode("ascii"))


@browser
@pytest.mark.parametrize("language", ["en", "zh-CN", "ru"])
def test_in_the_browser(page, golden: Path, tmp_path: Path, language: str) -> None:
    out = write_report(golden, tmp_path / f"report-{language}.html", language=language)
    errors, requests = load(page, out)
    assert errors == []
    assert requests == [out.as_uri()], requests  # the page and nothing else
    shown = page.eval_on_selector_all(
        ".tile", "tiles => tiles.map(t => [t.dataset.kpi, t.dataset.value, "
                 "t.querySelector('.value').innerText, t.getBoundingClientRect().width])")
    expected = reference.tracker(golden_data(), Periods(2)).kpis
    idle = page.eval_on_selector_all(".idle", "lines => lines.map(p => p.dataset.kpis)")
    named = [kpi for kpi, *_ in shown] + " ".join(idle).split()
    assert sorted(named) == sorted(kpi.id for kpi in KPIS)  # each KPI once: a tile or named
    for kpi, value, text, width in shown:
        reference_value = expected[(kpi, f"m{FEB_2026}")]
        if reference_value is None:
            assert value == "" and text == Text(language)("report_not_entered"), kpi
        else:
            assert float(value) == pytest.approx(reference_value), kpi
            assert re.search(r"\d", text), (kpi, text)
        assert width > 150, kpi  # five tiles a row at 1280 px, none squeezed
    csat = page.inner_text('.tile[data-kpi="csat"] .value')
    assert csat == {"en": "90.0%", "zh-CN": "90.0%", "ru": "90,0\u00a0%"}[language]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280  # nothing wider than the window
    png = page.screenshot(full_page=True)
    assert png.startswith(b"\x89PNG")
    assert 0.03 < inked_share(page, png) < 0.6  # text, tiles and charts; not blank, not a block


@browser
@pytest.mark.parametrize("language", ["en", "zh-CN", "ru"])
def test_pdf_is_a4_with_the_language_glyphs(golden: Path, tmp_path: Path, language: str) -> None:
    require_chromium()
    require_poppler()
    out = write_report(golden, tmp_path / "report.pdf", language=language)
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True,
                          text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and (float(size[1]), float(size[2])) == (pytest.approx(595.3, abs=1),
                                                         pytest.approx(841.9, abs=1)), info
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) <= 3
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True,
                          text=True).stdout
    words = Text(language)
    for key in ("report_heading", "report_not_entered", "kpi_csat", "report_met"):
        expected = " ".join(words(key).split())
        assert expected in " ".join(text.split()), (key, expected)
    glyphs = {"zh-CN": r"[\u4e00-\u9fff]", "ru": r"[\u0400-\u04ff]", "en": r"[A-Za-z]"}[language]
    assert len(re.findall(glyphs, text)) > 200
    assert "Acme Robotics" in text and "90" in text
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no page left behind
