"""The file for the 财政局: the summary, the project list and the findings as plain values.

    write_bureau_file(dept_or_depts, findings, "报送.xlsx", pdf=False) -> Path

An .xlsx (never macros) whose every cell is a value — no formula, no hidden sheet, no
external link, no hyperlink — so what the bureau opens is exactly what was checked. Text
that a spreadsheet would take for a formula (= + - @, a leading tab or CR) is written as
a string with the quote-prefix style, so it stays text even when a user edits the cell.
Figures are those of :func:`perf_xl.summary.summarize` (Decimal 万元, written as numbers
with two decimals; plan percentages as fractions with a % format).

Sheets: 按资金来源汇总 (合计 last; the notes and, for one unit, the signature line below),
with several departments 按单位汇总 and 按单位和资金来源汇总, then 项目清单, 校验问题 and,
when the caller lists its inputs (consolidation), 文件清单 with the files that were skipped.
Print-ready: A4 landscape, fit to one page wide, header rows repeated, footer with the
sheet name and page number.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import PerfXLError
from ..model import CHECKPOINTS, Department
from ..summary import SEVERITIES, TOTAL_LABEL, Summary, summarize, unit_label

SHEET_LINES = "按资金来源汇总"
SHEET_UNITS = "按单位汇总"
SHEET_UNIT_LINES = "按单位和资金来源汇总"
SHEET_PROJECTS = "项目清单"
SHEET_FINDINGS = "校验问题"
SHEET_FILES = "文件清单"

MONEY_UNIT = "单位：万元"
TITLE_ROW, INFO_ROW = 1, 2
HEADER_ROW = 4  # first header row of every table (a grouped header takes rows 4 and 5)

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # what Excel/WPS/LibreOffice would evaluate
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"

_SEVERITY_TEXT = {"error": "错误", "warning": "警告", "info": "提示",
                  "错误": "错误", "警告": "警告", "提示": "提示"}
FONT = "宋体"
HEADING_FONT = "黑体"


@dataclass(frozen=True)
class Column:
    key: str  # key of the row dict
    caption: str
    kind: str = "text"  # text | long | int | money | percent | status
    group: str | None = None  # caption spanning the columns of a group (two header rows)


def _metric_columns(validated: bool) -> list[Column]:
    cols = [Column("项目数", "项目数", "int"), Column("预算数", "预算数", "money"),
            Column("财政资金", "财政资金", "money"), Column("其他资金", "其他资金", "money")]
    cols += [Column(f"{cp}累计支出", cp, "money", "计划累计支出") for cp in CHECKPOINTS]
    cols += [Column("指标数", "合计", "int", "指标数（个）")]
    cols += [Column(f"{g}指标数", g, "int", "指标数（个）") for g in ("产出", "效益", "满意度", "其他")]
    if validated:
        cols += [Column(s, s, "int", "校验问题（条）") for s in SEVERITIES]
    cols += [Column("计划不完整项目数", "支出计划不完整项目数", "int")]
    return cols


def line_columns(validated: bool = True) -> list[Column]:
    return [Column("资金来源", "资金来源"), *_metric_columns(validated)]


def unit_columns(validated: bool = True) -> list[Column]:
    return [Column("单位", "单位"), *_metric_columns(validated)]


def unit_line_columns(validated: bool = True) -> list[Column]:
    return [Column("单位", "单位"), Column("资金来源", "资金来源"), *_metric_columns(validated)]


def project_columns(multi: bool) -> list[Column]:
    cols = [Column("单位", "单位")] if multi else []
    cols += [Column("序号", "序号", "int"), Column("资金来源", "资金来源"), Column("项目编码", "项目编码"),
             Column("项目名称", "项目名称", "long"), Column("预算数", "预算数", "money")]
    cols += [Column(cp, cp, "percent", "资金支出计划（累计）") for cp in CHECKPOINTS]
    cols += [Column("成本指标", "成本指标"), Column("校验状态", "校验状态", "status"),
             Column("审核意见", "审核意见", "long")]
    return cols


def finding_columns(multi: bool, with_source: bool) -> list[Column]:
    cols = [Column("单位", "单位")] if multi else []
    cols += [Column("来源文件", "来源文件")] if with_source else []
    cols += [Column("序号", "序号", "int"), Column("级别", "级别", "status"), Column("代码", "代码"),
             Column("审核意见", "审核意见"), Column("项目编码", "项目编码"),
             Column("项目名称", "项目名称", "long"), Column("工作表", "工作表"), Column("单元格", "单元格"),
             Column("行", "行", "int"), Column("问题说明", "问题说明", "long")]
    return cols


FILE_COLUMNS: tuple[Column, ...] = (
    Column("序号", "序号", "int"), Column("文件", "文件", "long"), Column("状态", "状态", "status"),
    Column("类型", "类型"), Column("单位", "单位"), Column("项目数", "项目数", "int"),
    Column("预算数", "预算数", "money"), *(Column(s, s, "int", "校验问题（条）") for s in SEVERITIES),
    Column("说明", "说明", "long"),
)
def first_data_row(cols: Sequence[Column]) -> int:
    """The 1-based row of a table's first data row (a grouped header takes two rows)."""
    return HEADER_ROW + (2 if any(c.group for c in cols) else 1)


FILE_READ = "已汇总"
FILE_SKIPPED = "已跳过"


# -- public API ------------------------------------------------------------------------------
def write_bureau_file(
    departments: Department | Iterable[Department],
    findings: Iterable[Mapping[str, Any]] | None,
    path: str | Path,
    *,
    pdf: bool = False,
    files: Sequence[Mapping[str, Any]] | None = None,
    notes: Sequence[str] = (),
    today: _dt.date | None = None,
) -> Path:
    """Write the bureau's .xlsx (atomically) and return its path; ``pdf`` also writes
    ``<path>.pdf`` through LibreOffice (a PerfXLError when LibreOffice is not installed).

    ``findings``: Finding dicts (``Finding.to_dict()``), None when not validated; with
    several departments each names its department by ``unit_index`` (position in
    ``departments``) or ``unit_code``, and may carry ``source`` (the file it came from).
    ``files``: rows of the 文件清单 sheet (keys as in FILE_COLUMNS; 状态 已汇总/已跳过).
    ``notes``: extra lines under the summary table (e.g. about skipped files)."""
    from ..workbook.atomic import atomic_target

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise PerfXLError("报送文件应保存为 .xlsx（不含宏）", path=str(target))
    depts = [departments] if isinstance(departments, Department) else list(departments)
    found = None if findings is None else [dict(f) for f in findings]
    soffice = None
    if pdf:  # refuse before writing anything
        from ..lo import require_soffice

        soffice = require_soffice()
    summary = summarize(depts, found)
    with atomic_target(target) as tmp:
        _write(tmp, depts, found, summary, files, list(notes), today or _dt.date.today())
    if pdf:
        from ..lo import convert

        convert(target, target.with_suffix(".pdf"), "pdf", soffice=soffice)
    return target


def pdf_path(path: str | Path) -> Path:
    return Path(path).with_suffix(".pdf")


# -- the workbook ----------------------------------------------------------------------------
def _write(tmp: Path, depts: list[Department], findings: list[dict] | None, summary: Summary,
           files: Sequence[Mapping[str, Any]] | None, notes: list[str], today: _dt.date) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    who, years = _who(depts), _years(depts)
    book.set_properties({"title": f"{who} {years}年预算项目绩效目标汇总", "author": "perf_xl",
                         "comments": f"perf_xl {__version__}：数值版（无公式、无宏）"})
    w = _Writer(book, who, years, today, depts)
    validated = findings is not None
    multi = summary.multi

    ws = w.sheet(SHEET_LINES, f"{who} {years}年预算项目绩效目标汇总表（按资金来源）")
    end = w.table(ws, line_columns(validated), summary.by_line, total=True)
    below = list(summary.notes) + notes
    if not validated:
        below.append("本表未经校验（校验状态为“未校验”）。")
    end = w.notes(ws, end + 2, below, len(line_columns(validated)))
    if not multi:
        w.signatures(ws, end + 2, len(line_columns(validated)))
    if multi:
        ws = w.sheet(SHEET_UNITS, f"{who} {years}年预算项目绩效目标汇总表（按单位）")
        w.table(ws, unit_columns(validated), summary.by_unit, total=True)
        ws = w.sheet(SHEET_UNIT_LINES, f"{who} {years}年预算项目绩效目标汇总表（按单位和资金来源）")
        w.table(ws, unit_line_columns(validated), summary.by_unit_line, total=True)
    ws = w.sheet(SHEET_PROJECTS, f"{who} {years}年预算项目清单")
    w.table(ws, project_columns(multi), summary.projects, filter_=True)

    ws = w.sheet(SHEET_FINDINGS, f"{who} {years}年绩效目标校验问题", money=False)
    rows = _finding_rows(findings or [], depts, multi)
    with_source = any(r.get("来源文件") for r in rows)
    cols = finding_columns(multi, with_source)
    end = w.table(ws, cols, rows, filter_=True)
    if not validated:
        w.notes(ws, end + 2, ["未校验：导出时没有运行校验。"], len(cols))
    elif not rows:
        w.notes(ws, end + 2, ["校验未发现问题。"], len(cols))

    if files is not None:
        ws = w.sheet(SHEET_FILES, "汇总文件清单（已汇总与已跳过的文件）")
        w.table(ws, list(FILE_COLUMNS), [_file_row(i, f) for i, f in enumerate(files, 1)], filter_=True)
    book.worksheets()[0].activate()
    book.close()


def _who(depts: list[Department]) -> str:
    if len(depts) == 1:
        return depts[0].unit_name.strip() or unit_label(depts[0])
    return f"{len(depts)} 个单位"


def _years(depts: list[Department]) -> str:
    years = sorted({d.year for d in depts if d.year})
    return "、".join(str(y) for y in years) + " " if years else ""


def _finding_rows(findings: list[dict], depts: list[Department], multi: bool) -> list[dict[str, Any]]:
    by_code: dict[str, int] = {}
    for i, d in enumerate(depts):
        by_code.setdefault(d.unit_code.strip(), i)
    rows = []
    for n, f in enumerate(findings, start=1):
        index = f.get("unit_index")
        if not (isinstance(index, int) and 0 <= index < len(depts)):
            index = by_code.get(str(f.get("unit_code") or "").strip())
        sev = str(f.get("severity") or "")
        rows.append({
            "单位": unit_label(depts[index], index) if index is not None else str(f.get("unit") or ""),
            "来源文件": str(f.get("source") or ""),
            "序号": n,
            "级别": _SEVERITY_TEXT.get(sev, sev),
            "代码": f.get("code") or "",
            "审核意见": f.get("category") or "",
            "项目编码": f.get("project_code") or "",
            "项目名称": f.get("project_name") or "",
            "工作表": f.get("sheet") or "",
            "单元格": f.get("cell") or "",
            "行": f.get("line"),
            "问题说明": f.get("message") or "",
        })
    return rows


def _file_row(n: int, f: Mapping[str, Any]) -> dict[str, Any]:
    return {"序号": n, **{c.key: f.get(c.key) for c in FILE_COLUMNS if c.key != "序号"}}


class _Writer:
    """Formats (cached by kind and variant) and the pieces every sheet is made of."""

    def __init__(self, book, who: str, years: str, today: _dt.date, depts: list[Department]) -> None:
        self.book = book
        self.today = today
        self.depts = depts
        self._formats: dict[tuple, Any] = {}
        self._table_width = 100.0
        if len(depts) == 1:
            d = depts[0]
            unit = " ".join(x for x in (d.unit_code.strip(), d.unit_name.strip()) if x)
            self.info = f"单位：{unit}　预算年度：{years.strip() or '—'}　编制日期：{today:%Y-%m-%d}"
        else:
            self.info = (f"汇总单位：{len(depts)} 个　预算年度：{years.strip() or '—'}　"
                         f"汇总日期：{today:%Y-%m-%d}")

    # formats ---------------------------------------------------------------------------------
    def fmt(self, kind: str, variant: str = "", quote: bool = False):
        key = (kind, variant, quote)
        if key not in self._formats:
            base: dict[str, Any] = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
            if kind in ("title", "info", "note", "unit", "sign", "run"):
                base.update({
                    "run": {},
                    "title": {"font_name": HEADING_FONT, "font_size": 14, "bold": True, "align": "center"},
                    "info": {"align": "left"},
                    "unit": {"align": "right"},
                    "note": {"font_size": 9, "font_color": "#595959", "text_wrap": True, "align": "left",
                             "valign": "top"},
                    "sign": {"align": "left"},
                }[kind])
            else:
                base.update({"border": 1, "text_wrap": True})
                base.update({
                    "head": {"bold": True, "align": "center", "bg_color": "#D9E1F2"},
                    "text": {"align": "left"},
                    "long": {"align": "left"},
                    "status": {"align": "center"},
                    "int": {"align": "center", "num_format": "0"},
                    "money": {"align": "right", "num_format": MONEY_FORMAT},
                    "percent": {"align": "center", "num_format": PERCENT_FORMAT},
                }[kind])
                if variant == "total":
                    base.update({"bold": True, "bg_color": "#F2F2F2"})
                elif variant in _STATUS_COLORS:
                    bg, fg = _STATUS_COLORS[variant]
                    base.update({"bg_color": bg, "font_color": fg})
            if quote:
                base["quote_prefix"] = True
            self._formats[key] = self.book.add_format(base)
        return self._formats[key]

    # cells -------------------------------------------------------------------------------------
    def put(self, ws, row: int, col: int, value: Any, kind: str, variant: str = "") -> None:
        """One value at 0-based (row, col): numbers as numbers, every text as a string."""
        if value is None or value == "":
            ws.write_blank(row, col, None, self.fmt(kind, variant))
        elif isinstance(value, bool):
            ws.write_string(row, col, "是" if value else "否", self.fmt(kind, variant))
        elif isinstance(value, (int, float, Decimal)) and kind in ("int", "money", "percent"):
            number = float(value)
            if kind == "percent":
                number = float(Decimal(value) / 100) if isinstance(value, Decimal) else number / 100
            ws.write_number(row, col, number, self.fmt(kind, variant))
        else:
            self.text(ws, row, col, str(value), self.fmt(kind, variant, _is_risky(str(value))))

    def text(self, ws, row: int, col: int, value: str, fmt) -> None:
        if value.startswith("<r>") and value.endswith("</r>"):
            # XlsxWriter passes such a string to the XML unescaped (as a rich string it
            # built itself); written as two runs it is escaped and reads back the same.
            ws.write_rich_string(row, col, value[0], self.fmt("run"), value[1:], fmt)
        else:
            ws.write_string(row, col, value, fmt)

    # sheet pieces ------------------------------------------------------------------------------
    def sheet(self, name: str, title: str, money: bool = True):
        ws = self.book.add_worksheet(name)
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
        ws.set_footer("&L&A&R第 &P 页，共 &N 页")
        self._title = title
        self._money = money
        return ws

    def table(self, ws, cols: list[Column], rows: list[Mapping[str, Any]], *, total: bool = False,
              filter_: bool = False) -> int:
        """Title, info line, header (one or two rows), the rows; returns the last row (0-based)."""
        last_col = len(cols) - 1
        ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, last_col, "", self.fmt("title"))
        self.text(ws, TITLE_ROW - 1, 0, self._title, self.fmt("title", quote=_is_risky(self._title)))
        ws.set_row(TITLE_ROW - 1, 30)
        info_end = max(last_col - 2, 0)
        if info_end > 0:
            ws.merge_range(INFO_ROW - 1, 0, INFO_ROW - 1, info_end, "", self.fmt("info"))
        self.text(ws, INFO_ROW - 1, 0, self.info, self.fmt("info", quote=_is_risky(self.info)))
        if self._money:
            ws.write_string(INFO_ROW - 1, last_col, MONEY_UNIT, self.fmt("unit"))

        head = HEADER_ROW - 1
        grouped = any(c.group for c in cols)
        first_data = first_data_row(cols) - 1
        j = 0
        while j < len(cols):
            c = cols[j]
            if c.group:
                k = j
                while k + 1 < len(cols) and cols[k + 1].group == c.group:
                    k += 1
                if k > j:
                    ws.merge_range(head, j, head, k, c.group, self.fmt("head"))
                else:
                    ws.write_string(head, j, c.group, self.fmt("head"))
                for m in range(j, k + 1):
                    ws.write_string(head + 1, m, cols[m].caption, self.fmt("head"))
                j = k + 1
                continue
            if grouped:
                ws.merge_range(head, j, head + 1, j, c.caption, self.fmt("head"))
            else:
                ws.write_string(head, j, c.caption, self.fmt("head"))
            j += 1
        ws.set_row(head, 24)
        widths = [_width(c, [row.get(c.key) for row in rows]) for c in cols]
        for i, row in enumerate(rows):
            r = first_data + i
            is_total = total and i == len(rows) - 1 and TOTAL_LABEL in (row.get("资金来源"), row.get("单位"))
            lines = 1
            for j, c in enumerate(cols):
                value = row.get(c.key)
                variant = "total" if is_total else (str(value) if c.kind == "status" else "")
                self.put(ws, r, j, value, c.kind, variant)
                if isinstance(value, str) and value:
                    lines = max(lines, _lines(value, widths[j]))
            if lines > 1:  # XlsxWriter cannot autofit: a wrapped text gets the height it needs
                ws.set_row(r, lines * ROW_LINE + 4)
        last = first_data + max(len(rows), 1) - 1
        if not rows:
            for j, c in enumerate(cols):
                self.put(ws, first_data, j, "（无）" if j == 0 else None, c.kind)
        ws.repeat_rows(head, first_data - 1)
        ws.freeze_panes(first_data, 0)
        if filter_ and rows:
            ws.autofilter(first_data - 1, 0, last, last_col)
        for j, width in enumerate(widths):
            ws.set_column(j, j, width)
        self._table_width = sum(widths)
        return last

    def notes(self, ws, row: int, lines: list[str], width: int) -> int:
        """Notes (注：…) from 0-based ``row`` on; returns the last row used."""
        r = row - 1
        for line in lines:
            r += 1
            text = "注：" + line
            ws.merge_range(r, 0, r, max(width - 1, 1), "", self.fmt("note"))
            self.text(ws, r, 0, text, self.fmt("note"))
            per_line = max(int(self._table_width) - 2, 40)
            ws.set_row(r, 14 * max(1, -(-_display_width(text) // per_line)))
        return max(r, row - 1)

    def signatures(self, ws, row: int, width: int) -> None:
        step = max(width // 4, 1)
        for k, caption in enumerate(("单位负责人：", "财务负责人：", "填表人：",
                                     f"填报日期：{self.today:%Y年%m月%d日}")):
            ws.write_string(row, k * step, caption, self.fmt("sign"))


_STATUS_COLORS = {
    "错误": ("#FFC7CE", "#9C0006"), "警告": ("#FFEB9C", "#9C5700"), "提示": ("#DDEBF7", "#1F4E79"),
    "通过": ("#C6EFCE", "#006100"), FILE_SKIPPED: ("#FFC7CE", "#9C0006"),
}


def _is_risky(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


ROW_LINE = 13.0  # points per line of 10 pt text


def _lines(text: str, width: float) -> int:
    per_line = max(width - 1.5, 1.0)
    return sum(max(1, -(-_display_width(part) // int(per_line))) for part in text.split("\n"))


def _width(col: Column, values: list[Any]) -> float:
    def shown(v: Any) -> int:
        if v is None:
            return 0
        if isinstance(v, Decimal) and col.kind == "money":
            return len(f"{v:,.2f}")
        if col.kind == "percent":
            return 7
        return max((_display_width(part) for part in str(v).split("\n")), default=0)

    head = max(_display_width(col.caption), _display_width(col.group or "") // 2 if col.group else 0)
    content = max((shown(v) for v in values[:2000]), default=0)
    cap = 48 if col.kind == "long" else 30
    return float(min(max(head, content, 4) + 2, cap))
