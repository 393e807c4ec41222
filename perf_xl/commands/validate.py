"""perf-xl validate FILE: run every rule, print the findings grouped by project.

Exit code 1 when an error-severity finding exists, 0 otherwise, 2 for unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from decimal import InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PerfXLError

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
    p.add_argument("file", help="要校验的文件（目前支持模型 JSON：perf-xl import -o 的输出）")
    p.add_argument("--config", metavar="rules.toml", help="校验配置文件（TOML）")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="输出格式：table（默认，按项目分组）或 json（问题列表）")
    p.set_defaults(run=run)


def _load_json(path: Path) -> Department:
    from ..model import Department

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PerfXLError("不是 UTF-8 编码的 JSON 文件", path=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PerfXLError(f"不是有效的 JSON：{exc.msg}", path=str(path), line=exc.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("projects", []), list):
        raise PerfXLError("不是 perf-xl 的模型 JSON：顶层应为含 projects 列表的对象",
                          path=str(path))
    try:
        return Department.from_dict(data)
    except (TypeError, ValueError, KeyError, AttributeError, InvalidOperation) as exc:
        raise PerfXLError(f"不是 perf-xl 的模型 JSON：{exc}", path=str(path)) from None


# Suffix -> loader. The text importer and the workbook reader register here when merged
# (".txt": text document, ".xlsm"/".xlsx": workbook).
LOADERS: dict[str, Callable[[Path], Department]] = {".json": _load_json}


def load_department(path: str | Path) -> Department:
    """Read FILE into the model, choosing the reader by suffix."""
    p = Path(path)
    suffix = p.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        supported = "、".join(sorted(LOADERS))
        raise PerfXLError(f"不支持的文件类型「{suffix or '无扩展名'}」，目前可校验：{supported}",
                          path=str(p))
    if not p.is_file():
        raise PerfXLError("文件不存在", path=str(p))
    try:
        return loader(p)
    except OSError as exc:
        raise PerfXLError(f"无法读取文件：{exc.strerror or exc}", path=str(p)) from None


def run(args: argparse.Namespace) -> int:
    from ..rules import load_config, validate

    config = load_config(args.config)
    dept = load_department(args.file)
    findings = validate(dept, config)
    if args.format == "json":
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    elif sys.stdout.isatty():
        _print_rich(dept, findings)
    else:
        _print_plain(dept, findings)
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
    from collections import Counter

    by = Counter(f.severity for f in findings)
    projects = {f.project_seq for f in findings if f.project_seq is not None}
    return (f"共 {len(dept.projects)} 个项目，{len(projects)} 个有问题：错误 {by['error']} 个，"
            f"警告 {by['warning']} 个，提示 {by['info']} 个")


def _print_plain(dept: Department, findings: list[Finding]) -> None:
    for title, items in _groups(findings):
        print(title)
        for f in items:
            place = " ".join(x for x in (f.cell or "", f"第{f.line}行" if f.line else "") if x)
            print(f"  {f.severity_label}  {f.code}  {place}  {f.message}  【{f.category}】")
        print()
    print(summary(dept, findings) if findings else f"共 {len(dept.projects)} 个项目，未发现问题")


def _print_rich(dept: Department, findings: list[Finding]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    styles = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for title, items in _groups(findings):
        table = Table(title=title, title_justify="left", expand=True)
        table.add_column("级别", no_wrap=True)
        table.add_column("编号", no_wrap=True)
        table.add_column("单元格", no_wrap=True)
        table.add_column("行", no_wrap=True, justify="right")
        table.add_column("说明", ratio=1)
        table.add_column("审核意见", no_wrap=True)
        for f in items:
            table.add_row(f"[{styles[f.severity]}]{f.severity_label}[/]", f.code, f.cell or "",
                          str(f.line or ""), f.message, f.category)
        console.print(table)
    console.print(summary(dept, findings) if findings
                  else f"共 {len(dept.projects)} 个项目，未发现问题")
