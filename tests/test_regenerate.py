"""Regeneration: a filled workbook's data survives re-branding, re-saving in
other applications and typed text, and nothing is ever dropped silently."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from csmetrics.cli import main
from csmetrics.config.choices import LANGUAGES
from csmetrics.config.resolve import resolve_config
from csmetrics.config.settings import Config
from csmetrics.errors import UsageError
from csmetrics.generate import generate_workbook
from csmetrics.model.calculators import calculators
from csmetrics.model.data import WorkbookData
from csmetrics.model.scales import Scales
from csmetrics.xlsx.reader import FilledWorkbook, parse_number, read_filled
from engines import named_results, recalc_gnumeric, recalc_libreoffice, require_engine
from hypothesis import given
from hypothesis import strategies as st
from tests_support import rewrite_part, with_layout_version
from workbooks import make_workbook, random_data


def entered(filled: FilledWorkbook) -> dict:
    """What a team entered, comparable across workbooks (names case-folded)."""
    return {
        "starts": filled.starts,
        "inputs": filled.inputs,
        "volume": list(filled.volume.values()),
        "channels": list(filled.channels.values()),
        "targets": filled.targets,
        "calculators": filled.calculators,
        "gross_margin": filled.gross_margin,
        "observed": _filled_only(filled.observed),
        "period_notes": filled.period_notes,
        "channel_measures": {measure: list(grid.values())
                             for measure, grid in filled.channel_measures.items()},
        "sla": filled.sla,
        "agents": filled.agents,
    }


def _filled_only(observed: dict) -> dict:
    """Observed rollups without the empty cells (blank and absent are the same)."""
    kept = {id: {key: v for key, v in values.items() if v is not None}
            for id, values in observed.items()}
    return {id: values for id, values in kept.items() if values}


def as_written(config: Config, data) -> dict:
    """What the workbook was written with, in the shape of `entered`."""
    from csmetrics.model.calculators import calculators
    from csmetrics.model.periods import period_starts

    config = resolve_config(config)
    selection = config.selection
    calcs = tuple(c for c in calculators(config.scales) if selection.calculator_included(c.id))
    done = data.completed(config, calcs)
    return {
        "starts": period_starts(config.year, config.start_month, config.periods.count),
        "inputs": {k: v for k, v in done.inputs.items() if k in selection.inputs},
        "volume": list(done.volume.values()) if selection.volume else [],
        "channels": list(done.channels.values()) if selection.volume else [],
        "targets": {k: done.targets.get(k) for k in selection.kpis},
        "calculators": done.calculators,
        "gross_margin": done.gross_margin if "clv" in selection.kpis else None,
        "observed": _filled_only({k: v for k, v in done.observed.items() if k in selection.inputs}),
        "period_notes": done.period_notes,
        "channel_measures": ({measure: list(grid.values())
                              for measure, grid in done.channel_measures.items()}
                             if selection.volume else {}),
        "sla": {k: v for k, v in (done.sla or {}).items() if k in selection.sla_settings},
        "agents": done.agents if selection.agents else {},
    }


def filled_workbook(tmp_path: Path, config: Config | None = None, seed: int = 1,
                    name: str = "filled.xlsx") -> Path:
    config = config or Config()
    path = tmp_path / name
    data = random_data(random.Random(seed), config, blank=0.2, zero=0.05,
                       months=config.periods.count)
    make_workbook(path, config, data)
    assert entered(read_filled(path)) == as_written(config, data)  # the reader reads it all
    return path


BRANDS = st.fixed_dictionaries({
    "company": st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                       min_size=1, max_size=30).filter(str.strip),
    "primary_color": st.from_regex(r"#[0-9A-F]{6}", fullmatch=True),
    "accent_color": st.from_regex(r"#[0-9A-F]{6}", fullmatch=True),
    "language": st.sampled_from(LANGUAGES),
    "currency": st.sampled_from(("USD", "EUR", "GBP", "CNY", "RUB", "ZAR")),
    "font": st.sampled_from(("Arial", "Calibri", "Noto Sans")),
    "sheet_names": st.sampled_from(({}, {"tracker": "Q1", "volume": "Tickets & chats"},
                                    {"volume": "Объём обращений", "formulas": "FY26"})),
})


@given(seed=st.integers(0, 2**32 - 1), first=BRANDS, second=BRANDS,
       years=st.sampled_from((1, 2)), start_month=st.integers(1, 12))
def test_regenerated_workbooks_keep_data_and_kpis(tmp_path_factory, seed, first, second, years,
                                                  start_month):
    tmp_path = tmp_path_factory.mktemp("regen")
    config = Config(years=years, start_month=start_month, **first)
    source = filled_workbook(tmp_path, config, seed)
    out = tmp_path / "new.xlsx"
    generate_workbook(out, source=source, overrides=second)
    before, after = read_filled(source), read_filled(out)
    assert after.properties["csmetrics_language"] == second["language"]
    assert after.properties["csmetrics_currency"] == second["currency"]
    assert entered(after) == entered(before)
    assert named_results(out) == named_results(source)


def test_carries_everything_through_the_command_line(tmp_path):
    source = filled_workbook(tmp_path)
    out = tmp_path / "new.xlsx"
    result = CliRunner().invoke(main, ["generate", "--from", str(source), "--out", str(out),
                                       "--lang", "ru", "--company", "Новая"])
    assert result.exit_code == 0, result.stderr
    assert entered(read_filled(out)) == entered(read_filled(source))


def test_in_place_regeneration_keeps_a_backup(tmp_path):
    source = filled_workbook(tmp_path)
    original = source.read_bytes()
    before = entered(read_filled(source))
    _, report = generate_workbook(source, source=source, overrides={"language": "af"})
    backups = list(tmp_path.glob("filled.backup-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert any("backup" in line for line in report)
    assert entered(read_filled(source)) == before
    assert read_filled(source).properties["csmetrics_language"] == "af"


def refused(tmp_path: Path, source: Path, **overrides) -> str:
    out = tmp_path / "refused.xlsx"
    with pytest.raises(UsageError) as caught:
        generate_workbook(out, source=source, overrides=overrides)
    assert not out.exists()
    return str(caught.value)


def test_refuses_to_drop_a_metric_and_lists_its_values(tmp_path):
    config = Config()
    data = random_data(random.Random(3), config, blank=0.0)
    source = tmp_path / "filled.xlsx"
    make_workbook(source, config, data)
    message = refused(tmp_path, source, metrics=("csat",))
    nps = data.inputs["nps_promoters"]
    assert f"inp_nps_promoters 2026-01: {nps[0]:g} (metric left out)" in message
    assert "--drop-data" in message
    out = tmp_path / "dropped.xlsx"
    _, report = generate_workbook(out, source=source, drop_data=True,
                                  overrides={"metrics": ("csat",)})
    assert "Dropped" in report[0]
    after = read_filled(out)
    assert set(after.inputs) == {"csat_satisfied", "csat_responses"}
    assert after.inputs["csat_responses"] == data.inputs["csat_responses"]


def test_refuses_fewer_periods(tmp_path):
    config = Config(years=2)
    source = filled_workbook(tmp_path, config, seed=4)
    message = refused(tmp_path, source, years=1)
    assert "2027-" in message and "month not in the new periods" in message
    # moving the year keeps the overlapping months and reports the others
    assert "2026-" in refused(tmp_path, source, year=2027)


def test_categories_match_case_insensitively_and_renames_are_refused(tmp_path):
    base = resolve_config(Config())
    source = filled_workbook(tmp_path, base, seed=5)
    upper = tuple(name.upper() for name in base.categories)
    out = tmp_path / "upper.xlsx"
    generate_workbook(out, source=source, overrides={"categories": upper})
    after = read_filled(out)
    assert list(after.volume) == list(upper)
    assert list(after.volume.values()) == list(read_filled(source).volume.values())
    renamed = ("Billing", *base.categories[1:])
    message = refused(tmp_path, source, categories=renamed)
    assert f"category {base.categories[0]!r}" in message
    assert "category not in the new configuration" in message


def set_text_cells(path: Path, sheet_part: str, texts: dict[str, str]) -> None:
    """Type text into cells, as a user of another application might (in the XML)."""
    def type_text(content: bytes) -> bytes:
        xml = content.decode()
        for ref, text in texts.items():
            xml, count = re.subn(
                rf'<c r="{ref}"( s="\d+")?/>',
                rf'<c r="{ref}"\1 t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>',
                xml)
            assert count == 1, ref
        return xml.encode()

    rewrite_part(path, path, sheet_part, type_text)


def test_numbers_typed_as_text(tmp_path):
    source = tmp_path / "typed.xlsx"
    context = make_workbook(source, Config())
    row = context.tracker.input_row["csat_responses"] + 1
    set_text_cells(source, "xl/worksheets/sheet2.xml",
                   {f"C{row}": "12", f"D{row}": "12 ", f"E{row}": "1,234", f"F{row}": "1 500"})
    filled = read_filled(source)
    assert filled.inputs["csat_responses"][:4] == [12, 12, 1234, 1500]
    assert filled.problems == []
    set_text_cells(source, "xl/worksheets/sheet2.xml", {f"G{row}": "1,5", f"H{row}": "lots"})
    message = refused(tmp_path, source)
    assert f"Tracker!G{row} (inp_csat_responses): the text '1,5' is not an unambiguous number" \
        in message
    assert "'lots'" in message


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), ("  ", None), (3, 3.0), (2.5, 2.5), ("7", 7.0), (" 7 ", 7.0),
    ("1,234", 1234.0), ("1,234.5", 1234.5), ("1\u00a0234", 1234.0), ("-3", -3.0), ("0.25", 0.25),
])
def test_parse_number_accepts_unambiguous_values(value, expected):
    assert parse_number(value) == (expected, None)


@pytest.mark.parametrize("value", ["1,5", "12,34", "abc", "1.234,5", "1 2", True, "12%"])
def test_parse_number_reports_ambiguous_values(value):
    parsed, problem = parse_number(value)
    assert parsed is None and problem


def test_not_a_csmetrics_workbook(tmp_path):
    plain = tmp_path / "plain.xlsx"
    book = xlsxwriter.Workbook(str(plain))
    book.add_worksheet().write_string(0, 0, "hello")
    book.close()
    with pytest.raises(UsageError, match="not a workbook made by csmetrics"):
        read_filled(plain)


def test_newer_layout_damaged_and_missing_files(tmp_path):
    source = filled_workbook(tmp_path)
    newer = with_layout_version(source, tmp_path / "newer.xlsx", 99)
    with pytest.raises(UsageError, match=r"made by a newer csmetrics \(.*, layout 99\)"):
        read_filled(newer)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(source.read_bytes()[:2000])
    with pytest.raises(UsageError, match="damaged"):
        read_filled(damaged)
    with pytest.raises(UsageError, match="no such workbook"):
        read_filled(tmp_path / "missing.xlsx")
    result = CliRunner().invoke(main, ["generate", "--from", str(damaged), "--out",
                                       str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "Traceback" not in result.stderr


@pytest.mark.engines
@pytest.mark.parametrize("engine", ["libreoffice", "gnumeric"])
def test_workbooks_saved_by_other_applications(tmp_path, engine):
    require_engine(engine)
    config = Config(years=2, start_month=4, language="ru")
    source = filled_workbook(tmp_path, config, seed=9)
    if engine == "libreoffice":
        outdir = tmp_path / "lo"
        resaved = recalc_libreoffice([source], outdir)[source]
    else:
        resaved = recalc_gnumeric(source, tmp_path / "gnumeric.xlsx")
    before, after = read_filled(source), read_filled(resaved)
    assert after.problems == []
    assert entered(after) == entered(before)
    out = tmp_path / "again.xlsx"
    generate_workbook(out, source=resaved, overrides={"language": "en"})
    assert entered(read_filled(out)) == entered(before)


def test_kpi_ids_round_trip(tmp_path):
    """A subset workbook regenerates with the same metrics by default."""
    config = replace(Config(), metrics=("csat", "fcr"))
    source = filled_workbook(tmp_path, config)
    out = tmp_path / "again.xlsx"
    generate_workbook(out, source=source)
    assert read_filled(out).kpis == read_filled(source).kpis == ("csat", "fcr")


def test_regeneration_keeps_the_branding_it_is_not_told_to_change(tmp_path):
    config = Config(language="ru", currency="EUR", company="Acme", title="Acme care")
    source = filled_workbook(tmp_path, config)
    out = tmp_path / "again.xlsx"
    generate_workbook(out, source=source, overrides={"year": None})
    properties = read_filled(out).properties
    assert (properties["csmetrics_currency"], properties["csmetrics_company"],
            properties["csmetrics_title"], properties["csmetrics_language"]) == (
        "EUR", "Acme", "Acme care", "ru")


def test_changing_only_the_language_keeps_the_money_and_the_scales(tmp_path):
    config = Config(language="ru", scales=Scales(7, 6, 7, 5))
    source = filled_workbook(tmp_path, config)
    out = tmp_path / "en.xlsx"
    generate_workbook(out, source=source, overrides={"language": "en"})
    after = read_filled(out)
    assert after.properties["csmetrics_currency"] == "RUB"  # roubles stay roubles
    assert after.scales == Scales(7, 6, 7, 5)
    assert entered(after) == entered(read_filled(source))


def test_a_new_survey_scale_does_not_reuse_old_answer_counts(tmp_path):
    source = tmp_path / "five.xlsx"
    make_workbook(source, Config())  # calculators hold the examples
    out = tmp_path / "seven.xlsx"
    seven = Scales(csat_points=7, csat_satisfied_from=6)
    generate_workbook(out, source=source, overrides={"scales": seven})
    csat = read_filled(out).calculators["csat"]
    examples = {c.id: c for c in calculators(seven)}["csat"].inputs
    assert csat == {item.id: item.example for item in examples}
    typed = filled_workbook(tmp_path, Config(), seed=8, name="typed.xlsx")
    message = refused(tmp_path, typed, scales=seven)
    assert "calc_csat_score_5" in message and "survey scale changed" in message


def test_new_metrics_get_the_configured_targets_and_the_workbook_keeps_its_own(tmp_path):
    source = tmp_path / "nps.xlsx"
    make_workbook(source, Config(metrics=("nps",)),
                  WorkbookData(targets={"nps": 55}))
    out = tmp_path / "all.xlsx"
    config = tmp_path / "all.toml"
    config.write_text('metrics = "all"\ngross_margin = 0.7\n')
    generate_workbook(out, config_path=config, source=source)
    after = read_filled(out)
    assert after.targets["nps"] == 55  # typed by the team
    assert after.targets["churn_rate"] == 0.02 and after.targets["fcr"] == 0.75  # configured
    assert after.gross_margin == 0.7  # the old workbook had no CLV, so no margin of its own


def test_in_place_regeneration_twice_keeps_two_backups(tmp_path):
    source = filled_workbook(tmp_path)
    generate_workbook(source, source=source)
    generate_workbook(source, source=source)
    assert len(list(tmp_path.glob("filled.backup-*.xlsx"))) == 2


def test_a_name_whose_cells_were_deleted_is_reported(tmp_path):
    source = filled_workbook(tmp_path)
    broken = rewrite_part(source, tmp_path / "broken.xlsx", "xl/workbook.xml", lambda xml: re.sub(
        rb'(<definedName name="inp_mrr">)[^<]*', rb"\1Tracker!#REF!", xml))
    with pytest.raises(UsageError, match="inp_mrr no longer refers to cells"):
        read_filled(broken)
