"""The live adapter: the same Patch the file adapter applies with openpyxl, applied to a
workbook open in Excel through xlwings (a ``xlwings.Book``).

Excel is driven over COM, where every property access is a round trip, so the adapter
reads each sheet in one bulk read and writes cells in blocks: a patch's cells are grouped
into rectangles (never cutting a merged area, which Excel refuses), an owned sheet is
written as one 2-D block from A1. Screen updating and automatic calculation are off while
a patch is applied (one recalculation at the end instead of one per write).

Marks: a fill colour by severity (MARK_COLORS) and a cell note. Excel notes made through
xlwings carry the Office user's name as author (it cannot be set), so our notes start
with NOTE_PREFIX; ``clear_marks`` removes exactly those notes and the mark colours of
the noted cells. The page setup (orientation, fit to width, footer, print titles) and
freeze panes have no xlwings API that works on Windows: they go through ``.api`` (the COM
object), guarded, and are skipped where that is not Excel on Windows.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from ..workbook import layout as L
from ..workbook.grid import Grid
from ..workbook.patch import MARK_COLORS, MARK_RANK, Chart, Formula, Link, Mark, Patch, SheetSpec
from ..workbook.styles import FOOTER_LEFT, FOOTER_RIGHT, PAPER_A4, STYLES

NOTE_PREFIX = "[perf_xl] "
_MARK_RGB = {tuple(int(c[i:i + 2], 16) for i in (0, 2, 4)) for c in MARK_COLORS.values()}
_RANK = MARK_RANK  # fill -> rank, mildest first
_SEVERITY_ORDER = sorted(MARK_RANK, key=MARK_RANK.get)
DEFAULT_COLUMN_WIDTH = 8.43
_PX_TO_PT = 0.75
_ALIGN = {"left": "left", "center": "center", "right": "right"}
_VALIGN = {"vcenter": "center", "top": "top", "bottom": "bottom"}

Box = tuple[int, int, int, int]  # first row, first column, last row, last column


class LiveAdapter:
    """An open workbook (xlwings Book): read grids, apply patches. Saving is the user's."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.placements: dict = {}  # set by operations.read_book (see FileAdapter)

    # -- reading ---------------------------------------------------------------------------------
    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def grid(self, name: str) -> Grid:
        """The sheet from A1 to the last used cell, in one read (the used range may start
        further down or right; the grid always starts at A1)."""
        sheet = self.book.sheets[name]
        last = sheet.used_range.last_cell
        rows = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        return Grid(name, rows)

    # -- writing ---------------------------------------------------------------------------------
    def apply(self, patch: Patch) -> None:
        from ..workbook.placement import place_patch

        patch = place_patch(patch, self.placements)
        with self.quiet():
            if patch.clear_marks:
                self.clear_marks(patch.clear_marks_in or None)
            self._write_values(patch.values)
            for spec in patch.sheets:
                self.render(spec)
            self._write_marks(patch.marks)

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        app = self.book.app
        active = self.book.sheets.active
        updating, calculation = app.screen_updating, app.calculation
        app.screen_updating = False
        app.calculation = "manual"
        try:
            yield
        finally:
            app.calculation = calculation
            app.screen_updating = updating
            with contextlib.suppress(Exception):
                active.activate()  # adding a sheet activated it

    def _write_values(self, values: dict[tuple[str, str], Any]) -> None:
        by_sheet: dict[str, dict[tuple[int, int], Any]] = defaultdict(dict)
        for (sheet, ref), value in values.items():
            by_sheet[sheet][L.split_a1(ref)] = value
        for name, cells in by_sheet.items():
            sheet = self.book.sheets[name]
            merges = project_merges() if name not in L.FIXED_SHEETS else None
            for box, block in blocks(cells, merges):
                sheet.range((box[0], box[1]), (box[2], box[3])).value = [
                    [excel_value(v) for v in row] for row in block]
            self._links(sheet, cells)

    @staticmethod
    def _links(sheet: Any, cells: dict[tuple[int, int], Any]) -> None:
        for (r, c), value in cells.items():
            if isinstance(value, Link):
                sheet.range((r, c)).add_hyperlink(link_address(value), value.text, value.text)

    # -- marks -----------------------------------------------------------------------------------
    def clear_marks(self, sheets: Iterable[str] | None = None) -> None:
        """Remove our notes (NOTE_PREFIX) and the mark colours of noted cells; the user's
        own notes and fills stay."""
        wanted = set(sheets) if sheets is not None else None
        for sheet in self.book.sheets:
            if wanted is not None and sheet.name not in wanted:
                continue
            for note in list(sheet.notes):
                cell = note.location
                if _rgb(cell.color) in _MARK_RGB:
                    cell.color = None  # a mark on a cell with the user's note has no note of ours
                if note.text.startswith(NOTE_PREFIX):
                    note.delete()

    def _write_marks(self, marks: list[Mark]) -> None:
        grouped: dict[tuple[str, str], list[Mark]] = {}
        for mark in marks:
            grouped.setdefault((mark.sheet, mark.cell), []).append(mark)
        names = set(self.sheet_names)
        for (sheet_name, ref), items in grouped.items():
            if sheet_name not in names:
                continue
            rng = self.book.sheets[sheet_name].range(ref)
            area = rng.merge_area
            if (area.row, area.column) != (rng.row, rng.column):
                continue  # inside a merged area: the findings sheet still lists it
            # The worst severity shows (also against a mark already there).
            worst = max(_RANK[MARK_COLORS.get(m.severity, MARK_COLORS["info"])] for m in items)
            if _RANK.get(_hex(rng.color), -1) < worst:
                rng.color = "#" + _SEVERITY_ORDER[worst]
            text = "\n".join(m.message for m in items)
            note = rng.note
            if note is None:
                note = rng.add_note(NOTE_PREFIX + text)
            elif note.text.startswith(NOTE_PREFIX):
                note.text = note.text + "\n" + text
            else:
                continue  # the user's own note stays; the message is on the findings sheet
            _size_note(note, note.text)

    # -- owned sheets ------------------------------------------------------------------------------
    def render(self, spec: SheetSpec) -> None:
        """Rewrite an owned sheet from its spec (the sheet keeps its place)."""
        if spec.name in self.sheet_names:
            sheet = self.book.sheets[spec.name]
            last = sheet.used_range.last_cell
            old_columns = range(1, last.column + 1)
            for chart in list(sheet.charts):
                chart.delete()
            sheet.clear()
        else:
            sheets = self.book.sheets
            sheet = sheets.add(spec.name, after=sheets[len(sheets) - 1])
            old_columns = range(0)
        widths = {L.col_index(k): w for k, w in spec.widths.items()}
        for col, width in _runs_of_equal(widths, old_columns):
            first, last_col = L.col_letter(col[0]), L.col_letter(col[1])
            sheet.range(f"{first}:{last_col}").column_width = width
        for row, height in spec.heights.items():
            sheet.range(f"{row}:{row}").row_height = height

        cells = {L.split_a1(c.ref): c for c in spec.cells}
        if cells:
            rows = max(r for r, _ in cells)
            cols = max(c for _, c in cells)
            block = [[None] * cols for _ in range(rows)]
            for (r, c), cell in cells.items():
                block[r - 1][c - 1] = excel_value(cell.value)
            sheet.range((1, 1)).value = block
        for (r, c), cell in cells.items():
            if isinstance(cell.value, Link):
                sheet.range((r, c)).add_hyperlink(link_address(cell.value), cell.value.text, cell.value.text)
        by_style: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for pos, cell in cells.items():
            if cell.style:
                by_style[cell.style].append(pos)
        for key, positions in by_style.items():
            for box in rectangles(positions):
                apply_style(sheet.range((box[0], box[1]), (box[2], box[3])), STYLES[key])
        for rng in spec.merges:
            sheet.range(rng).merge()
        for chart in spec.charts:
            add_chart(sheet, chart)
        sheet.page_setup.print_area = spec.print_area or ""  # "" clears it
        _page_setup_api(sheet, spec)
        if spec.freeze:
            _freeze_api(self.book, sheet, spec.freeze)

    # -- a new project sheet --------------------------------------------------------------------
    def copy_sheet(self, source: str, name: str, after: str | None) -> None:
        """Copy a sheet of this workbook (everything: formulas, formats, validations, buttons)."""
        src = self.book.sheets[source]
        target = self.book.sheets[after] if after else src
        src.copy(after=target, name=name)


# -- values --------------------------------------------------------------------------------------
def excel_value(value: Any) -> Any:
    """A patch value as Excel takes it in a block write: a formula's text; text that starts
    with "=" quoted so it stays text; Decimal as float (pywin32 would send it as currency)."""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, Link):
        return value.text
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    return value


def link_address(link: Link) -> str:
    return f"#{L.quote_sheet(link.sheet)}{link.cell}"


def _hex(color: Any) -> str:
    rgb = _rgb(color)
    return "" if rgb is None else "".join(f"{v:02X}" for v in rgb)


def _rgb(color: Any) -> tuple[int, int, int] | None:
    if color is None:
        return None
    if isinstance(color, str):
        c = color.lstrip("#")
        return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    return tuple(color)  # type: ignore[return-value]


# -- grouping cells into blocks ---------------------------------------------------------------------
def rectangles(cells: Iterable[tuple[int, int]]) -> list[Box]:
    """Cover the cells exactly with rectangles: vertical runs per column, then runs with the
    same rows in neighbouring columns joined."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for r, c in cells:
        by_col[c].append(r)
    runs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for c, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                runs[(start, prev)].append(c)
                start = r
            prev = r
        runs[(start, prev)].append(c)
    out: list[Box] = []
    for (r1, r2), cols in runs.items():
        cols.sort()
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                out.append((r1, start, r2, prev))
                start = c
            prev = c
        out.append((r1, start, r2, prev))
    return sorted(out)


def blocks(cells: dict[tuple[int, int], Any], merges: list[Box] | None
           ) -> list[tuple[Box, list[list[Any]]]]:
    """(rectangle, rows of values) writes for ``cells``. With the sheet's ``merges`` known,
    a merged area's other cells join as empty and no rectangle cuts a merged area; without
    them (a sheet whose merges are unknown) every cell is written on its own."""
    if merges is None:
        return [((r, c, r, c), [[v]]) for (r, c), v in sorted(cells.items())]
    values = dict(cells)
    for m in merges:
        if (m[0], m[1]) in cells:
            for r in range(m[0], m[2] + 1):
                for c in range(m[1], m[3] + 1):
                    values.setdefault((r, c), None)
    out = []
    for box in rectangles(values):
        if any(_cuts(box, m) for m in merges):
            out.extend(((r, c, r, c), [[values[(r, c)]]]) for r in range(box[0], box[2] + 1)
                       for c in range(box[1], box[3] + 1)
                       if (r, c) in cells and not _inside_other(r, c, merges))
        else:
            out.append((box, [[values[(r, c)] for c in range(box[1], box[3] + 1)]
                              for r in range(box[0], box[2] + 1)]))
    return out


def _cuts(box: Box, m: Box) -> bool:
    overlaps = not (m[2] < box[0] or m[0] > box[2] or m[3] < box[1] or m[1] > box[3])
    inside = box[0] <= m[0] and m[2] <= box[2] and box[1] <= m[1] and m[3] <= box[3]
    return overlaps and not inside


def _inside_other(r: int, c: int, merges: list[Box]) -> bool:
    """A merged area's cell other than its top-left one (Excel keeps no value there)."""
    return any(m[0] <= r <= m[2] and m[1] <= c <= m[3] and (r, c) != (m[0], m[1]) for m in merges)


_PROJECT_MERGES: list[Box] | None = None


def project_merges() -> list[Box]:
    """The merged areas of a project sheet, from the layout (what build.py merges)."""
    global _PROJECT_MERGES
    if _PROJECT_MERGES is None:
        pairs = [(L.TITLE, L.TITLE_MERGE), (L.STATUS, L.STATUS_MERGE),
                 (L.MONEY_UNIT_LABEL.cell, L.MONEY_UNIT_LABEL.merge_to)]
        pairs += [(x.cell, x.merge_to) for x in (*L.LABELS, *L.PROJECT_FIELDS) if x.merge_to]
        for col in L.IND_COLUMNS:
            if col.merge_to_col:
                for row in range(L.IND_HEADER_ROW, L.IND_LAST_ROW + 1):
                    pairs.append((f"{col.col}{row}", f"{col.merge_to_col}{row}"))
        boxes = []
        for a, b in pairs:
            (r1, c1), (r2, c2) = L.split_a1(a), L.split_a1(b or a)
            boxes.append((r1, c1, r2, c2))
        _PROJECT_MERGES = boxes
    return _PROJECT_MERGES


def _runs_of_equal(widths: dict[int, float], old_columns: range) -> list[tuple[tuple[int, int], float]]:
    """Column widths as (first, last) runs of one width; old columns the spec does not size
    go back to Excel's standard width (as the file adapter drops their widths)."""
    wanted = dict.fromkeys((c for c in old_columns if c not in widths), DEFAULT_COLUMN_WIDTH)
    wanted.update(widths)
    out: list[tuple[tuple[int, int], float]] = []
    for col in sorted(wanted):
        if out and out[-1][0][1] == col - 1 and out[-1][1] == wanted[col]:
            out[-1] = ((out[-1][0][0], col), wanted[col])
        else:
            out.append(((col, col), wanted[col]))
    return out


# -- formats -------------------------------------------------------------------------------------
def apply_style(rng: Any, props: dict[str, Any]) -> None:
    """A STYLES entry (XlsxWriter-style properties) on a range, through xlwings' API."""
    font = rng.font
    font.name = props.get("font_name", "宋体")
    font.size = props.get("font_size", 10)
    font.bold = bool(props.get("bold", False))
    font.color = props.get("font_color", "#000000")
    rng.horizontal_alignment = _ALIGN.get(props.get("align", ""), "general")
    rng.vertical_alignment = _VALIGN.get(props.get("valign", ""), "bottom")
    rng.wrap_text = bool(props.get("text_wrap", False))
    if props.get("border"):
        rng.borders.set("all", line_style="continuous", weight="thin")
    if props.get("bg_color"):
        rng.color = props["bg_color"]
    if props.get("num_format"):
        rng.number_format = props["num_format"]
    # "underline" (links): Excel gives a hyperlink cell the underlined Hyperlink style itself.


# -- charts --------------------------------------------------------------------------------------
CHART_TYPES = {"bar": "column_clustered", "line": "line_markers"}


def series_block(chart: Chart) -> tuple[str, str] | None:
    """The one rectangle holding every series' values, and how it is read ("rows" or
    "columns"), when the series are the rows or the columns of one block."""
    boxes = []
    for _name, ref in chart.series:
        first, _, last = ref.partition(":")
        (r1, c1), (r2, c2) = L.split_a1(first), L.split_a1(last or first)
        boxes.append((r1, c1, r2, c2))
    if all(b[0] == b[2] for b in boxes) and len({(b[1], b[3]) for b in boxes}) == 1:
        rows = [b[0] for b in boxes]
        if rows == list(range(rows[0], rows[0] + len(rows))):
            b0 = boxes[0]
            return f"{L.a1(rows[0], b0[1])}:{L.a1(rows[-1], b0[3])}", "rows"
    if all(b[1] == b[3] for b in boxes) and len({(b[0], b[2]) for b in boxes}) == 1:
        cols = [b[1] for b in boxes]
        if cols == list(range(cols[0], cols[0] + len(cols))):
            b0 = boxes[0]
            return f"{L.a1(b0[0], cols[0])}:{L.a1(b0[2], cols[-1])}", "columns"
    return None


def add_chart(sheet: Any, spec: Chart) -> Any:
    """A chart from its spec with xlwings' chart API: the series' values as one block,
    the categories as the x values, each series named."""
    block = series_block(spec)
    if block is None:
        raise ValueError(f"chart {spec.title!r}: series are not the rows or columns of one block")
    source, plot_by = block
    chart = sheet.charts.add(width=spec.size[0] * _PX_TO_PT, height=spec.size[1] * _PX_TO_PT,
                             chart_type=CHART_TYPES[spec.kind], source=sheet.range(source),
                             plot_by=plot_by, anchor=sheet.range(spec.anchor))
    chart.set_x_axis_values(sheet.range(spec.categories))
    for series, (name, _ref) in zip(chart.series, spec.series, strict=True):
        series.name = name
    chart.title = spec.title
    if spec.y_title:
        chart.value_axis.title = spec.y_title
    if spec.kind == "bar":
        chart.legend.visible = False
    else:
        chart.legend.position = "bottom"
    return chart


# -- what only the COM object can do (Excel on Windows; skipped elsewhere) ---------------------------
def _page_setup_api(sheet: Any, spec: SheetSpec) -> bool:
    """A4, orientation, one page wide, footer, print titles: PageSetup over COM."""
    try:
        ps = sheet.api.PageSetup
        ps.PaperSize = PAPER_A4
        ps.Orientation = 2 if spec.landscape else 1  # xlLandscape / xlPortrait
        ps.Zoom = False
        ps.FitToPagesWide = 1
        ps.FitToPagesTall = False
        ps.LeftFooter = FOOTER_LEFT
        ps.RightFooter = FOOTER_RIGHT
        if spec.repeat_row:
            ps.PrintTitleRows = f"${spec.repeat_row}:${spec.repeat_row}"
        return True
    except Exception:  # no COM (macOS, the test fake) or a printer-less PC: layout stays default
        return False


def _size_note(note: Any, text: str) -> bool:
    """The note's box as the file adapter sizes it (320 px wide, a line per message);
    Excel's default box cuts long messages off."""
    try:
        shape = note.api.Shape
        shape.Width = 320 * _PX_TO_PT
        shape.Height = min(60 + 18 * text.count("\n"), 300) * _PX_TO_PT
        return True
    except Exception:  # not Excel on Windows: the default size
        return False


def _freeze_api(book: Any, sheet: Any, cell: str) -> bool:
    """Freeze panes above and left of ``cell`` (xlwings' freeze_panes is not implemented
    for Excel on Windows in 0.37): through the active window, then back to the sheet the
    user was on (the caller restores it)."""
    row, col = L.split_a1(cell)
    try:
        sheet.activate()
        window = book.app.api.ActiveWindow
        window.FreezePanes = False
        window.SplitColumn = col - 1
        window.SplitRow = row - 1
        window.FreezePanes = True
        return True
    except Exception:
        return False
