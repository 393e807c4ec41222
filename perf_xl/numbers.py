"""The one reader of numbers: amounts, percentages and plain numbers, wherever they come
from (text, Word, workbook, spend plan, the 一体化 system's exports).

API (stable):
    parse_amount(text, unit="万元") -> Decimal        (万元; raises NumberError)
    parse_percent(text) -> Decimal                     ("25%", "25", "２５％"; raises NumberError)
    parse_number(text) -> Decimal                      (a plain number; raises NumberError)
    amount_or_invalid(text, key, invalid, unit) -> Decimal | None
    percent_or_invalid(text, key, invalid) -> Decimal | None
    tidy(amount) -> Decimal                            (no trailing zeros: 125.000000 -> 125)
    MONEY_FACTORS                                      (unit -> factor to 万元)

Text is read in its NFKC form, so full-width digits, signs and separators are accepted;
spaces are ignored; thousands separators ("5,000,000", "５，０００") are accepted only in
groups of three. NaN, Infinity and exponents are refused: a cell never becomes a number
that no office would write. Every refusal is a :class:`NumberError` (a ``PerfXLError``)
with the same Chinese wording whatever the source was; importers keep the text in
``Project.invalid`` so the rules report it with its line or cell.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .errors import PerfXLError

# unit -> factor to 万元. "万" alone means 万元 in a money context (PT405 notes the spelling).
MONEY_FACTORS: dict[str, Decimal] = {
    "万元": Decimal(1),
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "百万元": Decimal(100),
    "亿元": Decimal(10000),
}
MONEY_UNIT_ALIASES: dict[str, str] = {"万": "万元", "亿": "亿元", "千": "千元", "百万": "百万元"}
# Longest first so "万元" wins over "元".
_UNIT_SUFFIXES = tuple(sorted((*MONEY_FACTORS, *MONEY_UNIT_ALIASES), key=len, reverse=True))

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_SPACE = re.compile(r"\s+")
_NO_VALUE = frozenset({"—", "——", "-", "--", "/", "－", "无"})


class NumberError(PerfXLError):
    """A text that is not the number it should be (the message says what it is)."""


def fold(text: str) -> str:
    """NFKC (full width -> half width), no whitespace; "，" between digits becomes ","."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))
    return folded.replace("，", ",")


def tidy(value: Decimal) -> Decimal:
    """The same amount without trailing zeros or an exponent: 125.000000 -> 125, 42.780 ->
    42.78 (so an amount converted from 元 prints as the office wrote it)."""
    if not value.is_finite():
        return value
    try:
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()
    except InvalidOperation:  # beyond the context's precision: leave it as it is
        return value


def parse_number(text: str | int | float | Decimal, *, what: str = "数值") -> Decimal:
    """A plain number ("1,200.5", "１２", 42.78). Raises NumberError."""
    if isinstance(text, bool):
        raise NumberError(f"{what}「{text}」不是数字")
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise NumberError(f"{what}「{text}」不是有效的数字")
        return text
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise NumberError(f"{what}「{text}」不是有效的数字")
        return Decimal(repr(text))  # the shortest text that reads back to the float
    s = fold(str(text))
    if not s:
        raise NumberError(f"{what}为空")
    if not _NUMBER.fullmatch(s):
        raise NumberError(f"{what}「{str(text).strip()}」不是数字")
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise NumberError(f"{what}「{str(text).strip()}」不是数字") from None


def split_money_unit(text: str) -> tuple[str, str | None]:
    """ "1,250,000元" -> ("1,250,000", "元"); "300万" -> ("300", "万元"); "42.78" -> (.., None)."""
    s = fold(text)
    for suffix in _UNIT_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            return s[: -len(suffix)], MONEY_UNIT_ALIASES.get(suffix, suffix)
    return s, None


def parse_amount(text: str | int | float | Decimal, unit: str = "万元", *,
                 what: str = "金额") -> Decimal:
    """An amount in 万元. ``unit`` is the unit the table states (万元, 元, 千元, 亿元); a unit
    written in the cell itself ("1,250,000元", "300万") wins. Raises NumberError."""
    if not isinstance(text, str):
        return _scaled(parse_number(text, what=what), _factor(unit, what))
    body, written = split_money_unit(text)
    if not body:
        raise NumberError(f"{what}为空")
    try:
        number = parse_number(body, what=what)
    except NumberError:
        raise NumberError(
            f"{what}「{text.strip()}」不是数字金额（应为如 100.00 的数字，单位{unit}）"
        ) from None
    return _scaled(number, _factor(written or unit, what))


def _scaled(number: Decimal, factor: Decimal) -> Decimal:
    """An amount in 万元: as written when it was in 万元 ("100.00" stays "100.00"), without
    the conversion's trailing zeros otherwise (1,250,000 元 -> 125, not 125.000000)."""
    return number if factor == 1 else tidy(number * factor)


def _factor(unit: str, what: str) -> Decimal:
    unit = MONEY_UNIT_ALIASES.get(unit, unit)
    if unit not in MONEY_FACTORS:
        raise NumberError(f"{what}的单位「{unit}」不是金额单位（应为万元、元、千元或亿元）")
    return MONEY_FACTORS[unit]


def parse_percent(text: str | int | float | Decimal, *, what: str = "百分比") -> Decimal:
    """A percentage: "25%", "25", "２５％", "25 百分比" -> Decimal("25"). Raises NumberError."""
    if not isinstance(text, str):
        return parse_number(text, what=what)
    s = fold(text)
    for suffix in ("%", "百分比", "‰"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    try:
        return parse_number(s, what=what)
    except NumberError:
        raise NumberError(f"{what}「{text.strip()}」不是百分比（应为如 25% 的数值）") from None


def is_no_value(text: str) -> bool:
    """A dash or slash written where a value would be ("—", "/"): no value, not an error."""
    return fold(text) in _NO_VALUE


def amount_or_invalid(text: object, key: str, invalid: dict[str, str],
                      unit: str = "万元") -> Decimal | None:
    """The amount, or None; text that is not a number is kept in ``invalid[key]`` for the
    rules (PT201 / PT202), never raised."""
    if text is None or (isinstance(text, str) and (not text.strip() or is_no_value(text))):
        return None
    try:
        return parse_amount(text, unit)  # type: ignore[arg-type]
    except NumberError:
        invalid[key] = str(text).strip()
        return None


def percent_or_invalid(text: object, key: str, invalid: dict[str, str]) -> Decimal | None:
    """A spend-plan percentage, or None; bad text is kept in ``invalid[key]`` (PT302)."""
    if text is None or (isinstance(text, str) and (not text.strip() or is_no_value(text))):
        return None
    try:
        return parse_percent(text)  # type: ignore[arg-type]
    except NumberError:
        invalid[key] = str(text).strip()
        return None
