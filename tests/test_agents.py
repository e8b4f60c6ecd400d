"""The Agents sheet: the reference's figures, the sheet's names and highlights, the
import that fills it (several agents, unassigned tickets, an agent who joins
mid-year), and regeneration that carries agents by name."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from csmetrics.config.settings import Config
from csmetrics.errors import UsageError
from csmetrics.generate import generate_workbook
from csmetrics.importing import import_exports
from csmetrics.model.agents import AGENT_INPUTS, AGENT_KPIS, AGENT_MEASURES
from csmetrics.model.data import WorkbookData
from csmetrics.model.reference import TOTAL, agents, tracker
from csmetrics.xlsx import contract
from csmetrics.xlsx.reader import read_filled
from csmetrics.xlsx.writer import write_workbook
from engines import recalc_ironcalc
from openpyxl.utils.cell import get_column_letter
from static_books import Generated, assert_none, name_area
from workbooks import compare, expected_values, make_workbook
from xlsx_parts import NS, read_book


def months(*values: float | None) -> list[float | None]:
    return [*values] + [None] * (12 - len(values))


ANN = {"agent_solved": months(10, 20), "agent_fcr": months(6, 10), "agent_reopened": months(1, 2),
       "agent_replies": months(15, 30), "agent_frt_hours": months(2.0, 4.0),
       "agent_frt_count": months(10, 30), "agent_csat_responses": months(8, 10),
       "agent_csat_satisfied": months(6, 9)}
BOB = {"agent_solved": months(30, None), "agent_fcr": months(24), "agent_frt_hours": months(1.0),
       "agent_frt_count": months(30), "agent_csat_responses": months(12),
       "agent_csat_satisfied": months(12)}


def test_the_reference_adds_agents_up_by_the_trackers_rules() -> None:
    data = WorkbookData(inputs={"tickets_resolved": months(45, 20), "frt_hours": months(1.25)},
                        agents={"Ann": ANN, "Bob": BOB})
    result = agents(data, tracker_result=tracker(data))
    values = result.values
    assert values[("agent_fcr_rate", "Ann", "m0")] == pytest.approx(0.6)
    assert values[("agent_csat", "Bob", "m0")] == pytest.approx(1.0)
    assert values[("agent_replies_per_ticket", "Ann", "m1")] == pytest.approx(1.5)
    # the year to date: summed counts, recomputed rates, weighted first response
    assert values[("agent_solved", "Ann", "y1")] == 30
    assert values[("agent_fcr_rate", "Ann", "y1")] == pytest.approx(16 / 30)
    assert values[("agent_frt_hours", "Ann", "y1")] == pytest.approx((2 * 10 + 4 * 30) / 40)
    # the team: January's solved 40, first response weighted by each agent's tickets
    assert values[("agent_solved", TOTAL, "m0")] == 40
    assert values[("agent_frt_hours", TOTAL, "m0")] == pytest.approx((2 * 10 + 1 * 30) / 40)
    assert values[("agent_fcr_rate", TOTAL, "m0")] == pytest.approx(30 / 40)
    # the Tracker counted 45 solved in January: 5 without an agent; February agrees
    assert result.unassigned[("agent_solved", "m0")] == 5
    assert result.unassigned[("agent_solved", "m1")] == 0
    assert values[("agent_solved", "Bob", "m1")] is None  # not entered: blank, never 0


def test_the_sheet_computes_what_the_reference_says(tmp_path: Path) -> None:
    config = Config(agents=("Ann", "Bob", "Cleo"))
    data = WorkbookData(inputs={"tickets_resolved": months(45, 20)}, agents={"Ann": ANN, "Bob": BOB})
    context = make_workbook(tmp_path / "agents.xlsx", config, data)
    assert list(compare(expected_values(context), recalc_ironcalc(tmp_path / "agents.xlsx").value)) == []
    assert context.agents.rows == 10 and context.agents.agents == ("Ann", "Bob", "Cleo")


def test_the_names_point_where_the_spec_says(book: Generated) -> None:
    layout = book.context.agents
    sheet = book.sheet("agents")
    names = name_area(book, contract.AGENT_NAMES)
    problems = []
    if names.sheet != sheet.name or names.shape != (layout.rows, 1):
        problems.append(f"agent_names: {names.shape}")
    for measure in AGENT_MEASURES:
        grid, year = name_area(book, measure), name_area(book, contract.agent_year_name(measure))
        block = layout.blocks[measure]
        if grid.shape != (layout.rows, layout.periods.count) or grid.min_row != block.first_agent_row + 1:
            problems.append(f"{measure}: {grid.shape} from row {grid.min_row}")
        if year.shape != (layout.rows, layout.periods.years) or year.min_row != grid.min_row:
            problems.append(f"{contract.agent_year_name(measure)}: {year.shape}")
        entered = measure in {item.id for item in AGENT_INPUTS}
        for ref in grid.cells():
            cell = sheet.cell(ref)
            if cell is None or (cell.formula is None) != entered:
                problems.append(f"{measure} {ref}: {'an input' if entered else 'a formula'} expected")
        for ref in year.cells():
            if (sheet.cell(ref) or cell).formula is None:
                problems.append(f"{contract.agent_year_name(measure)} {ref}: not a formula")
    assert_none(problems, "agent names wrong")


def test_the_team_row_is_flagged_where_the_tracker_disagrees(book: Generated) -> None:
    layout, sheet = book.context.agents, book.sheet("agents")
    found = {cf.get("sqref", "").split(":")[0]: cf.find("m:cfRule/m:formula", NS).text
             for cf in sheet.root.iterfind("m:conditionalFormatting", NS)}
    for measure in ("agent_solved", "agent_frt_hours", "agent_csat_satisfied"):
        block = layout.blocks[measure]
        team = f"B{block.team_row + 1}"
        assert team in found and f"B{block.tracker_row + 1}" in found[team], measure
    for kpi in AGENT_KPIS:  # the rates against the team's targets, both directions
        block = layout.blocks[kpi.id]
        anchor = f"B{block.first_agent_row + 1}"
        target = f"${get_column_letter(layout.target_col + 1)}${block.first_agent_row + 1}"
        assert anchor in found and target in found[anchor], kpi.id


def agents_export(folder: Path) -> Path:
    """A Zendesk export of a quarter: Ann all along, Bob from March, unassigned tickets."""
    rows = []
    for month, agents_of_month in ((1, ["Ann", "Ann", ""]), (2, ["Ann", "", ""]),
                                   (3, ["Ann", "Bob", "Bob", ""])):
        for n, agent in enumerate(agents_of_month):
            day = f"2024-{month:02d}-{n + 2:02d}"
            rows.append([f"{month}{n}", f"{day} 09:00", f"{day} 10:00", f"{day} 15:00", "solved",
                         "Email", "question", 1, 0, agent, "good" if n % 2 else "bad"])
    path = folder / "agents.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Id", "Created at", "Initial response time", "Solved at", "Status", "Via",
                         "Ticket type", "Replies", "Reopens", "Assignee", "Satisfaction Score"])
        writer.writerows(rows)
    return path


def test_an_import_fills_the_agents_and_the_team_total_adds_up(tmp_path: Path) -> None:
    out = tmp_path / "team.xlsx"
    import_exports([agents_export(tmp_path)], out)
    filled = read_filled(out)
    assert list(filled.agents) == ["Ann", "Bob"]
    assert filled.agents["Ann"]["agent_solved"][:3] == [2, 1, 1]
    assert filled.agents["Bob"]["agent_solved"][:3] == [0, 0, 2]  # joins in March
    context = make_workbook(tmp_path / "again.xlsx", Config(year=2024, agents=("Ann", "Bob")),
                            WorkbookData(inputs=filled.inputs, volume=filled.volume,
                                         channels=filled.channels, agents=filled.agents))
    result = context.agents_result
    assert [result.values[("agent_solved", TOTAL, f"m{m}")] for m in range(3)] == [2, 1, 3]
    assert filled.inputs["tickets_resolved"][:3] == [3, 3, 4]  # the Tracker: everyone's
    # the difference is the tickets without an agent: 1, 2 and 1
    assert [result.unassigned[("agent_solved", f"m{m}")] for m in range(3)] == [1, 2, 1]
    reader = recalc_ironcalc(out)
    block = context.agents.blocks["agent_solved"]
    assert [reader.value("Agents", f"{get_column_letter(2 + m)}{block.unassigned_row + 1}")
            for m in range(3)] == [1, 2, 1]


def test_a_new_agent_in_an_import_gets_a_row(tmp_path: Path) -> None:
    team = tmp_path / "team.xlsx"
    generate_workbook(team, overrides={"year": 2024})
    config = tmp_path / "c.toml"
    config.write_text('year = 2024\nagents = ["Zoe"]\n[tickets]\ncategories = ["question"]\n',
                      encoding="utf-8")
    generate_workbook(team, config_path=config, source=team, drop_data=True)
    import_exports([agents_export(tmp_path)], team, source=team)
    assert list(read_filled(team).agents) == ["Zoe", "Ann", "Bob"]


def test_renamed_or_removed_agents_with_figures_are_listed_and_refused(tmp_path: Path) -> None:
    source = write_workbook(tmp_path / "team.xlsx", Config(agents=("Ann", "Bob")),
                            WorkbookData(agents={"Ann": ANN, "Bob": BOB}))
    renamed = tmp_path / "renamed.toml"
    renamed.write_text('agents = ["Anne", "Bob"]\n', encoding="utf-8")
    with pytest.raises(UsageError, match=r"agent_solved 'Ann' 2026-01: 10 \(agent not in the new "
                                         r"configuration\)"):
        generate_workbook(tmp_path / "out.xlsx", config_path=renamed, source=source)
    added = tmp_path / "added.toml"
    added.write_text('agents = ["ann", "Bob", "Cleo"]\n', encoding="utf-8")
    out, _ = generate_workbook(tmp_path / "out.xlsx", config_path=added, source=source)
    carried = read_filled(out).agents
    assert list(carried) == ["ann", "Bob", "Cleo"] and carried["ann"]["agent_solved"] == ANN["agent_solved"]
    left_out = tmp_path / "left.toml"
    left_out.write_text('metrics = ["nps", "csat"]\n', encoding="utf-8")
    with pytest.raises(UsageError, match="Agents sheet left out"):
        generate_workbook(tmp_path / "out2.xlsx", config_path=left_out, source=source)


def test_two_agents_of_one_name_stop_the_run(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_workbook(tmp_path / "team.xlsx", Config(agents=("Ann", "Bob")))
    book = load_workbook(path)
    area = next(iter(book.defined_names[contract.AGENT_NAMES].destinations))[1]
    first = area.split(":")[0].replace("$", "")
    book["Agents"][first.replace(first[1:], str(int(first[1:]) + 1))] = "ann"
    book.save(path)
    with pytest.raises(UsageError, match="are both the agent 'ann'"):
        read_filled(path)


def test_the_agents_sheet_can_be_left_out_and_is_in_the_presets() -> None:
    assert Config(metrics=("nps", "csat")).selection.agents is False
    assert Config(metrics=("nps", "agents")).selection.agents is True
    assert Config(preset="support").selection.agents and not Config(preset="success").selection.agents


def test_a_workbook_without_the_agents_sheet_has_none_of_its_names(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "few.xlsx", Config(metrics=("nps", "frt")))
    names = read_book(path).workbook_names()
    assert not [name for name in names if name.startswith("agent")]
