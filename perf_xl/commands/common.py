"""Helpers shared by the commands that work on a workbook file."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import PerfXLError


def require_workbook(path: str | Path) -> Path:
    p = Path(path)
    if p.suffix.lower() not in (".xlsm", ".xlsx"):
        raise PerfXLError("这里需要主工作簿（.xlsm）；先用 perf-xl build 由绩效文本生成", path=str(p))
    return p


def progress_console():
    """A rich console on stderr when it is a terminal (progress and status), else None."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    return Console(stderr=True)


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
