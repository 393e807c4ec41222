"""Write the master workbook (.xlsm) from a model: XlsxWriter for the sheets, buttons,
formats, validations and print setup; vba.py for the VBA project.

Sheets, in order: 首页, 部门整体, one per project, 汇总, 校验结果, 代码表, xlwings.conf.
Every cell position comes from layout.py.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__, indicator_tree
from ..atomic import atomic_target, write_errors
from ..conventions import PROFILE_NAMES as PLAN_PROFILES
from ..conventions import carried_levels, compact, planned_spend
from ..model import FUNDING_LINES, Department, Project
from ..values import OPERATORS
from ..vocabulary import ERROR_LABEL, MONEY_TOLERANCE, STATUS_OK, WARNING_LABEL
from . import formulas as F
from . import layout as L
from .owned_sheets import NOT_VALIDATED, SummaryFigures, findings_sheet, summary_sheet
from .patch import Formula, Link, SheetSpec, plain
from .sizing import display_width, row_height
from .styles import STYLES, xlsx_page_setup
from .vba import WORKBOOK_CODE_NAME, project_modules, vba_project_bin

if TYPE_CHECKING:
    import uuid

COL_WIDTHS = L.PROJECT_COL_WIDTHS

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    path: Path
    projects: int
    indicators: int
    total_budget: Decimal
    sheets: list[str]


def assign_sheet_names(dept: Department) -> None:
    """Give every project a unique, legal sheet name ("NN 简称"), keeping valid ones."""
    taken: set[str] = set(L.FIXED_SHEETS)
    for project in dept.projects:
        current = project.sheet
        if current and current.casefold() not in {t.casefold() for t in taken} and (
            current == L.project_sheet_name(project.seq, current, None) or _legal(current)
        ):
            taken.add(current)
            continue
        project.sheet = L.project_sheet_name(project.seq, project.name, taken)
        taken.add(project.sheet)


def _legal(name: str) -> bool:
    return 0 < len(name) <= L.SHEET_NAME_MAX and not set("[]:*?/\\") & set(name)


def build_workbook(dept: Department, path: str | Path, *, summary: SummaryFigures | None = None,
                   progress: Progress | None = None, macros: Path | None = None,
                   today: datetime.date | None = None,
                   project_id: uuid.UUID | None = None, with_macros: bool = True) -> BuildReport:
    """Write ``dept`` as the master workbook at ``path`` (atomically). The output depends
    only on the model, its ``summary`` (perf_xl.summary.summarize(dept): the 汇总 sheet's
    cached figures; without it 汇总 holds formulas only, which a spreadsheet computes on
    opening), the macros, the builder, ``today`` (the date it shows) and ``project_id``
    (the VBA project's ID; each build gets a new one unless it is given).

    ``with_macros=False`` writes the macro-free workbook (an .xlsx) that the add-in
    PerfXL.xlam drives: no VBA project and no buttons; everything else the same."""
    import xlsxwriter

    today = today or datetime.date.today()
    path = Path(path)
    assign_sheet_names(dept)
    sheet_names = [L.HOME_SHEET, L.DEPARTMENT_SHEET, *(p.sheet or "" for p in dept.projects),
                   L.SUMMARY_SHEET, L.FINDINGS_SHEET, L.CODES_SHEET, L.XLWINGS_CONF_SHEET]
    code_names = [f"Sheet{i}" for i in range(1, len(sheet_names) + 1)]
    vba = None
    if with_macros:
        with write_errors(path):  # the VBA project is made in a scratch folder (a full disk there too)
            vba = vba_project_bin(code_names, project_modules(macros), project_id)

    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False,
                                             "strings_to_formulas": False,
                                             "strings_to_urls": False,
                                             "in_memory": True})
        book.set_vba_name(WORKBOOK_CODE_NAME)
        if vba is not None:
            book.add_vba_project(io.BytesIO(vba), is_stream=True)
        book.set_properties({"title": f"{dept.unit_name} {dept.year or ''} 年预算绩效目标",
                             "author": "perf_xl", "comments": f"perf_xl {__version__}",
                             "created": datetime.datetime.combine(today, datetime.time())})
        fmt = _Formats(book)
        fmt.buttons = with_macros
        sheet_class = _Worksheet(book)
        sheets = {name: book.add_worksheet(name, worksheet_class=sheet_class) for name in sheet_names}
        for name, code in zip(sheet_names, code_names, strict=True):
            sheets[name].set_vba_name(code)
        _write_home(sheets[L.HOME_SHEET], dept, fmt)
        _write_department(sheets[L.DEPARTMENT_SHEET], dept, fmt)
        for i, project in enumerate(dept.projects, 1):
            if progress:
                progress(f"项目表 {i}/{len(dept.projects)}：{project.sheet}")
            write_project_sheet(sheets[project.sheet or ""], project, dept, fmt)
        render_spec(book, sheets[L.SUMMARY_SHEET], _grown(dept, summary_sheet(dept, summary, today=today)), fmt)
        render_spec(book, sheets[L.FINDINGS_SHEET], findings_sheet([], note=NOT_VALIDATED), fmt)
        _write_codes(sheets[L.CODES_SHEET], dept, fmt)
        _write_xlwings_conf(sheets[L.XLWINGS_CONF_SHEET], fmt)
        book.define_name("perf_xl_version", f'="{__version__}"')
        sheets[L.HOME_SHEET].activate()
        book.close()
    return BuildReport(path, len(dept.projects), sum(len(p.indicators) for p in dept.projects),
                       dept.total_budget, sheet_names)


def _Worksheet(book):
    """XlsxWriter's worksheet with two changes:
    - no ~40 regex rewrites per formula for dynamic-array and future functions: our
      formulas use only classic functions, and the rewrites cost 3/4 of a 1,000-project
      build (tests/workbook/test_build.py checks the bytes are unchanged);
    - a text of the form "<r>…</r>" (a user may type anything) is not passed to the XML
      unescaped, as XlsxWriter does for rich strings it built itself: it is written as two
      runs, which is escaped and reads back as the same text."""
    from xlsxwriter.worksheet import Worksheet

    run = book.add_format(STYLES["run"])

    class ClassicFormulaWorksheet(Worksheet):
        def _prepare_formula(self, formula, expand_future_functions=False):
            return formula[1:] if formula.startswith("=") else formula

        def _write_string(self, row, col, string, cell_format=None):
            if string.startswith("<r>") and string.endswith("</r>"):
                return self._write_rich_string(row, col, string[0], run, string[1:], cell_format)
            return super()._write_string(row, col, string, cell_format)

    return ClassicFormulaWorksheet


# -- formats ---------------------------------------------------------------------------------
class _Formats:
    """XlsxWriter formats by STYLES key, made once per workbook: ``fmt.money``, ``fmt("money")``."""

    buttons = True  # False in the macro-free workbook: no buttons are drawn

    def __init__(self, book) -> None:
        self._book = book
        self._cache: dict[str, object] = {}
        self.book = book

    def __call__(self, key: str | None):
        if key is None:
            return None
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._book.add_format(STYLES[key])
        return fmt

    def __getattr__(self, key: str):
        if key.startswith("_"):
            raise AttributeError(key)
        return self(key)


def _span_width(first: str, last: str | None) -> float:
    c1 = L.split_a1(first)[1]
    c2 = L.split_a1(last)[1] if last else c1
    return sum(COL_WIDTHS[L.col_letter(c)] for c in range(c1, c2 + 1))


def _put(ws, ref: str, merge_to: str | None, value, fmt) -> None:
    """Write a value into a cell, or into a merged range when ``merge_to`` is given."""
    if merge_to and merge_to != ref:
        ws.merge_range(f"{ref}:{merge_to}", "", fmt)
    row, col = L.split_a1(ref)
    if value is None or value == "":
        ws.write_blank(row - 1, col - 1, None, fmt)
    elif isinstance(value, Decimal):
        ws.write_number(row - 1, col - 1, float(value), fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row - 1, col - 1, value, fmt)
    else:
        ws.write_string(row - 1, col - 1, str(value), fmt)


def _grown(dept: Department, spec: SheetSpec) -> SheetSpec:
    """``spec``'s references to project sheets of more than 40 indicators reach their last row."""
    from .patch import Patch
    from .placement import built, place_patch

    grown = {p.sheet: g for p in dept.projects if p.sheet and (g := built(len(p.indicators))) is not None}
    return place_patch(Patch(sheets=[spec]), grown).sheets[0] if grown else spec


def _formula(ws, ref: str, formula: str, fmt, value=None) -> None:
    row, col = L.split_a1(ref)
    if value is None:
        value = ""
    if isinstance(value, Decimal):
        value = float(value)
    ws.write_formula(row - 1, col - 1, formula, fmt, value)


def _set_widths(ws) -> None:
    for letter, width in COL_WIDTHS.items():
        idx = L.col_index(letter) - 1
        ws.set_column(idx, idx, width)


def _page_setup(ws, *, landscape: bool = False, repeat_row: int | None = None,
                area: str | None = None) -> None:
    xlsx_page_setup(ws, landscape=landscape, area=area,
                    repeat_rows=(repeat_row, repeat_row) if repeat_row is not None else None)


# -- 首页 ---------------------------------------------------------------------------------------
def _write_home(ws, dept: Department, fmt: _Formats) -> None:
    ws.hide_gridlines(2)
    for col, width in (("A", 2), ("B", 18), ("C", 4), ("D", 86)):
        ws.set_column(f"{col}:{col}", width)
    year = dept.year or ""
    ws.merge_range("A1:D1", f"{dept.unit_name} {year} 年预算项目绩效目标（主工作簿）", fmt.home_title)
    ws.set_row(0, 36)
    total = L.quote_sheet(L.SUMMARY_SHEET)
    facts = (
        ("单位", L.HOME_UNIT, f"{dept.unit_code} {dept.unit_name}".strip()),
        ("预算年度", L.HOME_YEAR, year),
        ("项目数", L.HOME_PROJECT_COUNT,
         Formula(f'=IFERROR(INDEX({total}B:B,MATCH("合计",{total}A:A,0)),"")', len(dept.projects))),
        ("预算合计（万元）", L.HOME_TOTAL_BUDGET,
         Formula(f'=IFERROR(INDEX({total}C:C,MATCH("合计",{total}A:A,0)),"")', dept.total_budget)),
    )
    for caption, ref, value in facts:
        row = L.split_a1(ref)[0]
        ws.write(f"B{row}", caption, fmt.home_label)
        ws.merge_range(f"{ref}:D{row}", "", fmt.home_value)
        if isinstance(value, Formula):
            _formula(ws, ref, value.text, fmt.home_money if "预算" in caption else fmt.home_value,
                     value.cached)
        else:
            _put(ws, ref, None, value, fmt.home_value)
    first = L.split_a1(L.HOME_BUTTONS[0].cell)[0]
    ws.write(f"B{first - 1}", "操作按钮（需要 Excel + Python + xlwings）" if fmt.buttons
             else NO_MACROS_HEADING, fmt.home_section)
    for button in L.HOME_BUTTONS:
        width, height = L.BUTTON_SIZE
        if fmt.buttons:
            ws.insert_button(button.cell, {"macro": button.macro, "caption": button.caption,
                                           "width": width - 20, "height": height})
        row = L.split_a1(button.cell)[0]
        # The caption in the cell under the button too: buttons are not printed, the
        # printout then lists the commands instead of leaving a hole.
        ws.write(button.cell, button.caption, fmt.home_button)
        ws.write(f"D{row}", button.help, fmt.home_text)
        ws.set_row(row - 1, 27)
    first_open = FIRST_OPEN
    how_to = (
        "1. 每个预算项目一张工作表（如「01 国家赔偿」），版式同《项目支出绩效目标表》，可直接打印。",
        "2. 白底单元格由您填写；右侧蓝色区域（序号、编码校验、指标金额、成本核对、校验结果）由公式或工具填写。",
        "3. 资金支出计划填写累计百分比（3月底/6月底/10月底/12月底），12月底应为 100%。",
        "4. 在 WPS 或未安装 Python 的电脑上，公式照常计算；按钮与「Python 校验」列需要 Excel + xlwings。",
        "5. 不用 Excel 也可在命令行完成全部操作：perf-xl fill / validate / summary / export 本文件。",
        "6. 「汇总」按资金来源合计预算数、财政资金、其他资金与各时点计划支出，随项目表自动更新。",
    )
    start = L.split_a1(L.HOME_BUTTONS[-1].cell)[0] + 3
    ws.write(f"B{start}", "使用说明", fmt.home_section)
    for i, line in enumerate(how_to, start=1):
        ws.merge_range(f"B{start + i}:D{start + i}", line, fmt.home_text)
    start += len(how_to) + 2
    ws.write(f"B{start}", "第一次在 Excel 中打开（详见 docs/excel.md）", fmt.home_section)
    for i, line in enumerate(first_open, start=1):
        ws.merge_range(f"B{start + i}:D{start + i}", line, fmt.home_text)
        ws.set_row(start + i - 1, row_height([(line, 18 + 4 + 86)], line=15))
    start += len(first_open) + 2
    ws.write(f"B{start}", f"由 perf_xl {__version__} 生成", fmt.small)
    _page_setup(ws, area=f"A1:D{start}")


NO_MACROS_HEADING = "操作（本工作簿不含宏：请用 PerfXL 加载项的功能区「绩效目标」选项卡）"

# The short version of docs/excel.md's first-open walkthrough, in the order a user meets it.
FIRST_OPEN = (
    "1. 顶部黄色「受保护的视图」：点「启用编辑」。",
    "2. 红色「安全风险：Microsoft 已阻止宏运行」（从网上、邮件收到的文件）：关闭 Excel，右键文件 → 属性 → "
    "勾选「解除锁定」→ 确定；或把文件放进受信任位置。",
    "3. 黄色「安全警告 宏已被禁用」：点「启用内容」。点按钮提示「无法运行宏」时，说明宏仍被禁用，见第 2 步。",
    "4. 按钮提示找不到 Python / xlwings 或版本不符：在「xlwings.conf」表把 Interpreter_Win 改成 pythonw.exe 的完整路径"
    "（不要用 Microsoft Store 的 python 别名），并安装与工作簿相同版本的 xlwings。",
    "5. 点「更新 Python 函数」（需在信任中心勾选「信任对 VBA 工程对象模型的访问」），然后保存工作簿（Ctrl+S），"
    "否则下次打开「Python 校验」列又显示「需启用 Python」。",
    "6. 始终保存为 .xlsm；按钮从不自动保存。",
)


# -- 部门整体 -----------------------------------------------------------------------------------
def _write_department(ws, dept: Department, fmt: _Formats) -> None:
    widths = L.DEPT_COL_WIDTHS
    for letter, width in widths.items():
        ws.set_column(f"{letter}:{letter}", width)
    last = L.DEPT_LAST_COL
    ws.merge_range(f"{L.DEPT_TITLE}:{last}1", "部门整体绩效目标", fmt.title)
    for field in L.DEPT_FIELDS:
        row, _ = L.split_a1(field.cell)
        ws.write(f"A{row}", field.caption, fmt.label)
        _put(ws, field.cell, field.merge_to, getattr(dept, field.key), fmt.cell)
    row = L.DEPT_FIRST_SECTION_ROW
    full = sum(widths.values())

    ws.write(f"A{row}", L.DEPT_SECTION_GOAL, fmt.heading)
    row += 1
    for para in dept.overall_goal.split("\n") if dept.overall_goal else []:
        ws.merge_range(f"A{row}:{last}{row}", para, fmt.paragraph)
        ws.set_row(row - 1, row_height([(para, full)]))
        row += 1
    row += 1
    ws.write(f"A{row}", L.DEPT_SECTION_SUBGOALS, fmt.heading)
    row += 1
    for col, caption in L.DEPT_SUBGOAL_COLUMNS:
        ws.write(f"{col}{row}", caption, fmt.head)
    row += 1
    (c_seq, _), (c_title, _), (c_label, _), (c_target, _) = L.DEPT_SUBGOAL_COLUMNS
    for i, goal in enumerate(dept.sub_goals, 1):
        ws.write_number(f"{c_seq}{row}", i, fmt.center)
        ws.write_string(f"{c_title}{row}", goal.title, fmt.cell)
        ws.write_string(f"{c_label}{row}", goal.label, fmt.center)
        ws.write_string(f"{c_target}{row}", goal.target, fmt.cell)
        ws.set_row(row - 1, row_height([(goal.target, widths[c_target]), (goal.title, widths[c_title])]))
        row += 1
    row += 1
    ws.write(f"A{row}", L.DEPT_SECTION_MEASURES, fmt.heading)
    row += 1
    (m_seq, _), (m_title, _), (m_text, text_caption) = L.DEPT_MEASURE_COLUMNS
    merge_to = L.DEPT_MEASURE_MERGE_TO
    for col, caption in L.DEPT_MEASURE_COLUMNS[:-1]:
        ws.write(f"{col}{row}", caption, fmt.head)
    ws.write(f"{merge_to}{row}", "", fmt.head)
    ws.merge_range(f"{m_text}{row}:{merge_to}{row}", text_caption, fmt.head)
    row += 1
    for i, measure in enumerate(dept.measures, 1):
        ws.write_number(f"{m_seq}{row}", i, fmt.center)
        ws.write_string(f"{m_title}{row}", measure.title, fmt.cell)
        ws.merge_range(f"{m_text}{row}:{merge_to}{row}", measure.text, fmt.cell)
        ws.set_row(row - 1, row_height([(measure.text, widths[m_text] + widths[merge_to])]))
        row += 1
    _page_setup(ws, area=f"A1:{last}{row}")


# -- a project sheet ------------------------------------------------------------------------------
def write_project_sheet(ws, project: Project, dept: Department | None, fmt: _Formats) -> None:
    """Lay out one 项目支出绩效目标表 (also used for an empty template sheet)."""
    from .placement import GrownSheet, built

    grown = built(len(project.indicators))  # more than 40 indicators: formulas reach the last row
    if grown is not None:
        ws = GrownSheet(ws, grown)
    _set_widths(ws)
    ws.hide_gridlines(2)
    ws.freeze_panes(3, 0)
    _write_project_fields(ws, project, fmt)
    _size_project_rows(ws, project)
    _write_tool_block(ws, project, fmt)
    _write_indicator_table(ws, project, fmt)
    last = L.table_last_row(len(project.indicators))
    _project_conditional_formats(ws, fmt, last)
    _project_validations(ws, dept, last)
    _write_declaration(ws, project, fmt)
    from ..rules import default_config
    from .track_build import write_track_block

    write_track_block(fmt.book, ws, project, default_config().lifecycle)  # LIFECYCLE.md
    _page_setup(ws, repeat_row=L.IND_HEADER_ROW, area=f"A1:{L.LAST_COL}{last}")
    # The marker that makes this a project sheet for the reader, in a hidden column the
    # layout reserves (it moves with the sheet when it is copied, renamed or reordered).
    ws.write_string(L.MARKER_CELL, L.SHEET_MARKER)
    ws.set_column(f"{L.MARKER_COL}:{L.MARKER_COL}", None, None, {"hidden": True})
    notes = L.notes_row(len(project.indicators))
    ws.write(f"A{notes}", "填表说明：金额单位为万元；一级指标、二级指标请从下拉列表选择；"
             "指标值写作「运算符+数值+单位」，如 ≥90%、≤100万元、20台。", fmt.small)


def _write_project_fields(ws, project: Project, fmt: _Formats) -> None:
    """The official table's head: title, captions, the user's fields and the native checks."""
    title = f"{project.seq}.{project.name}绩效目标表" if project.name else ""
    ws.merge_range(f"{L.TITLE}:{L.TITLE_MERGE}", "", fmt.title)
    _formula(ws, L.TITLE, F.title(), fmt.title, title)
    _put(ws, L.UNIT_LINE.cell, L.UNIT_LINE.merge_to, project.unit, fmt.text)
    _put(ws, L.MONEY_UNIT_LABEL.cell, L.MONEY_UNIT_LABEL.merge_to, L.MONEY_UNIT_LABEL.text,
         fmt.text)
    for label in L.LABELS:
        caption = header_caption(label.text, _span_width(label.cell, label.merge_to))
        _put(ws, label.cell, label.merge_to, caption, fmt.label)

    _put(ws, L.CODE.cell, L.CODE.merge_to, project.code, fmt.cell)
    _put(ws, L.NAME.cell, L.NAME.merge_to, project.name, fmt.cell)
    for field in (L.BUDGET, L.FISCAL, L.OTHER):
        value = getattr(project, field.key)
        raw = project.invalid.get(field.key)
        _put(ws, field.cell, None, raw if value is None and raw else value, fmt.money)
    _put(ws, L.PURPOSE.cell, L.PURPOSE.merge_to, project.purpose, fmt.cell)
    for i, field in enumerate(L.PLAN):
        value = project.plan[i]
        raw = project.invalid.get(field.key)
        cell_value = value / 100 if value is not None else (raw or None)
        _put(ws, field.cell, None, cell_value, fmt.plan_percent)
        budget = project.budget
        amount = planned_spend(budget, value) if value is not None and budget is not None else ""
        _formula(ws, L.PLAN_AMOUNTS[i], F.plan_amount(i), fmt.amount, amount)
    _put(ws, L.PLAN_PROFILE.cell, L.PLAN_PROFILE.merge_to, project.plan_profile, fmt.center)
    funds_ok = (project.budget is not None and abs(
        project.budget - (project.fiscal or 0) - (project.other or 0)) < MONEY_TOLERANCE)
    _formula(ws, L.FUNDS_CHECK, F.funds_check(), fmt.center,
             "一致" if funds_ok else ("预算数不是数字" if project.budget is None
                                    else "财政资金+其他资金≠预算数"))
    _put(ws, L.GOAL.cell, L.GOAL.merge_to, project.goal, fmt.cell)
    _put(ws, L.FUNDING_LINE.cell, L.FUNDING_LINE.merge_to, project.funding_line, fmt.center)
    ws.merge_range(f"{L.STATUS}:{L.STATUS_MERGE}", "", fmt.center)


def _size_project_rows(ws, project: Project) -> None:
    """Heights for the wrapped texts of the head (neither library can autofit a row)."""
    ws.set_row(0, 30)
    for label in L.LABELS:  # captions too wide for column A wrap onto two lines
        row, col = L.split_a1(label.cell)
        if col == 1 and display_width(label.text) > COL_WIDTHS["A"]:
            ws.set_row(row - 1, 27)
    text_width = _span_width(L.PURPOSE.cell, L.PURPOSE.merge_to)
    ws.set_row(L.split_a1(L.PURPOSE.cell)[0] - 1, row_height([(project.purpose, text_width)]))
    ws.set_row(L.split_a1(L.GOAL.cell)[0] - 1, row_height([(project.goal, text_width)]))
    ws.set_row(2, row_height([(project.name, _span_width(L.NAME.cell, L.NAME.merge_to))]))


def _write_tool_block(ws, project: Project, fmt: _Formats) -> None:
    """The tool block (meta data and live checks) right of the print area."""
    for label in L.TOOL_LABELS:
        _put(ws, label.cell, None, label.text, fmt.tool_label)
    _put(ws, L.SEQ.cell, None, project.seq, fmt.tool)
    _formula(ws, L.CODE_CHECK, F.udf_code_check(), fmt.tool, F.UDF_FALLBACK)
    _formula(ws, L.FINDINGS_COUNT, F.udf_findings_count(), fmt.tool, F.UDF_FALLBACK)
    for ref in (*L.COUNT_CELLS, L.REVIEW_CELL):  # validate's cells, there to be replaced in place
        row, col = L.split_a1(ref)
        ws.write_blank(row - 1, col - 1, None, fmt.tool)
    for button in L.PROJECT_BUTTONS if fmt.buttons else ():
        width, height = L.BUTTON_SIZE
        ws.insert_button(button.cell, {"macro": button.macro, "caption": button.caption,
                                       "width": width - 30, "height": height - 4})


def _write_indicator_table(ws, project: Project, fmt: _Formats) -> None:
    """The indicator table's header and its rows (40, or one per indicator when there are
    more), with the tool columns' formulas."""
    header = L.IND_HEADER_ROW
    for column in L.IND_COLUMNS:
        ref = f"{column.col}{header}"
        merge = f"{column.merge_to_col}{header}" if column.merge_to_col else None
        _put(ws, ref, merge, column.caption, fmt.label)
    for column in (*L.IND_TOOL_COLUMNS, L.IND_GROUP_COLUMN):
        _put(ws, f"{column.col}{header}", None, column.caption, fmt.tool_label)
    widths = {c.key: _span_width(f"{c.col}1", f"{c.merge_to_col}1" if c.merge_to_col else None)
              for c in L.IND_COLUMNS}
    amount_col, cost_col, udf_col = (c.col for c in L.IND_TOOL_COLUMNS)
    carried = [level1 for _ind, level1, _ in carried_levels(project.indicators)]
    for index in range(L.table_rows(len(project.indicators))):
        row = L.indicator_row(index)
        ind = project.indicators[index] if index < len(project.indicators) else None
        for column in L.IND_COLUMNS:
            ref = f"{column.col}{row}"
            merge = f"{column.merge_to_col}{row}" if column.merge_to_col else None
            value = getattr(ind, column.key) if ind else None
            style = fmt.ind_center if column.key in ("level1", "level2", "value") else fmt.ind
            _put(ws, ref, merge, value, style)
        _formula(ws, f"{amount_col}{row}", F.indicator_amount(row), fmt.tool_num)
        _formula(ws, f"{cost_col}{row}", F.cost_check(row), fmt.tool)
        _formula(ws, f"{udf_col}{row}", F.udf_check(row), fmt.tool,
                 F.UDF_FALLBACK if ind and ind.value else "")
        _formula(ws, f"{L.IND_GROUP_COLUMN.col}{row}", F.level1_carried(row), fmt.tool,
                 carried[index] if ind else F.EMPTY_ROW_MARK + (carried[-1] if carried else ""))
        if ind:
            ws.set_row(row - 1, row_height([(getattr(ind, k), w) for k, w in widths.items()]))


def _project_conditional_formats(ws, fmt: _Formats, last: int = L.IND_LAST_ROW) -> None:
    """Borders on used indicator rows, repeated levels greyed, fractional %, the status colour."""
    first = L.IND_FIRST_ROW
    ws.conditional_format(f"A{first}:{L.LAST_COL}{last}", {
        "type": "formula", "criteria": f"=COUNTA($A{first}:${L.LAST_COL}{first})>0",
        "format": fmt.cf_border})
    ws.conditional_format(f"A{first + 1}:A{last}", {
        "type": "formula", "criteria": f'=AND($A{first + 1}<>"",$A{first + 1}=$A{first})',
        "format": fmt.cf_repeat})
    ws.conditional_format(f"B{first + 1}:B{last}", {
        "type": "formula",
        "criteria": f'=AND($B{first + 1}<>"",$B{first + 1}=$B{first},$A{first + 1}=$A{first})',
        "format": fmt.cf_repeat})
    p0 = L.PLAN[0].cell
    ws.conditional_format(_plan_range(), {
        "type": "formula", "criteria": f"=AND(ISNUMBER({p0}),ROUND({p0}*100,0)<>{p0}*100)",
        "format": fmt.cf_fraction})
    for text, style in ((ERROR_LABEL, fmt.cf_error), (WARNING_LABEL, fmt.cf_warning),
                        (STATUS_OK, fmt.cf_ok)):
        ws.conditional_format(L.STATUS, {"type": "text", "criteria": "begins with", "value": text,
                                         "format": style})


def _plan_range() -> str:
    return f"{L.PLAN[0].cell}:{L.PLAN[-1].cell}"


def _project_validations(ws, dept: Department | None, last: int = L.IND_LAST_ROW) -> None:
    """Drop-downs and number checks (warnings, not stops: a user may type a funding line of
    their own)."""
    first = L.IND_FIRST_ROW
    codes = L.quote_sheet(L.CODES_SHEET)
    n1, n2 = len(indicator_tree.level1_names()), len(indicator_tree.level2_names())
    col1, col2 = L.CODES_COLUMNS["level1"], L.CODES_COLUMNS["level2"]
    r0 = L.CODES_FIRST_ROW
    ws.data_validation(f"A{first}:A{last}", {
        "validate": "list", "source": f"={codes}${col1}${r0}:${col1}${r0 + n1 - 1}",
        "error_type": "warning", "error_title": "一级指标",
        "error_message": "不在指标体系中：产出指标 / 效益指标 / 满意度指标（或成本指标）"})
    ws.data_validation(f"B{first}:B{last}", {
        "validate": "list", "source": f"={codes}${col2}${r0}:${col2}${r0 + n2 - 1}",
        "error_type": "warning", "error_title": "二级指标", "error_message": "不在指标体系中"})
    fl = L.CODES_COLUMNS["funding_line"]
    lines = _funding_lines(dept) if dept else list(FUNDING_LINES)
    ws.data_validation(L.FUNDING_LINE.cell, {
        "validate": "list", "source": f"={codes}${fl}${r0}:${fl}${r0 + len(lines) - 1}",
        "error_type": "information", "error_title": "资金来源",
        "error_message": "新的资金来源将在汇总中单列一行。"})
    pc = L.CODES_COLUMNS["profile"]
    ws.data_validation(L.PLAN_PROFILE.cell, {
        "validate": "list", "source": f"={codes}${pc}${r0}:${pc}${r0 + len(PLAN_PROFILES) - 1}",
        "error_type": "warning", "error_title": "支出计划模板",
        "error_message": "请选择：" + "、".join(PLAN_PROFILES)})
    ws.data_validation(_plan_range(), {
        "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
        "error_type": "warning", "error_title": "资金支出计划",
        "error_message": "累计支出进度应在 0%–100% 之间",
        "input_title": "累计百分比", "input_message": "例如 25%；12月底应为 100%"})
    for field in (L.BUDGET, L.FISCAL, L.OTHER):
        ws.data_validation(field.cell, {
            "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "warning",
            "error_title": field.caption, "error_message": "金额应为不小于 0 的数字（万元）"})



def _write_declaration(ws, project: Project, fmt: _Formats) -> None:
    """The 申报表 header fields and the 中期 value column (layout.DECLARATION_*)."""
    for label in L.DECLARATION_LABELS:
        _put(ws, label.cell, None, label.text, fmt.tool_label)
    for field in L.DECLARATION_FIELDS:
        _put(ws, field.cell, field.merge_to, getattr(project, field.key) or None, fmt.ind)
    column = L.MID_VALUE_COLUMN
    _put(ws, f"{column.col}{L.IND_HEADER_ROW}", None, column.caption, fmt.tool_label)
    for index, ind in enumerate(project.indicators):
        if ind.mid_value:
            _put(ws, f"{column.col}{L.indicator_row(index)}", None, ind.mid_value, fmt.ind_center)


def header_caption(text: str, width: float) -> str:
    """A caption that does not fit its column on one line breaks before its bracket
    (「资金支出计划\n（%）」), not inside a word or between 「（万元」 and 「）」."""
    if display_width(text) <= width - 1 or "（" not in text or "\n" in text:
        return text
    head, _, unit = text.partition("（")
    return f"{head}\n（{unit}"


def _funding_lines(dept: Department) -> list[str]:
    """The standard funding lines, then the projects' own (as the summary groups them)."""
    lines = list(FUNDING_LINES)
    for p in dept.projects:
        line = compact(p.funding_line)
        if line and line not in lines:
            lines.append(line)
    return lines


# -- owned sheets (汇总, 校验结果): rendered from their SheetSpec ------------------------------------
def render_spec(book, ws, spec: SheetSpec, fmt: _Formats | None = None) -> None:
    """Write a SheetSpec with XlsxWriter (the file and live adapters render the same spec);
    ``fmt``: the formats made so far for ``book``."""
    fmt = fmt or _Formats(book)
    for letter, width in spec.widths.items():
        idx = L.col_index(letter) - 1
        ws.set_column(idx, idx, width)
    for row, height in spec.heights.items():
        ws.set_row(row - 1, height)

    merged_anchor = {m.split(":")[0]: m for m in spec.merges}
    for cell in spec.cells:
        row, col = L.split_a1(cell.ref)
        style = fmt(cell.style)
        value = cell.value
        if cell.ref in merged_anchor:
            ws.merge_range(merged_anchor.pop(cell.ref), "", style)
        if isinstance(value, Formula):
            ws.write_formula(row - 1, col - 1, value.text, style, plain(value.cached)
                             if value.cached is not None else "")
        elif isinstance(value, Link):
            ws.write_url(row - 1, col - 1, f"internal:{L.quote_sheet(value.sheet)}{value.cell}", style,
                         string=value.text)
        elif value is None or value == "":
            ws.write_blank(row - 1, col - 1, None, style)
        elif isinstance(value, str):
            ws.write_string(row - 1, col - 1, value, style)
        elif isinstance(value, bool):
            ws.write_boolean(row - 1, col - 1, value, style)
        else:
            ws.write_number(row - 1, col - 1, plain(value), style)
    for rng in merged_anchor.values():  # merges with no value written into them
        ws.merge_range(rng, "", None)
    for chart in spec.charts:
        ws.insert_chart(chart.anchor, _xlsx_chart(book, spec.name, chart))
    if spec.freeze:
        r, c = L.split_a1(spec.freeze)
        ws.freeze_panes(r - 1, c - 1)
    _page_setup(ws, landscape=spec.landscape, repeat_row=spec.repeat_row, area=spec.print_area)


def _xlsx_chart(book, sheet: str, spec):
    chart = book.add_chart({"type": "column" if spec.kind == "bar" else "line"})
    q = L.quote_sheet(sheet)

    def absolute(rng: str) -> str:
        return q + L.absolute(rng)

    for name, values in spec.series:
        series = {"name": name, "categories": "=" + absolute(spec.categories),
                  "values": "=" + absolute(values)}
        if spec.kind == "line":
            series["marker"] = {"type": "circle"}
        chart.add_series(series)
    chart.set_title({"name": spec.title, "name_font": {"name": "黑体", "size": 11}})
    chart.set_y_axis({"name": spec.y_title, "num_format": "#,##0"})
    chart.set_x_axis({"num_font": {"name": "宋体"}})
    chart.set_legend({"none": True} if spec.kind == "bar" else {"position": "bottom",
                                                                  "font": {"name": "宋体"}})
    chart.set_size({"width": spec.size[0], "height": spec.size[1]})
    return chart


def _write_codes(ws, dept: Department, fmt: _Formats) -> None:
    lists = {
        "level1": ("一级指标", indicator_tree.level1_names()),
        "level2": ("二级指标", indicator_tree.level2_names()),
        "funding_line": ("资金来源", _funding_lines(dept)),
        "operator": ("运算符", list(OPERATORS)),
        "profile": ("支出计划模板", list(PLAN_PROFILES)),
    }
    for key, (caption, values) in lists.items():
        col = L.CODES_COLUMNS[key]
        ws.set_column(f"{col}:{col}", 26)
        ws.write(f"{col}1", caption, fmt.head)
        for i, value in enumerate(values):
            ws.write_string(f"{col}{L.CODES_FIRST_ROW + i}", value, fmt.cell)
    from ..rules import default_config
    from .track_build import write_params

    write_params(fmt.book, ws, default_config().lifecycle)


XLWINGS_SETTINGS: tuple[tuple[str, str | bool], ...] = (
    ("Interpreter_Win", "python"),
    ("Interpreter_Mac", ""),
    ("PYTHONPATH", ""),
    ("Conda Path", ""),
    ("Conda Env", ""),
    ("UDF Modules", "perf_xl.excel.udfs"),
    ("Debug UDFs", False),
    ("Use UDF Server", False),
    ("Show Console", False),
)


def write_xlwings_settings(ws) -> None:
    """The xlwings settings as xlwings reads them: from A1 down to the first empty row
    (the workbook's xlwings.conf sheet and the add-in's)."""
    for i, (key, value) in enumerate(XLWINGS_SETTINGS):
        ws.write_string(i, 0, key)
        if isinstance(value, bool):
            ws.write_boolean(i, 1, value)
        elif value:
            ws.write_string(i, 1, value)


def _write_xlwings_conf(ws, fmt: _Formats) -> None:
    ws.set_column("A:A", 20)
    ws.set_column("B:B", 40)
    write_xlwings_settings(ws)
    ws.write_string(len(XLWINGS_SETTINGS) + 2, 0,
                    "xlwings 设置：Interpreter_Win 为 Python 解释器（python 或完整路径）；"
                    "UDF Modules 为 perf_xl 的工作表函数模块；PYTHONPATH 留空。")
