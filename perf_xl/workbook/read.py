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

from .. import numbers
from ..errors import WorkbookError
from ..model import Department, Indicator, Measure, Project, SubGoal
from . import layout as L
from .grid import Grid, _as_text, compact, load_grids
from .placement import Placement, anchors_found, has_marker, indicator_rows, place, placements_of


@dataclass
class LayoutProblem:
    """A sheet that no longer matches the layout (PT502)."""

    sheet: str
    cell: str
    message: str
    code: str = "PT502"
    # True: the sheet could not be read and its project is not in the model (a total that
    # leaves it out must say so); False: read, but something on it was not placed.
    fatal: bool = True
    kind: str = "sheet"  # sheet (not read) | caption (a caption not where expected) | row (not placed)


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
    # sheet -> where its fields are, for the project sheets whose cells are not where the
    # layout says (rows or columns inserted, a table grown past 40 rows): the adapters move
    # every patch there (placement.place_patch).
    placements: dict[str, Placement] = field(default_factory=dict)

    def incomplete(self) -> str | None:
        """The first line a command that reports totals must print when they leave out a
        project sheet or a row (None: nothing left out)."""
        return incomplete_note(self.problems)

    def check_patch_cells(self, cells: Iterable[tuple[str, str]], path: str | Path | None = None) -> None:
        """Refuse (exit 2, naming sheet and cell) to write where a user merged cells."""
        for sheet, ref in cells:
            ranges = self.merges.get(sheet)
            if not ranges:
                continue
            if sheet in self.placements:
                ref = self.placements[sheet].cell(ref)
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
    return require_master(read_grids(path)[0], path)


def read_grids(path: str | Path) -> tuple[ReadResult, dict[str, Grid]]:
    """What a workbook's sheets hold for the model, not yet known to be a master workbook's
    (:func:`require_master`), and the grids of the sheets read (those the tool does not own)."""
    names, grids = load_grids(path, only=_needed)
    return department_from_grids(names, grids), grids


def incomplete_note(problems: Iterable[LayoutProblem]) -> str | None:
    """ "注意：合计不完整：…" for sheets that could not be read and rows that were not placed."""
    problems = list(problems)
    sheets = list(dict.fromkeys(p.sheet for p in problems if p.fatal))
    rows = [p for p in problems if p.kind == "row"]
    if not sheets and not rows:
        return None
    parts = []
    if sheets:
        parts.append(f"{len(sheets)} 张项目表无法读取，其项目未计入合计（" + "、".join(
            f"「{s}」" for s in sheets[:5]) + ("等" if len(sheets) > 5 else "") + "）")
    if rows:
        parts.append(f"{len(rows)} 行内容不在指标表内，未计入（" + "、".join(
            f"「{p.sheet}」{p.cell}" for p in rows[:5]) + ("等" if len(rows) > 5 else "") + "）")
    return "注意：合计不完整：" + "；".join(parts) + "，见校验问题 PT502"


def placement_of(project: Project) -> Placement | None:
    """Where the fields of a project read from a sheet are (None: as the layout says)."""
    return project.__dict__.get("_placement")


def cell_of(project: Project | None, ref: str) -> str:
    """The cell that holds layout cell ``ref`` on ``project``'s sheet now."""
    placement = placement_of(project) if project is not None else None
    return placement.cell(ref) if placement is not None else ref


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
    candidates = [n for n in names if n in grids and n not in L.FIXED_SHEETS]
    marked = {n for n in candidates if has_marker(grids[n])}
    for name in candidates:
        grid = grids[name]
        if marked and name not in marked:
            found = anchors_found(grid)
            if len(found) >= _DAMAGED_ANCHORS and place(grid)[0] is None:
                # Most of a project table, without its marker: a project sheet whose first row
                # (and marker) and some captions were deleted. Not guessed at, not left out silently.
                result.problems.append(LayoutProblem(name, "A1", (
                    f"此表有项目表的 {len(found)} 个标题，但没有工具的标记（第 1 行被删除？），版式也不完整，"
                    "无法读取，未计入：若它是项目表，请从首页「新增项目表」重建")))
                continue
            if len(found) < _DAMAGED_ANCHORS:
                if _SHEET_SEQ.match(name) and grid.is_empty():  # a project sheet emptied out
                    result.problems.append(LayoutProblem(name, L.CODE.cell, _EMPTY))
                continue  # the user's own sheet ("2024 对账", "99 我的笔记"): never touched
        elif not marked and not _looks_like_project(grid):
            continue  # a workbook built before the marker: recognised by its captions
        if grid.merges:
            result.merges[name] = grid.merges
        project, problems = project_from_grid(grid)
        result.problems.extend(problems)
        if project is not None:
            dept.projects.append(project)
    result.placements = placements_of(dept.projects)
    return result


_DAMAGED_ANCHORS = 6  # of the 13 anchor captions: fewer, and an unmarked sheet is the user's own
_EMPTY = "项目表是空的：没有任何内容（可从首页「新增项目表」重新生成，或删除此表）"


def is_project_sheet(name: str, grid: Grid) -> bool:
    """A sheet the builder made as a project sheet (its marker), or, in a workbook made
    before the marker, one showing the table's captions."""
    if name in L.FIXED_SHEETS:
        return False
    return has_marker(grid) or _looks_like_project(grid)


def _looks_like_project(grid: Grid) -> bool:
    captions = {compact(lab.text) for lab in L.LABELS[:4]}
    rows, cols = L.CAPTION_WINDOW
    found = 0
    for r in range(1, min(rows, grid.height) + 1):
        for v in grid.row_values(r, range(1, cols + 1)):
            if isinstance(v, str) and compact(v) in captions:
                found += 1
                if found >= 2:
                    return True
    return False


# -- a project sheet -----------------------------------------------------------------------------
def check_layout(grid: Grid) -> list[LayoutProblem]:
    """PT502 problems of a sheet: captions that cannot be found (fatal) or are not where the
    others put them, and rows the indicator table does not take."""
    return project_from_grid(grid)[1]


def project_from_grid(grid: Grid) -> tuple[Project | None, list[LayoutProblem]]:
    """The project on a sheet, or None with the layout problems that prevent reading it.
    Fields are read where the sheet's captions put them (rows or columns inserted or
    deleted move them); problems that do not prevent reading come with the project."""
    if grid.is_empty():
        return None, [LayoutProblem(grid.name, L.CODE.cell, _EMPTY)]
    placement, found = place(grid)
    problems = [LayoutProblem(grid.name, p.cell, p.message, fatal=p.fatal, kind="sheet" if p.fatal else "caption")
                for p in found]
    if placement is None:
        return None, problems
    rows, unplaced = indicator_rows(grid, placement, _TABLE_INDEXES)
    placement.settle(rows)
    at = placement.cell
    invalid: dict[str, str] = {}
    project = Project(seq=_seq(grid, at), code=grid.text(at(L.CODE.cell)), name=grid.text(at(L.NAME.cell)),
                      sheet=grid.name)
    project.unit = grid.text(at(L.UNIT_LINE.cell))
    for f in (L.BUDGET, L.FISCAL, L.OTHER):
        setattr(project, f.key, _money(grid.get(at(f.cell)), f.key, invalid))
    project.purpose = grid.text(at(L.PURPOSE.cell))
    project.plan = [_percent(grid.get(at(f.cell)), f.key, invalid) for f in L.PLAN]
    project.plan_profile = grid.text(at(L.PLAN_PROFILE.cell))
    project.goal = grid.text(at(L.GOAL.cell))
    project.funding_line = grid.text(at(L.FUNDING_LINE.cell))
    project.invalid = invalid
    cols = tuple(placement.col(c) for c in _IND_INDEXES)
    project.indicators = [_indicator(grid, r, cols) for r in rows]
    for r in unplaced:
        problems.append(LayoutProblem(
            grid.name, L.a1(r, placement.col(1)),
            f"第 {r} 行有内容，但不在指标表内（指标表从第 {placement.header_row + 1} 行起，"
            "到「填表说明」或第一个空行为止），未计入：请把它移入指标表或删除", fatal=False, kind="row"))
    _read_declaration(grid, project, at)
    from .track import read_track  # the monitoring / self-evaluation block, when present

    read_track(grid, project, placement)
    project.__dict__["_placement"] = placement
    return project, problems


def _read_declaration(grid: Grid, project: Project, at) -> None:
    """The 申报表 header fields (empty in workbooks built before them); the 中期 values
    are read with the indicator rows."""
    for f in L.DECLARATION_FIELDS:
        setattr(project, f.key, grid.text(at(f.cell)))


def _seq(grid: Grid, at) -> int:
    value = grid.get(at(L.SEQ.cell))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and _finite(value) and float(
            value).is_integer() and abs(value) < 1e9:
        return int(value)
    m = _SHEET_SEQ.match(grid.name)
    return int(m.group(1)) if m else 0


_IND_COLS = tuple((c.key, L.col_index(c.col)) for c in (*L.IND_COLUMNS, L.MID_VALUE_COLUMN))
_IND_KEYS = tuple(key for key, _col in _IND_COLS)
_IND_INDEXES = tuple(col for _key, col in _IND_COLS)
# The columns that make a row an indicator row (the 中期 value beside them does not).
_TABLE_INDEXES = tuple(L.col_index(c.col) for c in L.IND_COLUMNS)


assert _IND_KEYS == ("level1", "level2", "level3", "description", "value", "basis", "mid_value")


def _indicator(grid: Grid, row: int, cols: tuple[int, ...]) -> Indicator:
    texts = []
    for v in grid.row_values(row, cols):  # blanks are None
        if v is None:
            texts.append("")
        else:
            texts.append(v.strip() if v.__class__ is str else _as_text(v))
    return Indicator(*texts[:6], mid_value=texts[6])


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
    number = numbers.amount_or_invalid(str(value), key, invalid)
    if number is not None and abs(number) > _MONEY_LIMIT:
        invalid[key] = str(value).strip()  # 1E+300 is not an amount
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
            if not _finite(value):
                raise InvalidOperation
            number = _decimal(value) * 100
        else:
            text = numbers.fold(str(value))  # the one reader of numbers
            number = (numbers.parse_percent(text) if text.endswith("%")
                      else numbers.parse_number(text) * 100)
        if not number.is_finite() or abs(number) > _PERCENT_LIMIT:
            raise InvalidOperation
        return _tidy(number)
    except (InvalidOperation, ValueError, OverflowError, numbers.NumberError):
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
    _seq, title_col, label_col, target_col = (c for c, _ in L.DEPT_SUBGOAL_COLUMNS)
    if sub_row < end:
        for r in range(sub_row + 2, measure_row):  # +2: skip the header row
            title = grid.text(f"{title_col}{r}")
            if title:
                dept.sub_goals.append(SubGoal(title, grid.text(f"{label_col}{r}"),
                                              grid.text(f"{target_col}{r}")))
    _seq, title_col, text_col = (c for c, _ in L.DEPT_MEASURE_COLUMNS)
    if measure_row < end:
        for r in range(measure_row + 2, end):
            title = grid.text(f"{title_col}{r}")
            if title:
                dept.measures.append(Measure(title, grid.text(f"{text_col}{r}")))


__all__ = ["LayoutProblem", "ReadResult", "cell_of", "money_value", "placement_of", "project_from_grid",
           "read_workbook"]


def money_value(value: Any) -> Decimal | None:
    """A money cell (万元) as the reader takes it: 42.78, "42.78", "1,200万元"; None when
    empty or not a number (the reader reports such a cell as PT202)."""
    return _money(_clean_cell(value), "", {})


def _clean_cell(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value
