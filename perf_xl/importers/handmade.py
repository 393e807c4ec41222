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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ImportError_
from ..model import Department
from .sheets import Cell, Sheet, read_sheets
from .text import NO_TABLE_MESSAGE

MAX_CELLS = 2_000_000

__all__ = ["read_handmade"]


def read_handmade(path: str | os.PathLike[str], seen: Sequence[Sheet] | None = None) -> Department:
    """``seen``: every sheet of the file as python-calamine read it (the master-workbook
    reader's grids, when it has them). A file whose cells hold no table at all is refused
    from those, without loading openpyxl: a consolidation folder's unrelated spreadsheet
    then costs one read, not an import and a second, much slower one. Only openpyxl sees
    number formats (25% in a cell that holds 0.25), so a file with a table is read by it."""
    src = Path(path)
    if seen is not None and sum(len(row) for sheet in seen for row in sheet.rows) <= MAX_CELLS:
        try:
            read_sheets(seen, source=str(src), what="工作簿", keep_sheet_names=True)
        except ImportError_ as err:
            # Captions are text, which both readers see alike: no table here, none there.
            if NO_TABLE_MESSAGE in err.message:
                raise
        except Exception:  # only a shortcut: the read through openpyxl decides
            pass
    sheets = _sheets(src)
    return read_sheets(sheets, source=str(src), what="工作簿", keep_sheet_names=True)


def calamine_sheet(name: str, rows: Sequence[Sequence[Any]]) -> Sheet:
    """A sheet as python-calamine gives it ("" for an empty cell), as :func:`_value` reads
    openpyxl's cells, except for number formats (which calamine does not give)."""
    return Sheet(name, [[_plain(v) for v in row] for row in rows])


def _plain(value: Any) -> Cell:
    """A cell's value, whatever its number format: empty is None, a date its day."""
    if value == "" or value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value)[:10]
    return value


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
    return _plain(value)
