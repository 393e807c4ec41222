"""The 运行监控表 / 自评表 as a Word document (one table per project, A4), with the same
content as the .xlsx forms of perf_xl.sinks.lifecycle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..lifecycle.evaluate import MONITOR, ProjectResult, indicator_track
from ..model import Department
from .lifecycle import MONITOR_NOTES, _text, _unit

FONT = "宋体"


def _font(run, size: float, bold: bool = False, face: str = FONT) -> None:
    from docx.shared import Pt

    from .docx import _set_fonts

    run.font.size = Pt(size)
    run.bold = bold
    _set_fonts(run._element.get_or_add_rPr(), face)


def _cell(cell, text: Any, bold: bool = False, size: float = 9) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    par = cell.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(par.add_run(_text(text)), size, bold)


def _pct(value) -> str:
    return "" if value is None else f"{_text(round(value * 100, 2))}%"


def _table(doc, rows: list[list[Any]], heads: int, widths_cm: list[float]):
    from docx.shared import Cm

    table = doc.add_table(rows=len(rows), cols=len(widths_cm))
    table.style = "Table Grid"
    for r, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
        # One row's cells, taken before its merges: table.cell(r, c) rebuilds the whole
        # table's grid on every call (a 39-project export took 28 s that way).
        cells = row.cells
        c = 0
        for value in values:
            span = value[1] if isinstance(value, tuple) else 1
            text = value[0] if isinstance(value, tuple) else value
            cell = cells[c]
            if span > 1:
                cell = cell.merge(cells[c + span - 1])
            _cell(cell, text, bold=r < heads)
            c += span
    for row in table.rows:
        for i, w in enumerate(widths_cm):
            row.cells[i].width = Cm(w)
    return table


def write_track_docx(dept: Department, results: list[ProjectResult], path: str | Path, *, phase: str,
                     month: int, cfg) -> Path:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm

    from ..atomic import atomic_target

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if phase == MONITOR else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if phase == MONITOR else (Cm(21.0), Cm(29.7))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    for k, r in enumerate(results):
        p, t = r.project, r.track
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if k:
            title.add_run().add_break(WD_BREAK.PAGE)
        _font(title.add_run("项目支出绩效目标运行监控表" if phase == MONITOR else "项目支出绩效自评表"), 16, True,
              "黑体")
        sub = doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(sub.add_run(f"（{dept.year or ''}年度）"), 11)
        if phase == MONITOR:
            rows: list[list[Any]] = [
                ["项目名称", (p.name, 4), ("主管部门及代码", 2), (_unit(dept, p), 3)],
                ["项目资金（万元）", ("年初预算数（A）", 2), ("调整后预算数（A1）", 2), (f"1-{month}月执行数（B）", 2),
                 f"1-{month}月执行率", ("全年预计执行数", 2)],
                ["", (p.budget, 2), (t.adjusted_budget, 2), (r.executed, 2), _pct(r.execution_rate),
                 (t.forecast, 2)],
                ["年度总体目标", (p.goal, 9)],
                ["一级指标", "二级指标", "三级指标", "年度指标值", f"1-{month}月执行情况", "偏差原因", "原因说明",
                 "完成目标可能性", ("备注", 2)],
            ]
            for i in r.indicators:
                it = indicator_track(p, i.index)
                rows.append([i.level1, i.level2, i.judged.name, i.value_text, _text(i.reported), it.deviation,
                             it.reason, it.likelihood, (it.remark, 2)])
            _table(doc, rows, 0, [2.6, 2.4, 3.4, 2.4, 2.4, 2.2, 3.6, 2.4, 2.0, 2.0])
            for note in MONITOR_NOTES:
                _font(doc.add_paragraph().add_run(note), 9)
        else:
            rows = [
                ["项目名称", (p.name, 3), "主管部门", (dept.unit_name, 3)],
                ["预算数", "调整预算数（A）", "执行数（B）", "执行率（B/A）", "分值", "得分", ("", 2)],
                [p.budget, t.adjusted_budget if t.adjusted_budget is not None else p.budget, r.executed,
                 _pct(r.execution_rate), cfg.execution_weight, r.execution_score, ("", 2)],
                ["年度总体目标", (p.goal, 7)],
                ["一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）", "分值", "得分",
                 "偏差原因分析及改进措施"],
            ]
            for i in r.indicators:
                it = indicator_track(p, i.index)
                why = "；".join(x for x in (it.deviation, it.reason, it.remark) if x)
                rows.append([i.level1, i.level2, i.judged.name, i.value_text, _text(i.reported), i.weight, i.score,
                             why])
            rows.append([("总分", 5), 100, r.total, f"自评等级：{r.grade or '—'}"])
            rows.append([("偏差大或目标未完成原因分析", 2), (t.analysis, 6)])
            rows.append([("改进措施及结果应用方案", 2), (t.measures, 6)])
            _table(doc, rows, 0, [1.9, 2.0, 2.8, 2.0, 2.0, 1.4, 1.4, 3.9])
    target = Path(path)
    with atomic_target(target) as tmp:
        doc.save(str(tmp))
    return target
