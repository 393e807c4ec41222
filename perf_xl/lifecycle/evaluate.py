"""Monitoring at month N and the year-end self-evaluation of every project: figures,
lights and scores (what the workbook's native formulas show, and what the JSON output of
``perf-xl monitor`` / ``perf-xl selfeval`` carries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..model import Department, IndicatorTrack, Project, ProjectTrack
from ..rules.facts import ProjectFacts
from . import grades, lights, scores
from .config import LifecycleConfig
from .judge import OTHER_GROUP, Judged, judge_project, number
from .lights import HUNDRED, round2

MONITOR, SELFEVAL = "monitor", "selfeval"
MONTHS = range(3, 12)  # monitoring months: 3–11


@dataclass
class IndicatorResult:
    judged: Judged
    level1: str
    level2: str
    value_text: str  # 指标值 as written
    reported: Any  # the raw figure (str as typed)
    actual: Decimal | str | None  # a number, a grade text, or None
    light_value: Decimal | None = None
    light: str | None = None
    weight: Decimal | None = None  # self-evaluation: the 分值 in force
    score: Decimal | None = None
    grade: str | None = None  # qualitative grade named by the actual

    @property
    def index(self) -> int:
        return self.judged.index

    def to_dict(self) -> dict[str, Any]:
        j = self.judged
        return {
            "index": j.index, "name": j.name, "level1": self.level1, "level2": self.level2,
            "target": self.value_text, "kind": j.kind, "target_number": _num(j.target),
            "prorate": j.prorate, "actual": _num(self.actual) if isinstance(self.actual, Decimal)
            else self.actual, "light_value": _num(self.light_value), "light": self.light,
            "weight": _num(self.weight), "score": _num(self.score),
        }


@dataclass
class ProjectResult:
    project: Project
    phase: str
    month: int
    budget: Decimal | None  # the budget in force (调整后预算数 when given)
    executed: Decimal | None
    execution_rate: Decimal | None = None  # fraction
    standard_rate: Decimal | None = None
    plan_rate: Decimal | None = None
    budget_value: Decimal | None = None
    budget_light: str | None = None
    plan_value: Decimal | None = None
    plan_light: str | None = None
    light: str | None = None
    indicators: list[IndicatorResult] = field(default_factory=list)
    execution_score: Decimal | None = None
    indicator_score: Decimal | None = None
    total: Decimal | None = None
    grade: str | None = None
    ahead: Decimal | None = None  # % the performance score runs ahead of spending
    unspent: Decimal | None = None  # % of the budget unspent
    custom_weights: bool = False
    # What it was judged from (the indicator rows, normalised): the writer of the block's
    # helper columns reuses it rather than normalise and judge every project again.
    facts: ProjectFacts | None = field(default=None, repr=False, compare=False)

    @property
    def track(self) -> ProjectTrack:
        return self.project.track or ProjectTrack()

    def to_dict(self) -> dict[str, Any]:
        p = self.project
        data: dict[str, Any] = {
            "project_code": (p.code or "").strip(), "seq": p.seq, "name": p.name,
            "sheet": p.sheet, "funding_line": p.funding_line, "month": self.month,
            "budget": _num(p.budget), "adjusted_budget": _num(self.track.adjusted_budget),
            "executed": _num(self.executed),
            "execution_rate": _pct(self.execution_rate), "standard_rate": _pct(self.standard_rate),
            "plan_rate": _pct(self.plan_rate), "budget_value": _num(self.budget_value),
            "budget_light": self.budget_light, "plan_value": _num(self.plan_value),
            "plan_light": self.plan_light, "light": self.light,
        }
        if self.phase == SELFEVAL:
            data.update({"execution_score": _num(self.execution_score),
                         "indicator_score": _num(self.indicator_score),
                         "total": _num(self.total), "grade": self.grade,
                         "ahead": _num(self.ahead), "unspent": _num(self.unspent)})
        data["indicators"] = [i.to_dict() for i in self.indicators]
        return data


def _num(value: Any) -> float | int | None:
    if value is None:
        return None
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() and abs(d) < 10**15 else float(d)


def _pct(fraction: Decimal | None) -> float | int | None:
    """A rate in JSON: percent, 2 decimals (45.5 means 45.5%)."""
    return None if fraction is None else _num(round2(fraction * HUNDRED))


def indicator_track(project: Project, index: int) -> IndicatorTrack:
    ind = project.indicators[index]
    return ind.track or IndicatorTrack()


def budget_in_force(project: Project) -> Decimal | None:
    t = project.track
    if t is not None and t.adjusted_budget is not None and t.adjusted_budget > 0:
        return t.adjusted_budget
    return project.budget


def evaluate_project(project: Project, phase: str, month: int, cfg: LifecycleConfig,
                     facts: ProjectFacts | None = None) -> ProjectResult:
    facts = facts or ProjectFacts(project)
    track = project.track or ProjectTrack()
    budget = budget_in_force(project)
    executed = track.executed if phase == MONITOR else track.year_executed
    res = ProjectResult(project, phase, month, budget, executed, facts=facts)
    if budget is not None and budget > 0 and executed is not None:
        res.execution_rate = executed / budget
    if phase == MONITOR:
        res.standard_rate = lights.standard_rate(month)
        res.plan_rate = lights.plan_rate(project.plan, month)
        if res.execution_rate is not None:
            res.budget_value = lights.budget_value(res.execution_rate, res.standard_rate)
            res.budget_light = lights.budget_light(res.budget_value, cfg)
            if res.plan_rate is not None:
                res.plan_value = lights.budget_value(res.execution_rate, res.plan_rate)
                res.plan_light = lights.budget_light(res.plan_value, cfg)
    judged = judge_project(facts, cfg)
    weights = _weights(project, judged, cfg) if phase == SELFEVAL else {}
    res.custom_weights = any(indicator_track(project, j.index).weight is not None for j in judged)
    for j, row in zip(judged, facts.rows, strict=True):
        it = indicator_track(project, j.index)
        reported = it.progress if phase == MONITOR else it.actual
        actual = _actual(reported, j)
        ir = IndicatorResult(j, row.level1, row.level2, row.indicator.value, reported, actual)
        if j.kind is not None:
            ir.light = lights.indicator_light(j.kind, actual, j.target, month, j.prorate, cfg)
            if isinstance(actual, Decimal) and j.target is not None:
                ir.light_value = lights.indicator_value(j.kind, actual, j.target, month, j.prorate)
        if phase == SELFEVAL:
            ir.weight = weights.get(j.index)
            ir.grade = lights.grade_of(actual) if isinstance(actual, str) else None
            if ir.weight is not None and j.kind is not None:
                ir.score = scores.indicator_score(j.kind, actual, j.target, ir.weight, it.score,
                                                  ir.grade, cfg)
        res.indicators.append(ir)
    res.light = lights.worst(i.light for i in res.indicators)
    if phase == SELFEVAL:
        if executed is not None and budget is not None and budget > 0:
            res.execution_score = scores.execution_score(executed, budget, cfg)
            res.unspent = round2((1 - executed / budget) * HUNDRED)
        got = [i.score for i in res.indicators if i.score is not None]
        res.indicator_score = sum(got, Decimal(0)) if got else None
        if res.execution_score is not None and res.indicator_score is not None:
            res.total = res.execution_score + res.indicator_score
            res.grade = grades.grade(res.total, cfg)
            if res.indicator_score > 0:
                res.ahead = scores.ahead_of_spending(res.indicator_score, res.execution_score, cfg)
    return res


def _actual(reported: str, j: Judged) -> Decimal | str | None:
    if reported is None or reported == "":
        return None
    n = number(reported)
    if n is not None:
        return n
    return str(reported).strip()


def _weights(project: Project, judged: list[Judged], cfg: LifecycleConfig) -> dict[int, Decimal]:
    """The 分值 of each indicator: the unit's own weights when it gives any (a missing one
    counts 0), else the level's weight spread evenly (2 decimals, the last indicator of a
    level taking what rounding left over, so a level adds up exactly)."""
    custom = {j.index: indicator_track(project, j.index).weight for j in judged}
    if any(w is not None for w in custom.values()):
        return {i: (w if w is not None else Decimal(0)) for i, w in custom.items()}
    out: dict[int, Decimal] = {}
    groups: dict[str, list[int]] = {}
    for j in judged:
        groups.setdefault(j.group, []).append(j.index)
    for group, members in groups.items():
        total = cfg.group_weight(group) if group != OTHER_GROUP else Decimal(0)
        n = len(members)
        each = round2(total / n)
        for k, index in enumerate(members):
            out[index] = each if k < n - 1 else round2(total - each * (n - 1))
    return out


def evaluate(dept: Department, phase: str, month: int, cfg: LifecycleConfig) -> list[ProjectResult]:
    return [evaluate_project(p, phase, month, cfg) for p in dept.projects]


def month_of(dept: Department, month: int | None) -> int | None:
    """The monitoring month: the one asked for, else the one the sheets carry (the most
    common, should they differ)."""
    if month is not None:
        return month
    from collections import Counter

    seen = Counter(p.track.month for p in dept.projects if p.track and p.track.month)
    return seen.most_common(1)[0][0] if seen else None
