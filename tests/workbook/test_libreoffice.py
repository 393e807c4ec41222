"""LibreOffice — a client nobody here wrote — opens the built workbook, recalculates every
formula, and shows which macro each button runs."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from support.example import example_department
from support.lo import probe
from support.samples import sample_department

from perf_xl.model import CHECKPOINTS
from perf_xl.workbook import layout as L
from perf_xl.workbook.owned_sheets import LINE_COLUMNS, LINE_HEADER_ROW
from perf_xl.workbook.owned_sheets import funding_lines as _funding_lines


def summary_cells(dept):
    """Cells of the by-funding-line table: (line, column caption) -> A1 reference."""
    head = LINE_HEADER_ROW
    cells = {}
    lines = [*_funding_lines(dept), "合计"]
    for i, line in enumerate(lines):
        for j, caption in enumerate(LINE_COLUMNS[1:], start=2):
            cells[(line, caption)] = f"{L.col_letter(j)}{head + 1 + i}"
    return cells


def expected_totals(dept):
    """Totals computed here from the model, independently of the builder."""
    out = {}
    for line in [*_funding_lines(dept), "合计"]:
        members = [p for p in dept.projects if line in ("合计", p.funding_line)]
        out[(line, "项目数")] = len(members)
        out[(line, "预算数")] = sum((p.budget for p in members), Decimal(0))
        out[(line, "财政资金")] = sum((p.fiscal or 0 for p in members), Decimal(0))
        out[(line, "其他资金")] = sum((p.other or 0 for p in members), Decimal(0))
        for k, cp in enumerate(CHECKPOINTS):
            out[(line, f"{cp}计划支出")] = sum(
                ((p.budget * p.plan[k] / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)  # Excel's ROUND
                 for p in members if p.plan[k] is not None),
                Decimal(0))
        for group in ("产出", "效益", "满意度"):
            out[(line, f"{group}指标数")] = sum(
                1 for p in members for i in p.indicators if i.level1.startswith(group))
        out[(line, "错误")] = 0  # not validated yet: the count cells are empty
    return out


COMMITTED = Path(__file__).resolve().parents[2] / "workbook" / "PerformanceTargets.xlsm"


def test_committed_workbook_in_libreoffice():
    """The committed workbook: no error cell after recalculation, every button bound to its
    macro, and the 汇总 totals LibreOffice computes equal the model's."""
    dept = example_department()
    cells = summary_cells(dept)
    [result] = probe([{"path": str(COMMITTED), "cells": {L.SUMMARY_SHEET: sorted(set(cells.values()))}}])
    assert result["errors"] == {}, f"error cells after recalculation: {result['errors']}"
    home = {b["label"]: b["scripts"] for b in result["buttons"][L.HOME_SHEET]}
    assert set(home) == {b.caption for b in L.HOME_BUTTONS}
    for button in L.HOME_BUTTONS:
        assert home[button.caption] == [
            f"vnd.sun.star.script:VBAProject.PerfXL.{button.macro}?language=Basic&location=document"]
    project_sheets = [s for s in result["sheets"] if s[:2].isdigit()]
    assert len(project_sheets) == 39
    for sheet in project_sheets:
        bound = {b["label"]: b["scripts"][0].split(".")[-1].split("?")[0] for b in result["buttons"][sheet]}
        assert bound == {b.caption: b.macro for b in L.PROJECT_BUTTONS}, sheet
    got = result["values"][L.SUMMARY_SHEET]
    for key, want in expected_totals(dept).items():
        assert abs(Decimal(str(got[cells[key]])) - Decimal(want)) < Decimal("0.005"), key
    assert abs(got[cells[("合计", "预算数")]] - 7312.69) < 0.005


def test_libreoffice_recalculates_without_errors_and_binds_buttons(sample_book):
    dept = sample_department()
    cells = summary_cells(dept)
    project_sheet = "03 市中级人民法院聘用制书记员工资"
    [result] = probe([{
        "path": str(sample_book),
        "cells": {L.SUMMARY_SHEET: sorted(set(cells.values())),
                  project_sheet: ["A1", *L.PLAN_AMOUNTS, L.FUNDS_CHECK, "I15", "J15", "K15"]},
    }])
    assert result["errors"] == {}, f"error cells after recalculation: {result['errors']}"
    # Every button runs the macro it should, in the workbook's VBA project.
    home = {b["label"]: b["scripts"] for b in result["buttons"][L.HOME_SHEET]}
    for button in L.HOME_BUTTONS:
        assert home[button.caption] == [
            f"vnd.sun.star.script:VBAProject.PerfXL.{button.macro}?language=Basic&location=document"]
    for project in dept.projects:
        labels = {b["label"] for b in result["buttons"][project.sheet or L.project_sheet_name(
            project.seq, project.name)]}
        assert labels == {b.caption for b in L.PROJECT_BUTTONS}
    assert {"PerfXL", "xlwings"} <= set(result["basic_modules"])
    # The summary LibreOffice computes equals the model's totals.
    got = result["values"][L.SUMMARY_SHEET]
    for key, want in expected_totals(dept).items():
        assert abs(Decimal(str(got[cells[key]])) - Decimal(want)) < Decimal("0.005"), key
    # Native formulas on a project sheet.
    values = result["values"][project_sheet]
    assert values["A1"] == "3.公检法司部门辅警人员保障经费（市中级人民法院聘用制书记员工资）绩效目标表"
    assert [values[c] for c in L.PLAN_AMOUNTS] == [10.7, 21.39, 35.65, ""]
    assert values[L.FUNDS_CHECK] == "一致"
    assert values["I15"] == 460 and values["J15"] == "超出预算数"
    assert values["K15"] == "需启用 Python"  # UDFs degrade to a hint without xlwings


def test_editing_a_budget_moves_the_total(sample_book):
    dept = sample_department()
    cells = summary_cells(dept)
    sheet = "01 国家赔偿"
    [result] = probe([{
        "path": str(sample_book),
        "set": {sheet: {L.BUDGET.cell: 150.5}},
        "cells": {L.SUMMARY_SHEET: [cells[("合计", "预算数")], cells[("罚没收入安排", "预算数")]]},
    }])
    got = result["values"][L.SUMMARY_SHEET]
    assert abs(got[cells[("合计", "预算数")]] - (899.78 + 50.5)) < 0.005
    assert abs(got[cells[("罚没收入安排", "预算数")]] - 650.5) < 0.005


def test_summary_sheet_recalculated_equals_pandas_and_follows_an_openpyxl_edit(tmp_path):
    """On the committed workbook: LibreOffice's recalculated 汇总 equals pandas' summary;
    after a user changes a 预算数 with openpyxl, LibreOffice's totals move by the change."""
    import shutil

    import openpyxl

    from perf_xl.summary import summary_frame

    dept = example_department()
    frame = summary_frame(dept).set_index("资金来源")
    cells = summary_cells(dept)
    wanted = {L.SUMMARY_SHEET: sorted(set(cells.values()))}
    edited = tmp_path / "edited.xlsm"
    shutil.copy(COMMITTED, edited)
    wb = openpyxl.load_workbook(edited, keep_vba=True)
    wb["06 综合事务经费"][L.BUDGET.cell] = 1600.25  # was 1598.90 (诉讼费收入安排)
    wb.save(edited)
    before, after = probe([{"path": str(COMMITTED), "cells": wanted}, {"path": str(edited), "cells": wanted}])
    got, moved = before["values"][L.SUMMARY_SHEET], after["values"][L.SUMMARY_SHEET]
    columns = {"项目数": "项目数", "预算数": "预算数", "财政资金": "财政资金", "其他资金": "其他资金",
               **{f"{cp}计划支出": f"{cp}累计支出" for cp in CHECKPOINTS}}
    for line in [*_funding_lines(dept), "合计"]:
        for ours, theirs in columns.items():
            assert abs(Decimal(str(got[cells[(line, ours)]])) - Decimal(str(frame.loc[line, theirs]))) < Decimal(
                "0.005"), (line, ours)
    for line in ("诉讼费收入安排", "合计"):
        assert abs(moved[cells[(line, "预算数")]] - got[cells[(line, "预算数")]] - 1.35) < 0.005
    assert moved[cells[("罚没收入安排", "预算数")]] == got[cells[("罚没收入安排", "预算数")]]


def test_buttons_of_added_project_sheets_stay_bound_to_this_workbook(sample_book, tmp_path):
    """新增项目表's two ways to a new sheet, done by LibreOffice on the file: a copy of a
    project sheet within the workbook, and the builder's blank sheet imported from the
    temporary template workbook (buttons._copy_template). Every button of every sheet then
    runs this workbook's macro (location=document), none the template's."""
    from perf_xl.model import Department, Project
    from perf_xl.workbook.build import build_workbook

    template = tmp_path / "template.xlsm"
    build_workbook(Department(projects=[Project(seq=1, code="", name="")]), template)
    blank = L.project_sheet_name(1, "", None)
    [result] = probe([{
        "path": str(sample_book),
        "copy_sheets": [{"from": "03 市中级人民法院聘用制书记员工资", "to": "40 新项目"}],
        "import_sheets": [{"path": str(template), "sheet": blank, "to": "41 新项目"}],
    }])
    project_macros = {b.caption: b.macro for b in L.PROJECT_BUTTONS}
    for sheet in ("40 新项目", "41 新项目"):
        bound = {b["label"]: b["scripts"] for b in result["buttons"][sheet]}
        assert bound == {caption: [
            f"vnd.sun.star.script:VBAProject.PerfXL.{macro}?language=Basic&location=document"]
            for caption, macro in project_macros.items()}, sheet
    every = {s.split("PerfXL.")[1].split("?")[0]
             for buttons in result["buttons"].values() for b in buttons for s in b["scripts"]}
    assert every == {b.macro for b in (*L.HOME_BUTTONS, *L.PROJECT_BUTTONS)}
