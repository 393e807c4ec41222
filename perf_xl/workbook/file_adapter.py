"""Apply Patches to a workbook file part by part, then save it atomically.

Reading: every sheet's values come from python-calamine — the reader ``validate``, ``export``
and ``consolidate`` use — so a formula cell reads as its cached value everywhere; the
adapter also knows which cells hold formulas (``Grid.formulas``). Patches applied since the
file was opened show in the grids at once (an operation may read what an earlier one
wrote), and are written by ``save``: only the parts they touch change (editor.py), every
other zip member is copied byte for byte.

The live adapter in perf_xl/excel/ applies the same patches to an open workbook through
xlwings; both render owned sheets from the same SheetSpec.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from . import layout as L
from .editor import Book, SheetEdits
from .grid import Grid
from .patch import Formula, Link, Patch, SheetSpec
from .placement import place_patch


class FileAdapter:
    """One workbook file opened for an update: read grids, apply patches, save."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._book: Book | None = Book(self.path)
        self._rows: dict[str, list[list[Any]]] | None = None
        self._merges: dict[str, list[tuple[int, int, int, int]]] = {}
        self._edits: dict[str, SheetEdits] = {}
        # sheet -> Placement of the project sheets a user changed (set by operations.read_book):
        # patches are made in the layout's cells and moved to the sheet's here.
        self.placements: dict = {}
        self._grids: dict[str, Grid] = {}  # read, and not changed since
        self._as_read: dict[str, Grid] = {}  # read from the file (before this update's edits)

    @property
    def book(self) -> Book:
        if self._book is None:  # reopened lazily after a save
            self._book = Book(self.path)
        return self._book

    # -- reading ---------------------------------------------------------------------------
    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheets)

    def _values(self) -> dict[str, list[list[Any]]]:
        if self._rows is None:
            from .grid import read_values  # (a large workbook by two threads)

            try:
                self._rows, self._merges = read_values(self.book.pkg.data)
            except Exception as exc:  # calamine raises its own types for every kind of damage
                self.book.pkg.verify()  # a member that fails its CRC check is named
                raise WorkbookError(f"工作簿已损坏或无法读取：{exc}", path=str(self.path)) from None
        return self._rows

    def grid(self, name: str) -> Grid:
        if name in self._grids:
            return self._grids[name]
        if name not in self.book.sheets:
            raise WorkbookError(f"没有工作表「{name}」", path=str(self.path))
        edits = self._edits.get(name)
        if edits is not None and edits.spec is not None:
            rows: list[list[Any]] = []
            formulas: dict[str, str] = {}
            for cell in edits.spec.cells:
                _put(rows, formulas, cell.ref, cell.value)
        else:
            rows = self._values().get(name, [])
            formulas = self.book.formulas(name)
        if edits is not None and edits.values:
            if edits.spec is None:  # copies: the file's own values and formulas stay as read
                rows, formulas = [list(r) for r in rows], dict(formulas)
            for ref, value in edits.values.items():
                _put(rows, formulas, ref, value)
        grid = Grid(name, rows, formulas=formulas, merges=self._merges.get(name, []))
        if edits is None:
            self._grids[name] = grid
            self._as_read.setdefault(name, grid)
        return grid

    def grids(self) -> dict[str, Grid]:
        return {name: self.grid(name) for name in self.sheet_names}

    # -- writing ---------------------------------------------------------------------------
    def _sheet(self, name: str) -> SheetEdits:
        edits = self._edits.get(name)  # (asked for once per cell a patch writes)
        if edits is None:
            if name not in self.book.sheets:
                raise WorkbookError(f"没有工作表「{name}」", path=str(self.path))
            edits = self._edits[name] = SheetEdits()
        self._grids.pop(name, None)
        return edits

    def apply(self, patch: Patch) -> None:
        patch = place_patch(patch, self.placements)
        if patch.clear_marks:
            self.clear_marks(patch.clear_marks_in or None)
        for (sheet, ref), value in patch.values.items():
            L.split_a1(ref)  # a bad reference fails here, not halfway through the save
            if isinstance(value, Formula) and self._holds(sheet, ref, value):
                continue
            self._sheet(sheet).values[ref] = value
        for spec in patch.sheets:
            self.render(spec)
        for mark in patch.marks:
            if mark.sheet in self.book.sheets or mark.sheet in self._edits:
                self._sheet(mark.sheet).marks.append(mark)

    def _holds(self, sheet: str, ref: str, value: Formula) -> bool:
        """The cell already holds ``value`` as read (unchanged since): the formula and its
        cached result. Most of what summary --write and fill refresh is so, and answering
        it from the read costs a dictionary lookup where the part writer would look for
        each cell in the sheet's bytes."""
        grid = self._as_read.get(sheet)
        edits = self._edits.get(sheet)
        if grid is None or (edits is not None and (edits.spec is not None or ref in edits.values)):
            return False
        # The value first: it is at hand, where the sheet's formulas are found in its bytes
        # (monitor/selfeval write thousands of formulas whose values mostly changed).
        if value.cached is not None and not same_value(grid.raw_at(*L.split_a1(ref)), value.cached):
            return False
        text = value.text if value.text.startswith("=") else "=" + value.text
        return grid.formulas.get(ref) == text

    def clear_marks(self, sheets: tuple[str, ...] | None = None) -> None:
        """Remove every mark a previous run left (on ``sheets`` only, if given); the user's
        own notes and fills stay."""
        for name in self.sheet_names:
            if sheets is not None and name not in sheets:
                continue
            edits = self._sheet(name)
            if edits.spec is None:
                edits.clear = True
            edits.marks.clear()

    def render(self, spec: SheetSpec) -> None:
        """Rewrite an owned sheet from its spec (the sheet keeps its place and code name)."""
        self._edits[spec.name] = SheetEdits(spec=spec)
        self._grids.pop(spec.name, None)
        if spec.name not in self.book.sheets:
            self.book.sheets[spec.name] = ""  # placed by the editor on save

    def save(self) -> None:
        book = self.book
        for name in list(self._edits):
            if book.sheets.get(name) == "":
                del book.sheets[name]
        for name, edits in self._edits.items():
            if edits.spec is None and not edits.values and not edits.marks and not edits.clear:
                continue
            book.edit_sheet(name, edits)
        book.finish()
        book.pkg.save(self.path)
        self._edits.clear()
        self._grids.clear()
        self._as_read.clear()
        self._book = None
        self._rows = None


def display_value(value: Any) -> Any:
    """What a cell shows once a patch value is written (a formula: its cached value)."""
    if isinstance(value, Formula):
        return value.cached
    if isinstance(value, Link):
        return value.text
    return value


def same_value(shown: Any, wanted: Any) -> bool:
    """A value read from a cell (calamine's types) is the value a patch means: the same
    text, truth value or number (Decimal or float alike)."""
    if isinstance(wanted, bool) or isinstance(shown, bool):
        return shown is wanted
    if isinstance(wanted, (int, float, Decimal)):
        return isinstance(shown, (int, float)) and float(shown) == float(wanted)
    if isinstance(wanted, str):
        return isinstance(shown, str) and shown == wanted
    return False


def _put(rows: list[list[Any]], formulas: dict[str, str], ref: str, value: Any) -> None:
    """``value`` written at ``ref`` of a grid's rows and formula map."""
    from .patch import plain

    r, c = L.split_a1(ref)
    while len(rows) < r:
        rows.append([])
    line = rows[r - 1]
    while len(line) < c:
        line.append(None)
    shown = display_value(value)
    line[c - 1] = plain(shown) if shown is not None else None
    if isinstance(value, Formula):
        formulas[ref] = value.text
    else:
        formulas.pop(ref, None)
