"""Read the 预算管理一体化 system's exports (河北 mode, docs/INTEROP.md):

* Excel 2003 XML (SpreadsheetML) saved as .xls, one project per file, every cell a
  string, the indicator tree encoded by ``ss:MergeDown`` (covered cells omitted, later
  cells placed with ``ss:Index``);
* a .zip of such files (entry names GBK-encoded without the zip's UTF-8 flag);
* the same re-saved by Excel, WPS or LibreOffice as binary .xls (BIFF8, read with
  python-calamine) or as .xlsx.

Both layouts the system exports are read — 项目支出绩效目标申报表 (``hbprogoalandindex``) and
预算项目绩效信息表（预算编制阶段） (``hbproyeargoalandindex``) — by the label-driven reader of
:mod:`perf_xl.importers.sheets`; what the layout lacks (项目编码, amounts, the spend plan)
stays missing and the rules report it.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

from ..errors import ImportError_
from ..model import Department
from .sheets import Cell, Sheet, read_sheets

SS = "urn:schemas-microsoft-com:office:spreadsheet"
_Q = f"{{{SS}}}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_FILE = 64 * 1024 * 1024  # bytes of one export (they are a few hundred kB)
MAX_ZIP_TOTAL = 512 * 1024 * 1024  # uncompressed bytes of a whole zip
MAX_ZIP_ENTRIES = 5000
MAX_ROWS = 20000
_READABLE = (".xls", ".xml", ".xlsx")

__all__ = ["is_spreadsheetml", "read_yitihua", "read_yitihua_bytes", "spreadsheetml_sheets"]


def read_yitihua(path: str | os.PathLike[str]) -> Department:
    """The projects of an export: a SpreadsheetML .xls, a binary .xls, an .xlsx or a .zip."""
    from ..workbook.safety import MAX_FILE as ANY_FILE
    from ..workbook.safety import read_regular_file

    src = Path(path)
    limit = ANY_FILE if src.suffix.lower() == ".zip" else MAX_FILE
    data = read_regular_file(src, ImportError_, max_size=limit, too_large="不像一体化系统的导出文件")
    return read_yitihua_bytes(data, str(src))


def read_yitihua_bytes(data: bytes, source: str) -> Department:
    if not data.strip():
        raise ImportError_("文件是空的（0 字节）", path=source)
    if data.startswith(b"PK") and not _is_xlsx(data):
        return read_sheets(_zip_sheets(data, source), source=source, what="压缩包")
    return read_sheets(_file_sheets(data, source, ""), source=source, what="文件")


def is_spreadsheetml(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and SS.encode() in data[:8192]


def _file_sheets(data: bytes, source: str, prefix: str) -> list[Sheet]:
    """The sheets of one file, whatever it is (SpreadsheetML, BIFF8 .xls, .xlsx)."""
    if is_spreadsheetml(data):
        sheets = spreadsheetml_sheets(data, source)
    elif data.startswith(_OLE_MAGIC) or _is_xlsx(data):
        sheets = _calamine_sheets(data, source)
    elif data.lstrip()[:1] == b"<":
        raise ImportError_("这是 XML 文件，但不是 Excel 2003 XML（SpreadsheetML）表格", path=source)
    else:
        raise ImportError_("不是一体化系统导出的表格：应为 Excel 2003 XML（.xls）、Excel .xls/.xlsx "
                           "或它们的 .zip 压缩包", path=source)
    for sheet in sheets:
        sheet.name = f"{prefix}{sheet.name}" if prefix else sheet.name
    return sheets


def _is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "[Content_Types].xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


# -- the zip of one file per project --------------------------------------------------------
def entry_name(info: zipfile.ZipInfo) -> str:
    """An entry's name: GBK when the zip's UTF-8 flag (bit 11) is not set, as the system
    writes it (zipfile decodes such names as CP437)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _zip_sheets(data: bytes, source: str) -> list[Sheet]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportError_("压缩包已损坏，无法打开", path=source) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ImportError_(f"压缩包中有 {len(infos)} 个文件，过多", path=source)
        if sum(i.file_size for i in infos) > MAX_ZIP_TOTAL:
            raise ImportError_("压缩包解压后过大，不像一体化系统的导出文件", path=source)
        sheets: list[Sheet] = []
        for info in infos:  # the order the system wrote them (…_<stamp><i>.xls)
            name = entry_name(info)
            if not name.lower().endswith(_READABLE) or info.file_size > MAX_FILE:
                continue
            try:
                content = zf.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
                    RuntimeError, zlib.error):  # RuntimeError: an encrypted entry
                raise ImportError_(f"压缩包中的「{name}」已损坏，无法解压", path=source) from None
            where = f"{source} 中的 {name}"
            sheets.extend(_file_sheets(content, where, f"{Path(name).stem}/"))
        return sheets


# -- SpreadsheetML ----------------------------------------------------------------------------
def spreadsheetml_sheets(data: bytes, source: str) -> list[Sheet]:
    """The worksheets of an Excel 2003 XML file as rows of cells, merges resolved: a merged
    cell's text in its first position, the positions it covers empty."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    try:
        root = SafeET.fromstring(data)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        line = getattr(exc, "position", (None,))[0]
        raise ImportError_("Excel 2003 XML 文件无法解析（文件不完整或已损坏）", path=source,
                           line=line) from None
    sheets = []
    for ws in root.iter(f"{_Q}Worksheet"):
        name = ws.get(f"{_Q}Name") or f"Sheet{len(sheets) + 1}"
        table = ws.find(f"{_Q}Table")
        rows = _table_rows(table, source, name) if table is not None else []
        sheets.append(Sheet(name, rows))
    return sheets


def _index(el, attr: str, source: str, sheet: str) -> int | None:
    raw = el.get(f"{_Q}{attr}")
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ImportError_(f"工作表「{sheet}」的 ss:{attr}=「{raw}」不是整数", path=source) from None
    if not 0 <= value <= MAX_ROWS:
        raise ImportError_(f"工作表「{sheet}」的 ss:{attr}={value} 超出范围", path=source)
    return value


def _table_rows(table, source: str, sheet: str) -> list[list[Cell]]:
    grid: dict[int, dict[int, Cell]] = {}
    r = 0
    for row in table.iter(f"{_Q}Row"):
        index = _index(row, "Index", source, sheet)
        r = index if index is not None else r + 1
        if r > MAX_ROWS:
            raise ImportError_(f"工作表「{sheet}」超过 {MAX_ROWS} 行", path=source)
        c = 0
        for cell in row.iter(f"{_Q}Cell"):
            at = _index(cell, "Index", source, sheet)
            c = at if at is not None else c + 1
            across = _index(cell, "MergeAcross", source, sheet) or 0
            down = _index(cell, "MergeDown", source, sheet) or 0
            data = cell.find(f"{_Q}Data")
            text = "".join(data.itertext()) if data is not None else ""
            grid.setdefault(r, {})[c] = text
            for dr in range(down + 1):
                for dc in range(across + 1):
                    if dr or dc:
                        grid.setdefault(r + dr, {}).setdefault(c + dc, None)
            c += across
    height = max(grid, default=0)
    rows: list[list[Cell]] = []
    for i in range(1, height + 1):
        cells = grid.get(i, {})
        width = max(cells, default=0)
        rows.append([cells.get(j) for j in range(1, width + 1)])
    return rows


# -- binary .xls and .xlsx ------------------------------------------------------------------
def _calamine_sheets(data: bytes, source: str) -> list[Sheet]:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise ImportError_("文件设置了打开密码，无法读取：请取消密码后另存再导入", path=source) from None
    except Exception:
        raise ImportError_("Excel 文件已损坏或不完整，无法打开（可在 Excel/WPS 中打开后另存）",
                           path=source) from None
    sheets = []
    for name in book.sheet_names:
        try:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:
            raise ImportError_(f"工作表「{name}」无法读取（文件已损坏？）", path=source) from None
        sheets.append(Sheet(name, [[None if v == "" else v for v in row] for row in rows]))
    return sheets
