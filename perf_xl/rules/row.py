"""Rules applied to a fragment of a project: one indicator row, or one 项目编码.

The worksheet functions (perf_xl.excel.udfs) check a single row or a single code in a cell;
they must say exactly what ``perf-xl validate`` says about it. So nothing is re-implemented
here: the registered rule functions run on a one-row project, and only the rules whose
verdict on a row depends on that row (and the budget) alone are asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from ..model import Department, Indicator, Project
from .config import RuleConfig, default_config
from .context import Context
from .facts import ProjectFacts
from .finding import Hit
from .registry import get_rule

# Rules whose hits on an indicator row depend only on that row's cells and the 预算数.
ROW_RULES: tuple[str, ...] = (
    "PT108",  # 一级 / 二级指标 not in the tree
    "PT204",  # cost above the budget
    "PT205",  # total cost below the budget
    "PT206",  # unit cost as large as the budget
    "PT401",  # unreadable value
    "PT402",  # quantity without unit
    "PT403",  # rate ≥100% / above 100%
    "PT404",  # direction
    "PT405",  # unit respelled
    "PT406",  # satisfaction below the floor
)
# Rules that point at an indicator row but need more than that row (so a single-row check
# cannot give them): kept here so a new rule has to be placed in one list or the other.
NOT_ROW_LOCAL: dict[str, str] = {
    "PT107": "产出指标缺少某类二级指标：看整个产出指标组",
    "PT109": "指标值确定依据为空：全部为空时只报一条",
    "PT110": "三级指标名称为空时按第 N 条指标称呼",
    "PT207": "多个成本指标合计：看全部成本指标",
    "PT208": "项目名称中的数量：看项目名称",
    "PT407": "三级指标重复：看全部指标",
}
CODE_RULES: tuple[str, ...] = ("PT101", "PT102")


_CONTEXTS: dict[int, tuple[RuleConfig, Context]] = {}


def _context(config: RuleConfig) -> Context:
    # The row rules read only the configuration (satisfaction floor, smaller-is-better
    # words), so one context per configuration serves every call (a UDF pass is hundreds).
    kept = _CONTEXTS.get(id(config))
    if kept is None or kept[0] is not config:
        if len(_CONTEXTS) > 16:
            _CONTEXTS.clear()
        kept = _CONTEXTS[id(config)] = (config, Context(Department(), config))
    return kept[1]


def _hits(codes: tuple[str, ...], facts: ProjectFacts,
          config: RuleConfig | None) -> list[tuple[str, Hit]]:
    ctx = _context(config or _default())
    return [(code, hit) for code in codes if ctx.config.is_enabled(code)
            for hit in get_rule(code).check(facts, ctx)]


@lru_cache(maxsize=1)
def _default() -> RuleConfig:
    return default_config()


def row_hits(level1: str, level2: str, level3: str, value: str, budget: Decimal | None, *,
             description: str = "", index: int = 0,
             config: RuleConfig | None = None) -> list[tuple[str, Hit]]:
    """(rule code, hit) for one indicator row, in the engine's order (by rule code).

    ``index`` is the row's 0-based place in the table: it only names a row that has neither
    三级指标 nor description ("第 3 条指标"). A blank 一级 / 二级指标 is taken as written
    (the whole-table check, :func:`table_hits`, carries the name down from the row above).
    """
    pad = [Indicator("", "", "")] * index
    rows = table_hits([*pad, Indicator(level1, level2, level3, description, value)], budget,
                      config=config, first=index)
    return rows[index]


def table_hits(indicators: Sequence[Indicator], budget: Decimal | None, *,
               config: RuleConfig | None = None, first: int = 0) -> list[list[tuple[str, Hit]]]:
    """The row-level hits of every indicator of a table (rows from ``first`` on), read as
    the validator reads a project: blank 一级 / 二级指标 carry the name above."""
    project = Project(seq=0, code="", name="", budget=budget, indicators=list(indicators))
    facts = ProjectFacts(project)
    if first:
        facts.rows = facts.rows[first:]
    out: list[list[tuple[str, Hit]]] = [[] for _ in indicators]
    for code, hit in _hits(ROW_RULES, facts, config):
        if hit.indicator is not None:
            out[hit.indicator].append((code, hit))
    return out


def check_row(level1: str, level2: str, level3: str, value: str, budget: Decimal | None, *,
              description: str = "", index: int = 0,
              config: RuleConfig | None = None) -> list[str]:
    """The messages ``perf-xl validate`` gives for this row (indicator-level rules)."""
    return [h.message for _code, h in row_hits(level1, level2, level3, value, budget,
                                               description=description, index=index,
                                               config=config)]


def check_rows(rows: Sequence[Sequence[str]], budget: Decimal | None, *,
               config: RuleConfig | None = None) -> list[list[str]]:
    """The messages for each row of a table; a row is (一级, 二级, 三级, 指标值[, 描述])."""
    indicators = [Indicator(r[0], r[1], r[2], r[4] if len(r) > 4 else "", r[3]) for r in rows]
    return [[h.message for _code, h in hits]
            for hits in table_hits(indicators, budget, config=config)]


def check_code(code: str, config: RuleConfig | None = None) -> list[tuple[str, str]]:
    """(severity, message) of PT101 / PT102 for a 项目编码 — what validate says about it."""
    facts = ProjectFacts(Project(seq=0, code=code, name=""))
    return [(hit.severity or get_rule(rule).severity, hit.message)
            for rule, hit in _hits(CODE_RULES, facts, config)]
