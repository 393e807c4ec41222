"""Where the layout's cells are on a sheet a user has changed (issue 12).

The builder puts every field where perf_xl/workbook/layout.py says. A user inserts or deletes
whole rows and columns; Excel and LibreOffice move the cells with them. :func:`place` finds
the captions the layout declares as anchors (``ROW_ANCHORS``, ``COL_ANCHORS``) within the
layout's ``CAPTION_WINDOW`` and returns a :class:`Placement`: layout cell -> the cell where
that field is now. Every reader goes through it, and :func:`place_patch` moves every patch
(made in the layout's cells) to the cells found before an adapter writes it, formulas
included, so a value is read from, and written to, the cell that holds it — never into a
row or column the user inserted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from typing import Any

from . import layout as L
from .grid import Grid, compact

_ROW_ANCHOR_TEXT = {r: compact(t) for r, t in L.ROW_ANCHORS.items()}
_COL_ANCHOR_TEXT = {L.col_index(c): compact(t) for c, t in L.COL_ANCHORS.items()}
_ANCHOR_TEXTS = frozenset(_ROW_ANCHOR_TEXT.values()) | frozenset(_COL_ANCHOR_TEXT.values())
# Where the builder puts each anchor caption (row anchors sit in column A, except 预算数 in B).
_HOME: dict[str, tuple[int, int]] = {}
for _lab in (*L.LABELS, *L.TOOL_LABELS):
    _HOME.setdefault(compact(_lab.text), L.split_a1(_lab.cell))
for _c in L.IND_COLUMNS:
    _HOME.setdefault(compact(_c.caption), (L.IND_HEADER_ROW, L.col_index(_c.col)))
_TOOL = L.col_index(L.TOOL_COL_ANCHOR)
# Optional anchors: layout column -> (home (row, col), caption).
_OPTIONAL = {L.col_index(c): (L.split_a1(cell), compact(text)) for c, (cell, text) in L.OPTIONAL_COL_ANCHORS.items()}
_OPTIONAL_TEXTS = frozenset(t for _h, t in _OPTIONAL.values())
_MARKER = compact(L.MARKER_PREFIX)
_split = lru_cache(maxsize=8192)(L.split_a1)
_MARKER_HOME = L.split_a1(L.MARKER_CELL)
_END = compact(L.IND_END_MARKER)
_END_FIRST = _END[0]  # in any text whose compacted form starts with _END


def has_marker(grid: Grid) -> bool:
    """The builder's hidden marker: at its cell, or (columns/rows inserted) in its window."""
    value = grid.at(*_MARKER_HOME)
    if isinstance(value, str) and compact(value).startswith(_MARKER):
        return True
    rows, cols = L.MARKER_WINDOW
    for r in range(1, min(rows, grid.height) + 1):
        for v in grid.row_values(r, range(1, cols + 1)):
            if isinstance(v, str) and compact(v).startswith(_MARKER):
                return True
    return False


@dataclass
class Problem:
    cell: str
    message: str
    fatal: bool  # the sheet cannot be read (an anchor is missing)


@dataclass
class Placement:
    """Layout cell -> the cell that holds that field now."""

    rows: dict[int, int]  # layout rows 1..IND_HEADER_ROW
    cols: dict[int, int]  # layout columns (1-based)
    indicator_rows: list[int] = field(default_factory=list)  # the rows read as indicators, in order
    moved: bool = False
    exact: bool = False  # every cell where the layout says (set by :meth:`settle`)

    def settle(self, rows: list[int]) -> None:
        """Record the indicator table's rows; the placement is then fixed. A table of more
        than IND_CAPACITY rows is not exact: ranges over the table reach its last row."""
        self.indicator_rows = rows
        self.exact = not self.moved and len(rows) <= L.IND_CAPACITY and rows == list(
            range(L.IND_FIRST_ROW, L.IND_FIRST_ROW + len(rows)))

    @property
    def table_end(self) -> int:
        """The sheet row a range over the table ends at (layout IND_LAST_ROW, or the last
        indicator row when the table has grown past it)."""
        end = self.row(L.IND_LAST_ROW)
        return max(end, self.indicator_rows[-1]) if self.indicator_rows else end

    @property
    def header_row(self) -> int:
        return self.rows[L.IND_HEADER_ROW]

    def row(self, row: int) -> int:
        if row <= L.IND_HEADER_ROW:
            if row in self.rows:
                return self.rows[row]
            return row + self.rows[L.IND_HEADER_ROW] - L.IND_HEADER_ROW
        index = row - L.IND_FIRST_ROW
        if index < len(self.indicator_rows):
            return self.indicator_rows[index]
        last = self.indicator_rows[-1] if self.indicator_rows else self.header_row
        return last + 1 + index - len(self.indicator_rows)

    def col(self, col: int) -> int:
        if not self.moved:  # every column where the layout says (see _search)
            return col
        if col in self.cols:
            return self.cols[col]
        left = max((c for c in self.cols if c < col), default=None)
        return col if left is None else self.cols[left] + col - left

    def cell(self, ref: str) -> str:
        if self.exact:
            return ref
        row, col = _split(ref)
        if not self.moved and row < L.IND_FIRST_ROW:
            return ref
        return L.a1(self.row(row), self.col(col))

    def indicator_cell(self, index: int, key: str) -> str:
        return self.cell(L.indicator_cell(index, key))


IDENTITY_ROWS = {r: r for r in range(1, L.IND_HEADER_ROW + 1)}
IDENTITY_COLS = {c: c for c in range(1, L.col_index(L.IND_GROUP_COLUMN.col) + 1)}


def place(grid: Grid) -> tuple[Placement | None, list[Problem]]:
    """The placement of ``grid``'s fields, and the captions that are not where it says
    (fatal when an anchor caption cannot be found: the sheet cannot be read)."""
    if _anchors_home(grid):
        placement = Placement(dict(IDENTITY_ROWS), dict(IDENTITY_COLS))
    else:
        placement, problems = _search(grid)
        if placement is None:
            return None, problems
    return placement, _check_labels(grid, placement)


def _anchors_home(grid: Grid) -> bool:
    for (r, c), text in _OPTIONAL.values():
        v = grid.at(r, c)
        if not isinstance(v, str) or compact(v) != text:
            return False  # moved, or not there (an older build): the search tells which
    for text in _ROW_ANCHOR_TEXT.values():
        r, c = _HOME[text]
        v = grid.at(r, c)
        if not isinstance(v, str) or compact(v) != text:
            return False
    for col, text in _COL_ANCHOR_TEXT.items():
        r, c = _HOME[text]
        v = grid.at(r, c)
        if (not isinstance(v, str) or compact(v) != text) and col != _TOOL:
            return False
    return True


def _window_text() -> str:
    rows, cols = L.CAPTION_WINDOW
    return f"A1:{L.a1(rows, cols)}"


def _find_all(grid: Grid) -> dict[str, tuple[int, int]]:
    """The first cell (row by row) of each anchor caption inside the caption window."""
    rows, cols = L.CAPTION_WINDOW
    found: dict[str, tuple[int, int]] = {}
    wanted = _ANCHOR_TEXTS | _OPTIONAL_TEXTS
    for r in range(1, min(rows, grid.height) + 1):
        for c, v in enumerate(grid.row_values(r, range(1, cols + 1)), 1):
            if isinstance(v, str):
                t = compact(v)
                if t in wanted and t not in found:
                    found[t] = (r, c)
    return found


def anchors_found(grid: Grid) -> list[str]:
    """The anchor captions present in the caption window."""
    return list(_find_all(grid))


def _search(grid: Grid) -> tuple[Placement | None, list[Problem]]:
    found = _find_all(grid)
    problems: list[Problem] = []
    rows: dict[int, int] = {}
    for layout_row, text in _ROW_ANCHOR_TEXT.items():
        if text in found:
            rows[layout_row] = found[text][0]
    cols: dict[int, int] = {}
    for layout_col, text in _COL_ANCHOR_TEXT.items():
        if text in found:
            # 一级指标 fixes both the header row and column A; 序号 is in the tool block's row 1.
            cols[layout_col] = found[text][1]
    tool = L.col_index(L.TOOL_COL_ANCHOR)
    if tool not in cols and L.col_index(L.LAST_COL) in cols:
        # The tool block's caption is not needed to read the table (a UDF sees only A:G).
        cols[tool] = cols[L.col_index(L.LAST_COL)] + tool - L.col_index(L.LAST_COL)
    missing = [t for t in (*L.ROW_ANCHORS.values(), *L.COL_ANCHORS.values()) if compact(t) not in found
               and t != L.COL_ANCHORS[L.TOOL_COL_ANCHOR]]
    for text in dict.fromkeys(missing):
        home = L.a1(*_HOME[compact(text)])
        problems.append(Problem(home, f"找不到标题「{text}」（应在 {home}，已在 {_window_text()} 中查找）："
                                      "此表无法读取，请恢复该标题", True))
    if problems:
        return None, problems
    order = sorted(rows)
    if any(rows[a] >= rows[b] for a, b in pairwise(order)):
        return None, [Problem(L.a1(*_HOME[compact(L.ROW_ANCHORS[3])]),
                              "版式已改变：各行标题的先后次序与模板不同（行被移动？），此表无法读取", True)]
    corder = sorted(cols)
    if any(cols[a] >= cols[b] for a, b in pairwise(corder)):
        return None, [Problem(L.a1(L.IND_HEADER_ROW, 1),
                              "版式已改变：指标表各列标题的先后次序与模板不同（列被移动？），此表无法读取", True)]
    for layout_row, (base, offset) in L.DERIVED_ROWS.items():
        rows[layout_row] = max(rows[base] + offset, 0)  # 0: a row deleted above 项目编码
    for letter, (base, offset) in L.DERIVED_COLS.items():
        cols[L.col_index(letter)] = cols[L.col_index(base)] + offset
    for layout_col, (_home, text) in _OPTIONAL.items():
        # right of the tool block, in the layout's order; a caption found elsewhere (typed by
        # the user left of it) does not count
        if text in found and found[text][1] > max(v for k, v in cols.items() if k < layout_col):
            cols[layout_col] = found[text][1]
    # The title and unit rows (derived from 项目编码's) may have been deleted: nothing the
    # model needs lives only there (序号 falls back to the sheet name).
    moved = rows != IDENTITY_ROWS or any(v != k for k, v in cols.items())
    return Placement(rows, cols, moved=moved), []


_EXPECTED = tuple((*L.split_a1(cell), compact(text), text) for cell, text in (
    *((lab.cell, lab.text) for lab in L.LABELS),
    *((f"{c.col}{L.IND_HEADER_ROW}", c.caption) for c in L.IND_COLUMNS)))


def _check_labels(grid: Grid, placement: Placement) -> list[Problem]:
    """Non-fatal: a fixed caption (not an anchor) that is not where the placement puts it."""
    problems = []
    same = not placement.moved
    for r, c, wanted, text in _EXPECTED:
        row, col = (r, c) if same else (placement.row(r), placement.col(c))
        v = grid.at(row, col)
        if v.__class__ is str and compact(v) == wanted:
            continue
        where = L.a1(row, col)
        now = grid.find(text, *L.CAPTION_WINDOW)
        shown = grid.text(where)
        if now:
            msg = f"版式已改变：「{text}」应在 {where}，现在在 {now}"
        elif shown:
            msg = f"版式已改变：{where} 应为「{text}」，现为「{shown}」"
        else:
            msg = f"版式已改变：{where} 应为「{text}」，现为空"
        problems.append(Problem(where, msg, False))
    return problems


def _filled(line: list, idx: tuple[int, ...]) -> bool:
    n = len(line)
    for i in idx:
        if i < n:
            v = line[i]
            if v is not None and v != "" and not (v.__class__ is str and v.isspace()):
                return True
    return False


def indicator_rows(grid: Grid, placement: Placement, cols: tuple[int, ...]) -> tuple[list[int], list[int]]:
    """(rows of the indicator table, rows with content the table does not take). The table
    runs from below its header to the end marker (the notes line), blank rows skipped; without
    the marker it ends at the first fully empty row, and anything below is not placed."""
    raw = grid.raw
    first = placement.header_row + 1
    idx = tuple(placement.col(c) - 1 for c in cols)
    a = placement.col(1) - 1
    end = None
    for r in range(first, len(raw) + 1):
        line = raw[r - 1]
        v = line[a] if a < len(line) else None
        if v.__class__ is str and _END_FIRST in v and compact(v).startswith(_END):
            end = r
            break
    unplaced: list[int] = []
    if end is not None:
        taken = [r for r in range(first, end) if _filled(raw[r - 1], idx)]
        head, rest = idx[:1], idx[1:]
        for r in range(end + 1, len(raw) + 1):  # below the notes: only what looks like an indicator
            line = raw[r - 1]
            if _filled(line, head) and _filled(line, rest):
                unplaced.append(r)
        return taken, unplaced
    taken = []
    r = first
    while r <= len(raw) and _filled(raw[r - 1], idx):
        taken.append(r)
        r += 1
    unplaced = [rr for rr in range(r + 1, len(raw) + 1) if _filled(raw[rr - 1], idx)]
    return taken, unplaced


# -- moving a patch to the cells found ------------------------------------------------------
def built(count: int) -> Placement | None:
    """The placement of a freshly built sheet of ``count`` indicators: None (the layout's
    cells) up to IND_CAPACITY; beyond, ranges over the table reach its last row."""
    if count <= L.IND_CAPACITY:
        return None
    placement = Placement(dict(IDENTITY_ROWS), dict(IDENTITY_COLS))
    placement.settle(list(range(L.IND_FIRST_ROW, L.IND_FIRST_ROW + count)))
    return placement


class GrownSheet:
    """An XlsxWriter worksheet whose formulas are written for a table grown past
    IND_CAPACITY rows (the builder's formulas are made for the layout's 40)."""

    def __init__(self, ws, placement: Placement) -> None:
        self._ws, self._placement = ws, placement

    def write_formula(self, row, col, formula, *args):
        return self._ws.write_formula(row, col, place_formula(formula, self._placement, {}), *args)

    def __getattr__(self, name):
        return getattr(self._ws, name)


def placements_of(projects) -> dict[str, Placement]:
    """sheet -> placement of the projects whose cells are not where the layout says."""
    out = {}
    for p in projects:
        placement = p.__dict__.get("_placement")
        if p.sheet and placement is not None and not placement.exact:
            out[p.sheet] = placement
    return out


def place_patch(patch, placements: Mapping[str, Placement]):
    """``patch`` (made in the layout's cells) with every value moved to the cell the sheet
    holds that field in now, and formula references moved with it (references to another
    project sheet by that sheet's placement). Marks are findings' cells, already placed."""
    if not placements:
        return patch
    from .patch import Cell, Formula, Patch

    out = Patch(marks=patch.marks, clear_marks=patch.clear_marks, clear_marks_in=patch.clear_marks_in)
    for (sheet, ref), value in patch.values.items():
        own = placements.get(sheet)
        if isinstance(value, Formula):
            value = replace(value, text=place_formula(value.text, own, placements))
        out.values[(sheet, own.cell(ref) if own is not None else ref)] = value
    for spec in patch.sheets:
        cells = []
        for c in spec.cells:
            if isinstance(c.value, Formula):
                c = Cell(c.ref, replace(c.value, text=place_formula(c.value.text, None, placements)), c.style)
            cells.append(c)
        out.sheets.append(replace(spec, cells=cells))
    return out


@lru_cache(maxsize=1)
def _ref_pattern() -> re.Pattern:
    """A reference, optionally sheet-qualified, optionally the end of a range; strings are
    skipped. (Compiled when first needed: a read that moves no formula never pays for it.)"""
    return re.compile(
        r'"[^"]*"'
        r"|(?P<q>(?:'(?:[^']|'')+'|[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*)!)?"
        r"(?<![\w.$])(?P<c1>\$?[A-Z]{1,3})(?P<r1>\$?\d+)(?![\w(])"
        r"(?::(?P<c2>\$?[A-Z]{1,3})(?P<r2>\$?\d+)(?![\w(]))?")


def place_formula(text: str, own: Placement | None, placements: Mapping[str, Placement]) -> str:
    """Formula ``text`` with its references moved: unqualified ones by ``own``, those to
    another sheet by that sheet's placement (unchanged when it has none)."""
    def move(m: re.Match) -> str:
        if m.group("c1") is None:
            return m.group(0)  # a string literal
        q = m.group("q")
        if q:
            name = q[:-1]
            if name.startswith("'"):
                name = name[1:-1].replace("''", "'")
            placement = placements.get(name)
        else:
            placement = own
        if placement is None:
            return m.group(0)
        first = _moved(placement, m.group("c1"), m.group("r1"), end=False)
        if m.group("c2") is None:
            return (q or "") + first
        return (q or "") + first + ":" + _moved(placement, m.group("c2"), m.group("r2"), end=True)

    return _ref_pattern().sub(move, text)


def _moved(placement: Placement, col: str, row: str, *, end: bool) -> str:
    c_abs, c = ("$", col[1:]) if col.startswith("$") else ("", col)
    r_abs, r = ("$", row[1:]) if row.startswith("$") else ("", row)
    layout_row = int(r)
    sheet_row = placement.table_end if end and layout_row == L.IND_LAST_ROW else placement.row(layout_row)
    return f"{c_abs}{L.col_letter(placement.col(L.col_index(c)))}{r_abs}{sheet_row}"


def moved_value(value: Any, placement: Placement | None) -> Any:
    """A formula value as it reads on a moved sheet (for comparing with what it holds)."""
    from .patch import Formula

    if placement is None or not isinstance(value, Formula):
        return value
    return replace(value, text=place_formula(value.text, placement, {}))
