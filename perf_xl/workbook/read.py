"""Read a master workbook back into the model, through the layout.

Build → read gives the model that was built. A project sheet whose layout a user broke
(a row inserted, a caption moved, everything deleted) is not guessed at: it is reported as a
PT502 problem naming the cell where a caption was expected and where it is now.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from ..model import Department, Indicator, Measure, Project, SubGoal
from . import layout as L
from .grid import Grid, _as_text, compact, load_grids


@dataclass
class LayoutProblem:
    """A sheet that no longer matches the layout (PT502)."""

    sheet: str
    cell: str
    message: str
    code: str = "PT502"


@dataclass
class ReadResult:
    department: Department
    problems: list[LayoutProblem] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # every sheet, in order
    # sheet -> cell -> formula text, where the reader knows them (operations.read_book)
    formulas: dict[str, dict[str, str]] = field(default_factory=dict)
    # Merged ranges of each project sheet (when the loader knows them): a patch must not
    # write into a merged cell that is not the range's first (see check_patch_cells).
    merges: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)

    def check_patch_cells(self, cells: Iterable[tuple[str, str]], path: str | Path | None = None) -> None:
        """Refuse (exit 2, naming sheet and cell) to write where a user merged cells."""
        for sheet, ref in cells:
            ranges = self.merges.get(sheet)
            if not ranges:
                continue
            row, col = L.split_a1(ref)
            hit = Grid(sheet, [], merges=ranges).merged_into(row, col)
            if hit:
                span = f"{L.a1(hit[0], hit[1])}:{L.a1(hit[2], hit[3])}"
                raise WorkbookError(f"此单元格与 {L.a1(hit[0], hit[1])} 合并在一起（{span}），工具无法写入它："
                                    "请在 Excel/WPS 中取消合并后重试；文件未改动", sheet=sheet, cell=ref,
                                    path=str(path) if path else None)


_SHEET_SEQ = re.compile(r"^(\d{1,4})\s")


def read_workbook(path: str | Path) -> ReadResult:
    """Read a perf_xl master workbook (.xlsm/.xlsx) into the model."""
    names, grids = load_grids(path, only=_needed)
    return require_master(department_from_grids(names, grids), path)


def require_master(result: ReadResult, path: str | Path | None = None) -> ReadResult:
    """Refuse a workbook that is not a perf_xl master workbook (another tool's file)."""
    if not result.department.projects and not result.problems and (
            L.DEPARTMENT_SHEET not in result.sheets):
        raise WorkbookError(
            f"不是 perf_xl 主工作簿：没有「{L.DEPARTMENT_SHEET}」工作表，也没有项目绩效目标表",
            path=str(path) if path else None)
    return result


# The sheets the tool owns (汇总, 校验结果, 代码表 …) hold nothing the model is read from.
_UNREAD = frozenset(L.FIXED_SHEETS) - {L.DEPARTMENT_SHEET}


def _needed(name: str) -> bool:
    return name not in _UNREAD


def department_from_grids(names: list[str], grids: dict[str, Grid]) -> ReadResult:
    dept = Department()
    result = ReadResult(dept, sheets=list(names))
    if L.DEPARTMENT_SHEET in grids:
        _read_department(grids[L.DEPARTMENT_SHEET], dept)
    for name in names:
        grid = grids.get(name)
        if grid is None or not is_project_sheet(name, grid):
            continue
        if grid.merges:
            result.merges[name] = grid.merges
        project, problems = project_from_grid(grid)
        result.problems.extend(problems)
        if project is not None:
            dept.projects.append(project)
    return result


def is_project_sheet(name: str, grid: Grid) -> bool:
    """A sheet meant as a project sheet: named "NN …" or showing the table's captions."""
    if name in L.FIXED_SHEETS:
        return False
    if _SHEET_SEQ.match(name):
        return True
    captions = {compact(lab.text) for lab in L.LABELS[:4]}
    found = sum(1 for r in range(1, 16) for c in range(1, 8)
                if isinstance(grid.at(r, c), str) and compact(grid.at(r, c)) in captions)
    return found >= 2


# -- a project sheet -----------------------------------------------------------------------------
def check_layout(grid: Grid) -> list[LayoutProblem]:
    """Every caption where the layout puts it; PT502 problems for those that moved."""
    if grid.is_empty():
        return [LayoutProblem(grid.name, L.CODE.cell,
                              "项目表是空的：没有任何内容（可从首页「新增项目表」重新生成，或删除此表）")]
    expected = [(lab.cell, lab.text) for lab in L.LABELS]
    expected += [(f"{c.col}{L.IND_HEADER_ROW}", c.caption) for c in L.IND_COLUMNS]
    problems = []
    for cell, text in expected:
        if compact(grid.text(cell)) == compact(text):
            continue
        now = grid.find(text)
        found = grid.text(cell)
        if now:
            msg = f"版式已改变：「{text}」应在 {cell}，现在在 {now}（插入或删除了行/列？）"
        elif found:
            msg = f"版式已改变：{cell} 应为「{text}」，现为「{found}」"
        else:
            msg = f"版式已改变：{cell} 应为「{text}」，现为空"
        problems.append(LayoutProblem(grid.name, cell, msg))
    return problems


def project_from_grid(grid: Grid) -> tuple[Project | None, list[LayoutProblem]]:
    """The project on a sheet, or None with the layout problems that prevent reading it."""
    problems = check_layout(grid)
    if problems:
        return None, problems
    invalid: dict[str, str] = {}
    project = Project(seq=_seq(grid), code=grid.text(L.CODE.cell), name=grid.text(L.NAME.cell),
                      sheet=grid.name)
    project.unit = grid.text(L.UNIT_LINE.cell)
    for f in (L.BUDGET, L.FISCAL, L.OTHER):
        setattr(project, f.key, _money(grid.get(f.cell), f.key, invalid))
    project.purpose = grid.text(L.PURPOSE.cell)
    project.plan = [_percent(grid.get(f.cell), f.key, invalid) for f in L.PLAN]
    project.plan_profile = grid.text(L.PLAN_PROFILE.cell)
    project.goal = grid.text(L.GOAL.cell)
    project.funding_line = grid.text(L.FUNDING_LINE.cell)
    project.invalid = invalid
    project.indicators = list(_indicators(grid))
    from .track import read_track  # the monitoring / self-evaluation block, when present

    read_track(grid, project)
    return project, []


def _seq(grid: Grid) -> int:
    value = grid.get(L.SEQ.cell)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    m = _SHEET_SEQ.match(grid.name)
    return int(m.group(1)) if m else 0


_IND_COLS = tuple((c.key, L.col_index(c.col)) for c in L.IND_COLUMNS)
_IND_KEYS = tuple(key for key, _col in _IND_COLS)
_IND_INDEXES = tuple(col for _key, col in _IND_COLS)


def _indicators(grid: Grid):
    # Row by row, the indicator columns only: a workbook of 40 projects has 1,600 such rows.
    for row in range(L.IND_FIRST_ROW, min(L.IND_LAST_ROW, grid.height) + 1):
        cells = grid.row_values(row, _IND_INDEXES)
        if cells.count(None) == len(cells):
            continue
        values = dict(zip(_IND_KEYS, ("" if v is None else _as_text(v) for v in cells), strict=True))
        if any(values.values()):
            yield Indicator(**values)


def _number_text(text: str) -> str:
    return text.replace(",", "").replace("，", "").replace(" ", "").strip()


def _money(value: Any, key: str, invalid: dict[str, str]) -> Decimal | None:
    """A 万元 amount; text that is not a number goes to ``invalid`` (PT202 reports it)."""
    if value is None:
        return None
    if isinstance(value, bool):
        invalid[key] = str(value)
        return None
    if isinstance(value, (int, float)):
        if not _finite(value) or abs(value) > _MONEY_LIMIT:
            invalid[key] = str(value)
            return None
        return _decimal(value)
    text = str(value)
    try:
        number = Decimal(_number_text(text).removesuffix("万元"))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > _MONEY_LIMIT:
        invalid[key] = text.strip()  # "NaN", "Infinity", 1E+300 are not amounts
        return None
    return number


def _percent(value: Any, key: str, invalid: dict[str, str]) -> Decimal | None:
    """A cumulative percentage: the cell holds a fraction (0.25 shown as 25%)."""
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        if isinstance(value, (int, float)):
            number = _decimal(value) * 100
        else:
            text = _number_text(str(value))
            number = Decimal(text[:-1]) if text.endswith(("%", "％")) else Decimal(text) * 100
        if not number.is_finite() or abs(number) > _PERCENT_LIMIT:
            raise InvalidOperation
        return _tidy(number)
    except (InvalidOperation, ValueError, OverflowError):
        invalid[key] = str(value).strip()
        return None


_MONEY_LIMIT = Decimal("1e12")  # 万元: a trillion times a national budget is no amount
_PERCENT_LIMIT = Decimal("1e12")  # beyond this a "percentage" is not one (and would not quantize)


def _finite(value: float | int) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def _decimal(value: float | int) -> Decimal:
    # repr() of a float is the shortest text that reads back to it: 42.78 stays 42.78.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _tidy(value: Decimal) -> Decimal:
    """Drop float noise below 1e-9 (0.8333 * 100 -> 83.33)."""
    return value.quantize(Decimal("1e-9")).normalize()


# -- 部门整体 -----------------------------------------------------------------------------------
def _read_department(grid: Grid, dept: Department) -> None:
    for f in L.DEPT_FIELDS:
        value = grid.get(f.cell)
        if f.kind == "int":
            setattr(dept, f.key, int(value) if isinstance(value, (int, float)) else None)
        else:
            setattr(dept, f.key, grid.text(f.cell))
    sections = {}
    for row in range(1, grid.height + 1):
        text = grid.text(f"A{row}")
        if text in (L.DEPT_SECTION_GOAL, L.DEPT_SECTION_SUBGOALS, L.DEPT_SECTION_MEASURES):
            sections[text] = row
    end = grid.height + 1
    goal_row = sections.get(L.DEPT_SECTION_GOAL)
    sub_row = sections.get(L.DEPT_SECTION_SUBGOALS, end)
    measure_row = sections.get(L.DEPT_SECTION_MEASURES, end)
    if goal_row:
        paragraphs = [grid.text(f"A{r}") for r in range(goal_row + 1, min(sub_row, measure_row))]
        dept.overall_goal = "\n".join(p for p in paragraphs if p)
    if sub_row < end:
        for r in range(sub_row + 2, measure_row):  # +2: skip the header row
            title = grid.text(f"B{r}")
            if title:
                dept.sub_goals.append(SubGoal(title, grid.text(f"C{r}"), grid.text(f"D{r}")))
    if measure_row < end:
        for r in range(measure_row + 2, end):
            title = grid.text(f"B{r}")
            if title:
                dept.measures.append(Measure(title, grid.text(f"C{r}")))


__all__ = ["LayoutProblem", "ReadResult", "money_value", "project_from_grid", "read_workbook"]


def money_value(value: Any) -> Decimal | None:
    """A money cell (万元) as the reader takes it: 42.78, "42.78", "1,200万元"; None when
    empty or not a number (the reader reports such a cell as PT202)."""
    return _money(_clean_cell(value), "", {})


def _clean_cell(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value
