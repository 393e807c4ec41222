"""perf-xl summary FILE [--write] [--format table|json]: the summary across funding lines."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "summary", help="按资金来源汇总",
        description="按资金来源汇总项目数、预算数、财政资金、其他资金、各时点计划支出、指标数和校验结果；"
                    "--write 重建工作簿的「汇总」工作表（实时公式 + 图表）。")
    p.add_argument("file", help="主工作簿 .xlsm、绩效文本 .txt 或模型 .json")
    p.add_argument("--write", action="store_true", help="重建工作簿中的「汇总」工作表（原地安全保存）")
    p.add_argument("--format", choices=("table", "json"), default="table", help="输出格式")
    from .common import FORCE_HELP

    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..operations import findings_of, summary_patch
    from ..summary import LINE_COLUMNS, summarize
    from .common import open_source

    read, book = open_source(args.file, write=args.write, force=args.force)
    from ..workbook.read import incomplete_note

    note = incomplete_note(read.problems)
    findings = [f.to_dict() for f in findings_of(read)]
    result = summarize(read.department, findings)
    if args.write:
        book.apply(summary_patch(read.department, findings))
        book.save()
    if args.format == "json":
        print(json.dumps({"incomplete": note, "by_line": result.by_line, "projects": result.projects,
                          "notes": result.notes}, ensure_ascii=False, indent=2, default=str))
        return 1 if note else 0
    if note:
        print(note)
    shown = ("资金来源", "项目数", "预算数", "财政资金", "其他资金", *LINE_COLUMNS[5:9])
    _table(result.by_line, shown)
    for remark in result.notes:
        print("注：" + remark)
    if args.write:
        print(f"已重建「汇总」工作表：{args.file}")
    return 1 if note else 0


def _table(rows, columns) -> None:
    def text(v):
        if v is None:
            return ""
        if hasattr(v, "quantize"):
            return f"{v:,.2f}"
        return str(v)

    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title="按资金来源汇总（万元）", title_justify="left")
        for c in columns:
            table.add_column(c, justify="left" if c == "资金来源" else "right")
        for row in rows:
            table.add_row(*(text(row.get(c)) for c in columns))
        Console().print(table)
        return
    print("\t".join(columns))
    for row in rows:
        print("\t".join(text(row.get(c)) for c in columns))
