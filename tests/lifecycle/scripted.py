"""A scripted year on the bundled example: a month-6 monitoring (执行数 for every project,
some indicators behind, ahead or far ahead, reasons for some) and a year-end
self-evaluation, written as the execution files a unit would paste from the 一体化 system."""

from __future__ import annotations

import csv
from decimal import Decimal as D
from pathlib import Path

from perf_xl.lifecycle.config import LifecycleConfig
from perf_xl.lifecycle.judge import judge_project
from perf_xl.model import Department
from perf_xl.rules.facts import ProjectFacts

SPENT_BY_6 = [D(x) for x in ("0.5", "0.35", "0.25", "0.45", "0.6", "0.3")]
SPENT_BY_12 = [D(x) for x in ("1", "0.95", "0.7", "1.02")]
PROGRESS = [D(x) for x in ("0.5", "0.2", "0.35", "1.3", "0.45")]
ACTUAL = [D(x) for x in ("1", "0.8", "1.4", "1.5")]
GRADES = ("达成", "部分达成", "未达成")


def with_qualitative(dept: Department) -> Department:
    """A few qualitative targets, as real tables have them (the example has none)."""
    for p, i, text in ((0, 4, "有效化解矛盾"), (1, 4, "营商环境明显改善"), (2, 6, "设施运转良好"),
                       (5, 3, "持续提升")):
        dept.projects[p].indicators[i].value = text
    return dept


def _q(value: D) -> str:
    return str(value.quantize(D("0.01")))


def write_month6(dept: Department, path: Path) -> Path:
    cfg = LifecycleConfig()
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["项目编码", "三级指标", "1-6月执行数（万元）", "调整后预算数", "执行情况", "偏差原因",
                    "原因说明"])
        for k, p in enumerate(dept.projects):
            b = p.budget or D(0)
            adjusted = _q(b * D("0.8")) if k == 4 else ""
            w.writerow([p.code, "", _q(b * SPENT_BY_6[k % 6]), adjusted, "", "", ""])
            for n, j in enumerate(judge_project(ProjectFacts(p), cfg)):
                if j.kind == "定性":
                    v = GRADES[(k + n) % 3]
                elif j.target is None:
                    continue
                elif j.kind in ("反向", "反向严格"):
                    v = _q(j.target * (D("0.9") if (k + n) % 4 else D("1.1")))
                else:
                    share = PROGRESS[(k + n) % 5]
                    v = _q(j.target * (share if j.prorate or share > 1 else share * 2))
                reason = ("经费保障", "资金下达较晚") if (k + n) % 2 else ("", "")
                w.writerow([p.code, j.name, "", "", v, *reason])
    return path


def write_year_end(dept: Department, path: Path) -> Path:
    cfg = LifecycleConfig()
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["项目编码", "三级指标", "执行数", "实际完成值", "分值", "得分"])
        for k, p in enumerate(dept.projects):
            b = p.budget or D(0)
            w.writerow([p.code, "", _q(b * SPENT_BY_12[k % 4]), "", "", ""])
            judged = judge_project(ProjectFacts(p), cfg)
            custom = k == 3  # the unit sets its own weights on one project
            for n, j in enumerate(judged):
                weight = ""
                if custom:
                    weight = "15" if n < len(judged) - 1 else str(90 - 15 * (len(judged) - 1))
                if j.kind == "定性":
                    grade = GRADES[(k + n) % 3]
                    # a score in the grade's band (as a share of an even weight of ~10 points)
                    score = {"达成": "9", "部分达成": "6.5", "未达成": "3"}[grade]
                    w.writerow([p.code, j.name, "", grade, weight, score])
                elif j.target is not None:
                    w.writerow([p.code, j.name, "", _q(j.target * ACTUAL[(k + n) % 4]), weight, ""])
    return path
