"""PT101/PT102 on the 39 real codes and on every single-character substitution of them."""

import re
import string

import pytest
from ruletools import clean_project, department, make_code

from perf_xl.resources import example_path
from perf_xl.rules import RuleConfig, validate
from perf_xl.rules.projectcode import check_char, code_year, format_problem

REAL_CODES = re.findall(r"\t(\d{8}P\w{12})\t", example_path().read_text(encoding="utf-8"))
ALPHABET = string.digits + string.ascii_uppercase
ONLY_CODE_RULES = RuleConfig(enabled={r: False for r in (
    "PT103", "PT104", "PT105", "PT106", "PT107", "PT108", "PT109", "PT110", "PT111",
    "PT201", "PT202", "PT203", "PT204", "PT205", "PT206", "PT207", "PT208",
    "PT301", "PT302", "PT303", "PT304", "PT305",
    "PT401", "PT402", "PT403", "PT404", "PT405", "PT406", "PT407", "PT501")})


def code_findings(code):
    return validate(department(clean_project(code=code)), ONLY_CODE_RULES)


def test_the_document_has_39_distinct_codes():
    assert len(REAL_CODES) == 39 == len(set(REAL_CODES))


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_real_code_is_accepted(code):
    assert format_problem(code) is None
    assert check_char(code[:20]) == code[20]
    assert make_code(code[:20]) == code  # the test's own implementation agrees
    assert code_findings(code) == []


def test_every_single_character_substitution_is_caught():
    total = caught = as_warning = 0
    for code in REAL_CODES:
        for pos in range(len(code)):
            for ch in ALPHABET:
                if ch == code[pos]:
                    continue
                bad = code[:pos] + ch + code[pos + 1:]
                found = code_findings(bad)
                total += 1
                if found:
                    caught += 1
                    assert {f.code for f in found} <= {"PT101", "PT102"}
                    as_warning += all(f.severity == "warning" for f in found)
    assert total == 39 * 21 * 35
    assert caught == total  # 100 %
    # Only another type letter in position 9 is "cannot verify" (a warning): the 25 letters ≠ P.
    assert as_warning == 39 * 25


def test_transpositions_of_distinct_neighbours_are_caught():
    missed = []
    for code in REAL_CODES:
        for pos in range(20):
            a, b = code[pos], code[pos + 1]
            if a == b:
                continue
            bad = code[:pos] + b + a + code[pos + 2:]
            if not code_findings(bad):
                missed.append(bad)
    assert missed == []


@pytest.mark.parametrize(("code", "fragment"), [
    ("", "为空"),
    ("13070024P00048210001", "长度为 20 位"),
    ("1307002AP000482100018", "第 7–8 位（年度）"),
    ("130700241000482100018", "第 9 位（类型字母）"),
    ("13070024P0004821000１8", "顺序号"),
])
def test_format_problems(code, fragment):
    assert fragment in format_problem(code)


def test_code_year():
    assert code_year("13070023P00087110001U") == 2023
    assert code_year("bad") is None
