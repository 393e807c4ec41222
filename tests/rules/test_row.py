"""rules.row: the registered rules applied to one indicator row or one 项目编码 — the core
the worksheet functions share with `perf-xl validate`."""

from __future__ import annotations

from decimal import Decimal

from support.example import example_department
from support.rich import rich_department

from perf_xl.model import Department, Indicator, Project
from perf_xl.rules import catalogue, validate
from perf_xl.rules.row import CODE_RULES, NOT_ROW_LOCAL, ROW_RULES, check_code, check_row, check_rows


def _row_findings(dept: Department):
    """(project position, indicator index) -> messages of the row-level rules, from validate."""
    out: dict[tuple[int, int], list[str]] = {}
    position = {p.sheet: i for i, p in enumerate(dept.projects)}
    for f in validate(dept):
        if f.code in ROW_RULES and f.indicator is not None:
            out.setdefault((position[f.sheet], f.indicator), []).append(f.message)
    return out


def _with_sheets(dept: Department) -> Department:
    from perf_xl.rules import sheet_names

    for p, name in zip(dept.projects, sheet_names(dept), strict=True):
        p.sheet = name
    return dept


def test_every_rule_is_placed_as_row_local_or_not():
    codes = {r.code for r in catalogue()}
    assert set(ROW_RULES) <= codes and set(NOT_ROW_LOCAL) <= codes
    assert not set(ROW_RULES) & set(NOT_ROW_LOCAL)
    # Every rule that reported an indicator row on these documents is in one of the lists.
    pointing = {f.code for d in (example_department(), rich_department())
                for f in validate(d) if f.indicator is not None}
    assert pointing <= set(ROW_RULES) | set(NOT_ROW_LOCAL), pointing


def test_row_checks_equal_validate_on_the_example_and_the_rich_department():
    for dept in (example_department(), rich_department()):
        dept = _with_sheets(dept)
        want = _row_findings(dept)
        rows = 0
        for pi, p in enumerate(dept.projects):
            got = check_rows([(i.level1, i.level2, i.level3, i.value, i.description)
                              for i in p.indicators], p.budget)
            for k, _ind in enumerate(p.indicators):
                assert got[k] == want.get((pi, k), []), (p.sheet, k)
                rows += 1
        assert rows > 0


def test_a_single_row_names_itself_by_its_place_when_it_has_no_name():
    [msg] = check_row("产出指标", "数量指标", "", "XX", Decimal(10), index=4)[-1:]
    p = Project(1, "", "x", budget=Decimal(10), indicators=[Indicator("产出指标", "数量指标", "a", "d", "1台")] * 4
                + [Indicator("产出指标", "数量指标", "", "", "XX")])
    [f] = [f for f in validate(Department(projects=[p])) if f.code == "PT401"]
    assert msg == f.message and "第 5 条指标" in msg


def test_code_check_is_pt101_and_pt102():
    assert CODE_RULES == ("PT101", "PT102")
    assert check_code("13070024P000482100018") == []
    [(sev, msg)] = check_code("13070024P000482100019")
    assert sev == "error" and "校验码错误" in msg
    [(sev, _msg)] = check_code("13070024X000482100019")
    assert sev == "warning"


def test_a_disabled_rule_is_not_asked():
    from dataclasses import replace

    from perf_xl.rules import default_config

    row = ("产出指标", "成本指标", "项目预算控制数", "≤275万元", Decimal("42.3"))
    assert check_row(*row)
    assert check_row(*row, config=replace(default_config(), enabled={"PT204": False})) == []
