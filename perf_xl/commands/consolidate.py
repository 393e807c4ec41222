"""perf-xl consolidate DIR_OR_FILES… -o 汇总.xlsx [--format table|json]

Many departments' workbooks (and text/JSON/Word documents) into one bureau summary.
Exit code: 0 all read and no error-severity finding; 1 the summary was made but an input
has error-severity findings or a file was skipped; 2 nothing could be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..vocabulary import ERROR_LABEL, SEVERITIES, WARNING_LABEL

EPILOG = ("退出码：0 = 全部读取且无「错误」级问题；1 = 已汇总，但有文件含「错误」级问题或有文件被跳过；"
          "2 = 没有任何文件可以读取。")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "consolidate", help="汇总多个单位的工作簿（财政局用）",
        description="把多个单位的主工作簿（以及绩效文本、模型 JSON、Word 文档）汇总为一个文件："
                    "每个单位每个资金来源一行、每个项目一行（含单位）、所有校验问题；"
                    "损坏或无关的文件列出原因后跳过，不中断汇总。",
        epilog=EPILOG)
    p.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE", help="文件夹（含子文件夹）或文件")
    p.add_argument("-o", "--output", help="汇总工作簿 .xlsx（不给则只在屏幕上显示）")
    p.add_argument("--pdf", action="store_true", help="同时导出 PDF（需要安装 LibreOffice）")
    p.add_argument("--format", choices=("table", "json"), default="table", help="屏幕输出格式")
    p.add_argument("--config", metavar="rules.toml", help="校验配置文件（TOML）")
    p.add_argument("-j", "--jobs", type=int, default=None,
                   help="并行读取的进程数（默认按 CPU 核数；1 = 不并行）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..consolidate import collect, consolidate_files
    from ..errors import PerfXLError
    from ..rules import load_config

    out = Path(args.output) if args.output else None
    if out is not None and out.suffix.lower() != ".xlsx":
        raise PerfXLError("汇总文件应保存为 .xlsx", path=str(out))
    if args.jobs is not None and args.jobs < 1:
        raise PerfXLError("--jobs 应为正整数")
    if args.pdf:
        if out is None:
            raise PerfXLError("--pdf 需要同时用 -o 指定汇总工作簿")
        from ..lo import require_soffice

        require_soffice()
    config = load_config(args.config)
    exclude = [out, out.with_suffix(".pdf")] if out is not None else []
    files = collect(args.inputs, exclude=exclude)  # the output is never read as an input
    if not files:
        raise PerfXLError("没有找到要汇总的文件：" + "、".join(args.inputs))

    with _Bar(len(files)) as bar:
        result = consolidate_files(files, config=config, jobs=args.jobs, progress=bar.update, output=out)
    if not result.inputs:
        _print_skipped(result.skipped, sys.stderr)
        raise PerfXLError(f"没有任何文件可以汇总：{len(result.skipped)} 个文件都无法读取")
    if out is not None and args.pdf:
        from ..lo import convert

        convert(out, out.with_suffix(".pdf"), "pdf")
    if args.format == "json":
        _print_json(result, out)
    else:
        if result.incomplete:  # the first line: the totals below leave something out
            print(f"注意：汇总不完整：{len(result.incomplete)} 个文件有无法读取的项目表或未计入的行（"
                  + "、".join(e.name for e in result.incomplete[:5]) + ("等" if len(result.incomplete) > 5 else "")
                  + "）：")
            for e in result.incomplete:
                print("  " + e.name + "：" + "；".join(r for r in e.remarks if r.startswith("合计不完整")))
        _print_table(result)
        print(_status_line(result, out, args.pdf))
    return result.exit_code


def _status_line(result, out: Path | None, pdf: bool) -> str:
    s = result.summary
    line = (f"已汇总 {len(result.inputs)} 个文件（{len(result.departments)} 个单位，{s.total['项目数']} 个项目，"
            f"预算合计 {s.total['预算数']:,.2f} 万元；{ERROR_LABEL} {s.total[ERROR_LABEL]} 条，"
            f"{WARNING_LABEL} {s.total[WARNING_LABEL]} 条）")
    if result.skipped:
        line += f"，跳过 {len(result.skipped)} 个无法读取的文件"
    line += f"，用时 {result.seconds:.1f} 秒"
    if out is not None:
        line += f"；已生成：{out}"
        if pdf:
            line += f" 和 {out.with_suffix('.pdf').name}"
    return line


def _print_table(result) -> None:
    from .common import print_table

    units = [{**r, "文件": f["文件"]} for r, f in zip(result.summary.by_unit, _read_rows(result), strict=False)]
    units.append(result.summary.by_unit[-1])
    print_table(units, ("单位", "文件", "项目数", "预算数", *SEVERITIES), title="按单位汇总（万元）",
                left=("单位", "文件"))
    print()
    print_table(result.summary.by_line, ("资金来源", "项目数", "预算数", "财政资金", "其他资金", *SEVERITIES),
                title="按资金来源汇总（万元）", left=("资金来源",))
    print()
    _print_lifecycle(result.lifecycle())
    for note in result.notes:
        if not note.startswith("另有") or "文件无法读取" not in note:
            print("注：" + note)
    _print_skipped(result.skipped, sys.stdout)


def _print_lifecycle(data) -> None:
    """Monitoring lights and self-evaluation scores, when the workbooks carry them."""
    if not data:
        return
    from ..lifecycle.grades import GRADES
    from ..lifecycle.lights import LIGHT_LABELS, LIGHTS
    from .common import print_table

    cols = ["监控项目数", *(f"预算{LIGHT_LABELS[k]}" for k in LIGHTS), *(f"指标{LIGHT_LABELS[k]}" for k in LIGHTS),
            "自评项目数", "平均得分", *GRADES]
    for key, title in (("by_unit", "单位"), ("by_line", "资金来源")):
        rows = []
        for row in data[key]:
            values = [row["monitored"], *(row["budget_lights"][k] for k in LIGHTS),
                      *(row["lights"][k] for k in LIGHTS), row["evaluated"],
                      "" if row["average_score"] is None else f"{row['average_score']:.2f}",
                      *(row["grades"][g] for g in GRADES)]
            rows.append(dict(zip([title, *cols], [row[title], *values], strict=True)))
        print_table(rows, [title, *cols], title=f"运行监控与绩效自评（按{title}）", left=(title,), aligned=True)
        print()


def _read_rows(result) -> list[dict[str, Any]]:
    return [r for r in result.file_rows() if r.get("类型")]


def _print_skipped(skipped, stream) -> None:
    if not skipped:
        return
    print(f"已跳过 {len(skipped)} 个无法读取的文件：", file=stream)
    for e in skipped:
        print(f"  {e.name}：{e.reason}", file=stream)


def _print_json(result, out: Path | None) -> None:
    data = {
        "files": result.file_rows(),
        "skipped": [{"file": e.name, "reason": e.reason} for e in result.skipped],
        "by_unit": result.summary.by_unit,
        "by_line": result.summary.by_line,
        "by_unit_line": result.summary.by_unit_line,
        "notes": result.notes,
        "output": str(out) if out is not None else None,
        "exit_code": result.exit_code,
    }
    lifecycle = result.lifecycle()
    if lifecycle:
        data["lifecycle"] = lifecycle
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class _Bar:
    """A rich progress bar on an interactive stderr; nothing when piped (CI, scripts)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _Bar:
        if sys.stderr.isatty() and self.total > 1:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("汇总"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), TextColumn("{task.description}"),
                                     console=Console(stderr=True), transient=True,
                                     auto_refresh=False)  # no refresh thread while workers fork
            self.progress.start()
            self.task = self.progress.add_task("", total=self.total)
        return self

    def update(self, done: int, total: int, name: str) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=done, description=name)
            self.progress.refresh()

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
