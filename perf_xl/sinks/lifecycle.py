"""The 河北 forms of the year after the plan, values only (.xlsx, optional PDF):

- 项目支出绩效目标运行监控表 (hbpmkpigoaltrace.ftl): one sheet per project — 项目名称 |
  主管部门及代码; 项目资金 年初预算数（A）| 调整后预算数（A1）| N月执行数（B）| N月执行率 |
  全年预计执行数; 年度总体目标; per indicator 一级 | 二级 | 三级 | 年度指标值 | N月执行情况 |
  偏差原因分析（类别 + 原因说明）| 完成目标可能性 | 备注; the form's three printed notes; and
  the closing block of the second variant (hbpromonitorxls.ftl) when the unit wrote it.
- 项目支出绩效自评表 (hbxmzczpdc.ftl): 单位名称 | 填报日期; 项目名称 | 主管部门 | 项目实施单位
  | 项目类别 | 项目属性 | 项目类型; funds 预算数 | 调整预算数（A）| 执行数（B）| 执行率（B/A）
  with 分值 and 得分; 年度总体目标; indicator rows 一级 | 二级 | 三级 | 年初目标值（A）|
  实际完成值（B）| 分值 | 得分 | 偏差原因分析及改进措施; 总分 and 等级; closing
  偏差大或目标未完成原因分析 and 改进措施及结果应用方案.

A first sheet lists every project (lights or scores). Print-ready: A4, one page wide,
footer with the sheet name and page number. The lights colour the 执行情况 cells.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import PerfXLError
from ..lifecycle.evaluate import MONITOR, ProjectResult, indicator_track
from ..lifecycle.lights import LIGHT_LABELS
from ..model import Department
from ..workbook import layout as L

FONT, HEADING_FONT = "宋体", "黑体"
MONEY = "#,##0.00"
PERCENT = "0.00%"
LIGHT_FILLS = {"red": "#FF7C80", "yellow": "#FFE699", "green": "#A9D08E", "blue": "#9BC2E6"}
MONITOR_NOTES = (
    "注：1．偏差原因分析：针对与预期目标产生偏差的指标值，分别从经费保障、制度保障、人员保障、硬件条件保障等"
    "方面进行判断和分析，并说明原因。",
    "2．完成目标可能性：对应所设定的实现绩效目标的路径，分确定能、有可能、完全不可能三级综合判断完成的可能性。",
    "3．备注：说明预计到年底不能完成目标的原因及拟采取的措施。",
)


class _F:
    def __init__(self, book) -> None:
        self.book, self._c = book, {}

    def __call__(self, kind: str = "cell", **extra):
        key = (kind, tuple(sorted(extra.items())))
        if key not in self._c:
            p: dict[str, Any] = {"font_name": FONT, "font_size": 10, "valign": "vcenter",
                                 "text_wrap": True}
            if kind == "title":
                p.update(font_name=HEADING_FONT, font_size=16, bold=True, align="center")
            elif kind == "subtitle":
                p.update(font_size=11, align="center")
            elif kind == "plain":
                p.update(align="left")
            elif kind == "note":
                p.update(font_size=9, align="left", valign="top")
            else:
                p.update(border=1, align="center")
                if kind == "head":
                    p.update(bold=True, bg_color="#F2F2F2")
                elif kind == "left":
                    p.update(align="left")
                elif kind == "money":
                    p.update(align="right", num_format=MONEY)
                elif kind == "percent":
                    p.update(num_format=PERCENT)
                elif kind == "number":
                    p.update(num_format="0.00")
            p.update(extra)
            self._c[key] = self.book.add_format(p)
        return self._c[key]


def _v(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return "" if value is None else value


def _put(ws, r: int, c: int, value: Any, fmt, c2: int | None = None, r2: int | None = None) -> None:
    """A value in (r, c), merged to (r2, c2) when given; text is always a string cell."""
    value = _v(value)
    if (c2 is not None and c2 != c) or (r2 is not None and r2 != r):
        ws.merge_range(r, c, r2 if r2 is not None else r, c2 if c2 is not None else c, "", fmt)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(r, c, value, fmt)
    elif value == "":
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _setup(ws, landscape: bool, widths: list[float]) -> None:
    from ..workbook.styles import xlsx_page_setup

    xlsx_page_setup(ws, landscape=landscape)
    ws.hide_gridlines(2)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)


def _rows_for(text: str, width: float) -> float:
    from ..workbook.sizing import row_height

    return row_height([(text, width)])


def _unit(dept: Department, p) -> str:
    unit = p.unit or f"{dept.unit_code} {dept.unit_name}".strip()
    return unit


def _level_name(level: str) -> str:
    """一级/二级 as the forms print them: "产出" → "产出指标" (blank stays blank)."""
    return level + "指标" if level and not level.endswith("指标") else level


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        from ..model import decimal_text

        return decimal_text(value)
    return "" if value is None else str(value)


# -- 运行监控表 --------------------------------------------------------------------------------
MON_WIDTHS = [8, 10, 12, 18, 12, 12, 11, 20, 11, 18]


def _monitor_sheet(ws, f: _F, dept: Department, r: ProjectResult) -> None:
    p, t, n = r.project, r.track, r.month
    _setup(ws, True, MON_WIDTHS)
    last = len(MON_WIDTHS) - 1
    _put(ws, 0, 0, "项目支出绩效目标运行监控表", f("title"), last)
    ws.set_row(0, 30)
    _put(ws, 1, 0, f"（{dept.year or ''}年度）", f("subtitle"), last)
    _put(ws, 2, 0, "项目名称", f("head"), 1)
    _put(ws, 2, 2, p.name, f("left"), 5)
    _put(ws, 2, 6, "主管部门及代码", f("head"), 7)
    _put(ws, 2, 8, _unit(dept, p), f("left"), last)
    ws.set_row(2, max(27, _rows_for(p.name, 53)))
    _put(ws, 3, 0, "项目资金（万元）", f("head"), 1, 4)
    heads = ("年初预算数（A）", "调整后预算数（A1）", f"1-{n}月执行数（B）", f"1-{n}月执行率", "全年预计执行数")
    spans = ((2, 3), (4, 5), (6, 7), (8, 8), (9, 9))
    for (c1, c2), head in zip(spans, heads, strict=True):
        _put(ws, 3, c1, head, f("head"), c2)
    values = (p.budget, t.adjusted_budget, r.executed, r.execution_rate, t.forecast)
    kinds = ("money", "money", "money", "percent", "money")
    for (c1, c2), value, kind in zip(spans, values, kinds, strict=True):
        _put(ws, 4, c1, value, f(kind), c2)
    ws.set_row(3, 27)
    _put(ws, 5, 0, "年度总体目标", f("head"), 1)
    _put(ws, 5, 2, p.goal, f("left"), last)
    ws.set_row(5, max(30, _rows_for(p.goal, 123)))
    row = _monitor_indicators(ws, f, r, last)
    if t.analysis or t.measures:  # the closing block of hbpromonitorxls.ftl
        for caption, text in (("偏差或不能完成目标原因分析", t.analysis), ("相关建议或举措", t.measures)):
            _put(ws, row, 0, caption, f("head"), 1)
            _put(ws, row, 2, text, f("left"), last)
            ws.set_row(row, max(30, _rows_for(text, 123)))
            row += 1
    row += 1
    for note in MONITOR_NOTES:
        _put(ws, row, 0, note, f("note"), last)
        ws.set_row(row, max(15, _rows_for(note, 150)))
        row += 1
    ws.print_area(0, 0, row, last)
    ws.repeat_rows(6, 7)


def _monitor_indicators(ws, f: _F, r: ProjectResult, last: int) -> int:
    """The 绩效指标 block from row 6 (two heading rows); returns the first row after it."""
    p, n = r.project, r.month
    _put(ws, 6, 0, "绩效指标", f("head"), 0, 7 + max(len(r.indicators), 1))
    for c, head in ((1, "一级指标"), (2, "二级指标"), (3, "三级指标"), (4, "年度指标值"),
                    (5, f"1-{n}月执行情况"), (8, "完成目标可能性"), (9, "备注")):
        _put(ws, 6, c, head, f("head"), None, 7)
    _put(ws, 6, 6, "偏差原因分析", f("head"), 7)
    _put(ws, 7, 6, "偏差原因", f("head"))
    _put(ws, 7, 7, "原因说明", f("head"))
    row = 8
    for i in r.indicators:
        it = indicator_track(p, i.index)
        fill = LIGHT_FILLS.get(i.light or "")
        cells = (_level_name(i.level1), _level_name(i.level2), i.judged.name, i.value_text)
        for c, value in enumerate(cells, start=1):
            _put(ws, row, c, value, f("left") if c == 3 else f())
        _put(ws, row, 5, _text(i.reported), f(bg_color=fill) if fill else f())
        _put(ws, row, 6, it.deviation, f())
        _put(ws, row, 7, it.reason, f("left"))
        _put(ws, row, 8, it.likelihood, f())
        _put(ws, row, 9, it.remark, f("left"))
        ws.set_row(row, max(20, _rows_for(i.judged.name, 18), _rows_for(it.reason, 20),
                            _rows_for(it.remark, 18)))
        row += 1
    if not r.indicators:
        _put(ws, row, 1, "（无指标）", f(), last)
        row += 1
    return row


# -- 自评表 ------------------------------------------------------------------------------------
EVAL_WIDTHS = [8, 10, 12, 16, 11, 11, 8, 8, 28]


def _selfeval_sheet(ws, f: _F, dept: Department, r: ProjectResult, cfg, today: _dt.date) -> None:
    _setup(ws, False, EVAL_WIDTHS)
    last = len(EVAL_WIDTHS) - 1
    _put(ws, 0, 0, "项目支出绩效自评表", f("title"), last)
    ws.set_row(0, 30)
    _put(ws, 1, 0, f"（{dept.year or ''}年度）", f("subtitle"), last)
    _selfeval_identity(ws, f, dept, r.project, today, last)
    _selfeval_funds(ws, f, r, cfg, last)
    top = 10
    row = _selfeval_indicators(ws, f, r, top, last)
    _selfeval_closing(ws, f, r, row, last)
    ws.print_area(0, 0, row + 2, last)
    ws.repeat_rows(top, top)


def _selfeval_identity(ws, f: _F, dept: Department, p, today: _dt.date, last: int) -> None:
    """Rows 2-5: 单位名称 and 填报日期, then 项目名称 … 项目类型."""
    _put(ws, 2, 0, f"单位名称：{_unit(dept, p)}", f("plain"), 5)
    _put(ws, 2, 6, f"填报日期：{today:%Y-%m-%d}", f("plain"), last)
    _put(ws, 3, 0, "项目名称", f("head"), 1)
    _put(ws, 3, 2, p.name, f("left"), 5)
    _put(ws, 3, 6, "主管部门", f("head"), 7)
    _put(ws, 3, 8, dept.unit_name, f("left"))
    ws.set_row(3, max(27, _rows_for(p.name, 52)))
    _put(ws, 4, 0, "项目实施单位", f("head"), 1)
    _put(ws, 4, 2, _unit(dept, p), f("left"), 5)
    _put(ws, 4, 6, "项目类别", f("head"), 7)
    _put(ws, 4, 8, "1、部门预算项目 √ 2、省直专项 □ 3、省对下转移支付项目 □", f("left"))
    _put(ws, 5, 0, "项目属性", f("head"), 1)
    _put(ws, 5, 2, "1、持续性项目 □ 2、新增性项目 □", f("left"), 5)
    _put(ws, 5, 6, "项目类型", f("head"), 7)
    _put(ws, 5, 8, "1、常年性项目 □ 2、延续性项目 □ 3、一次性项目 □", f("left"))
    for rr in (4, 5):
        ws.set_row(rr, 40)


def _selfeval_funds(ws, f: _F, r: ProjectResult, cfg, last: int) -> None:
    """Rows 6-9: 预算执行情况 with its score, then 年度总体目标 and what was achieved."""
    p, t = r.project, r.track
    _put(ws, 6, 0, f"预算执行情况（万元）（{_text(cfg.execution_weight)}分）", f("head"), 1, 7)
    for c, head in ((2, ""), (3, "预算数"), (4, "调整预算数（A）"), (5, "执行数（B）"), (6, "执行率（B/A）"),
                    (7, "分值"), (8, "得分")):
        _put(ws, 6, c, head, f("head"))
    ws.set_row(6, 27)
    _put(ws, 7, 2, "年度财政资金总额", f())
    adjusted = t.adjusted_budget if t.adjusted_budget is not None else p.budget
    for c, value, kind in ((3, p.budget, "money"), (4, adjusted, "money"), (5, r.executed, "money"),
                           (6, r.execution_rate, "percent"), (7, cfg.execution_weight, "number"),
                           (8, r.execution_score, "number")):
        _put(ws, 7, c, value, f(kind))
    _put(ws, 8, 0, "年度总体目标", f("head"), 1)
    _put(ws, 8, 2, "目标", f("head"), 5)
    _put(ws, 8, 6, "实际完成情况", f("head"), last)
    _put(ws, 9, 0, "", f("head"), 1)
    _put(ws, 9, 2, p.goal, f("left"), 5)
    done = f"指标得分 {_text(r.indicator_score)} 分（满分 {_text(cfg.indicator_total)} 分）" \
        if r.indicator_score is not None else ""
    _put(ws, 9, 6, done, f("left"), last)
    ws.set_row(9, max(30, _rows_for(p.goal, 52)))


def _selfeval_indicators(ws, f: _F, r: ProjectResult, top: int, last: int) -> int:
    """The 绩效指标 block from row `top`; returns the first row after it."""
    p = r.project
    _put(ws, top, 0, "绩效指标", f("head"), 0, top + max(len(r.indicators), 1))
    for c, head in ((1, "一级指标"), (2, "二级指标"), (3, "三级指标"), (4, "年初目标值（A）"),
                    (5, "实际完成值（B）"), (6, "分值"), (7, "得分"), (8, "偏差原因分析及改进措施")):
        _put(ws, top, c, head, f("head"))
    ws.set_row(top, 27)
    row = top + 1
    for i in r.indicators:
        it = indicator_track(p, i.index)
        fill = LIGHT_FILLS.get(i.light or "")
        _put(ws, row, 1, _level_name(i.level1), f())
        _put(ws, row, 2, _level_name(i.level2), f())
        _put(ws, row, 3, i.judged.name, f("left"))
        _put(ws, row, 4, i.value_text, f())
        _put(ws, row, 5, _text(i.reported), f(bg_color=fill) if fill else f())
        _put(ws, row, 6, i.weight, f("number"))
        _put(ws, row, 7, i.score, f("number"))
        why = "；".join(x for x in (it.deviation, it.reason, it.remark) if x)
        _put(ws, row, 8, why, f("left"))
        ws.set_row(row, max(20, _rows_for(i.judged.name, 18), _rows_for(why, 22)))
        row += 1
    if not r.indicators:
        _put(ws, row, 1, "（无指标）", f(), last)
        row += 1
    return row


def _selfeval_closing(ws, f: _F, r: ProjectResult, row: int, last: int) -> None:
    """总分 and 等级 at `row`, then the two closing text rows below it."""
    t = r.track
    _put(ws, row, 0, "总分", f("head"), 5)
    _put(ws, row, 6, "100", f("head"))
    _put(ws, row, 7, r.total, f("number", bold=True))
    _put(ws, row, 8, f"自评等级：{r.grade or '—'}", f(bold=True))
    for n, (caption, text) in enumerate((("偏差大或目标未完成原因分析", t.analysis),
                                         ("改进措施及结果应用方案", t.measures)), start=row + 1):
        _put(ws, n, 0, caption, f("head"), 1)
        _put(ws, n, 2, text, f("left"), last)
        ws.set_row(n, max(40, _rows_for(text, 100)))


# -- the list sheet ----------------------------------------------------------------------------
def _list_sheet(ws, f: _F, dept: Department, results: list[ProjectResult], phase: str, month: int) -> None:
    if phase == MONITOR:
        heads = ["序号", "项目编码", "项目名称", "预算数", "执行数", "执行率", "序时进度", "计划进度",
                 "预算灯（序时）", "预算灯（计划）", "指标灯"]
        widths = [6, 24, 40, 12, 12, 10, 10, 10, 12, 12, 10]
        title = f"{dept.unit_name}{dept.year or ''}年度 {month}月 项目运行监控汇总"
    else:
        heads = ["序号", "项目编码", "项目名称", "预算数", "全年执行数", "执行率", "预算执行得分",
                 "指标得分", "总分", "等级", "年终灯"]
        widths = [6, 24, 40, 12, 12, 10, 12, 10, 10, 8, 10]
        title = f"{dept.unit_name}{dept.year or ''}年度 项目支出绩效自评汇总"
    _setup(ws, True, widths)
    last = len(heads) - 1
    _put(ws, 0, 0, title, f("title"), last)
    ws.set_row(0, 30)
    for c, h in enumerate(heads):
        _put(ws, 2, c, h, f("head"))
    for n, r in enumerate(results, start=3):
        p = r.project
        light = r.light
        if phase == MONITOR:
            values = [(p.seq, "cell"), (p.code, "cell"), (p.name, "left"), (p.budget, "money"),
                      (r.executed, "money"), (r.execution_rate, "percent"), (r.standard_rate, "percent"),
                      (r.plan_rate, "percent"), (LIGHT_LABELS.get(r.budget_light or "", ""), r.budget_light),
                      (LIGHT_LABELS.get(r.plan_light or "", ""), r.plan_light),
                      (LIGHT_LABELS.get(light or "", ""), light)]
        else:
            values = [(p.seq, "cell"), (p.code, "cell"), (p.name, "left"), (p.budget, "money"),
                      (r.executed, "money"), (r.execution_rate, "percent"), (r.execution_score, "number"),
                      (r.indicator_score, "number"), (r.total, "number"), (r.grade or "", "cell"),
                      (LIGHT_LABELS.get(light or "", ""), light)]
        for c, (value, kind) in enumerate(values):
            if kind in LIGHT_FILLS:
                fmt = f(bg_color=LIGHT_FILLS[kind])
            else:
                fmt = f(kind or "cell") if kind in ("cell", "left", "money", "percent", "number") else f()
            _put(ws, n, c, value, fmt)
    ws.repeat_rows(2, 2)
    ws.print_area(0, 0, 2 + len(results), last)


# -- public API --------------------------------------------------------------------------------
def write_track_file(dept: Department, results: list[ProjectResult], path: str | Path, *, phase: str,
                     month: int, cfg, pdf: bool = False, today: _dt.date | None = None) -> Path:
    """Write the monitoring (``phase`` "monitor") or self-evaluation forms to ``path``."""
    import xlsxwriter

    from ..atomic import atomic_target

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise PerfXLError("导出文件应保存为 .xlsx（不含宏）", path=str(target))
    soffice = None
    if pdf:
        from ..lo import require_soffice

        soffice = require_soffice()
    today = today or _dt.date.today()
    with atomic_target(target) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                              "strings_to_urls": False})
        what = f"{month}月运行监控表" if phase == MONITOR else "绩效自评表"
        book.set_properties({"title": f"{dept.unit_name}{dept.year or ''}年度项目支出{what}",
                             "author": "perf_xl"})
        f = _F(book)
        _list_sheet(book.add_worksheet("监控汇总" if phase == MONITOR else "自评汇总"), f, dept, results,
                    phase, month)
        taken: set[str] = {"监控汇总", "自评汇总"}
        for r in results:
            name = L.project_sheet_name(r.project.seq, r.project.name, taken)
            taken.add(name)
            ws = book.add_worksheet(name)
            if phase == MONITOR:
                _monitor_sheet(ws, f, dept, r)
            else:
                _selfeval_sheet(ws, f, dept, r, cfg, today)
        book.worksheets()[0].activate()
        book.close()
    if pdf:
        from ..lo import convert

        convert(target, target.with_suffix(".pdf"), "pdf", soffice=soffice)
    return target
