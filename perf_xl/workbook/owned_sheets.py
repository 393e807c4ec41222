"""The sheets the tool owns entirely — 汇总 and 校验结果 — as SheetSpecs.

The same spec is rendered by the builder (XlsxWriter), the file adapter (written part by part, editor.py) and the
live adapter (xlwings), so the summary looks the same however it was made.

汇总 holds live formulas: the project list links every cell to its project sheet, and the
table by funding line sums the list with SUMIFS — totals follow every edit in Excel, WPS and
LibreOffice without Python. The cached values stored with them are the figures of
perf_xl.summary.summarize (handed in by the caller), and the formulas follow the same
definitions (perf_xl/conventions.py, written natively in formulas.py).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..conventions import LEVEL1_GROUPS, funding_line_label, funding_line_order
from ..model import CHECKPOINTS, FUNDING_LINES, Department, Project
from ..vocabulary import NOT_VALIDATED as STATUS_NOT_VALIDATED
from ..vocabulary import SEVERITIES, SEVERITY_KEYS, SEVERITY_LABELS, TOTAL_LABEL, severity_label
from . import formulas as F
from . import layout as L
from .patch import Chart, Formula, Link, SheetSpec
from .sizing import row_height


class SummaryFigures(Protocol):
    """What the 汇总 sheet shows: a perf_xl.summary.Summary of one department (the workbook
    package sits below the summary and takes it as it is given)."""

    by_line: list[dict[str, Any]]
    projects: list[dict[str, Any]]


# Project-list columns: the printed ones first, helper columns (used by the SUMIFS) after.
LIST_PRINTED = ("序号", "资金来源", "项目编码", "项目名称", "预算数", "财政资金", "其他资金",
                *(f"{cp}（%）" for cp in CHECKPOINTS), "成本指标", "校验状态", "审核意见", "工作表")
LIST_HELPERS = (*(f"{cp}（万元）" for cp in CHECKPOINTS), *(f"{g}指标数" for g in LEVEL1_GROUPS),
                *SEVERITIES)
LIST_COLUMNS = LIST_PRINTED + LIST_HELPERS
# The table by funding line: caption -> (the Summary's key, the list column it sums).
LINE_SUMS: dict[str, tuple[str, str]] = {
    "预算数": ("预算数", "预算数"), "财政资金": ("财政资金", "财政资金"), "其他资金": ("其他资金", "其他资金"),
    **{f"{cp}计划支出": (f"{cp}累计支出", f"{cp}（万元）") for cp in CHECKPOINTS},
    **{f"{g}指标数": (f"{g}指标数", f"{g}指标数") for g in LEVEL1_GROUPS},
    **{s: (s, s) for s in SEVERITIES},
}
LINE_COLUMNS = ("资金来源", "项目数", *LINE_SUMS)
# The Summary's key of every line-table column (资金来源 and 项目数 are their own).
LINE_KEYS = {"资金来源": "资金来源", "项目数": "项目数", **{c: k for c, (k, _) in LINE_SUMS.items()}}
_MONEY_LINE_COLUMNS = frozenset(("预算数", "财政资金", "其他资金", *(f"{cp}计划支出" for cp in CHECKPOINTS)))
LINE_HEADER_ROW = L.SUMMARY_LINE_HEADER_ROW


@dataclass(frozen=True)
class SummaryRows:
    """Where the parts of a 汇总 sheet with ``lines`` funding lines and ``projects`` projects go."""

    lines: int
    projects: int

    @property
    def head(self) -> int:
        return L.SUMMARY_LINE_HEADER_ROW

    @property
    def total(self) -> int:
        return self.head + 1 + self.lines

    @property
    def chart(self) -> int:
        return self.total + 2

    @property
    def list_title(self) -> int:
        return self.chart + L.SUMMARY_CHART_ROWS

    @property
    def list_header(self) -> int:
        return self.list_title + 1

    @property
    def first(self) -> int:
        return self.list_header + 1

    @property
    def last(self) -> int:
        return self.list_header + max(self.projects, 1)

    @property
    def sign(self) -> int:
        return self.last + 2


class _NoFigures(dict):
    """The figures of a sheet written without a summary: every cached value left out."""

    def __missing__(self, key: str) -> None:
        return None


def summary_lines(dept: Department, summary: SummaryFigures | None) -> list[dict[str, Any]]:
    """The rows of the table by funding line, 合计 last; one empty standard line when the
    department has no project (the chart needs a row)."""
    if summary is None:
        order = funding_line_order(funding_line_label(p) for p in dept.projects)
        *lines, total = [_NoFigures({"资金来源": x}) for x in (*order, TOTAL_LABEL)]
    else:
        *lines, total = summary.by_line
    return [*(lines or [{**total, "资金来源": FUNDING_LINES[0]}]), total]


def summary_sheet(dept: Department, summary: SummaryFigures | None = None,
                  today: _dt.date | None = None) -> SheetSpec:
    """汇总: header, totals by funding line, two charts, the project list, signatures —
    every cached value a figure of ``summary`` (none without one: a spreadsheet computes
    them on opening), every formula by the same definitions."""
    today = today or _dt.date.today()
    spec = SheetSpec(L.SUMMARY_SHEET, freeze=None, landscape=True)
    lines = summary_lines(dept, summary)
    rows = SummaryRows(len(lines) - 1, len(dept.projects))
    _summary_header(spec, dept, today)
    rng = _project_list(spec, dept, summary, rows)
    _line_table(spec, lines, rows, rng)
    _summary_charts(spec, lines, rows)
    _signatures(spec, rows, today)
    _summary_widths(spec)
    spec.print_area = f"A1:{_last_printed()}{rows.sign + 1}"
    spec.repeat_row = rows.list_header
    return spec


def _col(caption: str) -> str:
    return L.col_letter(LIST_COLUMNS.index(caption) + 1)


def _lcol(caption: str) -> str:
    return L.col_letter(LINE_COLUMNS.index(caption) + 1)


def _last_printed() -> str:
    return L.col_letter(len(LIST_PRINTED))


def _summary_header(spec: SheetSpec, dept: Department, today: _dt.date) -> None:
    year = dept.year or ""
    last = _last_printed()
    spec.put(L.SUMMARY_TITLE, f"{dept.unit_name} {year} 年预算项目绩效目标汇总表", "title")
    spec.merges.append(f"{L.SUMMARY_TITLE}:{last}1")
    spec.heights[1] = 30
    spec.put(L.SUMMARY_UNIT[0], f"单位：{dept.unit_code} {dept.unit_name}".strip(), "text")
    spec.merges.append(":".join(L.SUMMARY_UNIT))
    spec.put(L.SUMMARY_YEAR, f"预算年度：{year}", "text")
    spec.put(L.SUMMARY_DATE[0], f"编制日期：{today:%Y-%m-%d}", "text")
    spec.merges.append(":".join(L.SUMMARY_DATE))
    spec.put(f"{last}{L.split_a1(L.SUMMARY_YEAR)[0]}", "单位：万元", "text")


def _project_list(spec: SheetSpec, dept: Department, summary: SummaryFigures | None,
                  rows: SummaryRows) -> dict[str, str]:
    """The project list (live links to the project sheets); returns each column's range."""
    spec.put(f"A{rows.list_title}", "二、项目清单（各列链接到项目表，随项目表自动更新）", "section")
    for caption in LIST_COLUMNS:
        spec.put(f"{_col(caption)}{rows.list_header}", caption, "head" if caption in LIST_PRINTED else "total")
    projects = summary.projects if summary is not None else [_NoFigures() for _ in dept.projects]
    for i, (p, figures) in enumerate(zip(dept.projects, projects, strict=True)):
        r = rows.first + i
        for caption, (value, style) in _list_row(p, figures).items():
            spec.put(f"{_col(caption)}{r}", value, style)
        spec.heights[r] = row_height([(p.name, L.SUMMARY_NAME_WIDTH),
                                      (p.funding_line, L.SUMMARY_FUNDING_WIDTH)])
    return {c: f"${_col(c)}${rows.first}:${_col(c)}${rows.last}" for c in LIST_COLUMNS}


def _line_table(spec: SheetSpec, lines: list[dict[str, Any]], rows: SummaryRows,
                rng: dict[str, str]) -> None:
    """By funding line: COUNTIF/SUMIFS over the list, a SUM for 合计."""
    head, total_row = rows.head, rows.total
    spec.put(f"A{head - 1}", "一、按资金来源汇总", "section")
    for caption in LINE_COLUMNS:
        spec.put(f"{_lcol(caption)}{head}", caption, "head")
    spec.heights[head] = 30
    for i, line in enumerate(lines[:-1]):
        r = head + 1 + i
        spec.put(f"A{r}", line["资金来源"], "cell")
        spec.put(f"B{r}", Formula(f"=COUNTIF({rng['资金来源']},$A{r})", line["项目数"]), "int")
        for caption, (key, source) in LINE_SUMS.items():
            style = "money" if caption in _MONEY_LINE_COLUMNS else "int"
            spec.put(f"{_lcol(caption)}{r}",
                     Formula(f"=SUMIFS({rng[source]},{rng['资金来源']},$A{r})", line[key]), style)
    total = lines[-1]
    spec.put(f"A{total_row}", total["资金来源"], "total")
    for caption in LINE_COLUMNS[1:]:
        letter = _lcol(caption)
        style = "total_money" if caption in _MONEY_LINE_COLUMNS else "total_int"
        spec.put(f"{letter}{total_row}",
                 Formula(f"=SUM({letter}{head + 1}:{letter}{total_row - 1})", total[LINE_KEYS[caption]]),
                 style)


def _summary_charts(spec: SheetSpec, lines: list[dict[str, Any]], rows: SummaryRows) -> None:
    """预算数 by funding line, and the planned cumulative spend curve of each line."""
    head, total_row, chart_row = rows.head, rows.total, rows.chart
    cats = f"A{head + 1}:A{total_row - 1}"
    budget = _lcol("预算数")
    spec.charts.append(Chart(
        "bar", "各资金来源预算数（万元）", f"A{chart_row}", cats,
        (("预算数", f"{budget}{head + 1}:{budget}{total_row - 1}"),),
        y_title="万元", size=L.SUMMARY_BAR_CHART))
    first_cp, last_cp = _lcol(f"{CHECKPOINTS[0]}计划支出"), _lcol(f"{CHECKPOINTS[-1]}计划支出")
    spec.charts.append(Chart(
        "line", "计划累计支出（万元）", f"{L.SUMMARY_LINE_CHART_COL}{chart_row}",
        f"{first_cp}{head}:{last_cp}{head}",
        tuple((line["资金来源"], f"{first_cp}{head + 1 + i}:{last_cp}{head + 1 + i}")
              for i, line in enumerate(lines[:-1])),
        y_title="万元", size=L.SUMMARY_LINE_CHART))


def _signatures(spec: SheetSpec, rows: SummaryRows, today: _dt.date) -> None:
    sign = rows.sign
    captions = ("单位负责人：", "财务负责人：", "填表人：", f"填报日期：{today:%Y年%m月%d日}")
    for col, caption in zip(L.SUMMARY_SIGNATURE_COLS, captions, strict=True):
        spec.put(f"{col}{sign}", caption, "text")
    spec.put(f"A{sign + 1}", "注：各金额单位为万元；计划支出 = 预算数 × 累计支出进度；"
             "右侧灰色表头的辅助列供汇总公式使用，不打印。", "small")
    spec.merges.append(f"A{sign + 1}:{_last_printed()}{sign + 1}")


def _summary_widths(spec: SheetSpec) -> None:
    for j in range(1, len(LIST_COLUMNS) + 1):
        letter = L.col_letter(j)
        default = L.SUMMARY_PRINTED_WIDTH if j <= len(LIST_PRINTED) else L.SUMMARY_HELPER_WIDTH
        spec.widths[letter] = L.SUMMARY_WIDTHS.get(letter, default)
    spec.widths[_col("审核意见")] = 24
    spec.widths[_col("工作表")] = 22


def _list_row(p: Project, figures: Mapping[str, Any]) -> dict[str, tuple[Any, str]]:
    """One project's row of the list: a formula over its sheet, cached with its figure."""
    sheet = p.sheet or ""
    q = L.quote_sheet(sheet)

    def link(ref: str, cached: Any, text: bool = False) -> Formula:
        return Formula(f'={q}{ref}&""' if text else f"={q}{ref}", cached)

    given = not isinstance(figures, _NoFigures)

    def number(ref: str, cached: Any) -> Formula:  # text or blank counts 0, as in the summary
        return Formula(f"=N({q}{ref})", cached if cached is not None or not given else 0)

    row: dict[str, tuple[Any, str]] = {
        "序号": (link(L.SEQ.cell, p.seq if given else None), "int"),
        "资金来源": (Formula(F.funding_line(sheet), figures["资金来源"]), "cell"),
        "项目编码": (link(L.CODE.cell, figures["项目编码"], True), "cell"),
        "项目名称": (link(L.NAME.cell, figures["项目名称"], True), "cell"),
        "预算数": (number(L.BUDGET.cell, figures["预算数"]), "money"),
        "财政资金": (number(L.FISCAL.cell, figures["财政资金"]), "money"),
        "其他资金": (number(L.OTHER.cell, figures["其他资金"]), "money"),
    }
    for k, cp in enumerate(CHECKPOINTS):
        ref = f"{q}{L.PLAN[k].cell}"
        pct = figures[cp]
        row[f"{cp}（%）"] = (Formula(f'=IF({ref}="","",{ref})', pct / 100 if pct is not None else ""),
                            "percent")
        row[f"{cp}（万元）"] = (number(L.PLAN_AMOUNTS[k], figures[f"{cp}累计支出"]), "money")
    row["成本指标"] = (Formula(F.cost_value(sheet), figures["成本指标"]), "center")
    row["校验状态"] = (Formula(f'=IF({q}{L.STATUS}="","{STATUS_NOT_VALIDATED}",{q}{L.STATUS}&"")',
                               figures["校验状态"]), "center")
    row["审核意见"] = (link(L.REVIEW_CELL, figures["审核意见"], True), "cell")
    row["工作表"] = (Link(sheet, sheet, "A1"), "link")
    for g in LEVEL1_GROUPS:
        row[f"{g}指标数"] = (Formula(F.group_count(sheet, g), figures[f"{g}指标数"]), "int")
    for key, cell in zip(SEVERITY_KEYS, L.COUNT_CELLS, strict=True):
        label = SEVERITY_LABELS[key]
        row[label] = (number(cell, figures[label]), "int")
    return row


# -- 校验结果 ----------------------------------------------------------------------------------
FINDINGS_COLUMNS = L.FINDINGS_COLUMNS
FINDINGS_HEADER_ROW = L.FINDINGS_HEADER_ROW


NOT_VALIDATED = "尚未校验。点击首页「校验全部项目」，或运行 perf-xl validate 本文件 --write。"


FINDINGS_WIDTHS = L.FINDINGS_WIDTHS


def findings_sheet(findings: list[Mapping[str, Any]], when: _dt.datetime | None = None,
                   source: str = "", note: str | None = None) -> SheetSpec:
    """校验结果: one row per finding; the cell column links to the cell it names."""
    when = when or _dt.datetime.now()
    spec = SheetSpec(L.FINDINGS_SHEET, freeze=f"A{FINDINGS_HEADER_ROW + 1}", landscape=True)
    spec.put("A1", "校验结果", "title")
    last = L.col_letter(len(FINDINGS_COLUMNS))
    spec.merges.append(f"A1:{last}1")
    by_sev = {s: sum(1 for f in findings if severity_label(f.get("severity")) == s) for s in SEVERITIES}
    status = ("未发现问题" if not findings else
              "，".join(f"{s} {n} 条" for s, n in by_sev.items()))
    line = note or f"校验时间：{when:%Y-%m-%d %H:%M}　{status}" + (f"　（{source}）" if source else "")
    spec.put("A2", line, "text")
    spec.merges.append(f"A2:{last}2")
    for j, caption in enumerate(FINDINGS_COLUMNS, start=1):
        spec.put(f"{L.col_letter(j)}{FINDINGS_HEADER_ROW}", caption, "head")
    for i, f in enumerate(findings, start=1):
        r = FINDINGS_HEADER_ROW + i
        sev = f.get("severity", "")
        sheet, cell = f.get("sheet") or "", f.get("cell") or ""
        spec.put(f"A{r}", i, "int")
        spec.put(f"B{r}", SEVERITY_LABELS.get(sev, sev), sev if sev in SEVERITY_LABELS else "center")
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
    spec.print_area = f"A1:{last}{FINDINGS_HEADER_ROW + max(len(findings), 1)}"
    spec.repeat_row = FINDINGS_HEADER_ROW
    return spec
