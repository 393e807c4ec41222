"""Cells of one sheet part, shared strings and cell formats, edited in place with lxml.

Only the cells an update owns change: a cell keeps its format (``s``) unless a mark
recolours it; rows and cells are inserted in row/column order where they do not exist;
every other element of the sheet (columns, merges, validations, conditional formats,
drawings …) stays as it was.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lxml import etree

from . import layout as L
from .parts import NS_MAIN, M, Package
from .patch import Formula, Link

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# CT_Worksheet's children in schema order: a new element goes before the first later one.
SHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst",
)
_RANK = {name: i for i, name in enumerate(SHEET_ORDER)}
# Characters XML 1.0 cannot carry; OOXML writes them as _xHHHH_.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile("_x[0-9A-Fa-f]{4}_")


_split = lru_cache(maxsize=1 << 16)(L.split_a1)


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


def insert_in_order(root: etree._Element, el: etree._Element) -> etree._Element:
    """Put ``el`` among the worksheet's children where the schema wants it."""
    rank = _RANK[local(el)]
    for i, child in enumerate(root):
        if isinstance(child.tag, str) and _RANK.get(local(child), -1) > rank:
            root.insert(i, el)
            return el
    root.append(el)
    return el


def child(root: etree._Element, name: str, create: bool = False) -> etree._Element | None:
    el = root.find(M + name)
    if el is None and create:
        el = insert_in_order(root, etree.Element(M + name))
    return el


def ooxml_text(text: str) -> str:
    """Text as an OOXML string may hold it (control characters escaped as _xHHHH_)."""
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(lambda m: "_x005F" + m.group(0), text)
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text) if _ILLEGAL.search(text) else text


def needs_preserve(text: str) -> bool:
    return text != text.strip() or "\n" in text


def formula_text(f: Formula) -> str:
    """What a <f> element holds: the formula without its "=", as OOXML text."""
    return _formula_text(f.text)


@lru_cache(maxsize=4096)
def _formula_text(text: str) -> str:  # (the same few hundred formulas, thousands of times)
    return ooxml_text(text[1:] if text.startswith("=") else text)


def cell_content(value: Any, strings: SharedStrings | None, formula_result: bool = False,
                 ) -> tuple[str | None, str | None, str | None]:
    """(t attribute, <v> text, inline string) of a value written into a cell. The cached
    result of a formula (``formula_result``) is never a shared string, and an empty text
    is a result ("" — what IF(…,"") gives), where a plain "" leaves the cell empty."""
    if value is None or (value == "" and not formula_result):
        return None, None, None
    if isinstance(value, bool):
        return "b", "1" if value else "0", None
    if isinstance(value, (int, float, Decimal)):
        return None, number_text(value), None
    text = str(value)
    if formula_result:
        return "str", ooxml_text(text), None
    if strings is not None:
        return "s", str(strings.index(text)), None
    return "inlineStr", None, text


def number_text(value: Any) -> str | None:
    """A number as a <v> holds it (None when not finite). Cached: the figures a monitoring
    writes by the ten thousand are mostly the same few hundred. The cache tells types apart:
    an int and a float of equal value may be written differently (10**16, 1e+16)."""
    try:
        return _number_text(value)
    except TypeError:  # (a signalling NaN has no hash)
        return _number_text.__wrapped__(value)


@lru_cache(maxsize=8192, typed=True)
def _number_text(value: Any) -> str | None:
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None  # (a signalling NaN would not even convert to float)
        value = float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(int(value))


# -- shared strings --------------------------------------------------------------------------------
class SharedStrings:
    """xl/sharedStrings.xml: new texts appended (an existing plain entry is reused)."""

    def __init__(self, pkg: Package, part: str) -> None:
        self.pkg, self.part = pkg, part
        self.root = pkg.xml(part)
        self._index: dict[str, int] | None = None
        self._size = len(self.root)  # lxml counts children by walking them: keep the number
        self._count = int(self.root.get("count") or 0)

    def _items(self) -> dict[str, int]:
        if self._index is None:
            self._index = {}
            for i, si in enumerate(self.root):
                t = si.find(M + "t")
                if t is not None and len(si) == 1:
                    self._index.setdefault(t.text or "", i)
        return self._index

    def text(self, i: int) -> str:
        si = self.root[i]
        return "".join(t.text or "" for t in si.iter(M + "t") if local(t.getparent()) != "rPh")

    def index(self, text: str) -> int:
        items = self._items()
        if text not in items:
            text = ooxml_text(text)
        if text not in items:
            si = etree.SubElement(self.root, M + "si")
            t = etree.SubElement(si, M + "t")
            t.text = text
            if needs_preserve(text):
                t.set(XML_SPACE, "preserve")
            items[text] = self._size
            self._size += 1
        self._count += 1
        self._touch()
        return items[text]

    def append(self, si: etree._Element) -> int:
        """A copy of a rich-text entry from another package."""
        self.root.append(_in_main(si))
        self._size += 1
        self._count += 1
        self._touch()
        return self._size - 1

    def _touch(self) -> None:
        # count: references in the workbook (only ever more here; readers do not rely on it)
        self.root.set("uniqueCount", str(self._size))
        self.root.set("count", str(max(self._count, self._size)))
        self.pkg.put_xml(self.part, self.root)


def _in_main(el: etree._Element) -> etree._Element:
    out = etree.fromstring(etree.tostring(el))
    return out


# -- cell formats ------------------------------------------------------------------------------------
def _canon(el: etree._Element) -> tuple:
    return (local(el), tuple(sorted((k, v) for k, v in el.attrib.items())), (el.text or "").strip(),
            tuple(_canon(c) for c in el if isinstance(c.tag, str)))


class Styles:
    """xl/styles.xml: a cell format with another fill (or one copied from another styles
    part) is added only when no equal one exists."""

    def __init__(self, pkg: Package, part: str) -> None:
        self.pkg, self.part = pkg, part
        self.root = pkg.xml(part)
        self._lists: dict[str, etree._Element] = {}
        self._keys: dict[str, dict[tuple, int]] = {}
        self._fill_rgb: dict[int, str | None] = {}
        self._refill: dict[tuple[int, str | None], int] = {}

    def _list(self, name: str) -> etree._Element:
        if name not in self._lists:
            el = self.root.find(M + name)
            if el is None:
                el = etree.Element(M + name)
                order = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                         "cellStyles", "dxfs", "tableStyles", "colors", "extLst")
                rank = order.index(name)
                for i, c in enumerate(self.root):
                    if isinstance(c.tag, str) and local(c) in order and order.index(local(c)) > rank:
                        self.root.insert(i, el)
                        break
                else:
                    self.root.append(el)
            self._lists[name] = el
        return self._lists[name]

    def _find_or_add(self, name: str, el: etree._Element) -> int:
        lst = self._list(name)
        keys = self._keys.get(name)
        if keys is None:
            keys = self._keys[name] = {}
            for i, c in enumerate(x for x in lst if isinstance(x.tag, str)):
                keys.setdefault(_canon(c), i)
        key = _canon(el)
        if key not in keys:
            lst.append(el)
            keys[key] = sum(1 for x in lst if isinstance(x.tag, str)) - 1
            lst.set("count", str(keys[key] + 1))
            self.pkg.put_xml(self.part, self.root)
        return keys[key]

    def xf(self, index: int) -> etree._Element | None:
        xfs = [x for x in self._list("cellXfs") if isinstance(x.tag, str)]  # (a few hundred)
        return xfs[index] if 0 <= index < len(xfs) else None

    def fill_rgb(self, xf_index: int) -> str | None:
        """The solid fill colour (RRGGBB) of a cell format, if it has one."""
        if xf_index not in self._fill_rgb:
            rgb = None
            xf = self.xf(xf_index)
            if xf is not None:
                fills = [f for f in self._list("fills") if isinstance(f.tag, str)]
                fid = int(xf.get("fillId") or 0)
                pattern = fills[fid].find(M + "patternFill") if fid < len(fills) else None
                if pattern is not None and pattern.get("patternType") == "solid":
                    fg = pattern.find(M + "fgColor")
                    value = fg.get("rgb") if fg is not None else None
                    rgb = value[-6:].upper() if value else None
            self._fill_rgb[xf_index] = rgb
        return self._fill_rgb[xf_index]

    def with_fill(self, xf_index: int, rgb: str | None) -> int:
        """The format ``xf_index`` with a solid ``rgb`` fill (None: no fill)."""
        key = (xf_index, rgb)
        if key not in self._refill:
            fill = etree.Element(M + "fill")
            if rgb is None:
                etree.SubElement(fill, M + "patternFill", patternType="none")
            else:
                pattern = etree.SubElement(fill, M + "patternFill", patternType="solid")
                etree.SubElement(pattern, M + "fgColor", rgb="FF" + rgb.upper())
                etree.SubElement(pattern, M + "bgColor", indexed="64")
            fill_id = self._find_or_add("fills", fill)
            base = self.xf(xf_index)
            xf = etree.Element(M + "xf", numFmtId="0", fontId="0", fillId="0", borderId="0",
                               xfId="0") if base is None else _copy(base)
            xf.set("fillId", str(fill_id))
            if rgb is None:  # no fill: the format the cell had before it was marked
                xf.attrib.pop("applyFill", None)
            else:
                xf.set("applyFill", "1")
            self._refill[key] = self._find_or_add("cellXfs", xf)
        return self._refill[key]

    def import_xf(self, other: Styles, xf_index: int) -> int:
        """The format ``xf_index`` of another styles part, as a format of this one."""
        src = other.xf(xf_index)
        if src is None:
            return 0
        xf = _copy(src)
        for attr, name in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            items = [x for x in other._list(name) if isinstance(x.tag, str)]
            i = int(src.get(attr) or 0)
            if i < len(items):
                xf.set(attr, str(self._find_or_add(name, _copy(items[i]))))
        fmt = int(src.get("numFmtId") or 0)
        if fmt >= 164:
            code = next((n.get("formatCode") for n in other._list("numFmts")
                         if isinstance(n.tag, str) and n.get("numFmtId") == str(fmt)), None)
            if code is not None:
                xf.set("numFmtId", str(self._num_fmt(code)))
        xf.set("xfId", "0")
        return self._find_or_add("cellXfs", xf)

    def _num_fmt(self, code: str) -> int:
        lst = self._list("numFmts")
        used = []
        for n in lst:
            if isinstance(n.tag, str):
                if n.get("formatCode") == code:
                    return int(n.get("numFmtId") or 0)
                used.append(int(n.get("numFmtId") or 0))
        new = max([163, *used]) + 1
        etree.SubElement(lst, M + "numFmt", numFmtId=str(new), formatCode=code)
        lst.set("count", str(len(used) + 1))
        self.pkg.put_xml(self.part, self.root)
        return new


def _copy(el: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(el))


# -- one sheet ---------------------------------------------------------------------------------------
class SheetCells:
    """The <sheetData> of a parsed sheet part: find or create cells, set values."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.data = child(root, "sheetData", create=True)
        self._rows: dict[int, etree._Element] = {}
        self._cells: dict[int, dict[int, etree._Element]] = {}
        last = 0
        for row in self.data.iterchildren(M + "row"):
            r = row.get("r")
            last = int(r) if r else last + 1
            if not r:
                row.set("r", str(last))
            self._rows[last] = row
        self.formulas_replaced = False

    def _row_cells(self, r: int) -> dict[int, etree._Element]:
        if r not in self._cells:
            cells: dict[int, etree._Element] = {}
            row = self._rows.get(r)
            if row is not None:
                col = 0
                for c in row.iterchildren(M + "c"):
                    ref = c.get("r")
                    if ref:
                        col = _split(ref)[1]
                    else:
                        col += 1
                        c.set("r", L.a1(r, col))
                    cells[col] = c
            self._cells[r] = cells
        return self._cells[r]

    def get(self, ref: str) -> etree._Element | None:
        r, col = _split(ref)
        return self._row_cells(r).get(col)

    def cell(self, ref: str) -> etree._Element:
        """The <c> of ``ref``, created in row and column order when missing."""
        r, col = _split(ref)
        cells = self._row_cells(r)
        if col in cells:
            return cells[col]
        row = self._rows.get(r)
        if row is None:
            row = etree.Element(M + "row", r=str(r))
            later = [k for k in self._rows if k > r]
            if later:
                self._rows[min(later)].addprevious(row)
            else:
                self.data.append(row)
            self._rows[r] = row
        c = etree.Element(M + "c", r=L.a1(r, col))
        style = row.get("s") if row.get("customFormat") in ("1", "true") else self._col_style(col)
        if style and style != "0":
            c.set("s", style)
        later = [k for k in cells if k > col]
        if later:
            cells[min(later)].addprevious(c)
        else:
            ext = row.find(M + "extLst")
            if ext is not None:
                ext.addprevious(c)
            else:
                row.append(c)
        cells[col] = c
        _widen_spans(row, col)
        self._widen_dimension(r, col)
        return c

    def _col_style(self, col: int) -> str | None:
        cols = child(self.root, "cols")
        if cols is None:
            return None
        for c in cols.iterchildren(M + "col"):
            if int(c.get("min") or 0) <= col <= int(c.get("max") or 0):
                return c.get("style")
        return None

    def _widen_dimension(self, r: int, col: int) -> None:
        dim = child(self.root, "dimension")
        if dim is None:
            return
        first, _, last = (dim.get("ref") or "A1").partition(":")
        try:
            r1, c1 = _split(first)
            r2, c2 = _split(last or first)
        except ValueError:
            return
        nr1, nc1, nr2, nc2 = min(r1, r), min(c1, col), max(r2, r), max(c2, col)
        if (nr1, nc1, nr2, nc2) != (r1, c1, r2, c2):
            dim.set("ref", f"{L.a1(nr1, nc1)}:{L.a1(nr2, nc2)}")

    def style(self, ref: str) -> int:
        c = self.get(ref)
        return int(c.get("s") or 0) if c is not None else 0

    def is_formula(self, ref: str) -> bool:
        c = self.get(ref)
        return c is not None and c.find(M + "f") is not None

    def set(self, ref: str, value: Any, strings: SharedStrings | None) -> None:
        c = self.cell(ref)
        old_f = c.find(M + "f")
        if old_f is not None:
            self.formulas_replaced = True
            if old_f.get("t") == "shared" and (old_f.text or "").strip():
                self._unshare(c, old_f)
        for name in ("f", "v", "is"):
            for el in c.findall(M + name):
                c.remove(el)
        for attr in ("t", "cm", "vm"):
            c.attrib.pop(attr, None)
        if isinstance(value, Link):
            value = value.text
        is_formula = isinstance(value, Formula)
        if is_formula:
            etree.SubElement(c, M + "f").text = formula_text(value)
            value = value.cached
        kind, v, inline = cell_content(value, strings, formula_result=is_formula)
        if kind:
            c.set("t", kind)
        if v is not None:
            etree.SubElement(c, M + "v").text = v
        if inline is not None:
            t = etree.SubElement(etree.SubElement(c, M + "is"), M + "t")
            t.text = ooxml_text(inline)
            if needs_preserve(inline):
                t.set(XML_SPACE, "preserve")

    def _unshare(self, master: etree._Element, f: etree._Element) -> None:
        """The master of a shared formula is overwritten: its dependents get their own
        formula text (translated from the master's)."""
        from openpyxl.formula.translate import Translator

        si, origin = f.get("si"), master.get("r")
        text = "=" + (f.text or "")
        for c in self.data.iter(M + "c"):
            g = c.find(M + "f")
            if c is master or g is None or g.get("t") != "shared" or g.get("si") != si:
                continue
            g.text = Translator(text, origin=origin).translate_formula(c.get("r"))[1:]
            for attr in ("t", "si", "ref"):
                g.attrib.pop(attr, None)


def _widen_spans(row: etree._Element, col: int) -> None:
    spans = row.get("spans")
    if not spans or ":" not in spans or " " in spans:
        return
    lo, hi = (int(x) for x in spans.split(":"))
    if not lo <= col <= hi:
        row.set("spans", f"{min(lo, col)}:{max(hi, col)}")


def merged_ranges(root: etree._Element) -> list[tuple[int, int, int, int]]:
    out = []
    merges = child(root, "mergeCells")
    if merges is None:
        return out
    for m in merges.iterchildren(M + "mergeCell"):
        first, _, last = (m.get("ref") or "").partition(":")
        if not first:
            continue
        r1, c1 = _split(first)
        r2, c2 = _split(last or first)
        out.append((r1, c1, r2, c2))
    return out


def hidden_by_merge(ref: str, merges: list[tuple[int, int, int, int]]) -> bool:
    """A cell inside a merged range other than its top-left one."""
    r, c = _split(ref)
    return any(r1 <= r <= r2 and c1 <= c <= c2 and (r, c) != (r1, c1) for r1, c1, r2, c2 in merges)


def set_hyperlink(root: etree._Element, ref: str, link: Link | None) -> None:
    """An in-workbook hyperlink on ``ref`` (None: remove the one it has)."""
    links = child(root, "hyperlinks")
    if links is not None:
        for h in links.findall(M + "hyperlink"):
            if h.get("ref") == ref:
                links.remove(h)
    if link is None:
        if links is not None and not len(links):
            root.remove(links)
        return
    links = child(root, "hyperlinks", create=True)
    etree.SubElement(links, M + "hyperlink", ref=ref,
                     location=f"{L.quote_sheet(link.sheet)}{link.cell}", display=link.text)


__all__ = ["NS_MAIN", "SharedStrings", "SheetCells", "Styles", "insert_in_order", "merged_ranges"]
