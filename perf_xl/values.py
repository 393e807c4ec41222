"""The grammar of an indicator value (指标值): "≥90%", "≤100 万元", "20 台", "持续影响" …

API (stable; implementation pending):
    parse_value(text) -> ParsedValue
    normalise_unit(unit) -> str
    format_value(operator, number, unit) -> str
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Canonical operators, as the official tables write them. No operator means "＝".
OPERATORS: tuple[str, ...] = ("≥", "＞", "＝", "＜", "≤")


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

    @property
    def is_quantity(self) -> bool:
        return self.kind == "quantity"

    @property
    def unit_normalised(self) -> bool:
        return self.unit != self.unit_as_written

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    def amount_wan(self) -> Decimal | None:
        """The value as money in 万元 (元, 千元, 亿元 converted), or None if not money."""
        raise NotImplementedError


def parse_value(text: str | None) -> ParsedValue:
    raise NotImplementedError


def normalise_unit(unit: str) -> str:
    raise NotImplementedError


def format_value(operator: str | None, number: Decimal, unit: str) -> str:
    raise NotImplementedError
