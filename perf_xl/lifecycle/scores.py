"""Self-evaluation scores (LIFECYCLE.md), each rounded to 2 decimals as Excel's ROUND does.

- 预算执行: 执行数 / 预算数 × 10, at most 10.
- positive (≥ ＞): actual ≥ target -> the full weight; else actual / target × weight.
- equal (＝): target 0 -> full weight if actual ≤ 0 else 0; otherwise as positive.
- reverse (≤ ＜): actual ≤ target -> full; target < actual < 2×target ->
  (1 − (actual − target) / target) × weight; actual ≥ 2×target -> 0.
- qualitative: the unit's chosen score, which must lie in its grade's band.
"""

from __future__ import annotations

from decimal import Decimal

from .config import LifecycleConfig
from .lights import (
    ACHIEVED,
    EQUAL,
    HUNDRED,
    NOT_ACHIEVED,
    PARTLY,
    POSITIVE,
    QUALITATIVE,
    REVERSE,
    REVERSE_STRICT,
    round2,
)

ZERO = Decimal(0)


def execution_score(executed: Decimal, budget: Decimal, cfg: LifecycleConfig) -> Decimal:
    if budget <= 0:
        return ZERO
    return min(round2(executed / budget * cfg.execution_weight), cfg.execution_weight)


def quantity_score(kind: str, actual: Decimal, target: Decimal, weight: Decimal) -> Decimal | None:
    """The score of a quantitative indicator; None for a kind that has no formula."""
    if kind in (POSITIVE, EQUAL):
        if kind == EQUAL and target == 0:
            return weight if actual <= 0 else ZERO
        if actual >= target:
            return round2(weight)
        if target <= 0:
            return ZERO
        return round2(max(actual, ZERO) / target * weight)
    if kind in (REVERSE, REVERSE_STRICT):
        if actual <= target:
            return round2(weight)
        if target <= 0 or actual >= 2 * target:
            return ZERO
        return round2((1 - (actual - target) / target) * weight)
    return None


def qualitative_band(grade: str, weight: Decimal, cfg: LifecycleConfig
                     ) -> tuple[Decimal, Decimal, bool]:
    """(low, high, high_included) of the scores allowed for a grade: 达成 [80%, 100%] of
    the weight, 部分达成 [60%, 80%), 未达成 [0, 60%)."""
    achieved = weight * cfg.qualitative_achieved / HUNDRED
    partly = weight * cfg.qualitative_partly / HUNDRED
    return {
        ACHIEVED: (achieved, weight, True),
        PARTLY: (partly, achieved, False),
        NOT_ACHIEVED: (ZERO, partly, False),
    }[grade]


def in_band(score: Decimal, grade: str, weight: Decimal, cfg: LifecycleConfig) -> bool:
    low, high, closed = qualitative_band(grade, weight, cfg)
    return low <= score <= high if closed else low <= score < high


def qualitative_score(grade: str | None, chosen: Decimal | None, weight: Decimal,
                      cfg: LifecycleConfig) -> Decimal | None:
    """The chosen score when it lies in its grade's band, else None (an error, PT703)."""
    if grade is None or chosen is None or not in_band(chosen, grade, weight, cfg):
        return None
    return round2(chosen)


def indicator_score(kind: str, actual: Decimal | str | None, target: Decimal | None,
                    weight: Decimal, chosen: Decimal | None, grade: str | None,
                    cfg: LifecycleConfig) -> Decimal | None:
    if kind == QUALITATIVE:
        return qualitative_score(grade, chosen, weight, cfg)
    if not isinstance(actual, Decimal) or target is None:
        return None
    return quantity_score(kind, actual, target, weight)


def ahead_of_spending(indicator_total: Decimal, execution: Decimal,
                      cfg: LifecycleConfig) -> Decimal | None:
    """How far the performance score runs ahead of spending, in %:
    (Σ indicator score / 90 − 执行分 / 10) / (Σ indicator score / 90) × 100."""
    if indicator_total <= 0:
        return None
    perf = indicator_total / cfg.indicator_total
    spend = execution / cfg.execution_weight
    return round2((perf - spend) / perf * HUNDRED)
