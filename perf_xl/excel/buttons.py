"""The buttons of the master workbook: macros/PerfXL.bas calls these through xlwings'
RunPython ("import perf_xl.excel.buttons as b; b.validate()").

Each gets the open workbook with ``xw.Book.caller()`` (tests pass ``book=``), runs the same
operation as the CLI (perf_xl.operations), applies its patch through the live adapter and
says what was done in a message box. Bad input (a PerfXLError) is a message box too, never
a traceback. Nothing is saved: the workbook stays open and the user saves it.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

from ..errors import PerfXLError
from ..operations import (
    blank_project_patch,
    fill,
    findings_of,
    new_project,
    read_book,
    status_text,
    summary_patch,
    validate_patch,
)
from ..workbook import layout as L
from .live import LiveAdapter

TITLE = "perf_xl"
MAX_LINES = 12  # detail lines in a message box; the rest is counted


def _caller(book: Any) -> Any:
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def active_book() -> Any:
    """The workbook the user is in: what the add-in's ribbon callbacks act on (there
    xw.Book.caller() is the add-in itself)."""
    import xlwings as xw

    return xw.books.active


def _say(book: Any, text: str, *, error: bool = False) -> str:
    book.app.alert(text, title=TITLE, mode="critical" if error else "info")
    return text


def _with_details(message: str, details: list[str]) -> str:
    if not details:
        return message
    shown = details[:MAX_LINES]
    more = len(details) - len(shown)
    return "\n".join([message, "", *shown, *([f"……另有 {more} 条"] if more else [])])


def _button(fn):
    """Run a button; a PerfXLError becomes a message box."""

    @functools.wraps(fn)
    def run(*args: Any, book: Any = None, **kwargs: Any) -> str:
        book = _caller(book)
        try:
            return fn(book, *args, **kwargs)
        except PerfXLError as exc:
            return _say(book, f"错误：{exc.describe()}", error=True)

    return run


@_button
def fill_spend_plan(book: Any, profile: str | None = None, overwrite: bool = False) -> str:
    """填充支出计划: the empty checkpoints of every project sheet, from its 支出计划模板."""
    adapter = LiveAdapter(book)
    read = read_book(adapter)
    outcome = fill(read.department, profile=profile, overwrite=overwrite, formulas=read.formulas)
    adapter.apply(outcome.patch)
    # Conflicts, notes and problems first: they need the user; the filled cells are visible.
    filled = [line for r in outcome.results for line in r.lines() if "填入" in line]
    others = [line for r in outcome.results for line in r.lines() if "填入" not in line]
    skipped = [f"跳过「{p.sheet}」：{p.message}" for p in read.problems]
    return _say(book, _with_details(outcome.message, others + skipped + filled))


@_button
def validate(book: Any, active_sheet_only: bool = False, config: str | None = None) -> str:
    """校验全部项目 / 校验本表: findings on 校验结果 (all sheets), marks, status and counts."""
    from ..rules import load_config

    adapter = LiveAdapter(book)
    only = book.sheets.active.name if active_sheet_only else None
    read = read_book(adapter, only_sheet=only)
    if only and only not in {p.sheet for p in read.department.projects} | {
            p.sheet for p in read.problems}:
        return _say(book, f"当前工作表「{only}」不是项目表：请在项目表上点击「校验本表」。")
    findings = findings_of(read, load_config(config))
    adapter.apply(validate_patch(read, findings, source=book.name, only_sheet=only))
    text = status_text(findings, read.department)
    if only:
        return _say(book, f"{text}（本表「{only}」）")
    return _say(book, f"{text}。明细见「{L.FINDINGS_SHEET}」，有问题的单元格已标色并加批注。")


@_button
def consolidate(book: Any) -> str:
    """生成汇总表: 汇总 rebuilt with live formulas over the project sheets, and charts."""
    adapter = LiveAdapter(book)
    read = read_book(adapter)
    dept = read.department
    findings = [f.to_dict() for f in findings_of(read)]
    adapter.apply(summary_patch(dept, findings))
    lines = len({p.funding_line or "" for p in dept.projects})
    return _say(book, f"已重建「{L.SUMMARY_SHEET}」：{len(dept.projects)} 个项目，{lines} 个资金来源，"
                      f"预算合计 {dept.total_budget:,.2f} 万元")


BUREAU_SUFFIX = "_报送财政局.xlsx"


def bureau_path(book: Any) -> Path:
    """The bureau file next to the workbook: <name>_报送财政局.xlsx."""
    full = str(book.fullname)
    path = Path(full)
    if "://" in full or not path.is_absolute() or not path.parent.is_dir():
        raise PerfXLError("请先把工作簿保存到本机文件夹（报送文件写在工作簿旁边）")
    return path.with_name(path.stem + BUREAU_SUFFIX)


@_button
def export_for_bureau(book: Any, path: str | None = None) -> str:
    """导出报送文件: the values-only file for the finance bureau, next to the workbook."""
    target = Path(path) if path else bureau_path(book)
    from ..sinks.bureau import write_bureau_file

    read = read_book(LiveAdapter(book))
    findings = findings_of(read)
    write_bureau_file(read.department, [f.to_dict() for f in findings], target)
    return _say(book, f"已导出报送文件：{target}（{len(read.department.projects)} 个项目）")


@_button
def add_project_sheet(book: Any) -> str:
    """新增项目表: a copy of the last project sheet with empty inputs and the next 序号,
    right after the last project sheet (from the builder's template when none is left)."""
    adapter = LiveAdapter(book)
    read = read_book(adapter)
    plan = new_project(read)
    with adapter.quiet():
        if plan.template:
            adapter.copy_sheet(plan.template, plan.sheet, plan.after)
        else:
            _copy_template(book, plan.sheet, plan.after or L.DEPARTMENT_SHEET)
    if plan.template in adapter.placements:  # a copy of a changed sheet is laid out as it is
        adapter.placements[plan.sheet] = adapter.placements[plan.template]
    rows = max((len(p.indicators) for p in read.department.projects if p.sheet == plan.template), default=0)
    adapter.apply(blank_project_patch(plan.sheet, plan.seq, L.table_rows(rows)))
    rebind_buttons(book, plan.sheet)
    book.sheets[plan.sheet].activate()
    return _say(book, f"已新增项目表「{plan.sheet}」（序号 {plan.seq}）。填写后请点击「校验本表」，"
                      f"再点击「生成汇总表」把它加入汇总。")


def macro_reference(book: Any, macro: str) -> str:
    """An OnAction naming ``macro`` of this workbook: 'Book.xlsm'!Macro."""
    return "'" + book.name.replace("'", "''") + "'!" + macro


def rebind_buttons(book: Any, sheet: str) -> int:
    """Point every button of ``sheet`` at this workbook's macro of the same name.

    A button copied with a sheet from another workbook keeps that workbook in its OnAction
    ('template.xlsm'!ValidateThisSheet), and ChangeLink fixes formulas only; a copy within
    the workbook is re-pointed too, so that no button ever names another file. Returns the
    number of buttons re-pointed. Shapes without a macro are left alone."""
    count = 0
    for shape in book.sheets[sheet].shapes:
        try:
            action = shape.api.OnAction
        except Exception:  # not a control that runs a macro (a picture, a chart)
            continue
        if not action:
            continue
        macro = action.rsplit("!", 1)[-1].strip("'")
        shape.api.OnAction = macro_reference(book, macro)
        count += 1
    return count


@_button
def functions_refreshed(book: Any) -> str:
    """After 更新 Python 函数 (PerfXL.bas RefreshFunctions: ImportPythonUDFs, then
    Application.CalculateFull): say what happened and that the workbook must be saved."""
    from .udfs import UDFS

    done = f"已导入 {len(UDFS)} 个 Python 函数（{'、'.join(UDFS)}），全部公式已重新计算。\n\n"
    if book.name.lower().endswith(".xlam"):  # the add-in's ribbon: it saved itself
        return _say(book, done + "这些函数保存在加载项中，所有打开的工作簿都可以使用。")
    return _say(book, done + "这些函数保存在工作簿的 VBA 工程（模块 xlwings_udfs）中：请保存工作簿（Ctrl+S），"
                             "否则下次打开时还要再点一次「更新 Python 函数」。")


def _copy_template(book: Any, name: str, after: str) -> None:
    """No project sheet to copy: take the builder's blank project sheet from a temporary
    workbook opened in the same Excel, then point its references back at this workbook."""
    from ..model import Department, Project
    from ..workbook import formulas as F
    from ..workbook.build import build_workbook

    with tempfile.TemporaryDirectory(prefix="perf_xl-") as tmp:
        macros = not book.name.lower().endswith(".xlsx")  # a macro-free book gets no buttons
        path = Path(tmp) / ("template.xlsm" if macros else "template.xlsx")
        build_workbook(Department(projects=[Project(seq=1, code="", name="")]), path,
                       with_macros=macros)
        template = book.app.books.open(str(path))
        try:
            source = next(s for s in template.sheets if s.name not in L.FIXED_SHEETS)
            source.copy(after=book.sheets[after], name=name)
        finally:
            template.close()
    with _suppress():
        # Excel turns references to the template's other sheets into links to the
        # template file: make them this workbook's own again.
        book.api.ChangeLink(str(path), book.fullname, 1)  # xlLinkTypeExcelLinks
    book.sheets[name].range(L.FINDINGS_COUNT).value = F.udf_findings_count()


def _suppress():
    import contextlib

    return contextlib.suppress(Exception)
