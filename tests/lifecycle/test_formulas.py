"""Every formula of LIFECYCLE.md, table-driven, at its band edges."""

from decimal import Decimal as D

import pytest

from perf_xl.lifecycle import grades, lights, scores
from perf_xl.lifecycle.config import RATES_PRORATE, LifecycleConfig
from perf_xl.lifecycle.lights import (
    ACHIEVED,
    BLUE,
    EQUAL,
    GREEN,
    NOT_ACHIEVED,
    PARTLY,
    POSITIVE,
    QUALITATIVE,
    RED,
    REVERSE,
    REVERSE_STRICT,
    YELLOW,
)

CFG = LifecycleConfig()


# -- 序时进度 and the unit's own plan ---------------------------------------------------------
@pytest.mark.parametrize(("month", "expected"), [(3, "0.25"), (6, "0.5"), (7, "0.5833"), (11, "0.9167")])
def test_standard_rate(month, expected):
    assert round(lights.standard_rate(month), 4) == D(expected)


PLAN = [D(20), D(50), D(70), D(100)]


@pytest.mark.parametrize(("month", "expected"), [
    (1, D(20) / 3), (3, D(20)), (4, D(30)), (6, D(50)), (8, D(60)), (10, D(70)), (11, D(85)),
    (12, D(100)),
])
def test_plan_interpolates_between_checkpoints_from_zero(month, expected):
    assert lights.plan_rate(PLAN, month) * 100 == pytest.approx(expected)


def test_plan_needs_every_checkpoint():
    assert lights.plan_rate([D(20), None, D(70), D(100)], 6) is None


# -- the budget light: 执行率 / (N/12) × 100; red < 60 ≤ yellow < 80 ≤ green ---------------------
@pytest.mark.parametrize(("executed", "budget", "month", "value", "light"), [
    (D("29.99"), D(100), 6, D("59.98"), RED),
    (D(30), D(100), 6, D(60), YELLOW),  # edge: 60 is yellow
    (D("39.99"), D(100), 6, D("79.98"), YELLOW),
    (D(40), D(100), 6, D(80), GREEN),  # edge: 80 is green
    (D(35), D(100), 7, D(60), YELLOW),  # 35% against 58.33%: exactly 60
    (D("34.99"), D(100), 7, D("59.98"), RED),
    (D(0), D(100), 3, D(0), RED),
    (D(120), D(100), 6, D(240), GREEN),
])
def test_budget_light_at_band_edges(executed, budget, month, value, light):
    got = lights.budget_value(executed / budget, lights.standard_rate(month))
    assert got == value
    assert lights.budget_light(got, CFG) == light


def test_budget_light_against_the_plan():
    rate = D(30) / D(100)
    plan = lights.plan_rate(PLAN, 6)
    assert lights.budget_value(rate, plan) == D(60)
    assert lights.budget_value(rate, D(0)) is None  # nothing planned yet


# -- indicator lights ------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "actual", "target", "month", "prorate", "light"), [
    # positive, pro-rated: value = actual / (target / 12 × N) × 100
    (POSITIVE, D(0), D(100), 6, True, RED),  # nothing reached: red whatever the month
    (POSITIVE, D("29.99"), D(100), 6, True, RED),  # 59.98
    (POSITIVE, D(30), D(100), 6, True, YELLOW),  # 60
    (POSITIVE, D("39.99"), D(100), 6, True, YELLOW),  # 79.98
    (POSITIVE, D(40), D(100), 6, True, GREEN),  # 80
    (POSITIVE, D("119.99"), D(100), 6, True, GREEN),
    (POSITIVE, D(120), D(100), 6, True, BLUE),  # ≥120% of the annual target
    (POSITIVE, D(120), D(100), 11, False, BLUE),
    # direct comparison (rates): value = actual / target × 100
    (POSITIVE, D(54), D(90), 6, False, YELLOW),  # 60
    (POSITIVE, D("53.99"), D(90), 6, False, RED),
    (POSITIVE, D(72), D(90), 6, False, GREEN),  # 80
    (EQUAL, D(10), D(20), 6, True, GREEN),  # 10 / 10 = 100
    (EQUAL, D(0), D(0), 6, True, GREEN),  # ＝0: green while nothing happened
    (EQUAL, D(1), D(0), 6, True, RED),
    # reverse
    (REVERSE, D(40), D(40), 6, False, GREEN),
    (REVERSE, D("40.01"), D(40), 6, False, RED),
    (REVERSE_STRICT, D("39.99"), D(40), 6, False, GREEN),
    (REVERSE_STRICT, D(40), D(40), 6, False, RED),
])
def test_quantitative_indicator_lights(kind, actual, target, month, prorate, light):
    assert lights.indicator_light(kind, actual, target, month, prorate, CFG) == light


@pytest.mark.parametrize(("text", "light"), [
    (ACHIEVED, GREEN), (PARTLY, YELLOW), (NOT_ACHIEVED, RED),
    ("达成", GREEN), ("部分达成", YELLOW), ("未达成", RED), ("", None), ("良好", None),
])
def test_qualitative_indicator_lights(text, light):
    assert lights.indicator_light(QUALITATIVE, text, None, 6, False, CFG) == light


def test_project_light_is_the_worst_indicator_light():
    assert lights.worst([GREEN, BLUE, YELLOW, None]) == YELLOW
    assert lights.worst([GREEN, RED, YELLOW]) == RED
    assert lights.worst([GREEN, BLUE]) == BLUE
    assert lights.worst([None]) is None


def test_rates_are_compared_directly_unless_configured():
    assert lights.prorates(POSITIVE, True, CFG) is False
    assert lights.prorates(POSITIVE, False, CFG) is True
    assert lights.prorates(POSITIVE, True, LifecycleConfig(rates=RATES_PRORATE)) is True
    assert lights.prorates(REVERSE, False, CFG) is False


# -- scores ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("executed", "budget", "score"), [
    (D(100), D(100), D(10)), (D(110), D(100), D(10)), (D(50), D(100), D(5)),
    (D("33.333"), D(100), D("3.33")), (D(0), D(100), D(0)), (D(5), D(0), D(0)),
])
def test_execution_score_capped_at_10(executed, budget, score):
    assert scores.execution_score(executed, budget, CFG) == score


@pytest.mark.parametrize(("kind", "actual", "target", "weight", "score"), [
    # positive: actual ≥ target -> full; else actual / target × weight
    (POSITIVE, D(90), D(90), D(10), D(10)),
    (POSITIVE, D(100), D(90), D(10), D(10)),
    (POSITIVE, D(45), D(90), D(10), D(5)),
    (POSITIVE, D(0), D(90), D(10), D(0)),
    (POSITIVE, D(1), D(3), D("16.67"), D("5.56")),
    # equal: target 0 -> full if actual ≤ 0 else 0; otherwise as positive
    (EQUAL, D(0), D(0), D(10), D(10)),
    (EQUAL, D(1), D(0), D(10), D(0)),
    (EQUAL, D(15), D(20), D(10), D("7.5")),
    (EQUAL, D(20), D(20), D(10), D(10)),
    # reverse: ≤ target full; target < actual < 2×target -> (1 − (a − t)/t) × w; ≥ 2×target 0
    (REVERSE, D(40), D(40), D(10), D(10)),
    (REVERSE, D(30), D(40), D(10), D(10)),
    (REVERSE, D(50), D(40), D(10), D("7.5")),
    (REVERSE, D("79.99"), D(40), D(10), D(0)),  # 0.0025 rounds to 0.00
    (REVERSE, D(79), D(40), D(10), D("0.25")),
    (REVERSE, D(80), D(40), D(10), D(0)),
    (REVERSE_STRICT, D(60), D(40), D(10), D(5)),
])
def test_quantity_scores_at_their_edges(kind, actual, target, weight, score):
    assert scores.quantity_score(kind, actual, target, weight) == score


@pytest.mark.parametrize(("grade", "chosen", "ok"), [
    (ACHIEVED, D(8), True), (ACHIEVED, D(10), True), (ACHIEVED, D("7.99"), False),
    (ACHIEVED, D("10.01"), False),
    (PARTLY, D(6), True), (PARTLY, D("7.99"), True), (PARTLY, D(8), False), (PARTLY, D("5.99"), False),
    (NOT_ACHIEVED, D(0), True), (NOT_ACHIEVED, D("5.99"), True), (NOT_ACHIEVED, D(6), False),
    (NOT_ACHIEVED, D(-1), False),
])
def test_qualitative_bands(grade, chosen, ok):
    assert scores.in_band(chosen, grade, D(10), CFG) is ok
    got = scores.qualitative_score(grade, chosen, D(10), CFG)
    assert (got == chosen) if ok else got is None


@pytest.mark.parametrize(("total", "grade"), [
    (D(100), "优"), (D(90), "优"), (D("89.99"), "良"), (D(80), "良"), (D("79.99"), "中"),
    (D(60), "中"), (D("59.99"), "差"), (D(0), "差"),
])
def test_grades(total, grade):
    assert grades.grade(total, CFG) == grade


def test_grade_bands_are_configurable():
    cfg = LifecycleConfig(grade_excellent=D(80), grade_good=D(70), grade_pass=D(60))
    assert [grades.grade(D(x), cfg) for x in (80, 79, 70, 69, 60, 59)] == ["优", "良", "良", "中", "中", "差"]


@pytest.mark.parametrize(("indicator_total", "execution", "ahead"), [
    # (Σ/90 − exec/10) / (Σ/90) × 100
    (D(90), D(10), D(0)),
    (D(90), D("9.5"), D(5)),  # exactly 5%: not more than 5% (PT705 silent)
    (D(90), D("9.49"), D("5.1")),
    (D(45), D(5), D(0)),
    (D(0), D(5), None),
])
def test_performance_ahead_of_spending(indicator_total, execution, ahead):
    assert scores.ahead_of_spending(indicator_total, execution, CFG) == ahead
