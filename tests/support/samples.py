"""Small, realistic models for tests that must not depend on the text importer."""

from __future__ import annotations

from decimal import Decimal as D

from perf_xl.model import Department, Indicator, Measure, Project, SubGoal


def indicators(cost: str = "≤100 万元") -> list[Indicator]:
    rows = [
        ("产出指标", "数量指标", "平均审理天数", "赔偿案件平均审理天数", "≤40 天", "国家赔偿工作计划"),
        ("产出指标", "质量指标", "精准发放率", "按程序发放", "≥90%", "国家赔偿工作计划"),
        ("产出指标", "时效指标", "发放及时率", "及时发放到当事人", "≥90%", "国家赔偿工作计划"),
        ("产出指标", "成本指标", "项目预算控制数", "项目总成本", cost, "国家赔偿工作计划"),
        ("效益指标", "社会效益指标", "化解矛盾率", "化解矛盾的比例", "≥90%", "国家赔偿工作计划"),
        ("满意度指标", "服务对象满意度指标", "当事人满意度", "赔偿申请人满意度", "≥90%", "问卷调查"),
    ]
    return [Indicator(*r) for r in rows]


def sample_department() -> Department:
    return Department(
        unit_name="张家口市中级人民法院本级",
        unit_code="161001",
        year=2024,
        title="2024 年部门预算绩效文本",
        compiled_by="张家口市中级人民法院编制",
        reviewed_by="张家口市财政局审核",
        overall_goal="坚持党的绝对领导。\n依法履职尽责，严格公正司法。",
        sub_goals=[SubGoal("案件审判", "绩效目标", "审限内完成受理的一审、二审案件 90%"),
                   SubGoal("审判管理", "绩效指标", "本院审判指标达到全省法院中等以上。")],
        measures=[Measure("完善制度建设", "根据国家、省、市有关财经法规、制度……"),
                  Measure("加强支出管理", "优化支出结构，编细编实绩效预算。")],
        projects=[
            Project(seq=1, code="13070024P000482100018", name="罚没安排—国家赔偿（市法院）",
                    budget=D("100.00"), fiscal=D("100.00"), purpose="项目预算资金额为 100 万元，主要用于错案赔偿等国家赔偿。",
                    plan=[D(25), D(50), D(75), D(100)], goal="1.项目预算资金额为 100 万元。",
                    funding_line="罚没收入安排", unit="161001 张家口市中级人民法院本级",
                    indicators=indicators()),
            Project(seq=2, code="13070024P00047710001D", name="罚没安排—综合事务经费（市法院）",
                    budget=D("500.00"), fiscal=D("500.00"), purpose="办公费等",
                    plan=[D(25), D(50), D(75), None], goal="保障机关综合事务工作正常运行。",
                    funding_line="罚没收入安排", unit="161001 张家口市中级人民法院本级",
                    indicators=indicators("≤500 万元")),
            Project(seq=3, code="13070023P00029010002R",
                    name="公检法司部门辅警人员保障经费（市中级人民法院聘用制书记员工资）",
                    budget=D("42.78"), fiscal=D("42.78"), purpose="项目预算资金额为460万元。",
                    plan=[D(25), D("50"), D("83.33"), None], goal="按时发放书记员工资。",
                    funding_line="本级财政拨款", unit="161001 张家口市中级人民法院本级",
                    indicators=indicators("≤460万元")),
            Project(seq=4, code="13070024P000629100014",
                    name="冀财政法[2023]50号—提前下达2024年省级基层公检法司转移支付资金（市法院）",
                    budget=D("257.00"), fiscal=D("200.00"), other=D("57.00"), purpose="办案业务补助资金",
                    plan=[D(0), D(0), D(100), D(100)], plan_profile="一次性", goal="提升审判能力。",
                    funding_line="省级基层公检法司转移支付", unit="161001 张家口市中级人民法院本级",
                    indicators=indicators("≤257万元")[:4]),
        ],
    )
