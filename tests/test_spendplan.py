import copy
import itertools
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from fractions import Fraction

import pytest
from _court_sample import court_department, load_example
from hypothesis import given
from hypothesis import strategies as st

from perf_xl import spendplan as sp
from perf_xl.errors import PerfXLError
from perf_xl.model import CHECKPOINTS, Project
from perf_xl.workbook import layout


def dec(*values):
    return [D(v) for v in values]


def project(plan, **kw):
    return Project(seq=kw.pop("seq", 1), code=kw.pop("code", "13070024P000482100018"),
                   name=kw.pop("name", "测试项目"), budget=D("100"), plan=plan, **kw)


def by_seq(dept, seq):
    return next(p for p in dept.projects if p.seq == seq)


# -- profiles ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("序时进度", ("25", "50", "75", "100")),
        ("按月均衡", ("25", "50", "83.33", "100")),
        ("一次性", ("0", "0", "100", "100")),
        ("前置", ("50", "100", "100", "100")),
    ],
)
def test_each_profile(name, expected):
    assert sp.profile_plan(name) == dec(*expected)
    assert name in sp.PROFILES  # what the 代码表 drop-down lists


def test_every_dropdown_profile_is_a_valid_cumulative_plan():
    for name, values in sp.PROFILES.items():
        assert len(values) == len(CHECKPOINTS), name
        assert values[-1] == 100, name
        assert all(0 <= a <= b <= 100 for a, b in itertools.pairwise(values)), name
        assert sp.canonical_profile(name) == name
        assert sp.custom_plan(values) == list(values)  # passes the same checks as a hand-made plan


def test_monthly_balance_is_months_over_twelve():
    expected = [(D(m) * 100 / 12).quantize(D("0.01"), ROUND_HALF_UP) for m in (3, 6, 10, 12)]
    assert sp.profile_plan("按月均衡") == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("3月底", ("100", "100", "100", "100")),
        ("6 月底", ("0", "100", "100", "100")),
        (6, ("0", "100", "100", "100")),
        ("10月底", ("0", "0", "100", "100")),
        (12, ("0", "0", "0", "100")),
    ],
)
def test_one_off_at_a_chosen_checkpoint(at, expected):
    assert sp.profile_plan("一次性", at=at) == dec(*expected)


def test_one_off_checkpoint_in_the_name():
    assert sp.profile_plan("一次性(6月底)") == sp.profile_plan("一次性", at="6月底")
    assert sp.canonical_profile("一次性（10 月底）") == "一次性"
    assert sp.canonical_profile(" 按月 均衡 ") == "按月均衡"


@pytest.mark.parametrize(("name", "at"), [("一次性", "5月底"), ("一次性", 4), ("序时进度", "6月底")])
def test_bad_checkpoint_or_profile_for_at(name, at):
    with pytest.raises(PerfXLError):
        sp.profile_plan(name, at=at)


def test_unknown_profile_lists_the_choices():
    with pytest.raises(PerfXLError) as err:
        sp.profile_plan("季度均衡")
    assert "季度均衡" in err.value.message
    assert all(name in err.value.message for name in sp.PROFILE_NAMES)


# -- monthly schedule -------------------------------------------------------------------
def test_monthly_schedule_equal_months():
    plan, notes = sp.plan_from_monthly([D("10")] * 12, budget=D("120"))
    assert plan == sp.profile_plan("按月均衡")
    assert notes == []


def test_monthly_schedule_lumpy():
    months = [0, 0, 30, 0, 0, 20, 0, 0, 0, 40, 0, 10]  # 100 in all
    plan, notes = sp.plan_from_monthly(months, budget=100)
    assert plan == dec("30", "50", "90", "100")
    assert notes == []


def test_monthly_schedule_below_budget_is_reported():
    months = ["5"] * 12  # 60 planned of a budget of 65
    plan, notes = sp.plan_from_monthly(months, budget=D("65.00"))
    assert plan[-1] == 100  # the schedule is spent in full by 12月底
    assert plan == sp.profile_plan("按月均衡")
    assert len(notes) == 1
    assert "60" in notes[0] and "65" in notes[0] and "少于" in notes[0] and "相差 5 万元" in notes[0]


def test_monthly_schedule_above_budget_is_reported():
    _plan, notes = sp.plan_from_monthly([D("3.5")] * 12, budget="40")
    assert "多于" in notes[0] and "相差 2 万元" in notes[0]


def test_monthly_schedule_within_tolerance_is_not_reported():
    months = [D("3.565")] * 12  # 42.78 exactly
    assert sp.plan_from_monthly(months, budget=D("42.78"))[1] == []
    months[-1] += D("0.004")
    assert sp.plan_from_monthly(months, budget=D("42.78"))[1] == []
    months[-1] += D("0.002")  # now 0.006 over
    assert sp.plan_from_monthly(months, budget=D("42.78"))[1] != []


def test_monthly_rounding_is_half_up():
    # 1 of 800 is 0.125%: half-up gives 0.13 (banker's rounding would give 0.12).
    plan, _ = sp.plan_from_monthly([1] + [0] * 10 + [799])
    assert plan == dec("0.13", "0.13", "0.13", "100")
    # 2 of 3 is 66.666…%: 66.67.
    plan, _ = sp.plan_from_monthly([0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert plan == dec("66.67", "66.67", "66.67", "100")


def test_monthly_schedule_accepts_floats_text_and_blanks_exactly():
    plan, _ = sp.plan_from_monthly([0.1, 0.2, "", None, "1,000", 0, 0, 0, 0, 0, 0, D("0.7")])
    assert plan == dec("0.03", "99.93", "99.93", "100")  # 0.3 and 1000.3 of 1001


@pytest.mark.parametrize(
    "months",
    [[1] * 11, [1] * 13, [0] * 12, [1] * 11 + [-1], [1] * 11 + ["十万"], [1] * 11 + [float("nan")], "123456789012"],
)
def test_monthly_schedule_bad_input(months):
    with pytest.raises(PerfXLError) as err:
        sp.plan_from_monthly(months)
    assert err.value.message  # a Chinese message, not a traceback


@given(st.lists(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False), min_size=12, max_size=12))
def test_monthly_schedule_matches_exact_fractions(months):
    total = sum(Fraction(m) for m in months)
    if total == 0:
        with pytest.raises(PerfXLError):
            sp.plan_from_monthly(months)
        return
    plan, _ = sp.plan_from_monthly(months)
    for value, last_month in zip(plan, (3, 6, 10, 12), strict=True):
        exact = sum(Fraction(m) for m in months[:last_month]) * 100 / total
        cents = exact * 100
        expected = Fraction(int(cents + Fraction(1, 2)), 100)  # half-up, non-negative
        assert Fraction(value) == expected
    assert plan[-1] == 100
    assert plan == sorted(plan)


# -- fill ---------------------------------------------------------------------------------
def test_fill_empty_project_gives_the_patch_cells():
    p = project([None] * 4)
    result = sp.fill_plan(p)
    assert result.profile == "序时进度" and result.profile_source == "default"
    assert [c.cell for c in result.changes] == [layout.cell_of(f"plan.{i}") for i in range(4)]
    assert result.patch() == {layout.cell_of(f"plan.{i}"): v / 100 for i, v in enumerate(dec("25", "50", "75", "100"))}
    assert result.patch(fraction=False) == dict(zip(["B7", "C7", "D7", "E7"], dec("25", "50", "75", "100"), strict=True))
    assert result.conflicts == [] and result.notes == []
    assert p.plan == [None] * 4  # nothing changed until applied
    sp.apply(result, p)
    assert p.plan == dec("25", "50", "75", "100")


def test_fill_only_the_missing_checkpoint():
    dept = court_department()
    p13 = by_seq(dept, 13)  # 25/50/75/— in the document
    result = sp.fill_plan(p13)
    assert [(c.checkpoint, c.cell, c.old, c.new) for c in result.changes] == [("12月底", "E7", None, D(100))]
    assert result.conflicts == []


def test_profile_from_the_sheet_then_the_argument():
    p = project([*dec("25", "50"), None, None], plan_profile="按月均衡")
    from_sheet = sp.fill_plan(p)
    assert from_sheet.profile_source == "sheet"
    assert [c.new for c in from_sheet.changes] == dec("83.33", "100")
    from_arg = sp.fill_plan(p, "序时进度")
    assert from_arg.profile_source == "argument"
    assert [c.new for c in from_arg.changes] == dec("75", "100")


def test_conflict_is_reported_and_nothing_is_overwritten():
    dept = court_department()
    p27 = by_seq(dept, 27)  # 50/100/100/100 as written, the default profile is 25/50/75/100
    before = list(p27.plan)
    result = sp.fill_plan(p27)
    assert result.changes == [] and result.patch() == {}
    assert [(c.checkpoint, c.cell, c.old, c.new) for c in result.conflicts] == [
        ("3月底", "B7", D(50), D(25)),
        ("6月底", "C7", D(100), D(50)),
        ("10月底", "D7", D(100), D(75)),
    ]
    first = result.conflicts[0].message
    assert "3月底" in first and "50%" in first and "25%" in first and "未改动" in first
    sp.apply(result, p27)
    assert p27.plan == before


def test_overwrite_replaces_and_reports_each_lowered_value():
    dept = court_department()
    p27 = by_seq(dept, 27)
    result = sp.fill_plan(p27, overwrite=True)
    assert result.conflicts == []
    assert [(c.old, c.new, c.lowers) for c in result.changes] == [
        (D(50), D(25), True), (D(100), D(50), True), (D(100), D(75), True),
    ]
    assert sum("调低" in line for line in result.lines()) == 3
    assert sp.fill_summary([result]) == "已填充 1 个项目的支出计划，覆盖原有数值 3 处（其中调低 3 处）"
    sp.apply(result, p27)
    assert p27.plan == sp.profile_plan("序时进度")


def test_overwrite_raising_is_listed_but_not_counted_as_lowered():
    p = project(dec("20", "50", "75", "100"))
    result = sp.fill_plan(p, overwrite=True)
    assert [(c.old, c.new, c.lowers, c.overwrites) for c in result.changes] == [(D(20), D(25), False, True)]
    assert "覆盖原有数值 1 处" in sp.fill_summary([result]) and "调低" not in sp.fill_summary([result])


def test_fill_never_makes_the_plan_go_down_after_a_written_value():
    p = project([D("60"), None, None, None])
    result = sp.fill_plan(p)
    # 6月底 would be 50 by the profile, below the 60 written for 3月底: filled with 60, noted.
    assert [(c.checkpoint, c.new) for c in result.changes] == [("6月底", D(60)), ("10月底", D(75)), ("12月底", D(100))]
    assert any("6月底" in n and "50%" in n and "60%" in n for n in result.notes)
    assert [c.checkpoint for c in result.conflicts] == ["3月底"]  # 60 ≠ 25 stays, reported
    sp.apply(result, p)
    assert p.plan == sorted(p.plan)


def test_fill_never_exceeds_a_later_written_value():
    p = project([None, D("20"), None, D("100")])
    result = sp.fill_plan(p)
    assert [(c.checkpoint, c.new) for c in result.changes] == [("3月底", D(20)), ("10月底", D(75))]
    assert len(result.notes) == 1 and "3月底" in result.notes[0]


def test_text_in_a_plan_cell_is_a_conflict_not_an_empty_cell():
    p = project([None, D(50), D(75), D(100)], invalid={"plan.0": "二成五"})
    result = sp.fill_plan(p)
    assert result.changes == []
    assert result.conflicts[0].old == "二成五" and "不是数字" in result.conflicts[0].message
    forced = sp.fill_plan(p, overwrite=True)
    assert [(c.cell, c.old, c.new) for c in forced.changes] == [("B7", "二成五", D(25))]
    sp.apply(forced, p)
    assert p.plan[0] == 25 and "plan.0" not in p.invalid


def test_custom_plan_from_a_monthly_schedule():
    plan, _ = sp.plan_from_monthly([0, 0, 0, 0, 0, 30, 0, 0, 0, 0, 0, 70])
    p = project([None, D(30), None, None])
    result = sp.fill_plan(p, plan)
    assert result.profile == sp.CUSTOM_PROFILE
    assert [(c.checkpoint, c.new) for c in result.changes] == [("3月底", D(0)), ("10月底", D(30)), ("12月底", D(100))]


@pytest.mark.parametrize("plan", [dec("50", "40", "75", "100"), dec("25", "50", "75", "90"), dec("25", "50", "100"), dec("25", "50", "75", "101")])
def test_custom_plan_must_be_cumulative(plan):
    with pytest.raises(PerfXLError):
        sp.fill_plan(project([None] * 4), plan)


def test_unknown_profile_on_the_sheet_names_its_cell():
    p = project([None] * 4, plan_profile="随便", sheet="01 国家赔偿")
    with pytest.raises(PerfXLError) as err:
        sp.fill_plan(p)
    assert err.value.sheet == "01 国家赔偿" and err.value.cell == layout.PLAN_PROFILE.cell
    assert "随便" in str(err.value)


def test_apply_refuses_a_stale_or_foreign_result():
    p = project([None] * 4)
    result = sp.fill_plan(p)
    other = project([None] * 4, seq=2, code="13070024P00048310001X")
    with pytest.raises(PerfXLError):
        sp.apply(result, other)
    p.plan[1] = D("40")  # the user typed after the fill was computed
    with pytest.raises(PerfXLError) as err:
        sp.apply(result, p)
    assert err.value.cell == "C7"
    assert p.plan == [None, D(40), None, None]  # all or nothing


# -- a department -------------------------------------------------------------------------
def test_fill_department_fills_missing_and_reports_the_conflict():
    dept = court_department()
    before = copy.deepcopy(dept)
    results = sp.fill_department(dept)
    assert sp.fill_summary(results) == "已填充 3 个项目的支出计划，1 处冲突"
    filled = {r.seq: [c.checkpoint for c in r.changes] for r in results if r.changes}
    assert filled == {13: ["12月底"], 18: ["12月底"], 21: ["10月底"]}
    assert [r.seq for r in results if r.conflicts] == [27]
    for r, p in zip(results, dept.projects, strict=True):
        sp.apply(r, p)
    for p, old in zip(dept.projects, before.projects, strict=True):
        assert all(new == was for new, was in zip(p.plan, old.plan, strict=True) if was is not None)
        assert None not in p.plan
    # Filling again changes nothing: the conflict remains, reported the same way.
    again = sp.fill_department(dept)
    assert sp.fill_summary(again) == "没有需要填充的支出计划，1 处冲突"


def test_fill_department_skips_a_project_with_an_unknown_sheet_profile():
    dept = court_department()
    by_seq(dept, 13).plan_profile = "??"
    results = sp.fill_department(dept)
    bad = next(r for r in results if r.seq == 13)
    assert bad.changes == [] and bad.problem and "??" in bad.problem
    assert sp.fill_summary(results) == "已填充 2 个项目的支出计划，1 处冲突，1 个项目的支出计划模板无法识别"
    assert any("??" in line for line in bad.lines())


@pytest.mark.parametrize("profile", ["每月", dec("50", "40", "75", "100")])
def test_fill_department_rejects_a_bad_profile_argument_at_once(profile):
    with pytest.raises(PerfXLError) as err:
        sp.fill_department(court_department(), profile=profile)
    assert err.value.cell is None  # the argument is wrong, not a sheet's cell


def test_fill_department_overwrite_with_a_profile():
    dept = court_department()
    results = sp.fill_department(dept, profile="按月均衡", overwrite=True)
    for r, p in zip(results, dept.projects, strict=True):
        sp.apply(r, p)
    assert all(p.plan == sp.profile_plan("按月均衡") for p in dept.projects)
    assert all(not r.conflicts for r in results)


# -- the real document (needs the text importer) -----------------------------------------
def test_real_document_fill_fills_exactly_the_missing_checkpoints():
    dept = load_example()
    before = copy.deepcopy(dept)
    results = sp.fill_department(dept)
    for r, p in zip(results, before.projects, strict=True):
        missing = [cp for cp, v in zip(CHECKPOINTS, p.plan, strict=True) if v is None]
        assert [c.checkpoint for c in r.changes] == missing, p.name
        differing = [cp for cp, v, t in zip(CHECKPOINTS, p.plan, sp.profile_plan("序时进度"), strict=True) if v is not None and v != t]
        assert [c.checkpoint for c in r.conflicts] == differing, p.name
    for r, p in zip(results, dept.projects, strict=True):
        sp.apply(r, p)
    for p, old in zip(dept.projects, before.projects, strict=True):
        assert [v for v, w in zip(p.plan, old.plan, strict=True) if w is not None] == [w for w in old.plan if w is not None]
    n_filled = sum(1 for p in before.projects if None in p.plan)
    n_conflicts = sum(1 for r in results if r.conflicts)
    assert sp.fill_summary(results) == f"已填充 {n_filled} 个项目的支出计划，{n_conflicts} 处冲突"
    assert (n_filled, n_conflicts) == (13, 1)  # 12 without 12月底, one without 10月底; 50/100/100/100


def test_an_empty_checkpoint_is_kept_between_its_written_neighbours():
    _kept_between = sp._kept_between
    assert _kept_between([None, None, None, None], 1, D(50)) == D(50)
    assert _kept_between([D(60), None, None, None], 1, D(50)) == D(60)  # raised to the one before
    assert _kept_between([None, None, D(40), None], 1, D(50)) == D(40)  # lowered to the one after
    # contradicting neighbours (70 before 40): raised, not lowered below what comes before
    assert _kept_between([D(70), None, D(40), None], 1, D(50)) == D(70)
