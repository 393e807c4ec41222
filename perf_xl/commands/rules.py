"""perf-xl rules [--format table|json|md]: the validation catalogue (code, severity, 审核意见,
rule, and in json/md the reason and an example)."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "rules",
        help="列出全部校验规则",
        description="列出校验规则目录：编号、级别、审核意见分类、规则说明。",
    )
    p.add_argument("--format", choices=("table", "json", "md"), default="table",
                   help="输出格式：table（默认，表格）、json，或 md（docs/validation.md 中的规则表，含原因与示例）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..rules import catalogue, markdown_table
    from .common import print_table

    rules = catalogue()
    if args.format == "md":
        print(markdown_table(rules), end="")
        return 0
    if args.format == "json":
        data = [{"code": r.code, "severity": r.severity, "severity_label": r.severity_label,
                 "category": r.category, "title": r.title, "reason": r.reason, "example": r.example}
                for r in rules]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    columns = ("编号", "级别", "审核意见", "规则")
    rows = [dict(zip(columns, (r.code, r.severity_label, r.category, r.title), strict=True)) for r in rules]
    print_table(rows, columns, title=f"校验规则（{len(rules)} 条）", left=columns)
    return 0
