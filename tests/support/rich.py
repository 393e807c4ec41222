"""A rich department model: every feature the 绩效文本 has, for writer/reader round trips."""

from __future__ import annotations

from decimal import Decimal as D

from perf_xl.model import Department, Indicator, Measure, Project, SubGoal


def rich_department() -> Department:
    """Four projects covering what the writer and reader must carry: multi-row indicator
    groups, a missing 12月底, a non-number budget kept as text, amounts with more than two
    decimals (from 元), multi-paragraph goal, no indicators at all, an edited funding line,
    a plan profile, a table without a unit line, a non-contiguous 序号, and Part 1 with
    both 绩效目标 and 绩效指标 labels."""
    return Department(
        unit_name="张家口市中级人民法院",
        unit_code="161001",
        year=2024,
        title="2024 年部门预算绩效文本",
        money_unit="万元",
        compiled_by="张家口市中级人民法院编制",
        reviewed_by="张家口市财政局审核",
        overall_goal=(
            "2023年,全市法院要坚持以习近平新时代中国特色社会主义思想为指导,“两个确立”的决定性意义。\n"
            "一是坚持党的绝对领导,旗帜鲜明讲政治。\n"
            "二是坚持维护国家安全,打造平安张家口新局面。"
        ),
        sub_goals=[
            SubGoal("案件审判", "绩效目标", "审限内完成受理的一审、二审案件 90%"),
            SubGoal("审判管理", "绩效指标", "通过审判管理使本院审判指标达到全省法院中等以上。"),
            SubGoal("综合事务管理", "绩效目标", "对全体干警进行政治理论学习培训。\n提高全体干警的思想政治水平。"),
        ],
        measures=[
            Measure("完善制度建设", "根据国家、省、市有关财经法规、制度，制定本院有关绩效管理的制度。"),
            Measure("加强支出管理", "优化支出结构，编细编实绩效预算。\n加快采购进度并支付资金。"),
            Measure("做好绩效自评", "按要求开展上年度部门预算绩效自评。"),
        ],
        projects=[
            Project(
                seq=1,
                code="13070024P000482100018",
                name="罚没安排—国家赔偿（市法院）",
                budget=D("100.00"),
                fiscal=D("100.00"),
                other=None,
                purpose="项目预算资金额为 100 万元，主要用于错案赔偿等国家赔偿。",
                plan=[D("25"), D("50"), D("75"), D("100")],
                goal="1.项目预算资金额为 100 万元，主要用于错案赔偿等国家赔偿。",
                funding_line="罚没收入安排",
                unit="161001 张家口市中级人民法院本级",
                indicators=[
                    Indicator("产出指标", "数量指标", "平均审理天数", "赔偿案件平均审理天数", "≤40 天", "国家赔偿工作计划"),
                    Indicator("产出指标", "数量指标", "赔偿案件数", "全年赔偿案件数", "≥5 件", "国家赔偿工作计划"),
                    Indicator("产出指标", "质量指标", "精准发放率", "按程序处理国家赔偿案件将赔偿款精准发放", "≥90%", "国家赔偿工作计划"),
                    Indicator("产出指标", "时效指标", "发放及时率", "及时发放到当事人", "≥90%", "国家赔偿工作计划"),
                    Indicator("产出指标", "成本指标", "项目预算控制数", "项目总成本", "≤100 万元", "国家赔偿工作计划"),
                    Indicator("效益指标", "社会效益指标", "化解矛盾率", "司法救助案件化解矛盾的数量占司法救助案件数的比例", "≥90%", "国家赔偿工作计划"),
                    Indicator("满意度指标", "服务对象满意度指标", "当事人满意度", "赔偿申请人满意度", "≥90%", "问卷调查"),
                ],
            ),
            Project(
                seq=2,
                code="13070024P00048010001W",
                name="诉讼费安排—综合事务经费（市法院）",
                budget=D("1598.90"),
                fiscal=D("1586.40"),
                other=D("12.5"),
                purpose="主要用于办公费、差旅费、印刷费、劳务费。\n水电暖、保安保洁等物业管理费用。",
                plan=[D("25"), D("50"), D("83.33"), None],  # 12月底 missing in the source
                plan_profile="按月发放",
                goal="1.保障机关综合事务工作正常运行。\n2.费用控制在预算范围内。",
                funding_line="本级财政拨款",  # edited on the sheet (the name says 诉讼费收入安排)
                unit="",  # no unit line above this table
                indicators=[
                    Indicator("产出指标", "数量指标", "保障办公人数", "机构办公人员正常运维费用等", "≥280人", "综合事务管理工作计划"),
                    Indicator("产出指标", "质量指标", "资金使用合规率", "资金实际支付符合《张家口市中级人民法院机关事务管理制度汇编》规定", "≥95 百分比", "综合事务管理工作计划"),
                    Indicator("产出指标", "质量指标", "资金使用安排公开率", "支付各项费用公开情况", "≥95%", "综合事务管理工作计划"),
                    Indicator("效益指标", "社会效益指标", "设施正常运转率", "保障法院综合事务管理正常运行", "≥90%", "综合事务管理工作计划"),
                    Indicator("效益指标", "可持续影响指标", "可持续影响时效", "保障我院工作顺利开展的时效", "持续影响", ""),
                    Indicator("满意度指标", "服务对象满意度指标", "法院干警满意度", "法院干警对后勤保障满意程度", "≥90%", "调查问卷"),
                ],
            ),
            Project(
                seq=3,
                code="13070023P00086310001X",
                name="聘用制书记员调整待遇项目",
                budget=None,
                fiscal=D("1.2345"),  # 12345 元
                other=D("0"),
                purpose="用于发放书记员待遇。",
                plan=[D("50"), D("100"), D("100"), D("100")],
                goal="1.按时发放书记员工资、保险、公积金等。",
                unit="161002 张家口市中级人民法院机关服务中心",
                invalid={"budget": "待定", "plan.9": "旧版第五列"},
                indicators=[
                    Indicator("效益指标", "社会效益指标", "提高人员积极性", "提高人员积极性，保障正常工资待遇。", "100 进一步提高", "聘用制书记员保障工作计划"),
                    Indicator("产出指标", "数量指标", "书记员数量", "聘用制书记员数量", "74人", "聘用制书记员74人"),
                    Indicator("产出指标", "成本指标", "项目预算控制数", "项目总成本", "≤160万元", "预算文本"),
                ],
            ),
            Project(
                seq=7,
                code="13070023P00086210001A",
                name="移动办公系统升级改造项目",
                budget=D("42.30"),
                fiscal=D("42.30"),
                purpose="",
                plan=[None, None, None, D("100")],
                invalid={"plan.0": "未定"},
                goal="",
                funding_line="本级财政拨款",
                unit="",
                indicators=[],
            ),
        ],
    )
