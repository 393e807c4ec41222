"""Write the 一体化 system's entry layout 预算项目绩效信息表（预算编制阶段）
(``hbproyeargoalandindex``, docs/INTEROP.md): one project per file, as Excel 2003
XML (SpreadsheetML, saved as .xls like the system's own exports) or as .xlsx; many
projects as a .zip with one file per project.

Each indicator value is split as the system's entry screen takes it: 符号 (≥ ＞ ＝ ＜ ≤, or
定性 for a qualitative target), 值 and 计量单位 ("≥90%" -> ≥ | 90 | %; "20 台" -> ＝ | 20 | 台;
"持续影响" -> 定性 | 持续影响 | ""). The tree is encoded with merges: the first row of each
一级 / 二级 group carries ``ss:MergeDown`` = rows in the group − 1, later rows omit the
covered cells and start with ``ss:Index``. Reading the file back with
:func:`perf_xl.importers.yitihua.read_yitihua` gives the same project (its name, code, goal
and indicators: the layout has no amounts and no spend plan).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from ..atomic import atomic_target
from ..errors import PerfXLError
from ..model import Department, Project
from ..rules.facts import base_name
from ..values import format_value, parse_value

TITLE = "预算项目绩效信息表（预算编制阶段）"
FOOTER = ("备注：\n1.成本指标的三级指标系统已固化“项目或定额成本控制率”指标及指标值（=100%）等，"
          "不能删除这项指标。通常情况下不需要再增加其他成本指标。\n"
          "2.如确需有其他特殊定额成本，再另增加相应成本指标。")
QUALITATIVE = "定性"
COLUMNS = 8  # 一级 | 二级 | 三级 | 符号 | 值 | 计量单位 | 备注 | 指标值说明

__all__ = ["split_value", "write_yitihua", "yitihua_files"]


@dataclass(frozen=True)
class Split:
    operator: str  # ≥ ＞ ＝ ＜ ≤ or 定性 ("" for an empty value)
    number: str
    unit: str


def split_value(text: str) -> Split:
    """The 符号 / 值 / 计量单位 of a 指标值 as the system enters it."""
    v = parse_value(text)
    if v.kind == "empty":
        return Split("", "", "")
    if v.is_quantity and v.number is not None and not v.prefix and not v.note:
        number = format_value(None, v.number, "")
        return Split(v.operator or "＝", number, v.unit)
    return Split(QUALITATIVE, v.text, "")


@dataclass
class _Row:
    level1: str
    level2: str
    level3: str
    split: Split
    description: str
    basis: str
    span1: int | None  # rows of the 一级 group when this row starts it, else None
    span2: int | None


def _rows(project: Project) -> list[_Row]:
    """The indicator rows with their levels carried down and their group spans."""
    carried: list[tuple[str, str]] = []
    l1 = l2 = ""
    for ind in project.indicators:
        w1, w2 = ind.level1.strip(), ind.level2.strip()
        if w1 and base_name(w1) != base_name(l1):
            l1, l2 = w1, ""
        elif w1:
            l1 = w1
        if w2:
            l2 = w2
        carried.append((l1, l2))
    rows: list[_Row] = []
    i = 0
    while i < len(carried):
        j = i
        while j < len(carried) and carried[j][0] == carried[i][0]:
            j += 1
        k = i
        while k < j:
            m = k
            while m < j and carried[m][1] == carried[k][1]:
                m += 1
            for n in range(k, m):
                ind = project.indicators[n]
                rows.append(_Row(carried[n][0], carried[n][1], ind.level3, split_value(ind.value),
                                 ind.description, ind.basis, j - i if n == i else None,
                                 m - k if n == k else None))
            k = m
        i = j
    return rows


# -- SpreadsheetML ----------------------------------------------------------------------------
_STYLES = """ <Styles>
  <Style ss:ID="Default" ss:Name="Normal"><Alignment ss:Vertical="Bottom"/>
   <Font ss:FontName="宋体" x:CharSet="134" ss:Size="9"/></Style>
  <Style ss:ID="title"><Alignment ss:Horizontal="Center" ss:Vertical="Center" ss:WrapText="1"/>
   <Font ss:FontName="宋体" x:CharSet="134" ss:Size="21.75"/>
   <Interior ss:Color="#D6DCE4" ss:Pattern="Solid"/></Style>
  <Style ss:ID="label"><Alignment ss:Horizontal="Center" ss:Vertical="Center" ss:WrapText="1"/>
   <Borders>{b}</Borders><Font ss:FontName="宋体" x:CharSet="134" ss:Size="9" ss:Bold="1"/>
   <NumberFormat ss:Format="@"/></Style>
  <Style ss:ID="star"><Alignment ss:Horizontal="Center" ss:Vertical="Center" ss:WrapText="1"/>
   <Borders>{b}</Borders><Font ss:FontName="宋体" x:CharSet="134" ss:Size="9" ss:Color="#FF0000"
    ss:Bold="1"/><NumberFormat ss:Format="@"/></Style>
  <Style ss:ID="text"><Alignment ss:Vertical="Center" ss:WrapText="1"/><Borders>{b}</Borders>
   <Font ss:FontName="宋体" x:CharSet="134" ss:Size="9"/><NumberFormat ss:Format="@"/>
   <Protection ss:Protected="0"/></Style>
  <Style ss:ID="goal"><Alignment ss:Horizontal="Left" ss:Vertical="Center" ss:WrapText="1"/>
   <Borders>{b}</Borders><Font ss:FontName="宋体" x:CharSet="134" ss:Size="9"/>
   <Protection ss:Protected="0"/></Style>
  <Style ss:ID="note"><Alignment ss:Horizontal="Left" ss:Vertical="Center" ss:WrapText="1"/>
   <Font ss:FontName="宋体" x:CharSet="134" ss:Size="9" ss:Color="#FF0000" ss:Bold="1"/></Style>
 </Styles>
""".format(b="".join(f'<Border ss:Position="{p}" ss:LineStyle="Continuous" ss:Weight="1"/>'
                     for p in ("Bottom", "Left", "Right", "Top")))
_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:x="urn:schemas-microsoft-com:office:excel"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:html="http://www.w3.org/TR/REC-html40">
 <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office">
  <Author>perf-xl</Author>
 </DocumentProperties>
"""
_WIDTHS = (71, 112, 140.5, 80, 72, 124.5, 106.5, 106.5)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """Cell text for the XML: escaped, line breaks as &#10; (as the system writes them)."""
    return escape(_ILLEGAL_XML.sub("", value)).replace("\r\n", "\n").replace("\n", "&#10;")


def _cell(text: str, style: str = "text", *, index: int | None = None, across: int = 0,
          down: int | None = None, star: bool = False) -> str:
    attrs = []
    if index is not None:
        attrs.append(f'ss:Index="{index}"')
    if across:
        attrs.append(f'ss:MergeAcross="{across}"')
    if down is not None:
        attrs.append(f'ss:MergeDown="{down}"')
    attrs.append(f'ss:StyleID="{"star" if star else style}"')
    if star:  # the red "*" before a required column's caption, as rich text
        data = ('<ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>'
                f'<Font html:Color="#FF0000">*</Font><Font>{_text(text)}</Font></B></ss:Data>')
    else:
        data = f'<Data ss:Type="String">{_text(text)}</Data>'
    return f"    <Cell {' '.join(attrs)}>{data}</Cell>\n"


def spreadsheetml(project: Project) -> bytes:
    """One project as the system's 预算项目绩效信息表 (Excel 2003 XML)."""
    out = [_HEAD, _STYLES, ' <Worksheet ss:Name="Sheet1">\n',
           f'  <Table ss:ExpandedColumnCount="{COLUMNS}" x:FullColumns="1" x:FullRows="1"'
           ' ss:DefaultColumnWidth="52" ss:DefaultRowHeight="14">\n']
    out += [f'   <Column ss:AutoFitWidth="0" ss:Width="{w}"/>\n' for w in _WIDTHS]

    def row(cells: str, height: int = 20) -> None:
        out.append(f'   <Row ss:AutoFitHeight="0" ss:Height="{height}">\n{cells}   </Row>\n')

    row(_cell(TITLE, "title", across=COLUMNS - 1), 24)
    row(_cell("项目名称", "label") + _cell(project.name, across=2)
        + _cell("项目编码", "label") + _cell(project.code, across=2))
    row(_cell("绩效目标", "label", down=1) + _cell(project.goal, "goal", across=6, down=1))
    out.append('   <Row ss:AutoFitHeight="0" ss:Height="20"/>\n')
    row(_cell("一级指标", "label", down=1) + _cell("二级指标", "label", down=1)
        + _cell("三级指标", down=1, star=True) + _cell("指标值", "label", across=2)
        + _cell("备注（指标解释等）", "label", down=1)
        + _cell("指标值说明（评分标准等）", "label", down=1))
    row(_cell("符号", index=4, star=True) + _cell("值", star=True) + _cell("计量单位", "label"))
    for r in _rows(project):
        cells = []
        if r.span1 is not None:
            cells.append(_cell(r.level1, "label", down=r.span1 - 1))
        if r.span2 is not None:
            cells.append(_cell(r.level2, index=None if r.span1 is not None else 2,
                               down=r.span2 - 1))
        cells.append(_cell(r.level3, index=None if r.span2 is not None else 3))
        cells += [_cell(r.split.operator), _cell(r.split.number), _cell(r.split.unit),
                  _cell(r.description), _cell(r.basis)]
        row("".join(cells))
    out.append('   <Row ss:AutoFitHeight="0" ss:Height="20"/>\n')
    row(_cell(FOOTER, "note", across=COLUMNS - 1), 40)
    out.append("  </Table>\n </Worksheet>\n</Workbook>\n")
    return "".join(out).encode("utf-8")


# -- .xlsx ------------------------------------------------------------------------------------
def xlsx(project: Project) -> bytes:
    """The same table as an .xlsx (merged cells like the XML's), written with openpyxl."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    bold = Font(bold=True)
    for i, w in enumerate(_WIDTHS, 1):
        ws.column_dimensions[chr(64 + i)].width = w / 6

    def put(r: int, c: int, value: str, *, across: int = 0, down: int = 0, b: bool = False):
        cell = ws.cell(r, c, value if value else None)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if b:
            cell.font = bold
        if across or down:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + down, end_column=c + across)

    put(1, 1, TITLE, across=COLUMNS - 1, b=True)
    put(2, 1, "项目名称", b=True)
    put(2, 2, project.name, across=2)
    put(2, 5, "项目编码", b=True)
    put(2, 6, project.code, across=2)
    put(3, 1, "绩效目标", down=1, b=True)
    put(3, 2, project.goal, across=6, down=1)
    for c, caption in ((1, "一级指标"), (2, "二级指标"), (3, "*三级指标"), (7, "备注（指标解释等）"),
                       (8, "指标值说明（评分标准等）")):
        put(6, c, caption, down=1, b=True)
    put(6, 4, "指标值", across=2, b=True)
    for c, caption in ((4, "*符号"), (5, "*值"), (6, "计量单位")):
        put(7, c, caption, b=True)
    r = 8
    for row in _rows(project):
        if row.span1 is not None:
            put(r, 1, row.level1, down=row.span1 - 1)
        if row.span2 is not None:
            put(r, 2, row.level2, down=row.span2 - 1)
        for c, value in enumerate((row.level3, row.split.operator, row.split.number,
                                   row.split.unit, row.description, row.basis), 3):
            cell = ws.cell(r, c, value if value else None)
            cell.number_format = "@"  # every cell text, as the system's export
        r += 1
    put(r + 1, 1, FOOTER, across=COLUMNS - 1, b=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- files ------------------------------------------------------------------------------------
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def file_name(project: Project, stamp: str, i: int, suffix: str) -> str:
    """ "<name>_<yyyyMMddHHmmss><i>.xls", the system's own pattern."""
    name = _UNSAFE.sub("_", project.name.strip() or project.code.strip() or f"项目{project.seq}")
    return f"{name[:80]}_{stamp}{i}{suffix}"


def yitihua_files(dept: Department, *, fmt: str = "xml",
                  now: datetime | None = None) -> Iterator[tuple[str, bytes]]:
    """(file name, content) per project; ``fmt`` is "xml" (SpreadsheetML .xls) or "xlsx"."""
    stamp = (now or datetime.now()).strftime("%Y%m%d%H%M%S")
    for i, project in enumerate(dept.projects, 1):
        if fmt == "xlsx":
            yield file_name(project, stamp, i, ".xlsx"), xlsx(project)
        else:
            yield file_name(project, stamp, i, ".xls"), spreadsheetml(project)


def write_yitihua(dept: Department, out: str | Path, *, fmt: str | None = None,
                  now: datetime | None = None) -> list[Path]:
    """Write the projects to ``out``: a .zip (one file per project, names GBK-encoded like
    the system's), a folder (one file per project) or, for one project, a .xls / .xlsx."""
    if not dept.projects:
        raise PerfXLError("没有项目可导出")
    target = Path(out)
    suffix = target.suffix.lower()
    kind = fmt or ("xlsx" if suffix == ".xlsx" else "xml")
    files = list(yitihua_files(dept, fmt=kind, now=now))
    if suffix == ".zip":
        atomic_write_bytes(target, _zip(files))
        return [target]
    if suffix in (".xls", ".xlsx", ".xml"):
        if len(files) != 1:
            raise PerfXLError(f"有 {len(files)} 个项目：请导出为 .zip 或一个文件夹（每个项目一个文件）",
                              path=str(target))
        atomic_write_bytes(target, files[0][1])
        return [target]
    if target.exists() and not target.is_dir():
        raise PerfXLError("输出应为 .zip、.xls、.xlsx 或一个文件夹", path=str(target))
    if not target.parent.exists():
        raise PerfXLError("输出目录不存在", path=str(target))
    target.mkdir(exist_ok=True)
    written = []
    for name, content in files:
        atomic_write_bytes(target / name, content)
        written.append(target / name)
    return written


def atomic_write_bytes(path: Path, content: bytes) -> None:
    with atomic_target(path) as tmp:
        tmp.write_bytes(content)


class _GbkInfo(zipfile.ZipInfo):
    """An entry whose name is stored in GBK without the UTF-8 flag (bit 11), as the
    system's Java exporter (ZipOutputStream.setEncoding("GBK")) writes it."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk", errors="replace"), self.flag_bits & ~0x800


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    """A zip like the system's: entry names in GBK, the UTF-8 flag not set."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files:
            info = _GbkInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
    return buf.getvalue()
