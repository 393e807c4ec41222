"""``perf-xl import FILE``: read a 绩效文本 (.txt), list its projects, save the model."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Department

COLUMNS = ("序号", "编码", "名称", "预算数", "支出计划", "指标数", "资金来源")
_LEFT = ("编码", "名称", "支出计划", "资金来源")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "import",
        help="读取绩效文本（.txt / .docx / .xlsm），列出各项目，可保存为模型 JSON",
        description="读取《部门预算绩效文本》（文本 .txt、Word .docx、主工作簿 .xlsm 或模型 .json），"
        "列出每个项目的编码、名称、预算数、"
        "资金支出计划、指标数和资金来源，并给出合计；可把读到的模型保存为 JSON。"
        "读不懂的地方会指出行号并以退出码 2 结束。",
    )
    parser.add_argument("file", metavar="FILE", help="绩效文本 .txt（UTF-8 或 GB18030 编码）、.docx、.xlsm 或 .json")
    parser.add_argument("-o", "--output", metavar="model.json", help="把读到的模型保存为 JSON 文件")
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="输出格式：table（表格，默认）或 json（模型 JSON）",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..atomic import write_text
    from ..sources import load

    if args.output:
        _check_output(Path(args.output), Path(args.file))
    dept = load(Path(args.file)).department  # a text document, Word file, workbook or JSON
    if args.output:
        write_text(Path(args.output), dept.to_json() + "\n")
    if args.format == "json":
        sys.stdout.write(dept.to_json() + "\n")
    else:
        from .common import print_table

        table = [dict(zip(COLUMNS, r, strict=True)) for r in rows(dept)]
        print_table(table, COLUMNS, title=title(dept), left=_LEFT, fold="名称", total=True, aligned=True)
    if args.output:
        print(f"已保存模型：{args.output}", file=sys.stderr)
    return 0


def _check_output(out: Path, source: Path) -> None:
    """-o names a .json file that is not the source (a document is never overwritten)."""
    from ..errors import PerfXLError

    if out.suffix.lower() != ".json":
        raise PerfXLError("模型文件应保存为 .json", path=str(out))
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise PerfXLError("输出文件不能与来源文件相同", path=str(out))


# --------------------------------------------------------------------------- table
def rows(dept: Department) -> list[list[str]]:
    """The table rows (as text), the 合计 row last."""
    out = [
        [
            str(p.seq),
            p.code,
            p.name,
            money(p.budget),
            plan_text(p.plan),
            str(len(p.indicators)),
            p.funding_line,
        ]
        for p in dept.projects
    ]
    total_indicators = sum(len(p.indicators) for p in dept.projects)
    out.append(
        [
            "合计",
            "",
            f"{len(dept.projects)} 个项目",
            money(dept.total_budget),
            "",
            str(total_indicators),
            "",
        ]
    )
    return out


def money(value: Decimal | None) -> str:
    """An amount with at least two decimals, never rounded ("100.00", "12.3456")."""
    if value is None:
        return "—"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return format(value, "f")


def plan_text(plan: list[Decimal | None]) -> str:
    from ..model import decimal_text

    if all(v is None for v in plan):
        return "—"
    return "/".join("—" if v is None else decimal_text(v) for v in plan)


def title(dept: Department) -> str:
    unit = " ".join(x for x in (dept.unit_code, dept.unit_name) if x)
    parts = [x for x in (unit, dept.title) if x]
    note = "金额单位：万元"
    if dept.money_unit != "万元":
        note += f"（原文单位：{dept.money_unit}，已换算）"
    return "　".join([*parts, note])
