"""Tables of cells (a worksheet of an 一体化 export, a hand-made workbook) read by the same
label-driven reader as the text form: each sheet row becomes one tab-separated line, so
row N of a sheet is line N of the findings, and every layout the text reader knows (the
张家口 table, the national 申报表, the 预算项目绩效信息表 with 符号/值/计量单位 columns, 年度 and
中期 value columns, 一级/二级 given once per group) is known here as well.

A merged cell's text stands in its first cell; the cells it covers are empty, which is
what the reader expects of 一级/二级指标 written once per group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..errors import ImportError_, PerfXLError
from ..model import Department, Project
from .text import parse_text

# A line break inside a cell: kept through the line-based reader, restored afterwards.
_BREAK = "\u2029"
_TABS = re.compile(r"[\t\r\n\v\f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

Cell = str | int | float | Decimal | None


@dataclass
class Sheet:
    """One table of cells: ``rows`` of values (None for an empty or covered cell)."""

    name: str  # sheet name, or "<file in the zip> / <sheet>"
    rows: list[list[Cell]]


def cell_text(value: Cell) -> str:
    """A cell as text: numbers without float noise ("100.0" -> "100"), no control
    characters, line breaks kept as a paragraph mark (restored by :func:`read_sheets`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", _BREAK)
    text = _TABS.sub(" ", text)
    return _CONTROL.sub("", text).strip()


def sheet_lines(rows: Sequence[Sequence[Cell]]) -> list[str]:
    """One line per row: cells joined by tabs; a row with a single cell is that text (a
    title line), an empty row an empty line."""
    lines = []
    for row in rows:
        cells = [cell_text(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        filled = [c for c in cells if c]
        if not filled:
            lines.append("")
        elif len(filled) == 1 and cells[0]:
            lines.append(cells[0])  # a title, or a group's name alone
        else:
            lines.append("\t".join(cells))
    return lines


_DEFAULT_SHEET_NAME = re.compile(r"(?:sheet|工作表|表)\s*\d*", re.IGNORECASE)


def is_default_sheet_name(name: str) -> bool:
    """The name a spreadsheet program gives a new sheet (Excel/WPS "Sheet1", LibreOffice
    "工作表1"), not one the user chose."""
    return bool(_DEFAULT_SHEET_NAME.fullmatch(name.strip()))


def read_sheets(sheets: Iterable[Sheet], *, source: str, what: str,
                keep_sheet_names: bool = False) -> Department:
    """The department the sheets hold: each sheet read by the text reader, the projects
    numbered in order. A sheet without a table is skipped; none at all refuses the file
    with the layouts that are known (``what`` says what kind of file it was).

    ``keep_sheet_names``: ``Project.sheet`` names the sheet it was read from (a hand-made
    workbook's sheets are the user's own names). A default name ("Sheet1", "工作表1": an
    export, or a hand-made table re-saved as .xlsx) is never kept, so a master workbook
    built from it names its sheets after the projects."""
    dept = Department()
    skipped: list[str] = []
    seq = 0
    for sheet in sheets:
        lines = sheet_lines(sheet.rows)
        if not any(line.strip() for line in lines):
            continue
        try:
            part = parse_text("\n".join(lines) + "\n", source_name=source)
        except PerfXLError as err:
            if "没有找到任何项目绩效目标表" in err.message:
                skipped.append(sheet.name)
                continue
            raise ImportError_(f"工作表「{sheet.name}」：{err.message}", path=source,
                               line=err.line) from None
        _merge(dept, part)
        for project in part.projects:
            seq += 1
            project.seq = seq
            if keep_sheet_names and not is_default_sheet_name(sheet.name):
                project.sheet = sheet.name
            _restore_breaks(project)
            dept.projects.append(project)
    if not dept.projects:
        from .text import NO_TABLE_MESSAGE

        where = f"（看过的工作表：{'、'.join(skipped[:8])}）" if skipped else ""
        raise ImportError_(f"{what}中{NO_TABLE_MESSAGE}{where}", path=source)
    dept.overall_goal = dept.overall_goal.replace(_BREAK, "\n")
    return dept


def _merge(dept: Department, part: Department) -> None:
    """Department-wide facts of one sheet: the first one found wins."""
    for key in ("unit_name", "unit_code", "title", "compiled_by", "reviewed_by",
                "overall_goal"):
        if not getattr(dept, key) and getattr(part, key):
            setattr(dept, key, getattr(part, key))
    if dept.year is None:
        dept.year = part.year
    if part.money_unit != "万元":
        dept.money_unit = part.money_unit
    dept.sub_goals.extend(part.sub_goals)
    dept.measures.extend(part.measures)


_TEXT_FIELDS = ("code", "name", "purpose", "goal", "unit", "authority", "implementer",
                "attribute", "period", "mid_goal")
_INDICATOR_FIELDS = ("level1", "level2", "level3", "description", "value", "basis",
                     "mid_value")


def _restore_breaks(project: Project) -> None:
    for key in _TEXT_FIELDS:
        setattr(project, key, getattr(project, key).replace(_BREAK, "\n").strip())
    for ind in project.indicators:
        for key in _INDICATOR_FIELDS:
            setattr(ind, key, getattr(ind, key).replace(_BREAK, "\n").strip())
    project.invalid = {k: v.replace(_BREAK, "\n") for k, v in project.invalid.items()}
