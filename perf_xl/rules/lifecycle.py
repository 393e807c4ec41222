"""PT6xx monitoring (运行监控) and PT7xx self-evaluation (绩效自评), see LIFECYCLE.md.

These rules look at the computed results of one project (perf_xl.lifecycle.evaluate) and
run only under ``perf-xl monitor`` / ``perf-xl selfeval`` (scopes "monitor" / "selfeval"),
never under ``validate``. ``lifecycle_findings`` runs them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..model import decimal_text
from ..workbook import layout as L
from .finding import Finding, Hit
from .registry import ERROR, INFO, OTHER, VALUE_MISMATCH, WARNING, catalogue, rule

if TYPE_CHECKING:
    from ..lifecycle.config import LifecycleConfig
    from ..lifecycle.evaluate import ProjectResult

# The computations these rules read (perf_xl.lifecycle) are imported by each rule when it
# runs — under monitor and selfeval only: validate registers the rules, never runs them, and
# so does not pay for loading the lifecycle modules (~7 ms of its start-up).


@dataclass
class LifecycleContext:
    config: LifecycleConfig
    month: int


def _n(value: Decimal | None) -> str:
    from ..lifecycle.lights import round2
    return "—" if value is None else decimal_text(round2(value))


def _pct(fraction: Decimal | None) -> str:
    from ..lifecycle.lights import HUNDRED, round2
    return "—" if fraction is None else f"{decimal_text(round2(fraction * HUNDRED))}%"


def _label(light: str | None) -> str:
    from ..lifecycle.lights import LIGHT_LABELS
    return LIGHT_LABELS.get(light or "", "")


# -- PT6xx monitoring ------------------------------------------------------------------------
@rule("PT601", ERROR, OTHER, "运行监控：1–N月执行数未填写或不是数字", scope="monitor",
      reason="运行监控要逐月填报执行数，缺失或不是数字时无法计算执行率。",
      example="「1–6月执行数」填写「待统计」")
def executed_missing(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    bad = r.track.invalid.get("executed")
    if bad is not None:
        yield Hit(f"1–{r.month}月执行数「{bad}」不是数字（万元）", "track.executed", found=bad,
                  expected="金额（万元）")
    elif r.executed is None:
        yield Hit(f"未填写 1–{r.month}月执行数（万元）", "track.executed", expected="金额（万元）")


@rule("PT602", WARNING, OTHER, "运行监控：预算执行亮红灯或黄灯（执行率对序时进度）", scope="monitor",
      reason="执行率明显落后于序时进度是财政运行监控的预警（红灯、黄灯）。",
      example="6月执行率 20%，序时进度 50%")
def budget_behind(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    from ..lifecycle.lights import RED, YELLOW
    if r.budget_light in (RED, YELLOW):
        yield Hit(f"{r.month}月执行率 {_pct(r.execution_rate)}，序时进度 {_pct(r.standard_rate)}："
                  f"亮灯值 {_n(r.budget_value)}，{_label(r.budget_light)}", "track.executed",
                  found=_pct(r.execution_rate), expected=f"≥{_pct(r.standard_rate)}")


@rule("PT603", INFO, OTHER, "运行监控：执行率与本单位支出计划相差超过 10 个百分点", scope="monitor",
      reason="执行与本单位报的支出计划相差过大，说明计划或执行有一处不实。",
      example="6月底计划 50%，实际执行 30%")
def off_own_plan(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    from ..lifecycle.lights import HUNDRED
    if r.execution_rate is None or r.plan_rate is None:
        return
    gap = (r.execution_rate - r.plan_rate) * HUNDRED
    if abs(gap) > ctx.config.plan_gap:
        word = "超前" if gap > 0 else "落后"
        yield Hit(f"{r.month}月执行率 {_pct(r.execution_rate)}，本单位计划 {_pct(r.plan_rate)}："
                  f"{word} {_n(abs(gap))} 个百分点", "track.executed",
                  found=_pct(r.execution_rate), expected=_pct(r.plan_rate))


@rule("PT604", WARNING, OTHER, "运行监控：指标亮红灯或黄灯（或执行情况不是数值）", scope="monitor",
      reason="指标完成进度落后（红灯、黄灯）时需要分析原因、采取措施。",
      example="年度目标「≥100件」，6月仅完成 10 件")
def indicator_behind(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    from ..lifecycle.lights import QUALITATIVE, RED, YELLOW
    for i in r.indicators:
        j = i.judged
        if isinstance(i.actual, str) and j.kind not in (QUALITATIVE, None):
            yield Hit(f"指标『{j.name}』的执行情况「{i.actual}」不是数值（按指标值「{i.value_text}」"
                      "的单位填数字）", "track.progress", i.index, found=i.actual)
        elif i.light in (RED, YELLOW):
            how = (f"亮灯值 {_n(i.light_value)}" if i.light_value is not None else "")
            yield Hit(f"指标『{j.name}』{r.month}月执行情况「{_text(i.reported)}」，年度指标值"
                      f"「{i.value_text}」：{how + '，' if how else ''}{_label(i.light)}",
                      "track.progress", i.index, found=_text(i.reported), expected=i.value_text)


@rule("PT605", ERROR, OTHER, "运行监控：亮红灯或黄灯但未填写偏差原因", scope="monitor",
      reason="亮红灯或黄灯的项目须说明偏差原因，否则监控表会被退回。",
      example="预算执行亮红灯，「偏差原因」一栏空白")
def reason_missing(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    from ..lifecycle.evaluate import indicator_track
    cfg = ctx.config
    for which, light in (("预算执行", r.budget_light),):
        if light and cfg.needs_reason(light) and not r.track.analysis.strip():
            yield Hit(f"{which}{_label(light)}，未填写偏差原因分析", "track.analysis",
                      expected="偏差原因分析")
    for i in r.indicators:
        if not (i.light and cfg.needs_reason(i.light)):
            continue
        t = indicator_track(r.project, i.index)
        missing = [name for name, v in (("偏差原因类别", t.deviation), ("原因说明", t.reason))
                   if not v.strip()]
        if missing:
            yield Hit(f"指标『{i.judged.name}』{_label(i.light)}，未填写" + "、".join(missing),
                      "track.deviation" if not t.deviation.strip() else "track.reason", i.index,
                      expected="、".join(L.DEVIATION_CATEGORIES))


@rule("PT606", INFO, VALUE_MISMATCH, "运行监控：蓝灯（已达年度指标值的 120% 以上）：目标可能定得过低",
      scope="monitor",
      reason="远超年度目标说明目标可能定得过低。",
      example="年度目标「≥10件」，6月已完成 15 件")
def far_ahead(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    from ..lifecycle.lights import BLUE
    for i in r.indicators:
        if i.light == BLUE:
            yield Hit(f"指标『{i.judged.name}』{r.month}月已完成「{_text(i.reported)}」，达年度指标值"
                      f"「{i.value_text}」的 {ctx.config.blue_at}% 以上：请核实目标是否定得过低",
                      "track.progress", i.index, found=_text(i.reported), expected=i.value_text)


# -- PT7xx self-evaluation -------------------------------------------------------------------
@rule("PT701", ERROR, OTHER, "绩效自评：实际完成值（或全年执行数）未填写", scope="selfeval",
      reason="自评要填写每个指标的实际完成值和全年执行数。",
      example="「实际完成值」一栏空白")
def actual_missing(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    from ..lifecycle.lights import GRADES, QUALITATIVE
    bad = r.track.invalid.get("year_executed")
    if bad is not None:
        yield Hit(f"全年执行数「{bad}」不是数字（万元）", "track.year_executed", found=bad)
    elif r.executed is None:
        yield Hit("未填写全年执行数（万元）", "track.year_executed")
    for i in r.indicators:
        j = i.judged
        if j.kind is None:
            continue
        if i.actual is None:
            yield Hit(f"指标『{j.name}』未填写实际完成值", "track.actual", i.index,
                      expected=i.value_text)
        elif j.kind == QUALITATIVE and i.grade is None:
            yield Hit(f"定性指标『{j.name}』的实际完成值「{i.actual}」不是三档之一："
                      + " / ".join(GRADES), "track.actual", i.index, found=str(i.actual))
        elif j.kind != QUALITATIVE and not isinstance(i.actual, Decimal):
            yield Hit(f"指标『{j.name}』的实际完成值「{i.actual}」不是数值", "track.actual", i.index,
                      found=str(i.actual))


@rule("PT702", ERROR, OTHER, "绩效自评：自定分值合计不为 90，或得分超过分值", scope="selfeval",
      reason="自评各指标分值合计应为 90 分（预算执行率另计 10 分），得分不能超过分值。",
      example="各指标分值合计 85 分")
def weights_wrong(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    from ..lifecycle.evaluate import indicator_track
    total = ctx.config.indicator_total
    if r.custom_weights:
        given = sum((i.weight or Decimal(0) for i in r.indicators), Decimal(0))
        if given != total:
            yield Hit(f"自定的指标分值合计 {_n(given)} 分，应为 {_n(total)} 分", "track.weight", 0,
                      found=_n(given), expected=_n(total))
    for i in r.indicators:
        t = indicator_track(r.project, i.index)
        for key in ("weight", "score"):
            bad = t.invalid.get(key)
            if bad is not None:
                yield Hit(f"指标『{i.judged.name}』的{'分值' if key == 'weight' else '得分'}「{bad}」"
                          "不是数字", f"track.{key}", i.index, found=bad)
        if t.weight is not None and t.weight < 0:
            yield Hit(f"指标『{i.judged.name}』的分值 {_n(t.weight)} 为负数", "track.weight", i.index)
        if t.score is not None and i.weight is not None and t.score > i.weight:
            yield Hit(f"指标『{i.judged.name}』得分 {_n(t.score)} 超过其分值 {_n(i.weight)}",
                      "track.score", i.index, found=_n(t.score), expected=f"≤{_n(i.weight)}")


@rule("PT703", ERROR, OTHER, "绩效自评：定性指标得分不在其档次的区间内", scope="selfeval",
      reason="定性指标按档次打分，得分应在所选档次的区间内。",
      example="选了「良好」档却打了满分")
def qualitative_out_of_band(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    from ..lifecycle.evaluate import indicator_track
    from ..lifecycle.lights import QUALITATIVE
    from ..lifecycle.scores import qualitative_band
    for i in r.indicators:
        if i.judged.kind != QUALITATIVE or i.grade is None or i.weight is None:
            continue
        chosen = indicator_track(r.project, i.index).score
        low, high, closed = qualitative_band(i.grade, i.weight, ctx.config)
        span = f"[{_n(low)}, {_n(high)}{']' if closed else ')'}"
        if chosen is None:
            yield Hit(f"定性指标『{i.judged.name}』为「{i.grade}」，未填写得分（应在 {span} 之间）",
                      "track.score", i.index, expected=span)
        elif i.score is None and chosen <= i.weight:
            yield Hit(f"定性指标『{i.judged.name}』为「{i.grade}」，得分 {_n(chosen)} 不在 {span} 之间",
                      "track.score", i.index, found=_n(chosen), expected=span)


@rule("PT704", WARNING, VALUE_MISMATCH, "绩效自评：实际完成值达目标的 130% 以上而未说明原因",
      scope="selfeval",
      reason="超额完成过多须说明原因（目标是否定得偏低）。",
      example="目标「≥100件」，完成 150 件，未写原因")
def far_above_target(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    from ..lifecycle.evaluate import indicator_track
    from ..lifecycle.lights import EQUAL, HUNDRED, POSITIVE, round2
    for i in r.indicators:
        j = i.judged
        if j.kind not in (POSITIVE, EQUAL) or j.target is None or j.target <= 0:
            continue
        if not isinstance(i.actual, Decimal):
            continue
        ratio = round2(i.actual / j.target * HUNDRED)
        t = indicator_track(r.project, i.index)
        if ratio >= ctx.config.explain_at and not (t.reason.strip() or t.remark.strip()):
            yield Hit(f"指标『{j.name}』实际完成 {_n(i.actual)}，为目标「{i.value_text}」的 {_n(ratio)}%："
                      "请在原因说明中解释（目标是否定得过低）", "track.reason", i.index,
                      found=_n(i.actual), expected=i.value_text)


@rule("PT705", WARNING, OTHER, "绩效自评：绩效得分明显超前于预算执行，或预算未执行超过 20%",
      scope="selfeval",
      reason="绩效得分与预算执行应大体一致；大量资金未执行而得分很高需要说明。",
      example="预算执行率 60%，绩效得分 95 分")
def ahead_or_unspent(r: ProjectResult, ctx: LifecycleContext) -> Iterator[Hit]:
    cfg = ctx.config
    if r.ahead is not None and r.ahead > cfg.ahead_margin:
        yield Hit(f"指标得分 {_n(r.indicator_score)}/{_n(cfg.indicator_total)}，预算执行得分 "
                  f"{_n(r.execution_score)}/{_n(cfg.execution_weight)}：绩效超前支出 {_n(r.ahead)}%"
                  f"（超过 {_n(cfg.ahead_margin)}%）", "track.year_executed")
    if r.unspent is not None and r.unspent > cfg.unspent_limit:
        yield Hit(f"预算未执行 {_n(r.unspent)}%（超过 {_n(cfg.unspent_limit)}%）：全年执行数 "
                  f"{_n(r.executed)} 万元，预算数 {_n(r.budget)} 万元", "track.year_executed")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    return str(value)


# -- running them ----------------------------------------------------------------------------
def lifecycle_findings(results: list[ProjectResult], phase: str, cfg: LifecycleConfig,
                       month: int, enabled=None) -> list[Finding]:
    """The findings of the ``phase`` rules ("monitor" / "selfeval") on every project."""
    ctx = LifecycleContext(cfg, month)
    rules = [e for e in catalogue() if e.scope == phase and (enabled is None or enabled(e.code))]
    out: list[Finding] = []
    for r in results:
        for entry in rules:
            for hit in entry.check(r, ctx):
                out.append(_finding(entry, hit, r))
    return out


def _finding(entry, hit: Hit, r: ProjectResult) -> Finding:
    p = r.project
    cell = None
    if hit.field and hit.field.startswith("track."):
        key = hit.field.removeprefix("track.")
        try:
            cell = L.track_cell(key, hit.indicator)
        except (KeyError, IndexError):
            cell = None
        if cell is not None:  # where the sheet has it now (rows or columns a user inserted)
            from ..workbook.read import cell_of

            cell = cell_of(p, cell)
    line = None
    if hit.indicator is not None and hit.indicator < len(p.indicators):
        line = p.indicators[hit.indicator].line
    return Finding(code=entry.code, severity=hit.severity or entry.severity,
                   category=hit.category or entry.category, message=hit.message,
                   project_code=(p.code or "").strip(), project_seq=p.seq, project_name=p.name,
                   sheet=p.sheet, cell=cell, line=line, field=hit.field, indicator=hit.indicator,
                   found=hit.found, expected=hit.expected)

