"""The one reader of numbers (perf_xl/numbers.py) and the value-grammar fixes of issue 13."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perf_xl.errors import PerfXLError
from perf_xl.numbers import NumberError, parse_amount, parse_number, parse_percent, tidy
from perf_xl.values import parse_value


@pytest.mark.parametrize(("text", "unit", "expected"), [
    ("100.00", "万元", "100.00"),            # as written: trailing zeros kept
    ("1,250,000", "元", "125"),              # not 125.000000
    ("1,250,000.00", "元", "125"),
    ("5,000,000元", "万元", "500"),          # a unit in the cell wins over the table's
    ("300万", "元", "300"),                  # 万 without 元
    ("22.8万元", "元", "22.8"),
    ("１２５．５０", "万元", "125.50"),       # full-width digits and point
    ("５，０００，０００", "元", "500"),      # full-width separators
    ("1.5亿元", "万元", "15000"),
    ("3000千元", "万元", "300"),
    (" 42.78 ", "万元", "42.78"),
    (42.78, "万元", "42.78"),                # a float from a workbook: its shortest text
    (1250000, "元", "125"),
])
def test_amounts(text, unit, expected):
    value = parse_amount(text, unit)
    assert str(value) == expected


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-inf", "1e5", "十万", "1,00", "12,34,567",
                                  "100元元", "", "  ", "—", "1.2.3", float("nan"), float("inf"), True])
def test_amounts_refused(text):
    with pytest.raises(NumberError) as err:
        parse_amount(text, "万元")
    assert isinstance(err.value, PerfXLError)
    assert any("\u4e00" <= c <= "\u9fff" for c in err.value.message)


@pytest.mark.parametrize(("text", "expected"), [("25%", "25"), ("25", "25"), ("２５％", "25"),
                                                ("83.33%", "83.33"), ("90 百分比", "90"), ("0", "0")])
def test_percentages(text, expected):
    assert str(parse_percent(text)) == expected


def test_percentages_refused():
    for text in ("二成", "NaN%", "25%%", "∞"):
        with pytest.raises(NumberError):
            parse_percent(text)


def test_tidy():
    assert str(tidy(D("125.000000"))) == "125"
    assert str(tidy(D("42.7800"))) == "42.78"
    assert str(tidy(D("1E+2"))) == "100"


# The value grammar: what real tables write (RULES.md, "Added after the first release").
@pytest.mark.parametrize(("text", "op", "number", "unit", "respelled"), [
    ("≤5500元/人·月", "≤", "5500", "元/人·月", False),
    ("≤5500元/人/月", "≤", "5500", "元/人/月", False),
    ("≤300万", "≤", "300", "万元", True),       # money; PT405 notes the spelling
    ("≥12次/年", "≥", "12", "次/年", False),
    ("≥500人次", "≥", "500", "人次", False),
    ("≥3M", "≥", "3", "米", True),              # M for 米: PT405
    ("≥ 90 %", "≥", "90", "%", False),
    ("≥９０％", "≥", "90", "%", False),
    ("≤5,000元/套", "≤", "5000", "元/套", False),
    ("＞８０％", "＞", "80", "%", False),
])
def test_real_units(text, op, number, unit, respelled):
    v = parse_value(text)
    assert v.kind == "quantity", v.problem
    assert (v.operator, v.number, v.unit, v.unit_respelled) == (op, D(number), unit, respelled)


def test_wan_alone_is_money():
    assert parse_value("≤300万").amount_wan() == D(300)


@pytest.mark.parametrize("text", ["2023.07-2024.01", "2023年7月至2024年1月", "2023/7/1～2023/12/31",
                                  "2024年12月底前"])
def test_date_ranges_are_timeliness_targets(text):
    v = parse_value(text)
    assert v.kind == "qualitative" and v.deadline and v.problem is None


def test_two_numbers_are_two_targets_not_unreadable():
    v = parse_value("≥90%、≥95%")
    assert v.two_targets and v.kind == "invalid"


_PIECES = st.sampled_from([*list("0123456789.,%％≥≤<>=＞＜＝ 元万千亿/·人次月年天个台MmNaIfy-—～至Xx*_（）()"), "百分比", "以上", "以内", "不低于", "元/人·月", "NaN", "Infinity", "\u3000", "１", "２", "2023.07", "年12月底前"])
_VALUE_TEXT = st.lists(_PIECES, max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(_VALUE_TEXT)
def test_value_grammar_never_raises(text):
    v = parse_value(text)
    assert v.kind in ("quantity", "qualitative", "empty", "invalid")
    if v.kind == "quantity":
        assert v.number is not None and v.number.is_finite()
    if v.kind == "invalid":
        assert v.problem


@settings(max_examples=400, deadline=None)
@given(st.one_of(_VALUE_TEXT, st.floats(allow_nan=True, allow_infinity=True), st.integers()),
       st.sampled_from(["万元", "元", "千元", "亿元", "万"]))
def test_numbers_raise_only_their_own_error(text, unit):
    for call in (lambda: parse_amount(text, unit), lambda: parse_percent(text),
                 lambda: parse_number(text)):
        try:
            value = call()
        except NumberError:
            continue
        assert value.is_finite()


def test_a_bad_amount_is_reported_the_same_way_from_every_source(tmp_path):
    """"十万" as 预算数 in a text, a Word table, a grid of cells (一体化 / hand-made Excel)
    and a master workbook: the same PT202 message."""
    import docx

    from perf_xl.importers.docx import read_docx
    from perf_xl.importers.sheets import Sheet, read_sheets
    from perf_xl.importers.text import parse_text
    from perf_xl.rules import validate
    from perf_xl.workbook.build import build_workbook
    from perf_xl.workbook.read import read_workbook

    rows = [["1.测试项目绩效目标表"],
            ["项目编码", "13070024P000482100018", "", "项目名称", "测试项目"],
            ["预算规模及资金用途", "预算数", "十万", "其中：财政资金", "10", "其他资金", ""],
            ["绩效目标", "完成测试。"],
            ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
            ["产出指标", "数量指标", "测试数量", "描述", "≥1个", "计划"]]
    text = "\n".join("\t".join(r) for r in rows)
    d = docx.Document()
    t = d.add_table(rows=0, cols=7)
    for r in rows[1:]:
        cells = t.add_row().cells
        for i, v in enumerate(r):
            cells[i].text = v
    d.save(str(tmp_path / "t.docx"))
    sources = {
        "text": parse_text(text),
        "grid": read_sheets([Sheet("s", rows)], source="s.xls", what="文件"),
        "docx": read_docx(tmp_path / "t.docx"),
    }
    build_workbook(sources["text"], tmp_path / "w.xlsm")
    sources["workbook"] = read_workbook(tmp_path / "w.xlsm").department
    messages = {k: [f.message for f in validate(v) if f.code == "PT202"] for k, v in sources.items()}
    assert set(map(tuple, messages.values())) == {("预算数「十万」不是数字：应填写金额（万元），如 100.00",)}
