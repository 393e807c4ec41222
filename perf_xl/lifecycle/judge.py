"""How an indicator is judged: its kind (正向 / 等于 / 反向 / 反向严格 / 定性), its target
number, whether it is pro-rated over the months, and its weight group — read once from the
指标值 through the value grammar (perf_xl.values). The workbook's helper columns hold exactly
these, so its native formulas judge the same way."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..rules.facts import ProjectFacts, Row, compact
from ..values import EQ, GE, GT, LE, LT
from .config import LifecycleConfig
from .lights import EQUAL, POSITIVE, QUALITATIVE, REVERSE, REVERSE_STRICT, prorates

_KIND_OF_OPERATOR = {GE: POSITIVE, GT: POSITIVE, EQ: EQUAL, LE: REVERSE, LT: REVERSE_STRICT}
OTHER_GROUP = "其他"


@dataclass(frozen=True)
class Judged:
    index: int
    name: str  # 三级指标
    kind: str | None  # None: the value cannot be read (PT401)
    target: Decimal | None
    prorate: bool
    group: str  # 产出 / 效益 / 满意度 / 其他
    is_rate: bool


def group_of(row: Row) -> str:
    if row.level1 in ("产出", "成本"):
        return "产出"
    if row.level1 in ("效益", "满意度"):
        return row.level1
    return OTHER_GROUP


def judge_row(row: Row, cfg: LifecycleConfig) -> Judged:
    v = row.value
    if v.kind == "quantity" and v.number is not None and v.operator:
        kind: str | None = _KIND_OF_OPERATOR.get(v.operator, EQUAL)
        target = v.number
    elif v.kind == "qualitative":
        kind, target = QUALITATIVE, None
    else:
        kind, target = None, None
    name = compact(row.indicator.level3)
    is_rate = v.unit == "%" or "率" in name or "满意" in name or row.level1 == "满意度"
    return Judged(row.index, row.indicator.level3.strip(), kind, target,
                  prorates(kind or "", is_rate, cfg), group_of(row), is_rate)


def judge_project(facts: ProjectFacts, cfg: LifecycleConfig) -> list[Judged]:
    return [judge_row(r, cfg) for r in facts.rows]


def number(value: Any) -> Decimal | None:
    """A reported figure as a number: a numeric cell, or text that is only a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = str(value).replace(",", "").strip()
    if not text:
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None
