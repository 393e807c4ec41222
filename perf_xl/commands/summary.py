"""perf-xl summary FILE [--write] [--config rules.toml] [--format table|json]: the summary across funding lines."""

from __future__ import annotations

import argparse
import json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "summary", help="按资金来源汇总",
        description="按资金来源汇总项目数、预算数、财政资金、其他资金、各时点计划支出、指标数和校验结果；"
                    "--write 重建工作簿的「汇总」工作表（实时公式 + 图表）。")
    p.add_argument("file", help="主工作簿 .xlsm、绩效文本 .txt 或模型 .json")
    p.add_argument("--write", action="store_true", help="重建工作簿中的「汇总」工作表（原地安全保存）")
    p.add_argument("--format", choices=("table", "json"), default="table", help="输出格式")
    p.add_argument("--config", metavar="rules.toml", help="校验配置文件（TOML）：校验结果计入汇总的问题数")
    from .common import FORCE_HELP

    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..operations import findings_of, summary_patch
    from ..rules import load_config
    from ..summary import LINE_COLUMNS, summarize
    from .common import open_source, print_table

    config = load_config(args.config)
    read, book = open_source(args.file, write=args.write, force=args.force)
    note = read.incomplete()
    findings = [f.to_dict() for f in findings_of(read, config)]
    result = summarize(read.department, findings)
    if args.write:
        book.apply(summary_patch(read.department, findings, grid_of=book.grid))
        book.save()
    if args.format == "json":
        print(json.dumps({"incomplete": note, "by_line": result.by_line, "projects": result.projects,
                          "notes": result.notes}, ensure_ascii=False, indent=2, default=str))
        return 1 if note else 0
    if note:
        print(note)
    shown = ("资金来源", "项目数", "预算数", "财政资金", "其他资金", *LINE_COLUMNS[5:9])
    print_table(result.by_line, shown, title="按资金来源汇总（万元）", left=("资金来源",))
    for remark in result.notes:
        print("注：" + remark)
    if args.write:
        print(f"已重建「汇总」工作表：{args.file}")
    return 1 if note else 0
