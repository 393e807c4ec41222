"""perf-xl rules: the validation catalogue (code, severity, 审核意见, rule)."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "rules",
        help="列出全部校验规则",
        description="列出校验规则目录：编号、级别、审核意见分类、规则说明。",
    )
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="输出格式：table（默认，表格）或 json")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..rules import catalogue

    rules = catalogue()
    if args.format == "json":
        data = [{"code": r.code, "severity": r.severity, "severity_label": r.severity_label,
                 "category": r.category, "title": r.title} for r in rules]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"校验规则（{len(rules)} 条）", show_lines=False)
        for caption in ("编号", "级别", "审核意见", "规则"):
            table.add_column(caption, no_wrap=caption != "规则")
        for r in rules:
            table.add_row(r.code, r.severity_label, r.category, r.title)
        Console().print(table)
    else:
        print("编号\t级别\t审核意见\t规则")
        for r in rules:
            print(f"{r.code}\t{r.severity_label}\t{r.category}\t{r.title}")
    return 0
