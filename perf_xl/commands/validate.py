"""perf-xl validate FILE: run every rule, print the findings grouped by project.

Exit code 1 when an error-severity finding exists, 0 otherwise, 2 for unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Department
    from ..rules import Finding


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "validate",
        help="按规则校验绩效目标表",
        description="按校验规则检查每个项目的绩效目标表，按项目列出发现的问题。"
                    "有「错误」级问题时退出码为 1，无法读取输入时为 2。",
    )
    p.add_argument("file", help="要校验的文件：主工作簿 .xlsm、绩效文本 .txt、模型 .json 或 .docx")
    p.add_argument("--config", metavar="rules.toml", help="校验配置文件（TOML）")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="输出格式：table（默认，按项目分组）或 json（问题列表）")
    p.add_argument("--write", action="store_true",
                   help="把结果写回工作簿：重建「校验结果」（带跳转链接），给有问题的单元格着色并加批注；"
                        "上次的标记先清除，手工输入的内容不变")
    from .common import FORCE_HELP

    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..operations import findings_of, status_text, validate_patch
    from ..rules import load_config
    from .common import open_source

    config = load_config(args.config)
    read, book = open_source(args.file, write=args.write, force=args.force)
    dept = read.department
    findings = findings_of(read, config)
    if args.write:
        patch = validate_patch(read, findings, source=Path(args.file).name)
        read.check_patch_cells(patch.values, args.file)
        book.apply(patch)
        book.save()
    if args.format == "json":
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    elif sys.stdout.isatty():
        _print_rich(dept, findings)
    else:
        _print_plain(dept, findings)
    if args.write and args.format != "json":
        print(f"{status_text(findings, dept)}；已写入「校验结果」并标记单元格：{args.file}")
    return 1 if any(f.is_error for f in findings) else 0


def _groups(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.project_seq is None and not f.sheet:
            title = "部门"
        else:
            title = f"{f.sheet or f.project_name}（{f.project_code or '无编码'}）"
        groups.setdefault(title, []).append(f)
    return list(groups.items())


def summary(dept: Department, findings: list[Finding]) -> str:
    from ..vocabulary import severity_counts

    projects = {f.project_seq for f in findings if f.project_seq is not None}
    return (f"共 {len(dept.projects)} 个项目，{len(projects)} 个有问题："
            f"{severity_counts((f.severity for f in findings), '个')}")


def _print_plain(dept: Department, findings: list[Finding]) -> None:
    for title, items in _groups(findings):
        print(title)
        for f in items:
            place = " ".join(x for x in (f.cell or "", f"第{f.line}行" if f.line else "") if x)
            print(f"  {f.severity_label}  {f.code}  {place}  {f.message}  【{f.category}】")
        print()
    print(summary(dept, findings) if findings else f"共 {len(dept.projects)} 个项目，未发现问题")


def _print_rich(dept: Department, findings: list[Finding]) -> None:
    """On a terminal: one table per project (commands.common.print_table)."""
    from .common import print_table

    styles = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    columns = ("级别", "编号", "单元格", "行", "说明", "审核意见")
    for title, items in _groups(findings):
        rows = [{"级别": f"[{styles[f.severity]}]{f.severity_label}[/]", "编号": f.code,
                 "单元格": f.cell or "", "行": f.line or "", "说明": f.message, "审核意见": f.category}
                for f in items]
        print_table(rows, columns, title=title, left=("级别", "编号", "单元格", "说明", "审核意见"),
                    fold="说明")
    print(summary(dept, findings) if findings else f"共 {len(dept.projects)} 个项目，未发现问题")
