"""Time the validation rules on a synthetic 1,000-project department (target: < 1 ms per
project) and, when the text importer is present, on the real 2024 document.

    python bench/bench_rules.py [--projects 1000] [--repeat 5]

Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import random
import re
import string
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perf_xl import values
from perf_xl.model import Department, Indicator, Project
from perf_xl.resources import example_path
from perf_xl.rules import validate
from perf_xl.rules.projectcode import CS, check_char, format_problem

NAMES = ["罚没安排—国家赔偿（市法院）", "诉讼费安排—综合事务经费（市法院）",
         "提前下达 2023 年法院建设补助资金(业务装备购置—{n} 台卷宗封面打印机购置经费)",
         "公检法司部门辅警人员保障经费（市中院书记员人员保障经费）",
         "冀财政法[2023]52号—智慧法院建设系统装备经费（提前下达法院建设补助）"]


def synthetic_project(i: int, rng: random.Random) -> Project:
    """A realistic table with unique numbers (so the value-parse cache does not flatter the
    figures) and, for one project in four, a mistake or two."""
    budget = Decimal(rng.randint(100, 500000)) / 100
    first20 = f"13070024P{i:011d}"
    code = first20 + check_char(first20)
    n = rng.randint(1, 50)
    plan = [Decimal(25), Decimal(50), Decimal(75), Decimal(100)]
    if i % 4 == 1:
        plan[3] = None
    cost = budget if i % 4 != 2 else budget * 3
    inds = [
        Indicator("产出指标", "数量指标", "装备购置数量", "购置办案装备", f"≥{n} 台", "工作计划"),
        Indicator("", "数量指标", "保障人数", "使用经费的人数", f"≥{100 + i} 人", "工作计划"),
        Indicator("", "质量指标", "装备完好率", "完好装备比率", f"≥{80 + i % 20}%", "工作计划"),
        Indicator("", "时效指标", "购置及时率", "及时购置", f"≥{85 + i % 15} 百分比" if i % 9 == 0
                  else f"≥{85 + i % 15}%", "工作计划"),
        Indicator("", "成本指标", "项目预算控制数", "项目总成本", f"≤{cost}万元", "工作计划"),
        Indicator("效益指标", "社会效益指标", "设施正常运转率", "保障运行", f"≥{90 + i % 10}%",
                  "工作计划"),
        Indicator("", "可持续影响指标", "可持续影响时效", "工作顺利开展", "持续影响", "工作计划"),
        Indicator("满意度指标", "服务对象满意度指标", "干警满意度", "干警满意程度",
                  f"≥{90 + i % 10}%" if i % 7 else "1 进一步提高", "问卷调查"),
    ]
    return Project(seq=i, code=code, name=NAMES[i % len(NAMES)].format(n=n), budget=budget,
                   fiscal=budget, purpose=f"项目预算资金额为 {budget} 万元，主要用于装备购置。",
                   plan=plan, goal="1.通过购置装备，为法院审判能力的提升提供保障。",
                   funding_line="法院建设补助", indicators=inds)


def time_validate(dept: Department, repeat: int, *, cold: bool) -> tuple[float, int]:
    best = float("inf")
    count = 0
    for _ in range(repeat):
        if cold:
            values._parse.cache_clear()
        t0 = time.perf_counter()
        count = len(validate(dept))
        best = min(best, time.perf_counter() - t0)
    return best, count


def substitution_rate(codes: list[str]) -> tuple[int, int]:
    alphabet = string.digits + string.ascii_uppercase
    total = caught = 0
    for code in codes:
        for pos, orig in enumerate(code):
            for ch in alphabet:
                if ch == orig:
                    continue
                bad = code[:pos] + ch + code[pos + 1:]
                total += 1
                caught += bool(format_problem(bad) or check_char(bad) != bad[20])
    return caught, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    rng = random.Random(2024)
    dept = Department(unit_name="合成单位", year=2024,
                      projects=[synthetic_project(i, rng) for i in range(1, args.projects + 1)])
    n = len(dept.projects)
    inds = sum(len(p.indicators) for p in dept.projects)
    print(f"合成部门：{n} 个项目，{inds} 条指标")
    for cold in (True, False):
        secs, count = time_validate(dept, args.repeat, cold=cold)
        label = "冷缓存（每轮清空指标值解析缓存）" if cold else "热缓存"
        print(f"  {label}: {secs * 1000:.1f} ms 共 {count} 条问题，"
              f"每个项目 {secs / n * 1e6:.0f} µs（目标 < 1000 µs）")

    try:
        from perf_xl.importers.text import read_text
    except ImportError:
        print("真实文本：文本导入器尚未合并，跳过")
    else:
        real = read_text(example_path())
        secs, count = time_validate(real, args.repeat, cold=True)
        print(f"真实文本：{len(real.projects)} 个项目，{secs * 1000:.2f} ms，{count} 条问题，"
              f"每个项目 {secs / len(real.projects) * 1e6:.0f} µs")

    codes = re.findall(r"\t(\d{8}P\w{12})\t", example_path().read_text(encoding="utf-8"))
    caught, total = substitution_rate(codes)
    valid = sum(check_char(c) == c[20] for c in codes)
    print(f"项目编码校验：真实编码 {valid}/{len(codes)} 通过；单字符替换 {caught}/{total} 被发现"
          f"（{caught / total:.2%}），字母表 0-9A-Z，校验字符集 {CS}")


if __name__ == "__main__":
    main()
