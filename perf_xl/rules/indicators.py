"""PT4xx: indicator values."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..model import decimal_text
from ..values import parse_value
from .context import Context
from .facts import (
    COST_LARGER_IS_BETTER,
    DURATION_UNITS,
    GROWTH_WORDS,
    ProjectFacts,
    Row,
    compact,
)
from .finding import Hit
from .registry import ERROR, INFO, NOT_QUANTIFIED, OTHER, VALUE_MISMATCH, WARNING, rule

HUNDRED = Decimal(100)
_LEVEL2_KIND = {"数量": "数量", "质量": "质量", "时效": "时效"}


@rule("PT401", ERROR, NOT_QUANTIFIED,
      "指标值无法识别（占位符 XX、*、_，数字与文字混写，只有运算符）",
      reason="无法识别的指标值无法考核，财政局退回「指标不够细化、量化」。",
      example="「XX%」、「1 进一步提高」")
def value_unreadable(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        # An empty value is PT113's, two values in one are PT115's (建议拆分指标).
        if r.value.problem and r.value.kind != "empty" and not r.value.two_targets:
            yield Hit(f"三级指标『{r.name}』的指标值无法识别：{r.value.problem}", "value", r.index,
                      found=r.value.text, expected="如 ≥90%、≤100万元、20台 或定性目标")
        # 中期（实施期）values are checked for form only (the rules judge the annual value).
        mid = r.indicator.mid_value
        if mid.strip():
            m = parse_value(mid)
            if m.problem and not m.two_targets:
                yield Hit(f"三级指标『{r.name}』的中期（实施期）指标值无法识别：{m.problem}",
                          "mid_value", r.index, found=m.text,
                          expected="如 ≥90%、≤100万元、20台 或定性目标")


@rule("PT402", WARNING, NOT_QUANTIFIED, "数量型指标值没有计量单位",
      reason="没有计量单位的数量无从考核。",
      example="「≥20」（20 什么？）")
def value_without_unit(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        if r.value.is_quantity and not r.value.unit:
            yield Hit(f"三级指标『{r.name}』的指标值「{r.value.text}」没有计量单位", "value",
                      r.index, found=r.value.text)


def _is_rate(r: Row) -> bool:
    return r.value.is_quantity and r.value.is_rate


@rule("PT403", WARNING, VALUE_MISMATCH, "比率指标写成「≥100%」（应写「=100%」）；超过 100% 为错误",
      reason="比率最多为 100%：「≥100%」应写「=100%」，超过 100% 是错误。",
      example="「结案率 ≥100%」")
def rate_over_hundred(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        if not _is_rate(r):
            continue
        v = r.value
        assert v.number is not None
        growth = any(w in r.words for w in GROWTH_WORDS)
        if (v.number > HUNDRED or (v.number == HUNDRED and v.operator == "＞")) and not growth:
            yield Hit(f"比率指标『{r.name}』为「{v.text}」，超过 100%", "value", r.index,
                      severity=ERROR, found=v.text, expected="≤100%")
        elif v.number == HUNDRED and v.operator == "≥":
            yield Hit(f"比率指标『{r.name}』写成「{v.text}」：比率最高为 100%，应写「=100%」",
                      "value", r.index, found=v.text, expected="=100%")


def _smaller_is_better(r: Row, ctx: Context) -> bool:
    return r.value.unit in DURATION_UNITS or any(w in r.words for w in ctx.smaller_is_better)


def _kind(r: Row) -> str:
    if r.is_satisfaction:
        return "满意度"
    if r.level1 == "效益":
        return "效益"
    return _LEVEL2_KIND.get(r.level2, "")


@rule("PT404", WARNING, VALUE_MISMATCH,
      "指标方向疑似写反：成本用 ≥；数量、质量、时效、效益、满意度用 ≤ / <（越小越好的除外）",
      reason="方向写反会让目标失去约束：越大越好的指标用 ≥，越小越好的用 ≤。",
      example="效益指标「维护社会稳定 ≤95%」")
def direction(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        v = r.value
        if not v.is_quantity or v.implicit_operator:
            continue
        if r.is_cost:
            if v.operator in ("≥", "＞") and not any(w in r.words
                                                     for w in COST_LARGER_IS_BETTER):
                yield Hit(f"成本指标『{r.name}』写成「{v.text}」：成本指标是上限，应为「≤」",
                          "value", r.index, found=v.operator, expected="≤")
            continue
        kind = _kind(r)
        if kind and v.operator in ("≤", "＜") and not _smaller_is_better(r, ctx):
            yield Hit(f"{kind}指标『{r.name}』写成「{v.text}」：该指标越大越好，应为「≥」"
                      "（若确是越小越好的指标，可在校验配置文件的「越小越好」关键词中加入该词）",
                      "value", r.index, found=v.operator, expected="≥")


@rule("PT405", INFO, OTHER, "单位写法不规范，已规范化（「百分比」→「%」）",
      reason="单位统一写法，便于汇总和比较；工具已自动规范化。",
      example="「≥90百分比」规范为「≥90%」")
def unit_respelled(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        if r.value.is_quantity and r.value.unit_respelled:
            yield Hit(f"三级指标『{r.name}』的单位「{r.value.unit_as_written}」按规范应写作"
                      f"「{r.value.unit}」（{r.value.canonical()}）", "value", r.index,
                      found=r.value.unit_as_written, expected=r.value.unit)


@rule("PT406", WARNING, VALUE_MISMATCH, "满意度目标低于下限（默认 80%）",
      reason="满意度目标过低说明目标设定不积极（下限默认 80%，可配置）。",
      example="「服务对象满意度 ≥60%」")
def satisfaction_floor(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    floor = ctx.config.satisfaction_floor
    for r in p.rows:
        v = r.value
        if r.is_satisfaction and _is_rate(r) and v.number is not None and v.number < floor:
            yield Hit(f"满意度指标『{r.name}』目标「{v.text}」低于 {decimal_text(floor)}%",
                      "value", r.index, found=v.text, expected=f"≥{decimal_text(floor)}%")


@rule("PT407", WARNING, OTHER, "同一项目中三级指标重复",
      reason="重复的三级指标多为复制时遗留，应合并或改写。",
      example="同一项目有两条「案件审结数」")
def duplicate_level3(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    seen: dict[str, Row] = {}
    for r in p.rows:
        key = compact(r.indicator.level3)
        if not key:
            continue
        if key in seen:
            yield Hit(f"三级指标『{r.indicator.level3.strip()}』在本项目中重复出现"
                      f"（第 {seen[key].index + 1} 条与第 {r.index + 1} 条）", "level3", r.index,
                      found=r.indicator.level3.strip())
        else:
            seen[key] = r
