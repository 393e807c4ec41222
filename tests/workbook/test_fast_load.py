"""update.load_for_update's faster merged-cell binding gives exactly openpyxl's workbook:
the same cells, style ids and style tables, and the same bytes when saved."""

from __future__ import annotations

import shutil
import warnings
import zipfile

import openpyxl
import pytest
from support.cli import cli
from support.example import example_department
from support.rich import rich_department

from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.fast_load import fast_merges
from perf_xl.workbook.update import _writer_class


def _load(path, fast: bool):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if fast:
            with fast_merges():
                return openpyxl.load_workbook(path, keep_vba=True, keep_links=True, rich_text=True)
        return openpyxl.load_workbook(path, keep_vba=True, keep_links=True, rich_text=True)


def _parts(book, path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        _writer_class()(book, z).save()
    with zipfile.ZipFile(path) as z:  # docProps/core.xml holds the time of saving
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    root = tmp_path_factory.mktemp("fast")
    example, rich = root / "example.xlsm", root / "rich.xlsm"
    build_workbook(example_department(), example)
    build_workbook(rich_department(), rich)
    marked = root / "marked.xlsm"  # after validate --write: notes, fills, a rebuilt sheet
    shutil.copy(example, marked)
    assert cli("validate", marked, "--write").returncode == 1
    return [example, rich, marked]


def test_the_fast_load_is_openpyxls_load(books, tmp_path):
    for path in books:
        stock, fast = _load(path, False), _load(path, True)
        for table in ("_borders", "_protections", "_fonts", "_fills", "_alignments", "_cell_styles"):
            assert list(getattr(stock, table)) == list(getattr(fast, table)), (path.name, table)
        merged = 0
        for a, b in zip(stock.worksheets, fast.worksheets, strict=True):
            assert a._cells.keys() == b._cells.keys(), (path.name, a.title)
            for key, ca in a._cells.items():
                cb = b._cells[key]
                assert type(ca) is type(cb) and tuple(ca._style or ()) == tuple(cb._style or ()), (
                    path.name, a.title, key)
            assert [(str(r), r.start_cell.coordinate) for r in a.merged_cells.ranges] == [
                (str(r), r.start_cell.coordinate) for r in b.merged_cells.ranges]
            merged += len(a.merged_cells.ranges)
        assert merged > 100
        assert _parts(stock, tmp_path / "a.xlsm") == _parts(fast, tmp_path / "b.xlsm"), path.name


def test_openpyxl_is_left_as_it_was():
    from openpyxl.worksheet._reader import WorksheetReader

    before = WorksheetReader.bind_merged_cells
    with fast_merges():
        assert WorksheetReader.bind_merged_cells is not before
    assert WorksheetReader.bind_merged_cells is before
