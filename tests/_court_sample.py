"""A realistic small department for the spend-plan and summary tests: seven projects of the
real 2024 document (张家口市中级人民法院) across all six funding lines, with their real codes,
budgets, spend plans (missing checkpoints kept missing) and indicator rows.

Also ``load_example()``: the whole real document through the text importer.
"""

from __future__ import annotations

import copy
from decimal import Decimal as D

from perf_xl.model import Department, Indicator, Project, funding_line_for

P = "%"

# (一级, 二级, 三级, 描述, 指标值); a blank level continues the one above, as in the document.
_STD_SAT = ("满意度指标", "服务对象满意度指标", "干警满意度", "干警满意程度", "≥90%")


def _project(seq, code, name, budget, plan, indicators, sheet=None):
    amount = D(budget)
    return Project(
        seq=seq,
        code=code,
        name=name,
        budget=amount,
        fiscal=amount,
        other=None,
        plan=[None if v is None else D(v) for v in plan],
        funding_line=funding_line_for(name),
        unit="161001 张家口市中级人民法院本级",
        indicators=[Indicator(*row, basis="工作计划") for row in indicators],
        sheet=sheet,
    )


def court_department() -> Department:
    projects = [
        _project(
            1, "13070024P000482100018", "罚没安排—国家赔偿（市法院）", "100.00",
            ["25", "50", "75", "100"],
            [
                ("产出指标", "数量指标", "平均审理天数", "赔偿案件平均审理天数", "≤40 天"),
                ("", "质量指标", "精准发放率", "精准发放", "≥90%"),
                ("", "时效指标", "发放及时率", "及时发放到当事人", "≥90%"),
                ("", "成本指标", "项目预算控制数", "项目总成本", "≤100 万元"),
                ("效益指标", "社会效益指标", "化解矛盾率", "化解矛盾的比例", "≥90%"),
                ("满意度指标", "服务对象满意度指标", "当事人满意度", "赔偿申请人满意度", "≥90%"),
            ],
        ),
        _project(
            5, "13070024P00048310001X", "诉讼费安排—人民法院工作人员法定工作日外加班补贴（市法院）",
            "65.00", ["25", "50", "75", "100"],
            [
                ("产出指标", "数量指标", "加班补贴发放人数", "发放人数", "≥116 人"),
                ("", "质量指标", "补贴发放精准率", "精准率", "100%"),
                ("", "时效指标", "按月发放", "每月按时发放", "12 个月"),
                ("", "成本指标", "加班补贴总成本", "加班补贴总成本", "≤65 万元"),
                ("", "成本指标", "人均加班补贴标准", "每人每月标准", "65 万元"),
                ("效益指标", "社会效益指标", "干警补贴保障率", "保障加班补贴", "100%"),
                _STD_SAT,
            ],
        ),
        _project(
            13, "13070023P00029010002R",
            "公检法司部门辅警人员保障经费（市中级人民法院聘用制书记员工资）", "42.78",
            ["25", "50", "75", None],  # the document has no 12月底 here
            [
                ("产出指标", "数量指标", "书记员数量", "书记员数量", "≥65人"),
                ("", "质量指标", "发放精准率", "准确发放的比率", "≥90%"),
                ("", "时效指标", "工资发放及时性", "及时发放", "100%"),
                ("", "成本指标", "项目预算控制数", "项目总成本", "≤460万元"),
                ("效益指标", "社会效益指标", "提高人员积极性", "保障正常工资待遇", "1 进一步提高"),
                ("满意度指标", "服务对象满意度指标", "书记员满意度", "发放的满意程度", "≥90%"),
            ],
        ),
        _project(
            17, "13070024P00050910001X",
            "冀政法法[2023]49号—提前下达2024年中央政法纪检监察转移支付资金（市法院）", "679.00",
            ["25", "50", "75", "100"],
            [
                ("产出指标", "数量指标", "装备购置数量", "购置办案装备", "≥1套"),
                ("", "质量指标", "装备完好率", "完好率", "≥90%"),
                ("", "时效指标", "购置及时率", "及时购置", "≥90%"),
                ("", "成本指标", "项目预算控制数", "项目总成本", "≤679万元"),
                ("效益指标", "社会效益指标", "设施正常运转率", "正常运行", "≥90%"),
                ("", "可持续影响指标", "可持续影响时效", "顺利开展的时效", "≥90%"),
                _STD_SAT,
            ],
        ),
        _project(
            18, "13070024P000629100014",
            "冀财政法[2023]50号—提前下达2024年省级基层公检法司转移支付资金（市法院）", "257.00",
            ["25", "50", "75", None],
            [
                ("产出指标", "数量指标", "装备购置数量", "购置办案装备", "≥1套"),
                ("", "质量指标", "装备完好率", "完好率", "≥90%"),
                ("", "时效指标", "购置及时率", "及时购置", "≥90%"),
                ("", "成本指标", "项目预算控制数", "项目总成本", "≤257万元"),
                ("效益指标", "社会效益指标", "设施正常运转率", "正常运行", "≥90%"),
                ("", "可持续影响指标", "可持续影响时效", "顺利开展的时效", "≥90%"),
                _STD_SAT,
            ],
        ),
        _project(
            21, "13070024P00054410001E", "冀政法[2023]52号—办案业务补助（提前下达法院建设补助）",
            "22.80", ["25", "50", None, "100"],  # the document skips 10月底
            [
                ("产出指标", "数量指标", "保障人数", "使用人数", "≥100人"),
                ("", "质量指标", "保障合格率", "高标准保障", "≥90%"),
                ("", "时效指标", "保障及时率", "及时保障", "≥90%"),
                ("", "成本指标", "项目预算控制数", "项目总成本", "≤22.8万元"),
                ("效益指标", "社会效益指标", "工作正常运转率", "正常运行", "≥90%"),
                ("", "可持续影响指标", "可持续影响时效", "顺利开展的时效", "≥90%"),
                _STD_SAT,
            ],
        ),
        _project(
            27, "13070023P000863100010", "聘用制书记员调整待遇项目", "38.19",
            ["50", "100", "100", "100"],  # front-loaded, as written
            [
                ("产出指标", "数量指标", "书记员数量", "聘用制书记员数量", "74人"),
                ("", "质量指标", "发放精准率", "准确发放的比率", "≥90%"),
                ("", "时效指标", "工资发放及时性", "及时发放", "100%"),
                ("", "成本指标", "项目预算控制数", "项目总成本", "≤160万元"),
                ("效益指标", "社会效益指标", "提高人员积极性", "保障正常工资待遇", "100 进一步提高"),
                ("满意度指标", "服务对象满意度指标", "书记员满意度", "发放的满意程度", "≥90%"),
            ],
        ),
    ]
    return Department(
        unit_name="张家口市中级人民法院",
        unit_code="161001",
        year=2024,
        title="2024 年部门预算绩效文本",
        projects=projects,
    )


def other_department(name="张家口市桥东区人民法院", code="161002", factor="0.5") -> Department:
    """A second department for consolidation: same tables, other unit, scaled amounts."""
    dept = copy.deepcopy(court_department())
    dept.unit_name, dept.unit_code = name, code
    for p in dept.projects:
        p.budget = p.fiscal = (p.budget * D(factor)).quantize(D("0.01"))
        p.code = p.code[:-3] + "99" + p.code[-1]  # another project of the same kind
    return dept


def load_example() -> Department:
    """The whole real document through the text importer."""
    from support.example import example_department

    return example_department()
