"""PT2xx: amounts — the budget, the money stated in texts, and money cost indicators."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal

from ..model import decimal_text
from ..values import MONEY_FACTORS
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


@rule("PT201", ERROR, OTHER, "预算数 ≠ 财政资金 + 其他资金")
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


@rule("PT202", ERROR, OTHER, "预算数缺失、不是数字或为负数")
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
        yield m.group(0).strip(), number * MONEY_FACTORS[m.group(2)]


@rule("PT203", ERROR, OTHER, "资金用途或绩效目标中写的金额与预算数不一致")
def text_amounts(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    budget = p.project.budget
    if budget is None:
        return
    for key, caption in (("purpose", "资金用途"), ("goal", "绩效目标")):
        for written, amount in stated_totals(getattr(p.project, key)):
            if abs(amount - budget) > TOLERANCE:
                yield Hit(f"{caption}中写的「{written}」与预算数 {_wan(budget)} 不一致", key,
                          found=written, expected=_wan(budget))


def _money_costs(p: ProjectFacts) -> list[Row]:
    return [r for r in p.rows if r.cost_kind is not None]


def _value_text(r: Row) -> str:
    return r.value.canonical()


@rule("PT204", ERROR, VALUE_MISMATCH, "成本指标（金额）超过预算数")
def cost_over_budget(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    budget = p.project.budget
    if budget is None:
        return
    for r in _money_costs(p):
        amount = r.amount
        if r.cost_kind != "unit" and amount is not None and amount > budget + TOLERANCE:
            yield Hit(f"成本指标『{r.name}』{_value_text(r)} 超过预算数 {_wan(budget)}",
                      "value", r.index, found=_value_text(r), expected=f"≤{_wan(budget)}")


@rule("PT205", WARNING, VALUE_MISMATCH, "总成本指标低于预算数（部分预算没有成本目标）")
def cost_below_budget(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    budget = p.project.budget
    if budget is None:
        return
    for r in _money_costs(p):
        amount = r.amount
        if r.cost_kind == "total" and amount is not None and amount < budget - TOLERANCE:
            yield Hit(f"总成本指标『{r.name}』{_value_text(r)} 低于预算数 {_wan(budget)}："
                      f"有 {_wan(budget - amount)} 预算没有成本目标", "value", r.index,
                      found=_value_text(r), expected=f"≤{_wan(budget)}")


@rule("PT206", WARNING, VALUE_MISMATCH, "单位成本（人均、每月、单价、标准…）与整个预算数相当")
def unit_cost_as_total(p: ProjectFacts, ctx: Context) -> Iterator[Hit]:
    budget = p.project.budget
    if budget is None or budget <= 0:
        return
    for r in _money_costs(p):
        amount = r.amount
        if r.cost_kind == "unit" and amount is not None and amount >= budget - TOLERANCE:
            yield Hit(f"单位成本指标『{r.name}』{_value_text(r)} 与整个预算数 {_wan(budget)} "
                      "相当：疑似把总额填成了单位成本", "value", r.index, found=_value_text(r))


@rule("PT207", WARNING, VALUE_MISMATCH, "多个金额成本指标合计超过预算数")
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


@rule("PT208", WARNING, VALUE_MISMATCH, "项目名称中的数量（如「6 辆」）与同单位的数量指标不一致")
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
