"""Random workbooks recalculated in-process by IronCalc agree with the reference."""

from __future__ import annotations

import random

import pytest
from csmetrics.config.settings import Config
from csmetrics.model.catalog import KPIS
from csmetrics.model.data import WorkbookData
from engines import iter_formula_errors, recalc_ironcalc
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.cell import get_column_letter
from workbooks import compare, expected_values, make_workbook, random_data


def check(tmp_path, config: Config, data: WorkbookData, name: str = "book.xlsx") -> None:
    path = tmp_path / name
    context = make_workbook(path, config, data)
    reader = recalc_ironcalc(path)
    assert list(iter_formula_errors(reader)) == []
    mismatches = list(compare(expected_values(context), reader.value))
    assert mismatches == [], "\n".join(mismatches[:20])


@given(seed=st.integers(0, 2**32 - 1), blank=st.sampled_from((0.0, 0.2, 0.6)),
       zero=st.sampled_from((0.0, 0.1, 0.4)), months=st.integers(0, 36),
       start_month=st.integers(1, 12), years=st.sampled_from((1, 1, 2, 3)),
       metrics=st.none() | st.sets(st.sampled_from([kpi.id for kpi in KPIS]), min_size=1))
def test_random_workbooks_match_reference(tmp_path, seed, blank, zero, months, start_month, years,
                                          metrics):
    rng = random.Random(seed)
    config = Config(start_month=start_month, years=years,
                    metrics=None if metrics is None else tuple(sorted(metrics)))
    check(tmp_path, config, random_data(rng, config, blank=blank, zero=zero, months=months))


@pytest.mark.parametrize("months", [0, 1, 6, 12])
def test_partly_filled_year(tmp_path, months):
    """In June the year column shows January-June; an empty workbook shows blanks."""
    rng = random.Random(months)
    check(tmp_path, Config(), random_data(rng, blank=0.0, zero=0.0, months=months))


def test_empty_workbook_shows_only_blanks(tmp_path):
    path = tmp_path / "empty.xlsx"
    context = make_workbook(path, Config(), WorkbookData(calculators={}))
    reader = recalc_ironcalc(path)
    expected = expected_values(context)
    filled_row = context.tracker.helper_row["filled"] + 1  # 0 in every month
    agents = context.agents
    targets = {(agents.sheet, f"{get_column_letter(agents.target_col + 1)}{block.first_agent_row + 1}")
               for block in agents.blocks.values()}  # the team's targets, shown from the Tracker
    for (sheet, address), value in expected.items():
        if (sheet, address) in targets:
            continue
        if isinstance(value, str):  # quarter and year headers: their plain labels
            assert "(" not in value, (address, value)
        elif address[-len(str(filled_row)):] == str(filled_row) and address[0].isalpha():
            assert value in (0, None), (address, value)
        else:
            assert value is None, (sheet, address, value)
    assert list(compare(expected, reader.value)) == []


def test_five_years_of_monthly_data(tmp_path):
    """Several fiscal years: quarters and years per year, stocks chained per year."""
    config = Config(years=5, start_month=7)
    check(tmp_path, config, random_data(random.Random(5), config, blank=0.1, zero=0.05,
                                        months=54))
