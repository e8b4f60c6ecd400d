"""Configuration: the starter file, every key applied, every bad value refused."""

from __future__ import annotations

import base64
import os
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from csmetrics.cli import main
from csmetrics.config.choices import LANGUAGES, YEAR_RANGE, YEARS_RANGE
from csmetrics.config.file import TABLES, TOP_LEVEL, read_config, starter_config
from csmetrics.config.resolve import resolve_config
from csmetrics.config.settings import CURRENCIES, Config, ConfigError, validate
from csmetrics.model import selection
from openpyxl import load_workbook

# A 2x1 PNG and a 1x1 JPEG, small enough to keep inline.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAcDAEA1c9E3QAAAABJRU5ErkJggg==")
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////"
    "////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAA"
    "AAAAAAD/2gAIAQEAAD8AN//Z")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "csmetrics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_init_writes_a_starter_that_reads_back_as_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.exit_code == 0, result.output
    path = tmp_path / "csmetrics.toml"
    assert resolve_config(read_config(path)) == resolve_config(Config())
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not a temporary file's 0600
    again = run("init")
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run("init", "--force").exit_code == 0


def test_starter_documents_every_key():
    text = starter_config()
    for key in TOP_LEVEL:
        assert re.search(rf"^#? ?{key} = ", text, re.M), key
    for table, keys in TABLES.items():
        assert f"[{table}]" in text, table
        if table != "targets":  # every KPI id is listed, the defaults are set
            for key in keys:
                assert re.search(rf"^#? ?{key} = ", text, re.M), f"{table}.{key}"


def test_cli_choices_match_the_package():
    options = {param.name: param.type for param in main.commands["generate"].params}
    assert tuple(options["language"].choices) == LANGUAGES
    assert tuple(options["currency"].choices) == tuple(CURRENCIES)
    assert (options["year"].min, options["year"].max) == YEAR_RANGE
    assert (options["years"].min, options["years"].max) == YEARS_RANGE
    assert tuple(options["preset"].choices) == selection.PRESETS  # the CLI's copy, model-free
    assert (TOP_LEVEL["year"](YEAR_RANGE[1] + 1), TOP_LEVEL["year"](YEAR_RANGE[1])) == (
        f"must be from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}", None)


def test_validate_checks_years_and_metrics_too():
    with pytest.raises(ConfigError, match="years: 0 is not between 1 and 10"):
        validate(Config(years=0))
    with pytest.raises(ConfigError, match="metrics: 'cast'"):
        validate(Config(metrics=("nps", "cast")))
    with pytest.raises(ConfigError, match="year: 9991 is not between 1900 and 9990"):
        validate(Config(year=9991))


def sheet_xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode()


def test_every_key_is_applied(tmp_path):
    (tmp_path / "logo.png").write_bytes(PNG)
    config = write(tmp_path, """
company = "=HYPERLINK(\\"http://x\\",\\"y\\")"
title = "ACME Support"
language = "ru"
logo = "logo.png"
font = "Arial"
currency = "EUR"
year = 2025
start_month = 7
years = 2
author = "Ops team"
benchmarks = false
gross_margin = 0.7
metrics = ["csat", "ces", "fcr", "resolution_rate", "churn_rate", "clv"]
[colors]
primary = "#112233"
accent = "#445566"
[surveys]
csat_scale = 7
ces_scale = 7
[tickets]
categories = ["Billing", "Bugs"]
channels = ["Email", "Chat", "WhatsApp"]
[targets]
csat = 0.9
[sheets]
tracker = "Monthly KPIs"
""")
    out = tmp_path / "out.xlsx"
    result = run("generate", "--config", str(config), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    book = load_workbook(out, read_only=True)
    names = set(book.defined_names)
    assert book.sheetnames[1] == "Monthly KPIs"
    assert "kpi_csat" in names and "kpi_nps" not in names and "calc_nps" not in names
    assert "kpi_arpu" in names  # CLV needs ARPU
    assert "calc_csat_score_7" in names and "calc_ces_score_7" in names
    assert book.properties.creator == "Ops team"
    assert book.properties.title == "ACME Support"
    start = next(iter(book.defined_names["period_start"].destinations))
    assert start[1] == "$C$5:$Z$5"  # 24 months, under the header row
    volume = book[book.sheetnames[2]]
    headers = [c.value for c in next(volume.iter_rows(min_row=6, max_row=6))]
    assert headers[1:3] == ["Billing", "Bugs"] and "WhatsApp" in headers
    start_sheet = book[book.sheetnames[0]]
    company = [c.value for row in start_sheet.iter_rows(max_row=3) for c in row if c.value]
    assert '=HYPERLINK("http://x","y")' in company  # text stays text
    book.close()
    styles = sheet_xml(out, "xl/styles.xml")
    assert "FF112233" in styles and 'val="Arial"' in styles and "€" in styles
    with zipfile.ZipFile(out) as archive:
        media = [n for n in archive.namelist() if n.startswith("xl/media/")]
        drawings = [n for n in archive.namelist() if re.match(r"xl/drawings/drawing\d+\.xml$", n)]
    assert media and len(drawings) == 4  # the logo on every sheet


def test_command_line_overrides_the_file(tmp_path):
    config = write(tmp_path, 'year = 2025\nlanguage = "ru"\ncompany = "File Inc"\n')
    out = tmp_path / "out.xlsx"
    result = run("generate", "--config", str(config), "--out", str(out), "--year", "2030",
                 "--lang", "af", "--company", "CLI Inc")
    assert result.exit_code == 0, result.stderr
    book = load_workbook(out, read_only=True)
    props = {p.name: p.value for p in book.custom_doc_props}
    assert props["csmetrics_language"] == "af" and props["csmetrics_company"] == "CLI Inc"
    first = next(iter(book.defined_names["period_start"].destinations))
    sheet, cells = first
    assert book[sheet][cells.split(":")[0].replace("$", "")].value.year == 2030
    book.close()


BAD = [
    ('compnay = "ACME"', "unknown key 'compnay' (did you mean 'company'?)"),
    ('year = "2026"', "year = '2026' (text): expected a whole number"),
    ('start_month = 13', "start_month = 13 (a number): must be from 1 to 12"),
    ('[colors]\nprimary = "blue"', "colors.primary = 'blue' (text): expected a colour"),
    ('[colors]\nprimray = "#000000"', "unknown key 'colors.primray' (did you mean 'primary'?)"),
    ('logo = "missing.png"', "logo = 'missing.png': file not found"),
    ('logo = "notes.txt"', "logo = 'notes.txt': not a PNG or JPEG image"),
    ('metrics = ["nps", "cast"]', "unknown metric 'cast' (did you mean 'csat'?)"),
    ('[tickets]\ncategories = ["Billing", "billing"]', "'billing' appears twice"),
    ('[tickets]\ncategories = ["Billing", " "]', "must not be empty"),
    ('[tickets]\nchannels = []', "expected a non-empty list"),
    ('[sheets]\ntracker = "KPIs: 2026"', "must not contain any of"),
    ('title = "' + "x" * 61 + '"', "is 61 characters long; at most 60"),
    ('language = "de"', "allowed: en, zh-CN, ru, af"),
    ('currency = "JPY"', "allowed: \"\" (the language's default), USD, EUR, GBP, CNY, RUB, ZAR"),
    ('[surveys]\ncsat_scale = 6', "allowed: 5, 7, 10"),
    ('[surveys]\ncsat_satisfied_from = 6', "must be from 2 to the CSAT scale (5)"),
    ('gross_margin = 1.5', "must be from 0 to 1"),
    ('[targets]\nnps = "high"', "targets.nps = 'high' (text): expected a number"),
    ('[targets]\nnsp = 40', "unknown key 'targets.nsp' (did you mean 'nps'?)"),
    ('benchmarks = "yes"', "expected true or false"),
    ('year = ', "not valid TOML"),
    ("[sheets]\nvolume = \"Team's tickets\"", "must not contain an apostrophe"),
    ('[sheets]\ntracker = "ticket volume"', "sheets.tracker = 'ticket volume': the volume sheet"),
    ('year = 9990\nyears = 10\nstart_month = 2', "runs past December 9999"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m[:30] for _, m in BAD])
def test_bad_configuration_is_refused_with_one_message_per_problem(tmp_path, text, message):
    (tmp_path / "notes.txt").write_text("hello")
    config = write(tmp_path, text + "\n")
    out = tmp_path / "out.xlsx"
    result = run("generate", "--config", str(config), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert str(config) in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_several_problems_are_all_reported(tmp_path):
    config = write(tmp_path, 'compnay = "x"\nyear = "y"\n[colors]\nprimary = "red"\n')
    result = run("generate", "--config", str(config), "--out", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if str(config) in line]
    assert len(lines) == 3, result.stderr


def test_jpeg_logo_and_size_reading(tmp_path):
    from csmetrics.images import fit_scale, image_size

    (tmp_path / "a.png").write_bytes(PNG)
    (tmp_path / "b.jpg").write_bytes(JPEG)
    assert image_size(tmp_path / "a.png") == (2, 1)
    assert image_size(tmp_path / "b.jpg") == (1, 1)
    assert fit_scale(400, 100, 180, 54) == pytest.approx(0.45)
    config = write(tmp_path, 'logo = "b.jpg"\n')
    assert read_config(config).logo == str((tmp_path / "b.jpg").resolve())


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--title", "x" * 61, "at most 60 characters"),
    ("--company", "two\nlines", "must be one line"),
])
def test_command_line_text_is_checked_like_the_file(tmp_path, option, value, message):
    out = tmp_path / "out.xlsx"
    result = run("generate", "--out", str(out), option, value)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert not out.exists()


def test_consistency_checks_colour_months_only_and_sheet_names_are_quoted(tmp_path):
    """In a year, new customers (a sum) may exceed customers at the end (a stock)."""
    from tests_support import conditional_ranges

    out = tmp_path / "out.xlsx"
    config = write(tmp_path, '[sheets]\ntracker = "Q1"\n')
    assert run("generate", "--config", str(config), "--out", str(out), "--years", "2").exit_code == 0
    ranges = conditional_ranges(out, "xl/worksheets/sheet2.xml")
    book = load_workbook(out, read_only=True)
    (sheet, area), = book.defined_names["inp_customers_new"].destinations
    assert sheet == "Q1" and book.defined_names["inp_customers_new"].attr_text.startswith("'Q1'!")
    volume = book[book.sheetnames[2]]
    labels = [row[0].value for row in volume.iter_rows(min_col=1, max_col=1)]
    book.close()
    months = area.replace("$", "")
    assert months in ranges  # the check covers the 24 months ...
    row = months.split(":")[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert not any(r.endswith(f":AF{row}") for r in ranges)  # ... not the rollups
    assert "Year 2026" in labels and "Year 2027" in labels  # each year's total, and quarters
