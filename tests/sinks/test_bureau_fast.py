"""The bureau file's data rows are written as XML by perf_xl.sinks.bureau._DataRows, not
through XlsxWriter's write calls (the cost of a 100-unit consolidation): the file must be
byte for byte the one XlsxWriter's own calls make for the same rows."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal as D

import pytest
from support.example import example_department

from perf_xl.operations import findings_of
from perf_xl.sinks import bureau
from perf_xl.workbook.read import ReadResult

TODAY = dt.date(2024, 3, 1)


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:  # (docProps/core.xml holds the time of writing)
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def through_xlsxwriter(monkeypatch) -> None:
    """Every data row through XlsxWriter's write calls and its own sheet writer (the reference)."""
    def add_row(self, row, variant=""):
        r = self.first + self.count
        self.count += 1
        self._add_row_api(r, row, variant)

    monkeypatch.setattr(bureau._Table, "add_row", add_row)
    monkeypatch.setattr(bureau._DataRows, "of", classmethod(lambda cls, ws: None))


def odd_rows() -> list[dict]:
    """Cells of every kind the fast path renders or hands back to XlsxWriter."""
    return [
        {"单位": "甲单位", "序号": 1, "资金来源": "一般公共预算", "项目编码": "=1+2", "项目名称": "短名",
         "预算数": D("12.34"), "3月底": D("25"), "6月底": 50, "9月底": 75.5, "12月底": D("100"),
         "成本指标": True, "校验状态": "错误", "审核意见": "第一行\n第二行\n" + "很长的意见" * 20},
        {"单位": "乙单位", "序号": 2, "资金来源": "", "项目编码": None, "项目名称": "<r>x & y</r>",
         "预算数": 0, "校验状态": "通过", "审核意见": "@SUM(A1)"},
        {"单位": "丙", "序号": 3, "项目名称": "长" * 20000, "预算数": D("-1.5"), "成本指标": False,
         "校验状态": "警告", "审核意见": "+1 & <b>"},
        {"单位": "丁", "序号": 4, "项目名称": "\t=1+1", "预算数": D("1E+3"), "校验状态": "提示",
         "审核意见": "   leading blanks "},
    ]


def write_both(tmp_path, monkeypatch, write) -> tuple[dict, dict]:
    fast = write(tmp_path / "fast.xlsx")
    with monkeypatch.context() as m:
        through_xlsxwriter(m)
        slow = write(tmp_path / "slow.xlsx")
    return members(fast), members(slow)


def test_export_of_the_example_is_xlsxwriters_file(tmp_path, monkeypatch):
    dept = example_department()
    findings = [f.to_dict() for f in findings_of(ReadResult(dept))]
    assert findings  # (the example has findings: the 校验问题 sheet is not empty)
    fast, slow = write_both(tmp_path, monkeypatch,
                            lambda p: bureau.write_bureau_file(dept, findings, p, today=TODAY))
    assert fast.keys() == slow.keys()
    for name in fast:
        assert fast[name] == slow[name], name


@pytest.mark.parametrize("multi", [False, True])
def test_odd_cells_are_xlsxwriters(tmp_path, monkeypatch, multi):
    dept = example_department()

    def write(path):
        book = bureau.BureauBook(path, multi=multi, with_files=True, with_source=True, today=TODAY)
        book.add_projects(odd_rows())
        book.add_department(dept, [{"code": "PT101", "severity": "error", "message": "=HYPERLINK(\"x\")",
                                    "project_code": dept.projects[0].code, "sheet": dept.projects[0].sheet,
                                    "cell": "C4", "line": 3}], "单位1.xlsm")
        from perf_xl.summary import summarize

        book.finish([dept], summarize([dept], []), files=[{"文件": "单位1.xlsm", "状态": bureau.FILE_READ}])
        return path

    fast, slow = write_both(tmp_path, monkeypatch, write)
    assert fast.keys() == slow.keys()
    for name in fast:
        assert fast[name] == slow[name], name
    sheet = fast["xl/worksheets/sheet2.xml" if not multi else "xl/worksheets/sheet4.xml"].decode()
    assert 'ht="' in sheet  # the wrapped 审核意见 got its height
