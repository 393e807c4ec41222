"""Speed of the summary (and of the spend-plan fill) on synthetic model sets.

    python bench/bench_summary.py [--repeat N]

Two sets: one department of 1,000 projects, and 100 departments of 40 projects each
(the bureau's consolidation). Projects are generated (seeded) in the shape of the real
document: six standard funding lines plus a few typed by users, 6–8 indicator rows, about
one in three plans with a missing checkpoint, and ~2 findings per project. Prints the best
and the first time of each step; pandas' own import time is shown apart.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perf_xl import spendplan
from perf_xl.model import FUNDING_LINES, Department, Indicator, Project
from perf_xl.summary import summarize

LINES = (*FUNDING_LINES, "上级专项补助", "往年结转")
PLANS = (
    ["25", "50", "75", "100"], ["25", "50", "75", None], ["25", "50", None, "100"],
    ["25", "50", "83.33", "100"], ["50", "100", "100", "100"], [None, None, None, None],
)
INDICATORS = (
    ("产出指标", "数量指标", "装备购置数量", "≥1套"),
    ("", "质量指标", "装备完好率", "≥90%"),
    ("", "时效指标", "购置及时率", "≥90%"),
    ("", "成本指标", "项目预算控制数", "≤{budget}万元"),
    ("效益指标", "社会效益指标", "设施正常运转率", "≥90%"),
    ("", "可持续影响指标", "可持续影响时效", "≥90%"),
    ("满意度指标", "服务对象满意度指标", "法院干警满意度", "≥90%"),
)
SEVERITY = ("error", "warning", "info")
CATEGORY = ("指标与指标值不匹配", "指标不够细化、量化", "其他", "建议增加满意度指标")


def department(rng: random.Random, unit: int, n: int) -> Department:
    projects = []
    for seq in range(1, n + 1):
        budget = Decimal(rng.randint(1, 2_000_000)) / 100  # 0.01 … 20,000 万元
        rows = INDICATORS[: rng.randint(6, 7)]
        projects.append(
            Project(
                seq=seq,
                code=f"130700{24:02d}P{unit:05d}{seq:06d}X",
                name=f"项目{unit}-{seq}",
                budget=budget,
                fiscal=budget,
                plan=[None if v is None else Decimal(v) for v in rng.choice(PLANS)],
                funding_line=rng.choice(LINES),
                indicators=[
                    Indicator(a, b, c, "描述", v.format(budget=budget), "依据")
                    for a, b, c, v in rows
                ],
            )
        )
    return Department(unit_name=f"单位{unit}", unit_code=f"{161000 + unit}", year=2024,
                      projects=projects)


def findings(rng: random.Random, depts: list[Department]) -> list[dict]:
    out = []
    for d in depts:
        for p in d.projects:
            for _ in range(rng.randint(0, 4)):
                out.append({"code": "PT000", "severity": rng.choice(SEVERITY),
                            "project_code": p.code, "category": rng.choice(CATEGORY)})
    return out


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times[0], min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(2024)

    t0 = time.perf_counter()
    import pandas  # noqa: F401  -- its import is paid once, shown apart

    pandas_import = time.perf_counter() - t0
    print(f"pandas import: {pandas_import * 1000:.0f} ms (once per process, not in the figures)")

    sets = {
        "1 x 1,000 projects": [department(rng, 1, 1000)],
        "100 x 40 projects": [department(rng, u, 40) for u in range(1, 101)],
    }
    print(f"{'set':<20} {'step':<34} {'first ms':>9} {'best ms':>9}")
    for label, depts in sets.items():
        fnd = findings(rng, depts)
        n_proj = sum(len(d.projects) for d in depts)
        steps = {
            "summarize (plain rows)": lambda d=depts, f=fnd: summarize(d, f),
            "summarize + all DataFrames": lambda d=depts, f=fnd: summarize(d, f).frames(),
            "  … as float": lambda d=depts, f=fnd: summarize(d, f).frames(as_float=True),
            "fill_department (each dept)": lambda d=depts: [spendplan.fill_department(x)
                                                            for x in d],
        }
        for step, fn in steps.items():
            first, best, _result = timed(fn, args.repeat)
            print(f"{label:<20} {step:<34} {first * 1000:>9.1f} {best * 1000:>9.1f}")
        s = summarize(depts, fnd)
        exact = sum((p.budget for d in depts for p in d.projects), Decimal(0))
        assert s.total["预算数"] == exact and s.total["项目数"] == n_proj
        tracemalloc.start()
        summarize(depts, fnd).frames()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{label:<20} {'peak memory of summarize+frames':<34} {peak / 2**20:>8.1f} MiB"
              f"   ({n_proj} projects, {len(fnd)} findings, total {exact} 万元 exact)")


if __name__ == "__main__":
    main()
