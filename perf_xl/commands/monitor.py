"""perf-xl monitor WB --month N [--actuals FILE] [--write] [--format json]: 运行监控 at month N.

Exit code 1 when an error-severity finding exists (PT601, PT605), 0 otherwise, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "monitor", help="运行监控（双监控：预算执行与绩效目标）",
        description="按 N 月的执行数与各指标执行情况计算执行率、预算灯（对序时进度与对本单位支出计划）"
                    "和指标灯，检查 PT601–PT606。--actuals 读入一体化系统导出的执行数据（CSV 或 .xlsx，"
                    "按项目编码或序号），--write 写回工作簿的监控区。")
    _common(p)
    p.add_argument("--month", type=int, metavar="N", help="监控月份（3–11）；默认取项目表中填写的月份")
    p.set_defaults(run=run, phase="monitor")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="主工作簿 .xlsm（或模型 .json）")
    p.add_argument("--actuals", metavar="FILE",
                   help="执行数据文件（CSV / .xlsx）：项目编码或序号 + 执行数；"
                        "可加 三级指标 + 执行情况 / 实际完成值 的行")
    p.add_argument("--config", metavar="rules.toml", help="校验配置文件（TOML：[monitor] [selfeval]）")
    p.add_argument("--write", action="store_true", help="把执行数据、监控月份与判定辅助列写回工作簿（原地安全保存）")
    p.add_argument("--format", choices=("table", "json"), default="table", help="输出格式")


def run(args: argparse.Namespace) -> int:
    import gc

    # A workbook of a thousand sheets is a few million objects, none in a cycle: the collector
    # would walk them again and again (a tenth of the run) for nothing. Back on when done.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if enabled:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    from ..lifecycle_ops import run_track
    from ..rules import load_config
    from .common import open_source

    month = getattr(args, "month", None)
    if month is not None:
        from ..lifecycle_ops import check_month

        check_month(month, args.phase)  # a bad --month is refused before any file is opened
    config = load_config(args.config)
    read, book = open_source(args.file, write=args.write)
    outcome = run_track(read, args.phase, getattr(args, "month", None), config, args.actuals,
                        write=args.write, grid_of=book.grid if book is not None else None)
    if args.write:
        book.apply(outcome.patch)
        book.save()
    if args.format == "json":
        print(json.dumps(outcome.to_json(), ensure_ascii=False, indent=2))
    else:
        _print(outcome)
        if args.write:
            print(f"已写入工作簿：{args.file}" + (f"（执行数据 {outcome.changed} 项）" if outcome.changed else ""))
    return 1 if outcome.errors else 0


def _print(outcome) -> None:
    from ..lifecycle.lights import LIGHT_LABELS
    from ..model import decimal_text

    def pct(v):
        return "—" if v is None else f"{decimal_text(round(v * 100, 2))}%"

    def num(v):
        return "—" if v is None else decimal_text(v)

    def lab(v):
        return LIGHT_LABELS.get(v or "", "—")

    by_project: dict[int, list] = {}
    for f in outcome.findings:
        by_project.setdefault(f.project_seq or 0, []).append(f)
    for r in outcome.results:
        p = r.project
        head = f"{p.seq:02d} {p.name}（{p.code or '无编码'}）"
        if outcome.phase == "monitor":
            line = (f"  执行数 {num(r.executed)} 万元，执行率 {pct(r.execution_rate)}，序时进度 "
                    f"{pct(r.standard_rate)}，计划 {pct(r.plan_rate)}；预算灯 {lab(r.budget_light)}"
                    f"（对计划 {lab(r.plan_light)}），指标灯 {lab(r.light)}")
        else:
            line = (f"  全年执行数 {num(r.executed)} 万元，执行得分 {num(r.execution_score)}，指标得分 "
                    f"{num(r.indicator_score)}，总分 {num(r.total)}，等级 {r.grade or '—'}")
        print(head)
        print(line)
        for f in by_project.get(p.seq, []):
            print(f"  {f.severity_label}  {f.code}  {f.cell or ''}  {f.message}")
    print(outcome.message())
