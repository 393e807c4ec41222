"""The 申报表 header fields and 中期 values (issue 13) survive the workbook and Word:
model -> .xlsm -> model and model -> .docx -> model give the same content."""

from __future__ import annotations

from pathlib import Path

import pytest

from perf_xl.importers.docx import read_docx
from perf_xl.sinks.docx import write_docx
from perf_xl.sources import load
from perf_xl.workbook import layout as L
from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.read import read_workbook

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def dept():
    d = load(CORPUS / "shenbao-national.txt").department
    p = d.projects[0]
    assert p.authority and p.period and p.mid_goal and p.indicators[0].mid_value
    return d


def test_through_the_workbook(dept, tmp_path):
    out = tmp_path / "w.xlsm"
    build_workbook(dept, out)
    back = read_workbook(out).department
    assert back.content() == dept.content()
    import openpyxl

    ws = openpyxl.load_workbook(out)[back.projects[0].sheet]
    assert ws[L.FIELD_BY_KEY["authority"].cell].value == "[161]张家口市中级人民法院"
    assert ws[f"{L.MID_VALUE_COLUMN.col}{L.IND_FIRST_ROW}"].value == "≥180台"
    assert ws[L.DECLARATION_LABELS[4].cell].value == "中期（实施期）目标"


def test_through_word(dept, tmp_path):
    out = tmp_path / "w.docx"
    write_docx(dept, out)
    assert read_docx(out).content() == dept.content()


def test_old_json_without_the_fields_still_loads():
    from perf_xl.model import Department

    old = {"projects": [{"seq": 1, "code": "", "name": "x", "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "level3": "a", "value": "≥1个"}]}]}
    d = Department.from_dict(old)
    assert d.projects[0].mid_goal == "" and d.projects[0].indicators[0].mid_value == ""
