"""An owned sheet (汇总, 校验结果) written as its part's XML straight from its SheetSpec.

The builder and the first render of a sheet go through XlsxWriter (build.render_spec).
Loading XlsxWriter costs an update more than rendering the sheet itself (about 25 ms of
a 0.3 s command on the example), so the in-place writer writes the same XML here:

- the cells, merges, widths, heights, frozen pane, internal links and page setup, as
  XlsxWriter writes them for the same spec; the STYLES entries become cell formats of the
  workbook's own styles part (an equal format is reused, see ``cells.Styles``);
- the charts: when the sheet's drawing already holds the charts the spec asks for (same
  kind, title, series and ranges, at the same place with the same size), only their
  cached values are written again. Anything else — no drawing yet, a chart the user
  changed, columns that moved the anchor — returns None and the editor renders through
  XlsxWriter as before.

tests/workbook/test_owned_xml.py holds both renderings side by side for every STYLES key,
both owned sheets and their charts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from lxml import etree

from . import layout as L
from .cells import SharedStrings, Styles, cell_content, needs_preserve, ooxml_text
from .parts import NS_MAIN, NS_R, parse_xml, xml_bytes
from .patch import Chart, Formula, Link, SheetSpec
from .styles import FOOTER, MARGINS, PAPER_A4, STYLES

M = f"{{{NS_MAIN}}}"
NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
C, A, XDR = f"{{{NS_C}}}", f"{{{NS_A}}}", f"{{{NS_XDR}}}"


# -- cell formats ------------------------------------------------------------------------------
def _el(tag: str, **attrs: str) -> etree._Element:
    return etree.Element(M + tag, {k: v for k, v in attrs.items()})


def _rgb(color: str) -> str:
    return "FF" + color.lstrip("#").upper()


def _font(props: Mapping[str, Any]) -> etree._Element:
    """The <font> XlsxWriter writes for these properties (child order matters to Excel)."""
    font = _el("font")
    if props.get("bold"):
        etree.SubElement(font, M + "b")
    if props.get("italic"):
        etree.SubElement(font, M + "i")
    if props.get("underline"):
        u = etree.SubElement(font, M + "u")
        if props["underline"] != 1:
            u.set("val", {2: "double", 33: "singleAccounting", 34: "doubleAccounting"}[props["underline"]])
    size = props.get("font_size", 11)
    etree.SubElement(font, M + "sz", val=str(int(size)) if float(size).is_integer() else str(size))
    color = props.get("font_color")
    if color:
        etree.SubElement(font, M + "color", rgb=_rgb(color))
    else:
        etree.SubElement(font, M + "color", theme="1")
    name = props.get("font_name", "Calibri")
    etree.SubElement(font, M + "name", val=name)
    etree.SubElement(font, M + "family", val="2")
    if name == "Calibri":
        etree.SubElement(font, M + "scheme", val="minor")
    return font


def _fill(color: str) -> etree._Element:
    fill = _el("fill")
    pattern = etree.SubElement(fill, M + "patternFill", patternType="solid")
    etree.SubElement(pattern, M + "fgColor", rgb=_rgb(color))
    etree.SubElement(pattern, M + "bgColor", indexed="64")
    return fill


def _border() -> etree._Element:
    border = _el("border")
    for side in ("left", "right", "top", "bottom"):
        etree.SubElement(etree.SubElement(border, M + side, style="thin"), M + "color", auto="1")
    etree.SubElement(border, M + "diagonal")
    return border


_H_ALIGN = {"left": "left", "center": "center", "right": "right", "fill": "fill", "justify": "justify",
            "center_across": "centerContinuous", "distributed": "distributed"}
_V_ALIGN = {"top": "top", "vcenter": "center", "bottom": "bottom", "vjustify": "justify",
            "vdistributed": "distributed"}


class StyleMap:
    """STYLES key -> the index of an equal cell format in ``styles`` (added when missing)."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self._xf: dict[str | None, int] = {None: 0}

    def __call__(self, key: str | None) -> int:
        if key not in self._xf:
            self._xf[key] = self._make(STYLES[key])  # type: ignore[index]
        return self._xf[key]

    def _make(self, props: Mapping[str, Any]) -> int:
        s = self.styles
        xf = _el("xf", numFmtId="0", fontId=str(s._find_or_add("fonts", _font(props))),
                 fillId="0", borderId="0", xfId="0")
        code = props.get("num_format")
        if code and code != "General":
            xf.set("numFmtId", "1" if code == "0" else str(s._num_fmt(code)))
            xf.set("applyNumberFormat", "1")
        xf.set("applyFont", "1")
        if props.get("bg_color"):
            xf.set("fillId", str(s._find_or_add("fills", _fill(props["bg_color"]))))
            xf.set("applyFill", "1")
        if props.get("border"):
            if props["border"] != 1:
                raise ValueError(f"border style {props['border']} is not written here")
            xf.set("borderId", str(s._find_or_add("borders", _border())))
            xf.set("applyBorder", "1")
        align = {}
        if props.get("align"):
            align["horizontal"] = _H_ALIGN[props["align"]]
        if props.get("valign"):
            align["vertical"] = _V_ALIGN[props["valign"]]
        if props.get("text_wrap"):
            align["wrapText"] = "1"
        if align:
            xf.set("applyAlignment", "1")
            etree.SubElement(xf, M + "alignment", align)
        return s._find_or_add("cellXfs", xf)


# -- the sheet ---------------------------------------------------------------------------------
def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _text(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


def _col_px(chars: float) -> int:
    """A column width in pixels, as XlsxWriter rounds it (the default font's 7-pixel digits)."""
    if chars <= 0:
        return 0
    return int(chars * 12 + 0.5) if chars < 1 else int(chars * 7 + 0.5) + 5


def _row_px(points: float) -> int:
    return int(points * 4.0 / 3.0 + 0.5)


def _width(chars: float) -> str:
    """A column width as XlsxWriter stores it (characters of the default font, padded)."""
    return f"{(_col_px(chars) * 256 // 7) / 256:.16g}"


_DEFAULT_COL_PX, _DEFAULT_ROW_PX = 64, 20
_ERROR_CODES = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")


def _cell(ref: str, value: Any, s: int, strings: SharedStrings | None) -> str:
    """One <c>, as XlsxWriter writes the value (a formula's cached result as it has it)."""
    style = f' s="{s}"' if s else ""
    if isinstance(value, Formula):
        cached = float(value.cached) if isinstance(value.cached, Decimal) else value.cached
        t, v = "", ""
        if isinstance(cached, bool):
            t, v = ' t="b"', "1" if cached else "0"
        elif isinstance(cached, str):
            t = "" if cached == "" else ' t="e"' if cached in _ERROR_CODES else ' t="str"'
            v = cached
        elif cached is not None:
            v = str(cached)
        text = value.text[1:] if value.text.startswith("=") else value.text
        return f'<c r="{ref}"{style}{t}><f>{_text(text)}</f><v>{_text(v)}</v></c>'
    if isinstance(value, Link):
        value = value.text
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{1 if value else 0}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{style}><v>{value:.16g}</v></c>'
    kind, v, inline = cell_content(value, strings)
    if kind is None and v is None:
        return f'<c r="{ref}"{style}/>'
    if inline is not None:
        space = ' xml:space="preserve"' if needs_preserve(inline) else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_text(ooxml_text(inline))}</t></is></c>'
    return f'<c r="{ref}"{style} t="{kind}"><v>{v}</v></c>'


_LIKE_REF = re.compile(r"(?:[A-Z]{1,3}[0-9]+|R[0-9]*C[0-9]*|R|C)\Z")


def _sheet_ref(name: str) -> str:
    """A sheet name in a defined name, quoted only when needed — as XlsxWriter does: not
    for word characters and dots that start with neither a digit nor a dot and do not
    look like a cell reference. (str methods, not a Unicode regex: its compile alone costs
    a command ~2 ms.)"""
    plain = (name and not name[0].isdigit() and name[0] != "."
             and all(ch.isalnum() or ch in "_." for ch in name) and not _LIKE_REF.match(name.upper()))
    return name + "!" if plain else L.quote_sheet(name)


def print_names(spec: SheetSpec) -> list[tuple[str, str]]:
    """(name, text) of the sheet's print titles and print area, as workbook.xml holds them."""
    out = []
    q = _sheet_ref(spec.name)
    if spec.print_area:
        out.append(("_xlnm.Print_Area", q + L.absolute(spec.print_area)))
    if spec.repeat_row is not None:
        out.append(("_xlnm.Print_Titles", f"{q}${spec.repeat_row}:${spec.repeat_row}"))
    return out


def _pane(freeze: str) -> str:
    r, c = L.split_a1(freeze)
    if r > 1 and c > 1:
        return (f'<pane xSplit="{c - 1}" ySplit="{r - 1}" topLeftCell="{freeze}" activePane="bottomRight" '
                'state="frozen"/><selection pane="topRight"/><selection pane="bottomLeft"/>'
                '<selection pane="bottomRight"/>')
    if r > 1:
        return (f'<pane ySplit="{r - 1}" topLeftCell="{freeze}" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft"/>')
    if c > 1:
        return (f'<pane xSplit="{c - 1}" topLeftCell="{freeze}" activePane="topRight" state="frozen"/>'
                '<selection pane="topRight"/>')
    return ""


def _grid(spec: SheetSpec, xf: Callable[[str | None], int]) -> dict[int, dict[int, tuple[Any, int]]]:
    """row -> col -> (value, format), as XlsxWriter's table holds the spec after rendering."""
    rows: dict[int, dict[int, tuple[Any, int]]] = {}

    def put(r: int, c: int, value: Any, s: int) -> None:
        rows.setdefault(r, {})[c] = (value, s)

    merged_anchor = {m.split(":")[0]: m for m in spec.merges}
    for cell in spec.cells:
        r, c = L.split_a1(cell.ref)
        s = xf(cell.style)
        if cell.ref in merged_anchor:  # (XlsxWriter's merge_range: every cell gets the format)
            a, _, b = merged_anchor.pop(cell.ref).partition(":")
            (r1, c1), (r2, c2) = L.split_a1(a), L.split_a1(b or a)
            for rr in range(r1, r2 + 1):
                for cc in range(c1, c2 + 1):
                    if s:
                        put(rr, cc, None, s)
        value = cell.value
        if isinstance(value, Decimal):
            value = float(value)
        if value is None or (value == "" and not isinstance(value, Formula)):
            if s:  # (a blank without a format is no cell, and changes nothing)
                put(r, c, None, s)
            continue
        put(r, c, value, s)
    return rows


def sheet_xml(spec: SheetSpec, xf: Callable[[str | None], int], strings: SharedStrings | None) -> bytes:
    """The worksheet part for ``spec`` (without its drawing link, which the editor adds)."""
    rows = _grid(spec, xf)
    last_r = max([*rows, *spec.heights], default=1)
    last_c = max((c for cols in rows.values() for c in cols), default=1)
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS_MAIN}" '
           f'xmlns:r="{NS_R}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>']
    out.append(f'<dimension ref="A1:{L.col_letter(last_c)}{last_r}"/>' if rows else '<dimension ref="A1"/>')
    out.append(f'<sheetViews><sheetView workbookViewId="0">{_pane(spec.freeze) if spec.freeze else ""}'
               '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if spec.widths:
        out.append("<cols>")
        widths = sorted((L.col_index(k), w) for k, w in spec.widths.items())
        i = 0
        while i < len(widths):  # adjacent columns of one width are one <col> range
            j = i
            while j + 1 < len(widths) and widths[j + 1][0] == widths[j][0] + 1 and widths[j + 1][1] == widths[i][1]:
                j += 1
            out.append(f'<col min="{widths[i][0]}" max="{widths[j][0]}" width="{_width(widths[i][1])}" '
                       'customWidth="1"/>')
            i = j + 1
        out.append("</cols>")
    out.append("<sheetData>")
    links = []
    for r in sorted(set(rows) | set(spec.heights)):
        px = _row_px(spec.heights[r]) if r in spec.heights else _DEFAULT_ROW_PX
        ht = f' ht="{px * 0.75:.16g}" customHeight="1"' if px != _DEFAULT_ROW_PX else ""
        cells = rows.get(r, {})
        if not cells:
            out.append(f'<row r="{r}"{ht}/>')
            continue
        out.append(f'<row r="{r}"{ht}>')
        for c in sorted(cells):
            value, s = cells[c]
            ref = f"{L.col_letter(c)}{r}"
            if isinstance(value, Link):
                links.append((ref, value))
            out.append(_cell(ref, value, s, strings))
        out.append("</row>")
    out.append("</sheetData>")
    if spec.merges:
        out.append(f'<mergeCells count="{len(spec.merges)}">')
        out += [f'<mergeCell ref="{m}"/>' for m in spec.merges]
        out.append("</mergeCells>")
    if links:
        out.append("<hyperlinks>")
        for ref, link in links:
            target = f"{L.quote_sheet(link.sheet)}{link.cell}"
            out.append(f'<hyperlink ref="{ref}" location="{_esc(target)}" display="{_esc(link.text)}"/>')
        out.append("</hyperlinks>")
    m = MARGINS
    out.append(f'<printOptions horizontalCentered="1"/><pageMargins left="{m["left"]}" right="{m["right"]}" '
               f'top="{m["top"]}" bottom="{m["bottom"]}" header="0.3" footer="0.3"/>'
               f'<pageSetup paperSize="{PAPER_A4}" fitToHeight="0" '
               f'orientation="{"landscape" if spec.landscape else "portrait"}"/>'
               f'<headerFooter><oddFooter>{_text(FOOTER)}</oddFooter></headerFooter></worksheet>')
    return "".join(out).encode("utf-8")


# -- charts: the caches of charts already in place ---------------------------------------------
def _col_pixels(spec: SheetSpec, col: int) -> int:
    width = spec.widths.get(L.col_letter(col))
    return _DEFAULT_COL_PX if width is None else _col_px(width)


def _row_pixels(spec: SheetSpec, row: int) -> int:
    return _row_px(spec.heights[row]) if row in spec.heights else _DEFAULT_ROW_PX


def _anchor_to(spec: SheetSpec, chart: Chart) -> tuple[int, int, int, int, int, int, int, int]:
    """(col, col offset, row, row offset) of the top left and bottom right corners, 0-based,
    offsets in EMU — where XlsxWriter anchors a chart of ``size`` pixels at ``anchor``."""
    def cols(c: int) -> int:
        return _col_pixels(spec, c)

    def rows(r: int) -> int:
        return _row_pixels(spec, r)

    r, c = L.split_a1(chart.anchor)
    col_start, x1 = _advance(c, 0, cols)
    row_start, y1 = _advance(r, 0, rows)
    col_end, x2 = _advance(col_start, x1 + chart.size[0], cols)
    row_end, y2 = _advance(row_start, y1 + chart.size[1], rows)
    emu = 9525
    return (col_start - 1, x1 * emu, row_start - 1, y1 * emu, col_end - 1, x2 * emu, row_end - 1, y2 * emu)


def _advance(start: int, offset: int, size_of: Callable[[int], int]) -> tuple[int, int]:
    """(column or row, offset in it) ``offset`` pixels on from the start of ``start``."""
    while offset >= size_of(start):
        offset -= size_of(start)
        start += 1
    return start, offset


def _marker(el: etree._Element | None) -> tuple[int, int, int, int] | None:
    if el is None:
        return None
    try:
        return tuple(int(el.findtext(XDR + k) or "x") for k in ("col", "colOff", "row", "rowOff"))  # type: ignore[return-value]
    except ValueError:
        return None


def _texts(el: etree._Element | None) -> str | None:
    return None if el is None else "".join(t.text or "" for t in el.iter(A + "t"))


def _cache_values(spec: SheetSpec, rng: str) -> list[Any]:
    """The values XlsxWriter caches for a range of the spec (its _get_range_data)."""
    cells = {c.ref: c.value for c in spec.cells}
    a, _, b = rng.partition(":")
    (r1, c1), (r2, c2) = L.split_a1(a), L.split_a1(b or a)
    out: list[Any] = []
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            ref = f"{L.col_letter(c)}{r}"
            if ref not in cells:
                out.append(None)
                continue
            v = cells[ref]
            if isinstance(v, Formula):
                cached = float(v.cached) if isinstance(v.cached, Decimal) else v.cached
                out.append(0 if cached is None else cached)
            elif isinstance(v, Link):
                out.append(v.text)
            elif isinstance(v, bool) or v is None or v == "":
                out.append("" if v is None or v == "" else v)
            elif isinstance(v, (int, float, Decimal)):
                out.append(f"{float(v):.16g}")
            else:
                out.append(str(v))
    return out


def _is_numeric(values: list[Any]) -> bool:
    for v in values:
        if v is None or v == "":
            continue
        try:
            float(v)
        except (TypeError, ValueError):
            return False
    return True


def _write_cache(ref: etree._Element, values: list[Any]) -> None:
    numeric = etree.QName(ref).localname == "numRef"
    cache = ref.find(C + ("numCache" if numeric else "strCache"))
    for old in list(cache):
        if etree.QName(old).localname in ("ptCount", "pt"):
            cache.remove(old)
    etree.SubElement(cache, C + "ptCount", val=str(len(values)))
    for i, v in enumerate(values):
        if v is None:
            continue
        if numeric:
            try:
                float(v)
            except (TypeError, ValueError):
                v = 0
        pt = etree.SubElement(cache, C + "pt", idx=str(i))
        etree.SubElement(pt, C + "v").text = str(v)


def refreshed_charts(spec: SheetSpec, drawing: bytes,
                     read_chart: Callable[[str], bytes | None]) -> list[tuple[str, bytes]] | None:
    """(relationship id, chart part) of each chart of the drawing, with its caches for
    ``spec`` — when the drawing and its charts are the ones the spec describes, in order;
    None otherwise. ``read_chart``: relationship id -> the chart part's bytes (None: none)."""
    anchors = parse_xml(drawing, "drawing").findall(XDR + "twoCellAnchor")
    if len(anchors) != len(spec.charts):
        return None
    q = L.quote_sheet(spec.name)
    out = []
    for chart, anchor in zip(spec.charts, anchors, strict=True):
        want = _anchor_to(spec, chart)
        if (_marker(anchor.find(XDR + "from")), _marker(anchor.find(XDR + "to"))) != (want[:4], want[4:]):
            return None
        link = next(anchor.iter(C + "chart"), None)
        rid = link.get(f"{{{NS_R}}}id") if link is not None else None
        data = read_chart(rid) if rid else None
        if data is None:
            return None
        root = parse_xml(data, "chart")
        if not _refresh(root, spec, chart, q):
            return None
        out.append((rid, xml_bytes(root)))
    return out


def _refresh(root: etree._Element, spec: SheetSpec, chart: Chart, q: str) -> bool:
    """Write the caches of a chart part that shows ``chart``; False when it shows another."""
    plot = root.find(f"{C}chart/{C}plotArea")
    group = plot.find(C + ("barChart" if chart.kind == "bar" else "lineChart")) if plot is not None else None
    if group is None or _texts(root.find(f"{C}chart/{C}title")) != chart.title:
        return False
    series = group.findall(C + "ser")
    if len(series) != len(chart.series) or (_texts(plot.find(f"{C}valAx/{C}title")) or "") != chart.y_title:
        return False
    for ser, (name, values) in zip(series, chart.series, strict=True):
        if ser.findtext(f"{C}tx/{C}v") != name:
            return False
        for part, rng in (("cat", chart.categories), ("val", values)):
            ref = next((r for r in ser.iterfind(f"{C}{part}/*")
                        if etree.QName(r).localname in ("numRef", "strRef")), None)
            if ref is None or ref.findtext(C + "f") != q + L.absolute(rng):
                return False
            data = _cache_values(spec, rng)
            numeric = etree.QName(ref).localname == "numRef"
            if ref.find(C + ("numCache" if numeric else "strCache")) is None or (
                    part == "cat" and numeric != _is_numeric(data)):
                return False
            _write_cache(ref, data)
    return True


__all__ = ["StyleMap", "print_names", "refreshed_charts", "sheet_xml"]
