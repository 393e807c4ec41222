"""perf-xl selfeval WB [--actuals FILE] [--write] [--format json]: 绩效自评 after the year."""

from __future__ import annotations

import argparse

from .monitor import _common, run


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "selfeval", help="绩效自评（打分与等级）",
        description="按全年执行数与各指标实际完成值计算预算执行得分（10 分）、指标得分（90 分：产出 50 / "
                    "效益 30 / 满意度 10）、总分与等级，检查 PT701–PT705。--actuals 读入执行数据，"
                    "--write 写回工作簿。")
    _common(p)
    p.set_defaults(run=run, phase="selfeval")
