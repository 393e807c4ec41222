from decimal import Decimal as D

import pytest

from perf_xl.model import (
    CHECKPOINTS,
    Department,
    Indicator,
    Measure,
    Project,
    SubGoal,
    decimal_text,
    funding_line_for,
)


def sample() -> Department:
    return Department(
        unit_name="张家口市中级人民法院",
        unit_code="161001",
        year=2024,
        overall_goal="第一段\n第二段",
        sub_goals=[SubGoal("案件审判", "绩效目标", "审限内完成受理的一审、二审案件 90%", line=3)],
        measures=[Measure("完善制度建设", "根据国家……", line=9)],
        projects=[
            Project(
                seq=1,
                code="13070024P000482100018",
                name="罚没安排—国家赔偿（市法院）",
                budget=D("100.00"),
                fiscal=D("100.00"),
                other=None,
                plan=[D("25"), D("50"), D("83.33"), None],
                funding_line="罚没收入安排",
                indicators=[Indicator("产出指标", "数量指标", "平均审理天数", "…", "≤40 天", "计划", 12)],
                invalid={"other": "十万"},
                lines={"budget": 10},
                line=5,
            )
        ],
    )


def test_json_round_trip_is_lossless():
    dept = sample()
    back = Department.from_json(dept.to_json())
    assert back == dept
    assert back.projects[0].plan[3] is None  # a missing checkpoint stays missing
    assert back.projects[0].plan[2] == D("83.33")


def test_amounts_travel_as_exact_strings():
    data = sample().to_dict()
    assert data["projects"][0]["budget"] == "100"
    assert data["projects"][0]["plan"] == ["25", "50", "83.33", None]


def test_content_drops_provenance_only():
    a, b = sample(), sample()
    b.projects[0].line = 99
    b.projects[0].lines = {}
    b.projects[0].sheet = "01 国家赔偿"
    b.projects[0].indicators[0].line = None
    assert a.content() == b.content()
    b.projects[0].indicators[0].value = "≤41 天"
    assert a.content() != b.content()


def test_total_budget_is_exact():
    dept = sample()
    dept.projects.append(Project(seq=2, code="x", name="y", budget=D("0.31")))
    assert dept.total_budget == D("100.31")


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("罚没安排—国家赔偿（市法院）", "罚没收入安排"),
        ("诉讼费安排—综合事务经费（市法院）", "诉讼费收入安排"),
        ("关于下达 2023 年中央政法纪检监察转移支付的资金（张家口中级人民法院）", "中央政法纪检监察转移支付"),
        ("冀财政法[2023]50号—提前下达2024年省级基层公检法司转移支付资金（市法院）", "省级基层公检法司转移支付"),
        ("冀财政法[2023]52号—“冰雪运动法治国际论坛”经费（提前下达法院建设补助）", "法院建设补助"),
        ("提前下达 2023 年法院建设补助资金(办案业务经费)", "法院建设补助"),
        ("2023 年度司法救助资金（张家口市中级人民法院）", "本级财政拨款"),
    ],
)
def test_funding_line_from_name(name, line):
    assert funding_line_for(name) == line


def test_decimal_text():
    assert decimal_text(D("100.00")) == "100"
    assert decimal_text(D("1598.90")) == "1598.9"
    assert decimal_text(D("1E+2")) == "100"
    assert CHECKPOINTS[-1] == "12月底"
