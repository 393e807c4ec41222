"""The registry matches the specification's catalogue (its codes are stable): codes, severities,
审核意见 wordings."""

import pytest

from perf_xl.rules import CATEGORIES, catalogue, rule
from perf_xl.rules.registry import register

# code -> severity, as the specification states them.
RULES_MD = {
    "PT101": "error", "PT102": "error", "PT103": "error", "PT104": "error", "PT105": "error",
    "PT106": "error", "PT107": "error", "PT108": "error", "PT109": "warning", "PT110": "warning",
    "PT111": "info",
    # Added after the first release (issue 13).
    "PT112": "error", "PT113": "error", "PT114": "error", "PT115": "warning", "PT116": "warning",
    "PT503": "warning", "PT504": "info", "PT505": "warning",
    "PT201": "error", "PT202": "error", "PT203": "error", "PT204": "error", "PT205": "warning",
    "PT206": "warning", "PT207": "warning", "PT208": "warning",
    "PT301": "error", "PT302": "error", "PT303": "error", "PT304": "error", "PT305": "warning",
    "PT401": "error", "PT402": "warning", "PT403": "warning", "PT404": "warning", "PT405": "info",
    "PT406": "warning", "PT407": "warning",
    "PT501": "info", "PT502": "error",
    # monitoring and self-evaluation (LIFECYCLE.md)
    "PT601": "error", "PT602": "warning", "PT603": "info", "PT604": "warning", "PT605": "error",
    "PT606": "info",
    "PT701": "error", "PT702": "error", "PT703": "error", "PT704": "warning", "PT705": "warning",
}


def test_every_code_of_the_catalogue_is_registered_with_its_severity():
    rules = catalogue()
    assert [r.code for r in rules] == sorted(RULES_MD)
    assert {r.code: r.severity for r in rules} == RULES_MD


def test_categories_are_review_wordings_and_titles_chinese():
    assert len(CATEGORIES) == 11  # the 一体化 review screen's eleven, 建议拆分指标 among them
    assert "建议拆分指标" in CATEGORIES
    for r in catalogue():
        assert r.category in CATEGORIES
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.title)


def test_only_pt502_has_no_check_function():
    assert [r.code for r in catalogue() if r.check is None] == ["PT502"]
    assert next(r for r in catalogue() if r.code == "PT502").scope == "workbook"


@pytest.mark.parametrize(("args", "message"), [
    (("PT101", "error", "其他", "x"), "registered twice"),
    (("PX1", "error", "其他", "x"), "must look like"),
    (("PT998", "fatal", "其他", "x"), "unknown severity"),
    (("PT998", "error", "随便", "x"), "not a 审核意见 wording"),
])
def test_registry_refuses_mistakes(args, message):
    catalogue()
    with pytest.raises(ValueError, match=message):
        rule(*args, reason="r", example="e")(lambda p, ctx: [])


def test_a_project_rule_needs_a_function():
    with pytest.raises(ValueError, match="needs a check function"):
        register("PT997", "error", "其他", "x")


def test_a_rule_needs_its_reason_and_an_example():
    with pytest.raises(ValueError, match="reason and an example"):
        rule("PT996", "error", "其他", "x", reason="r", example=" ")(lambda p, ctx: [])
    assert all(r.reason and r.example for r in catalogue())
