"""The formulas of a project sheet, built from the layout.

Native formulas use only functions that Excel, WPS and LibreOffice compute alike (IF, ROUND,
SEARCH, SUBSTITUTE, SUMIFS, COUNTIFS …). Python UDF cells (PT_*) are wrapped in IFERROR so
a workbook opened without xlwings shows a hint instead of #NAME?.
"""

from __future__ import annotations

from functools import cache

from ..conventions import COST_WORD, NO_FUNDING_LINE
from ..vocabulary import MONEY_TOLERANCE
from . import layout as L

UDF_FALLBACK = "需启用 Python"


def _abs(ref: str) -> str:
    row, col = L.split_a1(ref)
    return f"${L.col_letter(col)}${row}"


def udf(call: str) -> str:
    return f'=IFERROR({call},"{UDF_FALLBACK}")'


def title() -> str:
    name, seq = L.NAME.cell, L.SEQ.cell
    return f'=IF({name}="","",{seq}&"."&{name}&"绩效目标表")'


def plan_amount(index: int) -> str:
    """Cumulative spend in 万元 at checkpoint ``index``: 预算数 × %."""
    pct = L.PLAN[index].cell
    budget = _abs(L.BUDGET.cell)
    return f'=IF(OR({pct}="",NOT(ISNUMBER({pct})),NOT(ISNUMBER({budget}))),"",ROUND({budget}*{pct},2))'


def funds_check() -> str:
    """财政资金 + 其他资金 against 预算数 (within the money tolerance)."""
    b, f, o = L.BUDGET.cell, L.FISCAL.cell, L.OTHER.cell
    return (f'=IF(NOT(ISNUMBER({b})),"预算数不是数字",'
            f'IF(ABS({b}-N({f})-N({o}))<{MONEY_TOLERANCE},"一致","财政资金+其他资金≠预算数"))')


# Characters stripped from an indicator value before reading its amount natively.
_STRIP = ("≤", "≦", "<", "＜", "=", "＝", "≥", "≧", ">", "＞", " ", "　")


def indicator_amount(row: int) -> str:
    """The money amount of an indicator value in 万元 ("≤460万元" -> 460), else ""."""
    value = f"{L.IND_COLUMN_BY_KEY['value'].col}{row}"
    inner = value
    for ch in _STRIP:
        inner = f'SUBSTITUTE({inner},"{ch}","")'
    wan = f'IFERROR(--SUBSTITUTE({inner},"万元",""),"")'
    yuan = f'IFERROR(--SUBSTITUTE({inner},"元","")/10000,"")'
    return (f'=IF(ISNUMBER(SEARCH("万元",{value})),{wan},'
            f'IF(ISNUMBER(SEARCH("元",{value})),{yuan},""))')


def cost_check(row: int) -> str:
    """A cost indicator's amount against 预算数: flags only what is clearly wrong."""
    level2 = f"{L.IND_COLUMN_BY_KEY['level2'].col}{row}"
    level1 = f"{L.IND_COLUMN_BY_KEY['level1'].col}{row}"
    amount = f"{L.IND_TOOL_COLUMNS[0].col}{row}"
    budget = _abs(L.BUDGET.cell)
    is_cost = f'OR(ISNUMBER(SEARCH("成本",{level2})),ISNUMBER(SEARCH("成本",{level1})))'
    return (f'=IF(AND({is_cost},ISNUMBER({amount}),ISNUMBER({budget})),'
            f'IF({amount}>{budget}+{MONEY_TOLERANCE},"超出预算数",'
            f'IF(ABS({amount}-{budget})<{MONEY_TOLERANCE},"等于预算数","")),"")')


def udf_check(row: int) -> str:
    c = L.IND_COLUMN_BY_KEY
    args = ",".join(f"{c[k].col}{row}" for k in ("level1", "level2", "level3", "value"))
    value = f"{c['value'].col}{row}"
    # The description is the optional last argument: its words decide e.g. whether a cost
    # indicator is the total or a unit cost, as in perf-xl validate.
    desc = f"{c['description'].col}{row}"
    return (f'=IF({value}="","",IFERROR(PT_CHECK({args},{_abs(L.BUDGET.cell)},{desc}),'
            f'"{UDF_FALLBACK}"))')


def udf_code_check() -> str:
    return udf(f"PT_CODE_CHECK({L.CODE.cell})")


def udf_findings_count() -> str:
    # The budget year (部门整体) lets the count include PT111 (prior-year code) as validate does.
    year = next(f.cell for f in L.DEPT_FIELDS if f.key == "year")
    return udf(f"PT_FINDINGS_COUNT($A$1:${L.LAST_COL}${L.IND_LAST_ROW},"
               f"{L.quote_sheet(L.DEPARTMENT_SHEET)}{_abs(year)})")


# -- the definitions of perf_xl/conventions.py as native formulas ---------------------------
# White space a compacted text loses (Python's str.split(): spaces, full-width spaces, tabs,
# line breaks).
_SPACES = ('" "', '"　"', "CHAR(9)", "CHAR(10)", "CHAR(13)")


def compact(ref: str) -> str:
    """``ref``'s text without white space (conventions.compact)."""
    out = f"{ref}&\"\""
    for space in _SPACES:
        out = f"SUBSTITUTE({out},{space},\"\")"
    return out


def _indicator_cells(row: int) -> str:
    """The cells the reader takes an indicator row from (D:E is one merged cell)."""
    cols = [c.col for c in L.IND_COLUMNS]
    return ",".join(f"${c}{row}" for c in cols)


EMPTY_ROW_MARK = "~"  # leads the 一级指标（续） cell of an empty indicator row


@cache  # (the same 40 rows on every project sheet)
def level1_carried(row: int) -> str:
    """The row's 一级指标 compacted, a blank cell continuing the one above
    (conventions.carried_levels); an empty row carries it on behind EMPTY_ROW_MARK, which
    a count by group (COUNTIF "产出*") does not match."""
    text = compact(f"${L.IND_COLUMN_BY_KEY['level1'].col}{row}")
    col, mark = L.IND_GROUP_COLUMN.col, EMPTY_ROW_MARK
    if row == L.IND_FIRST_ROW:
        above = '""'
    else:
        prev = f"{col}{row - 1}"
        above = f'IF(LEFT({prev},1)="{mark}",MID({prev},2,999),{prev})'
    return f'=IF(COUNTA({_indicator_cells(row)})=0,"{mark}","")&IF({text}<>"",{text},{above})'


_NATIVE_SPACES = str.maketrans("", "", " 　\t\n\r")  # what compact() removes


def level1_carried_values(rows: dict[int, list]) -> dict[int, str]:
    """What the level1_carried formulas of the rows give: row -> value, from the cells of
    the indicator columns of every row (IND_COLUMNS' values, in order; None for empty)."""
    out: dict[int, str] = {}
    above = ""
    for row in range(L.IND_FIRST_ROW, max(L.IND_LAST_ROW, max(rows, default=0)) + 1):  # (past 40 rows too)
        cells = rows.get(row) or []
        level1 = cells[0] if cells else None
        text = _native_text(level1).translate(_NATIVE_SPACES)
        empty = all(v is None or v == "" for v in cells)
        value = (EMPTY_ROW_MARK if empty else "") + (text if text else above)
        out[row] = value
        above = value[1:] if value.startswith(EMPTY_ROW_MARK) else value
    return out


def _native_text(value) -> str:
    """A cell's value as a spreadsheet turns it into text (``&""``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def group_count(sheet: str, group: str) -> str:
    """How many indicators of a project sheet are in a 一级指标 group
    (conventions.level1_group: the carried 一级指标 starts with the group's name)."""
    col = L.IND_GROUP_COLUMN.col
    return f'=COUNTIF({L.quote_sheet(sheet)}${col}${L.IND_FIRST_ROW}:${col}${L.IND_LAST_ROW},"{group}*")'


def funding_line(sheet: str) -> str:
    """The funding line a project is grouped under (conventions.funding_line_label)."""
    text = compact(f"{L.quote_sheet(sheet)}{L.FUNDING_LINE.cell}")
    return f'=IF({text}="","{NO_FUNDING_LINE}",{text})'


def cost_value(sheet: str) -> str:
    """The 指标值 of a project sheet's first cost indicator (conventions.cost_indicator_value):
    the first row whose 一级 or 二级指标 contains 成本 — a cost group always starts on a row
    that names it, so the first such written cell is the first cost indicator."""
    q = L.quote_sheet(sheet)
    first, last = L.IND_FIRST_ROW, L.IND_LAST_ROW
    col = L.IND_COLUMN_BY_KEY

    def rng(key: str) -> str:
        return f"{q}${col[key].col}${first}:${col[key].col}${last}"

    big = L.IND_CAPACITY + 1
    at = (f'MIN(IFERROR(MATCH("*{COST_WORD}*",{rng("level1")},0),{big}),'
          f'IFERROR(MATCH("*{COST_WORD}*",{rng("level2")},0),{big}))')
    return f'=IFERROR(INDEX({rng("value")},{at})&"","")'
