"""One source of figures: the 汇总 sheet LibreOffice recalculates, perf_xl.summary.summarize
and the bureau file agree on every figure — on the example, and on a workbook with an empty
funding line, blank 一级 cells (merged cells read back) and a cost indicator named without
the 成本 prefix (经济成本指标)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from support.example import example_department
from support.lo import probe

from perf_xl.conventions import NO_FUNDING_LINE
from perf_xl.model import CHECKPOINTS, Indicator
from perf_xl.operations import findings_of, read_book, summary_patch, validate_patch
from perf_xl.sinks.bureau import (
    SHEET_LINES,
    SHEET_PROJECTS,
    first_data_row,
    line_columns,
    project_columns,
    write_bureau_file,
)
from perf_xl.summary import summarize
from perf_xl.workbook import layout as L
from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.file_adapter import FileAdapter
from perf_xl.workbook.owned_sheets import (
    LINE_COLUMNS,
    LINE_KEYS,
    LINE_SUMS,
    LIST_COLUMNS,
    SummaryRows,
    summary_lines,
)

CENT = Decimal("0.005")


def edge_department():
    """The example with the three cases the copies of the summary used to disagree on."""
    dept = example_department()
    dept.projects[0].funding_line = ""  # → （未填资金来源）
    dept.projects[1].funding_line = " 罚没收入 安排"  # white space: grouped with 罚没收入安排
    merged = dept.projects[2]  # 一级 (and 二级) cells of a merged block read back blank
    for prev, ind in zip(merged.indicators, merged.indicators[1:], strict=False):
        if "".join(ind.level1.split()) == "".join(prev.level1.split()):
            ind.level1 = ""
    cost = dept.projects[3]  # 成本指标 as some provinces have it: 一级 成本指标, 二级 经济成本指标
    cost.indicators = [i for i in cost.indicators if "成本" not in i.level1 + i.level2]
    cost.indicators.append(Indicator("成本指标", "经济成本指标", "差旅成本", "全年差旅费用", "≤3.5万元", "计划标准"))
    cost.indicators.append(Indicator("", "", "会议成本", "全年会议费用", "≤1万元", "计划标准"))
    return dept


def _build_validated(dept, path: Path):
    """As a user would: build, validate --write, summary --write; returns the model read back
    and the findings."""
    build_workbook(dept, path, summary=summarize(dept))
    book = FileAdapter(path)
    read = read_book(book)
    found = findings_of(read)
    findings = [f.to_dict() for f in found]
    book.apply(validate_patch(read, found, source=path.name))
    book.apply(summary_patch(read.department, findings))
    book.save()
    return read.department, findings


def _cells(dept, summary):
    """(what, row index, caption) -> A1 of every figure of the 汇总 sheet."""
    lines = summary_lines(dept, summary)
    rows = SummaryRows(len(lines) - 1, len(dept.projects))
    out = {}
    for i in range(len(lines)):
        for j, caption in enumerate(LINE_COLUMNS, start=1):
            out[("line", i, caption)] = f"{L.col_letter(j)}{rows.head + 1 + i}"
    for i in range(len(dept.projects)):
        for j, caption in enumerate(LIST_COLUMNS, start=1):
            if caption != "工作表":
                out[("list", i, caption)] = f"{L.col_letter(j)}{rows.first + i}"
    return out


def _same(got, want) -> bool:
    if isinstance(want, (int, float, Decimal)) and not isinstance(want, bool):
        return got not in (None, "") and abs(Decimal(str(got)) - Decimal(want)) < CENT
    return (got or "") == (want if want is not None else "")


# The list column -> the key of a Summary.projects row (and how the sheet shows it).
def _list_figure(row, caption):
    if caption.endswith("（%）"):
        pct = row[caption.removesuffix("（%）")]
        return pct / 100 if pct is not None else None
    if caption.endswith("（万元）"):
        return row[caption.replace("（万元）", "累计支出")]
    if caption in ("预算数", "财政资金", "其他资金"):
        return row[caption] if row[caption] is not None else 0
    if caption == "序号":
        return None  # the project's own 序号 (a link), not a figure
    return row[caption]


def _bureau_rows(path: Path, sheet: str, cols) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    first = first_data_row(cols)
    out = []
    for values in ws.iter_rows(min_row=first, max_col=len(cols), values_only=True):
        if values[0] in (None, ""):
            break
        out.append({c.key: v for c, v in zip(cols, values, strict=True)})
    return out


@pytest.mark.lo
def test_summary_sheet_equals_summarize_and_the_bureau_file(tmp_path):
    """The example workbook (with the three cases added), validated and summarised as a
    user does it; LibreOffice recalculates it."""
    dept = edge_department()
    book = tmp_path / "book.xlsm"
    model, findings = _build_validated(dept, book)
    summary = summarize(model, findings)
    bureau = write_bureau_file(model, findings, tmp_path / "bureau.xlsx")
    cells = _cells(model, summary)
    wanted = {L.SUMMARY_SHEET: sorted(set(cells.values()))}
    edited = tmp_path / "edited.xlsm"  # a user's edit with another program (openpyxl)
    shutil.copy(book, edited)
    wb = openpyxl.load_workbook(edited, keep_vba=True)
    sheet = model.projects[5].sheet
    wb[sheet][L.BUDGET.cell] = float(model.projects[5].budget) + 1.35
    wb.save(edited)
    result, after = probe([{"path": str(book), "cells": wanted}, {"path": str(edited), "cells": wanted}])
    assert result["errors"] == {}, result["errors"]
    got, moved = result["values"][L.SUMMARY_SHEET], after["values"][L.SUMMARY_SHEET]

    # 汇总 (recalculated) == summarize(): every line figure, every project's figures
    lines = summary_lines(model, summary)
    wrong = [(key, got[ref], lines[key[1]][LINE_KEYS[key[2]]]) for key, ref in cells.items()
             if key[0] == "line" and not _same(got[ref], lines[key[1]][LINE_KEYS[key[2]]])]
    for key, ref in cells.items():
        if key[0] == "list":
            want = _list_figure(summary.projects[key[1]], key[2])
            if want is not None and not _same(got[ref], want):
                wrong.append((key, got[ref], want))
    assert not wrong, wrong[:10]

    # the bureau file == summarize() == 汇总, line by line
    cols = line_columns(validated=True)
    rows = _bureau_rows(bureau, SHEET_LINES, cols)
    assert [r["资金来源"] for r in rows] == [r["资金来源"] for r in lines]
    for i, row in enumerate(rows):
        for caption in LINE_COLUMNS[1:]:
            key = LINE_KEYS[caption]
            assert _same(row[key], got[cells[("line", i, caption)]]), (row["资金来源"], caption)
    listed = _bureau_rows(bureau, SHEET_PROJECTS, project_columns(False))
    assert [r["成本指标"] or "" for r in listed] == [
        got[cells[("list", i, "成本指标")]] for i in range(len(model.projects))]
    assert [r["校验状态"] for r in listed] == [got[cells[("list", i, "校验状态")]] for i in range(len(listed))]

    # the cases are really there, and each took its one definition
    names = [r["资金来源"] for r in lines]
    assert NO_FUNDING_LINE in names and " 罚没收入 安排" not in names
    assert got[cells[("list", 3, "成本指标")]] == "≤3.5万元"
    merged = model.projects[2]
    blank = sum(1 for i in merged.indicators if not i.level1.strip())
    assert blank > 0
    groups = sum(summary.projects[2][f"{g}指标数"] for g in ("产出", "效益", "满意度"))
    assert groups == len(merged.indicators)  # every carried-on row counted in its group

    # the formulas follow the edit: its line and 合计 move by it, the other lines stay
    line = lines.index(next(r for r in lines if r["资金来源"] == summary.projects[5]["资金来源"]))
    for i in range(len(lines)):
        ref = cells[("line", i, "预算数")]
        change = Decimal("1.35") if i in (line, len(lines) - 1) else Decimal(0)
        assert abs(Decimal(str(moved[ref])) - Decimal(str(got[ref])) - change) < CENT, lines[i]["资金来源"]


def test_a_summary_of_the_checkpoints_is_what_the_sheet_sums():
    # Guard for the comparison above: the 汇总's spend columns are the Summary's 累计支出.
    assert {LINE_SUMS[f"{cp}计划支出"][0] for cp in CHECKPOINTS} == {f"{cp}累计支出" for cp in CHECKPOINTS}
