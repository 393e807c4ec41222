"""PT3xx: the spend plan (资金支出计划), cumulative % at 3月底 / 6月底 / 10月底 / 12月底."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise

from ..model import CHECKPOINTS, decimal_text
from .context import Context
from .facts import ProjectFacts
from .finding import Hit
from .registry import ERROR, OTHER, WARNING, rule

HUNDRED = Decimal(100)


def _pct(v: Decimal) -> str:
    return f"{decimal_text(v)}%"


def _known(p: ProjectFacts) -> list[tuple[int, Decimal]]:
    return [(i, v) for i, v in enumerate(p.project.plan[: len(CHECKPOINTS)]) if v is not None]


@rule("PT301", ERROR, OTHER, "资金支出计划缺少时点（3月底 / 6月底 / 10月底 / 12月底）",
      reason="四个时点的累计支出进度都要填写，财政据此考核执行进度。",
      example="没有填写 12月底 的进度")
def checkpoint_missing(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    if "plan" in p.project.absent and not any(v is not None for v in p.project.plan):
        return  # the layout has no spend-plan row: PT504 says so once for the document
    plan = list(p.project.plan) + [None] * (len(CHECKPOINTS) - len(p.project.plan))
    missing = [i for i, v in enumerate(plan[: len(CHECKPOINTS)])
               if v is None and f"plan.{i}" not in p.project.invalid]
    if len(missing) == len(CHECKPOINTS):
        yield Hit("资金支出计划未填写：3月底、6月底、10月底、12月底均缺失", "plan.0",
                  expected="累计支出进度（%），如 25/50/75/100")
        return
    for i in missing:
        yield Hit(f"资金支出计划缺少「{CHECKPOINTS[i]}」", f"plan.{i}",
                  expected="100%" if i == len(CHECKPOINTS) - 1 else "累计支出进度（%）")


@rule("PT302", ERROR, OTHER, "资金支出计划的值超出 0–100%",
      reason="累计支出进度是 0%–100% 之间的百分比。",
      example="6月底 填写 120%")
def checkpoint_range(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for i, cp in enumerate(CHECKPOINTS):
        text = p.project.invalid.get(f"plan.{i}")
        if text is not None:
            yield Hit(f"资金支出计划「{cp}」的值「{text}」不是百分比", f"plan.{i}", found=text,
                      expected="0–100%")
    for i, v in _known(p):
        if v < 0 or v > HUNDRED:
            yield Hit(f"资金支出计划「{CHECKPOINTS[i]}」为 {_pct(v)}，应在 0–100% 之间",
                      f"plan.{i}", found=_pct(v), expected="0–100%")


@rule("PT303", ERROR, OTHER, "资金支出计划的累计进度下降",
      reason="累计进度只增不减。",
      example="6月底 60%，10月底 50%")
def checkpoint_decreasing(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    known = _known(p)
    for (i0, v0), (i1, v1) in pairwise(known):
        if v1 < v0:
            yield Hit(f"资金支出计划「{CHECKPOINTS[i1]}」{_pct(v1)} 小于「{CHECKPOINTS[i0]}」"
                      f"{_pct(v0)}：累计进度不应下降", f"plan.{i1}", found=_pct(v1),
                      expected=f"≥{_pct(v0)}")


@rule("PT304", ERROR, OTHER, "资金支出计划 12月底 不是 100%",
      reason="预算应在年底前支出完毕。",
      example="12月底 填写 90%")
def year_end_full(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    last = len(CHECKPOINTS) - 1
    v = p.project.plan[last] if len(p.project.plan) > last else None
    if v is not None and v != HUNDRED:
        yield Hit(f"资金支出计划「12月底」为 {_pct(v)}，应为 100%（年底前支出全部预算）",
                  f"plan.{last}", found=_pct(v), expected="100%")


@rule("PT305", WARNING, OTHER, "资金支出计划低于要求的进度（可配置，默认不检查）",
      reason="财政部门可要求各时点的最低进度（配置 spend_plan.floor）。",
      example="要求 6月底 不低于 40%，填写 20%")
def progress_floor(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    floors = ctx.config.progress_floor
    for i, v in _known(p):
        floor = floors[i] if i < len(floors) else None
        if floor is not None and v < floor:
            yield Hit(f"资金支出计划「{CHECKPOINTS[i]}」{_pct(v)} 低于要求的进度 {_pct(floor)}",
                      f"plan.{i}", found=_pct(v), expected=f"≥{_pct(floor)}")
