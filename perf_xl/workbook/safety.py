"""Checks a workbook package before any XML parser sees it.

A workbook is untrusted input: a zip whose parts inflate to gigabytes, or XML with a DTD
(entity-expansion bombs), must be refused quickly and with a clear message. Legitimate
OOXML parts never carry a DTD.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import IO

from ..errors import PerfXLError, WorkbookError

# The limits: far above any real 绩效目标 workbook or document.
MAX_FILE = 256 * 1024 * 1024  # the file on disk
MAX_UNCOMPRESSED = 512 * 1024 * 1024  # all parts together
MAX_PART = 256 * 1024 * 1024  # one part
MAX_RATIO = 1000  # uncompressed / compressed for one sizeable part
MAX_ROWS = 100_000  # rows of one worksheet (a project sheet has ~60)
MAX_COLS = 1_000  # columns of one worksheet (a project sheet has 11)
MAX_CELLS = 2_000_000  # rows × columns of one worksheet's used range
MAX_DOCX_UNCOMPRESSED = 256 * 1024 * 1024  # all parts of a .docx together
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError,
               ValueError, struct.error)
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_HEAD_BYTES = 4096  # a DTD must come before the root element

MACRO_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def check_workbook_file(path: str | Path, data: bytes | None = None) -> str:
    """Refuse anything that is not a sane .xlsx/.xlsm package; return its main content type.
    ``data``: the file's bytes, when the caller has read them already."""
    return _check_workbook(Path(path), data)[1]


def read_workbook_file(path: str | Path) -> tuple[bytes, str]:
    """(the file's bytes, its main content type): the file read once and checked as
    :func:`check_workbook_file` checks it, for a reader to hand those same bytes on."""
    return _check_workbook(Path(path), None)


def _check_workbook(path: Path, data: bytes | None) -> tuple[bytes, str]:
    require_regular_file(path, WorkbookError)
    if path.suffix.lower() == ".xls":
        raise WorkbookError("不支持旧版 .xls 格式：请在 Excel/WPS 中另存为 .xlsx 或 .xlsm",
                            path=str(path))
    if data is None:
        data = read_regular_file(path, WorkbookError)
    with _open_zip(data, path) as zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise WorkbookError("不是 Excel 工作簿（zip 中没有 xl/workbook.xml）", path=str(path))
        _check_sizes(infos, path)
        content_types = _check_parts(zf, infos, data, path)
    return data, _content_kind(content_types, path)


def _open_zip(data: bytes, path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise WorkbookError("不是 Excel 工作簿（文件不是 .xlsx/.xlsm 的 zip 格式，或已损坏、被截断）",
                            path=str(path)) from None
    except OSError as exc:
        raise WorkbookError(f"无法读取文件：{exc.strerror or exc}", path=str(path)) from None
    except (zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise WorkbookError(f"工作簿已损坏，无法解压（zip 目录：{exc}）", path=str(path)) from None


def _check_sizes(infos: list[zipfile.ZipInfo], path: Path) -> None:
    """No part, nor all together, larger than the limits; no part a compression bomb."""
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART or total > MAX_UNCOMPRESSED:
            raise WorkbookError(
                f"文件解压后过大（{info.filename} 等超过 {MAX_UNCOMPRESSED // 2**20} MB），拒绝读取",
                path=str(path))
        if info.compress_size and info.file_size > 1_000_000 and (
                info.file_size / info.compress_size > MAX_RATIO):
            raise WorkbookError(
                f"文件中的 {info.filename} 压缩比异常（疑似压缩炸弹），拒绝读取", path=str(path))


def _check_parts(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], data: bytes, path: Path) -> bytes:
    """No XML part declares a DTD or entities, no sheet claims an absurd dimension; returns
    [Content_Types].xml. A part that cannot be unpacked is named."""
    current = ""
    try:
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                current = info.filename
                sheet = info.filename.startswith("xl/worksheets/")
                head = _head(zf, info, data, sheet)
                if b"<!" in head and any(marker in head for marker in _DTD_MARKERS):
                    raise WorkbookError(
                        f"文件中的 {info.filename} 含有 DTD/实体声明（可能是 XML 炸弹），拒绝读取",
                        path=str(path))
                if sheet:
                    _check_dimension(head, info.filename, path)
        current = "[Content_Types].xml"
        return zf.read(current)
    except _ZIP_ERRORS as exc:
        raise WorkbookError(f"工作簿已损坏，无法解压其中的 {current}（{type(exc).__name__}：{exc}）",
                            path=str(path)) from None


def _content_kind(content_types: bytes, path: Path) -> str:
    """The workbook's main content type, which must agree with the file's extension."""
    if MACRO_CONTENT_TYPE.encode() in content_types:
        kind = MACRO_CONTENT_TYPE
    elif PLAIN_CONTENT_TYPE.encode() in content_types:
        kind = PLAIN_CONTENT_TYPE
    else:
        raise WorkbookError("不是 .xlsx/.xlsm 工作簿（可能是模板、加载项或其他格式）", path=str(path))
    suffix = path.suffix.lower()
    if suffix == ".xlsm" and kind != MACRO_CONTENT_TYPE:
        raise WorkbookError("扩展名是 .xlsm，但文件不含宏（实为 .xlsx 改名）：请使用 perf-xl build 重新生成主工作簿",
                            path=str(path))
    if suffix == ".xlsx" and kind == MACRO_CONTENT_TYPE:
        raise WorkbookError("扩展名是 .xlsx，但文件含有宏（实为 .xlsm 改名）：请改回 .xlsm", path=str(path))
    return kind


_HEAD_INPUT = 8192  # compressed bytes fed to zlib at a time for a member's head
_HEAD_INPUT_MAX = 1 << 16  # and at most this many in all
_HEAD_FIRST = 512  # the head of a usual part: its root element, a sheet's <dimension> too
_ROOT = re.compile(rb"<[^?!]")  # the root element's start (not <?xml …?>, not <!…>)


def _told(head: bytes, sheet: bool) -> bool:
    """The head already tells all it can: the root element has started with no "<!" before
    it (a DTD must come before the root element), and a sheet's dimension is in it (it comes
    before <sheetData>) or <sheetData> has started without one."""
    root = _ROOT.search(head)
    if root is None or b"<!" in head[:root.start()]:
        return False
    if not sheet:
        return True
    # (the pattern ends at the reference's closing quote: a match is the whole reference)
    return _DIMENSION.search(head) is not None or b"<sheetData" in head


def _head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes, sheet: bool = False) -> bytes:
    """The first _HEAD_BYTES of a member, or fewer once they tell all (:func:`_told`), from
    the file's bytes without the cost of opening the member (a workbook of 1,000 sheets has
    3,000 of them): the compressed data is fed to zlib a little at a time, so a head costs
    what it inflates, not the member's size."""
    offset = info.header_offset
    if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and not info.flag_bits & 1 and (
            data[offset:offset + 4] == b"PK\x03\x04"):
        name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
        start = offset + 30 + name_len + extra_len
        end = start + min(info.compress_size, _HEAD_INPUT_MAX)
        view = memoryview(data)
        if info.compress_type == zipfile.ZIP_STORED:
            return bytes(view[start:min(end, start + _HEAD_BYTES)])
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        head = b""
        want = _HEAD_FIRST
        while (start < end or inflate.unconsumed_tail) and len(head) < _HEAD_BYTES and not inflate.eof:
            if inflate.unconsumed_tail:
                chunk = inflate.unconsumed_tail
            else:
                chunk = view[start:min(end, start + _HEAD_INPUT)]
                start += len(chunk)
            head += inflate.decompress(chunk, want - len(head))
            if len(head) >= want:
                if want == _HEAD_BYTES or _told(head, sheet):
                    break
                want = _HEAD_BYTES
        return head
    with zf.open(info) as part:
        return part.read(_HEAD_BYTES)


def require_regular_file(path: str | Path, error: type[PerfXLError] = PerfXLError) -> os.stat_result:
    """The file's stat, or a message for what is not a readable regular file. stat() never
    blocks, so a FIFO or a device named .xlsm is refused before anything opens it."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise error("符号链接指向的文件不存在", path=str(path)) from None
        raise error("文件不存在", path=str(path)) from None
    except OSError as exc:
        raise error(f"无法读取文件：{exc.strerror or exc}", path=str(path)) from None
    except ValueError:  # an embedded NUL
        raise error("文件名无效（含有空字符）", path=str(path)) from None
    if stat.S_ISDIR(st.st_mode):
        raise error("这是一个文件夹，不是文件", path=str(path))
    if not stat.S_ISREG(st.st_mode):
        kind = "命名管道（FIFO）" if stat.S_ISFIFO(st.st_mode) else (
            "设备" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "套接字或特殊文件")
        raise error(f"这是{kind}，不是普通文件，拒绝读取", path=str(path))
    if st.st_size > MAX_FILE:
        raise error(f"文件过大（{st.st_size // 2**20} MB，上限 {MAX_FILE // 2**20} MB），拒绝读取",
                    path=str(path))
    return st


def read_regular_file(path: str | Path, error: type[PerfXLError] = PerfXLError, *,
                      max_size: int = MAX_FILE, too_large: str = "拒绝读取") -> bytes:
    """The bytes of a readable regular file (require_regular_file first, so nothing blocks),
    or one message naming the file; a file over ``max_size`` bytes is refused with
    ``too_large`` after its size. The one file check of every reader."""
    st = require_regular_file(path, error)
    if st.st_size > max_size:
        raise error(f"文件过大（{st.st_size // 2**20} MB），{too_large}", path=str(path))
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise error(f"无法读取文件：{exc.strerror or exc}", path=str(path)) from None


def sheet_too_large(rows: int, cols: int) -> str | None:
    """The Chinese reason a worksheet of ``rows`` × ``cols`` is refused, or None."""
    if rows > MAX_ROWS:
        return f"有 {rows:,} 行，超过上限 {MAX_ROWS:,} 行"
    if cols > MAX_COLS:
        return f"有 {cols:,} 列，超过上限 {MAX_COLS:,} 列"
    if rows * cols > MAX_CELLS:
        return f"有 {rows * cols:,} 个单元格，超过上限 {MAX_CELLS:,} 个"
    return None


def _check_dimension(head: bytes, part: str, path: Path) -> None:
    m = _DIMENSION.search(head)
    if not m:
        return
    from .layout import col_index

    first_col, first_row, last_col, last_row = m.groups()
    last_row, last_col = last_row or first_row, last_col or first_col
    if not last_row or not last_col:
        return
    rows = int(last_row) - int(first_row or 1) + 1
    cols = col_index(last_col.decode()) - col_index((first_col or b"A").decode()) + 1
    reason = sheet_too_large(rows, cols)
    if reason:
        raise WorkbookError(f"文件中的工作表 {part} {reason}，拒绝读取", path=str(path))


def check_docx_package(source: str | Path | IO[bytes], path: str | Path) -> None:
    """Refuse a .docx (``source``: its path or its bytes) whose parts inflate beyond the
    limits (a zip bomb) or carry a DTD, before python-docx inflates anything."""
    from ..errors import ImportError_

    path = Path(path)
    try:
        zf = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise ImportError_("不是 Word 文档（不是 .docx 的 zip 格式，或已损坏、被截断）", path=str(path)) from None
    except _ZIP_ERRORS as exc:
        raise ImportError_(f"Word 文档已损坏，无法解压（{exc}）", path=str(path)) from None
    with zf:
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.file_size > MAX_PART or total > MAX_DOCX_UNCOMPRESSED:
                raise ImportError_(f"Word 文档解压后过大（{info.filename} 等超过 "
                                   f"{MAX_DOCX_UNCOMPRESSED // 2**20} MB），拒绝读取", path=str(path))
            if info.compress_size and info.file_size > 1_000_000 and (
                    info.file_size / info.compress_size > MAX_RATIO):
                raise ImportError_(f"Word 文档中的 {info.filename} 压缩比异常（疑似压缩炸弹），拒绝读取",
                                   path=str(path))
        current = ""
        try:
            for info in zf.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    current = info.filename
                    with zf.open(info) as part:
                        head = part.read(_HEAD_BYTES)
                    if any(marker in head for marker in _DTD_MARKERS):
                        raise ImportError_(f"Word 文档中的 {info.filename} 含有 DTD/实体声明（可能是 XML 炸弹），"
                                           "拒绝读取", path=str(path))
        except _ZIP_ERRORS as exc:
            raise ImportError_(f"Word 文档已损坏，无法解压其中的 {current}（{type(exc).__name__}：{exc}）",
                               path=str(path)) from None
