"""Traffic lights of 运行监控 (LIFECYCLE.md), table-driven and in Decimal.

A light is one of the words ``red``, ``yellow``, ``green``, ``blue`` (or None when there is
nothing to judge). Values are rounded to 2 decimals before they are compared with the bands,
exactly as the workbook's native formulas do (ROUND(…,2)), so a value on a band edge gets
the same light in Python, Excel, WPS and LibreOffice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from ..model import CHECKPOINTS
from .config import RATES_DIRECT, LifecycleConfig

RED, YELLOW, GREEN, BLUE = "red", "yellow", "green", "blue"
LIGHTS: tuple[str, ...] = (RED, YELLOW, GREEN, BLUE)
LIGHT_LABELS = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", BLUE: "蓝灯"}
# How bad a light is, for "the project's light is its worst indicator light": a blue light
# (far ahead: a target perhaps set too low) is worth a look, so it outranks green.
RANK = {GREEN: 0, BLUE: 1, YELLOW: 2, RED: 3}

# Indicator kinds, by the operator of its 指标值 (Chinese, as the workbook shows them).
POSITIVE = "正向"  # ≥ ＞
EQUAL = "等于"  # ＝ (or no operator)
REVERSE = "反向"  # ≤
REVERSE_STRICT = "反向严格"  # ＜
QUALITATIVE = "定性"

# The three grades of a qualitative indicator.
ACHIEVED = "达成年度指标"
PARTLY = "部分达成年度指标并具有一定效果"
NOT_ACHIEVED = "未达成年度指标且效果较差"
GRADES: tuple[str, ...] = (ACHIEVED, PARTLY, NOT_ACHIEVED)
GRADE_LIGHTS = {ACHIEVED: GREEN, PARTLY: YELLOW, NOT_ACHIEVED: RED}

# Checkpoint months of the spend plan (3月底 / 6月底 / 10月底 / 12月底).
CHECKPOINT_MONTHS: tuple[int, ...] = (3, 6, 10, 12)
assert len(CHECKPOINT_MONTHS) == len(CHECKPOINTS)

HUNDRED = Decimal(100)
TWELVE = Decimal(12)
CENT = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    """Excel's ROUND(value, 2) (half away from zero)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def grade_of(text: str | None) -> str | None:
    """The qualitative grade a 执行情况 / 实际完成值 text names (short forms accepted:
    达成 / 部分达成 / 未达成), or None. The workbook formula tests the same words in the
    same order (部分 before 未达成 before 达成)."""
    t = "".join((text or "").split())
    if not t:
        return None
    if "部分" in t:
        return PARTLY
    if "未达成" in t or "未完成" in t:
        return NOT_ACHIEVED
    if "达成" in t or "完成" in t:
        return ACHIEVED
    return None


def band(value: Decimal, red_below: Decimal, yellow_below: Decimal) -> str:
    """red < red_below ≤ yellow < yellow_below ≤ green."""
    if value < red_below:
        return RED
    if value < yellow_below:
        return YELLOW
    return GREEN


def standard_rate(month: int) -> Decimal:
    """序时进度 at month N as a fraction (N / 12)."""
    return Decimal(month) / TWELVE


def plan_rate(plan: Sequence[Decimal | None], month: int) -> Decimal | None:
    """The unit's own cumulative plan at month N as a fraction, linear between the 3/6/10/12月
    checkpoints (0 at month 0); None unless all four checkpoints are known."""
    if len(plan) < len(CHECKPOINTS) or any(v is None for v in plan[: len(CHECKPOINTS)]):
        return None
    points = [(0, Decimal(0)), *zip(CHECKPOINT_MONTHS, (Decimal(v) for v in plan), strict=False)]
    for (m0, v0), (m1, v1) in pairwise(points):
        if month <= m1:
            return (v0 + (v1 - v0) * (month - m0) / (m1 - m0)) / HUNDRED
    return Decimal(plan[-1] or 0) / HUNDRED


def budget_value(rate: Decimal, reference: Decimal) -> Decimal | None:
    """The budget light's value: 执行率 / reference × 100 (reference = 序时进度 or plan),
    rounded to 2 decimals; None when the reference is 0 (nothing was due yet)."""
    if reference <= 0:
        return None
    return round2(rate / reference * HUNDRED)


def budget_light(value: Decimal | None, cfg: LifecycleConfig) -> str | None:
    if value is None:
        return None
    return band(value, cfg.budget_red_below, cfg.budget_yellow_below)


def indicator_value(kind: str, actual: Decimal, target: Decimal, month: int,
                    prorate: bool) -> Decimal | None:
    """The value of a positive (or equal) indicator's light: 完成值 / (年度指标值 / 12 × N)
    × 100 when pro-rated, 完成值 / 年度指标值 × 100 when compared directly."""
    if kind not in (POSITIVE, EQUAL) or target <= 0:
        return None
    due = target / TWELVE * month if prorate else target
    return round2(actual / due * HUNDRED)


def indicator_light(kind: str, actual: Decimal | str | None, target: Decimal | None,
                    month: int, prorate: bool, cfg: LifecycleConfig) -> str | None:
    """An indicator's light at month N (LIFECYCLE.md):
    - positive / equal: red when the value reached is 0; blue when it is already ≥ 120% of
      the annual target; else by value (red < 60 ≤ yellow < 80 ≤ green). A target of 0:
      equal -> green only when nothing happened (≤ 0); positive -> green.
    - reverse: green when within the target (≤, or < for the strict form), else red.
    - qualitative: 达成 green, 部分达成 yellow, 未达成 red.
    """
    if kind == QUALITATIVE:
        grade = grade_of(actual if isinstance(actual, str) else None)
        return GRADE_LIGHTS.get(grade) if grade else None
    if not isinstance(actual, Decimal) or target is None:
        return None
    if kind in (REVERSE, REVERSE_STRICT):
        ok = actual < target if kind == REVERSE_STRICT else actual <= target
        return GREEN if ok else RED
    if kind not in (POSITIVE, EQUAL):
        return None
    if target <= 0:
        if kind == EQUAL:
            return GREEN if actual <= 0 else RED
        return GREEN
    if actual == 0:
        return RED
    if round2(actual / target * HUNDRED) >= cfg.blue_at:
        return BLUE
    value = indicator_value(kind, actual, target, month, prorate)
    assert value is not None
    return band(value, cfg.indicator_red_below, cfg.indicator_yellow_below)


def worst(lights: Iterable[str | None]) -> str | None:
    """The worst of some lights (red > yellow > blue > green), None when there are none."""
    known = [x for x in lights if x]
    return max(known, key=RANK.__getitem__) if known else None


def prorates(kind: str, is_rate: bool, cfg: LifecycleConfig) -> bool:
    """Whether a positive indicator is pro-rated over the months (quantities that accrue) or
    compared directly (rates and satisfaction, unless the configuration says otherwise)."""
    if kind not in (POSITIVE, EQUAL):
        return False
    return not (is_rate and cfg.rates == RATES_DIRECT)
