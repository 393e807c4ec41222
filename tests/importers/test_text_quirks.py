"""Each quirk of the text format, one small document at a time."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from perf_xl.importers.text import parse_text

T = "\t"

# A one-project document in the plain form; tests rewrite parts of it.
HEAD = "张家口市测试法院\n2024 年部门预算绩效文本\n张家口市测试法院编制\n张家口市财政局审核\n"
MINI = "\n".join(
    [
        "1.罚没安排—测试项目绩效目标表",  # line 1
        "",
        "161001 张家口市测试法院本级",  # 3
        "",
        "单位：万元",  # 5
        "",
        T.join(["项目编码", "13070024P000482100018", "", "项目名称", "罚没安排—测试项目", "", ""]),
        T.join(
            [
                "预算规模及资金用途",
                "预算数",
                "100.00",
                "其中：财政资金",
                "80.00",
                "其他资金",
                "20.00",
            ]
        ),
        T.join(["", "用于测试。", "", "", "", "", ""]),  # 9
        T.join(["资金支出计划（%）", "3 月底", "", "6 月底", "10 月底", "12 月底", ""]),  # 10
        T.join(["", "25%", "", "50%", "75%", "100%", ""]),  # 11
        T.join(["绩效目标", "1.完成测试。", "", "", "", "", ""]),  # 12
        T.join(
            ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据", ""]
        ),
        T.join(["产出指标", "数量指标", "测试数量", "数量描述", "≥1 个", "工作计划", ""]),  # 14
        T.join(["", "质量指标", "合格率", "质量描述", "≥90%", "工作计划", ""]),  # 15
        T.join(["效益指标", "社会效益指标", "效益", "效益描述", "持续影响", "工作计划", ""]),
        T.join(
            ["满意度指标", "服务对象满意度指标", "满意度", "满意度描述", "≥90%", "问卷调查", ""]
        ),
    ]
)


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def replace_line(text: str, number: int, *new: str) -> str:
    lines = lines_of(text)
    lines[number - 1 : number] = list(new)
    return "\n".join(lines)


def read(text: str):
    return parse_text(text, source_name="t.txt")


def only(text: str):
    dept = read(text)
    assert len(dept.projects) == 1
    return dept.projects[0]


def test_the_plain_mini_document():
    p = only(MINI)
    assert (p.seq, p.code, p.name) == (1, "13070024P000482100018", "罚没安排—测试项目")
    assert (p.budget, p.fiscal, p.other) == (D("100.00"), D("80.00"), D("20.00"))
    assert p.purpose == "用于测试。"
    assert p.goal == "1.完成测试。"
    assert p.plan == [D(25), D(50), D(75), D(100)]
    assert [(i.level1, i.level2, i.level3, i.value, i.basis) for i in p.indicators] == [
        ("产出指标", "数量指标", "测试数量", "≥1 个", "工作计划"),
        ("产出指标", "质量指标", "合格率", "≥90%", "工作计划"),
        ("效益指标", "社会效益指标", "效益", "持续影响", "工作计划"),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "问卷调查"),
    ]
    assert p.funding_line == "罚没收入安排"
    assert p.unit == "161001 张家口市测试法院本级"
    assert p.line == 1
    assert p.lines == {
        "code": 7, "name": 7, "budget": 8, "fiscal": 8, "other": 8,
        "purpose": 9, "plan": 10, "goal": 12,
    }  # fmt: skip
    assert [i.line for i in p.indicators] == [14, 15, 16, 17]


def test_head_of_the_document():
    dept = read(HEAD + "\n" + MINI)
    assert dept.title == "2024 年部门预算绩效文本"
    assert dept.year == 2024
    assert dept.compiled_by == "张家口市测试法院编制"
    assert dept.reviewed_by == "张家口市财政局审核"
    assert (dept.unit_code, dept.unit_name) == ("161001", "张家口市测试法院本级")
    assert dept.projects[0].line == 6  # line numbers count the head


def test_unit_name_from_the_cover_when_there_is_no_unit_line():
    dept = read(HEAD + "\n" + MINI.replace("161001 张家口市测试法院本级", ""))
    assert (dept.unit_code, dept.unit_name) == ("", "张家口市测试法院")
    assert dept.projects[0].unit == ""


def test_money_unit_stated_once_before_the_tables():
    text = "## 第二部分\n\n单位：元\n\n" + MINI.replace("单位：万元", "").replace(
        "100.00", "1000000"
    )
    dept = read(text)
    assert dept.money_unit == "元"
    assert dept.projects[0].budget == D(100)
    assert dept.projects[0].fiscal == D("0.0080")  # 80.00 元


def test_tags_and_markdown_headings():
    tagged = MINI
    for label in (
        "项目编码",
        "项目名称",
        "预算数",
        "其中：财政资金",
        "绩效目标",
        "一级指标",
        "3 月底",
    ):
        tagged = tagged.replace(label, f"<b>{label}</b>", 1)
    tagged = tagged.replace("1.罚没安排", "### 1.罚没安排")
    assert read(tagged).content() == read(MINI).content()
    dept = read("# 第一部分\n\n" + tagged.replace("### 1.", "#### 1."))
    assert dept.projects[0].name == "罚没安排—测试项目"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("资金支出计划（%）", "资金支出计 划（%）"),
        ("其中：财政资金", "其中：财政 资金"),
        ("预算规模及资金用途", "预算规模及 资金用途"),
        ("资金支出计划（%）", "资金支出计划(%)"),  # half-width brackets
        ("其中：财政资金", "其中: 财政资金"),  # half-width colon
        ("单位：万元", "单位: 万元"),
        ("3 月底", "3月底"),
        ("12 月底", "１２ 月底"),  # full-width digits
        ("100.00", "１００.００"),
    ],
)
def test_label_spellings(old, new):
    assert old in MINI
    assert read(MINI.replace(old, new, 1)).content() == read(MINI).content()


def test_project_number_label():
    p = only(MINI.replace("项目编码", "项目编号"))
    assert p.code == "13070024P000482100018"
    assert p.lines["code"] == 7


@pytest.mark.parametrize(
    "split",
    [
        (
            T.join(["资金支出计划（%）", "3 月底", "", "6 月底", "", "10 月底", ""]),
            T.join(["", "25%", "", "50%", "", "75%", ""]),
            T.join(["资金支出计划（%）", "12 月底", "", "100%", "", "", ""]),
        ),
        (
            T.join(["资金支出计划（%）", "3月底", "", "6月底", "", "10月底", ""]),
            T.join(["", "25%", "", "50%", "", "75%", ""]),
            T.join(["12月底", "100%", "", "", "", "", ""]),
        ),
        (  # the 12月底 header and its value on two more lines
            T.join(["资金支出计划（%）", "3月底", "6月底", "10月底"]),
            T.join(["", "25%", "50%", "75%"]),
            "12月底",
            "100%",
        ),
    ],
)
def test_twelfth_month_on_its_own_row(split):
    p = only(
        replace_line(MINI, 10, *split[:1], *split[1:]).replace(lines_of(MINI)[10] + "\n", "", 1)
    )
    assert p.plan == [D(25), D(50), D(75), D(100)]
    assert p.lines["plan"] == 10


def _plan_rows(*rows: str) -> str:
    lines = lines_of(MINI)
    lines[9:11] = list(rows)
    return "\n".join(lines)


def test_missing_december_stays_missing():
    p = only(
        _plan_rows(
            T.join(["资金支出计划（%）", "3 月底", "", "6 月底", "", "10 月底"]),
            T.join(["", "25%", "", "50%", "", "75%"]),
        )
    )
    assert p.plan == [D(25), D(50), D(75), None]


def test_missing_october_stays_missing():
    p = only(
        _plan_rows(
            T.join(["资金支出计划（%）", "3月底", "", "6月底", "", "12月底"]),
            T.join(["", "25%", "", "50%", "", "100%"]),
        )
    )
    assert p.plan == [D(25), D(50), None, D(100)]


def test_empty_value_cell_under_a_checkpoint_stays_missing():
    p = only(
        _plan_rows(
            T.join(["资金支出计划（%）", "3月底", "6月底", "10月底", "12月底"]),
            T.join(["", "25%", "50%", "", "100%"]),
        )
    )
    assert p.plan == [D(25), D(50), None, D(100)]


def test_identical_repeats_are_accepted():
    header = T.join(["资金支出计划（%）", "3月底", "", "6月底", "", "10月底", ""])
    values = T.join(["", "25%", "", "50%", "", "75%", ""])
    labelled = T.join(["资金支出计划（%）", "25%", "", "50%", "", "75%", ""])
    for rows in ((header, values, header, values), (header, values, header, labelled)):
        p = only(_plan_rows(*rows))
        assert p.plan == [D(25), D(50), D(75), None]
        assert p.lines["plan"] == 10


def test_conflicting_repeat_names_the_line():
    header = T.join(["资金支出计划（%）", "3月底", "", "6月底", "", "10月底", ""])
    p = only(
        _plan_rows(
            header,
            T.join(["", "25%", "", "50%", "", "75%"]),
            header,
            T.join(["", "30%", "", "50%", "", "75%"]),
        )
    )
    assert p.plan[:3] == [D(25), D(50), D(75)]  # the first reading is kept
    [note] = p.unread
    assert note["line"] == 13
    assert "3月底" in note["text"] and "30%" in note["text"]
    assert "第 11 行" in note["text"] and "25%" in note["text"]


def test_decimals_and_front_loaded_plans():
    p = only(MINI.replace("\t25%\t\t50%\t75%\t100%", "\t25%\t\t50%\t83.33%\t100%"))
    assert p.plan == [D(25), D(50), D("83.33"), D(100)]
    p = only(MINI.replace("\t25%\t\t50%\t75%\t100%", "\t0%\t\t0%\t100%\t100%"))
    assert p.plan == [D(0), D(0), D(100), D(100)]


def test_no_plan_rows_at_all():
    lines = lines_of(MINI)
    del lines[9:11]
    p = only("\n".join(lines))
    assert p.plan == [None, None, None, None]
    assert "plan" not in p.lines
    assert p.goal == "1.完成测试。"


def test_first_and_second_level_filled_down():
    text = replace_line(
        MINI,
        15,
        T.join(["", "质量指标", "合格率", "质量描述", "≥90%", "工作计划", ""]),
        T.join(["", "", "完好率", "完好描述", "≥95%", "工作计划", ""]),
    )
    p = only(text)
    assert [(i.level1, i.level2, i.level3) for i in p.indicators[1:3]] == [
        ("产出指标", "质量指标", "合格率"),
        ("产出指标", "质量指标", "完好率"),
    ]


def test_rows_with_fewer_cells():
    text = replace_line(
        MINI,
        15,
        T.join(["", "质量指标", "合格率", "质量描述", "≥90%"]),  # no basis, no trailing tab
        T.join(["时效指标", "及时率", "时效描述", "≥95%", "工作计划"]),  # lost its empty first cell
    )
    p = only(text)
    assert [(i.level1, i.level2, i.level3, i.value, i.basis) for i in p.indicators[1:3]] == [
        ("产出指标", "质量指标", "合格率", "≥90%", ""),
        ("产出指标", "时效指标", "及时率", "≥95%", "工作计划"),
    ]


def test_merged_first_level_on_its_own_line():
    text = replace_line(
        MINI,
        16,
        "效益指标",
        T.join(["", "社会效益指标", "效益", "效益描述", "持续影响", "工作计划"]),
    )
    p = only(text)
    assert (p.indicators[2].level1, p.indicators[2].level2) == ("效益指标", "社会效益指标")
    assert len(p.indicators) == 4


def test_no_basis_column():
    lines = lines_of(MINI)
    for i in range(12, 17):
        lines[i] = T.join(lines[i].split(T)[:5])
    p = only("\n".join(lines))
    assert [(i.value, i.basis) for i in p.indicators] == [
        ("≥1 个", ""),
        ("≥90%", ""),
        ("持续影响", ""),
        ("≥90%", ""),
    ]


def test_header_decides_the_column_order():
    lines = lines_of(MINI)
    for i in range(12, 17):
        cells = lines[i].split(T)
        cells[3], cells[4] = cells[4], cells[3]
        lines[i] = T.join(cells)
    assert read("\n".join(lines)).content() == read(MINI).content()


def test_amounts_in_yuan_are_converted_exactly():
    text = (
        MINI.replace("单位：万元", "单位：元")
        .replace("100.00", "1000000.00")
        .replace("80.00", "876543.21")
        .replace("\t20.00", "\t123456.79")
    )
    dept = read(text)
    p = dept.projects[0]
    assert dept.money_unit == "元"
    assert (p.budget, p.fiscal, p.other) == (D(100), D("87.654321"), D("12.345679"))
    assert p.fiscal + p.other == p.budget
    assert read(MINI).money_unit == "万元"


def test_thousands_separators_in_yuan():
    p = only(MINI.replace("单位：万元", "单位：元").replace("100.00", "1,000,000.00"))
    assert p.budget == D(100)


def test_unit_line_and_money_unit_in_one_row():
    text = replace_line(MINI, 3, T.join(["161001 张家口市测试法院本级", "", "单位：元"])).replace(
        "单位：万元", ""
    )
    dept = read(text)
    assert dept.money_unit == "元"
    assert dept.projects[0].budget == D("0.0100")
    assert dept.unit_code == "161001"


def test_amounts_as_written_and_empty_other():
    p = only(MINI.replace("\t20.00", "\t"))
    assert str(p.budget) == "100.00"
    assert p.other is None
    assert p.lines["other"] == 8


def test_goal_and_purpose_continuation_lines():
    text = replace_line(
        MINI, 12, T.join(["绩效目标", "1.完成测试。", "", ""]), T.join(["", "2.再完成。", ""])
    )
    text = replace_line(text, 9, T.join(["", "用于测试", ""]), T.join(["", "和验证。", ""]))
    p = only(text)
    assert p.goal == "1.完成测试。\n2.再完成。"
    assert p.purpose == "用于测试和验证。"  # a cell cut mid-sentence is glued back


def test_text_kept_as_written():
    p = only(MINI.replace("1.完成测试。", '1."完成 <b>测试</b>。 "'))
    assert p.goal == '1."完成 测试。 "'


def test_heading_variants():
    dept = read(MINI.replace("1.罚没安排", "8.2023 年度罚没安排"))
    assert dept.projects[0].seq == 8
    assert dept.projects[0].name == "罚没安排—测试项目"
    assert read(MINI.replace("1.罚没安排", "## 1. 罚没安排")).projects[0].seq == 1
    assert read(MINI.replace("1.罚没安排", "１．罚没安排")).projects[0].seq == 1


def test_two_projects_and_funding_lines():
    second = (
        MINI.replace("1.罚没安排—测试项目", "2.诉讼费安排—第二项目")
        .replace("罚没安排—测试项目", "诉讼费安排—第二项目")
        .replace("13070024P000482100018", "13070024P00048110001J")
    )
    dept = read(MINI + "\n\n" + second)
    assert [(p.seq, p.funding_line) for p in dept.projects] == [
        (1, "罚没收入安排"),
        (2, "诉讼费收入安排"),
    ]
    assert dept.projects[1].line == 19
    assert dept.total_budget == D("200.00")


PART1 = "\n".join(
    [
        "# 第一部分",
        "## 部门整体绩效目标",
        "### 一、总体绩效目标",
        "",
        "第一段。",
        "",
        "第二段在页末被切",  # 7
        "",
        "断了，接着写完。",
        "",
        "## 二、分项绩效目标",
        "#### （一） 案件审判",  # 12
        "绩效目标：审限内完成 90%",
        "### （二）审判管理",  # 14
        "绩效指标: 达到中等以上。",
        "## 三、工作保障措施",
        "（一）完善制度建设。根据制度，制定办法。",  # 17
        "（二）加强支出管理：优化支出结构，",  # 18
        "",
        "加快进度。",
        "## 第二部分",
        "# 预算项目绩效目标",
    ]
)


def test_part_one():
    dept = read(PART1 + "\n" + MINI)
    assert dept.overall_goal == "第一段。\n第二段在页末被切断了，接着写完。"
    assert [(g.title, g.label, g.target, g.line) for g in dept.sub_goals] == [
        ("案件审判", "绩效目标", "审限内完成 90%", 12),
        ("审判管理", "绩效指标", "达到中等以上。", 14),
    ]
    assert [(m.title, m.text, m.line) for m in dept.measures] == [
        ("完善制度建设", "根据制度，制定办法。", 17),
        ("加强支出管理", "优化支出结构，加快进度。", 18),
    ]
    assert dept.projects[0].line == 23


def test_part_one_paragraph_outside_any_item_is_kept_without_a_title():
    dept = read(PART1.replace("#### （一） 案件审判", "案件审判") + "\n" + MINI)
    first = dept.sub_goals[0]
    assert first.line == 12 and first.title == ""
    assert "案件审判" in first.target


def test_no_part_one_is_fine():
    dept = read(MINI)
    assert (dept.overall_goal, dept.sub_goals, dept.measures) == ("", [], [])
    assert dept.year is None  # no title, so no year: never guessed
