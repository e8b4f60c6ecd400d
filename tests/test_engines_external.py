"""LibreOffice and Gnumeric recalculate generated workbooks to the reference values.

One batched soffice call recalculates every workbook; each must show the
reference value in every formula cell and no error value anywhere, whether it is
empty, partly filled, full of zeros or full of random data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from csmetrics.config.resolve import resolve_config
from csmetrics.config.settings import Config
from csmetrics.model.catalog import ENTERED_INPUTS
from csmetrics.model.data import WorkbookData
from engines import (
    iter_formula_errors,
    read_values,
    recalc_gnumeric,
    recalc_libreoffice,
    require_engine,
)
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from workbooks import Expected, compare, expected_values, make_workbook, random_data

pytestmark = pytest.mark.engines


@dataclass
class Case:
    name: str
    config: Config
    data: WorkbookData


def _zeros() -> WorkbookData:
    config = resolve_config(Config())
    zero = [0.0] * 12
    return WorkbookData(
        inputs={item.id: list(zero) for item in ENTERED_INPUTS},
        volume={name: list(zero) for name in config.categories},
        channels={name: list(zero) for name in config.channels},
        calculators={},  # every calculator input blank
        gross_margin=0.0,
    )


def _fixed_cases() -> list[Case]:
    return [
        Case("empty", Config(), WorkbookData(calculators={})),
        Case("defaults", Config(), WorkbookData()),
        Case("zeros", Config(), _zeros()),
        Case("half_year", Config(), random_data(random.Random(1), blank=0.0, zero=0.0, months=6)),
        Case("full", Config(), random_data(random.Random(2), blank=0.0, zero=0.0)),
        Case("sheet_names", Config(sheet_names={"tracker": "Q1", "volume": "Tickets & chats",
                                                "formulas": "Формулы"}, language="ru"),
             random_data(random.Random(4), blank=0.1)),
        Case("three_years", Config(years=3, start_month=4),
             random_data(random.Random(3), Config(years=3, start_month=4), blank=0.15, months=30)),
    ]


RANDOM_CASES = 6


def _random_cases() -> list[Case]:
    """Workbooks drawn by hypothesis, as in the IronCalc property test, collected
    first so that one soffice call recalculates them all."""
    cases: list[Case] = []

    @settings(max_examples=RANDOM_CASES, database=None, derandomize=True,
              phases=[Phase.generate])
    @given(seed=st.integers(0, 2**32 - 1), blank=st.sampled_from((0.0, 0.1, 0.4)),
           zero=st.sampled_from((0.0, 0.05, 0.3)), months=st.integers(1, 12),
           start_month=st.integers(1, 12), year=st.integers(2000, 2040))
    def collect(seed, blank, zero, months, start_month, year):
        config = Config(start_month=start_month, year=year)
        data = random_data(random.Random(seed), config, blank=blank, zero=zero, months=months)
        cases.append(Case(f"random_{len(cases)}", config, data))

    collect()
    return cases


CASES = _fixed_cases() + _random_cases()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, tuple[Path, Expected]]:
    folder = tmp_path_factory.mktemp("generated")
    books = {}
    for case in CASES:
        path = folder / f"{case.name}.xlsx"
        context = make_workbook(path, case.config, case.data)
        books[case.name] = (path, expected_values(context))
    return books


@pytest.fixture(scope="module")
def libreoffice_outputs(generated, tmp_path_factory) -> dict[str, Path]:
    require_engine("libreoffice")
    outdir = tmp_path_factory.mktemp("libreoffice")
    paths = [path for path, _ in generated.values()]
    converted = recalc_libreoffice(paths, outdir)
    return {name: converted[path] for name, (path, _) in generated.items()}


@pytest.fixture(scope="module")
def gnumeric_outputs(generated, tmp_path_factory) -> dict[str, Path]:
    require_engine("gnumeric")
    outdir = tmp_path_factory.mktemp("gnumeric")
    return {name: recalc_gnumeric(path, outdir / f"{name}.xlsx")
            for name, (path, _) in generated.items()}


def _check(output: Path, expected: Expected) -> None:
    reader = read_values(output)
    errors = list(iter_formula_errors(reader))
    assert errors == [], f"error values in {output.name}: {errors[:10]}"
    mismatches = list(compare(expected, reader.value))
    assert mismatches == [], "\n".join(mismatches[:20])


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_libreoffice_matches_reference(name, generated, libreoffice_outputs):
    _check(libreoffice_outputs[name], generated[name][1])


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_gnumeric_matches_reference(name, generated, gnumeric_outputs):
    _check(gnumeric_outputs[name], generated[name][1])


def test_cases_exercise_values_and_blanks(generated):
    """Guard against a vacuous comparison: the cases hold both numbers and blanks."""
    values = [v for _, expected in generated.values() for v in expected.values()]
    assert sum(v is None for v in values) > 100
    assert sum(v is not None for v in values) > 1000
