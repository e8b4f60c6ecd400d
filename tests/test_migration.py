"""Layout 1 to layout 2: a workbook made by csmetrics 0.1.0 (the fixture
``tests/fixtures/layout-1.xlsx``, with the data it was filled with beside it as
JSON) regenerates into a layout-2 workbook with every value carried and the new
rows empty; a newer layout is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from csmetrics.cli import main
from csmetrics.errors import UsageError
from csmetrics.generate import generate_workbook
from csmetrics.model.catalog import KPIS, OBSERVED_INPUTS
from csmetrics.model.data import CHANNEL_MEASURES
from csmetrics.xlsx import contract
from csmetrics.xlsx.reader import read_filled
from engines import named_results
from openpyxl import load_workbook
from tests_support import with_layout_version

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VERSION_1 = FIXTURES / "layout-1.xlsx"
WRITTEN = json.loads((FIXTURES / "layout-1.json").read_text(encoding="utf-8"))
NEW_KPIS = {"frt_sla", "res_sla", "frt_median", "frt_p90", "art_median", "art_p90", "aged_backlog",
            "cost_per_ticket", "contact_rate", "revenue_churn", "grr", "nrr"}


def test_the_fixture_is_a_layout_1_workbook() -> None:
    book = load_workbook(VERSION_1, read_only=True)
    try:
        properties = {p.name: p.value for p in book.custom_doc_props}
        names = set(book.defined_names)
    finally:
        book.close()
    assert properties[contract.LAYOUT_PROPERTY] == 1 and properties["csmetrics_version"] == "0.1.0"
    assert contract.PERIOD_NOTES not in names and contract.SETTINGS_SHEET not in book.sheetnames


def test_layout_1_reads_as_written() -> None:
    filled = read_filled(VERSION_1)
    assert filled.problems == []
    assert filled.inputs == WRITTEN["inputs"]
    assert filled.volume == WRITTEN["volume"] and filled.channels == WRITTEN["channels"]
    assert filled.targets == WRITTEN["targets"]
    assert filled.calculators == WRITTEN["calculators"]
    assert filled.gross_margin == WRITTEN["gross_margin"]
    assert filled.notes == {(kind, key, month): text for kind, key, month, text in WRITTEN["notes"]}
    assert filled.fills == {(kind, key, month): fill for kind, key, month, fill in WRITTEN["fills"]}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("migrated") / "v2.xlsx"
    path, report = generate_workbook(out, source=VERSION_1)
    assert report == []  # nothing dropped, nothing worth telling
    return path


def test_every_value_is_carried_and_the_new_rows_are_empty(migrated: Path) -> None:
    before, after = read_filled(VERSION_1), read_filled(migrated)
    assert after.made_with.layout_version == contract.LAYOUT_VERSION == 2
    for input_id, series in before.inputs.items():
        assert after.inputs[input_id] == series, input_id
    new_inputs = set(after.inputs) - set(before.inputs)
    assert new_inputs and all(v is None for i in new_inputs for v in after.inputs[i])
    assert (after.volume, after.channels) == (before.volume, before.channels)
    assert {k: v for k, v in after.targets.items() if k in before.targets} == before.targets
    assert all(after.targets[k] is None for k in NEW_KPIS & set(after.targets)
               if k not in ("frt", "art"))  # new KPIs without a configured target
    assert (after.calculators, after.gross_margin) == (before.calculators, before.gross_margin)
    assert (after.notes, after.fills) == (before.notes, before.fills)
    assert after.period_notes == [None] * len(after.starts)
    assert all(v is None for values in after.observed.values() for v in values.values())
    assert {m: list(grid) for m, grid in after.channel_measures.items()} == {
        m: list(before.channels) for m in CHANNEL_MEASURES}
    assert all(v is None for grid in after.channel_measures.values()
               for series in grid.values() for v in series)


def test_the_migrated_workbook_has_the_layout_2_rows_and_keeps_its_settings(migrated: Path) -> None:
    before, after = read_filled(VERSION_1), read_filled(migrated)
    for key in ("language", "company", "title", "currency", "scales", "primary_color",
                "accent_color", "font", "author", "benchmarks"):
        assert getattr(after.made_with, key) == getattr(before.made_with, key), key
    assert after.kpis == (*(kpi.id for kpi in KPIS), "agents")  # every metric, the new ones too
    book = load_workbook(migrated, read_only=True)
    try:
        names = set(book.defined_names)
    finally:
        book.close()
    assert {contract.PERIOD_NOTES, *contract.SLA_NAMES, *CHANNEL_MEASURES, contract.CHANNEL_CSAT} <= names
    assert {contract.observed_quarter_name(i.id) for i in OBSERVED_INPUTS} <= names
    assert after.sla == {"sla_first_reply_hours": 4, "sla_resolution_hours": 24, "aging_days": 7}


def test_the_migrated_workbook_computes_the_same_kpis(migrated: Path) -> None:
    """Every KPI, quarter and year of layout 1, recalculated by IronCalc in both
    workbooks, shows the same value."""
    old, new = named_results(VERSION_1), named_results(migrated)
    assert old and set(old) <= set(new)
    for name, values in old.items():
        assert new[name] == pytest.approx(values), name


def test_migrating_in_place_keeps_a_backup(tmp_path: Path) -> None:
    copy = tmp_path / "team.xlsx"
    shutil.copy(VERSION_1, copy)
    result = CliRunner().invoke(main, ["generate", "--from", str(copy), "--out", str(copy)])
    assert result.exit_code == 0, result.stderr
    backups = list(tmp_path.glob("team.backup-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == VERSION_1.read_bytes()
    assert read_filled(copy).made_with.layout_version == 2


def test_a_newer_layout_is_refused_naming_the_version_that_wrote_it(tmp_path: Path, migrated: Path) -> None:
    newer = with_layout_version(migrated, tmp_path / "newer.xlsx", 3)
    with pytest.raises(UsageError, match=r"made by a newer csmetrics \(.*, layout 3\).*reads layouts "
                                         r"up to 2: upgrade csmetrics"):
        read_filled(newer)
    result = CliRunner().invoke(main, ["generate", "--from", str(newer), "--out",
                                       str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2 and "newer csmetrics" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_text_a_team_typed_beside_a_layout_1_grid_is_listed(tmp_path: Path) -> None:
    """An older layout's own labels are csmetrics' (tests/fixtures' workbook
    migrates without a word); a team's note beside the grid is not, and is listed
    rather than dropped."""
    typed = tmp_path / "typed.xlsx"
    book = load_workbook(VERSION_1)
    tracker = book[book.sheetnames[1]]
    tracker["A70"] = "Звонок с финансовым директором"
    book.save(typed)
    with pytest.raises(UsageError) as refused:
        generate_workbook(tmp_path / "out.xlsx", source=typed)
    assert "Звонок с финансовым директором" in str(refused.value)
    assert "not csmetrics' own" in str(refused.value) and str(refused.value).count("\n  ") == 1
