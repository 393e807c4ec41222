"""perf-xl export WB --monitor N | --selfeval [-o FILE.xlsx] [--pdf] [--docx]: the 河北
运行监控表 / 自评表 as values (see perf_xl.sinks.lifecycle)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import PerfXLError


def run_track_export(args: argparse.Namespace) -> int:
    from ..lifecycle_ops import run_track
    from ..rules import load_config
    from ..sinks.lifecycle import write_track_file
    from .common import open_source

    if args.monitor is not None and args.selfeval:
        raise PerfXLError("--monitor 与 --selfeval 只能选一个")
    phase = "monitor" if args.monitor is not None else "selfeval"
    source = Path(args.file)
    label = f"{args.monitor}月运行监控表" if phase == "monitor" else "绩效自评表"
    kind = "docx" if args.docx else "xlsx"
    out = Path(args.output) if args.output else source.with_name(f"{source.stem}-{label}.{kind}")
    if out.suffix.lower() != f".{kind}":
        raise PerfXLError(f"输出文件应为 .{kind}", path=str(out))
    if source.exists() and out.exists() and out.resolve() == source.resolve():
        raise PerfXLError("输出文件不能与来源文件相同", path=str(out))
    if args.pdf:
        from ..lo import require_soffice

        require_soffice()
    config = load_config(args.config)
    read, _ = open_source(source, write=False)
    outcome = run_track(read, phase, args.monitor, config, args.actuals)
    dept = read.department
    if args.docx:
        from ..sinks.lifecycle_docx import write_track_docx

        write_track_docx(dept, outcome.results, out, phase=phase, month=outcome.month,
                         cfg=config.lifecycle)
        if args.pdf:
            from ..lo import convert

            convert(out, out.with_suffix(".pdf"), "pdf")
    else:
        write_track_file(dept, outcome.results, out, phase=phase, month=outcome.month,
                         cfg=config.lifecycle, pdf=args.pdf)
    print(f"已导出：{out}（{len(outcome.results)} 个项目的{label}）")
    if args.pdf:
        print(f"已导出：{out.with_suffix('.pdf')}")
    print(outcome.message())
    return 0
