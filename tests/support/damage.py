"""A copy of a workbook with one worksheet calamine cannot parse (a row numbered "x")."""

from __future__ import annotations

import zipfile
from pathlib import Path

BROKEN_ROW = b'<sheetData><row r="x"><c r="??"><v>1</v></c></row>'


def with_broken_sheet(src: Path, dst: Path, member: str) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:
                data = data.replace(b"<sheetData>", BROKEN_ROW, 1)
            out.writestr(info, data)
    return dst
