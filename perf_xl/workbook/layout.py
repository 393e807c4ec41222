"""THE cell map of the master workbook. Every reader and writer of a sheet uses it.

A project sheet is laid out like the official 项目支出绩效目标表 in columns A–G (the print
area), with tool columns to its right (I–K) that carry the project's editable meta data
(序号, 资金来源, 支出计划模板) and the check formulas. Nothing here imports a workbook
library: the map is plain data plus a few helpers that turn (field, row) into "C4".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import CHECKPOINTS

# -- sheet names ---------------------------------------------------------------------------
HOME_SHEET = "首页"
DEPARTMENT_SHEET = "部门整体"
SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "校验结果"
CODES_SHEET = "代码表"
XLWINGS_CONF_SHEET = "xlwings.conf"
# Sheets that are never project sheets, whatever their content.
FIXED_SHEETS = (HOME_SHEET, DEPARTMENT_SHEET, SUMMARY_SHEET, FINDINGS_SHEET, CODES_SHEET,
                XLWINGS_CONF_SHEET)

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_BRACKETED = re.compile(r"[（(]([^（）()]*)[)）]")
_ITEM_WORDS = ("经费", "工资", "费用")


def short_name(name: str) -> str:
    """A short label for a project: "罚没安排—国家赔偿（市法院）" -> "国家赔偿"."""
    text = "".join(name.split())
    # The part after the last dash names the project; the part before is the source of funds.
    if "—" in text:
        tail = text.rsplit("—", 1)[1]
        while tail[-1:] in ")）" and tail.count("(") + tail.count("（") < (
            tail.count(")") + tail.count("）")
        ):
            tail = tail[:-1]
        if len(tail) >= 2:
            text = tail
    # A bracket either names the unit (drop it) or the item itself (keep only it).
    for inner in _BRACKETED.findall(text):
        if len(inner) >= 4 and any(w in inner for w in _ITEM_WORDS):
            return inner
    stripped = _BRACKETED.sub("", text)
    return stripped if len(stripped) >= 2 else text


def project_sheet_name(seq: int, name: str, taken: set[str] | None = None) -> str:
    """ "NN 简称": at most 31 characters, none of []:*?/\\, unique among ``taken``."""
    label = _SHEET_FORBIDDEN.sub("_", short_name(name)).strip("' ") or "项目"
    prefix = f"{seq:02d} "
    base = (prefix + label)[:SHEET_NAME_MAX]
    if taken is None:
        return base
    candidate, n = base, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        suffix = f"~{n}"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    return candidate


def quote_sheet(name: str) -> str:
    """A sheet name as a formula reference prefix: 'NN 简称'!"""
    return "'" + name.replace("'", "''") + "'!"


# -- A1 helpers ----------------------------------------------------------------------------
def col_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=65536)
def split_a1(ref: str) -> tuple[int, int]:
    """ "C4" -> (row 4, column 3). (Cached: a write of 1,000 sheets asks ~80,000 times.)"""
    m = _A1.match(ref.upper())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_index(m.group(1))


def a1(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def absolute(rng: str) -> str:
    """ "A6:C11" -> "$A$6:$C$11" (a cell or a range)."""
    return ":".join(f"${col_letter(c)}${r}" for r, c in map(split_a1, rng.split(":")))


# -- the project sheet ---------------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    """A fixed caption the builder writes and the reader checks (PT502 when it moved)."""

    cell: str
    text: str
    merge_to: str | None = None  # bottom-right cell when the caption is merged


@dataclass(frozen=True)
class Field:
    """An input cell the user owns (value written by build, read back by read)."""

    key: str  # model attribute name, or "plan.N"
    cell: str
    caption: str  # Chinese name used in messages
    merge_to: str | None = None
    kind: str = "text"  # text | money | percent | int | choice


LAST_COL = "G"  # the official table spans A..G (the print area)
# Column widths (character units): the official table, a gap, the tool block.
PROJECT_COL_WIDTHS = {"A": 11, "B": 11, "C": 16, "D": 14, "E": 14, "F": 13, "G": 18,
                      "H": 2, "I": 16, "J": 14, "K": 26, "L": 14,
                      "AF": 18, "AG": 14, "AH": 14, "AI": 14}
TITLE = "A1"  # formula: 序号 & "." & 项目名称 & "绩效目标表"
TITLE_MERGE = "G1"
UNIT_LINE = Field("unit", "A2", "单位信息", merge_to="E2")
MONEY_UNIT_LABEL = Label("F2", "单位：万元", merge_to="G2")

LABELS: tuple[Label, ...] = (
    Label("A3", "项目编码"),
    Label("D3", "项目名称"),
    Label("A4", "预算规模及资金用途", merge_to="A5"),
    Label("B4", "预算数"),
    Label("D4", "其中：财政资金"),
    Label("F4", "其他资金"),
    Label("A6", "资金支出计划（%）", merge_to="A7"),
    *(Label(f"{c}6", cp) for c, cp in zip("BCDE", CHECKPOINTS, strict=True)),
    Label("F6", "支出计划模板", merge_to="G6"),
    Label("A8", "累计支出（万元）"),
    Label("F8", "资金核对"),
    Label("A9", "绩效目标"),
    Label("A10", "资金来源"),
    Label("D10", "校验状态"),
)

CODE = Field("code", "B3", "项目编码", merge_to="C3")
NAME = Field("name", "E3", "项目名称", merge_to="G3")
BUDGET = Field("budget", "C4", "预算数", kind="money")
FISCAL = Field("fiscal", "E4", "财政资金", kind="money")
OTHER = Field("other", "G4", "其他资金", kind="money")
PURPOSE = Field("purpose", "B5", "资金用途", merge_to="G5")
PLAN = tuple(
    Field(f"plan.{i}", f"{c}7", f"资金支出计划 {cp}", kind="percent")
    for i, (c, cp) in enumerate(zip("BCDE", CHECKPOINTS, strict=True))
)
PLAN_PROFILE = Field("plan_profile", "F7", "支出计划模板", merge_to="G7", kind="choice")
GOAL = Field("goal", "B9", "绩效目标", merge_to="G9")
FUNDING_LINE = Field("funding_line", "B10", "资金来源", merge_to="C10", kind="choice")
# Written by validate (通过 / 警告 / 错误), never read into the model.
STATUS = "E10"
STATUS_MERGE = "G10"

# Native formulas (work in Excel, WPS and LibreOffice without Python).
PLAN_AMOUNTS = tuple(f"{c}8" for c in "BCDE")  # =IF(B7="","",ROUND($C$4*B7,2))
FUNDS_CHECK = "G8"  # 财政资金 + 其他资金 vs 预算数

# Tool block: editable meta data and live checks, right of the print area.
SEQ = Field("seq", "J1", "序号", kind="int")
TOOL_LABELS: tuple[Label, ...] = (
    Label("I1", "序号"),
    Label("I2", "编码校验"),
    Label("I3", "问题数（实时）"),
    Label("I4", "错误数"),
    Label("I5", "警告数"),
    Label("I6", "提示数"),
    Label("I7", "审核意见"),
)
CODE_CHECK = "J2"  # UDF: PT_CODE_CHECK(B3)
FINDINGS_COUNT = "J3"  # UDF: PT_FINDINGS_COUNT(...)
# Written by validate (the last run's counts and the bureau's review wording), never read.
COUNT_CELLS = ("J4", "J5", "J6")  # errors, warnings, infos
REVIEW_CELL = "J7"

PROJECT_FIELDS: tuple[Field, ...] = (
    SEQ, UNIT_LINE, CODE, NAME, BUDGET, FISCAL, OTHER, PURPOSE, *PLAN, PLAN_PROFILE, GOAL,
    FUNDING_LINE,
)

# The national 申报表's header fields (issue 13): outside the print area, right of the
# monitoring block M..AD (the 张家口 table has no place for them). A workbook built before they
# existed has these cells empty, which reads as "not given".
DECLARATION_LABELS: tuple[Label, ...] = (
    Label("AF1", "主管部门"),
    Label("AF2", "实施单位"),
    Label("AF3", "项目属性"),
    Label("AF4", "项目期"),
    Label("AF5", "中期（实施期）目标"),
)
DECLARATION_FIELDS: tuple[Field, ...] = (
    Field("authority", "AG1", "主管部门", merge_to="AI1"),
    Field("implementer", "AG2", "实施单位", merge_to="AI2"),
    Field("attribute", "AG3", "项目属性", merge_to="AI3"),
    Field("period", "AG4", "项目期", merge_to="AI4"),
    Field("mid_goal", "AG5", "中期（实施期）目标", merge_to="AI5"),
)
FIELD_BY_KEY = {f.key: f for f in (*PROJECT_FIELDS, *DECLARATION_FIELDS)}

# -- the indicator table -------------------------------------------------------------------
IND_HEADER_ROW = 11
IND_FIRST_ROW = 12
IND_CAPACITY = 40  # rows the builder formats for indicators (more when a project has more)
IND_LAST_ROW = IND_FIRST_ROW + IND_CAPACITY - 1  # 51


@dataclass(frozen=True)
class Column:
    key: str  # Indicator attribute
    col: str
    caption: str
    merge_to_col: str | None = None


IND_COLUMNS: tuple[Column, ...] = (
    Column("level1", "A", "一级指标"),
    Column("level2", "B", "二级指标"),
    Column("level3", "C", "三级指标"),
    Column("description", "D", "绩效指标描述", merge_to_col="E"),
    Column("value", "F", "指标值"),
    Column("basis", "G", "指标值确定依据"),
)
# 中期（实施期）指标值 of a multi-year project (issue 13), beside the tool columns.
MID_VALUE_COLUMN = Column("mid_value", "AF", "中期（实施期）指标值")
IND_COLUMN_BY_KEY = {c.key: c for c in (*IND_COLUMNS, MID_VALUE_COLUMN)}

# Tool columns of the indicator rows.
IND_TOOL_COLUMNS: tuple[Column, ...] = (
    Column("amount", "I", "指标金额（万元）"),  # native: the 万元 amount in the value
    Column("cost_check", "J", "成本核对"),  # native: cost indicator vs 预算数
    Column("udf_check", "K", "Python 校验"),  # UDF: PT_CHECK(...)
)
# native: the row's 一级指标 with a blank cell continuing the one above, as
# perf_xl.conventions defines it ("~" first on an empty row); 汇总 counts it by group.
IND_GROUP_COLUMN = Column("level1_carried", "L", "一级指标（续）")
NOTES_ROW = IND_LAST_ROW + 2  # 填表说明 below a table of up to IND_CAPACITY indicators


def indicator_row(index: int) -> int:
    """Sheet row of the indicator with 0-based ``index`` as the builder puts it (the table
    has no fixed size: a sheet of 60 indicators has them in rows 12–71)."""
    if index < 0:
        raise IndexError(f"no indicator {index + 1}")
    return IND_FIRST_ROW + index


def table_rows(count: int) -> int:
    """Rows the builder formats for ``count`` indicators: at least IND_CAPACITY."""
    return max(IND_CAPACITY, count)


def table_last_row(count: int) -> int:
    """The table's last row as the builder makes it for ``count`` indicators."""
    return IND_FIRST_ROW + table_rows(count) - 1


def notes_row(count: int) -> int:
    """The 填表说明 line (the table's end marker) under a table of ``count`` indicators."""
    return IND_FIRST_ROW + table_rows(count) + 1


def indicator_cell(index: int, key: str) -> str:
    return f"{IND_COLUMN_BY_KEY[key].col}{indicator_row(index)}"


def cell_of(key: str, indicator: int | None = None) -> str:
    """The cell of a model field: ``cell_of("budget")`` -> "C4",
    ``cell_of("value", 3)`` -> "F15", ``cell_of("plan.3")`` -> "E7"."""
    if indicator is not None:
        return indicator_cell(indicator, key)
    if key in FIELD_BY_KEY:
        return FIELD_BY_KEY[key].cell
    if key == "plan":
        return PLAN[0].cell
    if key == "indicators":
        return f"A{IND_HEADER_ROW}"
    raise KeyError(f"no cell for field {key!r}")


# -- finding the map on a sheet (issue 12) ---------------------------------------------------
# A user inserts and deletes whole rows and columns, renames sheets and adds their own. The
# cells in this file are where the builder puts things; the reader finds where they are now
# (perf_xl/workbook/placement.py), and every patch is moved to the cells found before it is
# written (placement.place_patch), so nothing lands in a row or column the user inserted:
# - a project sheet is recognised by SHEET_MARKER, a hidden cell the builder writes at
#   MARKER_CELL in the column MARKER_COL that the layout reserves for it (the gap between the
#   monitoring block M–AD and the 申报表 fields AF–AI; no writer owns it). Excel and
#   LibreOffice keep it when a sheet is copied, renamed or moved; it is looked for in
#   MARKER_WINDOW when columns or rows were inserted before it. A workbook built before the
#   marker (no sheet has one) is read as before, by the table's captions;
# - each layout row and column is fixed by a caption (ROW_ANCHORS / COL_ANCHORS) looked for
#   in CAPTION_WINDOW; the blocks right of the tool columns have optional anchors
#   (OPTIONAL_COL_ANCHORS: a workbook built before them has none); rows and columns without
#   a caption of their own sit at a fixed offset from one that has (DERIVED_ROWS /
#   DERIVED_COLS), or from the nearest placed column to their left;
# - the indicator table starts below its header row and ends at IND_END_MARKER (the notes
#   line the builder writes under the table) or, when that was deleted, at the first fully
#   empty row; it has no fixed size (IND_CAPACITY is only what the builder formats).
MARKER_COL = "AE"
MARKER_CELL = f"{MARKER_COL}1"
SHEET_MARKER = "perf_xl 项目表（此单元格供工具识别，请勿删除）"
MARKER_PREFIX = "perf_xl 项目表"
MARKER_WINDOW = (40, 52)  # rows, columns searched for the marker
CAPTION_WINDOW = (60, 52)  # rows, columns searched for a caption that moved
IND_END_MARKER = "填表说明"

ROW_ANCHORS: dict[int, str] = {
    3: "项目编码",
    4: "预算数",
    6: "资金支出计划（%）",
    8: "累计支出（万元）",
    9: "绩效目标",
    10: "资金来源",
    IND_HEADER_ROW: "一级指标",
}
COL_ANCHORS: dict[str, str] = {
    "A": "一级指标",
    "B": "二级指标",
    "C": "三级指标",
    "D": "绩效指标描述",
    "F": "指标值",
    "G": "指标值确定依据",
    "I": "序号",
}
TOOL_COL_ANCHOR = "I"  # optional: without it the tool block is two columns right of G
# (caption cell, caption): found, they fix their column; absent, it follows the one left of it.
OPTIONAL_COL_ANCHORS: dict[str, tuple[str, str]] = {
    IND_GROUP_COLUMN.col: (f"{IND_GROUP_COLUMN.col}{IND_HEADER_ROW}", IND_GROUP_COLUMN.caption),
    "M": (f"M{IND_HEADER_ROW}", "执行情况（1至N月）"),  # TRACK_COLUMNS[0]
    "AF": ("AF1", "主管部门"),
}
DERIVED_ROWS: dict[int, tuple[int, int]] = {1: (3, -2), 2: (3, -1), 5: (6, -1), 7: (8, -1)}
DERIVED_COLS: dict[str, tuple[str, int]] = {"E": ("F", -1), "H": ("G", 1), "J": ("I", 1), "K": ("I", 2),
                                            "L": ("I", 3)}


# -- the 部门整体 sheet ------------------------------------------------------------------------
# Key/value rows at the top, then three sections found by their captions in column A.
DEPT_FIELDS: tuple[Field, ...] = (
    Field("unit_name", "B3", "单位名称", merge_to="D3"),
    Field("unit_code", "B4", "单位编码", merge_to="D4"),
    Field("year", "B5", "预算年度", merge_to="D5", kind="int"),
    Field("title", "B6", "文本标题", merge_to="D6"),
    Field("money_unit", "B7", "金额单位", merge_to="D7"),
    Field("compiled_by", "B8", "编制单位", merge_to="D8"),
    Field("reviewed_by", "B9", "审核单位", merge_to="D9"),
)
DEPT_TITLE = "A1"
DEPT_SECTION_GOAL = "一、总体绩效目标"
DEPT_SECTION_SUBGOALS = "二、分项绩效目标"
DEPT_SECTION_MEASURES = "三、工作保障措施"
DEPT_FIRST_SECTION_ROW = 11
DEPT_COL_WIDTHS = {"A": 14, "B": 30, "C": 14, "D": 52}
DEPT_LAST_COL = "D"
# Column use inside the sections: the goal's paragraphs span A:D (merged), one row each;
# sub-goals: a header row, then A 序号, B 分项名称, C 标签, D 绩效目标; measures: a header
# row, then A 序号, B 保障措施, C:D 内容 (merged).
DEPT_SUBGOAL_COLUMNS = (("A", "序号"), ("B", "分项名称"), ("C", "标签"), ("D", "绩效目标"))
DEPT_MEASURE_COLUMNS = (("A", "序号"), ("B", "保障措施"), ("C", "内容"))
DEPT_MEASURE_MERGE_TO = "D"  # 内容 spans C:D

# -- 汇总 (rebuilt by summary --write; rows below the line table depend on its length) -------
SUMMARY_TITLE = "A1"  # merged across the printed columns
SUMMARY_UNIT = ("A2", "D2")  # 单位 (merged)
SUMMARY_YEAR = "E2"
SUMMARY_DATE = ("H2", "J2")  # 编制日期 (merged); 单位：万元 in the last printed column
SUMMARY_SIGNATURE_COLS = ("A", "E", "I", "M")  # 单位负责人, 财务负责人, 填表人, 填报日期
SUMMARY_LINE_HEADER_ROW = 5  # header of the table by funding line; its caption one row above
SUMMARY_CHART_ROWS = 18  # rows reserved for the two charts below the line table
SUMMARY_NAME_WIDTH = 44  # the 项目名称 column of the project list
SUMMARY_FUNDING_WIDTH = 16  # the 资金来源 column, for row heights
SUMMARY_WIDTHS = {"A": 24, "B": 16, "C": 24, "D": SUMMARY_NAME_WIDTH}
SUMMARY_PRINTED_WIDTH = 12  # other printed columns
SUMMARY_HELPER_WIDTH = 11  # helper columns (grey header, not printed)
SUMMARY_BAR_CHART = (520, 320)  # pixels
SUMMARY_LINE_CHART = (620, 320)
SUMMARY_LINE_CHART_COL = "H"

# -- 校验结果 ------------------------------------------------------------------------------
FINDINGS_HEADER_ROW = 4
FINDINGS_COLUMNS = ("序号", "级别", "代码", "审核意见", "项目编码", "工作表", "单元格", "问题说明")
FINDINGS_WIDTHS = {"A": 6, "B": 7, "C": 8, "D": 20, "E": 24, "F": 30, "G": 8, "H": 80}

# -- 首页 ---------------------------------------------------------------------------------
HOME_UNIT = "C3"
HOME_YEAR = "C4"
HOME_PROJECT_COUNT = "C5"  # formula over the 汇总 sheet's 合计 row
HOME_TOTAL_BUDGET = "C6"

# -- 代码表 (lists for drop-downs) ----------------------------------------------------------
CODES_COLUMNS = {
    "level1": "A",  # 一级指标
    "level2": "B",  # 二级指标
    "funding_line": "C",  # 资金来源
    "operator": "D",  # 运算符
    "profile": "E",  # 支出计划模板
}
CODES_FIRST_ROW = 2

# -- buttons (VBA macro -> Chinese caption); macros live in macros/PerfXL.bas ---------------
@dataclass(frozen=True)
class Button:
    macro: str
    caption: str
    help: str
    cell: str


HOME_BUTTONS: tuple[Button, ...] = (
    Button("FillSpendPlan", "填充支出计划", "按各项目的支出计划模板填写空缺的 3月底/6月底/10月底/12月底 进度，"
           "已填写的数值不会被改动，冲突会列出。", "B9"),
    Button("ValidateAll", "校验全部项目", "按规则目录（PT101–PT502）检查每张项目表，结果写入「校验结果」，"
           "并标记有问题的单元格。", "B11"),
    Button("ConsolidateSummary", "生成汇总表", "按资金来源汇总全部项目，重建「汇总」工作表。", "B13"),
    Button("ExportForBureau", "导出报送文件", "生成报送财政局的汇总文件（只含数值，无宏）。", "B15"),
    Button("AddProjectSheet", "新增项目表", "按模板新增一张空白项目绩效目标表。", "B17"),
    Button("RefreshFunctions", "更新 Python 函数", "导入 PT_* 工作表函数（首次使用或升级 perf_xl 后点击一次）。",
           "B19"),
)
PROJECT_BUTTONS: tuple[Button, ...] = (
    Button("ValidateThisSheet", "校验本表", "只校验当前项目表", "I9"),
    Button("GoHome", "返回首页", "回到首页", "I11"),
)
BUTTON_SIZE = (150, 32)  # width, height in pixels



# -- 运行监控 / 绩效自评 (LIFECYCLE.md): a block right of the tool columns ------------------------
# Columns M… of every project sheet, beyond the tool columns I–K and outside the print area
# A–G (the 绩效目标表 prints as before). Rows 1–8: the project's figures; row 11 the header
# and then one row per indicator row of the table, so each indicator's monitoring sits on
# its own row. White cells are typed by the officer (or written by monitor/selfeval
# --write from an actuals file); blue cells are native formulas; the helper columns
# (目标数 … 权重组) are written by perf_xl from the 指标值 (build, monitor/selfeval --write).
# The printed forms are the 河北 运行监控表 / 自评表 (perf-xl export --monitor N / --selfeval).
TRACK_TITLE = Label("M1", "运行监控与绩效自评（月份填 3–11；白色单元格填写，蓝色为公式）", merge_to="Y1")

TRACK_MONTH = Field("track.month", "N2", "监控月份", kind="int")
TRACK_ADJUSTED = Field("track.adjusted_budget", "N3", "调整后预算数", kind="money")
TRACK_EXECUTED = Field("track.executed", "N4", "1–N月执行数", kind="money")
TRACK_FORECAST = Field("track.forecast", "N5", "全年预计执行数", kind="money")
TRACK_YEAR_EXECUTED = Field("track.year_executed", "N6", "全年执行数", kind="money")
TRACK_ANALYSIS = Field("track.analysis", "N7", "偏差原因分析", merge_to="R7")
TRACK_MEASURES = Field("track.measures", "N8", "改进措施", merge_to="R8")
TRACK_FIELDS: tuple[Field, ...] = (TRACK_MONTH, TRACK_ADJUSTED, TRACK_EXECUTED, TRACK_FORECAST,
                                   TRACK_YEAR_EXECUTED, TRACK_ANALYSIS, TRACK_MEASURES)
TRACK_FIELD_BY_KEY = {f.key.removeprefix("track."): f for f in TRACK_FIELDS}


@dataclass(frozen=True)
class Output:
    """A native-formula cell of the block, with its caption cell to the left."""

    key: str  # the name of the figure in monitor/selfeval JSON
    cell: str
    caption: str
    label: str  # caption cell


def _outputs(label_col: str, value_col: str, first_row: int,
             items: tuple[tuple[str, str], ...]) -> tuple[Output, ...]:
    return tuple(Output(key, f"{value_col}{first_row + i}", caption, f"{label_col}{first_row + i}")
                 for i, (key, caption) in enumerate(items))


TRACK_OUTPUTS: tuple[Output, ...] = (
    *_outputs("P", "Q", 2, (("standard_rate", "序时进度"), ("execution_rate", "执行率"),
                            ("plan_rate", "计划进度（本单位）"), ("budget_value", "预算亮灯值（对序时）"),
                            ("plan_value", "预算亮灯值（对计划）"))),
    *_outputs("S", "T", 2, (("light", "项目灯（监控）"), ("year_rate", "全年执行率"),
                            ("execution_score", "预算执行得分"), ("indicator_score", "指标得分"),
                            ("total", "自评总分"), ("grade", "自评等级"),
                            ("year_light", "项目灯（年终）"))),
    *_outputs("U", "V", 2, (("ahead", "绩效超前支出（%）"), ("unspent", "预算未执行（%）"))),
)
TRACK_OUTPUT = {o.key: o for o in TRACK_OUTPUTS}
BUDGET_LIGHT = "R5"  # beside budget_value
PLAN_LIGHT = "R6"  # beside plan_value

# Per indicator row (header in IND_HEADER_ROW): inputs, formulas, helpers.
TRACK_COLUMNS: tuple[Column, ...] = (
    Column("progress", "M", "执行情况（1至N月）"),
    Column("forecast", "N", "全年预计完成情况"),
    Column("deviation", "O", "偏差原因"),
    Column("reason", "P", "原因说明"),
    Column("likelihood", "Q", "完成目标可能性"),
    Column("remark", "R", "备注"),
    Column("light_value", "S", "亮灯值"),  # formula
    Column("light", "T", "监控灯"),  # formula
    Column("actual", "U", "实际完成值"),
    Column("weight", "V", "分值（自定）"),
    Column("score", "W", "定性指标得分"),
    Column("eff_weight", "X", "分值"),  # formula
    Column("eval_score", "Y", "得分"),  # formula
    Column("year_light", "Z", "年终灯"),  # formula
    Column("target", "AA", "目标数"),  # helper
    Column("kind", "AB", "类型"),  # helper: 正向 / 等于 / 反向 / 反向严格 / 定性
    Column("prorate", "AC", "按序时"),  # helper: 1 pro-rated, 0 compared directly
    Column("group", "AD", "权重组"),  # helper: 产出 / 效益 / 满意度 / 其他
)
TRACK_COLUMN = {c.key: c for c in TRACK_COLUMNS}
TRACK_INPUT_KEYS = ("progress", "forecast", "deviation", "reason", "likelihood", "remark",
                    "actual", "weight", "score")
TRACK_HELPER_KEYS = ("target", "kind", "prorate", "group")

DEVIATION_CATEGORIES = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
LIKELIHOODS = ("确定能", "有可能", "完全不可能")


def track_cell(key: str, indicator: int | None = None) -> str:
    """The cell of a monitoring / self-evaluation field: ``track_cell("executed")`` -> "N4",
    ``track_cell("progress", 0)`` -> "M12", ``track_cell("total")`` -> "T6"."""
    if indicator is not None:
        return f"{TRACK_COLUMN[key].col}{indicator_row(indicator)}"
    if key in TRACK_FIELD_BY_KEY:
        return TRACK_FIELD_BY_KEY[key].cell
    if key in TRACK_OUTPUT:
        return TRACK_OUTPUT[key].cell
    if key == "budget_light":
        return BUDGET_LIGHT
    if key == "plan_light":
        return PLAN_LIGHT
    raise KeyError(f"no monitoring cell for {key!r}")


# Parameters of the native formulas (thresholds, weights, bands): written on 代码表 from the
# rules TOML by build and by monitor/selfeval --write.
PARAMS_LABEL_COL = "G"
PARAMS_VALUE_COL = "H"
PARAMS: tuple[tuple[str, str], ...] = (
    ("budget_red_below", "预算灯：红灯低于"),
    ("budget_yellow_below", "预算灯：黄灯低于"),
    ("indicator_red_below", "指标灯：红灯低于"),
    ("indicator_yellow_below", "指标灯：黄灯低于"),
    ("blue_at", "指标灯：蓝灯自（完成值/年度指标值 %）"),
    ("execution_weight", "预算执行分值"),
    ("output_weight", "产出指标分值"),
    ("benefit_weight", "效益指标分值"),
    ("satisfaction_weight", "满意度指标分值"),
    ("grade_excellent", "等级：优 不低于"),
    ("grade_good", "等级：良 不低于"),
    ("grade_pass", "等级：中 不低于"),
    ("qualitative_achieved", "定性：达成 不低于分值的 %"),
    ("qualitative_partly", "定性：部分达成 不低于分值的 %"),
)


def param_cell(key: str, *, qualified: bool = True) -> str:
    """ "'代码表'!$H$3" (absolute), or "H3" on 代码表 when not ``qualified``."""
    row = CODES_FIRST_ROW + [k for k, _ in PARAMS].index(key)
    ref = f"${PARAMS_VALUE_COL}${row}"
    return quote_sheet(CODES_SHEET) + ref if qualified else ref.replace("$", "")


def param_name(key: str) -> str:
    """The workbook-level defined name of a parameter ("LC_blue_at"), what formulas use."""
    return f"LC_{key}"

# Buttons of the year after the plan (macros/PerfXLLifecycle.bas), on 首页 after the others.
TRACK_BUTTONS: tuple[Button, ...] = (
    Button("RunMonitor", "运行监控", "按项目表上填写的监控月份与执行数、执行情况计算执行率、预算灯和指标灯，"
           "检查 PT601–PT606（同 perf-xl monitor --write）。", "B21"),
    Button("RunSelfEval", "绩效自评", "按全年执行数与实际完成值计算得分、总分和等级，检查 PT701–PT705"
           "（同 perf-xl selfeval --write）。", "B23"),
    Button("ExportMonitor", "导出监控表", "在工作簿旁边导出《项目支出绩效目标运行监控表》"
           "（河北版式，只含数值）。", "B25"),
    Button("ExportSelfEval", "导出自评表", "在工作簿旁边导出《项目支出绩效自评表》（河北版式，只含数值）。", "B27"),
)
HOME_BUTTONS = (*HOME_BUTTONS, *TRACK_BUTTONS)
