"""perf_xl.importers.handmade: an unrelated spreadsheet is refused from the cells the master
workbook reader already read (no openpyxl), with the very message openpyxl's read gives; a
workbook that holds a table is still read through openpyxl (number formats)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from perf_xl.errors import PerfXLError
from perf_xl.importers import handmade
from perf_xl.sources import load

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _unrelated(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "台账"
    book.active.append(["无关", "表格", "项目"])
    book.active.append([1, 0.25, dt.date(2024, 3, 1)])
    book.active["B2"].number_format = "0%"
    book.create_sheet("空白")
    book.create_sheet("备注").append(["只是备注"])
    book.save(path)
    return path


def _message(path: Path) -> str:
    with pytest.raises(PerfXLError) as err:
        load(path)
    return err.value.describe()


def test_unrelated_workbook_refused_without_openpyxl(tmp_path, monkeypatch):
    path = _unrelated(tmp_path / "无关.xlsx")
    before = _message(path)  # (the screen may run here too: compare with openpyxl's own read)
    with pytest.raises(PerfXLError) as direct:
        handmade.read_handmade(path)  # no cells given: openpyxl reads the file
    assert "没有找到任何项目绩效目标表" in direct.value.message
    assert "台账、备注" in direct.value.message  # the sheets looked at, the empty one not

    def no_openpyxl(_src):
        raise AssertionError("openpyxl read an unrelated file")

    monkeypatch.setattr(handmade, "_sheets", no_openpyxl)
    assert _message(path) == before
    assert before.endswith(direct.value.message)
    assert "不是 perf_xl 主工作簿，也不是手工填写的绩效目标表" in before


def test_workbook_with_a_table_is_read_by_openpyxl(monkeypatch):
    calls = []
    real = handmade._sheets

    def spy(src):
        calls.append(src)
        return real(src)

    monkeypatch.setattr(handmade, "_sheets", spy)
    dept = load(CORPUS / "handmade-workbook.xlsx").department
    assert calls, "a hand-made table must be read through openpyxl (its % formats)"
    assert dept.projects[0].indicators[1].value == "100%"  # a 1 formatted as %: openpyxl's view


def test_calamine_cells_as_openpyxl_cells():
    sheet = handmade.calamine_sheet("表", [["", "项目", 2.0], [dt.datetime(2024, 3, 1, 8, 0), None, True]])
    assert sheet.rows == [[None, "项目", 2.0], ["2024-03-01", None, True]]


def test_a_screen_that_trips_leaves_the_decision_to_openpyxl(tmp_path, monkeypatch):
    path = _unrelated(tmp_path / "无关.xlsx")
    expected = _message(path)
    real, calls = handmade.read_sheets, []

    def trips_once(sheets, **kwargs):
        calls.append(sheets)
        if len(calls) == 1:  # the screen over calamine's cells
            raise TypeError("unexpected cell")
        return real(sheets, **kwargs)

    monkeypatch.setattr(handmade, "read_sheets", trips_once)
    assert _message(path) == expected  # no traceback: openpyxl's read gives the message
    assert len(calls) == 2
