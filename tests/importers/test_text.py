"""The real document (张家口市中级人民法院 2024 绩效文本): every figure pinned.

The expected values below were transcribed by reading the document line by line; a
failure here means the importer read something the document does not say.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from perf_xl.importers.text import parse_text, read_text
from perf_xl.model import Department
from perf_xl.resources import example_path

N = None
FULL = (25, 50, 75, 100)
NO12 = (25, 50, 75, N)
FM, SS, ZY, SJ, JS, BJ = (
    "罚没收入安排",
    "诉讼费收入安排",
    "中央政法纪检监察转移支付",
    "省级基层公检法司转移支付",
    "法院建设补助",
    "本级财政拨款",
)

# seq: (heading line, 项目编码, 预算数 as written, plan as written, indicator rows, funding line)
EXPECTED = {
    1: (100, "13070024P000482100018", "100.00", FULL, 6, FM),
    2: (122, "13070024P00048110001J", "300.00", FULL, 6, FM),
    3: (142, "13070024P00047710001D", "500.00", NO12, 8, FM),
    4: (164, "13070024P000478100013", "500.00", FULL, 6, FM),
    5: (184, "13070024P00048310001X", "65.00", FULL, 7, SS),
    6: (205, "13070024P00048010001W", "1598.90", FULL, 8, SS),
    7: (227, "13070024P00047910001Q", "600.00", NO12, 6, SS),
    8: (247, "13070023P00087110001U", "10.00", FULL, 6, BJ),
    9: (267, "13070023P00078310001N", "1.50", FULL, 6, BJ),
    10: (289, "13070024P00051210001D", "28.00", FULL, 6, FM),
    11: (309, "13070024P00051410001Q", "99.00", FULL, 6, FM),
    12: (329, "13070023P00028010002J", "12.00", FULL, 6, BJ),  # 12月底 on its own row
    13: (350, "13070023P00029010002R", "42.78", NO12, 6, BJ),  # 3月底 pair repeated
    14: (372, "13070024P000510100012", "110.00", FULL, 6, BJ),  # 12月底 on its own row
    15: (393, "13070024P00051110001P", "397.00", NO12, 6, BJ),
    16: (413, "13070023P00070010001U", "103.00", FULL, 6, ZY),
    17: (433, "13070024P00050910001X", "679.00", FULL, 7, ZY),
    18: (456, "13070024P000629100014", "257.00", NO12, 7, SJ),
    19: (477, "13070024P000548100015", "120.00", FULL, 7, JS),
    20: (498, "13070024P00054610001R", "30.00", NO12, 7, JS),  # repeat, label on value row
    21: (521, "13070024P00054410001E", "22.80", (25, 50, N, 100), 7, JS),  # 项目编号, no 10月底
    22: (542, "13070024P00054310001Q", "20.00", NO12, 7, JS),
    23: (563, "13070024P000553100010", "36.00", FULL, 7, JS),  # 12月底 on its own row
    24: (585, "13070024P00055110001L", "25.00", FULL, 7, JS),  # "12月底 100%" without label
    25: (607, "13070024P000542100013", "400.00", FULL, 7, JS),
    26: (630, "13070024P00055010001Y", "63.00", FULL, 7, JS),
    27: (651, "13070023P000863100010", "38.19", (50, 100, 100, 100), 6, BJ),
    28: (671, "13070023P00057710001N", "106.54", FULL, 6, JS),
    29: (691, "13070023P00051210001Y", "2.10", FULL, 6, JS),
    30: (711, "13070023P00051410001A", "90.00", NO12, 6, JS),  # 3月底 pair repeated
    31: (733, "13070023P00051710001B", "0.31", NO12, 6, JS),
    32: (753, "13070023P00051310001L", "1.00", NO12, 6, JS),
    33: (773, "13070023P000515100010", "6.61", FULL, 6, JS),
    34: (795, "13070023P000518100011", "21.83", NO12, 6, JS),
    35: (815, "13070023P000511100019", "191.00", FULL, 6, JS),
    36: (835, "13070023P00051610001M", "2.76", NO12, 6, JS),
    37: (855, "13070023P00052710001J", "180.51", FULL, 6, SJ),
    38: (875, "13070023P000454100023", "509.56", FULL, 6, ZY),
    39: (895, "13070023P00086210001A", "42.30", FULL, 6, BJ),  # 12月底 row without label
}


@pytest.fixture(scope="module")
def dept() -> Department:
    return read_text(example_path())


def _plan(p) -> tuple:
    return tuple(None if v is None else int(v) if v == int(v) else v for v in p.plan)


def test_every_project_table_is_read(dept):
    assert [p.seq for p in dept.projects] == list(range(1, 40))
    assert len(dept.projects) == 39


def test_grand_total_is_exact(dept):
    assert dept.total_budget == D("7312.69")
    assert str(sum((p.budget for p in dept.projects), D(0))) == "7312.69"
    assert all(isinstance(p.budget, D) for p in dept.projects)


@pytest.mark.parametrize("seq", sorted(EXPECTED))
def test_project_figures(dept, seq):
    line, code, budget, plan, n_ind, funding = EXPECTED[seq]
    p = dept.projects[seq - 1]
    assert p.seq == seq
    assert p.line == line
    assert p.code == code
    assert str(p.budget) == budget  # as written, trailing zeros kept
    assert p.fiscal == p.budget  # every project is wholly 财政资金
    assert p.other is None  # 其他资金 is empty everywhere
    assert _plan(p) == plan
    assert len(p.indicators) == n_ind
    assert p.funding_line == funding
    assert p.unit == "161001 张家口市中级人民法院本级"


def test_spend_plans_as_written(dept):
    plans = {p.seq: p.plan for p in dept.projects}
    assert plans[3] == [D(25), D(50), D(75), None]
    assert plans[21] == [D(25), D(50), None, D(100)]
    assert plans[27] == [D(50), D(100), D(100), D(100)]
    assert plans[12][3] == D(100) and plans[24][3] == D(100)
    missing_12 = [s for s, plan in plans.items() if plan[3] is None]
    assert missing_12 == [3, 7, 13, 15, 18, 20, 22, 30, 31, 32, 34, 36]


def test_indicator_rows_all_present(dept):
    counts = [len(p.indicators) for p in dept.projects]
    assert sum(counts) == 249
    for p in dept.projects:
        levels = [i.level1 for i in p.indicators]
        # 一级指标 is given once per group and filled down: the order is grouped.
        assert levels == sorted(levels, key=["产出指标", "效益指标", "满意度指标"].index)
        assert all(i.level2 and i.level3 and i.value for i in p.indicators)
        assert all(i.line is not None for i in p.indicators)


def test_every_project_has_a_satisfaction_row(dept):
    # Project 39's 满意度 row is line 914, the last line of the file, which has no
    # trailing newline: a reader that drops an unterminated last line would lose it.
    for p in dept.projects:
        assert [i.level1 for i in p.indicators].count("满意度指标") == 1, p.seq
    last = dept.projects[38].indicators[-1]
    assert (last.line, last.level1, last.level3, last.value, last.basis) == (
        914,
        "满意度指标",
        "法院干警满意度",
        "≥90%",
        "调查问卷",
    )


def test_all_codes_and_their_check_characters(dept):
    codes = [p.code for p in dept.projects]
    assert codes == [EXPECTED[s][1] for s in range(1, 40)]
    assert len(set(codes)) == 39
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for code in codes:  # the code's check character (perf_xl.rules.projectcode): proves no code was misread
        total = sum((6 if c == "P" else int(c)) * 3**i for i, c in enumerate(code[:20]))
        assert code[20] == alphabet[(31 - total % 31) % 31], code


def test_quirks_of_the_document(dept):
    p = {p.seq: p for p in dept.projects}
    assert p[21].lines["code"] == 527  # "项目编号" instead of "项目编码"
    assert p[24].fiscal == D("25.00")  # "其中: 财政资金", half-width colon
    assert p[6].name == "诉讼费安排—综合事务经费（市法院）"  # <b> tags removed
    assert (
        p[26].goal == '1."通过使用办案业务补助资金、业务装备购置，为法院审判能力的提升提供保障。 "'
    )
    assert (
        p[28].name == "提前下达 2023 年法院建设补助资金(办案业务经费)"
    )  # the cell, not the heading
    assert p[8].name == "2023 年度司法救助资金（张家口市中级人民法院）"  # "8.2023 年度…" heading
    assert [(i.level2, i.level3) for i in p[3].indicators[:2]] == [
        ("数量指标", "保障办公人数"),
        ("数量指标", "费用支出种类"),
    ]
    first, second = p[1].indicators[:2]
    assert (first.level1, second.level1, second.level2) == ("产出指标", "产出指标", "质量指标")
    assert p[12].purpose == "项目预算资金额为 134 万元，主要用于发放辅警人员工资、保险。"
    assert p[13].indicators[4].value == "1 进一步提高"
    assert p[7].indicators[1].value == "≥90 百分比"


def test_source_lines(dept):
    p1 = dept.projects[0]
    assert p1.lines == {
        "code": 106,
        "name": 106,
        "budget": 107,
        "fiscal": 107,
        "other": 107,
        "purpose": 108,
        "plan": 109,
        "goal": 111,
    }
    assert [i.line for i in p1.indicators] == list(range(113, 119))
    assert dept.projects[11].lines["plan"] == 338  # plan starts at its first row
    assert dept.projects[38].lines["goal"] == 907


def test_document_head(dept):
    assert dept.title == "2024 年部门预算绩效文本"
    assert dept.year == 2024
    assert dept.compiled_by == "张家口市中级人民法院编制"
    assert dept.reviewed_by == "张家口市财政局审核"
    assert (dept.unit_code, dept.unit_name) == ("161001", "张家口市中级人民法院本级")
    assert dept.money_unit == "万元"


def test_part_one(dept):
    paragraphs = dept.overall_goal.split("\n")
    assert len(paragraphs) == 7
    assert paragraphs[0].startswith("2023年,全市法院要坚持")
    assert [p[:3] for p in paragraphs[1:]] == [
        "一是坚",
        "二是坚",
        "三是坚",
        "四是坚",
        "五是坚",
        "六是坚",
    ]
    # Two paragraphs were cut by a page break mid-sentence and are glued back.
    assert "以雷霆之势严厉打击危害群众安全的违法犯罪行为，不断增强" in paragraphs[2]
    assert "确保司法权力运行更加优质高效。深入推进" in paragraphs[5]
    assert [(g.title, g.label, g.line) for g in dept.sub_goals] == [
        ("案件审判", "绩效目标", 38),
        ("案件判决执行", "绩效目标", 42),
        ("审判管理", "绩效指标", 46),
        ("司法技术辅助", "绩效指标", 50),
        ("涉法涉诉", "绩效目标", 54),
        ("司法救助", "绩效目标", 58),
        ("国家赔偿", "绩效目标", 62),
        ("综合业务管理", "绩效目标", 66),
        ("综合事务管理", "绩效目标", 70),
    ]
    assert dept.sub_goals[0].target == "审限内完成受理的一审、二审案件 90%"
    assert dept.sub_goals[2].target == "通过审判管理使本院审判指标达到全省法院中等以上。"
    assert [(m.title, m.line) for m in dept.measures] == [
        ("完善制度建设", 78),
        ("加强支出管理", 80),
        ("加强绩效运行监控", 82),
        ("做好绩效自评", 84),
        ("加强内部控制", 86),
        ("规范财务管理", 88),
        ("加强资产管理", 90),
        ("加强内部监督", 92),
        ("加强宣传培训调研等", 94),
    ]
    assert dept.measures[0].text.startswith("根据国家、省、市有关财经法规")
    assert dept.measures[8].text.endswith("促进预算绩效管理水平进一步提升。")


def test_json_round_trip(dept):
    assert Department.from_json(dept.to_json()) == dept


def test_every_way_in_reads_the_same(dept, tmp_path):
    data = example_path().read_bytes()
    text = data.decode("utf-8")
    content = dept.content()
    assert read_text(str(example_path())).content() == content
    assert read_text(data).content() == content
    assert read_text(text).content() == content
    assert parse_text(text).content() == content
    # Other encodings and line endings of the same text: same model, same line numbers.
    gb = tmp_path / "gb18030.txt"
    gb.write_bytes(text.encode("gb18030"))
    assert read_text(gb) == dept
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + data)
    assert read_text(bom) == dept
    utf16 = tmp_path / "utf16.txt"  # Windows Notepad's "Unicode"
    utf16.write_bytes(text.encode("utf-16"))
    assert read_text(utf16) == dept
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(data.replace(b"\n", b"\r\n"))
    assert read_text(crlf) == dept
