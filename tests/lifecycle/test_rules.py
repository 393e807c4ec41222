"""PT601–PT606 and PT701–PT705: each firing, each silent on a correct report."""

from __future__ import annotations

import copy
from decimal import Decimal as D

import pytest

from perf_xl.lifecycle.config import DEVIATION_RED, LifecycleConfig
from perf_xl.lifecycle.evaluate import MONITOR, SELFEVAL, evaluate
from perf_xl.model import IndicatorTrack, ProjectTrack
from perf_xl.rules import catalogue, default_config
from perf_xl.rules.lifecycle import lifecycle_findings
from tests.rules.ruletools import clean_project, department

# clean_project(): budget 100, plan 25/50/75/100; indicators
# 0 平均审理天数 ≤40 天 | 1 精准发放率 ≥90% | 2 发放及时率 ≥90% | 3 项目预算控制数 ≤100 万元
# 4 化解矛盾率 ≥90% | 5 当事人满意度 ≥90%
GOOD_PROGRESS = ["30", "90", "90", "50", "90", "92"]
GOOD_ACTUAL = ["30", "95", "95", "98", "92", "95"]


def monitored(executed="50", progress=GOOD_PROGRESS, **track):
    p = clean_project()
    p.sheet = "01 国家赔偿"
    p.track = ProjectTrack(month=6, executed=None if executed is None else D(executed), **track)
    for ind, value in zip(p.indicators, progress, strict=True):
        ind.track = IndicatorTrack(progress=value)
    return p


def evaluated(executed="98", actual=GOOD_ACTUAL, **track):
    p = clean_project()
    p.sheet = "01 国家赔偿"
    p.track = ProjectTrack(year_executed=None if executed is None else D(executed), **track)
    for ind, value in zip(p.indicators, actual, strict=True):
        ind.track = IndicatorTrack(actual=value)
    return p


def run(project, phase, month=6, cfg=None):
    cfg = cfg or LifecycleConfig()
    results = evaluate(department(project), phase, month if phase == MONITOR else 12, cfg)
    return lifecycle_findings(results, phase, cfg, month)


def codes(findings, code):
    return [f for f in findings if f.code == code]


def set_ind(p, i, **kw):
    for k, v in kw.items():
        setattr(p.indicators[i].track, k, v)
    return p


def qualitative(p, i, actual, score=None):
    p.indicators[i].value = "有效提升"
    p.indicators[i].track.actual = actual
    p.indicators[i].track.score = score
    return p


FIRES = [
    ("PT601", lambda: monitored(executed=None), MONITOR, "N4"),
    ("PT601", lambda: monitored(executed=None, invalid={"executed": "五十"}), MONITOR, "N4"),
    ("PT602", lambda: monitored(executed="35"), MONITOR, "N4"),  # 35% vs 50%: 70, yellow
    ("PT603", lambda: monitored(executed="65"), MONITOR, "N4"),  # 65% vs plan 50%
    ("PT604", lambda: monitored(progress=["30", "40", "90", "50", "90", "92"]), MONITOR, "M13"),
    ("PT604", lambda: monitored(progress=["30", "九十", "90", "50", "90", "92"]), MONITOR, "M13"),
    ("PT605", lambda: monitored(progress=["30", "40", "90", "50", "90", "92"]), MONITOR, "O13"),
    ("PT605", lambda: monitored(executed="20"), MONITOR, "N7"),  # budget red, no 偏差原因分析
    ("PT606", lambda: _blue(), MONITOR, "M13"),
    ("PT701", lambda: evaluated(executed=None), SELFEVAL, "N6"),
    ("PT701", lambda: evaluated(actual=["30", "", "95", "98", "92", "95"]), SELFEVAL, "U13"),
    ("PT702", lambda: set_ind(evaluated(), 0, weight=D(50)), SELFEVAL, "V12"),
    ("PT702", lambda: qualitative(evaluated(), 4, "达成", D(40)), SELFEVAL, "W16"),
    ("PT703", lambda: qualitative(evaluated(), 4, "部分达成", D(29)), SELFEVAL, "W16"),
    ("PT703", lambda: qualitative(evaluated(), 4, "达成", None), SELFEVAL, "W16"),
    ("PT704", lambda: evaluated(actual=["30", "95", "95", "98", "92", "117"]), SELFEVAL, "P17"),
    ("PT705", lambda: evaluated(executed="70"), SELFEVAL, "N6"),
]


def _blue():
    p = monitored()
    p.indicators[1].value = "≥10 件"
    p.indicators[1].track.progress = "12"
    return p


@pytest.mark.parametrize(("code", "make", "phase", "cell"), FIRES,
                         ids=[f"{c}-{i}" for i, (c, *_rest) in enumerate(FIRES)])
def test_rule_fires(code, make, phase, cell):
    found = codes(run(make(), phase), code)
    assert found, code
    assert found[0].cell == cell
    assert found[0].sheet == "01 国家赔偿"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in found[0].message)


LIFECYCLE_CODES = [r.code for r in catalogue() if r.scope in (MONITOR, SELFEVAL)]


def test_every_lifecycle_rule_has_a_firing_case():
    assert {c for c, *_ in FIRES} == set(LIFECYCLE_CODES)


@pytest.mark.parametrize("code", LIFECYCLE_CODES)
def test_rule_silent_on_a_correct_report(code):
    phase = MONITOR if code.startswith("PT6") else SELFEVAL
    make = monitored if phase == MONITOR else evaluated
    assert codes(run(make(), phase), code) == []


def test_pt605_red_only_when_configured():
    p = monitored(progress=["30", "60", "90", "50", "90", "92"])  # 60/90 = 66.67: yellow
    assert codes(run(copy.deepcopy(p), MONITOR), "PT605")
    assert codes(run(p, MONITOR, cfg=LifecycleConfig(deviation_required=DEVIATION_RED)), "PT605") == []


def test_pt605_silent_when_the_reason_is_given():
    p = monitored(progress=["30", "40", "90", "50", "90", "92"])
    set_ind(p, 1, deviation="经费保障", reason="资金下达晚")
    assert codes(run(p, MONITOR), "PT605") == []


def test_pt704_silent_with_an_explanation():
    p = evaluated(actual=["30", "95", "95", "98", "92", "117"])
    set_ind(p, 5, reason="满意度调查样本扩大")
    assert codes(run(p, SELFEVAL), "PT704") == []


def test_pt705_both_warnings():
    # all indicators full (90) but only 70% spent: ahead 30% and 30% unspent
    found = codes(run(evaluated(executed="70"), SELFEVAL), "PT705")
    assert len(found) == 2
    assert "绩效超前支出" in found[0].message and "未执行 30" in found[1].message


def test_pt705_silent_at_exactly_20_percent_unspent_and_5_percent_ahead():
    # 80 spent -> exec score 8: ahead (1 − 0.8) = 20% -> fires; so check unspent only at 80%
    found = codes(run(evaluated(executed="80"), SELFEVAL), "PT705")
    assert all("未执行" not in f.message for f in found)


def test_lifecycle_rules_do_not_run_under_validate():
    from perf_xl.rules import validate

    p = monitored(executed=None)
    assert [f for f in validate(department(p)) if f.code[:3] in ("PT6", "PT7")] == []


def test_rules_can_be_disabled_in_the_config():
    from perf_xl.lifecycle_ops import run_track
    from perf_xl.rules.config import parse_config
    from perf_xl.workbook.read import ReadResult

    cfg = parse_config({"rules": {"PT601": False}}, default_config(), source="t")
    out = run_track(ReadResult(department(monitored(executed=None))), MONITOR, 6, cfg)
    assert codes(out.findings, "PT601") == []
