"""The grammar of an indicator value (指标值): "≥90%", "≤100 万元", "20 台", "持续影响" …

API (stable):
    parse_value(text) -> ParsedValue
    normalise_unit(unit) -> str
    format_value(operator, number, unit) -> str

A value is either a quantity (operator + number + unit, the operator defaulting to "＝"),
a qualitative target ("持续影响", "有效提升", a deadline such as "2024年12月底前"), empty,
or invalid (placeholder, a number glued to words, two numbers, a lone operator); an invalid
value carries ``problem`` (Chinese) for rule PT401.

Input is read in its NFKC form, so full-width digits, "％", "＞", "＝" and ideographic spaces
are accepted; operators may also be written ">=", "<=", "≧", "≦" or as words (不低于, 不超过,
大于 …, or a trailing 以上 / 以下 / 以内).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from .numbers import MONEY_FACTORS

# Canonical operators, as the official tables write them. No operator means "＝".
OPERATORS: tuple[str, ...] = ("≥", "＞", "＝", "＜", "≤")
GE, GT, EQ, LT, LE = OPERATORS

# Symbolic spellings (after NFKC, which turns ＞＜＝ into ><=) -> canonical operator.
# Longest first so ">=" wins over ">".
_SYMBOLS: tuple[tuple[str, str], ...] = (
    (">=", GE), ("=>", GE), ("≥=", GE), ("<=", LE), ("=<", LE), ("≤=", LE), ("==", EQ),
    ("≥", GE), ("≧", GE), ("⩾", GE), ("≤", LE), ("≦", LE), ("⩽", LE),
    (">", GT), ("<", LT), ("=", EQ),
)
# Leading words -> operator (None: a neutral word such as 为 / 达到, i.e. no operator).
_WORDS: tuple[tuple[str, str | None], ...] = tuple(
    sorted(
        {
            "不低于": GE, "不少于": GE, "不小于": GE, "大于等于": GE, "大于或等于": GE,
            "高于或等于": GE, "不得低于": GE, "不得少于": GE, "至少": GE, "最少": GE,
            "不超过": LE, "不高于": LE, "不大于": LE, "不多于": LE, "小于等于": LE,
            "小于或等于": LE, "低于或等于": LE, "不得超过": LE, "不得高于": LE, "至多": LE,
            "最多": LE, "控制在": None,
            "大于": GT, "高于": GT, "多于": GT, "超过": GT,
            "小于": LT, "低于": LT, "少于": LT,
            "等于": EQ, "为": None, "达到": None, "达": None, "约": None, "完成": None,
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)
# Trailing words after number + unit -> operator they imply (None: no operator meaning).
_SUFFIXES: tuple[tuple[str, str | None], ...] = (
    ("及以上", GE), ("以上", GE), ("及以下", LE), ("以下", LE), ("以内", LE), ("之内", LE),
    ("内", LE), ("左右", None), ("完成", None),
)

# Unit spellings -> the standard unit. Anything not listed is kept as written.
_UNIT_ALIASES: dict[str, str] = {
    "百分比": "%",
    "百分之": "%",
    "％": "%",
    "﹪": "%",
    "m2": "平方米",
    "m²": "平方米",
    "㎡": "平方米",
    "平米": "平方米",
    "m3": "立方米",
    "m³": "立方米",
    "立方": "立方米",
    "km": "公里",
    "千米": "公里",
    "个月份": "个月",
    "人/次": "人次",
    # Spellings real tables use that are not mistakes but are normalised (PT405 notes them).
    "万": "万元",
    "M": "米",
    "m": "米",
}
# Multi-character units recognised as a whole (longest match first), besides "%" and any
# unit made of the measure-word characters below.
_KNOWN_UNITS: tuple[str, ...] = tuple(
    sorted(
        {
            "百分比", "百分之", "个百分点", "个工作日", "个小时", "个季度", "百分点",
            "万元", "千元", "亿元", "元", "万人次",
            "人次", "户次", "件次", "车次", "架次", "场次", "个月", "工作日", "小时", "分钟",
            "平方米", "平米", "立方米", "公里", "千米", "公顷", "千克", "公斤", "万人",
            "万册", "万份", "万件", "万户", "万亩", "亩", "km", "kg", "m²", "m³", "m2", "m3",
            "㎡", "GB", "TB", "MB", "Mbps", "kWh", "kW", "‰",
        },
        key=len,
        reverse=True,
    )
)
# Characters that make up a Chinese unit (measure words, time, money, length …). A trailing
# text made only of these (at most 3 characters) is a unit, e.g. 台, 辆, 套, 人, 次, 种.
_MEASURE_CHARS = frozenset(
    "个人次台套辆件批种项家所座处场期篇份本册张块条部架艘名位户村亩吨升元万亿千百天日时分秒"
    "年月周季页盏株棵只头匹群支把根袋箱瓶斤克间栋层床网点站段节课堂班届轮起宗笔卷幅组对双副"
    "面门类例样集首队员回遍趟号字笔所园校镇乡区县市省单轴盘册批道桩口眼井辆米公里"
)
# Words a qualitative target may carry an operator with ("≥良好").
_GRADES = ("优秀", "优良", "良好", "较好", "合格", "达标", "好", "中等")

_PLACEHOLDER = re.compile(r"[Xx×*_\-—―–…·.?？/／、 ]+|待定|待补充|暂无|未定|略")
_PLACEHOLDER_INSIDE = re.compile(r"[Xx]{2,}|\*|_|—{2,}|…{2,}|\?{2,}")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_DIGIT = re.compile(r"\d")
_DATE = re.compile(
    r"(?:\d{4}\s*年\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)?|\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)"
    r"(?:底|末|初|中旬|上旬|下旬|年底|年末)?\s*(?:前|之前|以前|内|完成|前完成)?"
)
# A period as a 时效 target: "2023.07-2024.01", "2023年7月至2024年1月", "2023/7/1～2023/12/31".
_DATE_POINT = r"\d{4}\s*(?:[./\-]\s*\d{1,2}(?:\s*[./\-]\s*\d{1,2})?|年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|年)"
_DATE_RANGE = re.compile(
    rf"{_DATE_POINT}\s*(?:-|—|–|~|～|至|到)\s*(?:{_DATE_POINT}|\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?)"
    r"\s*(?:底|末)?\s*(?:前|之前|以前|内|完成|前完成)?"
)
_COMPOUND_SEPARATORS = "/·•・"
_NOTE = re.compile(r"\s*[（(][^（）()]*[)）]\s*$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ParsedValue:
    text: str  # as written, stripped
    kind: str  # "quantity" | "qualitative" | "empty" | "invalid"
    operator: str | None = None  # canonical operator; "＝" when a number has none
    implicit_operator: bool = False  # True when the text gave no operator
    number: Decimal | None = None
    unit: str = ""  # normalised: "%", "万元", "元", "天", "台", "个月" …; "" when none
    unit_as_written: str = ""  # e.g. "百分比"
    qualitative: str = ""  # the text target when there is no number, e.g. "持续影响"
    problem: str | None = None  # why it cannot be read (Chinese), for PT401
    # Additions beyond the original stub:
    operator_as_written: str = ""  # NFKC form: ">=", ">" (for "＞"), "不低于", "以上"; "" if none
    prefix: str = ""  # words before the number that are not an operator ("较上年提高")
    note: str = ""  # a trailing bracketed remark, e.g. "(含)"
    deadline: bool = False  # a qualitative target that is a date ("2024年12月底前")
    two_targets: bool = False  # two numbers in one value: PT115 (建议拆分指标), not PT401

    @property
    def is_quantity(self) -> bool:
        return self.kind == "quantity"

    @property
    def unit_normalised(self) -> bool:
        return self.unit != self.unit_as_written

    @property
    def unit_respelled(self) -> bool:
        """The unit was spelled in a non-standard way ("百分比"), not merely in full width
        ("％"): what PT405 reports."""
        return self.unit != _nfkc(self.unit_as_written).strip()

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    @property
    def is_money(self) -> bool:
        return self.is_quantity and self.unit in MONEY_FACTORS

    def amount_wan(self) -> Decimal | None:
        """The value as money in 万元 (元, 千元, 亿元 converted), or None if not money."""
        if not self.is_money or self.number is None:
            return None
        return self.number * MONEY_FACTORS[self.unit]

    def canonical(self) -> str:
        """The value in the standard spelling ("≥90 百分比" -> "≥90%")."""
        if self.is_quantity and self.number is not None:
            return format_value(None if self.implicit_operator else self.operator,
                                self.number, self.unit)
        return self.text


def normalise_unit(unit: str) -> str:
    """The standard spelling of a unit: "百分比" / "％" -> "%", "㎡" -> "平方米"; other units
    are kept (NFKC, spaces removed): "万元", "个月", "台"."""
    compact = _SPACES.sub("", unit or "")
    if compact in _UNIT_ALIASES:
        return _UNIT_ALIASES[compact]
    compact = _nfkc(compact)
    return _UNIT_ALIASES.get(compact, compact)


def format_value(operator: str | None, number: Decimal, unit: str) -> str:
    """ "≥" + 90 + "%" -> "≥90%"; no operator -> "100%"; units follow the number directly."""
    op = _canonical_operator(operator) if operator else ""
    return f"{op}{_number_text(Decimal(number))}{normalise_unit(unit)}"


def parse_value(text: str | None) -> ParsedValue:
    """Read one 指标值 (see the module doc). Never raises."""
    return _parse(text or "")


# -- implementation ------------------------------------------------------------------------
def _nfkc(text: str) -> str:
    # NFKC would turn "m²" into "m2" — harmless, the alias table maps both.
    return unicodedata.normalize("NFKC", text)


def _canonical_operator(op: str) -> str:
    op = _nfkc(op).strip()
    for spelled, canonical in _SYMBOLS:
        if op == spelled:
            return canonical
    for word, canonical in _WORDS:
        if op == word and canonical:
            return canonical
    raise ValueError(f"not an operator: {op!r}")


def _number_text(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@lru_cache(maxsize=8192)
def _parse(text: str) -> ParsedValue:
    raw = text.strip().strip("\u3000")
    if not raw:
        return ParsedValue(text="", kind="empty", problem="指标值为空")
    s = _SPACES.sub(" ", _nfkc(raw)).strip()
    note = ""
    m = _NOTE.search(s)
    if m and m.start() > 0:
        note, s = m.group(0).strip(), s[: m.start()].strip()
    lead = _leading_operator(s)
    return _not_a_quantity(raw, lead, note) or _quantity(raw, lead, note)


class _Lead(NamedTuple):
    """The value split at its leading operator ("≥", "不低于", "≥ 不低于" is silly but fine)."""

    operator: str | None  # the canonical operator, None when none or a neutral word
    written: str  # the operator as written
    symbolic: bool  # it began with a symbol
    after_symbol: str  # what follows the symbol: a qualitative target keeps its words ("高于上年水平")
    rest: str  # what follows symbol and word


def _leading_operator(s: str) -> _Lead:
    operator: str | None = None
    op_written = ""
    symbolic = False
    for spelled, canonical in _SYMBOLS:
        if s.startswith(spelled):
            operator, op_written, s = canonical, spelled, s[len(spelled):].lstrip()
            symbolic = True
            break
    after_symbol = s
    for word, canonical in _WORDS:
        if s.startswith(word):
            if operator is None and canonical is not None:
                operator, op_written = canonical, word
            s = s[len(word):].lstrip()
            break
    return _Lead(operator, op_written, symbolic, after_symbol, s)


def _not_a_quantity(raw: str, lead: _Lead, note: str) -> ParsedValue | None:
    """The value when it is not a number with a unit: a qualitative target, a date, or
    invalid (a doubled or lone operator, a placeholder); None for a quantity."""
    operator, op_written, s = lead.operator, lead.written, lead.rest
    if s[:1] and any(s.startswith(sp) for sp, _ in _SYMBOLS):
        return _invalid(raw, f"运算符重复：「{raw}」", operator, op_written, note)
    if not s:
        if operator or op_written:
            return _invalid(raw, f"只有运算符「{raw}」，缺少数值和单位", operator, op_written, note)
        return _invalid(raw, "指标值为空", None, "", note)
    if _is_placeholder(lead.after_symbol):
        return _invalid(raw, f"指标值「{raw}」是占位符，未填写实际目标值",
                        operator, op_written, note)
    if _DATE.fullmatch(s) or _DATE_RANGE.fullmatch(s):
        return ParsedValue(text=raw, kind="qualitative", qualitative=raw, note=note,
                           deadline=True)
    if _NUMBER.search(s) is not None:
        return None
    if lead.symbolic and not any(lead.after_symbol.startswith(g) for g in _GRADES):
        return _invalid(raw, f"运算符「{op_written}」后应为数值，却是文字「{lead.after_symbol}」",
                        operator, op_written, note)
    return ParsedValue(text=raw, kind="qualitative", operator=operator,
                       operator_as_written=op_written, qualitative=lead.after_symbol, note=note)


def _quantity(raw: str, lead: _Lead, note: str) -> ParsedValue:
    """A number with its unit; an operator may also follow them ("90%以上")."""
    operator, op_written, s = lead.operator, lead.written, lead.rest
    first = _NUMBER.search(s)
    assert first is not None  # _not_a_quantity answered otherwise
    prefix = s[: first.start()].strip()
    if prefix and (_DIGIT.search(prefix) or not _is_words(prefix)):
        return _invalid(raw, f"无法识别「{raw}」：数值前有「{prefix}」", operator, op_written, note)
    try:
        number = Decimal(first.group(0).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only matches numbers
        return _invalid(raw, f"数值「{first.group(0)}」无法识别", operator, op_written, note)
    rest = s[first.end():].strip()
    if _DIGIT.search(rest.replace("m2", "").replace("m3", "")):
        return ParsedValue(text=raw, kind="invalid", operator=operator,
                           problem=f"指标值「{raw}」写了两个数值，应只写一个目标值（如 ≥90%）",
                           operator_as_written=op_written, note=note, two_targets=True)
    unit_written, after = _split_unit(rest)
    if after:
        suffixes = dict(_SUFFIXES)
        if after not in suffixes:
            return _invalid(
                raw,
                f"数值「{_number_text(number)}」后跟文字「{after}」，无法判断目标："
                "应写成数值（如 ≥90%）或定性目标（如 进一步提高）之一",
                operator, op_written, note,
            )
        if operator is None and suffixes[after] is not None:
            operator, op_written = suffixes[after], after
    return ParsedValue(
        text=raw,
        kind="quantity",
        operator=operator or EQ,
        implicit_operator=operator is None,
        number=number,
        unit=normalise_unit(unit_written),
        # unit_as_written keeps the source spelling (full width included) for PT405.
        unit_as_written=_unit_as_in_source(raw, unit_written),
        operator_as_written=op_written,
        prefix=prefix,
        note=note,
    )


def _split_unit(rest: str) -> tuple[str, str]:
    """ "万元以上" -> ("万元", "以上"); "进一步提高" -> ("", "进一步提高")."""
    rest = rest.strip()
    if not rest:
        return "", ""
    unit = ""
    if rest[0] in "%‰":
        unit = rest[0]
    else:
        for known in _KNOWN_UNITS:
            if rest.startswith(known):
                unit = known
                break
        else:
            m = re.match(r"[A-Za-z]{1,5}", rest)
            if m:
                unit = m.group(0)
            else:
                n = 0
                while n < len(rest) and n < 3 and rest[n] in _MEASURE_CHARS:
                    n += 1
                unit = rest[:n]
    after = rest[len(unit):].strip()
    # Compound units: "元/人", "次/年", "万元/台", "元/人·月", "元/人/月".
    while after[:1] in _COMPOUND_SEPARATORS and after and unit:
        sub_unit, tail = _split_unit(after[1:])
        if not sub_unit:
            break
        sep = "/" if after[0] == "/" else "·"
        unit, after = f"{unit}{sep}{sub_unit}", tail
    return unit, after.strip()


def _unit_as_in_source(raw: str, unit_nfkc: str) -> str:
    """The unit's spelling in the raw text (e.g. "％" for "%")."""
    if not unit_nfkc:
        return ""
    compact = _SPACES.sub("", raw)
    for i in range(len(compact)):
        for j in range(len(compact), i, -1):
            piece = compact[i:j]
            if _nfkc(piece) == unit_nfkc and not _DIGIT.search(piece):
                return piece
    return unit_nfkc


def _is_placeholder(s: str) -> bool:
    """ "XX", "*", "＊", "_", "——", "XX%", "X 台", "待定" …"""
    if _PLACEHOLDER.fullmatch(s):
        return True
    if _DIGIT.search(s):
        return False
    if _PLACEHOLDER_INSIDE.search(s):
        return True
    head = s.rstrip("%‰ ")
    for known in _KNOWN_UNITS:
        if head.endswith(known):
            head = head[: -len(known)].rstrip()
            break
    head = head.rstrip("".join(_MEASURE_CHARS)).rstrip()
    return bool(head) and re.fullmatch(r"[Xx×]+", head) is not None


def _is_words(text: str) -> bool:
    return all(ch.isalpha() or ch in " ，,、" for ch in text)


def _invalid(raw: str, problem: str, operator: str | None, op_written: str,
             note: str) -> ParsedValue:
    return ParsedValue(text=raw, kind="invalid", operator=operator, problem=problem,
                       operator_as_written=op_written, note=note)
