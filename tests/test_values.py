"""The indicator-value grammar, table-driven: every distinct value of the real 2024 document
plus nasty spellings seen in other units' tables."""

import re
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf_xl.resources import example_path
from perf_xl.values import OPERATORS, ParsedValue, format_value, normalise_unit, parse_value

# (text, operator, implicit, number, unit, unit_as_written)
QUANTITIES = [
    # -- distinct values of the real document -------------------------------------------
    ("≥90%", "≥", False, "90", "%", "%"),
    ("≥95%", "≥", False, "95", "%", "%"),
    ("100%", "＝", True, "100", "%", "%"),
    ("≥100%", "≥", False, "100", "%", "%"),
    ("≤95%", "≤", False, "95", "%", "%"),
    ("≥90 百分比", "≥", False, "90", "%", "百分比"),
    ("≥1 套", "≥", False, "1", "套", "套"),
    ("≥1套", "≥", False, "1", "套", "套"),
    ("≥1个", "≥", False, "1", "个", "个"),
    ("≥1 个", "≥", False, "1", "个", "个"),
    ("≥1 件", "≥", False, "1", "件", "件"),
    ("≥1 辆", "≥", False, "1", "辆", "辆"),
    ("≥20 辆", "≥", False, "20", "辆", "辆"),
    ("≥100人", "≥", False, "100", "人", "人"),
    ("≥100 人", "≥", False, "100", "人", "人"),
    ("≥280人", "≥", False, "280", "人", "人"),
    ("≥280 人", "≥", False, "280", "人", "人"),
    ("≥116 人", "≥", False, "116", "人", "人"),
    ("≥65人", "≥", False, "65", "人", "人"),
    ("74 人", "＝", True, "74", "人", "人"),
    ("74人", "＝", True, "74", "人", "人"),
    ("≥7 种", "≥", False, "7", "种", "种"),
    ("≥7种", "≥", False, "7", "种", "种"),
    ("≥2次", "≥", False, "2", "次", "次"),
    ("≤40 天", "≤", False, "40", "天", "天"),
    ("12 个月", "＝", True, "12", "个月", "个月"),
    ("20 台", "＝", True, "20", "台", "台"),
    ("1批", "＝", True, "1", "批", "批"),
    ("≤100 万元", "≤", False, "100", "万元", "万元"),
    ("≤1598.9万元", "≤", False, "1598.9", "万元", "万元"),
    ("≤1.5万元", "≤", False, "1.5", "万元", "万元"),
    ("≤22.8万元", "≤", False, "22.8", "万元", "万元"),
    ("≤460万元", "≤", False, "460", "万元", "万元"),
    ("≤134 万元", "≤", False, "134", "万元", "万元"),
    ("65 万元", "＝", True, "65", "万元", "万元"),
    ("≤65 万元", "≤", False, "65", "万元", "万元"),
    ("≤576 万元", "≤", False, "576", "万元", "万元"),
    # -- full width, ASCII operators, words, stray spaces --------------------------------
    ("≥９０％", "≥", False, "90", "%", "％"),
    ("＞８５％", "＞", False, "85", "%", "％"),
    ("＝１００％", "＝", False, "100", "%", "％"),
    ("＜３次", "＜", False, "3", "次", "次"),
    (">=95%", "≥", False, "95", "%", "%"),
    ("<= 30 天", "≤", False, "30", "天", "天"),
    ("≧90%", "≥", False, "90", "%", "%"),
    ("≦5天", "≤", False, "5", "天", "天"),
    ("  ≥ 90 % ", "≥", False, "90", "%", "%"),
    ("\u3000≥90\u3000%\u3000", "≥", False, "90", "%", "%"),
    ("≥\t20\t台", "≥", False, "20", "台", "台"),
    ("不低于90%", "≥", False, "90", "%", "%"),
    ("不少于 100 人", "≥", False, "100", "人", "人"),
    ("不超过500万元", "≤", False, "500", "万元", "万元"),
    ("不高于 5%", "≤", False, "5", "%", "%"),
    ("大于80%", "＞", False, "80", "%", "%"),
    ("小于 3 次", "＜", False, "3", "次", "次"),
    ("大于等于 95%", "≥", False, "95", "%", "%"),
    ("90%以上", "≥", False, "90", "%", "%"),
    ("≥90%以上", "≥", False, "90", "%", "%"),
    ("10 万元以下", "≤", False, "10", "万元", "万元"),
    ("48小时内", "≤", False, "48", "小时", "小时"),
    ("控制在100万元以内", "≤", False, "100", "万元", "万元"),
    ("3 个月内", "≤", False, "3", "个月", "个月"),
    ("5 个工作日", "＝", True, "5", "个工作日", "个工作日"),
    ("1,000 人", "＝", True, "1000", "人", "人"),
    ("１，２００人次", "＝", True, "1200", "人次", "人次"),
    ("≥90%（含）", "≥", False, "90", "%", "%"),
    ("3000 元", "＝", True, "3000", "元", "元"),
    ("≤2.5 亿元", "≤", False, "2.5", "亿元", "亿元"),
    ("800 元/人", "＝", True, "800", "元/人", "元/人"),
    ("≥2 次/年", "≥", False, "2", "次/年", "次/年"),
    ("120 m²", "＝", True, "120", "平方米", "m²"),
    ("120㎡", "＝", True, "120", "平方米", "㎡"),
    ("-5%", "＝", True, "-5", "%", "%"),
    ("0", "＝", True, "0", "", ""),
    ("≥90", "≥", False, "90", "", ""),
]


@pytest.mark.parametrize(("text", "op", "implicit", "number", "unit", "written"), QUANTITIES)
def test_quantities(text, op, implicit, number, unit, written):
    v = parse_value(text)
    assert v.kind == "quantity", v.problem
    assert v.problem is None
    assert v.operator == op
    assert v.operator in OPERATORS
    assert v.implicit_operator is implicit
    assert v.number == D(number)
    assert v.unit == unit
    assert v.unit_as_written == written
    assert v.text == text.strip()


# (text, qualitative, operator)
QUALITATIVE = [
    ("持续影响", "持续影响", None),
    ("有效提升", "有效提升", None),
    ("进一步提高", "进一步提高", None),
    ("逐步改善", "逐步改善", None),
    ("为民服务", "为民服务", None),  # 为 is not swallowed as an operator word
    ("达标", "达标", None),
    ("高于上年水平", "高于上年水平", "＞"),
    ("≥良好", "良好", "≥"),
    ("是", "是", None),
]


@pytest.mark.parametrize(("text", "qualitative", "op"), QUALITATIVE)
def test_qualitative(text, qualitative, op):
    v = parse_value(text)
    assert v.kind == "qualitative"
    assert v.qualitative == qualitative
    assert v.operator == op
    assert v.number is None and v.problem is None
    assert not v.is_quantity


@pytest.mark.parametrize("text", ["2024年12月底前", "2024 年 6 月 30 日前", "12月底前完成", "2024年底前"])
def test_deadlines_are_qualitative_targets(text):
    v = parse_value(text)
    assert v.kind == "qualitative" and v.problem is None


# (text, a fragment the Chinese problem must contain)
INVALID = [
    ("1 进一步提高", "后跟文字「进一步提高」"),
    ("100 进一步提高", "后跟文字「进一步提高」"),
    ("90 提高", "后跟文字「提高」"),
    ("95%完成率", "后跟文字「完成率」"),
    ("90%-95%", "两个数值"),
    ("90-95%", "两个数值"),
    ("1～2次", "两个数值"),
    ("≥90%，≤95%", "两个数值"),
    ("9 0%", "两个数值"),
    ("＞", "只有运算符"),
    ("≥", "只有运算符"),
    (">=", "只有运算符"),
    ("不低于", "只有运算符"),
    ("XX", "占位符"),
    ("xx%", "占位符"),
    ("≥XX%", "占位符"),
    ("≤XX 万元", "占位符"),
    ("X台", "占位符"),
    ("*", "占位符"),
    ("＊", "占位符"),
    ("***", "占位符"),
    ("_", "占位符"),
    ("≥_%", "占位符"),
    ("——", "占位符"),
    ("—", "占位符"),
    ("/", "占位符"),
    ("待定", "占位符"),
    ("≥进一步提高", "后应为数值"),
    ("≥≥90%", "运算符重复"),
]


@pytest.mark.parametrize(("text", "fragment"), INVALID)
def test_invalid(text, fragment):
    v = parse_value(text)
    assert v.kind == "invalid"
    assert v.problem and fragment in v.problem
    assert not v.is_quantity


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000", "\t\n"])
def test_empty(text):
    v = parse_value(text)
    assert v.kind == "empty"
    assert v.problem == "指标值为空"


def test_every_value_of_the_real_document_reads_as_its_author_meant():
    text = example_path().read_text(encoding="utf-8")
    values = []
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) >= 6 and cells[1].endswith("指标") and "指标值" not in line:
            values.append(cells[4])
    # 26 tables of 6 rows, tables 3 and 6 of 8, table 5 and tables 17–26 of 7.
    assert len(values) == 26 * 6 + 2 * 8 + 11 * 7
    invalid = [v for v in values if parse_value(v).kind == "invalid"]
    # The only unreadable values are the three "number + 进一步提高" of tables 12, 13, 27.
    assert sorted(invalid) == ["1 进一步提高", "1 进一步提高", "100 进一步提高"]
    kinds = {parse_value(v).kind for v in values if v not in invalid}
    assert kinds == {"quantity"}
    respelled = [v for v in values if parse_value(v).unit_respelled]
    assert respelled == ["≥90 百分比"] * 4  # table 7


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("≤100 万元", "100"),
        ("≤1598.9万元", "1598.9"),
        ("65 万元", "65"),
        ("3000 元", "0.3"),
        ("≤500 千元", "50"),
        ("≤2.5 亿元", "25000"),
        ("≤１２万元", "12"),
    ],
)
def test_amount_in_wan(text, amount):
    assert parse_value(text).amount_wan() == D(amount)
    assert parse_value(text).is_money


@pytest.mark.parametrize("text", ["≥90%", "20 台", "800 元/人", "持续影响", "XX", ""])
def test_not_money(text):
    assert parse_value(text).amount_wan() is None


@pytest.mark.parametrize(
    ("unit", "normal"),
    [("百分比", "%"), ("％", "%"), ("%", "%"), (" 万元 ", "万元"), ("元", "元"), ("天", "天"),
     ("台", "台"), ("个月", "个月"), ("个 月", "个月"), ("㎡", "平方米"), ("m2", "平方米"),
     ("人次", "人次"), ("", "")],
)
def test_normalise_unit(unit, normal):
    assert normalise_unit(unit) == normal


def test_unit_normalised_and_respelled():
    assert parse_value("≥90 百分比").unit_normalised and parse_value("≥90 百分比").unit_respelled
    # Full width is a typing matter, not a spelling one: normalised but not "respelled".
    assert parse_value("≥90％").unit_normalised and not parse_value("≥90％").unit_respelled
    assert not parse_value("≥90%").unit_normalised


@pytest.mark.parametrize(
    ("op", "number", "unit", "text"),
    [("≥", D("90"), "%", "≥90%"), (None, D("100"), "%", "100%"), ("≤", D("1598.90"), "万元", "≤1598.9万元"),
     ("＝", D("100"), "%", "＝100%"), (">=", D("2"), "次", "≥2次"), ("≤", D("20"), "百分比", "≤20%"),
     ("不低于", D("1E+2"), "人", "≥100人")],
)
def test_format_value(op, number, unit, text):
    assert format_value(op, number, unit) == text


def test_canonical_spelling():
    assert parse_value("≥90 百分比").canonical() == "≥90%"
    assert parse_value("20 台").canonical() == "20台"
    assert parse_value("持续影响").canonical() == "持续影响"


def test_rate_flag():
    assert parse_value("≥90 百分比").is_rate
    assert not parse_value("≥90 人").is_rate


_OPS = st.sampled_from(["", "≥", "≤", "＞", "＜", "＝", ">=", "<=", "不低于", "不超过"])
_UNITS = st.sampled_from(["%", "％", "百分比", "万元", "元", "天", "台", "个", "人", "次", "套", "辆", "件", "批", "个月", "种"])


@given(op=_OPS, number=st.decimals(min_value=0, max_value=10**6, places=2), unit=_UNITS,
       spaces=st.sampled_from(["", " ", "  ", "\u3000"]))
def test_round_trip_through_format(op, number, unit, spaces):
    text = f"{op}{spaces}{number}{spaces}{unit}"
    v = parse_value(text)
    assert v.kind == "quantity", (text, v.problem)
    assert v.number == number
    assert v.unit == normalise_unit(unit)
    again = parse_value(v.canonical())
    assert (again.operator, again.number, again.unit) == (v.operator, v.number, v.unit)


@given(st.text(max_size=30))
def test_never_raises(text):
    v = parse_value(text)
    assert isinstance(v, ParsedValue)
    assert v.kind in {"quantity", "qualitative", "empty", "invalid"}
    assert (v.problem is not None) == (v.kind in {"empty", "invalid"})
    if v.kind == "quantity":
        assert v.number is not None and v.operator in OPERATORS
        assert not re.search(r"\s", v.unit)
