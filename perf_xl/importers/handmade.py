"""Read a hand-made workbook in the official table layout — one 项目支出绩效目标表 per sheet,
typed in Excel or WPS, not built by perf_xl — as ``perf-xl import`` reads a hand-made Word
table: by its captions (项目编码, 项目名称, 预算数, 资金支出计划, 绩效目标, 一级指标 …), with
the label-driven reader of :mod:`perf_xl.importers.sheets`. Row N of a sheet is line N of
the findings; ``Project.sheet`` names the sheet.

Cells keep their meaning: a percentage cell (number format with %) is read as "25%", not
0.25; a number as written ("100", "42.78"); a formula's cached value.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..errors import ImportError_
from ..model import Department
from .sheets import Cell, Sheet, read_sheets

MAX_CELLS = 2_000_000

__all__ = ["read_handmade"]


def read_handmade(path: str | os.PathLike[str]) -> Department:
    src = Path(path)
    sheets = _sheets(src)
    return read_sheets(sheets, source=str(src), what="工作簿", keep_sheet_names=True)


def _sheets(src: Path) -> list[Sheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(src, data_only=True, read_only=True)
    except FileNotFoundError:
        raise ImportError_("文件不存在", path=str(src)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportError_("工作簿已损坏或不是 .xlsx/.xlsm 文件，无法打开", path=str(src)) from None
    sheets = []
    cells = 0
    try:
        for ws in wb.worksheets:
            rows: list[list[Cell]] = []
            for row in ws.iter_rows():
                cells += len(row)
                if cells > MAX_CELLS:
                    raise ImportError_("工作簿过大，不像手工填写的绩效目标表", path=str(src))
                rows.append([_value(c) for c in row])
            sheets.append(Sheet(ws.title, rows))
    finally:
        wb.close()
    return sheets


def _value(cell) -> Cell:
    value = getattr(cell, "value", None)
    if value is None or isinstance(value, str):
        return value
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in fmt:
        number = round(value * 100, 6)
        text = str(int(number)) if float(number).is_integer() else repr(number)
        return f"{text}%"
    if hasattr(value, "isoformat"):
        return str(value)[:10]
    return value
