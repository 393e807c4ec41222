"""Property: however an 一体化 export is damaged (bytes of the SpreadsheetML, cells of a
re-saved workbook, a zip), the reader answers with a model or with PerfXLError — never
with another exception; a readable file gives a well-formed model."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perf_xl.errors import PerfXLError
from perf_xl.importers.sheets import Sheet, read_sheets
from perf_xl.importers.yitihua import read_yitihua_bytes, spreadsheetml_sheets
from perf_xl.model import Department

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
XML = (CORPUS / "yitihua-xinxibiao.xls").read_bytes()
ZIP = (CORPUS / "yitihua-export.zip").read_bytes()
ROWS = spreadsheetml_sheets((CORPUS / "yitihua-shenbao.xls").read_bytes(), "s.xls")[0].rows

_SNIPPETS = [b"<", b">", b'ss:MergeDown="3"', b'ss:Index="9"', b'ss:Index="-1"', b'ss:Index="x"',
             b"<Row>", b"</Row>", b"<Cell>", b"&#10;", b"\xff\xfe", b"\x00", b"NaN", b"\xe4\xb8",
             b'<!DOCTYPE x [<!ENTITY a "aaaa">]>', b"&a;", b"\t", b"\xef\xbc\x91"]


def _check(dept: Department) -> None:
    for p in dept.projects:
        assert len(p.plan) == 4
        assert all(v is None or (isinstance(v, Decimal) and v.is_finite())
                   for v in (p.budget, p.fiscal, p.other, *p.plan))
    assert Department.from_json(dept.to_json()).to_json() == dept.to_json()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(XML)), st.integers(0, 40),
                          st.sampled_from(_SNIPPETS) | st.binary(max_size=4)), max_size=4),
       st.sampled_from([XML, ZIP]))
def test_damaged_bytes_give_a_model_or_perfxl_error(edits, base):
    data = bytearray(base)
    for at, cut, snippet in edits:
        at = at % (len(data) + 1)
        data[at: at + cut] = snippet
    try:
        dept = read_yitihua_bytes(bytes(data), "damaged.xls")
    except PerfXLError as err:
        assert err.message and any("\u4e00" <= c <= "\u9fff" for c in err.message)
        return
    _check(dept)


_CELL = st.one_of(st.none(), st.sampled_from(["项目名称", "资金总额(元)：", "一级指标", "三级指标", "指标值",
                                               "说明", "≥90%", "5,000,000", "NaN", "定性", "备注：x",
                                               "产出指标", "实施期目标", "年度目标", "（2024年度）"]),
                  st.text(max_size=6), st.floats(allow_nan=True), st.integers())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 10), _CELL), max_size=8))
def test_damaged_cells_give_a_model_or_perfxl_error(edits):
    rows = [list(r) for r in ROWS]
    for r, c, value in edits:
        row = rows[r % len(rows)]
        row.extend([None] * (c + 1 - len(row)))
        row[c] = value
    try:
        dept = read_sheets([Sheet("Sheet1", rows)], source="s.xls", what="文件")
    except PerfXLError as err:
        assert "没有找到任何项目绩效目标表" in err.message
        return
    _check(dept)


def test_a_corrupt_entry_of_the_zip_is_a_perfxl_error():
    # found by the property above: bytes of a deflated entry overwritten (zlib.error)
    data = bytearray(ZIP)
    data[72:74] = b"<Row>"
    data[72:80] = b"<Row>"
    try:
        read_yitihua_bytes(bytes(data), "damaged.zip")
    except PerfXLError as err:
        assert "损坏" in err.message
    else:  # pragma: no cover - the damage must be noticed
        raise AssertionError("a corrupt entry was read")
