"""The part-level writer on its own: cells anywhere, in order; Excel's own file (xlwings'
quickstart.xlsm) edited without touching what it does not own; damaged files refused
before anything is written."""

from __future__ import annotations

import contextlib
import io
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from support.lo import probe

from perf_xl.cli import main as perf_xl
from perf_xl.errors import PerfXLError
from perf_xl.spendplan import fill_plan
from perf_xl.workbook import layout as L
from perf_xl.workbook.file_adapter import FileAdapter
from perf_xl.workbook.patch import Formula, Link, Mark, Patch, SheetSpec

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def members(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def quickstart(tmp_path) -> Path:
    import xlwings

    path = tmp_path / "quickstart.xlsm"
    shutil.copy(Path(xlwings.__file__).with_name("quickstart.xlsm"), path)
    return path


def test_new_cells_go_where_the_schema_wants_them(sample_book, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(sample_book, path)
    sheet = "01 国家赔偿"
    patch = Patch()
    for ref, value in {"Z200": 1, "A200": "左", "M3": 2.5, "AA1": "右上", "B199": Decimal("0.1"),
                       "L2": Formula("=1+2", 3), "D201": Link("去汇总", L.SUMMARY_SHEET, "A1"),
                       "E202": True}.items():
        patch.set(sheet, ref, value)
    book = FileAdapter(path)
    book.apply(patch)
    assert book.grid(sheet).get("Z200") == 1 and book.grid(sheet).get("L2") == 3  # seen at once
    book.save()
    part = next(n for n in members(path) if n == "xl/worksheets/sheet3.xml")
    root = ET.fromstring(members(path)[part])
    rows = [int(r.get("r")) for r in root.iter(M + "row")]
    assert rows == sorted(rows) and len(rows) == len(set(rows))
    for row in root.iter(M + "row"):
        cols = [L.split_a1(c.get("r"))[1] for c in row.iter(M + "c")]
        assert cols == sorted(cols) and len(cols) == len(set(cols)), row.get("r")
    end_row, end_col = L.split_a1(root.find(M + "dimension").get("ref").split(":")[1])
    assert end_row == 202 and end_col >= 27  # reaches the new AA1 and row 202 (the sheet may be wider)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    at = {ref: rows[L.split_a1(ref)[0] - 1][L.split_a1(ref)[1] - 1] for _s, ref in patch.values}
    assert at == {"Z200": 1, "A200": "左", "M3": 2.5, "AA1": "右上", "B199": 0.1, "L2": 3,
                  "D201": "去汇总", "E202": True}
    ws = openpyxl.load_workbook(path)[sheet]
    assert ws["L2"].value == "=1+2" and ws["D201"].hyperlink.location == f"{L.quote_sheet(L.SUMMARY_SHEET)}A1"
    assert FileAdapter(path).grid(sheet).formula("L2") == "=1+2"


def test_a_formula_in_a_plan_cell_counts_as_written():
    from perf_xl.model import Project

    project = Project(seq=1, code="X", name="项目", plan=[None, None, None, None], sheet="01 x")
    kept = fill_plan(project, formulas={"B7": "=0.1+0.15"})
    assert [c.cell for c in kept.changes] == ["C7", "D7", "E7"]
    assert kept.conflicts[0].cell == "B7" and "是公式" in kept.conflicts[0].message
    replaced = fill_plan(project, overwrite=True, formulas={"B7": "=0.1+0.15"})
    assert [c.cell for c in replaced.changes] == ["B7", "C7", "D7", "E7"]


def test_excels_own_file_keeps_every_member_it_does_not_own(tmp_path):
    """quickstart.xlsm as Excel saved it: a value, a note, a new owned sheet; the VBA,
    theme, other sheet and properties stay byte for byte."""
    from oletools.olevba import VBA_Parser

    path = quickstart(tmp_path)
    before = members(path)
    spec = SheetSpec("汇总", widths={"A": 12})
    spec.put("A1", "标题", "title")
    spec.put("B2", Formula("=Sheet1!A1*2", 3.0), "money")
    book = FileAdapter(path)
    sheet = book.sheet_names[0]
    book.apply(Patch(values={(sheet, "A1"): 1.5, (sheet, "B3"): "文字"},
                     marks=[Mark(sheet, "C3", "error", "PT000 测试")], sheets=[spec]))
    book.save()
    after = members(path)
    assert [n for n in after if n in before] == list(before)
    changed = {n for n in before if before[n] != after[n]}
    assert changed <= {"xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/sharedStrings.xml",
                       "xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"}, changed
    for n in ("xl/vbaProject.bin", "xl/theme/theme1.xml", "xl/worksheets/sheet2.xml", "docProps/app.xml"):
        assert after[n] == before[n]
    ws = openpyxl.load_workbook(path, keep_vba=True)
    assert ws[sheet]["A1"].value == 1.5 and ws[sheet]["B3"].value == "文字"
    assert ws[sheet]["C3"].comment.text == "PT000 测试"
    assert ws["汇总"]["B2"].value == "=Sheet1!A1*2"
    vba = VBA_Parser(str(path))
    try:
        assert [name for _f, _s, name, _c in vba.extract_macros()]
    finally:
        vba.close()
    [result] = probe([{"path": str(path), "cells": {"汇总": ["B2"]}}])
    assert result["errors"] == {} and result["values"]["汇总"]["B2"] == 3.0


def test_shared_formulas_survive_when_their_master_is_overwritten(tmp_path):
    """A formula filled right in Excel is one shared formula; overwriting its first cell
    gives the others their own text."""
    import xlsxwriter

    path = tmp_path / "shared.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("表").write_row(0, 0, [1, 2, 3])
    book.close()
    xml = members(path)["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'<row r="2"><c r="A2"><f t="shared" ref="A2:C2" si="0">A1*2</f><v>2</v></c>'
        b'<c r="B2"><f t="shared" si="0"/><v>4</v></c><c r="C2"><f t="shared" si="0"/><v>6</v></c>'
        b"</row></sheetData>")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "s.xlsx", "w") as zout:
        for i in zin.infolist():
            zout.writestr(i, xml if i.filename == "xl/worksheets/sheet1.xml" else zin.read(i))
    book = FileAdapter(tmp_path / "s.xlsx")
    book.apply(Patch(values={("表", "A2"): 9}))
    book.save()
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["表"]
    assert (ws["A2"].value, ws["B2"].value, ws["C2"].value) == (9, "=B1*2", "=C1*2")


# -- damaged files -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def victim(tmp_path_factory):
    from support.samples import sample_department

    from perf_xl.workbook.build import build_workbook

    path = tmp_path_factory.mktemp("fuzz") / "book.xlsm"
    build_workbook(sample_department(), path)
    return path  # (a path, not its bytes: hypothesis prints its arguments)


def _run(args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = perf_xl(args)
    return code, out.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_files_are_refused_or_updated_never_half_written(victim, tmp_path_factory, data):
    """Random byte flips or a truncation: either one clear message, exit 2 and the file
    exactly as it was, or — when the damage hit bytes no reader depends on — an update
    that leaves a package every reader opens."""
    blob = bytearray(victim.read_bytes())
    if data.draw(st.booleans(), label="truncate"):
        blob = blob[: data.draw(st.integers(0, len(blob) - 1), label="length")]
    else:
        for _ in range(data.draw(st.integers(1, 4), label="flips")):
            at = data.draw(st.integers(0, len(blob) - 1), label="at")
            blob[at] ^= data.draw(st.integers(1, 255), label="mask")
    folder = tmp_path_factory.mktemp("case")
    path = folder / "book.xlsm"
    path.write_bytes(bytes(blob))
    for args in (["fill", str(path)], ["validate", str(path), "--write"]):
        before = path.read_bytes()
        code, output = _run(args)
        assert "Traceback" not in output, output
        if code == 2:
            assert path.read_bytes() == before, args
            assert output.startswith("错误：") and len(output.strip().splitlines()) == 1, output
        else:
            assert code in (0, 1), output
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None
            CalamineWorkbook.from_path(str(path))
    assert [p.name for p in folder.iterdir()] == ["book.xlsm"]  # no temporary file left


def test_a_corrupt_member_nobody_reads_is_still_refused(sample_book, tmp_path):
    """A flipped byte inside the compressed VBA project: the CRC check refuses the file
    before any part is copied."""
    data = bytearray(sample_book.read_bytes())
    with zipfile.ZipFile(sample_book) as z:
        info = z.getinfo("xl/vbaProject.bin")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x55
    path = tmp_path / "book.xlsm"
    path.write_bytes(bytes(data))
    with pytest.raises(PerfXLError, match="损坏"):
        FileAdapter(path)
    code, _output = _run(["fill", str(path)])
    assert code == 2 and path.read_bytes() == bytes(data)
