import subprocess
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import pytest
from _court_sample import court_department, load_example, other_department

from perf_xl import summary as sm
from perf_xl.errors import PerfXLError
from perf_xl.model import CHECKPOINTS, FUNDING_LINES, Indicator, Project
from perf_xl.vocabulary import STATUS_OK

ROOT = Path(__file__).resolve().parents[1]


def independent_totals(depts):
    """Per funding line, straight from the model, written without the module's helpers."""
    out = defaultdict(lambda: defaultdict(D))
    for dept in depts:
        for p in dept.projects:
            t = out[p.funding_line.strip() or sm.NO_FUNDING_LINE]
            t["项目数"] += 1
            t["预算数"] += p.budget or 0
            t["财政资金"] += p.fiscal or 0
            t["其他资金"] += p.other or 0
            for cp, pct in zip(CHECKPOINTS, p.plan, strict=True):
                if pct is not None and p.budget is not None:
                    t[f"{cp}累计支出"] += (p.budget * pct / 100).quantize(D("0.01"), ROUND_HALF_UP)
    return out


def row_of(rows, key, value):
    return next(r for r in rows if r[key] == value)


# -- by funding line ----------------------------------------------------------------------
def test_per_line_totals_equal_the_model():
    dept = court_department()
    s = sm.summarize(dept)
    expected = independent_totals([dept])
    assert [r["资金来源"] for r in s.by_line[:-1]] == [x for x in FUNDING_LINES if x in expected]
    for line, t in expected.items():
        row = row_of(s.by_line, "资金来源", line)
        for col, value in t.items():
            assert row[col] == value, (line, col)
    # spot check by hand: 本级财政拨款 = 42.78 (13) + 38.19 (27)
    assert row_of(s.by_line, "资金来源", "本级财政拨款")["预算数"] == D("80.97")


def test_total_row_is_the_exact_sum():
    dept = court_department()
    s = sm.summarize(dept)
    total = s.by_line[-1]
    assert total is s.total and total["资金来源"] == sm.TOTAL_LABEL
    assert total["预算数"] == dept.total_budget == D("1204.77")
    assert total["项目数"] == len(dept.projects)
    for col in sm.METRIC_COLUMNS:
        assert total[col] == sum((r[col] for r in s.by_line[:-1]), type(total[col])(0)), col
    assert isinstance(total["预算数"], D)  # never a float


def test_planned_spend_and_missing_plan_values_are_flagged():
    dept = court_department()
    s = sm.summarize(dept)
    # 13 has no 12月底: its 12月底 spend counts 0, the project is flagged and named.
    line = row_of(s.by_line, "资金来源", "本级财政拨款")
    assert line["12月底累计支出"] == D("38.19")  # only project 27 (100% of 38.19)
    assert line["3月底累计支出"] == (D("42.78") * D("0.25")).quantize(D("0.01"), ROUND_HALF_UP) + D("19.10")  # 10.695 -> 10.70
    assert line[sm.INCOMPLETE_COLUMN] == 1
    assert s.total[sm.INCOMPLETE_COLUMN] == 3
    assert any("3 个项目" in n and "公检法司部门辅警人员保障经费（市中级人民法院聘用制书记员工资）" in n and "按 0" in n for n in s.notes)


def test_indicator_counts_by_first_level_with_merged_cells():
    dept = court_department()
    s = sm.summarize(dept)
    for p in dept.projects:
        line = row_of(s.by_line, "资金来源", p.funding_line)
        assert line["指标数"] >= len(p.indicators)
    total = s.total
    assert total["指标数"] == sum(len(p.indicators) for p in dept.projects)
    # every blank 一级 cell continues the group above: nothing falls into 其他
    assert total["其他指标数"] == 0
    assert total["满意度指标数"] == len(dept.projects)
    assert total["产出指标数"] + total["效益指标数"] + total["满意度指标数"] == total["指标数"]


def test_user_changed_funding_lines():
    dept = court_department()
    dept.projects[0].funding_line = "上级专项补助"  # typed by the user
    dept.projects[1].funding_line = " 罚没收入安排 "  # stray spaces still mean the standard line
    dept.projects[2].funding_line = ""
    s = sm.summarize(dept)
    names = [r["资金来源"] for r in s.by_line[:-1]]
    standard = [x for x in names if x in FUNDING_LINES]
    assert standard == [x for x in FUNDING_LINES if x in standard]  # official order first
    assert names[len(standard):] == ["上级专项补助", sm.NO_FUNDING_LINE]  # then the others
    assert row_of(s.by_line, "资金来源", "罚没收入安排")["预算数"] == D("65.00")
    assert row_of(s.by_line, "资金来源", "上级专项补助")["预算数"] == D("100.00")
    assert row_of(s.by_line, "资金来源", sm.NO_FUNDING_LINE)["预算数"] == D("42.78")
    assert s.total["预算数"] == dept.total_budget
    assert [r["资金来源"] for r in s.projects[:3]] == ["上级专项补助", "罚没收入安排", sm.NO_FUNDING_LINE]


def test_all_lines_lists_every_standard_line():
    dept = court_department()
    dept.projects = [p for p in dept.projects if p.funding_line != "法院建设补助"]
    rows = sm.summarize(dept, all_lines=True).by_line
    assert [r["资金来源"] for r in rows[:-1]] == list(FUNDING_LINES)
    empty = row_of(rows, "资金来源", "法院建设补助")
    assert empty["项目数"] == 0 and empty["预算数"] == 0


def test_exact_decimals_no_float_drift():
    dept = court_department()
    for p, amount in zip(dept.projects, ["0.1", "0.2", "0.1", "0.2", "0.1", "0.2", "0.1"], strict=True):
        p.budget = p.fiscal = D(amount)
    s = sm.summarize(dept)
    assert s.total["预算数"] == D("1.0")
    df = s.frame("by_line")
    assert df["预算数"].iloc[-1] == D("1.0")
    assert sum(df["预算数"].iloc[:-1]) == df["预算数"].iloc[-1]
    # 0.1 万元 × 25% = 0.025 rounds half-up to 0.03, like Excel's ROUND on the sheet
    by_hand = sum((D(b) * p.plan[0] / 100).quantize(D("0.01"), ROUND_HALF_UP)
                  for b, p in zip(["0.1", "0.2"] * 3 + ["0.1"], dept.projects, strict=True))
    assert s.total["3月底累计支出"] == by_hand == D("0.03") * 3 + D("0.05") * 3 + D("0.05")


def test_missing_budget_counts_zero_and_is_noted():
    dept = court_department()
    dept.projects[0].budget = None
    s = sm.summarize(dept)
    assert s.total["预算数"] == dept.total_budget
    assert any("没有预算数" in n and dept.projects[0].name in n for n in s.notes)


# -- the project list ---------------------------------------------------------------------
def test_project_list_columns_and_values():
    dept = court_department()
    s = sm.summarize(dept)
    # the listed columns first, then the project's own figures (what its line rows add up)
    assert list(s.projects[0])[: len(sm.PROJECT_COLUMNS)] == list(sm.PROJECT_COLUMNS)
    for col in sm.METRIC_COLUMNS:
        if col not in ("项目数", "预算数", sm.INCOMPLETE_COLUMN):
            assert sum(r[col] or 0 for r in s.projects) == s.total[col], col
    assert [r["序号"] for r in s.projects] == list(range(1, len(dept.projects) + 1))
    for row, p in zip(s.projects, dept.projects, strict=True):
        assert (row["项目编码"], row["项目名称"], row["预算数"]) == (p.code, p.name, p.budget)
        assert [row[cp] for cp in CHECKPOINTS] == p.plan  # missing stays missing
        assert row["校验状态"] == sm.NOT_VALIDATED
    p5 = row_of(s.projects, "项目编码", "13070024P00048310001X")
    assert p5["成本指标"] == "≤65 万元"  # the first of its two 成本指标 rows


def test_cost_indicator_variants():
    p = Project(seq=1, code="x", name="y", indicators=[
        Indicator("产出指标", "数量指标", "a", value="1 台"),
        Indicator("", "成本", "b", value="≤5 万元"),  # name without 指标, 一级 merged
    ])
    assert sm.cost_indicator_value(p) == "≤5 万元"
    p.indicators = [Indicator("成本指标", "经济成本指标", "c", value="≤7万元")]  # provincial tree
    assert sm.cost_indicator_value(p) == "≤7万元"
    p.indicators = [Indicator("产出指标", "数量指标", "a", value="1 台")]
    assert sm.cost_indicator_value(p) == ""


# -- findings -------------------------------------------------------------------------------
FINDINGS = [
    {"code": "PT204", "severity": "error", "project_code": "13070023P00029010002R", "category": "指标与指标值不匹配"},
    {"code": "PT401", "severity": "错误", "project_code": "13070023P00029010002R", "category": "指标不够细化、量化"},
    {"code": "PT301", "severity": "error", "project_code": "13070023P00029010002R", "category": "其他"},
    {"code": "PT206", "severity": "warning", "project_code": "13070024P00048310001X", "category": "指标与指标值不匹配"},
    {"code": "PT111", "severity": "info", "project_code": "13070023P000863100010", "category": ""},
    {"code": "PT403", "severity": "警告", "project_code": "13070023P000863100010", "category": "指标与指标值不匹配"},
    {"code": "PT111", "severity": "提示", "project_code": "13070024P000482100018", "category": None},
    {"code": "PT999", "severity": "warning", "project_code": "99999999P999999999999", "category": "其他"},
]


def test_findings_by_severity_per_line_and_total():
    dept = court_department()
    s = sm.summarize(dept, FINDINGS)
    expected = defaultdict(lambda: dict.fromkeys(sm.SEVERITIES, 0))
    line_of = {p.code: p.funding_line for p in dept.projects}
    name = {"error": "错误", "warning": "警告", "info": "提示"}
    for f in FINDINGS:
        if f["project_code"] in line_of:
            expected[line_of[f["project_code"]]][name.get(f["severity"], f["severity"])] += 1
    for row in s.by_line[:-1]:
        assert {k: row[k] for k in sm.SEVERITIES} == expected[row["资金来源"]]
    assert {k: s.total[k] for k in sm.SEVERITIES} == {"错误": 3, "警告": 2, "提示": 2}
    # the finding of an unknown project is not in the table but is said
    assert len(s.unassigned_findings) == 1
    assert any("1 条校验结果不属于任何项目" in n and "警告 1" in n for n in s.notes)


def test_status_and_review_categories_per_project():
    s = sm.summarize(court_department(), FINDINGS)
    status = {r["项目编码"]: (r["校验状态"], r["审核意见"]) for r in s.projects}
    assert status["13070023P00029010002R"] == ("错误", "指标与指标值不匹配；指标不够细化、量化；其他")
    assert status["13070024P00048310001X"] == ("警告", "指标与指标值不匹配")
    assert status["13070023P000863100010"] == ("警告", "指标与指标值不匹配")
    assert status["13070024P000482100018"] == ("通过", "")  # an info does not fail a project
    assert status["13070024P00050910001X"] == ("通过", "")


def test_findings_matched_by_sheet_when_a_code_is_on_two_sheets():
    dept = court_department()
    for i, p in enumerate(dept.projects):
        p.sheet = f"{p.seq:02d} 项目{i}"
    dept.projects[1].code = dept.projects[0].code  # PT103: same code on two sheets
    finding = {"code": "PT103", "severity": "error", "project_code": dept.projects[0].code,
               "category": "其他", "sheet": dept.projects[1].sheet}
    s = sm.summarize(dept, [finding])
    assert [r["校验状态"] for r in s.projects[:2]] == ["通过", "错误"]


def test_unknown_severity_is_a_clear_error():
    with pytest.raises(PerfXLError) as err:
        sm.summarize(court_department(), [{"code": "PT1", "severity": "fatal", "project_code": "x"}])
    assert "fatal" in err.value.message


def test_empty_findings_list_means_validated_and_clean():
    s = sm.summarize(court_department(), [])
    assert {r["校验状态"] for r in s.projects} == {STATUS_OK}


# -- several departments -----------------------------------------------------------------
def test_multiple_departments_by_unit_and_line():
    a, b = court_department(), other_department()
    findings = [
        {"code": "PT204", "severity": "error", "project_code": b.projects[2].code, "category": "其他"},
        {"code": "PT111", "severity": "info", "project_code": a.projects[0].code, "category": "其他",
         "unit_code": "161001"},
    ]
    s = sm.summarize([a, b], findings)
    assert s.multi
    # by funding line over both departments, from the models
    for line, t in independent_totals([a, b]).items():
        row = row_of(s.by_line, "资金来源", line)
        assert all(row[c] == v for c, v in t.items()), line
    assert s.total["预算数"] == a.total_budget + b.total_budget
    # by department
    assert [r["单位"] for r in s.by_unit] == ["161001 张家口市中级人民法院", "161002 张家口市桥东区人民法院", sm.TOTAL_LABEL]
    assert [r["预算数"] for r in s.by_unit] == [a.total_budget, b.total_budget, a.total_budget + b.total_budget]
    assert [r["错误"] for r in s.by_unit] == [0, 1, 1] and [r["提示"] for r in s.by_unit] == [1, 0, 1]
    # by department × funding line: one row each, totals consistent
    unit_lines = s.by_unit_line[:-1]
    assert len(unit_lines) == 2 * len({p.funding_line for p in a.projects})
    for dept, label in ((a, s.by_unit[0]["单位"]), (b, s.by_unit[1]["单位"])):
        for line, t in independent_totals([dept]).items():
            row = next(r for r in unit_lines if r["单位"] == label and r["资金来源"] == line)
            assert row["预算数"] == t["预算数"] and row["项目数"] == t["项目数"]
    assert s.by_unit_line[-1]["预算数"] == s.total["预算数"]
    # the project list says whose project it is and numbers the rows through
    assert list(s.projects[0])[:2] == ["单位", "序号"]
    assert [r["序号"] for r in s.projects] == list(range(1, 15))
    assert s.projects[7]["单位"].endswith("桥东区人民法院")
    frames = s.frames()
    assert set(frames) == {"by_line", "projects", "by_unit", "by_unit_line"}
    assert frames["by_unit"]["预算数"].iloc[-1] == a.total_budget + b.total_budget


def test_units_with_the_same_name_stay_separate():
    a, b = court_department(), court_department()
    s = sm.summarize([a, b])
    assert len(s.by_unit) == 3 and s.by_unit[0]["预算数"] == s.by_unit[1]["预算数"] == a.total_budget


# -- pandas ---------------------------------------------------------------------------------
def test_frames_keep_decimals_unless_floats_are_asked_for():
    dept = court_department()
    df = sm.summary_frame(dept)
    assert list(df.columns) == list(sm.LINE_COLUMNS)
    assert df["预算数"].dtype == object and df["预算数"].iloc[-1] == dept.total_budget
    fl = sm.summary_frame(dept, as_float=True)
    assert str(fl["预算数"].dtype) == "float64" and fl["预算数"].iloc[-1] == pytest.approx(1204.77)
    plist = sm.project_frame(dept, as_float=True)
    assert plist["12月底"].isna().sum() == 2  # missing stays missing (NaN), not 0
    assert list(sm.unit_frame(dept)["单位"]) == ["161001 张家口市中级人民法院", sm.TOTAL_LABEL]


def test_importing_the_package_and_modules_does_not_import_pandas():
    code = ("import sys, perf_xl, perf_xl.spendplan, perf_xl.summary; "
            "bad = [m for m in ('pandas', 'xlwings', 'openpyxl') if m in sys.modules]; "
            "print(bad); raise SystemExit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the real document (needs the text importer) -----------------------------------------
def test_real_document_totals():
    dept = load_example()
    s = sm.summarize(dept)
    assert s.total["预算数"] == D("7312.69") == dept.total_budget
    assert s.total["项目数"] == 39
    for line, t in independent_totals([dept]).items():
        row = row_of(s.by_line, "资金来源", line)
        assert all(row[c] == v for c, v in t.items()), line
    df = s.frame("by_line")
    assert sum(df["预算数"].iloc[:-1]) == D("7312.69")
    assert len(s.projects) == 39 and s.total["计划不完整项目数"] == 13


def test_summing_one_by_one_is_summarize():
    """summary.Summing (a consolidation sums each file as it arrives) gives summarize's
    Summary, findings of every kind included: by code, by sheet, department-wide, naming
    no known project, and two units with the same code and name."""
    a, b, c = court_department(), other_department(), court_department()
    c.unit_name = c.unit_code = ""  # shown as 单位3
    per_unit = [
        [{"code": "PT111", "severity": "info", "project_code": a.projects[0].code, "category": "其他"},
         {"code": "PT503", "severity": "warning", "category": "指标不够细化、量化"},
         {"code": "PT999", "severity": "error", "project_code": "NOSUCHCODE", "category": "其他"}],
        [{"code": "PT204", "severity": "error", "project_code": b.projects[2].code, "category": "其他",
          "sheet": b.projects[2].sheet}],
        [{"code": "PT301", "severity": "错误", "sheet": c.projects[1].sheet, "category": "其他"},
         {"code": "PT204", "severity": "error", "project_code": a.projects[0].code, "category": "其他"}],
    ]
    findings, summing = [], sm.Summing()
    for i, (dept, mine) in enumerate(zip((a, b, c), per_unit, strict=True)):
        mine = [{**f, "unit_index": i, "unit_code": dept.unit_code} for f in mine]
        summing.add(dept, mine)
        findings += mine
    expected = sm.summarize([a, b, c], findings)
    assert summing.result() == expected
    assert len(expected.unassigned_findings) == 3 and expected.total["错误"] == 2
    assert expected.by_unit[2]["单位"] == "单位3"
    with pytest.raises(ValueError):
        sm.Summing().add(a, [{"code": "PT111", "severity": "info"}])  # no unit_index


def test_summing_takes_over_each_departments_own_summary():
    """A consolidation's worker sums its department (findings tagged unit_index 0) and the
    parent takes those counts over (Summing.add's ``own``): the same Summary, project list
    and notes included, as counting everything again; an own summary counted otherwise
    (findings not tagged) is not taken over but counted again."""
    a, b = court_department(), other_department()
    per_unit = [
        [{"code": "PT111", "severity": "info", "project_code": a.projects[0].code, "category": "其他"},
         {"code": "PT999", "severity": "error", "project_code": "NOSUCHCODE", "category": "其他"},
         {"code": "PT301", "severity": "warning", "sheet": a.projects[3].sheet, "category": "其他"}],
        [{"code": "PT204", "severity": "error", "project_code": b.projects[2].code, "category": "其他",
          "sheet": b.projects[2].sheet}],
    ]
    findings, counted, taken = [], sm.Summing(), sm.Summing()
    for i, (dept, mine) in enumerate(zip((a, b), per_unit, strict=True)):
        own = sm.summarize(dept, [{**f, "unit_index": 0} for f in mine])
        assert own.facts is not None and own.counted == len(mine)
        mine = [{**f, "unit_index": i, "unit_code": dept.unit_code} for f in mine]
        counted.add(dept, mine)
        taken.add(dept, mine, own)
        findings += mine
    expected = sm.summarize([a, b], findings)
    assert taken.result() == counted.result() == expected
    assert taken.result().projects == expected.projects and taken.rows is not None
    assert [list(r) for r in taken.result().projects] == [list(r) for r in expected.projects]  # key order
    assert taken.result().unassigned_findings == expected.unassigned_findings
    other = sm.Summing()  # a summary of another department (a copy of it) is not taken over
    other.add(court_department(), [{**f, "unit_index": 0} for f in per_unit[0]],
              sm.summarize(a, [{**f, "unit_index": 0} for f in per_unit[0]]))
    assert other.rows is None
    untagged = sm.summarize(a, per_unit[0])
    assert untagged.facts is None  # counted by unit code, not by position: not taken over
    again = sm.Summing()
    again.add(a, [{**f, "unit_index": 0} for f in per_unit[0]], untagged)
    assert again.rows is None and again.result() == sm.summarize(a, [{**f, "unit_index": 0} for f in per_unit[0]])
