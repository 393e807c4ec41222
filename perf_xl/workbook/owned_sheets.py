"""The sheets the tool owns entirely — 汇总 and 校验结果 — as SheetSpecs.

The same spec is rendered by the builder (XlsxWriter), the file adapter (openpyxl) and the
live adapter (xlwings), so the summary looks the same however it was made.

汇总 holds live formulas: the project list links every cell to its project sheet, and the
table by funding line sums the list with SUMIFS — totals follow every edit in Excel, WPS and
LibreOffice without Python. Cached values (what Python computed) are stored with them.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..model import CHECKPOINTS, FUNDING_LINES, Department, Project
from ..summary import planned_spend
from . import layout as L
from .patch import Chart, Formula, Link, SheetSpec
from .sizing import row_height

_SEVERITY_TEXT = {"error": "错误", "warning": "警告", "info": "提示"}
LEVEL1_GROUPS = ("产出", "效益", "满意度")

# Project-list columns: the printed ones first, helper columns (used by the SUMIFS) after.
LIST_PRINTED = ("序号", "资金来源", "项目编码", "项目名称", "预算数", "财政资金", "其他资金",
                *(f"{cp}（%）" for cp in CHECKPOINTS), "成本指标", "校验状态", "审核意见", "工作表")
LIST_HELPERS = (*(f"{cp}（万元）" for cp in CHECKPOINTS), *(f"{g}指标数" for g in LEVEL1_GROUPS),
                "错误", "警告", "提示")
LIST_COLUMNS = LIST_PRINTED + LIST_HELPERS
# The table by funding line.
LINE_COLUMNS = ("资金来源", "项目数", "预算数", "财政资金", "其他资金",
                *(f"{cp}计划支出" for cp in CHECKPOINTS), *(f"{g}指标数" for g in LEVEL1_GROUPS),
                "错误", "警告", "提示")
# line column -> (list column it sums, style)
_LINE_SUMS = {
    "预算数": "预算数", "财政资金": "财政资金", "其他资金": "其他资金",
    **{f"{cp}计划支出": f"{cp}（万元）" for cp in CHECKPOINTS},
    **{f"{g}指标数": f"{g}指标数" for g in LEVEL1_GROUPS},
    "错误": "错误", "警告": "警告", "提示": "提示",
}
LINE_HEADER_ROW = 5
NAME_WIDTH = 44  # the 项目名称 column of the project list
CHART_ROWS = 18  # rows reserved for the two charts


def funding_lines(dept: Department) -> list[str]:
    """The standard funding lines that have projects, then the users' own, in order."""
    used = [p.funding_line or "" for p in dept.projects]
    lines = [x for x in FUNDING_LINES if x in used]
    lines += [x for x in dict.fromkeys(used) if x not in lines]
    return lines or list(FUNDING_LINES[:1])


def _amount(p: Project, k: int) -> Decimal | str:
    """The sheet's 累计支出 cell: "" when the plan value or budget is missing."""
    if p.plan[k] is None or p.budget is None:
        return ""
    return planned_spend(p.budget, p.plan[k])


def _count_level1(p: Project, group: str) -> int:
    return sum(1 for i in p.indicators if "".join(i.level1.split()).startswith(group))


def summary_sheet(dept: Department, findings: Iterable[Mapping[str, Any]] | None = None,
                  today: _dt.date | None = None) -> SheetSpec:
    """汇总: header, totals by funding line, two charts, the project list, signatures."""
    today = today or _dt.date.today()
    counts = _finding_counts(findings)
    spec = SheetSpec(L.SUMMARY_SHEET, freeze=None, landscape=True)
    col = {c: L.col_letter(j + 1) for j, c in enumerate(LIST_COLUMNS)}
    lcol = {c: L.col_letter(j + 1) for j, c in enumerate(LINE_COLUMNS)}
    last_printed = L.col_letter(len(LIST_PRINTED))
    year = dept.year or ""

    spec.put("A1", f"{dept.unit_name} {year} 年预算项目绩效目标汇总表", "title")
    spec.merges.append(f"A1:{last_printed}1")
    spec.heights[1] = 30
    spec.put("A2", f"单位：{dept.unit_code} {dept.unit_name}".strip(), "text")
    spec.merges.append("A2:D2")
    spec.put("E2", f"预算年度：{year}", "text")
    spec.put("H2", f"编制日期：{today:%Y-%m-%d}", "text")
    spec.merges.append("H2:J2")
    spec.put(f"{last_printed}2", "单位：万元", "text")

    lines = funding_lines(dept)
    head = LINE_HEADER_ROW
    total_row = head + 1 + len(lines)
    chart_row = total_row + 2
    list_title = chart_row + CHART_ROWS
    list_header = list_title + 1
    first = list_header + 1
    last = list_header + max(len(dept.projects), 1)

    # -- the project list: live links to the project sheets
    spec.put(f"A{list_title}", "二、项目清单（各列链接到项目表，随项目表自动更新）", "section")
    for caption in LIST_COLUMNS:
        spec.put(f"{col[caption]}{list_header}", caption, "head" if caption in LIST_PRINTED else "total")
    for i, p in enumerate(dept.projects):
        r = first + i
        for caption, (value, style) in _list_row(p, counts).items():
            spec.put(f"{col[caption]}{r}", value, style)
        spec.heights[r] = row_height([(p.name, NAME_WIDTH), (p.funding_line, 16)])
    rng = {c: f"${col[c]}${first}:${col[c]}${last}" for c in LIST_COLUMNS}

    # -- by funding line: SUMIFS over the list
    spec.put(f"A{head - 1}", "一、按资金来源汇总", "section")
    for caption in LINE_COLUMNS:
        spec.put(f"{lcol[caption]}{head}", caption, "head")
    spec.heights[head] = 30
    for i, line in enumerate(lines):
        r = head + 1 + i
        members = [p for p in dept.projects if (p.funding_line or "") == line]
        spec.put(f"A{r}", line, "cell")
        spec.put(f"B{r}", Formula(f"=COUNTIF({rng['资金来源']},$A{r})", len(members)), "int")
        for caption, source in _LINE_SUMS.items():
            cached = sum((_list_cached(p, source, counts) for p in members), Decimal(0))
            style = "money" if caption in _money_line_columns() else "int"
            spec.put(f"{lcol[caption]}{r}",
                     Formula(f"=SUMIFS({rng[source]},{rng['资金来源']},$A{r})", cached), style)
    spec.put(f"A{total_row}", "合计", "total")
    for caption in LINE_COLUMNS[1:]:
        letter = lcol[caption]
        cached = len(dept.projects) if caption == "项目数" else sum(
            (_list_cached(p, _LINE_SUMS[caption], counts) for p in dept.projects), Decimal(0))
        style = "total_money" if caption in _money_line_columns() else "total_int"
        spec.put(f"{letter}{total_row}",
                 Formula(f"=SUM({letter}{head + 1}:{letter}{total_row - 1})", cached), style)

    # -- charts: 预算数 by funding line, and the planned cumulative spend curve per line
    cats = f"A{head + 1}:A{total_row - 1}"
    spec.charts.append(Chart(
        "bar", "各资金来源预算数（万元）", f"A{chart_row}", cats,
        (("预算数", f"{lcol['预算数']}{head + 1}:{lcol['预算数']}{total_row - 1}"),),
        y_title="万元", size=(520, 320)))
    first_cp, last_cp = lcol[f"{CHECKPOINTS[0]}计划支出"], lcol[f"{CHECKPOINTS[-1]}计划支出"]
    spec.charts.append(Chart(
        "line", "计划累计支出（万元）", f"H{chart_row}", f"{first_cp}{head}:{last_cp}{head}",
        tuple((line, f"{first_cp}{head + 1 + i}:{last_cp}{head + 1 + i}")
              for i, line in enumerate(lines)),
        y_title="万元", size=(620, 320)))

    # -- signatures
    sign = last + 2
    spec.put(f"A{sign}", "单位负责人：", "text")
    spec.put(f"E{sign}", "财务负责人：", "text")
    spec.put(f"I{sign}", "填表人：", "text")
    spec.put(f"M{sign}", f"填报日期：{today:%Y年%m月%d日}", "text")
    spec.put(f"A{sign + 1}", "注：各金额单位为万元；计划支出 = 预算数 × 累计支出进度；"
             "右侧灰色表头的辅助列供汇总公式使用，不打印。", "small")
    spec.merges.append(f"A{sign + 1}:{last_printed}{sign + 1}")

    widths = {"A": 24, "B": 16, "C": 24, "D": NAME_WIDTH}
    for j in range(1, len(LIST_COLUMNS) + 1):
        spec.widths[L.col_letter(j)] = widths.get(L.col_letter(j), 12 if j <= len(LIST_PRINTED) else 11)
    spec.widths[col["审核意见"]] = 24
    spec.widths[col["工作表"]] = 22
    spec.print_area = f"A1:{last_printed}{sign + 1}"
    spec.repeat_row = list_header
    spec.freeze = None
    return spec


def _money_line_columns() -> set[str]:
    return {"预算数", "财政资金", "其他资金", *(f"{cp}计划支出" for cp in CHECKPOINTS)}


def _finding_counts(findings: Iterable[Mapping[str, Any]] | None) -> dict[str, dict[str, int]] | None:
    if findings is None:
        return None
    counts: dict[str, dict[str, int]] = {}
    for f in findings:
        sheet = f.get("sheet") or ""
        sev = _SEVERITY_TEXT.get(f.get("severity", ""), f.get("severity", ""))
        counts.setdefault(sheet, {"错误": 0, "警告": 0, "提示": 0})
        if sev in counts[sheet]:
            counts[sheet][sev] += 1
    return counts


def _list_cached(p: Project, source: str, counts) -> Decimal:
    if source in ("预算数", "财政资金", "其他资金"):
        value = {"预算数": p.budget, "财政资金": p.fiscal, "其他资金": p.other}[source]
        return value or Decimal(0)
    if source.endswith("（万元）"):
        k = next(i for i, cp in enumerate(CHECKPOINTS) if source.startswith(cp))
        amount = _amount(p, k)
        return amount if isinstance(amount, Decimal) else Decimal(0)
    if source.endswith("指标数"):
        return Decimal(_count_level1(p, source.removesuffix("指标数")))
    if counts is None:
        return Decimal(0)
    return Decimal(counts.get(p.sheet or "", {}).get(source, 0))


def _list_row(p: Project, counts) -> dict[str, tuple[Any, str]]:
    q = L.quote_sheet(p.sheet or "")
    ind = L.IND_COLUMN_BY_KEY
    first, last = L.IND_FIRST_ROW, L.IND_LAST_ROW
    level1 = f"{q}${ind['level1'].col}${first}:${ind['level1'].col}${last}"
    level2 = f"{q}${ind['level2'].col}${first}:${ind['level2'].col}${last}"
    values = f"{q}${ind['value'].col}${first}:${ind['value'].col}${last}"
    cost = next((i.value for i in p.indicators if "成本" in i.level2 or "成本" in i.level1), "")
    mine = (counts or {}).get(p.sheet or "", {})

    def link(ref: str, cached: Any, text: bool = False) -> Formula:
        return Formula(f'={q}{ref}&""' if text else f"={q}{ref}", cached)

    row: dict[str, tuple[Any, str]] = {
        "序号": (link(L.SEQ.cell, p.seq), "int"),
        "资金来源": (link(L.FUNDING_LINE.cell, p.funding_line, True), "cell"),
        "项目编码": (link(L.CODE.cell, p.code, True), "cell"),
        "项目名称": (link(L.NAME.cell, p.name, True), "cell"),
        "预算数": (link(L.BUDGET.cell, p.budget if p.budget is not None else 0), "money"),
        "财政资金": (link(L.FISCAL.cell, p.fiscal or 0), "money"),
        "其他资金": (link(L.OTHER.cell, p.other or 0), "money"),
    }
    for k, cp in enumerate(CHECKPOINTS):
        ref = f"{q}{L.PLAN[k].cell}"
        pct = p.plan[k]
        row[f"{cp}（%）"] = (Formula(f'=IF({ref}="","",{ref})', pct / 100 if pct is not None else ""),
                            "percent")
        row[f"{cp}（万元）"] = (link(L.PLAN_AMOUNTS[k], _amount(p, k)), "money")
    row["成本指标"] = (Formula(f'=IFERROR(INDEX({values},MATCH("*成本*",{level2},0)),"")', cost), "center")
    status = ""
    if counts is not None:
        status = "错误" if mine.get("错误") else "警告" if mine.get("警告") else "通过"
    row["校验状态"] = (Formula(f'=IF({q}{L.STATUS}="","未校验",{q}{L.STATUS}&"")', status or "未校验"),
                     "center")
    row["审核意见"] = (link(L.REVIEW_CELL, "", True), "cell")
    row["工作表"] = (Link(p.sheet or "", p.sheet or "", "A1"), "link")
    for g in LEVEL1_GROUPS:
        row[f"{g}指标数"] = (Formula(f'=COUNTIF({level1},"{g}*")', _count_level1(p, g)), "int")
    for sev, cell in zip(("错误", "警告", "提示"), L.COUNT_CELLS, strict=True):
        row[sev] = (Formula(f"=N({q}{cell})", mine.get(sev, 0)), "int")
    return row


# -- 校验结果 ----------------------------------------------------------------------------------
FINDINGS_COLUMNS = ("序号", "级别", "代码", "审核意见", "项目编码", "工作表", "单元格", "问题说明")
FINDINGS_HEADER_ROW = 4


NOT_VALIDATED = "尚未校验。点击首页「校验全部项目」，或运行 perf-xl validate 本文件 --write。"


FINDINGS_WIDTHS = {"A": 6, "B": 7, "C": 8, "D": 20, "E": 24, "F": 30, "G": 8, "H": 80}


def findings_sheet(findings: list[Mapping[str, Any]], when: _dt.datetime | None = None,
                   source: str = "", note: str | None = None) -> SheetSpec:
    """校验结果: one row per finding; the cell column links to the cell it names."""
    when = when or _dt.datetime.now()
    spec = SheetSpec(L.FINDINGS_SHEET, freeze=f"A{FINDINGS_HEADER_ROW + 1}", landscape=True)
    spec.put("A1", "校验结果", "title")
    spec.merges.append("A1:H1")
    by_sev = {s: sum(1 for f in findings if f.get("severity") == s) for s in ("error", "warning", "info")}
    status = ("未发现问题" if not findings else
              f"错误 {by_sev['error']} 条，警告 {by_sev['warning']} 条，提示 {by_sev['info']} 条")
    line = note or f"校验时间：{when:%Y-%m-%d %H:%M}　{status}" + (f"　（{source}）" if source else "")
    spec.put("A2", line, "text")
    spec.merges.append("A2:H2")
    for j, caption in enumerate(FINDINGS_COLUMNS, start=1):
        spec.put(f"{L.col_letter(j)}{FINDINGS_HEADER_ROW}", caption, "head")
    for i, f in enumerate(findings, start=1):
        r = FINDINGS_HEADER_ROW + i
        sev = f.get("severity", "")
        sheet, cell = f.get("sheet") or "", f.get("cell") or ""
        spec.put(f"A{r}", i, "int")
        spec.put(f"B{r}", _SEVERITY_TEXT.get(sev, sev), sev if sev in _SEVERITY_TEXT else "center")
        spec.put(f"C{r}", f.get("code", ""), "center")
        spec.put(f"D{r}", f.get("category", ""), "cell")
        spec.put(f"E{r}", f.get("project_code") or "", "cell")
        spec.put(f"F{r}", sheet, "cell")
        spec.put(f"G{r}", Link(cell, sheet, cell) if sheet and cell else cell, "link" if cell else "center")
        spec.put(f"H{r}", f.get("message", ""), "cell")
        # Rows sized for their wrapped text (a fixed height overlaps when printed).
        spec.heights[r] = row_height([(f.get("message", ""), FINDINGS_WIDTHS["H"]),
                                      (sheet, FINDINGS_WIDTHS["F"]),
                                      (f.get("category", ""), FINDINGS_WIDTHS["D"]),
                                      (f.get("project_code") or "", FINDINGS_WIDTHS["E"])])
    spec.widths.update(FINDINGS_WIDTHS)
    spec.print_area = f"A1:H{FINDINGS_HEADER_ROW + max(len(findings), 1)}"
    spec.repeat_row = FINDINGS_HEADER_ROW
    return spec
