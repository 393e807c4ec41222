"""THE layout of the 绩效文本 Word document, shared by its writer (``perf_xl.sinks.docx``)
and its reader (``perf_xl.importers.docx``): labels, the table grid, section headings and
the custom XML part that carries the fields the printed document does not show.

Kept free of python-docx so importing it is cheap.
"""

from __future__ import annotations

import re

# -- the project table (官方 项目支出绩效目标表) ----------------------------------------
# Seven grid columns, like the official form: a label column and six content columns.
# Indicator rows use them as 一级 | 二级 | 三级 | 绩效指标描述 (two columns) | 指标值 | 依据.
GRID_CM: tuple[float, ...] = (1.8, 2.0, 2.6, 1.9, 2.3, 2.0, 3.0)  # sums to the 15.6 cm text width

LABEL_CODE = "项目编码"
LABEL_NAME = "项目名称"
LABEL_BUDGET_BLOCK = "预算规模及资金用途"
LABEL_BUDGET = "预算数"
LABEL_FISCAL = "其中：财政资金"
LABEL_OTHER = "其他资金"
LABEL_PLAN = "资金支出计划（%）"
LABEL_GOAL = "绩效目标"
# The national 申报表 header fields, written only when a project has them (issue 13).
LABEL_AUTHORITY = "主管部门"
LABEL_IMPLEMENTER = "实施单位"
LABEL_ATTRIBUTE = "项目属性"
LABEL_PERIOD = "项目期"
LABEL_MID_GOAL = "中期（实施期）目标"
INDICATOR_HEADERS: tuple[str, ...] = (
    "一级指标",
    "二级指标",
    "三级指标",
    "绩效指标描述",
    "指标值",
    "指标值确定依据",
)
# Grid span of each cell of the spend-plan rows after the label: 3月底 6月底 10月底 12月底.
PLAN_SPANS: tuple[int, ...] = (2, 2, 1, 1)
# Grid span of each indicator column.
INDICATOR_SPANS: tuple[int, ...] = (1, 1, 1, 2, 1, 1)
# A multi-year table: the description narrows to one column for the 中期 value.
INDICATOR_HEADERS_MID: tuple[str, ...] = (
    "一级指标", "二级指标", "三级指标", "绩效指标描述", "年度指标值", "中期（实施期）指标值",
    "指标值确定依据",
)

MONEY_UNIT_LINE = "单位：万元"

# -- headings -------------------------------------------------------------------------
PART1 = "第一部分"
PART1_TITLE = "部门整体绩效目标"
PART2 = "第二部分"
PART2_TITLE = "预算项目绩效目标"
SECTION_OVERALL = "一、总体绩效目标"
SECTION_SUBGOALS = "二、分项绩效目标"
SECTION_MEASURES = "三、工作保障措施"
DRAFT_MARK = "(草案)"
TABLE_TITLE_SUFFIX = "绩效目标表"


def default_title(year: int | None) -> str:
    """The cover title printed when the model has none."""
    return f"{year}年部门预算绩效文本" if year else "部门预算绩效文本"


def table_title(seq: int, name: str) -> str:
    return f"{seq}.{name}{TABLE_TITLE_SUFFIX}"


TABLE_TITLE_RE = re.compile(r"^\s*(\d{1,3})\s*[.．、]\s*(.*?)\s*" + TABLE_TITLE_SUFFIX + r"\s*$")

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (enough for list numbering)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


# "（一）", "(二)", "（十二）" at the start of a paragraph.
CN_ITEM_RE = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]+)\s*[)）]\s*(.*)$", re.S)

# -- hidden metadata ------------------------------------------------------------------
# Fields the printed document does not show (the spend-plan profile, an edited funding
# line, the source's money unit …) travel in a custom XML part, so model -> .docx -> model
# is lossless. A hand-made document has no such part: the reader derives those fields.
META_NS = "urn:perf-xl:docx-meta:1"
META_ROOT = "perfxl"
