"""A user's edit made with another program (openpyxl, as a script of the user's would)."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def edited(path: str | Path) -> Iterator[object]:
    """``with edited(path) as wb: wb["01 …"]["C4"] = …`` — openpyxl load + save (VBA kept;
    like any openpyxl round trip it rewrites every part and drops what it does not model)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(path, keep_vba=str(path).endswith(".xlsm"), rich_text=True)
    yield wb
    wb.save(path)
