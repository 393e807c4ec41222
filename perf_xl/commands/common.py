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
                left: Collection[str] = (), fold: str | None = None, total: bool = False,
                aligned: bool = False) -> None:
    """One table on stdout: a rich table on a terminal, else plain text for pipes and
    scripts: tab-separated lines under a header line, or with ``aligned`` the title and
    columns padded to their display width (``table_text``).

    Columns not in ``left`` are right-aligned. The ``fold`` column takes the width that is
    left and folds its text (Chinese has no spaces to wrap at); the others are never wrapped
    nor cut (a truncated "1598." would mislead), the console widening if it must. ``total``:
    the last row is a total, set apart by a rule (and bold on a terminal)."""
    rows = [[cell_text(row.get(c)) for c in columns] for row in rows]
    if sys.stdout.isatty():
        _print_rich(rows, columns, title=title, left=left, fold=fold, total=total)
    elif aligned:
        sys.stdout.write(table_text(rows, columns, title=title, left=left, total=total))
    else:
        print("\t".join(columns))
        for cells in rows:
            print("\t".join(cells))


def table_text(rows: Sequence[Sequence[str]], columns: Sequence[str], *, title: str = "",
               left: Collection[str] = (), total: bool = False) -> str:
    """Aligned plain text: the title, a blank line, the header over a rule, the rows (the
    total under a rule of its own); widths in display columns (rich.cells.cell_len, a CJK
    character takes two), trailing spaces dropped."""
    from rich.cells import cell_len

    widths = [max(cell_len(r[i]) for r in [list(columns), *rows]) for i in range(len(columns))]

    def line(cells: Sequence[str]) -> str:
        padded = []
        for text, width, name in zip(cells, widths, columns, strict=True):
            space = " " * (width - cell_len(text))
            padded.append(text + space if name in left else space + text)
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    body = rows[:-1] if total and rows else rows
    out = [title, ""] if title else []
    out += [line(columns), rule, *(line(r) for r in body)]
    if total and rows:
        out += [rule, line(rows[-1])]
    return "\n".join(out) + "\n"


def _print_rich(rows: list[list[str]], columns: Sequence[str], *, title: str, left: Collection[str],
                fold: str | None, total: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    table = Table(title=title or None, title_justify="left", expand=fold is not None)
    needed = 1  # the left border
    for i, c in enumerate(columns):
        justify = "left" if c in left else "right"
        if fold is None:
            table.add_column(c, justify=justify)
        elif c == fold:
            table.add_column(c, justify=justify, overflow="fold", ratio=1, min_width=8)
            needed += 8 + 3  # a narrow column, its padding and border
        else:
            width = max(Text.from_markup(x).cell_len for x in (c, *(r[i] for r in rows)))
            table.add_column(c, justify=justify, no_wrap=True, min_width=width)
            needed += width + 3
    for n, cells in enumerate(rows):
        last = total and n == len(rows) - 1
        table.add_row(*cells, style="bold" if last else None, end_section=total and n == len(rows) - 2)
    if fold is not None and console.width < needed:
        console = Console(width=needed)
    console.print(table)
