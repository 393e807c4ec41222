"""The part-level writer: a workbook package, its sheets, and the edits of one update.

``Book`` knows where things are (workbook part, sheets, shared strings, styles);
``Book.edit_sheet`` applies one sheet's edits (values, marks, clearing marks) to that sheet's
XML; ``Book.render_owned`` replaces a sheet the tool owns (汇总, 校验结果) as a whole part:
written by owned_xml in this package's formats and strings, its charts' caches refreshed
in place — or, when its charts are not there yet, rendered by the builder's own code
(XlsxWriter) and moved into this package, formats, strings, charts and print titles
translated to this package's. Nothing else is
parsed; ``Book.save`` copies every other member byte for byte.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree

from ..errors import WorkbookError
from . import layout as L
from .cells import SharedStrings, Styles, child, hidden_by_merge, insert_in_order
from .cells import local as _local
from .notes import SheetNotes
from .owned_xml import StyleMap, print_names, refreshed_charts, sheet_xml
from .parts import (
    CT_CHART,
    CT_DRAWING,
    CT_WORKSHEET,
    NS_PKG,
    R_ID,
    REL_CALC_CHAIN,
    REL_CHART,
    REL_DRAWING,
    REL_OFFICE,
    REL_SST,
    REL_STYLES,
    REL_WORKSHEET,
    M,
    Package,
    Rels,
    parse_xml,
)
from .patch import MARK_AUTHOR, MARK_COLORS, MARK_RANK, Formula, Mark, SheetSpec
from .sheet_part import C_OPEN as _C_OPEN
from .sheet_part import SheetPart, find_cell

_MARK_FILLS = {c.upper() for c in MARK_COLORS.values()}
_MARK_RANK = MARK_RANK
_PRINT_NAMES = ("_xlnm.Print_Area", "_xlnm.Print_Titles")
_F_TAG = re.compile(rb"<(?:\w+:)?f[\s/>]")


@dataclass
class SheetEdits:
    """What one update changes on one sheet."""

    spec: SheetSpec | None = None  # an owned sheet rewritten as a whole
    clear: bool = False  # remove the marks a previous run left
    values: dict[str, Any] = field(default_factory=dict)
    marks: list[Mark] = field(default_factory=list)


class Book:
    def __init__(self, path) -> None:
        self.pkg = Package(path)
        office = Rels(self.pkg, "").of_type(REL_OFFICE)
        if not office:
            raise WorkbookError("工作簿已损坏：找不到 xl/workbook.xml 的关系", path=str(path))
        self.wb_part = office[0][1]
        self.wb_root = self.pkg.xml(self.wb_part)
        self.wb_rels = Rels(self.pkg, self.wb_part)
        self.sheets: dict[str, str] = {}  # name -> part, in workbook order
        sheets = self.wb_root.find(M + "sheets")
        targets = self.wb_rels.targets()
        for s in sheets.iterfind(M + "sheet") if sheets is not None else ():
            part = targets.get(s.get(R_ID) or "")
            if part is not None and s.get("name"):
                self.sheets[s.get("name") or ""] = part
        self._strings: SharedStrings | bool | None = False
        self._styles: Styles | None = None
        self.formulas_replaced = False
        self.values_written = False
        self._formulas: dict[str, dict[str, str]] = {}
        self._style_map: StyleMap | None = None

    # -- package-wide parts ----------------------------------------------------------------------
    @property
    def strings(self) -> SharedStrings | None:
        """The shared strings, or None when the workbook stores its texts inline."""
        if self._strings is False:
            found = self.wb_rels.of_type(REL_SST)
            self._strings = SharedStrings(self.pkg, found[0][1]) if found and self.pkg.exists(
                found[0][1]) else None
        return self._strings  # type: ignore[return-value]

    @property
    def styles(self) -> Styles:
        if self._styles is None:
            found = self.wb_rels.of_type(REL_STYLES)
            if not found:
                raise WorkbookError("工作簿已损坏：没有 styles.xml", path=str(self.pkg.path))
            self._styles = Styles(self.pkg, found[0][1])
        return self._styles

    def formulas(self, name: str) -> Mapping[str, str]:
        """Cells of a sheet that hold a formula -> its text ("" for a shared formula's
        dependents), found in the sheet's XML without parsing it."""
        part = self.sheets.get(name)
        if part is None or not self.pkg.exists(part):
            return {}
        if part not in self._formulas:
            self._formulas[part] = _formula_cells(self.pkg.read(part))
        return self._formulas[part]

    # -- one sheet -------------------------------------------------------------------------------
    def edit_sheet(self, name: str, edits: SheetEdits) -> None:
        if edits.spec is not None:
            part, root = self.render_owned(edits.spec)
            sheet = SheetPart(b"", part, root=root)
        else:
            part = self.sheets[name]
            sheet = SheetPart(self.pkg.read(part), part)
        for ref, value in edits.values.items():
            sheet.set(ref, value, self.strings if _needs_strings(value) else None)
        if edits.clear or edits.marks:
            notes = SheetNotes(self.pkg, part, sheet, Rels(self.pkg, part))
            if edits.clear:
                self._clear_marks(sheet, notes)
            if edits.marks:
                self._mark(sheet, notes, edits.marks)
            notes.write()
        if sheet.changed:
            self.values_written = self.values_written or bool(edits.values)
            self.formulas_replaced = self.formulas_replaced or sheet.formulas_replaced
            self.pkg.put(part, sheet.to_bytes())

    def _clear_marks(self, sheet: SheetPart, notes: SheetNotes) -> None:
        styles = self.styles
        for ref, note in list(notes.notes.items()):
            # Every mark has a note (ours, or the user's it kept): the builder's own fills
            # in the mark colours (tool labels) are not marks.
            s = sheet.style(ref)
            if styles.fill_rgb(s) in _MARK_FILLS:
                sheet.set_style(ref, styles.with_fill(s, None))
            if note.author == MARK_AUTHOR:
                notes.remove(ref)

    def _mark(self, sheet: SheetPart, notes: SheetNotes, marks: Iterable[Mark]) -> None:
        styles = self.styles
        merges = sheet.merges()
        for mark in marks:
            if hidden_by_merge(mark.cell, merges):
                continue
            color = MARK_COLORS.get(mark.severity, MARK_COLORS["info"]).upper()
            s = sheet.style(mark.cell)
            if _MARK_RANK.get(styles.fill_rgb(s) or "", -1) < _MARK_RANK[color]:  # the worst shows
                sheet.set_style(mark.cell, styles.with_fill(s, color))
            existing = notes.get(mark.cell)
            if existing is not None and existing.author != MARK_AUTHOR:
                continue  # the user's own note stays; the message is on the findings sheet
            text = mark.message if existing is None else existing.text + "\n" + mark.message
            notes.set(mark.cell, MARK_AUTHOR, text)

    # -- owned sheets ----------------------------------------------------------------------------
    def add_sheet(self, name: str) -> str:
        part = self.pkg.free_name("xl/worksheets/sheet{}.xml")
        rid = self.wb_rels.add(REL_WORKSHEET, part)
        sheets = self.wb_root.find(M + "sheets")
        ids = [int(s.get("sheetId") or 0) for s in sheets.iterfind(M + "sheet")]
        el = etree.SubElement(sheets, M + "sheet", name=name, sheetId=str(max(ids, default=0) + 1))
        el.set(R_ID, rid)
        self.pkg.put_xml(self.wb_part, self.wb_root)
        self.pkg.add_part(part, b"", CT_WORKSHEET)
        self.sheets[name] = part
        return part

    def render_owned(self, spec: SheetSpec) -> tuple[str, etree._Element]:
        """The sheet ``spec`` describes, as this package's part (added when missing):
        written here (owned_xml) when the sheet's charts, if any, are already in place, else
        rendered through XlsxWriter."""
        old = None
        if spec.name in self.sheets:
            part = self.sheets[spec.name]
            old = parse_xml(self.pkg.read(part), part)
        else:
            part = self.add_sheet(spec.name)
        rels = Rels(self.pkg, part)
        charts = self._charts_in_place(rels, spec) if spec.charts else []
        if charts is None:
            src = _Scratch(_xlsxwriter_render(spec))
            root = src.xml("xl/worksheets/sheet1.xml")
            self._move_cells(root, src)
            self._move_drawing(root, rels, src, spec)
            self._print_names(spec.name, _scratch_print_names(src))
        else:
            if self._style_map is None:
                self._style_map = StyleMap(self.styles)
            root = parse_xml(sheet_xml(spec, self._style_map, self.strings), part)
            if charts:
                drawing_rid = rels.of_type(REL_DRAWING)[0][0]
                insert_in_order(root, etree.Element(M + "drawing", {R_ID: drawing_rid}))
                chart_rels = Rels(self.pkg, rels.of_type(REL_DRAWING)[0][1])
                for rid, data in charts:
                    self.pkg.put(chart_rels.target(rid) or "", data)
            else:
                for rid, drawing in rels.of_type(REL_DRAWING):
                    rels.remove(rid)
                    self._drop_drawing(drawing)
            self._print_names(spec.name, print_names(spec))
        view = root.find(f"{M}sheetViews/{M}sheetView")
        if view is not None:
            view.attrib.pop("tabSelected", None)
        if old is not None:
            old_view = old.find(f"{M}sheetViews/{M}sheetView")
            if view is not None and old_view is not None and old_view.get("tabSelected"):
                view.set("tabSelected", old_view.get("tabSelected") or "")
            code = old.find(M + "sheetPr")
            if code is not None and code.get("codeName"):
                pr = child(root, "sheetPr", create=True)
                pr.set("codeName", code.get("codeName") or "")
                root.remove(pr)
                root.insert(0, pr)
            legacy = child(old, "legacyDrawing")
            if legacy is not None:
                insert_in_order(root, legacy)
        self.formulas_replaced = True
        self.values_written = True
        return part, root

    def _charts_in_place(self, rels: Rels, spec: SheetSpec) -> list[tuple[str, bytes]] | None:
        """The sheet's chart parts with fresh caches, when its one drawing shows the charts
        of ``spec`` (owned_xml.refreshed_charts); None when they must be rendered anew."""
        drawings = rels.of_type(REL_DRAWING)
        if len(drawings) != 1 or not self.pkg.exists(drawings[0][1]):
            return None
        drawing_rels = Rels(self.pkg, drawings[0][1])

        def read_chart(rid: str) -> bytes | None:
            target = drawing_rels.target(rid)
            return self.pkg.read(target) if target and self.pkg.exists(target) else None

        try:
            return refreshed_charts(spec, self.pkg.read(drawings[0][1]), read_chart)
        except WorkbookError:  # (a drawing or chart that is not XML: rendered anew)
            return None

    def _move_cells(self, root: etree._Element, src: _Scratch) -> None:
        styles, theirs = self.styles, Styles(src, "xl/styles.xml")  # type: ignore[arg-type]
        mapped: dict[str, str] = {}

        def style(s: str) -> str:
            if s not in mapped:
                mapped[s] = str(styles.import_xf(theirs, int(s)))
            return mapped[s]

        for col in root.iterfind(f"{M}cols/{M}col"):
            if col.get("style"):
                col.set("style", style(col.get("style") or "0"))
        src_strings = list(src.xml("xl/sharedStrings.xml")) if src.has("xl/sharedStrings.xml") else []
        strings = self.strings
        for row in root.iterfind(f"{M}sheetData/{M}row"):
            if row.get("s"):
                row.set("s", style(row.get("s") or "0"))
            for c in row.iterfind(M + "c"):
                if c.get("s"):
                    c.set("s", style(c.get("s") or "0"))
                if c.get("t") != "s":
                    continue
                v = c.find(M + "v")
                si = src_strings[int(v.text or 0)]
                plain = si.find(M + "t") is not None and len(si) == 1
                if strings is not None:
                    v.text = str(strings.index(si.find(M + "t").text or "") if plain else strings.append(si))
                else:
                    c.remove(v)
                    c.set("t", "inlineStr")
                    inline = etree.SubElement(c, M + "is")
                    for part in si:
                        inline.append(etree.fromstring(etree.tostring(part)))

    def _move_drawing(self, root, rels: Rels, src: _Scratch, spec: SheetSpec) -> None:
        old = rels.of_type(REL_DRAWING)
        old_charts: list[str] = []
        if old:
            old_charts = [p for _rid, p in Rels(self.pkg, old[0][1]).of_type(REL_CHART)]
        new_drawing = root.find(M + "drawing")
        if not spec.charts or new_drawing is None:
            if new_drawing is not None:
                root.remove(new_drawing)
            for rid, drawing in old:
                rels.remove(rid)
                self._drop_drawing(drawing)
            return
        if old:
            rid, drawing = old[0]
        else:
            drawing = self.pkg.free_name("xl/drawings/drawing{}.xml")
            self.pkg.add_part(drawing, b"", CT_DRAWING)
            rid = rels.add(REL_DRAWING, drawing)
        new_drawing.set(R_ID, rid)
        self.pkg.put(drawing, src.read("xl/drawings/drawing1.xml"))
        src_rels = src.xml("xl/drawings/_rels/drawing1.xml.rels")
        drawing_rels = Rels(self.pkg, drawing)
        drawing_rels.root = etree.Element(f"{{{NS_PKG}}}Relationships", nsmap={None: NS_PKG})
        for i, rel in enumerate(src_rels.iterfind(f"{{{NS_PKG}}}Relationship")):
            chart = old_charts[i] if i < len(old_charts) else self.pkg.free_name("xl/charts/chart{}.xml")
            data = src.read("xl/charts/" + (rel.get("Target") or "").rsplit("/", 1)[-1])
            if self.pkg.exists(chart):
                self.pkg.put(chart, data)
            else:
                self.pkg.add_part(chart, data, CT_CHART)
            etree.SubElement(drawing_rels.root, f"{{{NS_PKG}}}Relationship", Id=rel.get("Id") or "",
                             Type=REL_CHART, Target="../charts/" + chart.rsplit("/", 1)[-1])
        for chart in old_charts[len(src_rels):]:
            self.pkg.remove(chart)
        self.pkg.put_xml(drawing_rels.name, drawing_rels.root)

    def _drop_drawing(self, drawing: str) -> None:
        drawing_rels = Rels(self.pkg, drawing)
        for _rid, chart in drawing_rels.of_type(REL_CHART):
            self.pkg.remove(chart)
        if self.pkg.exists(drawing_rels.name):
            self.pkg.remove(drawing_rels.name)
        self.pkg.remove(drawing)

    def _print_names(self, name: str, wanted: list[tuple[str, str]]) -> None:
        """The owned sheet's print area and titles in workbook.xml, replaced when changed."""
        listed = [s.get("name") for s in self.wb_root.iterfind(f"{M}sheets/{M}sheet")]
        index = listed.index(name)
        names = self.wb_root.find(M + "definedNames")
        have = [] if names is None else [
            dn for dn in names.iterfind(M + "definedName")
            if dn.get("name") in _PRINT_NAMES and dn.get("localSheetId") == str(index)]
        if sorted((dn.get("name"), dn.text or "") for dn in have) == sorted(wanted):
            return
        if names is None:
            names = etree.Element(M + "definedNames")
            after = self.wb_root.find(M + "sheets")
            after.addnext(names)
        for dn in have:
            names.remove(dn)
        for key, text in wanted:
            el = etree.SubElement(names, M + "definedName", name=key or "", localSheetId=str(index))
            el.text = text
        self.pkg.put_xml(self.wb_part, self.wb_root)

    # -- saving ----------------------------------------------------------------------------------
    def finish(self) -> None:
        """Workbook-wide consequences of the edits: recalculation on open, no stale
        calculation chain."""
        if self.values_written:
            calc = self.wb_root.find(M + "calcPr")
            if calc is None:
                calc = etree.Element(M + "calcPr")
                _insert_workbook_child(self.wb_root, calc)
            if calc.get("fullCalcOnLoad") not in ("1", "true"):
                calc.set("fullCalcOnLoad", "1")
                self.pkg.put_xml(self.wb_part, self.wb_root)
        if self.formulas_replaced:
            for rid, part in self.wb_rels.of_type(REL_CALC_CHAIN):
                # A cell it lists may no longer hold a formula: Excel rebuilds the chain.
                self.wb_rels.remove(rid)
                if self.pkg.exists(part):
                    self.pkg.remove(part)


def _needs_strings(value: Any) -> bool:
    """A value written as a shared string (text; a formula's text result is not one)."""
    if isinstance(value, Formula):
        return False
    return value is not None and not isinstance(value, (bool, int, float, Decimal))


_WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews",
                   "sheets", "functionGroups", "externalReferences", "definedNames", "calcPr",
                   "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                   "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")


def _insert_workbook_child(root, el) -> None:
    rank = _WORKBOOK_ORDER.index(_local(el))
    for i, c in enumerate(root):
        if isinstance(c.tag, str) and _local(c) in _WORKBOOK_ORDER and _WORKBOOK_ORDER.index(_local(c)) > rank:
            root.insert(i, el)
            return
    root.append(el)


class _Formulas(Mapping[str, str]):
    """The formula cells of a sheet part, found when first asked for (most operations
    never ask)."""

    def __init__(self, data: bytes) -> None:
        self._data: bytes | None = data
        self._found: dict[str, str] = {}
        self._hint = 0  # where the last cell asked for was: cells are asked for in order
        self._asked = 0

    def _all(self) -> dict[str, str]:
        if self._data is not None:  # (replaces what single lookups found)
            self._found, self._data = _scan_formulas(self._data), None
        return self._found

    def __getitem__(self, ref: str) -> str:
        if self._data is None:
            return self._found[ref]
        if ref in self._found:  # (asked for before: found, or None for no formula)
            found = self._found[ref]
        else:
            self._asked += 1
            if self._asked > 64:  # many cells asked for: one scan of the part answers them all
                return self._all()[ref]
            found, self._hint = _formula_at(self._data, ref, self._hint)  # no need to scan them all
            self._found[ref] = found  # type: ignore[assignment]
        if found is None:
            raise KeyError(ref)
        return found

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _formula_cells(data: bytes) -> Mapping[str, str]:
    return _Formulas(data) if b"<f" in data or b":f" in data else {}


def _formula_at(data: bytes, ref: str, hint: int = 0) -> tuple[str | None, int]:
    """The formula of one cell (and where the cell is)."""
    start, end = find_cell(data, ref, hint)
    if start < 0:
        return None, hint
    if data[end - 1:end] == b"/":
        return None, start
    m = _F_TAG.match(data, end + 1 + (len(data[end + 1:end + 40]) - len(data[end + 1:end + 40].lstrip())))
    if m is None:
        return None, start
    return _formula_text(data, m), start


def _formula_text(data: bytes, m: re.Match) -> str | None:
    """The formula of the <f> tag ``m`` found ("" for a shared formula's dependent, whose
    text its master holds; None when the part ends inside it)."""
    if data[m.end() - 1:m.end()] == b"/":
        return ""
    close = data.find(b">", m.end() - 1)
    if data[close - 1:close] == b"/":
        return ""
    end = data.find(b"<", close)
    if end < 0:
        return None
    return "=" + _unescape(data[close + 1:end].decode("utf-8"))


def _scan_formulas(data: bytes) -> dict[str, str]:
    """A1 reference -> formula text of every <c> whose first child is an <f>: each <f>
    is found, then the cell tag right before it (a tag never holds a "<")."""
    out = {}
    for m in _F_TAG.finditer(data):
        start = data.rfind(b"<", 0, m.start())
        head = _C_OPEN.match(data, start, m.start()) if start >= 0 else None
        if head is None:
            continue
        text = _formula_text(data, m)
        if text is not None:
            out[head.group(1).decode()] = text
    return out


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


class _Scratch:
    """A package written in memory by XlsxWriter, read part by part."""

    def __init__(self, data: bytes) -> None:
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._trees: dict[str, etree._Element] = {}

    def has(self, name: str) -> bool:
        return name in self._zip.namelist()

    def read(self, name: str) -> bytes:
        return self._zip.read(name)

    def xml(self, name: str) -> etree._Element:
        if name not in self._trees:
            self._trees[name] = parse_xml(self.read(name), name)
        return self._trees[name]

    def put_xml(self, name: str, root) -> None:  # Styles of a scratch package never change
        pass


def _scratch_print_names(src: _Scratch) -> list[tuple[str, str]]:
    return [(dn.get("name") or "", dn.text or "")
            for dn in src.xml("xl/workbook.xml").iterfind(f"{M}definedNames/{M}definedName")
            if dn.get("name") in _PRINT_NAMES]


def _xlsxwriter_render(spec: SheetSpec) -> bytes:
    import xlsxwriter

    from .build import _Worksheet, render_spec

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
    render_spec(book, book.add_worksheet(spec.name, worksheet_class=_Worksheet(book)), spec)
    book.close()
    return out.getvalue()


__all__ = ["Book", "L", "SheetEdits"]
