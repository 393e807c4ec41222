"""Write a department's 部门预算绩效文本 as a Word document (.docx).

Layout: a cover (unit, year, 编制/审核), 第一部分 部门整体绩效目标 and 第二部分 with one
numbered 绩效目标表 per project in the official table layout (``perf_xl.docx_layout``).
Fonts are the ones Chinese offices use — 仿宋_GB2312 body, 黑体 headings, 楷体_GB2312 for
the （一） sub-headings, 宋体 in tables — with the East-Asian font set explicitly (python-docx
only sets ``w:ascii``/``w:hAnsi``; Word picks the font for Chinese from ``w:eastAsia``).
A4, page numbers in the footer from the first page after the cover.

The project tables are built as WordprocessingML directly (one parse per table): the
official layout needs exact grid spans and vertical merges, and it is several times faster
than python-docx's cell API for a document with 39 tables.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from .. import docx_layout as L
from ..atomic import atomic_target
from ..model import CHECKPOINTS, Department, Project, decimal_text

if TYPE_CHECKING:  # python-docx is imported only when a document is written
    from docx.document import Document as DocxDocument

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called after each project table is written."""

FONT_BODY = "仿宋_GB2312"
FONT_HEADING = "黑体"
FONT_SUBHEADING = "楷体_GB2312"
FONT_TABLE = "宋体"
FONT_LATIN = "Times New Roman"
# Alternate names in the font table: Word falls back to 仿宋/楷体 when the *_GB2312 fonts
# (standard on government PCs) are missing; SimSun/SimHei are the fonts' English names.
FONT_ALT_NAMES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "宋体": "SimSun", "黑体": "SimHei"}

_TWIPS_PER_CM = 567
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NSDECL = f'xmlns:w="{_W_NS}"'
# Characters XML 1.0 cannot carry (a stray control character from a spreadsheet cell).
# Paragraph style names (the ids are ASCII: PXBody, PXTableTitle …).
_S_BODY = "绩效文本正文"
_S_TABLE_TITLE = "绩效目标表标题"
_S_UNIT = "绩效目标表单位"
_S_COVER = "封面"
_S_COVER_SUB = "封面署名"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CHECKPOINT_COUNT = len(CHECKPOINTS)


def write_docx(
    dept: Department,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    draft: bool = False,
) -> Path:
    """Write ``dept`` as the 绩效文本 .docx at ``path`` (atomically) and return the path.

    ``draft`` prints "(草案)" under the title on the cover.
    """
    target = Path(path)
    doc = build_document(dept, progress=progress, draft=draft)
    _save_atomic(doc, target)
    return target


def build_document(
    dept: Department, *, progress: Progress | None = None, draft: bool = False
) -> DocxDocument:
    """The python-docx Document for ``dept`` (not saved)."""
    import docx

    doc = docx.Document()
    _setup_styles(doc)
    _setup_page(doc)
    _write_cover(doc, dept, draft)
    _start_numbered_section(doc)
    _write_part1(doc, dept)
    _write_part2(doc, dept, progress)
    _embed_meta(doc, dept)
    return doc


# -- atomic save -------------------------------------------------------------------------


def _save_atomic(doc: DocxDocument, target: Path) -> None:
    with atomic_target(target) as tmp:
        doc.save(str(tmp))


# -- styles and page ---------------------------------------------------------------------


def _qn(tag: str) -> str:
    prefix, local = tag.split(":")
    assert prefix == "w"
    return f"{{{_W_NS}}}{local}"


def _set_fonts(rpr: Any, east_asia: str, latin: str = FONT_LATIN) -> None:
    """Set all four font slots on an ``w:rPr`` and drop the theme fonts that override them."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(_qn(f"w:{attr}"), None)
    rfonts.set(_qn("w:ascii"), latin)
    rfonts.set(_qn("w:hAnsi"), latin)
    rfonts.set(_qn("w:cs"), latin)
    rfonts.set(_qn("w:eastAsia"), east_asia)
    # Quotes and dashes are "ambiguous" characters: the hint makes Word use the Chinese font.
    rfonts.set(_qn("w:hint"), "eastAsia")


def _style_rpr(
    style: Any, east_asia: str, size_pt: float, *, bold: bool = False, latin: str = FONT_LATIN
) -> None:
    from docx.shared import Pt

    style.font.size = Pt(size_pt)
    style.font.bold = bold
    style.font.color.rgb = None
    rpr = style.element.get_or_add_rPr()
    color = rpr.find(_qn("w:color"))
    if color is not None:
        rpr.remove(color)
    for tag in ("w:bCs",):
        el = rpr.find(_qn(tag))
        if el is not None:
            rpr.remove(el)
    _set_fonts(rpr, east_asia, latin)


def _style_ppr(
    style: Any,
    *,
    align: Any = None,
    first_line_chars: int | None = None,
    exact_line_pt: float | None = None,
    before_pt: float = 0,
    after_pt: float = 0,
    keep_with_next: bool = False,
) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    pf = style.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(before_pt)
    pf.space_after = Pt(after_pt)
    if exact_line_pt:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(exact_line_pt)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.keep_with_next = keep_with_next
    chars = first_line_chars or 0
    size = style.font.size.pt if style.font.size is not None else 16
    pf.first_line_indent = Pt(chars * size)  # for readers without character units (LibreOffice)
    ind = style.element.pPr.find(_qn("w:ind"))
    ind.set(_qn("w:firstLineChars"), str(chars * 100))  # Word: indent in characters


def _document_defaults(styles: Any) -> None:
    """Chinese body font and language, single spacing: so unstyled text is right too."""
    defaults = styles.element.find(_qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{_qn('w:rPrDefault')}/{_qn('w:rPr')}")
    if rpr is not None:
        _set_fonts(rpr, FONT_BODY)
        lang = rpr.find(_qn("w:lang"))
        if lang is not None:
            lang.set(_qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{_qn('w:pPrDefault')}/{_qn('w:pPr')}/{_qn('w:spacing')}")
    if spacing is not None:
        spacing.set(_qn("w:after"), "0")
        spacing.set(_qn("w:line"), "240")


def _setup_styles(doc: DocxDocument) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH as AL

    styles = doc.styles
    _document_defaults(styles)
    normal = styles["Normal"]
    _style_rpr(normal, FONT_BODY, 16)

    def add(name: str, style_id: str, base: str) -> Any:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = style_id
        style.base_style = styles[base]
        style.quick_style = True
        return style

    body = add("绩效文本正文", "PXBody", "Normal")
    _style_rpr(body, FONT_BODY, 16)
    _style_ppr(body, align=AL.JUSTIFY, first_line_chars=2, exact_line_pt=28)

    h1 = styles["Heading 1"]
    _style_rpr(h1, FONT_HEADING, 22)
    _style_ppr(
        h1, align=AL.CENTER, exact_line_pt=36, before_pt=12, after_pt=18, keep_with_next=True
    )
    h2 = styles["Heading 2"]
    _style_rpr(h2, FONT_HEADING, 16)
    _style_ppr(h2, first_line_chars=2, exact_line_pt=28, before_pt=6, keep_with_next=True)
    h3 = styles["Heading 3"]
    _style_rpr(h3, FONT_SUBHEADING, 16)
    _style_ppr(h3, first_line_chars=2, exact_line_pt=28, keep_with_next=True)

    ttitle = add("绩效目标表标题", "PXTableTitle", "Heading 2")
    _style_rpr(ttitle, FONT_HEADING, 15)
    _style_ppr(ttitle, align=AL.CENTER, exact_line_pt=26, after_pt=6, keep_with_next=True)

    unit = add("绩效目标表单位", "PXUnitLine", "Normal")
    _style_rpr(unit, FONT_BODY, 12)
    _style_ppr(unit, exact_line_pt=20, keep_with_next=True)

    cell = add("表格文字", "PXTable", "Normal")
    # 宋体 for digits too, as in the official forms (half-width digits: a 项目编码 fits one line).
    _style_rpr(cell, FONT_TABLE, 10.5, latin=FONT_TABLE)
    _style_ppr(cell, align=AL.CENTER)

    cover = add("封面", "PXCover", "Normal")
    _style_rpr(cover, FONT_HEADING, 26)
    _style_ppr(cover, align=AL.CENTER, exact_line_pt=40)

    cover_sub = add("封面署名", "PXCoverSub", "Normal")
    _style_rpr(cover_sub, FONT_BODY, 16)
    _style_ppr(cover_sub, align=AL.CENTER, exact_line_pt=30)

    footer = styles["Footer"]
    _style_rpr(footer, FONT_TABLE, 14)
    _style_ppr(footer, align=AL.CENTER)
    _declare_font_alternates(doc)


def _declare_font_alternates(doc: DocxDocument) -> None:
    """Name 仿宋/楷体 as the alternates of the *_GB2312 fonts in the font table (Word uses
    them on PCs without the GB2312 fonts) and mark them as GB2312 (charset 86) fonts."""
    from lxml import etree

    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            root = etree.fromstring(part.blob)
            known = {f.get(_qn("w:name")) for f in root.findall(_qn("w:font"))}
            for name in (FONT_BODY, FONT_SUBHEADING, FONT_HEADING, FONT_TABLE):
                if name in known:
                    continue
                font = etree.SubElement(root, _qn("w:font"), {_qn("w:name"): name})
                if name in FONT_ALT_NAMES:
                    etree.SubElement(font, _qn("w:altName"), {_qn("w:val"): FONT_ALT_NAMES[name]})
                etree.SubElement(font, _qn("w:charset"), {_qn("w:val"): "86"})
                etree.SubElement(font, _qn("w:family"), {_qn("w:val"): "auto"})
                etree.SubElement(font, _qn("w:pitch"), {_qn("w:val"): "variable"})
            part._blob = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
            return


def _setup_page(doc: DocxDocument) -> None:
    from docx.shared import Cm

    section = doc.sections[0]
    section.page_width = Cm(21.0)
    section.page_height = Cm(29.7)
    section.top_margin = Cm(2.54)
    section.bottom_margin = Cm(2.54)
    section.left_margin = Cm(2.8)
    section.right_margin = Cm(2.6)
    section.header_distance = Cm(1.5)
    section.footer_distance = Cm(1.5)


def _start_numbered_section(doc: DocxDocument) -> None:
    """A new section after the cover: page numbers start at 1 and show in the footer."""
    from docx.enum.section import WD_SECTION
    from docx.oxml import parse_xml

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = doc.styles["Footer"]
    p._p.append(parse_xml(f'<w:r {_NSDECL}><w:t xml:space="preserve">— </w:t></w:r>'))
    for run in (
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>1</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    ):
        p._p.append(parse_xml(f"<w:r {_NSDECL}>{run}</w:r>"))
    p._p.append(parse_xml(f'<w:r {_NSDECL}><w:t xml:space="preserve"> —</w:t></w:r>'))
    sect_pr = section._sectPr
    pg_num = parse_xml(f'<w:pgNumType {_NSDECL} w:start="1"/>')
    sect_pr.insert_element_before(
        pg_num,
        "w:cols",
        "w:formProt",
        "w:vAlign",
        "w:noEndnote",
        "w:titlePg",
        "w:textDirection",
        "w:bidi",
        "w:rtlGutter",
        "w:docGrid",
        "w:printerSettings",
    )


# -- text helpers ------------------------------------------------------------------------


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _lines(text: str) -> list[str]:
    return [line for line in _clean(text).split("\n") if line.strip()]


def _para(doc: DocxDocument, text: str, style: str, **kw: Any) -> Any:
    p = doc.add_paragraph(style=style)
    if text:
        p.add_run(_clean(text))
    if kw.get("page_break_before"):
        p.paragraph_format.page_break_before = True
    if "space_before_pt" in kw:
        from docx.shared import Pt

        p.paragraph_format.space_before = Pt(kw["space_before_pt"])
    return p


def amount_text(value: Decimal) -> str:
    """An amount as printed: two decimals ("100.00", "42.78"); more only when the amount
    has them (a conversion from 元), so nothing is ever rounded away."""
    cents = value.quantize(Decimal("0.01"))
    return format(cents, "f") if cents == value else decimal_text(value)


def percent_text(value: Decimal) -> str:
    return f"{decimal_text(value)}%"


# -- cover and part 1 --------------------------------------------------------------------


def _write_cover(doc: DocxDocument, dept: Department, draft: bool) -> None:
    first = True
    if dept.unit_name:
        _para(doc, dept.unit_name, _S_COVER, space_before_pt=150)
        first = False
    title = dept.title or L.default_title(dept.year)
    p = _para(doc, title, _S_COVER)
    if first:
        p.paragraph_format.space_before = _pt(150)
    if draft:
        _para(doc, L.DRAFT_MARK, _S_COVER_SUB, space_before_pt=12)
    gap = 220
    for line in (dept.compiled_by, dept.reviewed_by):
        if line:
            _para(doc, line, _S_COVER_SUB, space_before_pt=gap)
            gap = 0


def _pt(value: float) -> Any:
    from docx.shared import Pt

    return Pt(value)


def _part_heading(doc: DocxDocument, part: str, title: str, *, page_break: bool) -> None:
    p = doc.add_paragraph(style="Heading 1")
    p.add_run(part).add_break()
    p.add_run(title)
    if page_break:
        p.paragraph_format.page_break_before = True


def _write_part1(doc: DocxDocument, dept: Department) -> None:
    _part_heading(doc, L.PART1, L.PART1_TITLE, page_break=False)
    _para(doc, L.SECTION_OVERALL, "Heading 2")
    for line in _lines(dept.overall_goal):
        _para(doc, line.strip(), _S_BODY)

    _para(doc, L.SECTION_SUBGOALS, "Heading 2")
    for i, goal in enumerate(dept.sub_goals, start=1):
        _para(doc, f"（{L.cn_number(i)}）{goal.title}", "Heading 3")
        lines = _lines(goal.target)
        if goal.label:
            first = lines.pop(0).strip() if lines else ""
            _para(doc, f"{goal.label}：{first}", _S_BODY)
        for line in lines:
            _para(doc, line.strip(), _S_BODY)

    _para(doc, L.SECTION_MEASURES, "Heading 2")
    for i, measure in enumerate(dept.measures, start=1):
        lines = _lines(measure.text)
        head = f"（{L.cn_number(i)}）{measure.title}"
        p = doc.add_paragraph(style=_S_BODY)
        if lines:
            p.add_run(head if head.endswith("。") else head + "。").bold = True
            p.add_run(_clean(lines.pop(0).strip()))
        else:
            p.add_run(_clean(head)).bold = True
        for line in lines:
            _para(doc, line.strip(), _S_BODY)


# -- part 2: the project tables ----------------------------------------------------------


def _write_part2(doc: DocxDocument, dept: Department, progress: Progress | None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml

    _part_heading(doc, L.PART2, L.PART2_TITLE, page_break=True)
    body = doc.element.body
    anchor = body.sectPr  # new content goes before the final section properties
    total = len(dept.projects)
    for done, project in enumerate(dept.projects, start=1):
        title = _para(doc, L.table_title(project.seq, project.name), _S_TABLE_TITLE)
        if done > 1:
            title.paragraph_format.page_break_before = True
        if project.unit:
            _para(doc, project.unit, _S_UNIT)
        unit = _para(doc, L.MONEY_UNIT_LINE, _S_UNIT)
        unit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        table = parse_xml(_table_xml(project))
        if anchor is not None:
            anchor.addprevious(table)
        else:
            body.append(table)
        if progress is not None:
            progress(done, total)
    # Word needs a paragraph after a table at the end of a document (else it adds one).
    doc.add_paragraph(style=_S_UNIT)


class _Cell:
    __slots__ = ("align", "bold", "half_points", "span", "text", "vmerge")

    def __init__(
        self,
        text: str = "",
        span: int = 1,
        *,
        bold: bool = False,
        align: str = "center",
        vmerge: str | None = None,
        half_points: int | None = None,
    ) -> None:
        self.half_points = half_points  # a font size other than the table style's
        self.text = text
        self.span = span
        self.bold = bold
        self.align = align
        self.vmerge = vmerge


def _label(text: str, span: int = 1, vmerge: str | None = None) -> _Cell:
    return _Cell(text, span, bold=True, vmerge=vmerge)


def _project_rows(p: Project) -> list[list[_Cell]]:
    def amount(field: str) -> str:
        value = getattr(p, field)
        if value is None:
            return p.invalid.get(field, "")
        return amount_text(value)

    def plan(i: int) -> str:
        value = p.plan[i] if i < len(p.plan) else None
        if value is None:
            return p.invalid.get(f"plan.{i}", "")
        return percent_text(value)

    rows: list[list[_Cell]] = [
        # 9 pt keeps the 21-character 项目编码 on one line even with a wide fallback font
        [
            _label(L.LABEL_CODE),
            _Cell(p.code, 2, half_points=18),
            _label(L.LABEL_NAME),
            _Cell(p.name, 3),
        ],
        [
            _label(L.LABEL_BUDGET_BLOCK, vmerge="restart"),
            _label(L.LABEL_BUDGET),
            _Cell(amount("budget")),
            _label(L.LABEL_FISCAL),
            _Cell(amount("fiscal")),
            _label(L.LABEL_OTHER),
            _Cell(amount("other")),
        ],
        [_Cell(vmerge="continue"), _Cell(p.purpose, 6, align="both")],
        [_label(L.LABEL_PLAN, vmerge="restart")]
        + [_label(cp, span) for cp, span in zip(CHECKPOINTS, L.PLAN_SPANS, strict=True)],
        [_Cell(vmerge="continue")] + [_Cell(plan(i), span) for i, span in enumerate(L.PLAN_SPANS)],
        *_declaration_rows(p),
        [_label(L.LABEL_GOAL), _Cell(p.goal, 6, align="both")],
    ]
    with_mid = any(ind.mid_value for ind in p.indicators)
    if with_mid:  # a multi-year table: 年度 and 中期 values side by side
        rows.append([_label(h) for h in L.INDICATOR_HEADERS_MID])
    else:
        rows.append([_label(h, span) for h, span in
                     zip(L.INDICATOR_HEADERS, L.INDICATOR_SPANS, strict=True)])
    prev = None
    for ind in p.indicators:
        same1 = prev is not None and ind.level1 == prev.level1 and ind.level1 != ""
        same2 = same1 and prev is not None and ind.level2 == prev.level2 and ind.level2 != ""
        rows.append(
            [
                _Cell("" if same1 else ind.level1, vmerge="continue" if same1 else "restart"),
                _Cell("" if same2 else ind.level2, vmerge="continue" if same2 else "restart"),
                _Cell(ind.level3),
                *([_Cell(ind.description, align="left"), _Cell(ind.value), _Cell(ind.mid_value)]
                  if with_mid else [_Cell(ind.description, 2, align="left"), _Cell(ind.value)]),
                _Cell(ind.basis),
            ]
        )
        prev = ind
    return rows


def _declaration_rows(p: Project) -> list[list[_Cell]]:
    """The 申报表 header fields (主管部门, 实施单位, 项目属性, 项目期, 中期目标), when given."""
    rows: list[list[_Cell]] = []
    if p.authority or p.implementer:
        rows.append([_label(L.LABEL_AUTHORITY), _Cell(p.authority, 2),
                     _label(L.LABEL_IMPLEMENTER), _Cell(p.implementer, 3)])
    if p.attribute or p.period:
        rows.append([_label(L.LABEL_ATTRIBUTE), _Cell(p.attribute, 2),
                     _label(L.LABEL_PERIOD), _Cell(p.period, 3)])
    if p.mid_goal:
        rows.append([_label(L.LABEL_MID_GOAL), _Cell(p.mid_goal, 6, align="both")])
    return rows


def _run_xml(text: str, bold: bool, half_points: int | None = None) -> str:
    props = ("<w:b/>" if bold else "") + (
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>' if half_points else ""
    )
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    parts = [escape(piece) for piece in text.split("\t")]
    inner = '</w:t><w:tab/><w:t xml:space="preserve">'.join(parts)
    return f'<w:r>{rpr}<w:t xml:space="preserve">{inner}</w:t></w:r>'


def _cell_xml(cell: _Cell, width: int) -> str:
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if cell.span > 1:
        props.append(f'<w:gridSpan w:val="{cell.span}"/>')
    if cell.vmerge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif cell.vmerge == "continue":
        props.append("<w:vMerge/>")
    props.append('<w:vAlign w:val="center"/>')
    ppr = f'<w:pPr><w:pStyle w:val="PXTable"/><w:jc w:val="{cell.align}"/></w:pPr>'
    lines = _clean(cell.text).split("\n") if cell.text and cell.vmerge != "continue" else [""]
    paras = "".join(
        f"<w:p>{ppr}{_run_xml(line, cell.bold, cell.half_points) if line else ''}</w:p>"
        for line in lines
    )
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{paras}</w:tc>"


_GRID_TWIPS = [round(cm * _TWIPS_PER_CM) for cm in L.GRID_CM]


def _table_xml(p: Project) -> str:
    total = sum(_GRID_TWIPS)
    out = [
        f"<w:tbl {_NSDECL}><w:tblPr>"
        '<w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{total}" w:type="dxa"/>'
        '<w:jc w:val="center"/>'
        "<w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="85" w:type="dxa"/>'
        '<w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0"'
        ' w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr><w:tblGrid>"
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in _GRID_TWIPS)
        + "</w:tblGrid>"
    ]
    for row in _project_rows(p):
        out.append('<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="454"/></w:trPr>')
        col = 0
        for cell in row:
            width = sum(_GRID_TWIPS[col : col + cell.span])
            out.append(_cell_xml(cell, width))
            col += cell.span
        if col != len(_GRID_TWIPS):  # a layout bug, not bad input
            raise AssertionError(f"row spans {col} grid columns")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


# -- hidden metadata ---------------------------------------------------------------------

_PRINTED_INVALID = {"budget", "fiscal", "other"} | {f"plan.{i}" for i in range(_CHECKPOINT_COUNT)}


def _meta(dept: Department) -> dict[str, Any]:
    projects = []
    for p in dept.projects:
        printed = {k for k in _PRINTED_INVALID if k in p.invalid and _invalid_value_is_none(p, k)}
        projects.append(
            {
                "seq": p.seq,
                "code": p.code,
                "name": p.name,
                "plan_profile": p.plan_profile,
                "funding_line": p.funding_line,
                "invalid": {k: v for k, v in p.invalid.items() if k not in printed},
            }
        )
    return {
        "version": 1,
        "title": dept.title,
        "year": dept.year,
        "unit_code": dept.unit_code,
        "money_unit": dept.money_unit,
        "projects": projects,
    }


def _invalid_value_is_none(p: Project, key: str) -> bool:
    if key.startswith("plan."):
        i = int(key.split(".")[1])
        return i >= len(p.plan) or p.plan[i] is None
    return getattr(p, key) is None


def _embed_meta(doc: DocxDocument, dept: Department) -> None:
    """Add the custom XML part (and its properties part) with the non-printed fields."""
    import uuid

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = doc.part.package
    taken = {str(part.partname) for part in package.iter_parts()}
    n = 1
    while f"/customXml/item{n}.xml" in taken:
        n += 1
    payload = json.dumps(_meta(dept), ensure_ascii=False)
    item_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<{L.META_ROOT} xmlns="{L.META_NS}">{escape(payload)}</{L.META_ROOT}>'
    ).encode()
    props_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<ds:datastoreItem ds:itemID="{' + str(uuid.uuid4()).upper() + '}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{L.META_NS}"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    ).encode()
    item = Part(PackURI(f"/customXml/item{n}.xml"), "application/xml", item_xml, package)
    props = Part(
        PackURI(f"/customXml/itemProps{n}.xml"),
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
        props_xml,
        package,
    )
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    doc.part.relate_to(item, RT.CUSTOM_XML)
