"""Checks a workbook package before any XML parser sees it.

A workbook is untrusted input: a zip whose parts inflate to gigabytes, or XML with a DTD
(entity-expansion bombs), must be refused quickly and with a clear message. Legitimate
OOXML parts never carry a DTD.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..errors import WorkbookError

MAX_UNCOMPRESSED = 512 * 1024 * 1024  # all parts together
MAX_PART = 256 * 1024 * 1024  # one part
MAX_RATIO = 1000  # uncompressed / compressed for one sizeable part
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_HEAD_BYTES = 4096  # a DTD must come before the root element

MACRO_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def check_workbook_file(path: str | Path) -> str:
    """Refuse anything that is not a sane .xlsx/.xlsm package; return its main content type."""
    path = Path(path)
    if not path.exists():
        raise WorkbookError("文件不存在", path=str(path))
    if path.is_dir():
        raise WorkbookError("这是一个文件夹，不是工作簿", path=str(path))
    if path.suffix.lower() == ".xls":
        raise WorkbookError("不支持旧版 .xls 格式：请在 Excel/WPS 中另存为 .xlsx 或 .xlsm",
                            path=str(path))
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise WorkbookError("不是 Excel 工作簿（文件不是 .xlsx/.xlsm 的 zip 格式，或已损坏、被截断）",
                            path=str(path)) from None
    except OSError as exc:
        raise WorkbookError(f"无法读取文件：{exc.strerror or exc}", path=str(path)) from None
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise WorkbookError("不是 Excel 工作簿（zip 中没有 xl/workbook.xml）", path=str(path))
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
        try:
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as part:
                        head = part.read(_HEAD_BYTES)
                    if any(marker in head for marker in _DTD_MARKERS):
                        raise WorkbookError(
                            f"文件中的 {info.filename} 含有 DTD/实体声明（可能是 XML 炸弹），拒绝读取",
                            path=str(path))
            content_types = zf.read("[Content_Types].xml")
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, zlib.error) as exc:
            raise WorkbookError(f"工作簿已损坏，无法解压：{exc}", path=str(path)) from None
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
