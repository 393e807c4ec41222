"""The worksheet functions, called as plain functions (the Linux decorators return them
unchanged), with the values Excel would pass: scalars, 2-D ranges and empty cells.
Their answers are compared with `perf-xl validate` run as a process on the example."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perf_xl.errors import PerfXLError
from perf_xl.excel import udfs as U
from perf_xl.model import CHECKPOINTS, Department, Indicator, Project
from perf_xl.rules import validate
from perf_xl.rules.row import ROW_RULES, check_row
from perf_xl.spendplan import PROFILE_NAMES, canonical_profile, profile_plan
from perf_xl.values import parse_value
from perf_xl.workbook import layout as L
from perf_xl.workbook.read import is_project_sheet

IND = {c.key: c.col for c in L.IND_COLUMNS}


def block(grid, rng: str) -> list[list]:
    """A range as Excel hands it to a UDF with ndim=2: rows of values, empty cells None."""
    first, _, last = rng.partition(":")
    r1, c1 = L.split_a1(first)
    r2, c2 = L.split_a1(last or first)
    return [[grid.at(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]


def project_grids(example_grids):
    names, grids = example_grids
    return [(n, grids[n]) for n in names if is_project_sheet(n, grids[n])]


def row_messages(cli_findings, sheet: str, index: int) -> str:
    return "；".join(f["message"] for f in cli_findings
                    if f["sheet"] == sheet and f["indicator"] == index and f["code"] in ROW_RULES)


def indicator_rows(grid):
    """(row, 0-based indicator index) of the filled rows."""
    rows = [r for r in range(L.IND_FIRST_ROW, L.IND_LAST_ROW + 1)
            if any(grid.get(f"{c}{r}") is not None for c in "ABCDEFG")]
    return list(zip(rows, range(len(rows)), strict=True))


# -- PT_CHECK ------------------------------------------------------------------------------------
def test_pt_check_says_what_the_cli_says_on_every_indicator_row(example_grids, cli_findings):
    checked = flagged = 0
    for name, grid in project_grids(example_grids):
        budget = grid.get(L.BUDGET.cell)
        for row, index in indicator_rows(grid):
            cells = [grid.get(f"{IND[k]}{row}") for k in ("level1", "level2", "level3", "value")]
            want = row_messages(cli_findings, name, index)
            desc = grid.get(f"{IND['description']}{row}")
            assert U.PT_CHECK(*cells, budget, desc) == want, (name, row)
            # The five-argument call (no description) gives the same on this document.
            assert U.PT_CHECK(*cells, budget) == want, (name, row)
            checked += 1
            flagged += bool(want)
    assert checked == 249
    # Rows with indicator-level findings: 14 PT204, 4 PT405 … (some rows have two).
    assert flagged == len({(f["sheet"], f["indicator"]) for f in cli_findings
                           if f["code"] in ROW_RULES}) >= 20


def test_pt_check_over_whole_columns_returns_a_column(example_grids, cli_findings):
    first, last = L.IND_FIRST_ROW, L.IND_LAST_ROW
    for name, grid in project_grids(example_grids)[:12]:
        cols = [block(grid, f"{IND[k]}{first}:{IND[k]}{last}")
                for k in ("level1", "level2", "level3", "value")]
        desc = block(grid, f"{IND['description']}{first}:{IND['description']}{last}")
        got = U.PT_CHECK(*cols, [[grid.get(L.BUDGET.cell)]], desc)
        assert len(got) == L.IND_CAPACITY and all(len(r) == 1 for r in got)
        want = {row: row_messages(cli_findings, name, index) for row, index in indicator_rows(grid)}
        assert [r[0] for r in got] == [want.get(row, "") for row in range(first, last + 1)]


def _project(*indicators: Indicator, budget: str = "100") -> Project:
    return Project(seq=1, code="", name="测试项目", budget=Decimal(budget),
                   indicators=list(indicators))


def test_pt_check_carries_blank_level_names_down_over_a_column_as_validate_does():
    # A merged 一级指标 group: only the first row names 产出指标.
    rows = [Indicator("产出指标", "数量指标", "购置数量", "设备台数", "≥10 台"),
            Indicator("", "成本指标", "项目预算控制数", "项目总成本", "≤500 万元"),
            Indicator("", "", "设备单价", "每台单价", "≤100 万元")]
    project = _project(*rows)
    findings = validate(Department(year=2024, projects=[project]))
    want = ["；".join(f.message for f in findings if f.indicator == i and f.code in ROW_RULES)
            for i in range(3)]
    assert want[1].startswith("成本指标『项目预算控制数』≤500万元 超过预算数")
    got = U.PT_CHECK([[r.level1] for r in rows], [[r.level2] for r in rows],
                     [[r.level3] for r in rows], [[r.value] for r in rows], 100.0,
                     [[r.description] for r in rows])
    assert [r[0] for r in got] == want
    # One cell alone cannot see the row above: its blank 一级指标 is reported as blank.
    alone = U.PT_CHECK("", "成本指标", "项目预算控制数", "≤500 万元", 100.0, "项目总成本")
    assert alone.startswith("一级指标为空")


def test_pt_check_needs_the_description_where_validate_reads_its_words():
    # "项目成本" alone is a part of the cost; the description "项目总成本" makes it the total,
    # which PT205 reports when it is below the budget.
    row = ("产出指标", "成本指标", "项目成本", "≤60 万元")
    findings = validate(Department(year=2024, projects=[_project(Indicator(*row[:3], "项目总成本", row[3]))]))
    [pt205] = [f for f in findings if f.code == "PT205"]
    assert U.PT_CHECK(*row, 100.0, "项目总成本") == pt205.message
    assert U.PT_CHECK(*row, 100.0) == ""


def test_pt_check_empty_and_odd_cells():
    assert U.PT_CHECK("产出指标", "数量指标", "台数", None, 10.0) == ""
    assert U.PT_CHECK("产出指标", "数量指标", "台数", "  ", 10.0) == ""
    assert U.PT_CHECK(None, None, None, None, None) == ""
    # A number typed into 指标值 is read as the reader reads it (20.0 -> "20").
    assert U.PT_CHECK("产出指标", "数量指标", "台数", 20.0, 10.0) == check_row(
        "产出指标", "数量指标", "台数", "20", Decimal(10))[0]
    # A budget typed as text with its unit, or not a number at all.
    cost = ("产出指标", "成本指标", "项目预算控制数", "≤275万元")
    assert U.PT_CHECK(*cost, "42.3万元") == U.PT_CHECK(*cost, 42.3) != ""
    assert U.PT_CHECK(*cost, "待定") == ""  # no budget: nothing to compare (PT202 is the sheet's)
    # A 2-D budget of one cell, and a row of values against one budget.
    assert U.PT_CHECK(*cost, [[42.3]]) == [[U.PT_CHECK(*cost, 42.3)]]
    got = U.PT_CHECK("产出指标", "成本指标", "项目预算控制数", [["≤42.3万元", "≤275万元"]], 42.3)
    assert got == [["", U.PT_CHECK(*cost, 42.3)]]


# -- PT_FINDINGS_COUNT ---------------------------------------------------------------------------
def test_pt_findings_count_equals_the_cli_count_of_every_sheet(example_grids, cli_findings):
    _names, grids = example_grids
    year = grids[L.DEPARTMENT_SHEET].get("B5")
    assert year == 2024
    sheets = project_grids(example_grids)
    assert len(sheets) == 39
    for name, grid in sheets:
        area = block(grid, f"A1:{L.LAST_COL}{L.IND_LAST_ROW}")
        mine = [f for f in cli_findings if f["sheet"] == name]
        assert U.PT_FINDINGS_COUNT(area, year) == len(mine), name
        # Without the budget year the prior-year notes (PT111) cannot be counted.
        assert U.PT_FINDINGS_COUNT(area) == sum(1 for f in mine if f["code"] != "PT111"), name
    assert sum(1 for f in cli_findings if f["code"] == "PT111") == 18


def test_pt_findings_count_of_a_sheet_whose_layout_broke(example_grids):
    from perf_xl.operations import findings_of
    from perf_xl.workbook.grid import Grid
    from perf_xl.workbook.read import department_from_grids

    name, grid = project_grids(example_grids)[0]
    rows = [list(r) for r in grid.rows]
    rows[3][1] = None  # the caption 预算数 deleted (an inserted row only moves the map)
    broken = Grid(name, rows)
    expected = findings_of(department_from_grids([name], {name: broken}))
    assert expected and {f.code for f in expected} == {"PT502"}
    area = block(broken, f"A1:{L.LAST_COL}{L.IND_LAST_ROW}")
    assert U.PT_FINDINGS_COUNT(area, 2024) == len(expected)
    # An empty area is one problem (the sheet is empty), as the reader says.
    assert U.PT_FINDINGS_COUNT([[None] * 7] * 51) == 1


# -- PT_CODE_CHECK -------------------------------------------------------------------------------
def test_pt_code_check_on_the_example_and_on_mistakes(example_grids, cli_findings):
    sheets = project_grids(example_grids)
    assert not [f for f in cli_findings if f["code"] in ("PT101", "PT102")]
    codes = [grid.get(L.CODE.cell) for _n, grid in sheets]
    assert [U.PT_CODE_CHECK(c) for c in codes] == ["正确"] * 39
    assert U.PT_CODE_CHECK([[c] for c in codes[:3]] + [[None]]) == [["正确"]] * 3 + [[""]]
    good = codes[0]
    for bad in (good[:-1] + ("0" if good[-1] != "0" else "1"),  # check character
                good[:5] + "9" + good[6:],  # a digit of the region code
                good[:8] + "X" + good[9:],  # unknown type letter (a warning)
                good[:-2], good + "1", "1307 0024P000482100018", 1307.0):
        findings = validate(Department(year=2024, projects=[Project(1, str(bad).replace(".0", ""), "项目")]))
        want = "；".join(f.message for f in findings if f.code in ("PT101", "PT102"))
        assert want and U.PT_CODE_CHECK(bad) == want, bad
    assert U.PT_CODE_CHECK(None) == U.PT_CODE_CHECK("") == U.PT_CODE_CHECK("   ") == ""


# -- PT_PLAN -------------------------------------------------------------------------------------
def test_pt_plan_gives_each_profile_as_fractions_of_the_percent_cells():
    for name in PROFILE_NAMES:
        want = [float(v / 100) for v in profile_plan(name)]
        assert U.PT_PLAN(name) == [want], name
        for i, cp in enumerate(CHECKPOINTS):
            month = int(cp.removesuffix("月底"))
            for at in (cp, month, float(month), str(month), f" {month} 月底"):
                assert U.PT_PLAN(name, at) == want[i], (name, at)
    assert U.PT_PLAN("按月均衡", "10月底") == 0.8333
    assert U.PT_PLAN("一次性(6月底)") == [[0.0, 1.0, 1.0, 1.0]]  # half-width brackets accepted


def test_pt_plan_over_ranges_and_bad_input():
    header = [list(CHECKPOINTS)]
    profiles = [["序时进度"], ["一次性"], [None]]
    assert U.PT_PLAN(profiles, header) == [[0.25, 0.5, 0.75, 1.0], [0.0, 0.0, 1.0, 1.0], [""] * 4]
    assert U.PT_PLAN(profiles) == [[0.25, 0.5, 0.75, 1.0], [0.0, 0.0, 1.0, 1.0], [""] * 4]
    with pytest.raises(PerfXLError) as exc:
        canonical_profile("随便")
    assert U.PT_PLAN("随便", "6月底") == exc.value.message
    assert U.PT_PLAN("随便") == [[exc.value.message, "", "", ""]]
    assert "无法识别的支出时点「9月底」" in U.PT_PLAN("序时进度", "9月底")
    assert U.PT_PLAN("", "6月底") == U.PT_PLAN("序时进度", "") == ""
    # A row of profiles against a column of checkpoints: every pair, as Excel arrays do.
    assert U.PT_PLAN([["序时进度", "按月均衡"]], [["3月底"], ["10月底"]]) == [[0.25, 0.25], [0.75, 0.8333]]
    assert U.PT_PLAN([["序时进度"], ["按月均衡"]], [["3月底"], ["6月底"], ["10月底"]]) == U.ERROR_SHAPE


# -- PT_PARSE ------------------------------------------------------------------------------------
def test_pt_parse_on_every_value_of_the_example(example_grids):
    seen = 0
    for _name, grid in project_grids(example_grids):
        for row, _index in indicator_rows(grid):
            cell = grid.get(f"{IND['value']}{row}")
            v = parse_value(None if cell is None else str(cell))
            [[op, number, unit]] = U.PT_PARSE(cell)
            if v.is_quantity:
                assert (op, Decimal(str(number)), unit) == (v.operator, v.number, v.unit)
            else:
                assert (number, unit) == ("", "")
            assert U.PT_PARSE(cell, "数值") == number and U.PT_PARSE(cell, "unit") == unit
            assert U.PT_PARSE(cell, 1.0) == op
            seen += 1
    assert seen == 249


def test_pt_parse_cases():
    assert U.PT_PARSE("≥90 百分比") == [["≥", 90.0, "%"]]
    assert U.PT_PARSE("20台") == [["＝", 20.0, "台"]]  # no operator means ＝
    assert U.PT_PARSE("≤100 万元", "运算符") == "≤"
    assert U.PT_PARSE("持续影响") == [["", "", ""]]
    assert U.PT_PARSE(None) == [["", "", ""]] and U.PT_PARSE(None, "数值") == ""
    assert U.PT_PARSE([["≥90%"], ["3000 元"]]) == [["≥", 90.0, "%"], ["＝", 3000.0, "元"]]
    assert U.PT_PARSE([["≥90%", "≤2 天"]], "数值") == [[90.0, 2.0]]
    assert "无法识别的部分「颜色」" in U.PT_PARSE("≥90%", "颜色")


# -- shapes --------------------------------------------------------------------------------------
def test_ranges_broadcast_like_excel_arrays():
    # A 1-D list (what xlwings gives without ndim) is a row.
    assert U.PT_CODE_CHECK(["", None]) == [["", ""]]
    assert U.PT_CODE_CHECK([]) == [[""]]
    # A column against a row: every pair; two columns of different heights: refused.
    assert U.PT_PARSE([["≥1台"], ["≥2台"]], [["数值", "单位", "运算符"]]) == [
        [1.0, "台", "≥"], [2.0, "台", "≥"]]
    assert U.PT_PARSE([["≥1台"], ["≥2台"], ["≥3台"]], [["数值"], ["单位"]]) == U.ERROR_SHAPE
