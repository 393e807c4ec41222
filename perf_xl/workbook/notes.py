"""Cell notes (legacy comments) of one sheet: the comments part and its VML drawing.

A note is two things: a <comment> in the sheet's comments part and a note shape in the
sheet's VML drawing, which also holds the sheet's form-control buttons. Only note shapes
are ever added or removed; buttons and every other shape stay as they are. A comments part
left without comments is removed with its relationship.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from . import layout as L
from .cells import XML_SPACE, ooxml_text
from .parts import (
    CT_COMMENTS,
    CT_VML,
    NS_MAIN,
    REL_COMMENTS,
    REL_VML,
    M,
    Package,
    Rels,
    parse_xml,
    xml_bytes,
)

if TYPE_CHECKING:
    from .sheet_part import SheetPart

NS_V = "urn:schemas-microsoft-com:vml"
NS_O = "urn:schemas-microsoft-com:office:office"
NS_X = "urn:schemas-microsoft-com:office:excel"
_NOTE_TYPE = "_x0000_t202"
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_IDMAP = re.compile(rb'<o:idmap[^>]*data="(\d+)')

_SHAPETYPE = (
    f'<v:shapetype xmlns:v="{NS_V}" xmlns:o="{NS_O}" id="{_NOTE_TYPE}" coordsize="21600,21600" '
    'o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


@dataclass
class Note:
    ref: str
    author: str
    text: str


def _note_shape(shape_id: int, row: int, col: int, lines: int) -> str:
    """A hidden note shape for the 0-based cell (row, col), sized for ``lines`` lines."""
    bottom = row + min(3 + lines, 16)
    return (
        f'<v:shape xmlns:v="{NS_V}" xmlns:o="{NS_O}" xmlns:x="{NS_X}" id="_x0000_s{shape_id}" '
        f'type="#{_NOTE_TYPE}" style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;'
        f'width:240pt;height:{45 + 13.5 * min(lines, 20)}pt;z-index:{shape_id % 1024};'
        'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
        f'<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f'<x:Anchor>{col + 1}, 15, {max(row - 1, 0)}, 10, {col + 5}, 15, {bottom}, 4</x:Anchor>'
        f'<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column>'
        '</x:ClientData></v:shape>'
    )


def _comment_text(el: etree._Element) -> str:
    text = el.find(M + "text")
    if text is None:
        return ""
    return "".join(t.text or "" for t in text.iter(M + "t") if etree.QName(t.getparent()).localname != "rPh")


class SheetNotes:
    """The notes of one sheet, changed in memory; ``write`` puts the parts back."""

    def __init__(self, pkg: Package, sheet_part: str, sheet: SheetPart, rels: Rels) -> None:
        self.pkg, self.sheet_part, self.sheet, self.rels = pkg, sheet_part, sheet, rels
        found = rels.of_type(REL_COMMENTS)
        self.comments_rid, self.comments_part = found[0] if found else (None, None)
        self.root = pkg.xml(self.comments_part) if self.comments_part else None
        self.notes: dict[str, Note] = {}
        self._elements: dict[str, etree._Element] = {}
        if self.root is not None:
            authors = [a.text or "" for a in self.root.iterfind(f"{M}authors/{M}author")]
            for c in self.root.iterfind(f"{M}commentList/{M}comment"):
                ref = c.get("ref", "")
                i = int(c.get("authorId") or 0)
                self.notes[ref] = Note(ref, authors[i] if i < len(authors) else "", _comment_text(c))
                self._elements[ref] = c
        self._before = {ref: n.text for ref, n in self.notes.items()}

    def get(self, ref: str) -> Note | None:
        return self.notes.get(ref)

    def set(self, ref: str, author: str, text: str) -> None:
        self.notes[ref] = Note(ref, author, text)

    def remove(self, ref: str) -> None:
        self.notes.pop(ref, None)

    # -- writing -------------------------------------------------------------------------------
    def write(self) -> None:
        before, after = self._before, {ref: n.text for ref, n in self.notes.items()}
        if before == after:
            return
        removed = [ref for ref in before if ref not in after]
        added = [ref for ref in after if ref not in before]
        self._write_comments(removed)
        self._write_vml(removed, added)

    def _write_comments(self, removed: list[str]) -> None:
        if not self.notes:
            if self.comments_part:
                self.pkg.remove(self.comments_part)
                self.rels.remove(self.comments_rid or "")
            return
        if self.root is None:
            self.root = etree.Element(M + "comments", nsmap={None: NS_MAIN})
            etree.SubElement(self.root, M + "authors")
            etree.SubElement(self.root, M + "commentList")
            self.comments_part = self.pkg.free_name("xl/comments{}.xml")
            self.pkg.add_part(self.comments_part, self.root, CT_COMMENTS)
            self.comments_rid = self.rels.add(REL_COMMENTS, self.comments_part)
        authors = self.root.find(M + "authors")
        listing = self.root.find(M + "commentList")
        if authors is None or listing is None:
            authors = authors if authors is not None else etree.SubElement(self.root, M + "authors")
            listing = listing if listing is not None else etree.SubElement(self.root, M + "commentList")
        names = [a.text or "" for a in authors.iterfind(M + "author")]
        for ref in removed:
            el = self._elements.pop(ref, None)
            if el is not None:
                el.getparent().remove(el)
        for ref, note in sorted(self.notes.items(), key=lambda kv: L.split_a1(kv[0])):
            el = self._elements.get(ref)
            if el is not None and _comment_text(el) == note.text:
                continue
            if note.author not in names:
                etree.SubElement(authors, M + "author").text = note.author
                names.append(note.author)
            if el is None:
                el = etree.SubElement(listing, M + "comment", ref=ref)
                self._elements[ref] = el
            el.set("authorId", str(names.index(note.author)))
            for old in el.findall(M + "text"):
                el.remove(old)
            text = etree.Element(M + "text")
            t = etree.SubElement(text, M + "t")
            t.text = ooxml_text(note.text)
            t.set(XML_SPACE, "preserve")
            el.insert(0, text)
        self.pkg.put_xml(self.comments_part or "", self.root)

    def _vml(self) -> tuple[str | None, str | None]:
        rid = self.sheet.legacy_rid()
        return rid, self.rels.target(rid) if rid else None

    def _write_vml(self, removed: list[str], added: list[str]) -> None:
        rid, part = self._vml()
        if part is not None and not self.pkg.exists(part):
            part = None
        if part is None:
            if not added:
                return
            part = self.pkg.free_name("xl/drawings/vmlDrawing{}.vml")
            block = _free_id_block(self.pkg)
            vml = (f'<xml xmlns:v="{NS_V}" xmlns:o="{NS_O}" xmlns:x="{NS_X}">'
                   f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/>'
                   '</o:shapelayout></xml>').encode()
            root = parse_xml(vml, part)
            self.pkg.add_part(part, root, CT_VML)
            self.sheet.set_legacy(self.rels.add(REL_VML, part))
        root = _vml_root(self.pkg, part)
        gone = {_zero_based(ref) for ref in removed}
        for shape in list(root.iter(f"{{{NS_V}}}shape")):
            where = _note_cell(shape)
            if where is not None and where in gone:
                shape.getparent().remove(shape)
        if added:
            if not any(t.get("id") == _NOTE_TYPE for t in root.iter(f"{{{NS_V}}}shapetype")):
                root.append(etree.fromstring(_SHAPETYPE))
            next_id = _next_shape_id(xml_bytes(root), root)
            for ref in added:
                row, col = _zero_based(ref)
                lines = self.notes[ref].text.count("\n") + 1
                root.append(etree.fromstring(_note_shape(next_id, row, col, lines)))
                next_id += 1
        if not any(_note_cell(s) is not None for s in root.iter(f"{{{NS_V}}}shape")):
            # No note left: nor the note shape type this module adds with the first one.
            for t in list(root.iter(f"{{{NS_V}}}shapetype")):
                if t.get("id") == _NOTE_TYPE and not any(
                        s.get("type") == "#" + _NOTE_TYPE for s in root.iter(f"{{{NS_V}}}shape")):
                    t.getparent().remove(t)
        if not any(isinstance(c.tag, str) and etree.QName(c).localname in ("shape", "group")
                   for c in root.iter()):
            # Nothing but the layout is left: drop the drawing and its link.
            self.pkg.remove(part)
            self.rels.remove(rid or "")
            self.sheet.set_legacy(None)
            return
        self.pkg.put_xml(part, root)


def _vml_root(pkg: Package, part: str) -> etree._Element:
    """The VML drawing, parsed; Excel's VML may carry HTML-style <br> in button texts."""
    from ..errors import WorkbookError

    try:
        return pkg.xml(part)
    except WorkbookError:
        fixed = re.sub(rb"<br\s*>", b"<br/>", pkg.read(part), flags=re.IGNORECASE)
        root = parse_xml(fixed, part)
        pkg.put_xml(part, root)
        return root


def _zero_based(ref: str) -> tuple[int, int]:
    r, c = L.split_a1(ref)
    return r - 1, c - 1


def _note_cell(shape: etree._Element) -> tuple[int, int] | None:
    data = shape.find(f"{{{NS_X}}}ClientData")
    if data is None or data.get("ObjectType") != "Note":
        return None
    try:
        return int(data.findtext(f"{{{NS_X}}}Row") or -1), int(data.findtext(f"{{{NS_X}}}Column") or -1)
    except ValueError:
        return None


def _next_shape_id(data: bytes, root: etree._Element) -> int:
    ids = [int(m) for m in _SHAPE_ID.findall(data)]
    if ids:
        return max(ids) + 1
    idmap = root.find(f".//{{{NS_O}}}idmap")
    block = int((idmap.get("data") or "1").split(",")[0]) if idmap is not None else 1
    return block * 1024 + 1


def _free_id_block(pkg: Package) -> int:
    """An o:idmap block no other VML drawing of the workbook uses."""
    used = [0]
    for name in pkg.names():
        if name.endswith(".vml"):
            used += [int(m) for m in _IDMAP.findall(pkg.read(name))]
            used += [int(m) // 1024 for m in _SHAPE_ID.findall(pkg.read(name))]
    return max(used) + 1
