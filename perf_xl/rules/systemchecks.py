"""Checks the 一体化 system itself blocks, and what real tables of other units need
(RULES.md, "Added after the first release"): PT112–PT116, PT503–PT505."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .context import Context
from .facts import ProjectFacts
from .finding import Hit
from .registry import (
    ERROR,
    INCOMPLETE,
    INFO,
    NOT_QUANTIFIED,
    OTHER,
    SPLIT,
    WARNING,
    rule,
)

LEVEL3_LIMIT = 40  # characters the system accepts for a 三级指标 name


@rule("PT112", ERROR, OTHER, "三级指标名称超过 40 个字（一体化系统不接受）",
      reason="一体化系统不接受超过 40 个字的三级指标名称，整张表无法提交。",
      example="三级指标写成一句 45 个字的说明")
def level3_too_long(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        name = r.indicator.level3.strip()
        if len(name) > LEVEL3_LIMIT:
            yield Hit(f"三级指标『{name[:20]}…』有 {len(name)} 个字，超过一体化系统允许的 "
                      f"{LEVEL3_LIMIT} 个字：请精简名称，说明写入绩效指标描述", "level3", r.index,
                      found=str(len(name)), expected=f"≤{LEVEL3_LIMIT} 个字")


@rule("PT113", ERROR, INCOMPLETE, "指标值为空",
      reason="没有指标值的指标无法考核，一体化系统不允许提交。",
      example="「案件审结数」一行的指标值一栏空白")
def value_empty(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        if r.value.kind == "empty" and r.indicator.level3.strip():
            yield Hit(f"三级指标『{r.name}』的指标值为空：应填写目标值（如 ≥90%、≤100万元）"
                      "或定性目标", "value", r.index, expected="目标值")


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}
_YEAR_SPAN = re.compile(r"(\d{4})\D{0,3}?(?:-|—|–|~|～|至|到)\D{0,2}?(\d{4})")
_N_YEARS = re.compile(r"(\d+|[一二两三四五六七八九十])\s*年")


def period_years(text: str) -> int | None:
    """How many years a 项目期 spans: "3年" -> 3, "2023-2025年" -> 3, "长期" -> 99."""
    s = unicodedata.normalize("NFKC", text or "").strip()
    if not s:
        return None
    m = _YEAR_SPAN.search(s)
    if m:
        return int(m.group(2)) - int(m.group(1)) + 1
    m = _N_YEARS.search(s)
    if m:
        n = m.group(1)
        return int(n) if n.isdigit() else _CN_DIGITS[n]
    if "长期" in s or "持续" in s or "经常性" in s:
        return 99
    return None


@rule("PT114", ERROR, INCOMPLETE,
      "跨年度项目（项目期超过一年，或填了中期/实施期指标值）缺少中期（实施期）目标或年度目标",
      reason="跨年度项目要同时填写中期（实施期）目标和年度目标，一体化系统才会接受。",
      example="项目期「3年」，中期（实施期）目标一栏空白")
def multi_year_goals(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    pr = p.project
    years = period_years(pr.period)
    mid_values = [r for r in p.rows if r.indicator.mid_value.strip()]
    if not ((years is not None and years > 1) or mid_values):
        return
    why = f"项目期为「{pr.period.strip()}」" if years and years > 1 else "指标表填了中期（实施期）指标值"
    if not pr.mid_goal.strip():
        yield Hit(f"跨年度项目（{why}）缺少中期（实施期）目标：应写明整个实施期的目标",
                  "mid_goal", expected="中期（实施期）目标")
    if not pr.goal.strip():
        yield Hit(f"跨年度项目（{why}）缺少年度目标：应写明本年度的绩效目标", "goal",
                  expected="年度目标")


_JOINED = re.compile(r"[和及与、/]|以及|并且")


@rule("PT115", WARNING, SPLIT, "一条指标含两个目标（两个数值，或名称合并了两项指标）：建议拆分指标",
      reason="一条指标只能考核一个目标，两个目标应拆成两条指标（审核意见「建议拆分指标」）。",
      example="「90%-95%」或「培训人次及合格率 ≥100人次、95%」")
def two_targets(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        if r.value.two_targets:
            name = r.indicator.level3.strip()
            joined = "，名称也合并了两项指标" if _JOINED.search(name) else ""
            yield Hit(f"三级指标『{r.name}』的指标值「{r.value.text}」含两个目标值{joined}："
                      "一条指标只能有一个目标值，建议拆分为两条指标", "value", r.index,
                      found=r.value.text, expected="每条指标一个目标值（如 ≥90%）")


_MUST_QUANTIFY = {"数量": "数量", "时效": "时效", "成本": "成本", "经济成本": "成本",
                  "社会成本": "成本", "生态环境成本": "成本"}


@rule("PT116", WARNING, NOT_QUANTIFIED, "数量、时效、成本指标写成定性文字（这些指标应量化）",
      reason="数量、时效、成本指标必须量化，写成定性文字无法考核。",
      example="时效指标「及时完成」")
def qualitative_where_quantity(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for r in p.rows:
        v = r.value
        kind = _MUST_QUANTIFY.get(r.level2) if r.level1 in ("产出", "成本") else None
        if kind is None or v.kind != "qualitative":
            continue
        if kind == "时效" and v.deadline:
            continue  # "2024年12月底前", "2023.07-2024.01": a date is a quantified time target
        yield Hit(f"{kind}指标『{r.name}』的指标值「{v.text}」是定性文字：{kind}指标应量化"
                  "（如 ≥20台、≤30天、≤100万元）", "value", r.index, found=v.text,
                  expected="数值 + 单位")


_GRADE_WORDS = ("优秀", "优良", "良好", "较好", "中等", "合格", "达标", "前列", "前茅", "第一",
                "一等", "先进", "满意", "全覆盖", "零")
_DIGIT = re.compile(r"\d|[一二两三四五六七八九十百千]+\s*[次个项名场期批件人天年月轮篇份]")


@rule("PT503", WARNING, NOT_QUANTIFIED, "部门整体的分项绩效目标没有可衡量的目标（既无数值也无等级）",
      scope="department", reason="分项绩效目标要有可衡量的数值或等级，否则年底无法评价。",
      example="分项目标「提升审判质效」，没有任何数值")
def subgoal_measurable(projects: list[ProjectFacts], ctx: Context) -> Iterator[Hit]:
    for goal in ctx.department.sub_goals:
        text = unicodedata.normalize("NFKC", goal.target or "")
        if _DIGIT.search(text) or any(w in text for w in _GRADE_WORDS):
            continue
        title = goal.title.strip() or "（无标题）"
        yield Hit(f"分项绩效目标「{title}」没有可衡量的目标（既无数值也无等级）："
                  f"「{(goal.target or '').strip()[:30] or '空'}」，应写明如 ≥90% 或 达到全省中等以上",
                  line=goal.line, found=(goal.target or "").strip()[:60] or None)


_ABSENT_NAMES = {"basis": ("「指标值确定依据」列", "PT109"), "plan": ("「资金支出计划」行", "PT301")}


@rule("PT504", INFO, OTHER, "版式中没有某一栏目（如无指标值确定依据列、无资金支出计划行）：全文只报告一次",
      scope="department", reason="版式本身没有的栏目只提示一次，不逐个项目报告错误。",
      example="全文的绩效目标表都没有「指标值确定依据」列")
def layout_lacks(projects: list[ProjectFacts], ctx: Context) -> Iterator[Hit]:
    parts = []
    for key, (caption, code) in _ABSENT_NAMES.items():
        lacking = [p for p in projects if key in p.project.absent]
        if not lacking:
            continue
        which = "全部" if len(lacking) == len(projects) else f"{len(lacking)} 个"
        parts.append(f"{caption}（{which}项目，不再逐项报告 {code}）")
    if parts:
        yield Hit("来源的版式中没有" + "、".join(parts) + "：如需填写，请在工作簿中补充")


@rule("PT505", WARNING, OTHER, "表格中有无法读取的内容（已跳过，原文件未改动）",
      reason="读不懂的行不会被悄悄丢掉：逐条列出，请核对原文。",
      example="指标表中间夹了一行只有一个数字的内容")
def unread_rows(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    for entry in p.project.unread:
        line = entry.get("line")
        yield Hit(str(entry.get("text", "")), line=line if isinstance(line, int) else None,
                  found=str(entry.get("cell") or "") or None)
