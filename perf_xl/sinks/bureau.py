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
when the caller lists its inputs (consolidation), 文件清单 with the files that were skipped,
and, when the workbooks carry monitoring or self-evaluation (perf_xl.lifecycle.summary),
监控与自评（按资金来源） and with several departments 监控与自评（按单位）: projects by light,
the average self-evaluation score and the grades.
Print-ready: A4 landscape, fit to one page wide, header rows repeated, footer with the
sheet name and page number.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import PerfXLError
from ..model import CHECKPOINTS, Department
from ..summary import TOTAL_LABEL, Summary, summarize, unit_label
from ..vocabulary import ERROR, SEVERITIES, STATUS_COLORS, severity_label
from ..workbook.sizing import display_width
from ..workbook.styles import STYLES, TOTAL_VARIANT, severity_style, xlsx_page_setup

# The same texts (project names, messages) come back on many rows: each measured once.
_display_width = lru_cache(maxsize=1 << 16)(display_width)
_SHORT_TEXT = 32767 // 2  # XlsxWriter measures (and truncates) only longer strings

SHEET_LINES = "按资金来源汇总"
SHEET_UNITS = "按单位汇总"
SHEET_UNIT_LINES = "按单位和资金来源汇总"
SHEET_PROJECTS = "项目清单"
SHEET_FINDINGS = "校验问题"
SHEET_FILES = "文件清单"
SHEET_TRACK_LINES = "监控与自评（按资金来源）"
SHEET_TRACK_UNITS = "监控与自评（按单位）"

MONEY_UNIT = "单位：万元"
TITLE_ROW, INFO_ROW = 1, 2
HEADER_ROW = 4  # first header row of every table (a grouped header takes rows 4 and 5)

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # what Excel/WPS/LibreOffice would evaluate


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
def track_columns(first: str) -> list[Column]:
    """The monitoring / self-evaluation counts of a unit or funding line (``first``: 单位 or
    资金来源); keys as in :func:`track_row`."""
    from ..lifecycle.grades import GRADES
    from ..lifecycle.lights import LIGHT_LABELS, LIGHTS

    cols = [Column(first, first), Column("监控月份", "监控月份"), Column("监控项目数", "监控项目数", "int")]
    cols += [Column(f"预算灯/{k}", LIGHT_LABELS[k], "int", "预算灯（对序时进度，个）")
             for k in LIGHTS if k != "blue"]  # (a budget light is never blue)
    cols += [Column(f"项目灯/{k}", LIGHT_LABELS[k], "int", "项目灯（最差的指标灯，个）") for k in LIGHTS]
    cols += [Column("自评项目数", "自评项目数", "int"), Column("平均自评得分", "平均自评得分", "money")]
    cols += [Column(f"等级/{g}", g, "int", "自评等级（个）") for g in GRADES]
    return cols


def track_row(first: str, label: str, acc: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the counts from perf_xl.lifecycle.summary (a unit, a line or the total)."""
    row: dict[str, Any] = {first: label, "监控月份": "、".join(f"{m}月" for m in acc.get("months") or ()),
                           "监控项目数": acc["monitored"], "自评项目数": acc["evaluated"],
                           "平均自评得分": acc["average_score"]}
    row.update({f"预算灯/{k}": n for k, n in acc["budget_lights"].items()})
    row.update({f"项目灯/{k}": n for k, n in acc["lights"].items()})
    row.update({f"等级/{g}": n for g, n in acc["grades"].items()})
    return row


TRACK_NOTES = (
    "只计填写了监控月份与执行数（运行监控）、全年执行数并打出总分（绩效自评）的项目；各单位按其工作簿上的监控月份计。",
    "预算灯：执行率对序时进度（N/12）的亮灯值，低于 60 红灯、60–80 黄灯、80 以上绿灯；项目灯取该项目最差的指标灯"
    "（蓝灯：完成值达年度指标值的 120% 以上，应核实目标是否偏低）。",
    "自评得分：预算执行 10 分 + 指标 90 分（产出 50 / 效益 30 / 满意度 10）；平均自评得分为各项目总分的平均。"
    "等级：优 ≥ 90，良 80–90，中 60–80，差 < 60。",
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
    from ..atomic import atomic_target

    target = check_target(path)
    depts = [departments] if isinstance(departments, Department) else list(departments)
    found = None if findings is None else [dict(f) for f in findings]
    soffice = None
    if pdf:  # refuse before writing anything
        from ..lo import require_soffice

        soffice = require_soffice()
    summary = summarize(depts, found)
    rows = _finding_rows(found or [], depts, 1)
    with atomic_target(target) as tmp:
        book = BureauBook(tmp, multi=summary.multi, validated=found is not None, with_files=files is not None,
                          with_source=any(r["来源文件"] for r in rows), today=today)
        book.add_projects(summary.projects)
        book.add_findings(rows)
        book.finish(depts, summary, files=files, notes=notes)
    if pdf:
        from ..lo import convert

        convert(target, pdf_path(target), "pdf", soffice=soffice)
    return target


def check_target(path: str | Path) -> Path:
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise PerfXLError("报送文件应保存为 .xlsx（不含宏）", path=str(target))
    return target


def pdf_path(path: str | Path) -> Path:
    return Path(path).with_suffix(".pdf")


# -- the workbook ----------------------------------------------------------------------------
class BureauBook:
    """The bureau workbook being written. The long tables (项目清单, 校验问题) take their
    rows as they come — a consolidation adds each department while the next files are still
    being read — and :meth:`finish` writes the summary tables, titles, headers and widths.
    XlsxWriter keeps cells in memory until close, so the order of writing is free."""

    def __init__(self, path: str | Path, *, multi: bool, validated: bool = True, with_files: bool = False,
                 with_source: bool = False, today: _dt.date | None = None) -> None:
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                                    "strings_to_urls": False})
        self.multi, self.validated, self.today = multi, validated, today or _dt.date.today()
        self.formats = _Formats(self.book)
        names = [SHEET_LINES, *((SHEET_UNITS, SHEET_UNIT_LINES) if multi else ()), SHEET_PROJECTS,
                 SHEET_FINDINGS, *((SHEET_FILES,) if with_files else ())]
        self.sheets = {name: _sheet_setup(self.book.add_worksheet(name)) for name in names}
        self.projects = _Table(self.sheets[SHEET_PROJECTS], project_columns(multi), self.formats)
        self.findings = _Table(self.sheets[SHEET_FINDINGS], finding_columns(multi, with_source), self.formats)
        self._units = 0

    def add_projects(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.projects.add(rows)

    def add_findings(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.findings.add(rows)

    def add_department(self, dept: Department, findings: list[dict[str, Any]], source: str = "", *,
                       summary: Summary | None = None) -> None:
        """The next department of a consolidation (in order): its projects and findings.
        ``summary``: summarize(dept, findings), when the caller has it already."""
        index = self._units
        self._units += 1
        unit = unit_label(dept, index)
        start = self.projects.count + 1
        for n, row in enumerate((summary or summarize(dept, findings)).projects):
            self.projects.add_row({**row, "单位": unit, "序号": start + n})
        mine = [{**f, "unit_index": 0, "source": source or f.get("source")} for f in findings]
        self.findings.add(_finding_rows(mine, [dept], self.findings.count + 1, units=[unit]))

    def finish(self, depts: list[Department], summary: Summary, *, files: Sequence[Mapping[str, Any]] | None = None,
               notes: Sequence[str] = ()) -> None:
        """The summary tables, every title and header; closes the workbook."""
        who, years = _who(depts), _years(depts)
        self.book.set_properties({"title": f"{who}{years}预算项目绩效目标汇总", "author": "perf_xl",
                                  "comments": f"perf_xl {__version__}：数值版（无公式、无宏）"})
        info = self._info(depts, years)
        validated = self.validated
        cols = line_columns(validated)
        lines = _Table(self.sheets[SHEET_LINES], cols, self.formats)
        lines.add(summary.by_line, total=True)
        end = lines.finish(f"{who}{years}预算项目绩效目标汇总表（按资金来源）", info)
        below = [*summary.notes, *notes]
        if not validated:
            below.append("本表未经校验（校验状态为“未校验”）。")
        end = lines.notes(end + 2, below)
        if not self.multi:
            lines.signatures(end + 2, self.today)
        if self.multi:
            t = _Table(self.sheets[SHEET_UNITS], unit_columns(validated), self.formats)
            t.add(summary.by_unit, total=True)
            t.finish(f"{who}{years}预算项目绩效目标汇总表（按单位）", info)
            t = _Table(self.sheets[SHEET_UNIT_LINES], unit_line_columns(validated), self.formats)
            t.add(summary.by_unit_line, total=True)
            t.finish(f"{who}{years}预算项目绩效目标汇总表（按单位和资金来源）", info)
        self.projects.finish(f"{who}{years}预算项目清单", info, filter_=True)
        end = self.findings.finish(f"{who}{years}绩效目标校验问题", info, filter_=True, money=False)
        if not validated:
            self.findings.notes(end + 2, ["未校验：导出时没有运行校验。"])
        elif not self.findings.count:
            self.findings.notes(end + 2, ["校验未发现问题。"])
        if SHEET_FILES in self.sheets:
            t = _Table(self.sheets[SHEET_FILES], list(FILE_COLUMNS), self.formats)
            t.add(_file_row(i, f) for i, f in enumerate(files or [], 1))
            t.finish("汇总文件清单（已汇总与已跳过的文件）", info, filter_=True)
        self._track(depts, who, years, info)
        self.book.worksheets()[0].activate()
        self.book.close()

    def _track(self, depts: list[Department], who: str, years: str, info: str) -> None:
        """监控与自评 sheets, when the workbooks carry monitoring or self-evaluation."""
        from ..lifecycle.summary import lifecycle_summary

        data = lifecycle_summary(depts, [unit_label(d, i) for i, d in enumerate(depts)])
        if data is None:
            return
        tables = [(SHEET_TRACK_LINES, "资金来源", data["by_line"])]
        if self.multi:
            tables.append((SHEET_TRACK_UNITS, "单位", data["by_unit"]))
        for name, first, rows in tables:
            t = _Table(_sheet_setup(self.book.add_worksheet(name)), track_columns(first), self.formats)
            t.add([*(track_row(first, r[first], r) for r in rows), track_row(first, TOTAL_LABEL, data["total"])],
                  total=True)
            end = t.finish(f"{who}{years}运行监控与绩效自评汇总表（按{first}）", info, money=False)
            t.notes(end + 2, TRACK_NOTES)

    def discard(self) -> None:
        """Close without finishing (the caller throws the file away)."""
        if not getattr(self.book, "fileclosed", False):
            with contextlib.suppress(Exception):
                self.book.close()

    def _info(self, depts: list[Department], years: str) -> str:
        year = years.strip().removesuffix(" 年") or "—"
        if len(depts) == 1:
            d = depts[0]
            unit = " ".join(x for x in (d.unit_code.strip(), d.unit_name.strip()) if x)
            return f"单位：{unit}　预算年度：{year}　编制日期：{self.today:%Y-%m-%d}"
        return f"汇总单位：{len(depts)} 个　预算年度：{year}　汇总日期：{self.today:%Y-%m-%d}"


def _who(depts: list[Department]) -> str:
    if len(depts) == 1:
        return depts[0].unit_name.strip() or unit_label(depts[0])
    return f"{len(depts)} 个单位"


def _years(depts: list[Department]) -> str:
    """ " 2024 年" (or " 2023、2024 年"), placed after the unit; "" when no year is known."""
    years = sorted({d.year for d in depts if d.year})
    return " " + "、".join(str(y) for y in years) + " 年" if years else ""


def _finding_rows(findings: list[dict], depts: list[Department], start: int,
                  units: list[str] | None = None) -> list[dict[str, Any]]:
    by_code: dict[str, int] = {}
    for i, d in enumerate(depts):
        by_code.setdefault(d.unit_code.strip(), i)
    labels = units or [unit_label(d, i) for i, d in enumerate(depts)]
    rows = []
    for n, f in enumerate(findings, start=start):
        index = f.get("unit_index")
        if not (isinstance(index, int) and 0 <= index < len(depts)):
            index = by_code.get(str(f.get("unit_code") or "").strip())
        sev = str(f.get("severity") or "")
        rows.append({
            "单位": labels[index] if index is not None else str(f.get("unit") or ""),
            "来源文件": str(f.get("source") or ""),
            "序号": n,
            "级别": severity_label(sev) or sev,
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


def _sheet_setup(ws):
    xlsx_page_setup(ws, landscape=True)
    return ws


# status word -> (fill, font) of the 校验状态 / 级别 / 状态 cells showing it
_STATUS_STYLES = {**{word: {"bg_color": "#" + fill, "font_color": "#" + font}
                     for word, (fill, font) in STATUS_COLORS.items()},
                  FILE_SKIPPED: severity_style(ERROR)}
# column kind -> STYLES key
_KIND_STYLES = {"head": "head", "text": "cell", "long": "cell", "status": "center", "int": "int",
                "money": "money", "percent": "percent", "run": "run", "title": "title",
                "info": "line_left", "unit": "line_right", "note": "note", "sign": "line_left"}
NUMERIC_KINDS = ("int", "money", "percent")


class _Formats:
    """XlsxWriter formats by (kind, variant, quote prefix), made once."""

    def __init__(self, book) -> None:
        self.book = book
        self._cache: dict[tuple[str, str, bool], Any] = {}

    def __call__(self, kind: str, variant: str = "", quote: bool = False):
        key = (kind, variant, quote)
        fmt = self._cache.get(key)
        if fmt is None:
            props: dict[str, Any] = dict(STYLES[_KIND_STYLES[kind]])
            if variant == "total":
                props.update(TOTAL_VARIANT)
            elif variant in _STATUS_STYLES:
                props.update(_STATUS_STYLES[variant])
            if quote:
                props["quote_prefix"] = True
            fmt = self._cache[key] = self.book.add_format(props)
        return fmt


def write_text(ws, row: int, col: int, value: str, fmt, formats: _Formats) -> None:
    """A string cell, whatever the text: never a formula, never raw XML."""
    if value.startswith("<r>") and value.endswith("</r>"):
        # XlsxWriter passes such a string to the XML unescaped (taking it for a rich string
        # it built itself); written as two runs it is escaped and reads back the same.
        ws.write_rich_string(row, col, value[0], formats("run"), value[1:], fmt)
    else:
        ws.write_string(row, col, value, fmt)



def _cell_number(kind: str, value: Any) -> tuple[float, int]:
    """A numeric cell's number (a percentage as a fraction) and its display width."""
    if kind == "percent":
        return (float(value / 100) if isinstance(value, Decimal) else value / 100), 7
    number = float(value)
    return number, len(f"{number:,.2f}") if kind == "money" else len(str(int(number)))


@lru_cache(maxsize=1 << 16)  # a bureau file repeats its texts (units, captions, messages) by the thousand
def _text_size(text: str, cap: float) -> tuple[int, int]:
    """A text's display width and the lines it takes in a column at most ``cap`` wide (a
    wrapped or too wide text: its widest line). Heights come from the cap width: a column
    narrower than its cap is as wide as its widest text, so every text fits one line."""
    if "\n" in text or len(text) * 2 > cap - 2:
        return max(_display_width(part) for part in text.split("\n")), _lines(text, cap)
    return _display_width(text), 1


def _cell_text(value: Any) -> str:
    return ("是" if value else "否") if isinstance(value, bool) else str(value)

class _Table:
    """One table on its sheet: title and info rows, a one- or two-row header, data rows."""

    def __init__(self, ws, cols: list[Column], formats: _Formats) -> None:
        self.ws, self.cols, self.formats = ws, cols, formats
        self.first = first_data_row(cols) - 1  # 0-based
        self.count = 0
        self.caps = [48.0 if c.kind == "long" else 30.0 for c in cols]
        self.content = [0] * len(cols)  # widest value seen per column (display columns)
        self.table_width = 100.0
        self._spec = [(c.key, c.kind, cap, c.kind in NUMERIC_KINDS) for c, cap in zip(cols, self.caps, strict=True)]
        self._plain = [formats(c.kind) for c in cols]
        self._letters = [xl_col_to_name(j) for j in range(len(cols))]
        # add_row's view of each column: (index, key, kind, cap, numeric, status, plain format,
        # letter), so that the hot loop unpacks one tuple per cell and calls nothing to style it
        self._cells = [(j, key, kind, cap, numeric, kind == "status", self._plain[j], self._letters[j])
                       for j, (key, kind, cap, numeric) in enumerate(self._spec)]
        self._rows = _DataRows.of(ws)
        self._sst = ws.str_table._get_shared_string_index

    def add(self, rows: Iterable[Mapping[str, Any]], total: bool = False) -> None:
        rows = list(rows)
        for i, row in enumerate(rows):
            is_total = total and i == len(rows) - 1 and TOTAL_LABEL in (row.get("资金来源"), row.get("单位"))
            self.add_row(row, "total" if is_total else "")

    def add_row(self, row: Mapping[str, Any], variant: str = "") -> None:
        # The hot loop of a consolidation (~190,000 cells for 100 departments): formats and
        # column facts are looked up once per column, widths measured only when they may grow,
        # and the cells go to _DataRows as XML, not through XlsxWriter's per-cell objects.
        # A cell's format is chosen as _format chooses it, inlined.
        formats, r = self.formats, self.first + self.count
        self.count += 1
        lines = 1
        content = self.content
        cells: list[Any] = []  # each cell's <c> element, its style index a NUL (see _DataRows)
        fmts: list[Any] = []
        texts = False
        get = row.get
        row_no = str(r + 1)
        for j, key, kind, cap, numeric, status, plain, letter in self._cells:
            value = get(key)
            if variant:
                fmt_variant = variant
                fmt = formats(kind, variant)
            elif status and value is not None and str(value):
                fmt_variant = str(value)
                fmt = formats(kind, fmt_variant)
            else:
                fmt_variant = ""
                fmt = plain
            if value is None or value == "":
                cells.append(f'<c r="{letter}{row_no}" s="\0"/>')
                fmts.append(fmt)
                continue
            if numeric and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                number, width = _cell_number(kind, value)
                if not math.isfinite(number):
                    return self._add_row_api(r, row, variant)  # XlsxWriter's own refusal
                cells.append(f'<c r="{letter}{row_no}" s="\0"><v>{number:.16G}</v></c>')
                fmts.append(fmt)
            else:
                text = value if value.__class__ is str else _cell_text(value)
                if text.startswith(FORMULA_TRIGGERS):
                    fmt = formats(kind, fmt_variant, True)
                n = len(text)
                if n > _SHORT_TEXT or (text.startswith("<r>") and text.endswith("</r>")):
                    return self._add_row_api(r, row, variant)  # (rare: as XlsxWriter writes it)
                cells.append((letter + row_no, text))  # its shared string below, once the row is sure
                fmts.append(fmt)
                texts = True
                if n * 2 <= content[j] and n * 2 <= cap - 2 and "\n" not in text:
                    continue  # cannot be wider than what the column already holds, nor wrap
                width, text_lines = _text_size(text, cap)
                if text_lines > lines:
                    lines = text_lines
            if width > content[j]:
                content[j] = width
        if texts:
            sst = self._sst
            for k, cell in enumerate(cells):
                if cell.__class__ is tuple:  # (in column order, as XlsxWriter's write_string counts them)
                    cells[k] = f'<c r="{cell[0]}" s="\0" t="s"><v>{sst(cell[1])}</v></c>'
        self._rows.add(r, "".join(cells), fmts)
        if lines > 1:  # XlsxWriter cannot autofit: a wrapped text gets the height it needs
            ws = self.ws
            ws.set_row(r, lines * ROW_LINE + 4)

    def _format(self, j: int, kind: str, value: Any, variant: str) -> tuple[Any, str]:
        """(format, variant) of column ``j``'s cell: the row's variant (a 合计 row), else a
        status cell's own word, else the column's plain format."""
        fmt_variant = variant or (str(value) if kind == "status" and value is not None else "")
        return (self.formats(kind, fmt_variant) if fmt_variant else self._plain[j]), fmt_variant

    def _add_row_api(self, r: int, row: Mapping[str, Any], variant: str) -> None:
        """Row ``r`` through XlsxWriter's own write calls: the reference that _DataRows
        reproduces byte for byte, used for the rare cell it does not render itself (a text
        of XlsxWriter's rich-string form, a very long text, a number that is not finite)."""
        ws, formats = self.ws, self.formats
        lines = 1
        content = self.content
        for j, (key, kind, cap, numeric) in enumerate(self._spec):
            value = row.get(key)
            fmt, fmt_variant = self._format(j, kind, value, variant)
            if value is None or value == "":
                ws.write_blank(r, j, None, fmt)
                continue
            if numeric and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                number, width = _cell_number(kind, value)
                ws.write_number(r, j, number, fmt)
            else:
                text = value if isinstance(value, str) else _cell_text(value)
                if text.startswith(FORMULA_TRIGGERS):
                    fmt = formats(kind, fmt_variant, True)
                write_text(ws, r, j, text, fmt, formats)
                width, text_lines = _text_size(text, cap)
                lines = max(lines, text_lines)
            if width > content[j]:
                content[j] = width
        if lines > 1:
            ws.set_row(r, lines * ROW_LINE + 4)

    def finish(self, title: str, info: str, *, filter_: bool = False, money: bool = True) -> int:
        """Title, info line, header, widths, print titles; returns the last row (0-based)."""
        ws, formats, cols = self.ws, self.formats, self.cols
        last_col = len(cols) - 1
        ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, last_col, "", formats("title"))
        write_text(ws, TITLE_ROW - 1, 0, title, formats("title", quote=title.startswith(FORMULA_TRIGGERS)), formats)
        ws.set_row(TITLE_ROW - 1, 30)
        info_end = max(last_col - 2, 0)
        if info_end > 0:
            ws.merge_range(INFO_ROW - 1, 0, INFO_ROW - 1, info_end, "", formats("info"))
        write_text(ws, INFO_ROW - 1, 0, info, formats("info", quote=info.startswith(FORMULA_TRIGGERS)), formats)
        if money:
            ws.write_string(INFO_ROW - 1, last_col, MONEY_UNIT, formats("unit"))
        head = HEADER_ROW - 1
        grouped = self.first - head == 2
        j = 0
        while j < len(cols):
            c = cols[j]
            if c.group:
                k = j
                while k + 1 < len(cols) and cols[k + 1].group == c.group:
                    k += 1
                if k > j:
                    ws.merge_range(head, j, head, k, c.group, formats("head"))
                else:
                    ws.write_string(head, j, c.group, formats("head"))
                for m in range(j, k + 1):
                    ws.write_string(head + 1, m, cols[m].caption, formats("head"))
                j = k + 1
                continue
            if grouped:
                ws.merge_range(head, j, head + 1, j, c.caption, formats("head"))
            else:
                ws.write_string(head, j, c.caption, formats("head"))
            j += 1
        ws.set_row(head, 24)
        if not self.count:
            for j, c in enumerate(cols):
                ws.write_blank(self.first, j, None, formats(c.kind))
            ws.write_string(self.first, 0, "（无）", formats(cols[0].kind))
        last = self.first + max(self.count, 1) - 1
        ws.repeat_rows(head, self.first - 1)
        ws.freeze_panes(self.first, 0)
        if filter_ and self.count:
            ws.autofilter(self.first - 1, 0, last, last_col)
        widths = []
        for j, c in enumerate(cols):
            caption = max(_display_width(c.caption), _display_width(c.group) // 2 if c.group else 0)
            widths.append(float(min(max(caption, self.content[j], 4) + 2, self.caps[j])))
            ws.set_column(j, j, widths[-1])
        self.table_width = sum(widths)
        return last

    def notes(self, row: int, lines: Sequence[str]) -> int:
        """Notes (注：…) from 0-based ``row`` on, across the table; returns the last row used."""
        r = row - 1
        per_line = max(int(self.table_width) - 2, 40)
        for line in lines:
            r += 1
            text = "注：" + line
            self.ws.merge_range(r, 0, r, max(len(self.cols) - 1, 1), "", self.formats("note"))
            write_text(self.ws, r, 0, text, self.formats("note"), self.formats)
            self.ws.set_row(r, 14 * max(1, -(-_display_width(text) // per_line)))
        return max(r, row - 1)

    def signatures(self, row: int, today: _dt.date) -> None:
        step = max(len(self.cols) // 4, 1)
        for k, caption in enumerate(("单位负责人：", "财务负责人：", "填表人：", f"填报日期：{today:%Y年%m月%d日}")):
            self.ws.write_string(row, k * step, caption, self.formats("sign"))


ROW_LINE = 13.0  # points per line of 10 pt text


def xl_col_to_name(col: int) -> str:
    """0 -> "A", 26 -> "AA"."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


class _DataRows:
    """A worksheet's data rows as the XML XlsxWriter would write for them, made without its
    per-cell objects (a consolidation writes ~190,000 cells; XlsxWriter's write calls and its
    cell writer cost ~15 µs a cell, this ~1 µs). A row is kept as the text of its <c>
    elements with a NUL where each one's style index goes, and the formats in that order;
    the indices are filled in when the sheet is written, in the order XlsxWriter assigns
    them, so the file is byte for byte the one XlsxWriter's own calls make
    (tests/sinks/test_bureau_fast.py). Rows not kept here (titles, headers, notes, a row
    with a cell this does not render) are XlsxWriter's as usual."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.rows: dict[int, tuple[str, tuple[Any, ...]]] = {}
        self._fmts: dict[tuple[int, ...], tuple[Any, ...]] = {}  # rows share their formats
        ws._write_rows = self._write_rows  # (the instance attribute shadows the method)

    @classmethod
    def of(cls, ws) -> _DataRows:
        rows = getattr(ws, "_perfxl_rows", None)
        if rows is None:
            rows = ws._perfxl_rows = cls(ws)
        return rows

    def add(self, row: int, cells: str, fmts: list[Any]) -> None:
        """Row ``row`` (0-based): its cells from column A on, one per column, and their formats."""
        key = tuple(map(id, fmts))
        shared = self._fmts.get(key)
        if shared is None:
            shared = self._fmts[key] = tuple(fmts)
        self.rows[row] = (cells, shared)
        self.ws._check_dimensions(row, 0)
        self.ws._check_dimensions(row, len(fmts) - 1)

    def _spans(self) -> dict[int, str]:
        """XlsxWriter's "spans" of each block of 16 rows (Worksheet._calculate_spans), with
        the rows kept here."""
        ws = self.ws
        spans: dict[int, str] = {}
        lo = hi = None
        first, last = ws.dim_colmin, ws.dim_colmax
        for row_num in range(ws.dim_rowmin, ws.dim_rowmax + 1):
            mine = self.rows.get(row_num)
            if mine is not None:
                cols = [0, len(mine[1]) - 1]
            else:
                cols = [c for c in ws.table[row_num] if first <= c <= last] if row_num in ws.table else []
                if row_num in ws.comments:
                    cols += [c for c in ws.comments[row_num] if first <= c <= last]
            if cols:
                lo = min(cols) if lo is None else min(lo, *cols)
                hi = max(cols) if hi is None else max(hi, *cols)
            if ((row_num + 1) % 16 == 0 or row_num == ws.dim_rowmax) and lo is not None:
                spans[row_num // 16] = f"{lo + 1}:{hi + 1}"
                lo = hi = None
        return spans

    def _write_rows(self) -> None:
        """Worksheet._write_rows, with the rows kept here written from their XML."""
        ws = self.ws
        if ws.dim_rowmin is None:
            return
        ws.row_spans = spans = self._spans()
        write = ws.fh.write
        xf: dict[int, str] = {}
        for row_num in range(ws.dim_rowmin, ws.dim_rowmax + 1):
            mine = self.rows.get(row_num)
            span = spans.get(row_num // 16)
            if mine is not None:
                ws._write_row(row_num, span, ws.row_info.get(row_num))
                cells, fmts = mine
                pieces = cells.split("\0")
                out = [pieces[0]]
                for fmt, piece in zip(fmts, pieces[1:], strict=True):
                    index = xf.get(id(fmt))
                    if index is None:
                        index = xf[id(fmt)] = str(fmt._get_xf_index())
                    out.append(index)
                    out.append(piece)
                out.append("</row>")
                write("".join(out))
            elif row_num in ws.row_info or row_num in ws.comments or ws.table[row_num]:
                if ws.table[row_num]:
                    ws._write_row(row_num, span, ws.row_info.get(row_num))
                    cells = ws.table[row_num]
                    for col_num in range(ws.dim_colmin, ws.dim_colmax + 1):
                        if col_num in cells:
                            ws._write_cell(row_num, col_num, cells[col_num])
                    ws._xml_end_tag("row")
                else:
                    ws._write_empty_row(row_num, span, ws.row_info.get(row_num))


@lru_cache(maxsize=1 << 16)
def _lines(text: str, width: float) -> int:
    per_line = int(max(width - 1.5, 1.0))
    return sum(max(1, -(-_display_width(part) // per_line)) for part in text.split("\n"))
