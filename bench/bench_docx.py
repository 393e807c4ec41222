"""Time the 绩效文本 Word export (and reading it back) for a document the size of the
real one: 39 project tables. Target: export under 3 s.

    python bench/bench_docx.py [--runs 5] [--keep out.docx]

Uses the real example through the text importer when it is available, else a synthetic
model of the same shape (39 projects, 6–8 indicators each, Part 1 with 9 sub-goals and
9 measures).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perf_xl.importers.docx import read_docx
from perf_xl.model import Department, Indicator, Measure, Project, SubGoal
from perf_xl.sinks.docx import write_docx

_GROUPS = [
    ("产出指标", "数量指标", "保障办公人数", "机构办公人员正常运维费用等", "≥280 人"),
    ("产出指标", "数量指标", "费用支出种类", "包括办公费、差旅费、印刷费、劳务费等", "≥7 种"),
    ("产出指标", "质量指标", "资金使用合规率", "资金实际支付符合《制度汇编》规定", "≥95%"),
    ("产出指标", "时效指标", "资金支付及时率", "各项资金及时支付", "≥95%"),
    ("产出指标", "成本指标", "项目预算控制数", "项目总成本，据实支出。", "≤{b} 万元"),
    ("效益指标", "社会效益指标", "设施正常运转率", "保障法院综合事务管理正常运行", "≥90%"),
    ("效益指标", "可持续影响指标", "可持续影响时效", "保障我院工作顺利开展的时效", "≥90%"),
    ("满意度指标", "服务对象满意度指标", "法院干警满意度", "法院干警对后勤保障满意程度", "≥90%"),
]  # fmt: skip


_PURPOSE = "主要用于办公费、差旅费、印刷费、劳务费、维修（护）费、水电暖、保安保洁等物业管理费用。"
_OVERALL = "坚持以习近平新时代中国特色社会主义思想为指导，依法履职尽责。"
_TARGET = "审限内完成受理的一审、二审案件 90%"
_MEASURE = "根据国家、省、市有关财经法规、制度，制定本院有关绩效管理的制度。"


def synthetic(n: int = 39) -> Department:
    projects = []
    for i in range(1, n + 1):
        budget = Decimal(1000 + 37 * i) / 10
        rows = _GROUPS[: 6 + i % 3]
        projects.append(
            Project(
                seq=i,
                code=f"13070024P0004{i:06d}0001",
                name=f"罚没安排—综合事务经费第{i}项（市法院）",
                budget=budget,
                fiscal=budget,
                purpose=f"项目预算资金额为 {budget} 万元，{_PURPOSE}",
                plan=[Decimal(25), Decimal(50), Decimal(75), None if i % 5 == 0 else Decimal(100)],
                goal="1.通过开展机关保卫、保洁以及后勤保障工作，保障机关综合事务工作正常运行。",
                unit="161001 张家口市中级人民法院本级",
                indicators=[
                    Indicator(a, b, c, d, v.format(b=budget), "综合事务管理工作计划")
                    for a, b, c, d, v in rows
                ],
            )
        )
    return Department(
        unit_name="张家口市中级人民法院",
        unit_code="161001",
        year=2024,
        title="2024 年部门预算绩效文本",
        compiled_by="张家口市中级人民法院编制",
        reviewed_by="张家口市财政局审核",
        overall_goal="\n".join([_OVERALL * 6] * 7),
        sub_goals=[SubGoal(f"分项目标{i}", "绩效目标", _TARGET) for i in range(1, 10)],
        measures=[Measure(f"保障措施{i}", _MEASURE * 2) for i in range(1, 10)],
        projects=projects,
    )


def load_model() -> tuple[Department, str]:
    try:
        from perf_xl.importers import text  # type: ignore[attr-defined]
        from perf_xl.resources import example_path

        return text.read_text(example_path()), "真实示例（文本导入）"
    except (ImportError, AttributeError):
        return synthetic(), "合成模型（39 个项目；文本导入器尚未合入）"


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", help="also save the last export here")
    args = ap.parse_args()

    dept, source = load_model()
    indicators = sum(len(p.indicators) for p in dept.projects)
    print(f"model: {source}: {len(dept.projects)} projects, {indicators} indicators")
    writes, reads = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "绩效文本.docx"
        for _ in range(args.runs):
            t0 = time.perf_counter()
            write_docx(dept, out)
            writes.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            back = read_docx(out)
            reads.append(time.perf_counter() - t0)
        size = out.stat().st_size
        if args.keep:
            Path(args.keep).write_bytes(out.read_bytes())
    same = back.content() == dept.content()
    print(f"export .docx: median {statistics.median(writes):.3f} s, max {max(writes):.3f} s "
          f"over {args.runs} runs ({size / 1024:.0f} KiB)  target < 3 s: "
          f"{'OK' if max(writes) < 3 else 'TOO SLOW'}")  # fmt: skip
    print(f"read .docx:   median {statistics.median(reads):.3f} s, max {max(reads):.3f} s")
    print(f"round trip equal: {same}")
    return 0 if same and max(writes) < 3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
