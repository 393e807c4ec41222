"""PT2xx: amounts — the budget, the money stated in texts, and money cost indicators."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal

from ..model import decimal_text
from ..numbers import MONEY_FACTORS
from .context import Context
from .facts import COUNT_UNITS, TOLERANCE, ProjectFacts, Row
from .finding import Hit
from .registry import ERROR, OTHER, VALUE_MISMATCH, WARNING, rule


def _wan(amount: Decimal) -> str:
    """An amount as the sheet shows it: two decimals, more only when it has them."""
    cents = amount.quantize(Decimal("0.01"))
    return f"{cents if cents == amount else decimal_text(amount)}万元"


def _field_text(p: ProjectFacts, key: str) -> str | None:
    return p.project.invalid.get(key)


@rule("PT201", ERROR, OTHER, "预算数 ≠ 财政资金 + 其他资金",
      reason="预算数应等于财政资金与其他资金之和（容差 0.005 万元）。",
      example="预算数 100 万元，财政资金 80 万元，其他资金 10 万元")
def funds_add_up(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    pr = p.project
    for key, caption in (("fiscal", "财政资金"), ("other", "其他资金")):
        text = _field_text(p, key)
        if text is not None:
            yield Hit(f"{caption}「{text}」不是数字", key, found=text)
            return
    if pr.budget is None or (pr.fiscal is None and pr.other is None):
        return
    if not all(v.is_finite() for v in (pr.budget, pr.fiscal, pr.other) if v is not None):
        return  # "NaN"/"Infinity" from a source that let it through: PT202 names it
    fiscal, other = pr.fiscal or Decimal(0), pr.other or Decimal(0)
    total = fiscal + other
    if abs(total - pr.budget) > TOLERANCE:
        yield Hit(f"预算数 {_wan(pr.budget)} ≠ 财政资金 {_wan(fiscal)} + 其他资金 {_wan(other)}"
                  f"（相差 {_wan(abs(total - pr.budget))}）", "fiscal",
                  found=decimal_text(total), expected=decimal_text(pr.budget))


@rule("PT202", ERROR, OTHER, "预算数缺失、不是数字或为负数",
      reason="预算数是金额、成本和支出计划各项检查的基础。",
      example="预算数写成「待定」或「-5」")
def budget_readable(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    pr = p.project
    text = _field_text(p, "budget")
    if text is not None:
        yield Hit(f"预算数「{text}」不是数字：应填写金额（万元），如 100.00", "budget", found=text)
    elif pr.budget is None:
        yield Hit("预算数为空：应填写金额（万元）", "budget")
    elif not pr.budget.is_finite():
        yield Hit(f"预算数「{pr.budget}」不是数字：应填写金额（万元），如 100.00", "budget", found=str(pr.budget))
    elif pr.budget < 0:
        yield Hit(f"预算数 {_wan(pr.budget)} 为负数", "budget", found=decimal_text(pr.budget))


# "项目预算资金额为 134 万元": an amount in a clause that speaks of the total.
_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(亿元|千元|万元|元)")
_CLAUSE_END = re.compile(r"[，。；;,!！?？\n]")
_TOTAL_WORDS = ("预算", "资金额", "总额", "总投资", "合计", "共计", "总计", "资金总", "总金额")
_PART_WORDS = ("其中", "每", "人均", "单价", "标准", "/")


def stated_totals(text: str) -> Iterator[tuple[str, Decimal]]:
    """The amounts (as written, in 万元) a text states as the project's total."""
    for written, amount, _unit in _stated_totals(text):
        yield written, amount


def _stated_totals(text: str) -> Iterator[tuple[str, Decimal, str]]:
    norm = unicodedata.normalize("NFKC", text or "")
    for m in _AMOUNT.finditer(norm):
        start = m.start()
        clause_start = 0
        for end in _CLAUSE_END.finditer(norm, 0, start):
            clause_start = end.end()
        clause = norm[clause_start:start]
        tail = norm[m.end():m.end() + 1]
        if not any(w in clause for w in _TOTAL_WORDS) or any(w in clause for w in _PART_WORDS):
            continue
        if tail == "/":
            continue
        number = Decimal(m.group(0)[: -len(m.group(2))].replace(",", "").strip())
        yield m.group(0).strip(), number * MONEY_FACTORS[m.group(2)], m.group(2)


def _in_unit(amount_wan: Decimal, unit: str) -> str:
    """An amount (万元) in the unit the text used: 125 万元 in 元 -> "1,250,000元"."""
    value = amount_wan / MONEY_FACTORS[unit]
    whole = value.quantize(Decimal(1))
    text = f"{whole:,f}" if whole == value else f"{value.quantize(Decimal('0.01')):,f}"
    return f"{text}{unit}"


@rule("PT203", ERROR, OTHER, "资金用途或绩效目标中写的金额与预算数不一致",
      reason="文字中写的预算金额与预算数不一致，说明其中一处抄错了。",
      example="资金用途写「项目预算资金额为 134 万元」，预算数为 12.00 万元")
def text_amounts(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    budget = p.project.budget
    if budget is None:
        return
    for key, caption in (("purpose", "资金用途"), ("goal", "绩效目标")):
        for written, amount, unit in _stated_totals(getattr(p.project, key)):
            if abs(amount - budget) <= TOLERANCE:
                continue
            if unit == "万元":
                yield Hit(f"{caption}中写的「{written}」与预算数 {_wan(budget)} 不一致", key,
                          found=written, expected=_wan(budget))
            else:  # compare in the unit the text used: one unit in one message
                expected = _in_unit(budget, unit)
                yield Hit(f"{caption}中写的「{written}」与预算数 {expected} 不一致"
                          f"（均按{unit}计）", key, found=written, expected=expected)


def _is_cost_control_rate(r: Row) -> bool:
    """项目成本控制率 / 定额成本控制率 written =100% or ≤100%."""
    v = r.value
    return (r.is_cost and "成本控制率" in compact_name(r) and v.is_quantity and v.is_rate
            and v.number is not None and v.number == 100 and v.operator in ("＝", "≤"))


def compact_name(r: Row) -> str:
    return "".join(unicodedata.normalize("NFKC", r.indicator.level3).split())


def _money_costs(p: ProjectFacts) -> list[Row]:
    return [r for r in p.rows if r.cost_kind is not None]


def _value_text(r: Row) -> str:
    return r.value.canonical()


@rule("PT204", ERROR, VALUE_MISMATCH, "成本指标（金额）超过预算数",
      reason="成本不能超过项目的预算数。",
      example="成本指标「≤460万元」，预算数 42.78 万元")
def cost_over_budget(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    budget = p.project.budget
    if budget is None:
        return
    for r in _money_costs(p):
        amount = r.amount
        if r.cost_kind != "unit" and amount is not None and amount > budget + TOLERANCE:
            yield Hit(f"成本指标『{r.name}』{_value_text(r)} 超过预算数 {_wan(budget)}",
                      "value", r.index, found=_value_text(r), expected=f"≤{_wan(budget)}")


@rule("PT205", WARNING, VALUE_MISMATCH, "总成本指标低于预算数（部分预算没有成本目标）",
      reason="总成本低于预算数说明部分预算没有成本目标。",
      example="「项目总成本 ≤50万元」，预算数 80 万元")
def cost_below_budget(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    budget = p.project.budget
    if budget is None:
        return
    if any(_is_cost_control_rate(r) for r in p.rows):
        return  # 河北 mode: the system's own 成本控制率 (=100%) is the whole cost target
    for r in _money_costs(p):
        amount = r.amount
        if r.cost_kind == "total" and amount is not None and amount < budget - TOLERANCE:
            yield Hit(f"总成本指标『{r.name}』{_value_text(r)} 低于预算数 {_wan(budget)}："
                      f"有 {_wan(budget - amount)} 预算没有成本目标", "value", r.index,
                      found=_value_text(r), expected=f"≤{_wan(budget)}")


@rule("PT206", WARNING, VALUE_MISMATCH, "单位成本（人均、每月、单价、标准…）与整个预算数相当",
      reason="单位成本与整个预算数相当，多半是把总额填成了单位成本。",
      example="「人均加班补贴标准 65万元」，预算数 65 万元")
def unit_cost_as_total(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    budget = p.project.budget
    if budget is None or budget <= 0:
        return
    for r in _money_costs(p):
        amount = r.amount
        if r.cost_kind == "unit" and amount is not None and amount >= budget - TOLERANCE:
            yield Hit(f"单位成本指标『{r.name}』{_value_text(r)} 与整个预算数 {_wan(budget)} "
                      "相当：疑似把总额填成了单位成本", "value", r.index, found=_value_text(r))


@rule("PT207", WARNING, VALUE_MISMATCH, "多个金额成本指标合计超过预算数",
      reason="各项成本之和不能超过预算数。",
      example="三项成本指标 30、40、50 万元，预算数 100 万元")
def costs_add_up(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    budget = p.project.budget
    if budget is None:
        return
    parts = [r for r in _money_costs(p) if r.cost_kind == "part"]
    if len(parts) < 2:
        return
    total = sum((r.amount or Decimal(0) for r in parts), Decimal(0))
    if total > budget + TOLERANCE:
        names = "、".join(f"『{r.name}』" for r in parts)
        yield Hit(f"成本指标{names}合计 {_wan(total)}，超过预算数 {_wan(budget)}", "value",
                  parts[0].index, found=_wan(total), expected=f"≤{_wan(budget)}")


_NAME_QUANTITY = re.compile(r"(\d+)\s*(" + "|".join(COUNT_UNITS) + ")")


@rule("PT208", WARNING, VALUE_MISMATCH, "项目名称中的数量（如「6 辆」）与同单位的数量指标不一致",
      reason="项目名称里的数量应与同单位的数量指标一致。",
      example="项目名称「购置 6 辆执法执勤车」，数量指标「≥1 辆」")
def name_quantity(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    name = unicodedata.normalize("NFKC", p.project.name or "")
    for m in _NAME_QUANTITY.finditer(name):
        count, unit = Decimal(m.group(1)), m.group(2)
        same_unit = [r for r in p.rows
                     if r.level2 == "数量" and r.value.is_quantity and r.value.unit == unit]
        if same_unit and not any(r.value.number == count for r in same_unit):
            r = same_unit[0]
            yield Hit(f"项目名称写明「{count}{unit}」，数量指标『{r.name}』却为"
                      f"「{r.value.canonical()}」", "value", r.index,
                      found=r.value.canonical(), expected=f"{count}{unit}")
