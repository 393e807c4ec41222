"""A faster openpyxl load for in-place updates: the same workbook object, sooner.

openpyxl spends about half of loading a master workbook (2,000+ merged ranges: every
indicator row merges D:E) on the border arithmetic of merged cells: for each range it adds
Border objects cell by cell, hashing them into the style table each time. The results
depend only on style ids, so ``fast_merges()`` swaps ``WorksheetReader.bind_merged_cells``
for a version that memoises them by id — the same cells, style ids and style tables as
openpyxl's own (tests/workbook/test_fast_load.py compares them cell by cell) in about
half the time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_SIDES = ("top", "left", "right", "bottom")  # the order of MergedCellRange.format


def _style(cell):
    from openpyxl.styles.cell_style import StyleArray

    if not cell._style:
        cell._style = StyleArray()
    return cell._style


def _bind_merged_cells(self) -> None:
    """openpyxl's WorksheetReader.bind_merged_cells (MergedCellRange._get_borders,
    Worksheet._clean_merge_range, MergedCellRange.format) with memoised border sums."""
    from openpyxl.styles.borders import Border
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
    from openpyxl.worksheet.merge import MergedCell, MergedCellRange

    if not self.parser.merged_cells:
        return
    ws = self.ws
    borders = ws.parent._borders
    cells = ws._cells
    memo: dict[tuple, int] = {}

    def combine(key: tuple, left: int, make) -> int:
        # borders.add(borders[left] + make()): equal ids are equal borders and the table
        # only grows, so the resulting id depends on the key alone.
        if key not in memo:
            memo[key] = borders.add(borders[left] + make())
        return memo[key]

    def merged(coord):
        cell = cells.get(coord)
        if cell is None:
            cell = cells[coord] = MergedCell(ws, row=coord[0], column=coord[1])
        return cell

    ranges = []
    for cr in self.parser.merged_cells.mergeCell:
        mcr = MergedCellRange.__new__(MergedCellRange)
        CellRange.__init__(mcr, range_string=cr.ref)
        mcr.ws = ws
        # _get_borders: the top-left cell takes the right and bottom of the bottom-right one.
        start = cells.get((mcr.min_row, mcr.min_col))
        if start is None:
            start = ws.cell(row=mcr.min_row, column=mcr.min_col)
        mcr.start_cell = start
        end = cells.get((mcr.max_row, mcr.max_col))
        if end is not None:
            sid, eid = _style(start).borderId, _style(end).borderId
            _style(start).borderId = combine(
                ("end", sid, eid), sid,
                lambda eid=eid: Border(right=borders[eid].right, bottom=borders[eid].bottom))
        # _clean_merge_range: every cell but the top-left becomes a MergedCell …
        coords = mcr.cells
        next(coords)
        for row, col in coords:
            cells[row, col] = MergedCell(ws, row, col)
        # … and format(): the edges take the top-left cell's borders, all its protection.
        sid = _style(start).borderId
        sb = borders[sid]
        for name in _SIDES:
            side = getattr(sb, name)
            if side and side.style is None:
                continue
            for coord in getattr(mcr, name):
                st = _style(merged(coord))
                st.borderId = combine((name, st.borderId, sid), st.borderId,
                                      lambda side=side, name=name: Border(**{name: side}))
        pid = _style(start).protectionId
        for coord in mcr.cells:
            _style(merged(coord)).protectionId = pid
        ranges.append(mcr)
    ws.merged_cells = MultiCellRange(ranges)


@contextlib.contextmanager
def fast_merges() -> Iterator[None]:
    from openpyxl.worksheet._reader import WorksheetReader

    saved = WorksheetReader.bind_merged_cells
    WorksheetReader.bind_merged_cells = _bind_merged_cells
    try:
        yield
    finally:
        WorksheetReader.bind_merged_cells = saved
