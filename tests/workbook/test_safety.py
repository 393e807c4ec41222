"""perf_xl.workbook.safety: a part's head is inflated only as far as it tells anything (the
root element, a sheet's dimension), and what lies further in still counts where it can."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from perf_xl.errors import WorkbookError
from perf_xl.workbook import safety

TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         b'<Override PartName="/xl/workbook.xml" ContentType="' + safety.PLAIN_CONTENT_TYPE.encode() + b'"/></Types>')
BOOK = b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'


def _package(path: Path, sheet: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", TYPES)
        zf.writestr("xl/workbook.xml", BOOK)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def _sheet(before_dimension: bytes, rows: int) -> bytes:
    return (b'<?xml version="1.0"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + before_dimension + f'<dimension ref="A1:C{rows}"/><sheetData/></worksheet>'.encode())


def test_a_dimension_far_into_the_head_is_still_checked(tmp_path):
    padding = b'<sheetPr codeName="' + b"x" * 1500 + b'"/>'  # past the first 512 bytes inflated
    assert safety.check_workbook_file(_package(tmp_path / "ok.xlsx", _sheet(padding, 50)))
    with pytest.raises(WorkbookError, match="超过上限"):
        safety.check_workbook_file(_package(tmp_path / "big.xlsx", _sheet(padding, 5_000_000)))


def test_a_dtd_after_a_comment_is_still_found(tmp_path):
    comment = b"<!--" + b" " * 1000 + b"-->"
    sheet = (b'<?xml version="1.0"?>' + comment + b'<!DOCTYPE w [<!ENTITY a "aaaa">]>'
             + _sheet(b"", 5).split(b"\n", 1)[1])
    with pytest.raises(WorkbookError, match="DTD"):
        safety.check_workbook_file(_package(tmp_path / "dtd.xlsx", sheet))


def test_heads_are_the_members_first_bytes_and_stop_early(example_book):
    data = Path(example_book).read_bytes()
    with zipfile.ZipFile(example_book) as zf:
        parts = [i for i in zf.infolist() if i.filename.endswith((".xml", ".rels", ".vml"))]
        short = 0
        for info in parts:
            head = safety._head(zf, info, data, info.filename.startswith("xl/worksheets/"))
            member = zf.read(info)
            assert head and member.startswith(head), info.filename
            short += len(head) < min(len(member), safety._HEAD_BYTES)
    assert short > len(parts) // 2  # most heads end at their root element (or dimension)
