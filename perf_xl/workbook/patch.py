"""What an operation wants changed in a workbook, independent of the library that applies it.

Operations (fill, validate, summary) read grids and return a ``Patch``; the file adapter
(part by part, perf_xl/workbook/file_adapter.py) and the live adapter (xlwings, perf_xl/excel/) apply the same
patch. A patch only names cells the tool owns: it never touches a cell the user types in,
except the values the user asked an operation to fill.

- ``values``: single cells to set (a ``Formula`` for a formula; text starting with "=" stays text).
- ``marks``: cells to highlight (fill colour by severity) with a note holding the message;
  ``clear_marks`` first removes every mark a previous run left (notes authored by perf_xl),
  on every sheet or only on the sheets of ``clear_marks_in``.
- ``sheets``: sheets the tool owns entirely (汇总, 校验结果), rewritten from a ``SheetSpec``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..vocabulary import SEVERITY_FILL, SEVERITY_RANK
from .styles import STYLES as STYLES  # re-exported: the adapters once took it from here

MARK_AUTHOR = "perf_xl"
# Fill colours of the marks (RGB hex), by severity: the vocabulary's.
MARK_COLORS = SEVERITY_FILL
# A mark's fill (upper-case hex) -> its severity's rank, mildest first: the worst mark shows.
MARK_RANK: dict[str, int] = {MARK_COLORS[key].upper(): rank for key, rank in SEVERITY_RANK.items()}


@dataclass(frozen=True)
class Formula:
    text: str  # "=SUM(A1:A3)"
    cached: Any = None  # the value Python computed, for readers that do not recalculate


@dataclass(frozen=True)
class Link:
    """A cell showing ``text`` that jumps to ``sheet``!``cell`` of the same workbook."""

    text: str
    sheet: str
    cell: str = "A1"


@dataclass(frozen=True)
class Mark:
    sheet: str
    cell: str
    severity: str  # error | warning | info
    message: str


@dataclass(frozen=True)
class Cell:
    ref: str
    value: Any  # str | number | Decimal | bool | None | Formula | Link
    style: str | None = None  # a key of STYLES


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" | "line"
    title: str
    anchor: str  # top-left cell
    categories: str  # range on the same sheet, e.g. "A6:A11"
    series: tuple[tuple[str, str], ...]  # (name, values range)
    y_title: str = ""
    size: tuple[int, int] = (480, 288)  # width, height in pixels


@dataclass
class SheetSpec:
    """A whole sheet the tool owns. Rendered by every adapter the same way."""

    name: str
    cells: list[Cell] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    widths: dict[str, float] = field(default_factory=dict)  # column letter -> width
    heights: dict[int, float] = field(default_factory=dict)  # row -> height (points)
    charts: list[Chart] = field(default_factory=list)
    freeze: str | None = None  # top-left cell of the scrolling pane, e.g. "B6"
    landscape: bool = True
    print_area: str | None = None
    repeat_row: int | None = None  # a header row repeated on every printed page

    def put(self, ref: str, value: Any, style: str | None = None) -> None:
        self.cells.append(Cell(ref, value, style))

    @property
    def last_row(self) -> int:
        from .layout import split_a1

        return max((split_a1(c.ref)[0] for c in self.cells), default=0)


@dataclass
class Patch:
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    marks: list[Mark] = field(default_factory=list)
    clear_marks: bool = False
    # When not empty, clear_marks clears only these sheets (validating one sheet must not
    # wipe the marks of the others).
    clear_marks_in: tuple[str, ...] = ()
    sheets: list[SheetSpec] = field(default_factory=list)

    def set(self, sheet: str, cell: str, value: Any) -> None:
        self.values[(sheet, cell)] = value

    def extend(self, other: Patch) -> Patch:
        self.values.update(other.values)
        self.marks.extend(other.marks)
        if other.clear_marks:
            if not self.clear_marks:
                self.clear_marks_in = other.clear_marks_in
            elif self.clear_marks_in and other.clear_marks_in:
                self.clear_marks_in = tuple(dict.fromkeys(self.clear_marks_in + other.clear_marks_in))
            else:
                self.clear_marks_in = ()  # an unrestricted clear on either side clears everything
        self.clear_marks = self.clear_marks or other.clear_marks
        self.sheets.extend(other.sheets)
        return self

    def __bool__(self) -> bool:
        return bool(self.values or self.marks or self.clear_marks or self.sheets)


def plain(value: Any) -> Any:
    """A value as a workbook library accepts it (Decimal -> float)."""
    if isinstance(value, Decimal):
        return float(value)
    return value
