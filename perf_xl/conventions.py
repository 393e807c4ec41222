"""The definitions every figure follows, whoever computes it: the summary, the rules, the
workbook's cached values and its native formulas (workbook/owned_sheets.py and
workbook/formulas.py write the same definitions as formulas).

* planned cumulative spend at a checkpoint = ROUND(预算数 × 计划% / 100, 2), half away from
  zero like Excel's ROUND;
* a project's funding line is its 资金来源 with every white space removed; an empty one is
  grouped as「（未填资金来源）」; the standard lines come first, in their order, then the
  others as they first appear;
* a blank 一级指标 cell continues the one above (a merged cell read back as blanks); a blank
  二级指标 cell continues the one above within the same 一级指标;
* an indicator is a cost indicator (成本指标) when its 一级 or 二级指标 (as carried on)
  contains「成本」: 成本指标 under 产出, or 经济成本/社会成本/生态环境成本 under 成本指标 as
  some provinces have it;
* a project's 审核意见 joins the categories of its errors and warnings (not of its
  infos), each once, in the order found;
* the spend-plan profiles (支出计划模板) the 代码表 drop-down lists.

Plain Python on the model: no workbook library, nothing of the operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from .model import FUNDING_LINES, Indicator, Project
from .vocabulary import CENT, INFO, severity_label

ZERO = Decimal(0)
NO_FUNDING_LINE = "（未填资金来源）"
COST_WORD = "成本"
LEVEL1_GROUPS: tuple[str, ...] = ("产出", "效益", "满意度")
OTHER_GROUP = "其他"


def compact(text: str | None) -> str:
    """``text`` without any white space (full-width spaces too)."""
    return "".join((text or "").split())


# -- money --------------------------------------------------------------------------------
def planned_spend(budget: Decimal | None, percent: Decimal | None) -> Decimal:
    """ROUND(预算数 × % / 100, 2), half away from zero like Excel's ROUND; 0 if missing."""
    if budget is None or percent is None:
        return ZERO
    return (budget * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


# -- funding lines ------------------------------------------------------------------------
def funding_line_label(project: Project) -> str:
    """The line a project is grouped under: its 资金来源 compacted, or （未填资金来源）."""
    return compact(project.funding_line) or NO_FUNDING_LINE


def funding_line_order(labels: Iterable[str], all_lines: bool = False) -> list[str]:
    """The lines in the order every table lists them: the standard ones (FUNDING_LINES)
    that are used — every one with ``all_lines`` — then the others as they first appear."""
    seen = list(dict.fromkeys(labels))
    standard = [x for x in FUNDING_LINES if all_lines or x in seen]
    return standard + [x for x in seen if x not in FUNDING_LINES]


# -- indicator levels ---------------------------------------------------------------------
def carried_levels(indicators: Iterable[Indicator]) -> Iterator[tuple[Indicator, str, str]]:
    """(indicator, 一级, 二级) with blank level cells continuing the ones above, compacted."""
    level1 = level2 = ""
    for ind in indicators:
        written1, written2 = compact(ind.level1), compact(ind.level2)
        if written1:
            level1, level2 = written1, ""
        if written2:
            level2 = written2
        yield ind, level1, level2


def level1_group(level1: str) -> str:
    """产出 / 效益 / 满意度 for a (carried, compacted) 一级指标 starting with it, else 其他."""
    return next((g for g in LEVEL1_GROUPS if level1.startswith(g)), OTHER_GROUP)


def is_cost(level1: str, level2: str) -> bool:
    """A cost indicator: its (carried) 一级 or 二级指标 contains 成本."""
    return COST_WORD in level1 or COST_WORD in level2


def cost_indicator_value(project: Project) -> str:
    """The 指标值 of the project's first cost indicator, "" when it has none."""
    for ind, level1, level2 in carried_levels(project.indicators):
        if is_cost(level1, level2):
            return ind.value or ""
    return ""


# -- 审核意见 ------------------------------------------------------------------------------
REVIEW_SEPARATOR = "；"


def review_wording(findings: Iterable[tuple[str, str]]) -> str:
    """A project's 审核意见 from its findings' (severity, category) pairs."""
    info = severity_label(INFO)
    wanted = (c.strip() for sev, c in findings if severity_label(sev) != info and c)
    return REVIEW_SEPARATOR.join(dict.fromkeys(c for c in wanted if c))


# -- spend-plan profiles --------------------------------------------------------------------
def _plan(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


DEFAULT_PROFILE = "序时进度"
CUSTOM_PROFILE = "自定义"
# Name -> cumulative % at 3月底 / 6月底 / 10月底 / 12月底. The keys are what the 代码表
# drop-down lists; "一次性（N月底）" carries the checkpoint a one-off payment falls in.
PROFILES: dict[str, tuple[Decimal, ...]] = {
    "序时进度": _plan("25", "50", "75", "100"),  # the common standard, by quarter
    "按月均衡": _plan("25", "50", "83.33", "100"),  # monthly wages: 3/12, 6/12, 10/12
    "一次性": _plan("0", "0", "100", "100"),  # one payment, by 10月底
    "一次性（3月底）": _plan("100", "100", "100", "100"),
    "一次性（6月底）": _plan("0", "100", "100", "100"),
    "一次性（12月底）": _plan("0", "0", "0", "100"),
    "前置": _plan("50", "100", "100", "100"),  # front-loaded
}
PROFILE_NAMES: tuple[str, ...] = tuple(PROFILES)
