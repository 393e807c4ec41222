"""Every rule fires on a table with its mistake and stays silent on a correct one."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from ruletools import (
    clean_project,
    department,
    ind,
    make_code,
    only,
    run,
    with_indicator,
    without_indicators,
)

from perf_xl.model import SubGoal
from perf_xl.rules import RuleConfig, catalogue, make_finding
from perf_xl.workbook import layout

CLEAN = clean_project()
ALL_CODES = [r.code for r in catalogue() if r.check is not None and r.scope in ("project", "department")]


def test_the_correct_table_is_clean():
    assert run(CLEAN) == []


def test_a_correct_department_of_several_tables_is_clean():
    projects = [clean_project(seq=i, code=make_code(f"13070024P0004821{i:04d}")) for i in range(1, 6)]
    assert run(department(*projects)) == []


# code -> list of (id, project-or-department, config, message fragment, field/cell, severity)
def _no_basis(project):
    for i in range(len(project.indicators)):
        project = with_indicator(project, i, basis="")
    return project


def _cost(value, name="项目预算控制数", desc="项目总成本"):
    return with_indicator(CLEAN, 3, level3=name, description=desc, value=value)


FIRES = [
    ("PT101", "empty", clean_project(code=""), None, "项目编码为空", "B3", "error"),
    ("PT101", "short", clean_project(code="13070024P00048210001"), None, "长度为 20 位", "B3", "error"),
    ("PT101", "letter in digits", clean_project(code="13070024P00048210O018"), None, "第 10–20 位（顺序号）", "B3", "error"),
    ("PT101", "lower-case type", clean_project(code="13070024p000482100018"), None, "类型字母", "B3", "error"),
    ("PT102", "check char", clean_project(code="13070024P000482100019"), None, "应为「8」", "B3", "error"),
    ("PT102", "digit typo", clean_project(code="13070024P000483100018"), None, "校验码错误", "B3", "error"),
    ("PT102", "unknown type letter", clean_project(code="13070024K000482100018"), None, "无法核对校验码", "B3", "warning"),
    ("PT103", "same code twice", department(clean_project(1), clean_project(2, name="罚没安排—司法救助（市法院）")), None,
     "与第 1 项「罚没安排—国家赔偿（市法院）」重复", "B3", "error"),
    ("PT104", "blank name", clean_project(name="  "), None, "项目名称为空", "E3", "error"),
    ("PT105", "blank goal", clean_project(goal=""), None, "绩效目标为空", "B9", "error"),
    ("PT106", "no satisfaction", without_indicators(CLEAN, 5), None, "缺少满意度指标", "A11", "error"),
    ("PT106", "no benefit", without_indicators(CLEAN, 4), None, "缺少效益指标", "A11", "error"),
    ("PT107", "no timeliness", without_indicators(CLEAN, 2), None, "产出指标缺少「时效指标」", "B12", "error"),
    ("PT107", "no cost", without_indicators(CLEAN, 3), None, "产出指标缺少「成本指标」", "B12", "error"),
    ("PT108", "level1 unknown", with_indicator(CLEAN, 4, level1="效果指标"), None, "一级指标「效果指标」不在指标体系中", "A16", "error"),
    ("PT108", "level2 under wrong level1", with_indicator(CLEAN, 4, level2="质量指标"), None,
     "二级指标「质量指标」不属于「效益指标」", "B16", "error"),
    ("PT108", "level2 blank", with_indicator(CLEAN, 5, level2=""), None, "二级指标为空", "B17", "error"),
    ("PT109", "basis blank", with_indicator(CLEAN, 1, basis=""), None, "『精准发放率』的指标值确定依据为空", "G13", "warning"),
    ("PT110", "description blank", with_indicator(CLEAN, 2, description=" "), None, "『发放及时率』的绩效指标描述为空", "D14", "warning"),
    ("PT110", "level3 blank", with_indicator(CLEAN, 2, level3=""), None, "第 3 条指标的三级指标名称为空", "C14", "warning"),
    ("PT111", "prior-year code", clean_project(code="13070023P00087110001U"), None, "2023 年，与预算年度 2024 年不同", "B3", "info"),
    ("PT201", "funds do not add up", clean_project(fiscal=D("90")), None,
     "预算数 100.00万元 ≠ 财政资金 90.00万元 + 其他资金 0.00万元（相差 10.00万元）", "E4", "error"),
    ("PT201", "fiscal not a number", clean_project(invalid={"fiscal": "一百"}), None, "财政资金「一百」不是数字", "E4", "error"),
    ("PT202", "budget missing", clean_project(budget=None), None, "预算数为空", "C4", "error"),
    ("PT202", "budget text", clean_project(budget=None, invalid={"budget": "十万"}), None, "预算数「十万」不是数字", "C4", "error"),
    ("PT202", "budget negative", clean_project(budget=D("-1"), fiscal=D("-1")), None, "为负数", "C4", "error"),
    ("PT203", "purpose 134 vs 12", clean_project(budget=D(12), fiscal=D(12), purpose="项目预算资金额为 134 万元，主要用于发放辅警人员工资、保险。",
                                                 goal="1.按时发放辅警人员工资、保险等。", indicators=_cost("≤12 万元").indicators),
     None, "资金用途中写的「134 万元」与预算数 12.00万元 不一致", "B5", "error"),
    ("PT203", "goal in 元", clean_project(goal="项目总额为 1,200,000 元。"), None, "绩效目标中写的「1,200,000 元」", "B9", "error"),
    ("PT204", "cost over budget", clean_project(budget=D("42.78"), fiscal=D("42.78"), purpose="", goal="按时发放。",
                                                indicators=_cost("≤460万元").indicators),
     None, "成本指标『项目预算控制数』≤460万元 超过预算数 42.78万元", "F15", "error"),
    ("PT204", "cost in 元 over budget", _cost("≤1,500,000 元"), None, "超过预算数 100.00万元", "F15", "error"),
    ("PT205", "total below budget", _cost("≤80 万元"), None, "低于预算数 100.00万元：有 20.00万元 预算没有成本目标", "F15", "warning"),
    ("PT206", "unit cost = budget", with_indicator(clean_project(budget=D(65), fiscal=D(65), purpose="", goal="发放加班补贴。",
                                                                 indicators=_cost("≤65 万元", "加班补贴总成本", "加班补贴总成本").indicators),
                                                   6, level1="产出指标", level2="成本指标", level3="人均加班补贴标准",
                                                   description="工改补贴保留人员和司法警察每人每月加班补贴发放标准", value="65 万元", basis="计划"),
     None, "单位成本指标『人均加班补贴标准』65万元 与整个预算数 65.00万元 相当", "F18", "warning"),
    ("PT206", "unit cost in 万元/人", with_indicator(CLEAN, 6, level1="产出指标", level2="成本指标", level3="赔偿标准", description="每件",
                                                     value="≤100 万元/件", basis="x"),
     None, "单位成本指标『赔偿标准』≤100万元/件 与整个预算数 100.00万元 相当", "F18", "warning"),
    ("PT207", "parts add up over budget",
     with_indicator(_cost("≤60万元", "设备购置费", "购置办案设备"), 6, level1="产出指标", level2="成本指标", level3="运维费", description="系统运维",
                    value="≤50万元", basis="计划"),
     None, "成本指标『设备购置费』、『运维费』合计 110.00万元，超过预算数 100.00万元", "F15", "warning"),
    ("PT208", "6 辆 vs ≥1 辆", with_indicator(clean_project(name="提前下达 2023 年法院建设补助资金(业务装备购置—6 辆执法执勤车购置经费)"),
                                             0, level3="装备购置数量", description="购置执法执勤车辆", value="≥1 辆"),
     None, "项目名称写明「6辆」，数量指标『装备购置数量』却为「≥1辆」", "F12", "warning"),
    ("PT301", "no 12月底", clean_project(plan=[D(25), D(50), D(75), None]), None, "资金支出计划缺少「12月底」", "E7", "error"),
    ("PT301", "no 10月底", clean_project(plan=[D(25), D(50), None, D(100)]), None, "资金支出计划缺少「10月底」", "D7", "error"),
    ("PT301", "no plan at all", clean_project(plan=[None] * 4), None, "资金支出计划未填写", "B7", "error"),
    ("PT302", "above 100", clean_project(plan=[D(25), D(50), D(120), D(100)]), None, "「10月底」为 120%，应在 0–100% 之间", "D7", "error"),
    ("PT302", "not a number", clean_project(plan=[D(25), None, D(75), D(100)], invalid={"plan.1": "五成"}), None,
     "「6月底」的值「五成」不是百分比", "C7", "error"),
    ("PT303", "decreasing", clean_project(plan=[D(50), D(40), D(75), D(100)]), None, "「6月底」40% 小于「3月底」50%", "C7", "error"),
    ("PT304", "year end 90", clean_project(plan=[D(25), D(50), D(75), D(90)]), None, "「12月底」为 90%，应为 100%", "E7", "error"),
    ("PT305", "below floor", clean_project(plan=[D(0), D(0), D(100), D(100)]), RuleConfig(progress_floor=(D(20), None, None, None)),
     "「3月底」0% 低于要求的进度 20%", "B7", "warning"),
    ("PT401", "number glued to words", with_indicator(CLEAN, 4, value="1 进一步提高"), None, "后跟文字「进一步提高」", "F16", "error"),
    ("PT401", "placeholder", with_indicator(CLEAN, 1, value="≥XX%"), None, "占位符", "F13", "error"),
    ("PT401", "lone operator", with_indicator(CLEAN, 1, value="＞"), None, "只有运算符", "F13", "error"),
    ("PT401", "中期 value checked for form", with_indicator(CLEAN, 1, mid_value="≥XX%"), None, "中期（实施期）指标值无法识别", "AF13", "error"),
    ("PT402", "no unit", with_indicator(CLEAN, 1, value="≥90"), None, "「≥90」没有计量单位", "F13", "warning"),
    ("PT403", "≥100%", with_indicator(CLEAN, 1, value="≥100%"), None, "应写「=100%」", "F13", "warning"),
    ("PT403", "105%", with_indicator(CLEAN, 2, value="105%"), None, "超过 100%", "F14", "error"),
    ("PT404", "benefit with ≤", with_indicator(CLEAN, 4, level3="维护社会稳定", value="≤95%"), None,
     "效益指标『维护社会稳定』写成「≤95%」", "F16", "warning"),
    ("PT404", "cost with ≥", _cost("≥100 万元"), None, "成本指标『项目预算控制数』写成「≥100 万元」", "F15", "warning"),
    ("PT404", "satisfaction with <", with_indicator(CLEAN, 5, value="＜90%"), None, "满意度指标『当事人满意度』", "F17", "warning"),
    ("PT405", "百分比", with_indicator(CLEAN, 1, value="≥90 百分比"), None, "单位「百分比」按规范应写作「%」（≥90%）", "F13", "info"),
    ("PT406", "satisfaction 70%", with_indicator(CLEAN, 5, value="≥70%"), None, "目标「≥70%」低于 80%", "F17", "warning"),
    ("PT406", "custom floor", with_indicator(CLEAN, 5, value="≥85%"), RuleConfig(satisfaction_floor=D(90)), "低于 90%", "F17", "warning"),
    ("PT407", "same level3 twice", with_indicator(CLEAN, 2, level3="精准发放率"), None, "『精准发放率』在本项目中重复出现（第 2 条与第 3 条）", "C14", "warning"),
    ("PT501", "no funding line", clean_project(funding_line=""), None, "项目没有资金来源", "B10", "info"),
    # Added after the first release (issue 13): what the 一体化 system blocks, real tables.
    ("PT112", "level3 over 40 characters",
     with_indicator(CLEAN, 1, level3="按程序处理国家赔偿案件并将赔偿款足额精准发放到每一位赔偿请求人手中的比例及其完成情况"),
     None, "超过一体化系统允许的 40 个字", "C13", "error"),
    ("PT113", "empty value", with_indicator(CLEAN, 1, value=""), None, "『精准发放率』的指标值为空", "F13", "error"),
    ("PT114", "3-year project without 中期目标", clean_project(period="3年"), None,
     "项目期为「3年」）缺少中期（实施期）目标", "AG5", "error"),
    ("PT114", "中期 values without 中期目标", with_indicator(CLEAN, 1, mid_value="≥95%"), None,
     "指标表填了中期（实施期）指标值）缺少中期（实施期）目标", "AG5", "error"),
    ("PT115", "two numbers (was PT401)", with_indicator(CLEAN, 1, value="90%-95%"), None, "含两个目标值", "F13", "warning"),
    ("PT115", "two measures in one", with_indicator(CLEAN, 2, level3="发放及时率及满意度", value="≥90%、≥95%"), None,
     "名称也合并了两项指标", "F14", "warning"),
    ("PT116", "数量 written as words", with_indicator(CLEAN, 0, value="有效减少"), None,
     "数量指标『平均审理天数』的指标值「有效减少」是定性文字", "F12", "warning"),
    ("PT116", "时效 written as words", with_indicator(CLEAN, 2, value="及时"), None, "时效指标应量化", "F14", "warning"),
    ("PT503", "sub-goal with no measurable target",
     replace(department(CLEAN), sub_goals=[SubGoal("综合事务管理", target="对全体干警进行政治理论学习培训，提高思想政治水平。", line=70)]),
     None, "分项绩效目标「综合事务管理」没有可衡量的目标", None, "warning"),
    ("PT504", "layout without the basis column",
     department(*[replace(_no_basis(clean_project(seq=i, code=make_code(f"13070024P0004821{i:04d}"))), absent=["basis"])
                  for i in (1, 2)]),
     None, "「指标值确定依据」列（全部项目，不再逐项报告 PT109）", None, "info"),
    ("PT505", "a row that could not be placed", clean_project(unread=[{"line": 109, "text": "无法归属这一行（“随便”…）"}]),
     None, "无法归属这一行", None, "warning"),
]


@pytest.mark.parametrize(("code", "target", "config", "fragment", "cell", "severity"),
                         [pytest.param(*case[:1], *case[2:], id=f"{case[0]}-{case[1]}") for case in FIRES])
def test_rule_fires(code, target, config, fragment, cell, severity):
    findings = only(run(target, config), code)
    assert findings, f"{code} did not fire"
    f = findings[0]
    assert fragment in f.message
    assert f.cell == cell
    assert f.severity == severity


def test_every_rule_has_a_firing_case():
    assert {c[0] for c in FIRES} == set(ALL_CODES)


# Traps: tables that look suspicious but are right. (code that must stay silent, target, config)
SILENT = [
    ("PT404", "平均审理天数 ≤40 天 (smaller is better)", CLEAN, None),
    ("PT404", "投诉次数 ≤3 次", with_indicator(CLEAN, 4, level3="当事人投诉次数", description="投诉次数", value="≤3 次"), None),
    ("PT404", "时效 ≤30 天", with_indicator(CLEAN, 2, level3="审结时限", description="在规定天内完成", value="≤30 天"), None),
    ("PT404", "duration unit 小时", with_indicator(CLEAN, 2, level3="响应速度", description="接到报修后响应", value="≤48 小时"), None),
    ("PT404", "cost saving ≥", with_indicator(CLEAN, 6, level1="产出指标", level2="成本指标", level3="节约资金", description="节约", value="≥5 万元", basis="x"), None),
    ("PT404", "configured extra word", with_indicator(CLEAN, 4, level3="群众等待时段", description="排队", value="≤10%"),
     RuleConfig(smaller_is_better=("等待",))),
    ("PT208", "为 7 个法院 … ≥1 套 (different units)",
     with_indicator(clean_project(name="提前下达 2023 年法院建设补助资金(业务装备购置—为 7 个法院代采高速彩色多功能打印装订一体化设备经费)"),
                    0, level3="装备购置数量", description="购置一体化设备", value="≥1 套"), None),
    ("PT208", "20 台 = 20 台", with_indicator(clean_project(name="提前下达 2023 年法院建设补助资金(业务装备购置—20 台卷宗封面打印机购置经费)"),
                                             0, level3="装备购置数量", description="购置打印机", value="20 台"), None),
    ("PT208", "year in the name is no count", clean_project(name="2023 年度司法救助资金（张家口市中级人民法院）"), None),
    ("PT203", "为 100 万元 = 100", CLEAN, None),
    ("PT203", "1598.9 = 1598.90", clean_project(budget=D("1598.90"), fiscal=D("1598.90"), purpose="项目预算资金额为 1598.9 万元，主要用于办公费。",
                                                goal="保障运行。", indicators=_cost("≤1598.9万元").indicators), None),
    ("PT203", "a part, not the total", clean_project(purpose="其中设备购置资金 50 万元，运维 20 万元。"), None),
    ("PT203", "a unit amount", clean_project(purpose="项目预算按每人每月 500 元标准发放。"), None),
    ("PT206", "a true unit cost", with_indicator(CLEAN, 6, level1="产出指标", level2="成本指标", level3="人均补贴标准", description="每人每月",
                                                  value="0.05 万元", basis="x"), None),
    ("PT206", "a true unit cost in 万元/人", with_indicator(CLEAN, 6, level1="产出指标", level2="成本指标", level3="人均补贴",
                                                            description="每人", value="≤0.5 万元/人", basis="x"), None),
    ("PT204", "a unit cost is not compared as a total", with_indicator(CLEAN, 6, level1="产出指标", level2="成本指标", level3="单价",
                                                                        description="每台", value="≤120 万元/台", basis="x"), None),
    ("PT207", "parts within budget",
     with_indicator(_cost("≤60万元", "设备购置费", "购置办案设备"), 6, level1="产出指标", level2="成本指标", level3="运维费", description="系统运维",
                    value="≤40万元", basis="x"), None),
    ("PT204", "cost equal to budget within 0.005", clean_project(budget=D("100.004"), fiscal=D("100.004")), None),
    ("PT205", "cost equal to budget", CLEAN, None),
    ("PT301", "12月底 given", CLEAN, None),
    ("PT303", "front-loaded 50/100/100/100", clean_project(plan=[D(50), D(100), D(100), D(100)]), None),
    ("PT303", "one-off 0/0/100/100", clean_project(plan=[D(0), D(0), D(100), D(100)]), None),
    ("PT304", "12月底 missing is PT301, not PT304", clean_project(plan=[D(25), D(50), D(75), None]), None),
    ("PT305", "no floor by default", clean_project(plan=[D(0), D(0), D(100), D(100)]), None),
    ("PT305", "monthly wages 25/50/83.33/100 above floor", clean_project(plan=[D(25), D(50), D("83.33"), D(100)]),
     RuleConfig(progress_floor=(D(25), D(50), D(75), D(100)))),
    ("PT403", "=100% is right", with_indicator(CLEAN, 1, value="100%"), None),
    ("PT403", "growth rate may exceed 100", with_indicator(CLEAN, 4, level3="结案数增长率", description="同比增长", value="≥120%"), None),
    ("PT405", "full-width ％ is not a spelling issue", with_indicator(CLEAN, 1, value="≥９０％"), None),
    ("PT401", "qualitative target", with_indicator(CLEAN, 4, value="持续影响"), None),
    ("PT402", "qualitative has no unit by nature", with_indicator(CLEAN, 4, value="有效提升"), None),
    ("PT406", "satisfaction 80% exactly", with_indicator(CLEAN, 5, value="≥80%"), None),
    ("PT107", "成本 as a first level (province variant)",
     with_indicator(without_indicators(CLEAN, 3), 5, level1="成本指标", level2="经济成本指标", level3="项目总成本",
                    description="项目总成本", value="≤100万元", basis="x"), None),
    ("PT108", "names without 指标 and with spaces",
     with_indicator(with_indicator(CLEAN, 0, level1="产出", level2=" 数量 "), 4, level1="效益", level2="社会效益"), None),
    ("PT108", "merged 一级指标 cells (blank below the first row)", CLEAN, None),
    ("PT109", "basis given", CLEAN, None),
    ("PT111", "budget year from config", clean_project(code="13070023P00087110001U"), RuleConfig(year=2023)),
    ("PT111", "no budget year known", department(clean_project(code="13070023P00087110001U"), year=None), None),
    ("PT102", "all codes valid", department(clean_project(1), clean_project(2, code="13070023P00087110001U")), None),
    # Issue 13: real tables' spellings that are not mistakes, and the amendments.
    ("PT401", "compound unit 元/人·月", _cost("≤5500元/人·月", name="人均工资标准", desc="每人每月工资标准"), None),
    ("PT401", "compound unit 元/人/月", _cost("≤5500元/人/月", name="人均工资标准", desc="每人每月工资标准"), None),
    ("PT401", "次/年 and 人次", with_indicator(with_indicator(CLEAN, 0, value="≥12次/年"), 1, value="≥500人次"), None),
    ("PT401", "a date range is a 时效 target", with_indicator(CLEAN, 2, value="2023.07-2024.01"), None),
    ("PT401", "spaces inside ≥ 90 %", with_indicator(CLEAN, 1, value="≥ 90 %"), None),
    ("PT116", "a date range is quantified", with_indicator(CLEAN, 2, value="2023.07-2024.01"), None),
    ("PT116", "a deadline is quantified", with_indicator(CLEAN, 2, value="2024年12月底前"), None),
    ("PT116", "qualitative benefit is fine", with_indicator(CLEAN, 4, value="持续影响"), None),
    ("PT115", "one number with a compound unit", _cost("≤5500元/人·月", name="人均工资标准", desc="每人每月工资标准"), None),
    ("PT112", "40 characters exactly", with_indicator(CLEAN, 1, level3="一" * 40), None),
    ("PT114", "one-year project", clean_project(period="1年"), None),
    ("PT114", "3-year project with both goals", clean_project(period="2023-2025年", mid_goal="三年内赔偿案件全部按期办结。"), None),
    ("PT108", "national template's satisfaction name", with_indicator(CLEAN, 5, level2="社会公众或服务对象满意度指标"), None),
    ("PT205", "河北 mode: 成本控制率 =100% is the cost target",
     with_indicator(_cost("≤80 万元"), 6, level1="产出指标", level2="成本指标", level3="项目成本控制率",
                    description="成本控制在预算内", value="=100%", basis="系统固化"), None),
    ("PT503", "numbers, grades and Chinese numerals are measurable",
     replace(department(CLEAN), sub_goals=[SubGoal("审判管理", target="使本院审判指标达到全省法院中等以上。"),
                                           SubGoal("综合业务管理", target="每年至少进行一次业务培训"),
                                           SubGoal("案件审判", target="审限内完成受理的一审、二审案件 90%")]), None),
    ("PT109", "absent from the layout: PT504 says it once",
     department(replace(_no_basis(CLEAN), absent=["basis"])), None),
    ("PT301", "absent from the layout: PT504 says it once",
     department(clean_project(plan=[None] * 4, absent=["plan"])), None),
]


@pytest.mark.parametrize(("code", "target", "config"),
                         [pytest.param(c, t, cfg, id=f"{c}-{name}") for c, name, t, cfg in SILENT])
def test_rule_stays_silent(code, target, config):
    findings = run(target, config)
    assert only(findings, code) == []


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_rule_is_silent_on_the_correct_table(code):
    assert only(run(CLEAN), code) == []


def test_pt106_names_the_right_review_wording():
    bare = clean_project(indicators=[])
    found = only(run(bare), "PT106")
    assert [f.category for f in found] == ["建议增加明确产出指标", "建议增加明确效益指标", "建议增加满意度指标"]
    assert only(run(bare), "PT107") == []  # the whole first level missing is PT106's finding


def test_pt108_level1_wording():
    f = only(run(with_indicator(CLEAN, 4, level1="效果指标")), "PT108")
    assert [x.category for x in f] == ["一级指标类型错误"]


def test_pt109_one_finding_for_a_table_without_the_column():
    p = clean_project()
    for i in range(len(p.indicators)):
        p = with_indicator(p, i, basis="")
    found = only(run(p), "PT109")
    assert len(found) == 1
    assert "所有指标" in found[0].message


def test_pt103_flags_only_the_repeat():
    dept = department(clean_project(1), clean_project(2), clean_project(3))
    found = only(run(dept), "PT103")
    assert [f.project_seq for f in found] == [2, 3]


def test_pt403_exact_100_with_greater_than_is_an_error():
    f = only(run(with_indicator(CLEAN, 1, value="＞100%")), "PT403")
    assert f and f[0].severity == "error"


def test_pt502_is_catalogued_for_the_workbook_reader():
    f = make_finding("PT502", "单元格 B4 应为「预算数」，实际为「其他资金」", sheet="01 国家赔偿", cell="B4",
                     found="其他资金", expected="预算数")
    assert (f.code, f.severity, f.category, f.cell) == ("PT502", "error", "其他", "B4")
    assert f.to_dict()["expected"] == "预算数"


def test_finding_points_at_sheet_cell_and_line():
    p = with_indicator(CLEAN, 3, value="≤460万元")
    f = only(run(p), "PT204")[0]
    assert f.sheet == layout.project_sheet_name(1, p.name) == "01 国家赔偿"
    assert f.cell == layout.cell_of("value", 3)
    assert f.line == 116  # Indicator.line
    assert (f.project_code, f.project_seq) == ("13070024P000482100018", 1)
    g = only(run(clean_project(plan=[D(25), D(50), D(75), None])), "PT301")[0]
    assert g.line == 110  # Project.lines["plan"] for plan.3
    d = f.to_dict()
    assert {"code", "severity", "category", "project_code", "project_seq", "sheet", "cell", "line", "message"} <= set(d)


def test_sheet_from_the_workbook_wins():
    p = replace(clean_project(plan=[D(25), D(50), D(75), None]), sheet="国家赔偿表")
    assert only(run(p), "PT301")[0].sheet == "国家赔偿表"


def test_duplicate_sheet_names_are_made_unique_like_the_builder():
    a, b = clean_project(1), clean_project(1, code=make_code("13070024P00048210002"))
    for p in (a, b):
        p.plan[3] = None
    sheets = [f.sheet for f in only(run(department(a, b)), "PT301")]
    assert len(set(sheets)) == 2


def test_stable_order_by_project_then_code():
    bad1 = clean_project(1, plan=[D(25), D(50), D(75), None], goal="")
    bad2 = clean_project(2, code=make_code("13070024P00048210002"), name="")
    findings = run(department(bad1, bad2))
    keys = [(f.project_seq, f.code) for f in findings]
    assert keys == sorted(keys)
    assert keys == [(1, "PT105"), (1, "PT301"), (2, "PT104")]
    assert run(department(bad1, bad2)) == findings


def test_disabled_rule_is_not_run():
    cfg = RuleConfig(enabled={"PT301": False})
    assert only(run(clean_project(plan=[D(25), D(50), D(75), None]), cfg), "PT301") == []


def test_indicator_beyond_40_has_its_cell_and_line():
    p = clean_project()
    for i in range(45):
        p.indicators.append(ind("", "", f"指标{i}", "描述", "≥1 个", line=200 + i))
    p.indicators[-1] = replace(p.indicators[-1], value="XX")
    f = only(run(p), "PT401")[0]
    assert f.cell == "F62" and f.line == 244  # the table has no fixed size (issue 12)


def test_smaller_is_better_words_from_config_matter():
    p = with_indicator(CLEAN, 4, level3="群众等待时段", description="排队", value="≤10%")
    assert only(run(p), "PT404")  # without the configured word it is a wrong direction
    assert only(run(p, RuleConfig(smaller_is_better=("等待",))), "PT404") == []


def test_pt205_still_fires_without_a_cost_control_rate():
    assert only(run(_cost("≤80 万元")), "PT205")


def test_pt404_advice_names_no_english_key():
    f = only(run(with_indicator(CLEAN, 4, level3="维护社会稳定", value="≤95%")), "PT404")[0]
    assert "smaller_is_better" not in f.message and "「越小越好」" in f.message


def test_pt203_speaks_one_unit():
    p = clean_project(purpose="项目预算资金额为 1,300,000 元，主要用于错案赔偿等国家赔偿。")
    f = only(run(p), "PT203")[0]
    assert f.message == "资金用途中写的「1,300,000 元」与预算数 1,000,000元 不一致（均按元计）"
    assert "万元" not in f.message


def test_pt204_reads_wan_without_yuan_as_money():
    found = run(_cost("≤300万"))
    assert only(found, "PT204") and "超过预算数 100.00万元" in only(found, "PT204")[0].message
    assert only(found, "PT405")  # 万 for 万元 is noted, not an error


def test_pt505_and_pt503_point_at_their_lines():
    f = only(run(clean_project(unread=[{"line": 109, "text": "无法归属这一行"}])), "PT505")[0]
    assert f.line == 109
    dept = replace(department(CLEAN), sub_goals=[SubGoal("综合事务管理", target="提高水平", line=70)])
    assert only(run(dept), "PT503")[0].line == 70


def test_pt504_is_one_finding_for_the_whole_document():
    projects = [replace(clean_project(seq=i, code=make_code(f"13070024P0004821{i:04d}"), plan=[None] * 4),
                        absent=["plan"]) for i in range(1, 6)]
    found = run(department(*projects))
    assert len(only(found, "PT504")) == 1 and only(found, "PT301") == []
    assert "「资金支出计划」行" in only(found, "PT504")[0].message
