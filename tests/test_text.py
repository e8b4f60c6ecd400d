"""Every text key exists, is used, renders cleanly; sheet titles are valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlsxwriter
from csmetrics.config.choices import LANGUAGES
from csmetrics.config.settings import Config
from csmetrics.model.data import WorkbookData
from csmetrics.model.scales import Scales
from csmetrics.text import Text, templates_dir
from csmetrics.xlsx.contract import SETTINGS_SHEET
from csmetrics.xlsx.writer import build

SCALES = [Scales(), Scales(csat_points=7, csat_satisfied_from=6, ces_points=7, ces_easy_from=5),
          Scales(csat_points=10, csat_satisfied_from=9)]


def built_text(tmp_path, config: Config) -> Text:
    workbook = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    context = build(workbook, config, WorkbookData())
    workbook.close()
    return context.text


PACKAGE = Path(__file__).resolve().parents[1] / "generator"
USED_ELSEWHERE = {"volume_other": "importing.py"}  # the import's "Other" category
# csmetrics report's words: its page and its module ask for them by name
REPORT_SOURCES = (PACKAGE / "report.py", templates_dir() / "report.html.j2")


def report_keys() -> set[str]:
    sources = "".join(path.read_text("utf-8") for path in REPORT_SOURCES)
    return set(re.findall(r'\b(?:t|text)\(["\'](report_\w+)["\']', sources))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_is_used_and_every_used_key_exists(tmp_path, language):
    used: set[str] = set()
    keys: set[str] = set()
    for index, (scales, month) in enumerate(zip(SCALES, (1, 4, 7), strict=True)):
        folder = tmp_path / str(index)
        folder.mkdir()
        config = Config(language=language, scales=scales, start_month=month, years=1 + index % 2,
                        agents=("Ann",) if index else None)  # the chart needs a named agent
        text = built_text(folder, config)
        used |= text.used
        keys = text.keys()
    assert used <= keys
    # keys another command uses, not the writer: they must be there in its code
    elsewhere = {key: module for key, module in USED_ELSEWHERE.items()
                 if f'"{key}"' in (PACKAGE / module).read_text("utf-8")}
    assert elsewhere == USED_ELSEWHERE
    report = report_keys()
    assert len(report) > 20 and report <= keys
    assert sorted(keys - used - set(elsewhere) - report) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_blocks_render_to_clean_text(language):
    text = Text(language, company="ACME", title="Metrics", year=2026, currency="$",
                csat_scale=5, csat_satisfied_from=4, ces_scale=7, ces_easy_from=5, hours="business")
    variables = {"score": 3, "n": 2, "label": "X", "month_name": "Jan", "first_month": "Jan",
                 "last_month": "Dec", "fiscal": True, "year_label": "2026", "total": 3,
                 # the report's
                 "file": "team.xlsx", "version": "0.2.0", "date": "2026-11-02", "month": "Oct 2026",
                 "quarter": "Q4", "solved": "120", "one_touch": "70.0%", "csat": "90.0%",
                 "kpis": "NPS, CSAT", "names": "Email, Chat"}
    for key in sorted(text.keys()):
        rendered = text(key, **variables)
        assert rendered, key
        assert rendered == rendered.strip(), key
        assert "{{" not in rendered and "{%" not in rendered, key


def test_languages_have_the_same_keys():
    reference = Text("en").keys()
    for language in LANGUAGES:
        assert Text(language).keys() == reference, language
    assert {p.name for p in templates_dir().iterdir() if p.is_dir()} >= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sheet_titles_are_valid_in_excel(language):
    text = Text(language)
    for key in ("sheet_start", "sheet_tracker", "sheet_volume", "sheet_formulas"):
        title = text(key)
        assert 0 < len(title) <= 31, title
        assert not re.search(r"[\[\]:*?/\\]", title), title
        assert not title.startswith("'") and not title.endswith("'"), title


@pytest.mark.parametrize("language", LANGUAGES)
def test_titles_show_the_company_and_title(tmp_path, language):
    """Default and configured company and title reach every sheet's header."""
    from csmetrics.config.resolve import resolve_config
    from openpyxl import load_workbook

    for config in (Config(language=language), Config(language=language, company="ACME Ltd",
                                                     title="ACME care")):
        path = tmp_path / "book.xlsx"
        workbook = xlsxwriter.Workbook(str(path))
        build(workbook, config, WorkbookData())
        workbook.close()
        resolved = resolve_config(config)
        book = load_workbook(path, read_only=True)
        for ws in book.worksheets:
            if ws.title == SETTINGS_SHEET:  # hidden machine data, not for reading
                continue
            top = [c.value for row in ws.iter_rows(max_row=3) for c in row if c.value]
            assert any(resolved.title in str(v) for v in top), (ws.title, top)
            assert "None" not in " ".join(str(v) for v in top), (ws.title, top)
        start = [c.value for row in book.worksheets[0].iter_rows(max_row=2) for c in row]
        assert resolved.company in start
        book.close()


def test_rendered_texts_are_remembered_and_follow_template_edits(tmp_path, monkeypatch):
    """A second workbook with the same variables needs no jinja2; an edited
    template or other variables are never served from the cache."""
    import shutil

    import csmetrics.text as text_module

    copy = tmp_path / "templates"
    shutil.copytree(text_module.templates_dir(), copy)
    monkeypatch.setattr(text_module, "templates_dir", lambda: copy)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = Text("en", title="T", company="C")
    assert first("kpi_nps") == "Net Promoter Score (NPS)"
    assert first("quarter_label", n=3) == "Q3"
    first.save()
    second = Text("en", title="T", company="C")
    assert second("kpi_nps") == "Net Promoter Score (NPS)"
    assert second("quarter_label", n=3) == "Q3"
    assert "_environment" not in second.__dict__  # served without jinja2
    other = Text("en", title="Other", company="C")
    assert other("tracker_title") == "Other – Tracker"
    labels = copy / "en" / "labels.j2"
    labels.write_text(labels.read_text().replace("Net Promoter Score (NPS)", "NPS (edited)"))
    assert Text("en", title="T", company="C")("kpi_nps") == "NPS (edited)"


def test_texts_work_without_a_writable_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    text = Text("ru", title="T", company="C")
    assert text("sheet_tracker")
    text.save()  # nothing to save to, and no error
    monkeypatch.setenv("CSMETRICS_NO_CACHE", "1")
    assert Text("en")("sheet_tracker") == "Tracker"
