"""What the commands share: the file-argument checks, opening a source, one table printer."""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import PerfXLError


def require_workbook(path: str | Path) -> Path:
    """A master workbook argument: .xlsm/.xlsx, a readable regular file (the one file check,
    perf_xl.workbook.safety.require_regular_file, as every reader makes it)."""
    from ..workbook.safety import require_regular_file

    p = Path(path)
    if p.suffix.lower() not in (".xlsm", ".xlsx"):
        raise PerfXLError("这里需要主工作簿（.xlsm）；先用 perf-xl build 由绩效文本生成", path=str(p))
    require_regular_file(p)
    return p


FORCE_HELP = "即使文件正被 Excel/WPS/LibreOffice 打开（有 ~$… 或 .~lock…# 锁文件）也写入"


def open_for_update(path: str | Path, *, force: bool = False, dry_run: bool = False):
    """A workbook opened for an in-place update: locked (one writer at a time, not while
    another program has it open unless ``force``) and its identity recorded, so that the
    save refuses to overwrite a change made meanwhile (perf_xl.atomic)."""
    from ..atomic import begin_update
    from ..workbook.file_adapter import FileAdapter

    p = require_workbook(path)
    if not dry_run:
        begin_update(p, force=force)
    return FileAdapter(p)


def open_source(path: str | Path, *, write: bool, force: bool = False):
    """(ReadResult, FileAdapter or None): a workbook opened for an update when ``write``,
    else any source read into the model (text, JSON, Word or workbook)."""
    from ..workbook.read import ReadResult

    if write:
        from ..operations import read_book

        book = open_for_update(path, force=force)
        return read_book(book), book
    from ..sources import load

    loaded = load(path)
    return ReadResult(loaded.department, loaded.problems), None


def cell_text(value: Any) -> str:
    """A value as a table shows it: amounts with two decimals and thousands separators."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def print_table(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], *, title: str = "",
                left: Collection[str] = (), fold: str | None = None) -> None:
    """One table on stdout: a rich table on a terminal, else tab-separated lines under a
    header line (for pipes and scripts). Columns not in ``left`` are right-aligned; the
    ``fold`` column takes the width that is left and folds its text (Chinese has no spaces
    to wrap at), the others are never wrapped."""
    rows = list(rows)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title or None, title_justify="left", expand=fold is not None)
        for c in columns:
            justify = "left" if c in left else "right"
            if fold is None:
                table.add_column(c, justify=justify)
            elif c == fold:
                table.add_column(c, justify=justify, overflow="fold", ratio=1)
            else:
                table.add_column(c, justify=justify, no_wrap=True)
        for row in rows:
            table.add_row(*(cell_text(row.get(c)) for c in columns))
        Console().print(table)
        return
    print("\t".join(columns))
    for row in rows:
        print("\t".join(cell_text(row.get(c)) for c in columns))
