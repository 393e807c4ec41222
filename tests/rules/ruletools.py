"""Builders for rule tests: a correct project table (table 1 of the real 2024 document,
which has no mistake), and small helpers to break one thing at a time."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal as D

from perf_xl.model import Department, Indicator, Project
from perf_xl.rules import RuleConfig, validate

_CS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_code(first20: str) -> str:
    """A valid 项目编码 for 20 characters — written here independently of the code under test."""
    values = {**{str(d): d for d in range(10)}, "P": 6}
    s = sum(values[c] * 3**i for i, c in enumerate(first20))
    return first20 + _CS[(31 - s % 31) % 31]


def ind(level1, level2, level3, description, value, basis="国家赔偿工作计划", line=None):
    return Indicator(level1, level2, level3, description, value, basis, line)


def clean_project(seq: int = 1, **changes) -> Project:
    """Table 1 of the seed document (罚没安排—国家赔偿), correct in every respect."""
    base = Project(
        seq=seq,
        code="13070024P000482100018",
        name="罚没安排—国家赔偿（市法院）",
        budget=D("100.00"),
        fiscal=D("100.00"),
        other=None,
        purpose="项目预算资金额为 100 万元，主要用于错案赔偿等国家赔偿。",
        plan=[D(25), D(50), D(75), D(100)],
        goal="1.项目预算资金额为 100 万元，主要用于错案赔偿等国家赔偿。",
        funding_line="罚没收入安排",
        unit="161001 张家口市中级人民法院本级",
        indicators=[
            ind("产出指标", "数量指标", "平均审理天数", "赔偿案件平均审理天数", "≤40 天", line=113),
            ind("", "质量指标", "精准发放率", "按程序处理国家赔偿案件将赔偿款精准发放", "≥90%", line=114),
            ind("", "时效指标", "发放及时率", "及时发放到当事人", "≥90%", line=115),
            ind("", "成本指标", "项目预算控制数", "项目总成本", "≤100 万元", line=116),
            ind("效益指标", "社会效益指标", "化解矛盾率", "化解矛盾的数量占案件数的比例", "≥90%", line=117),
            ind("满意度指标", "服务对象满意度指标", "当事人满意度", "赔偿申请人满意度", "≥90%", "问卷调查", line=118),
        ],
        line=100,
        lines={"code": 106, "budget": 107, "purpose": 108, "plan": 110, "goal": 111},
    )
    return replace(base, **changes) if changes else base


def department(*projects: Project, year: int | None = 2024) -> Department:
    return Department(unit_name="张家口市中级人民法院", unit_code="161001", year=year,
                      projects=list(projects) or [clean_project()])


def with_indicator(project: Project, index: int, **changes) -> Project:
    """A copy of ``project`` with indicator ``index`` changed (or appended when index is
    len(indicators))."""
    p = copy.deepcopy(project)
    if index == len(p.indicators):
        p.indicators.append(Indicator(**{"level1": "", "level2": "", "level3": "",
                                         "description": "", "value": "", "basis": "", **changes}))
    else:
        p.indicators[index] = replace(p.indicators[index], **changes)
    return p


def without_indicators(project: Project, *indices: int) -> Project:
    p = copy.deepcopy(project)
    p.indicators = [x for i, x in enumerate(p.indicators) if i not in indices]
    return p


def run(target, config: RuleConfig | None = None):
    dept = target if isinstance(target, Department) else department(target)
    return validate(dept, config)


def only(findings, code):
    return [f for f in findings if f.code == code]
