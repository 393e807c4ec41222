"""One worksheet part being edited: cells replaced in its bytes, or in its lxml tree.

An update changes a few dozen cells of a sheet of thousands. While every cell it writes
already exists in the sheet (the builder writes each owned cell, at least with its format),
``SheetPart`` replaces those ``<c>`` elements in the part's bytes and leaves every other
byte as it was — no parse of the whole sheet, no serialisation. Anything more (a cell or
row to insert, a hyperlink, the master of a shared formula overwritten, a drawing link to
add or remove, XML it does not recognise) turns the part into an lxml tree first, with
the replacements made so far, and goes on with ``cells.SheetCells`` — the same result,
only slower.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lxml import etree

from . import layout as L
from .cells import (
    XML_SPACE,
    SharedStrings,
    SheetCells,
    _split,
    cell_content,
    child,
    formula_text,
    insert_in_order,
    merged_ranges,
    needs_preserve,
    ooxml_text,
    set_hyperlink,
)
from .parts import R_ID, M, parse_xml, xml_bytes
from .patch import Formula, Link

_OPEN = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)c\s")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")
_F = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_SHARED_MASTER = re.compile(rb"""<(?:[\w.-]+:)?f\s[^>]*\bt=["']shared["'][^>]*[^/]>""")
_MERGE = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\s[^>]*\bref=["']([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)["']""")
_LEGACY = re.compile(rb"""<(?:[\w.-]+:)?legacyDrawing\s+r:id=["']([^"']*)["']\s*/>""")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s+ref=["']([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)["']""")
_CELL_REF = re.compile(rb"""<(?:[\w.-]+:)?c\s[^>]*?\br=["']([A-Z]+)[0-9]+["']""")
_ROW = re.compile(rb"<((?:[\w.-]+:)?)row\s[^>]*>")
_ROW_PLAIN = re.compile(rb"<()row\s[^>]*>")  # (group 1: the empty prefix)
_ROW_NUMBER = re.compile(rb"""\sr=["']([0-9]+)["']""")
_COL = re.compile(rb"<(?:[\w.-]+:)?col\s[^>]*>")
_F_FULL = re.compile(rb"<(?:[\w.-]+:)?f(\s[^>]*)?>([^<]*)</(?:[\w.-]+:)?f>")
_F_KIND = re.compile(rb"""\bt=["'](?!normal["'])""")
_V = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_DROPPED = (b"t", b"cm", b"vm")  # what a new value makes wrong
_FAST_TYPES = frozenset((Formula, Decimal, int, float))  # (exact types: a bool is neither)


_PLAIN_REF = re.compile(r"[A-Z]{1,3}[0-9]+\Z")
# A cell's start tag up to its end (matched with endpos just after its ">").
C_OPEN = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}[0-9]+)"[^>]*>\s*$')


def find_cell(data: bytes, ref: str, hint: int = 0, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """(start of the <c> tag of ``ref``, its closing ">"), or (-1, -1): found by its
    r="…" attribute between ``lo`` and ``hi``, looking from ``hint`` on first (cells come
    in row, column order)."""
    key, plain = _cell_key(ref)
    hi = len(data) if hi is None else hi
    hint = min(max(hint, lo), hi)
    for a, b in ((hint, hi), (lo, min(hint + len(key), hi))):
        at = data.find(key, a, b)
        while at >= 0:
            start = data.rfind(b"<", 0, at)
            end = data.find(b">", at)
            if start >= 0 and end > 0 and (
                    # (what C_OPEN matches, in the form the builder and Excel write: "<c "
                    # and the key inside the tag; any other form is left to the pattern)
                    (plain and data[start + 1:start + 3] == b"c " and data.find(b">", start, at) < 0)
                    or C_OPEN.match(data, start, end + 1)):
                return start, end
            at = data.find(key, at + 1, b)
    return -1, -1


@lru_cache(maxsize=8192)
def _cell_key(ref: str) -> tuple[bytes, bool]:
    """(' r="A1"' as bytes, whether the reference is plain "A1"): the same cells are looked
    for on every sheet."""
    return f' r="{ref}"'.encode(), _PLAIN_REF.match(ref) is not None


def data_slash(data: bytes, m: re.Match) -> bool:
    """The tag ``m`` matched closes itself ("<row …/>")."""
    return data[m.end() - 2:m.end() - 1] == b"/"


def _text(text: str) -> bytes:
    """Text content as lxml writes it (& < > escaped, a carriage return as &#13;)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (text.replace("\r", "&#13;") if "\r" in text else text).encode("utf-8")


@lru_cache(maxsize=4096)
def _formula_bytes(text: str) -> bytes:
    """A formula's text as a <f> element holds it, escaped (the same few hundred formulas
    are written thousands of times)."""
    return _text(formula_text(Formula(text)))


def _holds(attrs: list[tuple[bytes, bytes]], inner: bytes, formula: Formula,
           shown: tuple[str | None, str | None, str | None], at: int = 0) -> bool:
    """A cell's content is ``formula`` with its cached value (any value, when the formula
    brings none): the same number, text or truth value (``shown``: the cached value's
    cell_content, looked at first: it is what mostly changed; its <v> looked for from
    ``at``) and the same formula."""
    if formula.cached is not None and not _shows(attrs, inner, shown, at):
        return False
    m = _F_FULL.search(inner)
    if m is None or (m.group(1) and _F_KIND.search(m.group(1))):
        return False  # (a shared or array formula is not this cell's own)
    return m.group(2) == _formula_bytes(formula.text) or (
        html.unescape(m.group(2).decode("utf-8", "replace")) == formula_text(formula))


def _shows(attrs: list[tuple[bytes, bytes]], inner: bytes, shown: tuple[str | None, str | None, str | None],
           at: int = 0) -> bool:
    """The cell's cached value is the one ``shown`` (cell_content of a formula's result);
    its <v> is looked for from ``at`` (past the formula: escaped text never holds a tag)."""
    kind, want, _inline = shown
    v = _V.search(inner, at)
    if v is None:
        have = None
    else:
        have = v.group(1).decode("utf-8", "replace")
        if "&" in have:
            have = html.unescape(have)
    t = b"n"
    for k, raw in attrs:
        if k == b"t":
            t = raw[1:-1]
            break
    if kind == "str":
        return t in (b"str", b"n") and (have or "") == want if want == "" else (t == b"str" and have == want)
    if kind == "b":
        return t == b"b" and have == want
    if t != b"n" or have is None or want is None:
        return False
    if have == want:
        return True
    try:
        return float(have) == float(want)
    except ValueError:
        return False


class _Cell:
    __slots__ = ("attrs", "end", "inner", "start")

    def __init__(self, start: int, end: int, attrs: list[tuple[bytes, bytes]], inner: bytes | None) -> None:
        self.start, self.end, self.attrs, self.inner = start, end, attrs, inner

    def get(self, name: bytes) -> str | None:
        for key, raw in self.attrs:
            if key == name:
                return raw[1:-1].decode()
        return None

    def put(self, name: bytes, value: str | None) -> None:
        self.attrs = [(k, v) for k, v in self.attrs if k != name]
        if value is not None:
            self.attrs.append((name, b'"' + value.encode() + b'"'))


class _Tree(Exception):
    """The edit needs the parsed sheet."""


class SheetPart:
    """A worksheet part and the edits of one update (see the module's docstring)."""

    def __init__(self, data: bytes, name: str = "", root: etree._Element | None = None) -> None:
        self.name = name
        self._data = data
        self._found: dict[str, _Cell | None] = {}
        self._edited: dict[str, tuple[_Cell, bytes]] = {}  # ref -> (cell as found, new bytes)
        self._state: dict[str, tuple[list[tuple[bytes, bytes]], bytes | None]] = {}  # attrs, content
        self._prefix = b""
        self._hint = 0
        self._last = (0, 0)  # (row, column) of the last cell _quick found
        self._rows: dict[int, tuple[int, int] | None] = {}
        self._box: tuple[int, int, int, int] | bool | None = False  # <dimension>, once read
        self._col_styles: list[tuple[int, int, bytes | None]] | None = None
        self._row_tags: dict[int, re.Match] | None = None  # row number -> its start tag
        self._row_hint = 0  # after the last row found directly
        self._data_at: int | None = None  # where sheetData starts
        self.root: etree._Element | None = None
        self._cells: SheetCells | None = None
        self._replaced = False
        self._tree_changed = False
        if root is not None:
            self._use_tree(root)
            self._tree_changed = True  # (a part rendered as a whole is always written)

    # -- modes -----------------------------------------------------------------------------------
    def _use_tree(self, root: etree._Element) -> None:
        self.root, self._cells = root, SheetCells(root)
        self._found.clear()
        self._edited.clear()
        self._state.clear()

    def tree(self) -> etree._Element:
        """The part as an lxml tree (from now on every edit goes there)."""
        if self.root is None:
            self._use_tree(parse_xml(self.to_bytes(), self.name))
            self._tree_changed = True
        return self.root  # type: ignore[return-value]

    @property
    def cells(self) -> SheetCells:
        self.tree()
        return self._cells  # type: ignore[return-value]

    @property
    def changed(self) -> bool:
        return self._tree_changed or bool(self._edited)

    @property
    def formulas_replaced(self) -> bool:
        return self._replaced or (self._cells is not None and self._cells.formulas_replaced)

    def to_bytes(self) -> bytes:
        if self.root is not None:
            return xml_bytes(self.root)
        if not self._edited:
            return self._data
        out, at, data = [], 0, memoryview(self._data)  # (slices of a view: no copies before the join)
        # (cells inserted at the same place go in column order, before the cell found there)
        for cell, new in sorted(self._edited.values(), key=lambda e: (
                e[0].start, e[0].end > e[0].start,
                0 if e[0].end > e[0].start else L.split_a1(e[0].get(b"r") or "A1")[1])):
            out.append(data[at:cell.start])
            out.append(new)
            at = cell.end
        out.append(data[at:])
        return b"".join(out)

    # -- finding a cell in the bytes --------------------------------------------------------------
    def _find(self, ref: str) -> _Cell | None:
        if ref in self._found:
            return self._found[ref]
        data = self._data
        found = None
        row = self._row_span(L.split_a1(ref)[0])
        if row is None:  # (rows without their number: any place of the sheet)
            start, close = find_cell(data, ref, self._hint)
        else:  # a cell is inside its row
            start, close = find_cell(data, ref, self._hint, row[0], row[1])
        if start >= 0:
            self._hint = start
            m = _OPEN.match(data, start)
            if m is None:
                raise _Tree
            self._prefix = m.group(1)
            head_end = close - 1 if data[close - 1:close] == b"/" else close
            attrs = _ATTR.findall(data, m.end() - 1, head_end)
            if data[close - 1:close] == b"/":
                found = _Cell(start, close + 1, attrs, None)
            else:
                tail = b"</" + m.group(1) + b"c>"
                end = data.find(tail, close)
                if end < 0:
                    raise _Tree
                found = _Cell(start, end + len(tail), attrs, data[close + 1:end])
        if found is None:
            found = self._insertion(ref)
        self._found[ref] = found
        return found

    def _insertion(self, ref: str) -> _Cell | None:
        """A new, empty cell where ``ref`` goes in its row (which must exist, and the sheet's
        dimension and the row's spans must already cover it), with the format the row or
        column gives it; None when only the tree can add it."""
        data = self._data
        r, col = L.split_a1(ref)
        m = self._row(r)
        if m is None or data[m.end() - 2:m.end() - 1] == b"/":
            return None
        head = _ATTR.findall(data, m.start(), m.end())
        row_attrs = {k: v[1:-1] for k, v in head}
        spans = row_attrs.get(b"spans", b"")
        if spans and (b" " in spans or not int(spans.split(b":")[0]) <= col <= int(spans.split(b":")[-1])):
            return None
        box = self._dimension()
        if box is not None and not (box[0] <= r <= box[2] and box[1] <= col <= box[3]):
            return None
        end = data.find(b"</" + m.group(1) + b"row>", m.end())
        if end < 0 or data.find(b"extLst", m.end(), end) >= 0:
            return None
        at = end
        for c in _CELL_REF.finditer(data, m.end(), end):
            if L.col_index(c.group(1).decode()) > col:
                at = c.start()
                break
            if L.col_index(c.group(1).decode()) == col:
                return None  # (a cell the search above did not recognise)
        self._prefix = m.group(1)
        custom = row_attrs.get(b"customFormat") in (b"1", b"true")
        style = row_attrs.get(b"s") if custom else self._col_style(col)
        attrs = [(b"r", b'"' + ref.encode() + b'"')]
        if style and style != b"0":
            attrs.append((b"s", b'"' + style + b'"'))
        return _Cell(at, at, attrs, None)

    def _row_span(self, r: int) -> tuple[int, int] | None:
        """(end of row ``r``'s start tag, start of its end tag), None when not found."""
        if r not in self._rows:
            m = self._row(r)
            span = None
            if m is not None and data_slash(self._data, m) is False:
                end = self._data.find(b"</" + m.group(1) + b"row>", m.end())
                if end >= 0:
                    span = (m.end(), end)
            self._rows[r] = span
        return self._rows[r]

    def _row(self, r: int) -> re.Match | None:
        """The start tag of row ``r``: found as the builder and Excel write it, '<row r="12"'
        (rows are asked for in order, so looking on from the last one found), else every
        row's found in one pass."""
        if self._row_tags is None:
            data = self._data
            key = b'<row r="%d"' % r
            at = data.find(key, self._row_hint)
            if at < 0 and self._row_hint:
                at = data.find(key, self._sheet_data())
            if at >= 0 and at >= self._sheet_data():
                m = _ROW.match(data, at)
                if m is not None and data.find(b"<", at + 1, m.end()) < 0:
                    self._row_hint = m.end()
                    return m
            return self._scan_rows().get(r)
        return self._row_tags.get(r)

    def _sheet_data(self) -> int:
        if self._data_at is None:
            at = self._data.find(b"sheetData")
            self._data_at = at if at >= 0 else len(self._data)
        return self._data_at

    def _scan_rows(self) -> dict[int, re.Match]:
        if self._row_tags is None:
            self._row_tags = {}
            data = self._data
            # (the common unprefixed "<row": a literal the regex engine searches fast)
            rows = _ROW_PLAIN if b"<row" in data and b":row" not in data else _ROW
            for m in rows.finditer(data, max(data.find(b"sheetData"), 0)):
                number = _ROW_NUMBER.search(data, m.start(), m.end())
                if number is not None:
                    self._row_tags.setdefault(int(number.group(1)), m)
        return self._row_tags

    def _dimension(self) -> tuple[int, int, int, int] | None:
        """The sheet's <dimension> as (first row, first col, last row, last col), read once."""
        if self._box is False:
            at = self._data.find(b"sheetData")
            dim = _DIMENSION.search(self._data, 0, at if at >= 0 else len(self._data))
            self._box = None
            if dim is not None:
                first, _, last = dim.group(1).decode().partition(":")
                self._box = (*L.split_a1(first), *L.split_a1(last or first))
        return self._box  # type: ignore[return-value]

    def _col_style(self, col: int) -> bytes | None:
        if self._col_styles is None:  # the <col> ranges, read once: (min, max, style)
            data = self._data
            head = data[:data.find(b"sheetData")]
            self._col_styles = []
            for m in _COL.finditer(head):
                attrs = {k: v[1:-1] for k, v in _ATTR.findall(m.group(0))}
                self._col_styles.append((int(attrs.get(b"min", b"0") or 0),
                                         int(attrs.get(b"max", b"0") or 0), attrs.get(b"style")))
        return next((style for lo, hi, style in self._col_styles if lo <= col <= hi), None)

    # -- edits -----------------------------------------------------------------------------------
    def set(self, ref: str, value: Any, strings: SharedStrings | None) -> None:
        if self.root is None:
            try:
                if not isinstance(value, Link) and self._set_bytes(ref, value, strings):
                    return
            except _Tree:
                pass
        self.cells.set(ref, value, strings)
        if isinstance(value, Link):
            set_hyperlink(self.tree(), ref, value)

    def _quick(self, ref: str) -> tuple[_Cell, int] | None:
        """The cell found in one pass, for the edit monitor and selfeval make by the ten
        thousand (a number, or a formula with its result, into a cell not touched yet):
        (the cell, where its content goes on past its own formula), when its tag is as the
        builder and Excel write it ('<c r="A1" …>') and its content needs nothing of
        SheetCells; else None, having changed nothing (then _find looks)."""
        key, plain = _cell_key(ref)
        if not plain:
            return None
        at_cell = _split(ref)
        if at_cell < self._last:
            return None  # (out of order: _find looks within the cell's row, not the whole sheet)
        # A reference is in one cell tag of the sheet: looked for from the cell before
        # (edits in row, column order, as monitor and selfeval make them), not within its
        # row, whose end tag would be looked for first (a row of the monitoring block is
        # kilobytes of formulas).
        data = self._data
        at = data.find(key, self._hint)
        if at < 0:
            at = data.find(key, 0, self._hint + len(key))
        start = data.rfind(b"<", 0, at) if at >= 0 else -1
        if start < 0 or data[start + 1:start + 3] != b"c " or data.find(b">", start, at) >= 0:
            return None
        close = data.find(b">", at)
        if close < 0:
            return None
        past = 0
        if data[close - 1] == 0x2F:  # "/>": an empty cell
            cell = _Cell(start, close + 1, _ATTR.findall(data, start + 2, close - 1), None)
        else:
            end = data.find(b"</c>", close)
            if end < 0:
                return None
            inner = data[close + 1:end]
            # (the cell's own formula, "<f>" without t="shared" or "array", is kilobytes:
            # the rest is looked at past it)
            past = inner.find(b"</f>") if inner.startswith(b"<f>") else 0
            if past < 0 or (past == 0 and b"shared" in inner) or inner.find(b"extLst", past) >= 0:
                return None
            cell = _Cell(start, end + 4, _ATTR.findall(data, start + 2, close), inner)
        self._found[ref] = cell
        self._hint, self._prefix, self._last = start, b"", at_cell
        return cell, past

    def _set_bytes(self, ref: str, value: Any, strings: SharedStrings | None) -> bool:
        quick = self._quick(ref) if type(value) in _FAST_TYPES and ref not in self._found else None
        if quick is not None:
            cell, past = quick
            attrs, inner = cell.attrs, cell.inner
        else:
            now = self._now(ref)
            if now is None:
                return False
            (cell, attrs, inner), past = now, 0
            if inner is not None and ((b"shared" in inner and _SHARED_MASTER.search(inner)) or b"extLst" in inner):
                return False  # the dependents need their own formula text (SheetCells)
        if inner is not None and (past > 0 or _F.search(inner)):
            self._replaced = True
        p = self._prefix
        body = b""
        if isinstance(value, Formula):
            formula = value
            value = formula.cached
            shown = cell_content(value, None, formula_result=True)  # (a result is never a shared string)
            if inner is not None and _holds(attrs, inner, formula, shown, past):
                return True  # the cell has the formula and shows its value already
            body = b"<" + p + b"f>" + _formula_bytes(formula.text) + b"</" + p + b"f>"
            kind, v, inline = shown
        else:
            kind, v, inline = cell_content(value, strings)
        if v is not None:
            body += b"<" + p + b"v>" + _text(v) + b"</" + p + b"v>"
        if inline is not None:
            space = b' xml:space="preserve"' if needs_preserve(inline) else b""
            body += (b"<" + p + b"is><" + p + b"t" + space + b">" + _text(ooxml_text(inline))
                     + b"</" + p + b"t></" + p + b"is>")
        attrs = [(k, v_) for k, v_ in attrs if k not in _DROPPED]
        if kind:
            attrs.append((b"t", b'"' + kind.encode() + b'"'))
        self._put(ref, cell, attrs, body or None)
        return True

    def _now(self, ref: str) -> tuple[_Cell, list[tuple[bytes, bytes]], bytes | None] | None:
        """(the cell as found, its attributes now, its content now), None when missing."""
        cell = self._find(ref)
        if cell is None:
            return None
        attrs, inner = self._state.get(ref, (cell.attrs, cell.inner))
        return cell, attrs, inner

    def _put(self, ref: str, cell: _Cell, attrs, inner: bytes | None) -> None:
        p = self._prefix
        head = b"<" + p + b"c" + b"".join([b" " + k + b"=" + v for k, v in attrs])
        new = head + b"/>" if inner is None else head + b">" + inner + b"</" + p + b"c>"
        self._state[ref] = (attrs, inner)
        if new == self._data[cell.start:cell.end]:
            self._edited.pop(ref, None)
        else:
            self._edited[ref] = (cell, new)

    def style(self, ref: str) -> int:
        if self.root is None:
            try:
                now = self._now(ref)
            except _Tree:
                now = self.tree()
            else:
                if now is None:
                    return 0
                s = next((v for k, v in now[1] if k == b"s"), None)
                return int(s[1:-1] or 0) if s else 0
        return self.cells.style(ref)

    def set_style(self, ref: str, s: int) -> None:
        """The cell's format (the cell created when missing)."""
        if self.root is None:
            try:
                now = self._now(ref)
            except _Tree:
                now = None
            if now is not None:
                cell, attrs, inner = now
                if any(k == b"s" for k, _v in attrs):
                    attrs = [(k, b'"%d"' % s if k == b"s" else v) for k, v in attrs]
                else:
                    attrs = [*attrs[:1], (b"s", b'"%d"' % s), *attrs[1:]]
                self._put(ref, cell, attrs, inner)
                return
        self.cells.cell(ref).set("s", str(s))

    # -- the rest of the sheet --------------------------------------------------------------------
    def merges(self) -> list[tuple[int, int, int, int]]:
        if self.root is not None:
            return merged_ranges(self.root)
        out = []
        at = self._data.find(b"mergeCell")
        for ref in _MERGE.findall(self._data, max(at - 16, 0)) if at >= 0 else ():
            first, _, last = ref.decode().partition(":")
            r1, c1 = _split(first)
            r2, c2 = _split(last or first)
            out.append((r1, c1, r2, c2))
        return out

    def legacy_rid(self) -> str | None:
        """The relationship id of the sheet's VML drawing (notes and buttons)."""
        if self.root is None:
            at = self._data.find(b"legacyDrawing")  # (the regex searches from there, not the cells)
            if at < 0:
                return None
            m = _LEGACY.search(self._data, self._data.rfind(b"<", 0, at))
            if m is not None:
                return m.group(1).decode()
        legacy = child(self.tree(), "legacyDrawing")
        return legacy.get(R_ID) if legacy is not None else None

    def set_legacy(self, rid: str | None) -> None:
        """Link the sheet to its VML drawing (None: remove the link)."""
        root = self.tree()
        legacy = child(root, "legacyDrawing")
        if rid is None:
            if legacy is not None:
                root.remove(legacy)
            return
        if legacy is None:
            legacy = insert_in_order(root, etree.Element(M + "legacyDrawing"))
        legacy.set(R_ID, rid)


__all__ = ["XML_SPACE", "SheetPart"]
