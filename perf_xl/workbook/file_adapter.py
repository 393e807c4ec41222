"""Apply a Patch to a workbook file with openpyxl (keep_vba), then save it atomically.

The live adapter in perf_xl/excel/ applies the same patches to an open workbook through
xlwings; both render owned sheets from the same SheetSpec.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import layout as L
from .grid import Grid
from .patch import MARK_AUTHOR, MARK_COLORS, STYLES, Cell, Formula, Link, Patch, SheetSpec, plain
from .update import load_for_update, save_atomic

_MARK_FILLS = {c.upper() for c in MARK_COLORS.values()}
_MARK_RANK = {MARK_COLORS[s].upper(): rank for rank, s in enumerate(("info", "warning", "error"))}


class FileAdapter:
    """One workbook file opened for an update: read grids, apply patches, save."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.book = load_for_update(self.path)
        self._styles: dict[str, dict[str, Any]] = {}

    # -- reading ---------------------------------------------------------------------------
    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheetnames)

    def grid(self, name: str) -> Grid:
        ws = self.book[name]
        rows = [[_value(c.value) for c in row] for row in ws.iter_rows(
            min_row=1, max_row=max(ws.max_row, 1), min_col=1, max_col=max(ws.max_column, 1))]
        merges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
        return Grid(name, rows, merges)

    def grids(self) -> dict[str, Grid]:
        return {name: self.grid(name) for name in self.sheet_names}

    # -- writing ---------------------------------------------------------------------------
    def apply(self, patch: Patch) -> None:
        if patch.clear_marks:
            self.clear_marks(patch.clear_marks_in or None)
        for (sheet, ref), value in patch.values.items():
            self._write(self.book[sheet][ref], value)
        for spec in patch.sheets:
            self.render(spec)
        for mark in patch.marks:
            self._mark(mark.sheet, mark.cell, mark.severity, mark.message)

    def save(self) -> None:
        save_atomic(self.book, self.path)

    def clear_marks(self, sheets: tuple[str, ...] | None = None) -> None:
        """Remove every mark a previous run left (on ``sheets`` only, if given); the user's
        own notes and fills stay."""
        from openpyxl.styles import PatternFill

        for ws in self.book.worksheets:
            if sheets is not None and ws.title not in sheets:
                continue
            for cell in list(ws._cells.values()):
                comment = cell.comment
                if comment is None:
                    continue  # every mark has a note (ours, or the user's it kept): the
                    # builder's own fills in the mark colours (tool labels) are not marks
                if cell.has_style and _fill_rgb(cell) in _MARK_FILLS:
                    cell.fill = PatternFill(fill_type=None)
                if comment.author == MARK_AUTHOR:
                    cell.comment = None

    def _mark(self, sheet: str, ref: str, severity: str, message: str) -> None:
        from openpyxl.comments import Comment
        from openpyxl.styles import PatternFill

        if sheet not in self.book.sheetnames:
            return
        cell = self.book[sheet][ref]
        if type(cell).__name__ == "MergedCell":
            return
        color = MARK_COLORS.get(severity, MARK_COLORS["info"])
        if _MARK_RANK.get(_fill_rgb(cell) or "", -1) < _MARK_RANK[color]:  # the worst one shows
            cell.fill = PatternFill("solid", fgColor=color)
        existing = cell.comment
        if existing is not None and existing.author != MARK_AUTHOR:
            return  # the user's own note stays; the message is on the findings sheet
        text = message if existing is None else existing.text + "\n" + message
        comment = Comment(text, MARK_AUTHOR)
        comment.width, comment.height = 320, min(60 + 18 * text.count("\n"), 300)
        cell.comment = comment

    def _write(self, cell, value: Any) -> None:
        if isinstance(value, Formula):
            cell.value = value.text
        elif isinstance(value, Link):
            from openpyxl.worksheet.hyperlink import Hyperlink

            cell.value = value.text
            # An in-workbook location, not an external target.
            cell.hyperlink = Hyperlink(ref=cell.coordinate,
                                       location=f"{L.quote_sheet(value.sheet)}{value.cell}")
        elif isinstance(value, str) and value.startswith("="):
            cell.value = value
            cell.data_type = "s"  # text that looks like a formula stays text
        else:
            cell.value = plain(value)

    # -- owned sheets ------------------------------------------------------------------------
    def render(self, spec: SheetSpec) -> None:
        """Rewrite an owned sheet from its spec (the sheet keeps its place and code name)."""
        if spec.name in self.book.sheetnames:
            ws = self.book[spec.name]
            _clear_sheet(ws)
        else:
            ws = self.book.create_sheet(spec.name)
        for letter, width in spec.widths.items():
            ws.column_dimensions[letter].width = width
        for row, height in spec.heights.items():
            ws.row_dimensions[row].height = height
        for cell in spec.cells:
            self._render_cell(ws, cell)
        for rng in spec.merges:
            ws.merge_cells(rng)
        for chart in spec.charts:
            ws.add_chart(_chart(ws, chart), chart.anchor)
        ws.freeze_panes = spec.freeze
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if spec.landscape else "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddFooter.left.text, ws.oddFooter.right.text = "&A", "第 &P 页，共 &N 页"
        if spec.print_area:
            ws.print_area = spec.print_area
        if spec.repeat_row:
            ws.print_title_rows = f"{spec.repeat_row}:{spec.repeat_row}"

    def _render_cell(self, ws, cell: Cell) -> None:
        target = ws[cell.ref]
        self._write(target, cell.value)
        if cell.style:
            for attr, obj in _openpyxl_style(cell.style).items():
                setattr(target, attr, obj)


def _value(v: Any) -> Any:
    if isinstance(v, str) and v.startswith("="):
        return None  # a formula: not an input value
    return v


def _fill_rgb(cell) -> str | None:
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return None
    rgb = fill.fgColor.rgb if fill.fgColor is not None else None
    return rgb[-6:].upper() if isinstance(rgb, str) else None


def _clear_sheet(ws) -> None:
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    ws._cells.clear()
    ws._hyperlinks = []
    ws._charts = []
    ws._images = []
    ws.row_dimensions.clear()
    ws.column_dimensions.clear()
    ws.conditional_formatting = type(ws.conditional_formatting)()
    ws.print_area = None


_STYLE_CACHE: dict[str, dict[str, Any]] = {}


def _openpyxl_style(key: str) -> dict[str, Any]:
    """openpyxl style objects for a STYLES key (XlsxWriter-style properties translated)."""
    if key in _STYLE_CACHE:
        return _STYLE_CACHE[key]
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    p = STYLES[key]
    color = p.get("font_color", "#000000").lstrip("#")
    out: dict[str, Any] = {
        "font": Font(name=p.get("font_name"), size=p.get("font_size"), bold=p.get("bold", False),
                     color="FF" + color, underline="single" if p.get("underline") else None),
        "alignment": Alignment(horizontal=p.get("align"), vertical="center",
                               wrap_text=p.get("text_wrap", False)),
    }
    if p.get("border"):
        side = Side(style="thin")
        out["border"] = Border(left=side, right=side, top=side, bottom=side)
    if p.get("bg_color"):
        out["fill"] = PatternFill("solid", fgColor=p["bg_color"].lstrip("#"))
    if p.get("num_format"):
        out["number_format"] = p["num_format"]
    _STYLE_CACHE[key] = out
    return out


def _chart(ws, spec):
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.series import SeriesLabel

    chart = BarChart() if spec.kind == "bar" else LineChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.width, chart.height = spec.size[0] / 37.8, spec.size[1] / 37.8  # px -> cm
    for name, values in spec.series:
        (c1, r1), (c2, r2) = _bounds(values)
        ref = Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2)
        chart.add_data(ref, titles_from_data=False, from_rows=r1 == r2 and c2 > c1)
        chart.series[-1].tx = SeriesLabel(v=name)
    (c1, r1), (c2, r2) = _bounds(spec.categories)
    chart.set_categories(Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2))
    if spec.kind == "bar":
        chart.type = "col"
        chart.legend = None
    return chart


def _bounds(rng: str) -> tuple[tuple[int, int], tuple[int, int]]:
    first, _, last = rng.partition(":")
    r1, c1 = L.split_a1(first)
    r2, c2 = L.split_a1(last or first)
    return (c1, r1), (c2, r2)

