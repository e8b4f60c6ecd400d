"""Configuration limits: targets in their KPI's unit, finite numbers, readable
brand colours, Excel's sheet-name rules, at most 50 categories and channels, a
BOM, long values cut in messages, case-insensitive choices, an .xlsx output."""

from __future__ import annotations

from pathlib import Path

import pytest
from csmetrics.config.choices import MAX_NAMES
from csmetrics.config.colours import DARK, WHITE, contrast_ratio, relative_luminance, text_colour_on
from csmetrics.config.file import TABLES, read_config, starter_config
from csmetrics.config.settings import Config, ConfigError, target_problem, validate
from csmetrics.xlsx.writer import write_workbook
from openpyxl import load_workbook
from test_config import run, write

EMOJI = "\N{GRINNING FACE}"  # one character, two UTF-16 code units




def refused(tmp_path: Path, text: str) -> str:
    """The stderr of generate refusing ``text``: status 2, the file named, nothing written."""
    config = write(tmp_path, text + "\n")
    out = tmp_path / "out.xlsx"
    result = run("generate", "--config", str(config), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert str(config) in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
    return result.stderr


def generated(tmp_path: Path, text: str, *options: str) -> Path:
    config = write(tmp_path, text + "\n")
    out = tmp_path / "out.xlsx"
    result = run("generate", "--config", str(config), "--out", str(out), *options)
    assert result.exit_code == 0, result.stderr
    return out


# 1. targets in their KPI's unit ---------------------------------------------
TARGETS = [
    ("csat = 90", "targets.csat = 90 (a number): a percentage is written as a fraction from 0 to 1"
                  " (0.85 = 85 %); did you mean 0.90?"),
    ("fcr = 85.5", "did you mean 0.855?"),
    ("renewal_rate = 100", "did you mean 1.00?"),
    ("churn_rate = -0.1", "targets.churn_rate = -0.1 (a number): a percentage is written as a"
                          " fraction from 0 to 1 (0.85 = 85 %)\n"),
    ("crr = 150", "targets.crr = 150 (a number): a percentage is written as a fraction from 0 to 1"
                  " (0.85 = 85 %)\n"),
    ("nps = 101", "targets.nps = 101 (a number): must be from -100 to 100 (NPS points)"),
    ("nps = -100.5", "targets.nps = -100.5 (a number): must be from -100 to 100"),
    ("frt = -1", "targets.frt = -1 (a number): must be 0 or more"),
    ("mrr = -500", "targets.mrr = -500 (a number): must be 0 or more"),
    ("ltv_cac = -3.0", "targets.ltv_cac = -3.0 (a number): must be 0 or more"),
    ("tickets_new = -2", "targets.tickets_new = -2 (a number): must be 0 or more"),
]


@pytest.mark.parametrize(("line", "message"), TARGETS, ids=[t for t, _ in TARGETS])
def test_targets_are_range_checked_by_their_kpis_unit(tmp_path, line, message):
    assert message in refused(tmp_path, f"[targets]\n{line}")


def test_targets_at_the_ends_of_their_ranges_are_accepted(tmp_path):
    out = generated(tmp_path, "[targets]\ncsat = 1\nces = 0\nnps = -100\nfrt = 0\nart = 48.5")
    assert out.exists()
    config = read_config(write(tmp_path, "[targets]\nnps = 100\ncsat = 0.9\n"))
    assert config.targets == {"nps": 100, "csat": 0.9}


def test_targets_set_in_python_follow_the_same_rule():
    with pytest.raises(ConfigError, match=r"targets\.csat = 90: .*did you mean 0\.90\?"):
        validate(Config(targets={"csat": 90}))
    with pytest.raises(ConfigError, match=r"targets\.nps = -150: must be from -100 to 100"):
        validate(Config(targets={"nps": -150}))
    with pytest.raises(ConfigError, match=r"targets\.frt = -4: must be 0 or more"):
        validate(Config(targets={"frt": -4}))
    with pytest.raises(ConfigError, match=r"targets: unknown metric 'nsp'"):
        validate(Config(targets={"nsp": 40}))
    validate(Config(targets={"nps": -100, "csat": 1, "frt": 0, "mrr": 0}))


def test_the_file_check_is_the_settings_rule():
    for kpi_id in ("csat", "nps", "frt", "mrr"):
        for value in (-101, -1, 0, 0.5, 1, 90, 101, "high", True):
            assert TABLES["targets"][kpi_id](value) == target_problem(kpi_id, value)


# 2. finite numbers ----------------------------------------------------------
@pytest.mark.parametrize(("text", "message"), [
    ("gross_margin = nan", "gross_margin = nan (a number): expected a finite number"),
    ("[targets]\nnps = inf", "targets.nps = inf (a number): expected a finite number"),
    ("[targets]\ncsat = -inf", "targets.csat = -inf (a number): expected a finite number"),
    ("[targets]\nfrt = nan", "targets.frt = nan (a number): expected a finite number"),
], ids=["gross_margin nan", "nps inf", "csat -inf", "frt nan"])
def test_nan_and_infinity_are_refused(tmp_path, text, message):
    stderr = refused(tmp_path, text)
    assert message in stderr and "NAN/INF" not in stderr


def test_nan_and_infinity_set_in_python_are_refused():
    with pytest.raises(ConfigError, match="gross_margin = nan: expected a finite number"):
        validate(Config(gross_margin=float("nan")))
    with pytest.raises(ConfigError, match=r"gross_margin = 1\.5: must be from 0 to 1"):
        validate(Config(gross_margin=1.5))
    with pytest.raises(ConfigError, match=r"targets\.nps = inf: expected a finite number"):
        validate(Config(targets={"nps": float("inf")}))


# 3. readable brand colours --------------------------------------------------
def test_contrast_ratio_follows_wcag_2():
    assert relative_luminance("#000000") == 0 and relative_luminance("#FFFFFF") == pytest.approx(1)
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21)  # either order
    assert contrast_ratio("#1F4E79", "#1F4E79") == pytest.approx(1)
    assert contrast_ratio("#FFFF00", WHITE) == pytest.approx(1.07, abs=0.005)
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.005)  # the usual AA grey
    assert contrast_ratio("#777777", WHITE) < 4.5


def test_text_on_a_fill_is_white_or_near_black_whichever_reads():
    assert text_colour_on("#1F4E79") == WHITE and text_colour_on("#2E75B6") == WHITE  # defaults
    assert text_colour_on("#FFB000") == DARK  # amber: white would be 1.83:1
    assert text_colour_on("#FFFF00") == DARK and text_colour_on("#FFFFFF") == DARK
    assert text_colour_on("#767676") == WHITE  # 4.54:1
    mid = "#7A7A7A"  # neither reaches 4.5:1: the better of the two
    assert text_colour_on(mid) == WHITE and contrast_ratio(mid, WHITE) > contrast_ratio(mid, DARK)


@pytest.mark.parametrize(("colour", "ratio"), [("#FFFFFF", "1.00"), ("#FFFF00", "1.07"),
                                               ("#FFB000", "1.83")])
def test_a_primary_colour_too_light_for_the_title_is_refused(tmp_path, colour, ratio):
    stderr = refused(tmp_path, f'[colors]\nprimary = "{colour}"')
    assert (f"colors.primary = '{colour}' (text): too light for the title drawn in it on white "
            f"(contrast {ratio}:1, needs 3:1); choose a darker colour") in stderr


def fills_and_fonts(path: Path) -> set[tuple[str, str]]:
    """(fill, font colour) of every filled cell of the workbook."""
    book = load_workbook(path)
    found = {(cell.fill.fgColor.rgb, cell.font.color.rgb if cell.font.color else None)
             for sheet in book for row in sheet.iter_rows() for cell in row
             if cell.fill.fill_type == "solid"}
    book.close()
    return found


def test_text_on_a_light_brand_fill_becomes_dark(tmp_path):
    out = generated(tmp_path, '[colors]\nprimary = "#7A7A7A"\naccent = "#FFB000"')
    found = fills_and_fonts(out)
    amber = {font for fill, font in found if fill == "FFFFB000"}
    assert amber == {"FF1A1A1A"}  # the sections: never white on amber
    assert {font for fill, font in found if fill == "FF7A7A7A"} == {"FFFFFFFF"}


def test_default_colours_keep_white_text(tmp_path):
    out = generated(tmp_path, "")
    found = fills_and_fonts(out)
    assert {font for fill, font in found if fill in ("FF1F4E79", "FF2E75B6")} == {"FFFFFFFF"}


def test_a_light_primary_set_in_python_is_drawn_readably(tmp_path):
    """Python configurations are not refused a light primary (fills and tabs
    still use it), but no text is drawn in it on white, nor white on it."""
    out = write_workbook(tmp_path / "light.xlsx", Config(primary_color="#FFFF00"))
    found = fills_and_fonts(out)
    assert {font for fill, font in found if fill == "FFFFFF00"} == {"FF1A1A1A"}
    book = load_workbook(out)
    fonts = {cell.font.color.rgb for sheet in book for row in sheet.iter_rows() for cell in row
             if cell.font.color is not None and cell.fill.fill_type is None}
    book.close()
    assert "FFFFFF00" not in fonts


def test_colours_set_in_python_must_be_rrggbb():
    with pytest.raises(ConfigError, match=r"colors\.accent = 'blue': expected a colour"):
        validate(Config(accent_color="blue"))


# 4. sheet names by Excel's rules --------------------------------------------
SHEETS = [
    (EMOJI * 16, "is 32 characters long in Excel's count (an emoji counts 2); at most 31"),
    ("x" * 32, "is 32 characters long; at most 31"),
    ("", "must not be empty"),
    ("   ", "must not be empty"),
    ("'Tracker", "must not contain an apostrophe"),
    ("Tracker'", "must not contain an apostrophe"),
    ("Team's", "must not contain an apostrophe"),
    ("a/b", "must not contain any of [ ] : * ? / \\"),
    ("a\\\\b", "must not contain any of"),
    ("[x]", "must not contain any of"),
    ("why?", "must not contain any of"),
    ("a*", "must not contain any of"),
    ("history", "'History' is reserved by Excel"),
    ("HISTORY", "'History' is reserved by Excel"),
]


@pytest.mark.parametrize(("name", "message"), SHEETS, ids=[m[:20] + n[:8] for n, m in SHEETS])
def test_sheet_names_follow_excels_rules(tmp_path, name, message):
    stderr = refused(tmp_path, f'[sheets]\ntracker = "{name}"')
    assert "sheets.tracker = " in stderr and message in stderr


def test_a_sheet_name_of_31_code_units_is_accepted(tmp_path):
    name = EMOJI * 15 + "Q"  # 16 characters, 31 UTF-16 code units
    out = generated(tmp_path, f'[sheets]\ntracker = "{name}"')
    book = load_workbook(out, read_only=True)
    assert book.sheetnames[1] == name
    book.close()


def test_sheet_names_set_in_python_follow_the_same_rules():
    with pytest.raises(ConfigError, match=r"sheets\.tracker = .*in Excel's count"):
        validate(Config(sheet_names={"tracker": EMOJI * 16}))
    with pytest.raises(ConfigError, match=r"sheets\.volume = 'History': 'History' is reserved"):
        validate(Config(sheet_names={"volume": "History"}))
    validate(Config(sheet_names={"tracker": ""}))  # empty: the language's name


# 5. at most 50 categories and channels --------------------------------------
def names(count: int) -> str:
    return "[" + ", ".join(f'"n{i}"' for i in range(count)) + "]"


@pytest.mark.parametrize(("key", "count"), [("categories", 500), ("channels", MAX_NAMES + 1)])
def test_too_many_categories_or_channels_are_refused(tmp_path, key, count):
    stderr = refused(tmp_path, f"[tickets]\n{key} = {names(count)}")
    assert f"tickets.{key} = " in stderr and f"{count} names; at most {MAX_NAMES}" in stderr
    assert "xlsxwriter" not in stderr.lower() and len(stderr) < 400


def test_fifty_categories_and_channels_are_accepted(tmp_path):
    assert MAX_NAMES == 50
    out = generated(tmp_path, f"[tickets]\ncategories = {names(50)}\nchannels = {names(50)}")
    assert out.exists()


def test_too_many_names_set_in_python_are_refused():
    with pytest.raises(ConfigError, match=r"tickets\.categories: 51 names; at most 50"):
        validate(Config(categories=tuple(f"c{i}" for i in range(51))))
    with pytest.raises(ConfigError, match=r"tickets\.channels: 60 names; at most 50"):
        validate(Config(channels=tuple(f"c{i}" for i in range(60))))


def test_the_starter_states_the_limit():
    assert f"up to {MAX_NAMES}" in starter_config()


# 6. a byte-order mark -------------------------------------------------------
def test_a_configuration_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "csmetrics.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'year = 2027\ncompany = "ACME"\n')
    config = read_config(path)
    assert (config.year, config.company) == (2027, "ACME")
    out = tmp_path / "out.xlsx"
    result = run("generate", "--config", str(path), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.exists()


# 7. long values are cut in messages -----------------------------------------
def test_a_huge_value_gives_a_short_message(tmp_path):
    huge = "x" * 100_000
    stderr = refused(tmp_path, f'title = "{huge}"\n{huge} = 1\nmetrics = ["{huge}"]\n'
                               f'[tickets]\ncategories = ["{huge}"]\n[sheets]\ntracker = "{huge}"')
    lines = stderr.splitlines()
    assert len(lines) == 5, stderr[:2000]
    assert all(len(line) < 2 * len(str(tmp_path)) + 1000 for line in lines), [len(x) for x in lines]
    assert "title = 'xxxxxxxxxx" in stderr and "x'… (text): is 100000 characters long" in stderr


def test_a_huge_value_set_in_python_gives_a_short_message():
    with pytest.raises(ConfigError) as error:
        validate(Config(currency="X" * 100_000, company="y" * 100_000))
    assert len(str(error.value)) < 400 and "…" in str(error.value)


# 8. case-insensitive language and currency ----------------------------------
def test_language_and_currency_options_ignore_case(tmp_path):
    out = tmp_path / "out.xlsx"
    result = run("generate", "--out", str(out), "--lang", "zh-cn", "--currency", "usd")
    assert result.exit_code == 0, result.stderr
    book = load_workbook(out, read_only=True)
    properties = {p.name: p.value for p in book.custom_doc_props}
    book.close()
    assert (properties["csmetrics_language"], properties["csmetrics_currency"]) == ("zh-CN", "USD")


def test_language_and_currency_in_the_file_ignore_case(tmp_path):
    config = read_config(write(tmp_path, 'language = "zh-cn"\ncurrency = "usd"\n'))
    assert (config.language, config.currency) == ("zh-CN", "USD")
    config = read_config(write(tmp_path, 'language = "RU"\ncurrency = "Eur"\n'))
    assert (config.language, config.currency) == ("ru", "EUR")
    assert "allowed: en, zh-CN, ru, af" in refused(tmp_path, 'language = "zh"')


# 9. the output is an .xlsx file ---------------------------------------------
@pytest.mark.parametrize("name", ["report.csv", "report", "report.xls", "report.xlsx.bak"])
def test_an_output_that_is_not_xlsx_is_refused(tmp_path, name):
    out = tmp_path / "sub" / name
    result = run("generate", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert f"--out {out}: the workbook is an .xlsx file" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and not out.parent.exists()


def test_an_xlsx_output_is_accepted_in_any_case(tmp_path):
    out = tmp_path / "REPORT.XLSX"
    result = run("generate", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.exists()
