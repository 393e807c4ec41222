"""An in-memory fake of the small part of the xlwings API that perf_xl.excel uses.

FakeBook / FakeSheet / FakeRange … are backed by dicts and start from a real workbook file
(openpyxl for formulas, formats, merges, notes and widths; python-calamine for the values
a formula cell shows, as Excel would). Each fake class names the xlwings class it stands
for (``xlwings_class``); tests/excel/test_fake_xlwings.py checks that every public name
here exists on that class with the same kind (property / method) and signature, and that
the Windows engine (xlwings/_xlwindows.py) implements it. What Excel does and the fake
copies: values come back as floats, a single cell as a scalar, a row or column as a list
(``options(ndim=2)`` always 2-D); writing a 2-D list to one cell fills the block it
covers; a text starting with "=" becomes a formula and one starting with "'" stays text;
writing part of a merged area fails; ``Decimal`` is refused (pywin32 would pass it as a
4-decimal currency). Anything else the adapter might ask for raises instead of passing.
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlwings.base_classes import _UNSET  # xlwings' "argument not given" (shown as ...)

from perf_xl.workbook.layout import col_index, col_letter

_A1 = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d+)?$")
DEFAULT_WIDTH = 8.43
DEFAULT_HEIGHT = 15.0
DEFAULT_FONT = {"name": "Calibri", "size": 11.0, "bold": False, "italic": False, "color": (0, 0, 0)}


def _hex_to_rgb(text: str) -> tuple[int, int, int]:
    text = text.lstrip("#")[-6:]
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _rgb(color: Any) -> tuple[int, int, int] | None:
    if color is None:
        return None
    if isinstance(color, str):
        return _hex_to_rgb(color)
    if isinstance(color, int):
        return color & 0xFF, (color >> 8) & 0xFF, (color >> 16) & 0xFF  # Excel's BGR int
    return tuple(color)  # type: ignore[return-value]


@dataclass
class CellData:
    value: Any = None  # what the cell shows (a formula's last computed value)
    formula: str | None = None
    fill: tuple[int, int, int] | None = None
    number_format: str = "General"
    font: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_FONT))
    h_align: str = "general"
    v_align: str = "bottom"
    wrap: bool = False
    borders: dict[str, str] = field(default_factory=dict)  # side -> line style
    note: NoteData | None = None
    hyperlink: str | None = None

    def is_blank(self) -> bool:
        return self.value is None and self.formula is None

    def is_default(self) -> bool:
        return self == CellData()


@dataclass
class NoteData:
    text: str
    author: str = "Excel 用户"  # Excel uses the application user's name; xlwings cannot set it


class MergedCellError(Exception):
    """Excel: "We can't do that to a merged cell"."""


# -- the application and the book -------------------------------------------------------------
class FakeApp:
    xlwings_class = "App"

    def __init__(self) -> None:
        self.alerts: list[dict[str, Any]] = []
        self._screen_updating = True
        self._calculation = "automatic"
        self._books = FakeBooks(self)
        self.calculations = 0  # recalculations triggered by switching back to automatic

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str | None:
        if not isinstance(prompt, str):
            raise TypeError("prompt must be text")
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"

    @property
    def screen_updating(self) -> bool:
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._screen_updating = bool(value)

    @property
    def calculation(self) -> str:
        return self._calculation

    @calculation.setter
    def calculation(self, value: str) -> None:
        if value not in ("automatic", "manual", "semiautomatic"):
            raise ValueError(value)
        if value == "automatic" and self._calculation != "automatic":
            self.calculations += 1
        self._calculation = value

    @property
    def books(self) -> FakeBooks:
        return self._books


class FakeBooks:
    xlwings_class = "Books"

    def __init__(self, app: FakeApp) -> None:
        self._app = app
        self._list: list[FakeBook] = []

    def open(self, fullname=None, update_links=None, read_only=None, format=None, password=None,
             write_res_password=None, ignore_read_only_recommended=None, origin=None, delimiter=None,
             editable=None, notify=None, converter=None, add_to_mru=None, local=None,
             corrupt_load=None, json=None) -> FakeBook:
        return FakeBook.from_file(fullname, app=self._app)  # registers itself

    def __iter__(self):
        return iter(list(self._list))

    def __len__(self) -> int:
        return len(self._list)


class FakeBook:
    xlwings_class = "Book"

    def __init__(self, fullname: str, app: FakeApp | None = None) -> None:
        self._fullname = fullname
        self._app = app or FakeApp()
        self._sheets: list[FakeSheet] = []
        self._active: FakeSheet | None = None
        self.closed = False
        if self not in self._app.books._list:
            self._app.books._list.append(self)

    @classmethod
    def from_file(cls, path: str | Path, app: FakeApp | None = None) -> FakeBook:
        """The workbook at ``path`` as Excel would show it after opening."""
        import openpyxl
        from python_calamine import CalamineWorkbook

        path = Path(path)
        book = cls(str(path), app)
        wb = openpyxl.load_workbook(path, keep_vba=True, rich_text=False)
        shown = CalamineWorkbook.from_path(str(path))
        for ws in wb.worksheets:
            sheet = FakeSheet(book, ws.title)
            book._sheets.append(sheet)
            values = shown.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
            _load_sheet(sheet, ws, values)
        book._active = book._sheets[wb.index(wb.active)]
        for sheet, buttons in zip(book._sheets, _vml_buttons(path), strict=True):
            sheet.shape_list = [ShapeData(f"Button {i}", text, _on_action(book, macro))
                                for i, (text, macro) in enumerate(buttons, 1)]
        return book

    @property
    def name(self) -> str:
        return Path(self._fullname).name

    @property
    def fullname(self) -> str:
        return self._fullname

    @property
    def app(self) -> FakeApp:
        return self._app

    @property
    def sheets(self) -> FakeSheets:
        return FakeSheets(self)

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self._sheets]

    def close(self) -> None:
        self.closed = True
        if self in self._app.books._list:
            self._app.books._list.remove(self)


class FakeSheets:
    xlwings_class = "Sheets"

    def __init__(self, book: FakeBook) -> None:
        self._book = book

    def __getitem__(self, key: int | str) -> FakeSheet:
        if isinstance(key, int):
            return self._book._sheets[key]
        for s in self._book._sheets:
            if s.name.casefold() == key.casefold():
                return s
        raise KeyError(key)

    def __iter__(self):
        return iter(list(self._book._sheets))

    def __len__(self) -> int:
        return len(self._book._sheets)

    def __contains__(self, key: str) -> bool:
        return any(s.name.casefold() == key.casefold() for s in self._book._sheets)

    @property
    def count(self) -> int:
        return len(self)

    @property
    def active(self) -> FakeSheet:
        return self._book._active or self._book._sheets[0]

    def add(self, name: str | None = None, before: FakeSheet | None = None,
            after: FakeSheet | None = None) -> FakeSheet:
        name = name or f"Sheet{len(self) + 1}"
        if name in self:
            raise ValueError(f"a sheet named {name!r} exists")
        sheet = FakeSheet(self._book, name)
        _insert(self._book, sheet, before, after)
        self._book._active = sheet  # Excel activates a new sheet
        return sheet


def _insert(book: FakeBook, sheet: FakeSheet, before, after) -> None:
    if before is not None:
        book._sheets.insert(book._sheets.index(before), sheet)
    elif after is not None:
        book._sheets.insert(book._sheets.index(after) + 1, sheet)
    elif book._sheets:  # Excel adds a sheet before the active one
        active = book._active or book._sheets[0]
        book._sheets.insert(book._sheets.index(active), sheet)
    else:
        book._sheets.append(sheet)


# -- a sheet ------------------------------------------------------------------------------------
class FakeSheet:
    xlwings_class = "Sheet"

    def __init__(self, book: FakeBook, name: str) -> None:
        self._book = book
        self._name = name
        self.cells_data: dict[tuple[int, int], CellData] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.col_widths: dict[int, float] = {}
        self.row_heights: dict[int, float] = {}
        self.chart_list: list[FakeChart] = []
        self.shape_list: list[ShapeData] = []  # the buttons (form controls) of the sheet
        self._print_area: str | None = None
        self.extras: dict[str, Any] = {}  # what the file has that the fake does not model
        self.reads = 0  # bulk reads, for the one-read-per-sheet test
        self.writes = 0  # value writes

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        if len(value) > 31 or set("[]:*?/\\") & set(value):
            raise ValueError(f"invalid sheet name {value!r}")
        self._name = value

    @property
    def book(self) -> FakeBook:
        return self._book

    @property
    def index(self) -> int:
        return self._book._sheets.index(self) + 1

    def range(self, cell1, cell2=None) -> FakeRange:
        r1, c1, r2, c2 = _bounds(cell1)
        if cell2 is not None:
            q1, d1, q2, d2 = _bounds(cell2)
            r1, c1, r2, c2 = min(r1, q1), min(c1, d1), max(r2, q2), max(c2, d2)
        return FakeRange(self, r1, c1, r2, c2)

    def __getitem__(self, item: str | tuple[int, int]) -> FakeRange:
        return self.range(item)

    @property
    def used_range(self) -> FakeRange:
        used = [k for k, c in self.cells_data.items() if not c.is_default()]
        if not used:
            return self.range("A1")
        return FakeRange(self, min(r for r, _ in used), min(c for _, c in used),
                         max(r for r, _ in used), max(c for _, c in used))

    def clear(self) -> None:
        self.cells_data.clear()
        self.merges.clear()

    def clear_contents(self) -> None:
        for cell in self.cells_data.values():
            cell.value = cell.formula = None

    @property
    def charts(self) -> FakeCharts:
        return FakeCharts(self)

    @property
    def notes(self) -> list[FakeNote]:
        return [FakeNote(self, r, c) for (r, c), cell in sorted(self.cells_data.items())
                if cell.note is not None]

    @property
    def page_setup(self) -> FakePageSetup:
        return FakePageSetup(self)

    @property
    def shapes(self) -> FakeShapes:
        return FakeShapes(self)

    def copy(self, before: FakeSheet | None = None, after: FakeSheet | None = None,
             name: str | None = None) -> FakeSheet:
        target_book = (before or after or self)._book
        name = name or f"{self.name} (2)"
        if name in target_book.sheets:
            raise ValueError(f"a sheet named {name!r} exists")
        new = FakeSheet(target_book, name)
        new.cells_data = copy.deepcopy(self.cells_data)
        new.merges = list(self.merges)
        new.col_widths = dict(self.col_widths)
        new.row_heights = dict(self.row_heights)
        new._print_area = self._print_area
        new.extras = copy.deepcopy(self.extras)
        for chart in self.chart_list:
            new.chart_list.append(copy.copy(chart))
        # Excel copies the buttons with their OnAction as it is: a button that ran a macro
        # of this workbook names it with this workbook's file name, also in another book.
        new.shape_list = [copy.copy(shape) for shape in self.shape_list]
        if before is None and after is None:
            after = target_book._sheets[-1]
        _insert(target_book, new, before, after)
        target_book._active = new
        return new

    def delete(self) -> None:
        self._book._sheets.remove(self)

    def activate(self) -> None:
        self._book._active = self

    # -- fake internals (not xlwings API) --
    def cell(self, row: int, col: int) -> CellData:
        return self.cells_data.setdefault((row, col), CellData())

    def peek(self, row: int, col: int) -> CellData:
        return self.cells_data.get((row, col)) or CellData()

    def merge_of(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        for m in self.merges:
            if m[0] <= row <= m[2] and m[1] <= col <= m[3]:
                return m
        return None


def _bounds(ref) -> tuple[int, int, int, int]:
    if isinstance(ref, FakeRange):
        return ref._r1, ref._c1, ref._r2, ref._c2
    if isinstance(ref, tuple):
        return ref[0], ref[1], ref[0], ref[1]
    text = str(ref).upper()
    if "," in text:
        raise NotImplementedError("multi-area ranges are not part of the fake")
    first, _, last = text.partition(":")
    m1, m2 = _A1.match(first), _A1.match(last or first)
    if not m1 or not m2:
        raise ValueError(f"bad address {ref!r}")
    c1 = col_index(m1.group(1)) if m1.group(1) else 1
    c2 = col_index(m2.group(1)) if m2.group(1) else 16384
    r1 = int(m1.group(2)) if m1.group(2) else 1
    r2 = int(m2.group(2)) if m2.group(2) else 1048576
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


# -- a range -------------------------------------------------------------------------------------
_SCALARS = (str, int, float, bool, _dt.datetime, _dt.date, type(None))


class FakeRange:
    xlwings_class = "Range"

    def __init__(self, sheet: FakeSheet, r1: int, c1: int, r2: int, c2: int,
                 options: dict[str, Any] | None = None) -> None:
        self._sheet = sheet
        self._r1, self._c1, self._r2, self._c2 = r1, c1, r2, c2
        self._options = options or {}

    def __repr__(self) -> str:
        return f"<FakeRange {self._sheet.name}!{self.address}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FakeRange) and (self._sheet, self._r1, self._c1, self._r2, self._c2) == (
            other._sheet, other._r1, other._c1, other._r2, other._c2)

    __hash__ = None  # type: ignore[assignment]

    def _cells(self):
        for r in range(self._r1, self._r2 + 1):
            for c in range(self._c1, self._c2 + 1):
                yield r, c

    def options(self, convert: Any = None, **options: Any) -> FakeRange:
        if convert is not None or set(options) - {"ndim"}:
            raise NotImplementedError(f"options {convert!r} {options!r}")
        return FakeRange(self._sheet, self._r1, self._c1, self._r2, self._c2, options)

    @property
    def sheet(self) -> FakeSheet:
        return self._sheet

    @property
    def row(self) -> int:
        return self._r1

    @property
    def column(self) -> int:
        return self._c1

    @property
    def shape(self) -> tuple[int, int]:
        return self._r2 - self._r1 + 1, self._c2 - self._c1 + 1

    @property
    def count(self) -> int:
        rows, cols = self.shape
        return rows * cols

    @property
    def last_cell(self) -> FakeRange:
        return FakeRange(self._sheet, self._r2, self._c2, self._r2, self._c2, self._options)

    @property
    def address(self) -> str:
        return self.get_address()

    def get_address(self, row_absolute: bool = True, column_absolute: bool = True,
                    include_sheetname: bool = False, external: bool = False) -> str:
        if include_sheetname or external:
            raise NotImplementedError("sheet-qualified addresses")
        d_r, d_c = ("$" if row_absolute else ""), ("$" if column_absolute else "")
        first = f"{d_c}{col_letter(self._c1)}{d_r}{self._r1}"
        if (self._r1, self._c1) == (self._r2, self._c2):
            return first
        return f"{first}:{d_c}{col_letter(self._c2)}{d_r}{self._r2}"

    # -- values --
    @property
    def value(self) -> Any:
        self._sheet.reads += 1
        rows = [[_shown(self._sheet.peek(r, c).value)
                 for c in range(self._c1, self._c2 + 1)] for r in range(self._r1, self._r2 + 1)]
        if self._options.get("ndim") == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(r) == 1 for r in rows):
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        self._write(data)

    @property
    def formula(self) -> Any:
        def one(r, c):
            cell = self._sheet.peek(r, c)
            if cell.formula is not None:
                return cell.formula
            return "" if cell.value is None else str(cell.value)

        if self.shape == (1, 1):
            return one(self._r1, self._c1)
        return tuple(tuple(one(r, c) for c in range(self._c1, self._c2 + 1))
                     for r in range(self._r1, self._r2 + 1))

    @formula.setter
    def formula(self, data: Any) -> None:
        self._write(data)

    def _write(self, data: Any) -> None:
        if isinstance(data, (list, tuple)):
            rows = [list(r) for r in data] if data and isinstance(data[0], (list, tuple)) else [list(data)]
            if self.shape == (1, 1):  # xlwings: a list written to one cell fills the block it covers
                target = (self._r1, self._c1, self._r1 + len(rows) - 1, self._c1 + len(rows[0]) - 1)
            else:
                target = (self._r1, self._c1, self._r2, self._c2)
                if (len(rows), len(rows[0])) != self.shape:
                    raise ValueError("the list does not have the range's shape")
        else:
            rows = [[data] * self.shape[1]] * self.shape[0]
            target = (self._r1, self._c1, self._r2, self._c2)
        self._check_merges(*target)
        self._sheet.writes += 1
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                _set_cell(self._sheet.cell(target[0] + i, target[1] + j), v)

    def _check_merges(self, r1: int, c1: int, r2: int, c2: int) -> None:
        single = (r1, c1) == (r2, c2)
        for m in self._sheet.merges:
            overlaps = not (m[2] < r1 or m[0] > r2 or m[3] < c1 or m[1] > c2)
            inside = r1 <= m[0] and m[2] <= r2 and c1 <= m[1] and m[3] <= c2
            if not overlaps or inside:
                continue
            if single and (r1, c1) == (m[0], m[1]):
                continue  # the top-left cell of a merged area stands for it
            raise MergedCellError(f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2} cuts a merged area")

    def clear_contents(self) -> None:
        self._check_merges(self._r1, self._c1, self._r2, self._c2)
        for r, c in self._cells():
            cell = self._sheet.cells_data.get((r, c))
            if cell is not None:
                cell.value = cell.formula = None

    def clear(self) -> None:
        for r, c in self._cells():
            self._sheet.cells_data.pop((r, c), None)
        self._sheet.merges = [m for m in self._sheet.merges
                              if m[2] < self._r1 or m[0] > self._r2 or m[3] < self._c1 or m[1] > self._c2]

    # -- formats --
    @property
    def color(self) -> tuple[int, int, int] | None:
        return self._sheet.peek(self._r1, self._c1).fill

    @color.setter
    def color(self, color_or_rgb: Any) -> None:
        rgb = _rgb(color_or_rgb)
        for r, c in self._cells():
            self._sheet.cell(r, c).fill = rgb

    @property
    def number_format(self) -> str:
        return self._sheet.peek(self._r1, self._c1).number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        for r, c in self._cells():
            self._sheet.cell(r, c).number_format = value

    @property
    def font(self) -> FakeFont:
        return FakeFont(self)

    @property
    def borders(self) -> FakeBorders:
        return FakeBorders(self)

    def _common(self, attr: str) -> Any:
        values = {getattr(self._sheet.peek(r, c), attr) for r, c in self._cells()}
        return values.pop() if len(values) == 1 else None

    def _set_all(self, attr: str, value: Any) -> None:
        for r, c in self._cells():
            setattr(self._sheet.cell(r, c), attr, value)

    @property
    def horizontal_alignment(self) -> str | None:
        return self._common("h_align")

    @horizontal_alignment.setter
    def horizontal_alignment(self, value: str) -> None:
        if value not in ("general", "left", "center", "right", "fill", "justify",
                         "center_across_selection", "distributed"):
            raise ValueError(value)
        self._set_all("h_align", value)

    @property
    def vertical_alignment(self) -> str | None:
        return self._common("v_align")

    @vertical_alignment.setter
    def vertical_alignment(self, value: str) -> None:
        if value not in ("top", "center", "bottom", "justify", "distributed"):
            raise ValueError(value)
        self._set_all("v_align", value)

    @property
    def wrap_text(self) -> bool | None:
        return self._common("wrap")

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        self._set_all("wrap", bool(value))

    @property
    def column_width(self) -> float:
        return self._sheet.col_widths.get(self._c1, DEFAULT_WIDTH)

    @column_width.setter
    def column_width(self, value: float) -> None:
        for c in range(self._c1, self._c2 + 1):
            self._sheet.col_widths[c] = value

    @property
    def row_height(self) -> float:
        return self._sheet.row_heights.get(self._r1, DEFAULT_HEIGHT)

    @row_height.setter
    def row_height(self, value: float) -> None:
        # Excel keeps a row height in whole pixels (0.75 pt at 96 dpi): 31 becomes 30.75.
        value = int(value * 4 / 3 + 0.5) * 0.75
        for r in range(self._r1, min(self._r2, self._r1 + 5000) + 1):
            self._sheet.row_heights[r] = value

    @property
    def left(self) -> float:
        return sum(_width_points(self._sheet.col_widths.get(c, DEFAULT_WIDTH)) for c in range(1, self._c1))

    @property
    def top(self) -> float:
        return sum(self._sheet.row_heights.get(r, DEFAULT_HEIGHT) for r in range(1, self._r1))

    # -- merges --
    def merge(self, across: bool = False) -> None:
        if across:
            raise NotImplementedError("merge(across=True)")
        box = (self._r1, self._c1, self._r2, self._c2)
        for m in list(self._sheet.merges):
            if not (m[2] < box[0] or m[0] > box[2] or m[3] < box[1] or m[1] > box[3]):
                self._sheet.merges.remove(m)  # Excel folds overlapping merges into the new one
        self._sheet.merges.append(box)
        # Excel keeps only the top-left value of the cells it merges.
        for r, c in self._cells():
            if (r, c) != (self._r1, self._c1) and (r, c) in self._sheet.cells_data:
                self._sheet.cells_data[(r, c)].value = self._sheet.cells_data[(r, c)].formula = None

    def unmerge(self) -> None:
        box = (self._r1, self._c1, self._r2, self._c2)
        self._sheet.merges = [m for m in self._sheet.merges
                              if m[2] < box[0] or m[0] > box[2] or m[3] < box[1] or m[1] > box[3]]

    @property
    def merge_cells(self) -> bool:
        return self._sheet.merge_of(self._r1, self._c1) is not None

    @property
    def merge_area(self) -> FakeRange:
        m = self._sheet.merge_of(self._r1, self._c1)
        return FakeRange(self._sheet, *m) if m else self

    # -- notes and links --
    @property
    def note(self) -> FakeNote | None:
        cell = self._sheet.peek(self._r1, self._c1)
        return FakeNote(self._sheet, self._r1, self._c1) if cell.note is not None else None

    def add_note(self, text: str) -> FakeNote:
        if not isinstance(text, str):
            raise TypeError("Note text must be a string")
        if not text:
            raise ValueError("Note text must not be empty")
        if self.shape != (1, 1):
            raise ValueError("A note can only be added to a single cell")
        if self.note is not None:
            raise ValueError("This cell already has a note")
        self._sheet.cell(self._r1, self._c1).note = NoteData(text)
        return FakeNote(self._sheet, self._r1, self._c1)

    def add_hyperlink(self, address: str, text_to_display: str | None = None,
                      screen_tip: str | None = None) -> None:
        if self.shape != (1, 1):
            raise NotImplementedError("hyperlinks on more than one cell")
        cell = self._sheet.cell(self._r1, self._c1)
        cell.hyperlink = address
        cell.value = address if text_to_display is None else text_to_display
        cell.formula = None

    @property
    def hyperlink(self) -> str:
        link = self._sheet.peek(self._r1, self._c1).hyperlink
        if link is None:
            raise Exception("The cell doesn't seem to contain a hyperlink!")
        return link


def excel_column_width(stored: float) -> float:
    """Excel's ColumnWidth for a file's <col width>: the stored width includes 5 pixels of
    padding (a width of 6 is stored as 6.7109375), Excel shows characters of 7 pixels."""
    pixels = int((256 * stored + int(128 / 7)) / 256 * 7)
    return int((pixels - 5) / 7 * 100 + 0.5) / 100 if pixels > 5 else 0


def _width_points(width: float) -> float:
    return (int(width * 7 + 5) if width else 0) * 0.75


def _shown(value: Any) -> Any:
    # Excel hands numbers over as doubles.
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _set_cell(cell: CellData, v: Any) -> None:
    if not isinstance(v, _SCALARS):
        raise TypeError(f"Excel cannot take a {type(v).__name__} ({v!r}); convert it first")
    if isinstance(v, str) and v.startswith("="):
        cell.formula, cell.value = v, None  # Excel computes it; the fake does not
    elif isinstance(v, str) and v.startswith("'"):
        cell.formula, cell.value = None, v[1:]
    else:
        cell.formula, cell.value = None, (None if v == "" else v)


@dataclass
class ShapeData:
    name: str
    text: str
    on_action: str  # as Excel reports it: 'Book.xlsm'!Macro


class FakeShapes:
    xlwings_class = "Shapes"

    def __init__(self, sheet: FakeSheet) -> None:
        self._sheet = sheet

    def __iter__(self):
        return iter([FakeShape(self._sheet, d) for d in self._sheet.shape_list])

    def __len__(self) -> int:
        return len(self._sheet.shape_list)

    def __getitem__(self, key: int | str) -> FakeShape:
        if isinstance(key, int):
            return FakeShape(self._sheet, self._sheet.shape_list[key])
        for d in self._sheet.shape_list:
            if d.name == key:
                return FakeShape(self._sheet, d)
        raise KeyError(key)

    def __contains__(self, key: str) -> bool:
        return any(d.name == key for d in self._sheet.shape_list)

    @property
    def count(self) -> int:
        return len(self)


class FakeShape:
    xlwings_class = "Shape"

    def __init__(self, sheet: FakeSheet, data: ShapeData) -> None:
        self._sheet, self._data = sheet, data

    @property
    def name(self) -> str:
        return self._data.name

    @property
    def text(self) -> str:
        return self._data.text

    @property
    def api(self) -> ShapeCom:
        return ShapeCom(self._data)


class ShapeCom:
    """The COM Shape behind ``Shape.api``: only OnAction (what Excel's Shape has)."""

    def __init__(self, data: ShapeData) -> None:
        self._data = data

    @property
    def OnAction(self) -> str:  # the COM name
        return self._data.on_action

    @OnAction.setter
    def OnAction(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("OnAction is text")
        self._data.on_action = value


class FakeNote:
    xlwings_class = "Note"

    def __init__(self, sheet: FakeSheet, row: int, col: int) -> None:
        self._sheet, self._row, self._col = sheet, row, col

    def _data(self) -> NoteData:
        data = self._sheet.peek(self._row, self._col).note
        if data is None:
            raise RuntimeError("the note was deleted")
        return data

    @property
    def text(self) -> str:
        return self._data().text

    @text.setter
    def text(self, value: str) -> None:
        self._data().text = value

    @property
    def author(self) -> str:
        return self._data().author

    @property
    def location(self) -> FakeRange:
        return FakeRange(self._sheet, self._row, self._col, self._row, self._col)

    def delete(self) -> None:
        self._data()
        self._sheet.cell(self._row, self._col).note = None


class FakeFont:
    xlwings_class = "Font"

    def __init__(self, rng: FakeRange) -> None:
        self._rng = rng

    def _get(self, key: str) -> Any:
        values = {repr(self._rng._sheet.peek(r, c).font[key]) for r, c in self._rng._cells()}
        if len(values) != 1:
            return None
        return self._rng._sheet.peek(self._rng._r1, self._rng._c1).font[key]

    def _set(self, key: str, value: Any) -> None:
        for r, c in self._rng._cells():
            self._rng._sheet.cell(r, c).font[key] = value

    @property
    def name(self) -> str | None:
        return self._get("name")

    @name.setter
    def name(self, value: str) -> None:
        self._set("name", value)

    @property
    def size(self) -> float | None:
        return self._get("size")

    @size.setter
    def size(self, value: float) -> None:
        self._set("size", float(value))

    @property
    def bold(self) -> bool | None:
        return self._get("bold")

    @bold.setter
    def bold(self, value: bool) -> None:
        self._set("bold", bool(value))

    @property
    def italic(self) -> bool | None:
        return self._get("italic")

    @italic.setter
    def italic(self, value: bool) -> None:
        self._set("italic", bool(value))

    @property
    def color(self) -> tuple[int, int, int] | None:
        return self._get("color")

    @color.setter
    def color(self, value: Any) -> None:
        self._set("color", _rgb(value))


_SIDES = ("edge_left", "edge_top", "edge_bottom", "edge_right", "inside_vertical", "inside_horizontal")


class FakeBorders:
    xlwings_class = "Borders"

    def __init__(self, rng: FakeRange) -> None:
        self._rng = rng

    def set(self, which: Any = "all", *, line_style: Any = _UNSET, weight: Any = _UNSET,
            color: Any = _UNSET) -> None:
        if which != "all" or color is not _UNSET:
            raise NotImplementedError(f"borders.set({which!r}, color=…)")
        style = "continuous" if line_style is _UNSET else line_style
        if (weight is not _UNSET and weight != "thin") or style not in ("continuous", None):
            raise NotImplementedError(f"borders {style!r} {weight!r}")
        for r, c in self._rng._cells():
            cell = self._rng._sheet.cell(r, c)
            cell.borders = {} if style is None else dict.fromkeys(("left", "right", "top", "bottom"), "thin")

    def clear(self, which: Any = "everything") -> None:
        if which != "everything":
            raise NotImplementedError(which)
        for r, c in self._rng._cells():
            self._rng._sheet.cell(r, c).borders = {}


class FakePageSetup:
    xlwings_class = "PageSetup"

    def __init__(self, sheet: FakeSheet) -> None:
        self._sheet = sheet

    @property
    def print_area(self) -> str | None:
        return self._sheet._print_area

    @print_area.setter
    def print_area(self, value: str | None) -> None:
        self._sheet._print_area = value or None  # Excel: "" means the whole sheet


# -- charts --------------------------------------------------------------------------------------
class FakeCharts:
    xlwings_class = "Charts"

    def __init__(self, sheet: FakeSheet) -> None:
        self._sheet = sheet

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211,
            chart_type: str | None = None, source: FakeRange | None = None, plot_by: str | None = None,
            name: str | None = None, anchor: FakeRange | None = None, style: int | None = 227) -> FakeChart:
        if anchor is not None and (left or top):
            raise ValueError("You must either provide 'anchor' or 'top'/'left', but not both.")
        chart = FakeChart(self._sheet, name or f"图表 {len(self._sheet.chart_list) + 1}")
        chart.anchor_cell = anchor.address.replace("$", "") if anchor is not None else None
        chart._left, chart._top = (anchor.left, anchor.top) if anchor is not None else (left, top)
        chart._width, chart._height = width, height
        if source is not None:
            chart.set_source_data(source, plot_by)
        if chart_type is not None:
            chart.chart_type = chart_type
        chart.chart_style = style
        self._sheet.chart_list.append(chart)
        return chart

    def __iter__(self):
        return iter(list(self._sheet.chart_list))

    def __len__(self) -> int:
        return len(self._sheet.chart_list)

    def __getitem__(self, key: int | str) -> FakeChart:
        if isinstance(key, int):
            return self._sheet.chart_list[key]
        return next(c for c in self._sheet.chart_list if c.name == key)

    @property
    def count(self) -> int:
        return len(self)


_CHART_TYPES = {"column_clustered", "line_markers", "line", "bar_clustered", "pie"}


class FakeChart:
    xlwings_class = "Chart"

    def __init__(self, sheet: FakeSheet, name: str) -> None:
        self._sheet = sheet
        self._name = name
        self._type = "column_clustered"
        self._title: str | None = None
        self.series_data: list[dict[str, Any]] = []
        self.legend_state = {"visible": True, "position": "right"}
        self.axis_title: str | None = None
        self.anchor_cell: str | None = None
        self.chart_style: int | None = None
        self._left = self._top = 0.0
        self._width, self._height = 355.0, 211.0

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    @property
    def chart_type(self) -> str:
        return self._type

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        if value not in _CHART_TYPES:
            raise ValueError(value)
        self._type = value

    @property
    def title(self) -> str | None:
        return self._title

    @title.setter
    def title(self, value: str | None) -> None:
        self._title = value

    @property
    def width(self) -> float:
        return self._width

    @property
    def height(self) -> float:
        return self._height

    @property
    def left(self) -> float:
        return self._left

    @property
    def top(self) -> float:
        return self._top

    def set_source_data(self, source: FakeRange, plot_by: str | None = None) -> None:
        """Numbers only (no header row or column), so Excel makes one series per row
        (``plot_by="rows"``) or per column, named 系列1 …, categories 1, 2, …"""
        rows, cols = source.shape
        by_rows = plot_by == "rows" or (plot_by is None and cols > rows)
        count = rows if by_rows else cols
        self.series_data = []
        for k in range(count):
            if by_rows:
                ref = FakeRange(source._sheet, source._r1 + k, source._c1, source._r1 + k, source._c2)
            else:
                ref = FakeRange(source._sheet, source._r1, source._c1 + k, source._r2, source._c1 + k)
            self.series_data.append({"name": f"系列{k + 1}", "values": ref.address.replace("$", ""),
                                     "categories": None})

    def set_x_axis_values(self, source: FakeRange) -> None:
        for s in self.series_data:
            s["categories"] = source.address.replace("$", "")

    @property
    def series(self) -> FakeChartSeriesCollection:
        return FakeChartSeriesCollection(self)

    @property
    def legend(self) -> FakeChartLegend:
        return FakeChartLegend(self)

    @property
    def value_axis(self) -> FakeChartAxis:
        return FakeChartAxis(self)

    def delete(self) -> None:
        self._sheet.chart_list.remove(self)


class FakeChartSeriesCollection:
    xlwings_class = "ChartSeriesCollection"

    def __init__(self, chart: FakeChart) -> None:
        self._chart = chart

    def __getitem__(self, key: int) -> FakeChartSeries:
        self._chart.series_data[key]  # IndexError as a list would
        return FakeChartSeries(self._chart, key)

    def __len__(self) -> int:
        return len(self._chart.series_data)

    def __iter__(self):
        return (FakeChartSeries(self._chart, i) for i in range(len(self)))

    @property
    def count(self) -> int:
        return len(self)


class FakeChartSeries:
    xlwings_class = "ChartSeries"

    def __init__(self, chart: FakeChart, index: int) -> None:
        self._chart, self._index = chart, index

    @property
    def name(self) -> str:
        return self._chart.series_data[self._index]["name"]

    @name.setter
    def name(self, value: str) -> None:
        self._chart.series_data[self._index]["name"] = value


class FakeChartLegend:
    xlwings_class = "ChartLegend"

    def __init__(self, chart: FakeChart) -> None:
        self._chart = chart

    @property
    def visible(self) -> bool:
        return self._chart.legend_state["visible"]

    @visible.setter
    def visible(self, value: bool) -> None:
        self._chart.legend_state["visible"] = bool(value)

    @property
    def position(self) -> str:
        return self._chart.legend_state["position"]

    @position.setter
    def position(self, value: str) -> None:
        if value not in ("bottom", "corner", "left", "right", "top", "custom"):
            raise ValueError(value)
        self._chart.legend_state["position"] = value


class FakeChartAxis:
    xlwings_class = "ChartAxis"

    def __init__(self, chart: FakeChart) -> None:
        self._chart = chart

    @property
    def title(self) -> str | None:
        return self._chart.axis_title

    @title.setter
    def title(self, value: str | None) -> None:
        self._chart.axis_title = value


# -- loading a real file -------------------------------------------------------------------------
def _load_sheet(sheet: FakeSheet, ws, shown: list[list[Any]]) -> None:
    from openpyxl.utils import column_index_from_string

    for row in ws.iter_rows():
        for c in row:
            if type(c).__name__ == "MergedCell":
                continue
            data = CellData()
            if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=") and c.data_type != "s"):
                data.formula = str(c.value)
                r, k = c.row - 1, c.column - 1
                cached = shown[r][k] if r < len(shown) and k < len(shown[r]) else None
                data.value = None if cached == "" else cached
            else:
                data.value = None if c.value == "" else c.value
            if c.has_style:
                fill = c.fill
                if fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str):
                    data.fill = _hex_to_rgb(fill.fgColor.rgb)
                data.number_format = c.number_format
                f = c.font
                data.font = {"name": f.name or DEFAULT_FONT["name"], "size": float(f.sz or 11),
                             "bold": bool(f.b), "italic": bool(f.i),
                             "color": _hex_to_rgb(f.color.rgb) if f.color is not None and isinstance(f.color.rgb, str)
                             else (0, 0, 0)}
                a = c.alignment
                data.h_align = a.horizontal or "general"
                data.v_align = a.vertical or "bottom"
                data.wrap = bool(a.wrap_text)
                b = c.border
                data.borders = {s: getattr(b, s).style for s in ("left", "right", "top", "bottom")
                                if getattr(b, s) is not None and getattr(b, s).style}
            if c.comment is not None:
                data.note = NoteData(c.comment.text, c.comment.author or "")
            if c.hyperlink is not None:
                data.hyperlink = ("#" + c.hyperlink.location) if c.hyperlink.location else c.hyperlink.target
            if not data.is_default():
                sheet.cells_data[(c.row, c.column)] = data
    for rng in ws.merged_cells.ranges:
        sheet.merges.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
    for letter, dim in ws.column_dimensions.items():
        if dim.width:
            first = column_index_from_string(letter)
            for col in range(dim.min or first, (dim.max or first) + 1):
                sheet.col_widths[col] = excel_column_width(dim.width)
    for r, dim in ws.row_dimensions.items():
        if dim.height:
            sheet.row_heights[r] = dim.height
    sheet._print_area = ws.print_area if isinstance(ws.print_area, str) else None
    # Not modelled, kept so a copied sheet visibly carries them: validations, conditional
    # formats, the buttons (VML) of the file.
    sheet.extras = {"validations": len(ws.data_validations.dataValidation),
                    "conditional_formats": len(ws.conditional_formatting),
                    "legacy_drawing": bool(ws.legacy_drawing)}


# -- buttons (legacy VML form controls) as Excel shows them ---------------------------------------
_VML_BUTTON = re.compile(r"<v:shape .*?</v:shape>", re.S)


def _vml_buttons(path: Path) -> list[list[tuple[str, str]]]:
    """Per sheet (in order), its buttons' (caption, macro) from the file's VML drawings."""
    import posixpath
    import zipfile

    from lxml import etree

    rel_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    with zipfile.ZipFile(path) as z:
        book_xml = etree.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(
            z.read("xl/_rels/workbook.xml.rels")).iter(f"{rel_ns}Relationship")}
        out = []
        for sheet in book_xml.iter("{*}sheet"):
            rid = sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            part = posixpath.normpath(posixpath.join("xl", rels[rid]))
            rels_part = posixpath.join(posixpath.dirname(part), "_rels",
                                       posixpath.basename(part) + ".rels")
            found: list[tuple[str, str]] = []
            if rels_part in z.namelist():
                for r in etree.fromstring(z.read(rels_part)).iter(f"{rel_ns}Relationship"):
                    if r.get("Type", "").endswith("/vmlDrawing"):
                        vml = z.read(posixpath.normpath(posixpath.join(
                            posixpath.dirname(part), r.get("Target")))).decode("utf-8")
                        for shape in _VML_BUTTON.findall(vml):
                            if 'ObjectType="Button"' not in shape:
                                continue
                            macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape)
                            text = re.sub(r"<[^>]+>", "", shape.split("<v:textbox", 1)[1]
                                          .split("</v:textbox>", 1)[0].split(">", 1)[1])
                            found.append((text, macro.group(1) if macro else ""))
            out.append(found)
    return out


def _on_action(book: FakeBook, macro: str) -> str:
    """[0]!Macro (this workbook, as the file stores it) as Excel reports it."""
    if not macro:
        return ""
    return f"'{book.name}'!{macro.removeprefix('[0]!')}"
