"""An execution file (执行数据) pasted from the 一体化 system's execution query: CSV or .xlsx,
one header row, rows keyed by 项目编码 (or 序号).

- A row without 三级指标 carries the project's figures: 执行数 (万元), optionally
  调整后预算数, 全年预计执行数, 偏差原因分析, 改进措施.
- A row with 三级指标 carries that indicator's 执行情况 (monitoring) or 实际完成值
  (self-evaluation), optionally 全年预计完成情况, 偏差原因, 原因说明, 完成目标可能性, 备注,
  分值, 得分.

Bad content (an unknown 项目编码 or 三级指标, text where a number belongs, no key column)
raises PerfXLError naming the file, line and column; nothing is written then.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import PerfXLError
from ..model import Department, Project, track_of
from .judge import number

# Header (compacted, units and brackets removed) -> (level, field). "执行数" means the
# month-N figure when monitoring and the whole year's when self-evaluating.
_PROJECT_COLUMNS = {
    "执行数": "executed", "1-n月执行数": "executed", "累计执行数": "executed",
    "调整后预算数": "adjusted_budget", "调整预算数": "adjusted_budget",
    "全年预计执行数": "forecast", "预计执行数": "forecast",
    "全年执行数": "year_executed",
    "偏差原因分析": "analysis", "改进措施": "measures",
}
_INDICATOR_COLUMNS = {
    "执行情况": "progress", "1-n月执行情况": "progress", "累计执行情况": "progress",
    "实际完成值": "actual", "全年预计完成情况": "forecast", "预计完成情况": "forecast",
    "偏差原因": "deviation", "偏差原因类别": "deviation", "原因说明": "reason",
    "完成目标可能性": "likelihood", "备注": "remark", "分值": "weight", "得分": "score",
}
_MONEY = {"executed", "adjusted_budget", "forecast", "year_executed"}
_NUMBERS = {"weight", "score"}
KEYS = ("项目编码", "序号")
_MONTHS = re.compile(r"^1-\d{1,2}月")


@dataclass
class Change:
    """One value the file sets: on project ``project`` (and indicator ``indicator``)."""

    project: Project
    key: str  # ProjectTrack / IndicatorTrack attribute
    value: Any
    indicator: int | None = None
    line: int = 0


@dataclass
class Actuals:
    path: str
    changes: list[Change] = field(default_factory=list)

    @property
    def projects(self) -> int:
        return len({id(c.project) for c in self.changes})


def _header(text: Any) -> str:
    t = "".join(str(text or "").split()).lower()
    for junk in ("（万元）", "(万元)", "万元", "（元）", "(元)"):
        t = t.replace(junk, "")
    t = t.replace("—", "-").replace("–", "-").replace("至", "-").replace("～", "-").replace("~", "-")
    return _MONTHS.sub("1-n月", t)  # "1-6月执行数" -> "1-n月执行数"


def read_rows(path: str | Path) -> list[list[Any]]:
    from ..workbook.safety import read_regular_file, require_regular_file

    p = Path(path)
    require_regular_file(p)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(p))
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:
            raise PerfXLError(f"执行数据文件无法读取：{exc}", path=str(p)) from None
    raw = read_regular_file(p)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise PerfXLError("执行数据文件不是 UTF-8 或 GBK 文本", path=str(p))
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] else "excel"
    return list(csv.reader(io.StringIO(text), dialect=dialect))


def read_actuals(path: str | Path, dept: Department, phase: str) -> Actuals:
    """The changes an execution file makes to ``dept`` (not applied yet)."""
    rows = read_rows(path)
    src = str(path)
    start = next((i for i, r in enumerate(rows) if any(str(v or "").strip() for v in r)), None)
    if start is None:
        raise PerfXLError("执行数据文件是空的", path=src)
    heads = [_header(h) for h in rows[start]]
    key_col = next((heads.index(k) for k in KEYS if k in heads), None)
    if key_col is None:
        raise PerfXLError("执行数据文件的表头没有「项目编码」或「序号」列", path=src, line=start + 1)
    key = heads[key_col]
    name_col = heads.index("三级指标") if "三级指标" in heads else None
    project_cols: dict[int, str] = {}
    indicator_cols: dict[int, str] = {}
    for i, h in enumerate(heads):
        if h in _PROJECT_COLUMNS:
            f = _PROJECT_COLUMNS[h]
            if f == "executed" and phase == "selfeval":
                f = "year_executed"
            project_cols[i] = f
        if h in _INDICATOR_COLUMNS:
            indicator_cols[i] = _INDICATOR_COLUMNS[h]
    if not project_cols and not indicator_cols:
        raise PerfXLError("执行数据文件的表头没有可用的列（执行数、执行情况、实际完成值 …）",
                          path=src, line=start + 1)
    by_code = {(p.code or "").strip(): p for p in dept.projects}
    by_seq = {str(p.seq): p for p in dept.projects}
    out = Actuals(src)
    for n, row in enumerate(rows[start + 1:], start=start + 2):
        cells = list(row) + [None] * (len(heads) - len(row))
        if not any(str(v or "").strip() for v in cells):
            continue
        raw_key = _text(cells[key_col])
        if raw_key.endswith(".0"):
            raw_key = raw_key[:-2]
        project = by_code.get(raw_key) if key == "项目编码" else by_seq.get(raw_key.lstrip("0") or "0")
        if project is None:
            raise PerfXLError(f"{key}「{raw_key}」不是本工作簿中的项目", path=src, line=n)
        name = _text(cells[name_col]) if name_col is not None else ""
        if name:
            index = _indicator_index(project, name)
            if index is None:
                raise PerfXLError(f"项目「{project.name}」中没有三级指标「{name}」", path=src, line=n)
            cols, level = indicator_cols, index
        else:
            cols, level = project_cols, None
        for col, f in cols.items():
            value = cells[col]
            if value is None or str(value).strip() == "":
                continue
            out.changes.append(Change(project, f, _value(value, f, heads[col], src, n), level, n))
    return out


def _indicator_index(project: Project, name: str) -> int | None:
    wanted = "".join(name.split())
    for i, ind in enumerate(project.indicators):
        if "".join(ind.level3.split()) == wanted:
            return i
    return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value or "").strip()


def _value(value: Any, f: str, head: str, src: str, line: int) -> Any:
    if f in _MONEY or f in _NUMBERS:
        n = number(value)
        if n is None:
            raise PerfXLError(f"「{head}」列的「{_text(value)}」不是数字", path=src, line=line)
        return n
    if f in ("progress", "actual"):
        n = number(value)
        return n if n is not None else _text(value)
    return _text(value)


def apply_actuals(actuals: Actuals) -> None:
    """Put the file's values into the model (the track of each project / indicator)."""
    for c in actuals.changes:
        target = c.project if c.indicator is None else c.project.indicators[c.indicator]
        track = track_of(target)
        value = c.value
        if c.key in ("progress", "actual") and isinstance(value, Decimal):
            from ..model import decimal_text

            value = decimal_text(value)
        setattr(track, c.key, value)
        track.invalid.pop(c.key, None)
