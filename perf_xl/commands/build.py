"""perf-xl build SOURCE -o workbook/PerformanceTargets.xlsm"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

DEFAULT_OUTPUT = "workbook/PerformanceTargets.xlsm"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build", help="生成主工作簿（.xlsm）",
        description="由绩效文本（.txt）、模型 JSON、Word 文档或已有工作簿生成主工作簿："
                    "首页（按钮）、部门整体、每个项目一张绩效目标表、汇总、校验结果、代码表、xlwings.conf。")
    p.add_argument("source", help="绩效文本 .txt、模型 .json、.docx 或 .xlsm")
    p.add_argument("-o", "--output", default=DEFAULT_OUTPUT, help=f"输出文件（默认 {DEFAULT_OUTPUT}）")
    p.add_argument("--no-macros", action="store_true",
                   help="生成不含宏的主工作簿（.xlsx），由加载项 PerfXL.xlam（perf-xl addin）的功能区操作")
    p.add_argument("--force", action="store_true",
                   help="覆盖已存在的输出文件（其中的手工修改会丢失）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import PerfXLError
    from ..sources import load
    from ..workbook.build import build_workbook

    out = Path(args.output)
    if args.no_macros and out.suffix.lower() != ".xlsx":
        raise PerfXLError("不含宏的主工作簿（--no-macros）必须保存为 .xlsx", path=str(out))
    if not args.no_macros and out.suffix.lower() != ".xlsm":
        raise PerfXLError("主工作簿必须保存为 .xlsm（含宏）；不含宏的 .xlsx 请加 --no-macros",
                          path=str(out))
    if out.exists() and not args.force:
        raise PerfXLError("输出文件已存在；为免覆盖其中的修改，请换一个文件名，或加 --force 覆盖",
                          path=str(out))
    start = time.perf_counter()
    loaded = load(args.source)
    out.parent.mkdir(parents=True, exist_ok=True)
    report = build_workbook(loaded.department, out, with_macros=not args.no_macros)
    took = time.perf_counter() - start
    print(f"已生成 {out}：{report.projects} 个项目表，{report.indicators} 个指标，"
          f"预算合计 {report.total_budget:.2f} 万元（{took:.1f} 秒）", file=sys.stdout)
    for problem in loaded.problems:
        print(f"注意：工作表「{problem.sheet}」{problem.cell}：{problem.message}（未收入新工作簿）")
    return 0
