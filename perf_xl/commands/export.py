"""perf-xl export FILE -o 报送.xlsx [--pdf] | perf-xl export FILE --docx -o 绩效文本.docx
| perf-xl export FILE --yitihua -o 目标.zip|目标.xls|目标.xlsx|文件夹/

The file that leaves the building: the summary, the project list and the findings as plain
values (.xlsx, no formulas or macros), optionally also as PDF through LibreOffice; or, with
--docx, the 绩效文本 as a Word document. Exit code 0 when the file was written (findings
are in the file, not in the exit code), 1 when it was written but its totals leave out a
project sheet or a row that could not be read (the first line says so), 2 for unreadable input.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="导出报送财政局的文件（.xlsx 数值版 / PDF / Word）",
        description="导出报送财政局的文件：按资金来源汇总（含合计）、项目清单和校验问题，"
                    "全部为数值（无公式、无宏、无隐藏工作表），A4 横向打印设置；"
                    "--pdf 同时用 LibreOffice 转为 PDF；--docx 改为导出《部门预算绩效文本》Word 文档。")
    p.add_argument("file", help="主工作簿 .xlsm、绩效文本 .txt、模型 .json 或 .docx")
    p.add_argument("-o", "--output",
                   help="输出文件（默认：来源同目录下“<来源名>-报送.xlsx”，--docx 时“<来源名>-绩效文本.docx”）")
    p.add_argument("--pdf", action="store_true", help="同时导出 PDF（与输出文件同名，需要安装 LibreOffice）")
    p.add_argument("--docx", action="store_true", help="导出 Word 文档（.docx）而不是表格")
    p.add_argument("--draft", action="store_true", help="Word 文档封面标注“（草案）”（与 --docx 一起用）")
    p.add_argument("--yitihua", action="store_true",
                   help="导出预算管理一体化系统的《预算项目绩效信息表（预算编制阶段）》：符号/值/计量单位分列，"
                        "一级/二级指标合并单元格；-o 为 .zip（每个项目一个文件）、.xls（Excel 2003 XML，"
                        "一个项目）、.xlsx 或一个文件夹")
    p.add_argument("--xlsx", action="store_true",
                   help="与 --yitihua 一起用：.zip 或文件夹中的文件写成 .xlsx 而不是 Excel 2003 XML")
    p.add_argument("--config", metavar="rules.toml", help="校验配置文件（TOML）")
    p.add_argument("--monitor", type=int, metavar="N",
                   help="改为导出 N 月的《项目支出绩效目标运行监控表》（河北版式，每个项目一张）")
    p.add_argument("--selfeval", action="store_true", help="改为导出《项目支出绩效自评表》（河北版式，每个项目一张）")
    p.add_argument("--actuals", metavar="FILE", help="与 --monitor / --selfeval 一起用：先读入执行数据文件")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import PerfXLError

    if args.monitor is not None or args.selfeval:
        from .export_track import run_track_export

        return run_track_export(args)
    source = Path(args.file)
    if args.yitihua:
        return _run_yitihua(args, source)
    kind = "docx" if args.docx else "xlsx"
    default = f"{source.stem}-绩效文本.docx" if args.docx else f"{source.stem}-报送.xlsx"
    out = Path(args.output) if args.output else source.with_name(default)
    if out.suffix.lower() != f".{kind}":
        raise PerfXLError(f"输出文件应为 .{kind}" + ("" if args.docx else "（报送文件不含宏，不能是 .xlsm）"),
                          path=str(out))
    if source.exists() and out.exists() and out.resolve() == source.resolve():
        raise PerfXLError("输出文件不能与来源文件相同", path=str(out))
    if args.pdf:  # before any work: a missing LibreOffice is known at once
        from ..lo import require_soffice

        require_soffice()

    from .common import open_source

    read, _ = open_source(source, write=False)
    dept = read.department
    note = read.incomplete()
    if note:  # before any figure: a total that leaves something out says so first
        print(note)
    if args.docx:
        from ..sinks.docx import write_docx

        write_docx(dept, out, draft=args.draft)
        print(f"已导出：{out}（{len(dept.projects)} 个项目，预算合计 {dept.total_budget:.2f} 万元）")
        if args.pdf:
            from ..lo import convert

            pdf = convert(out, out.with_suffix(".pdf"), "pdf")
            print(f"已导出：{pdf}")
        return 1 if note else 0

    from ..operations import findings_of
    from ..rules import load_config
    from ..sinks.bureau import pdf_path, write_bureau_file
    from ..summary import summarize

    findings = [f.to_dict() for f in findings_of(read, load_config(args.config))]
    write_bureau_file(dept, findings, out, pdf=args.pdf)
    s = summarize(dept, findings)
    counts = "，".join(f"{sev} {n} 条" for sev, n in s.findings_by_severity.items())
    print(f"已导出：{out}（{s.total['项目数']} 个项目，预算合计 {s.total['预算数']:.2f} 万元；校验问题：{counts}）")
    if args.pdf:
        print(f"已导出：{pdf_path(out)}")
    for problem in read.problems:
        left_out = "（未计入汇总）" if problem.fatal or problem.kind == "row" else ""
        print(f"注意：工作表「{problem.sheet}」{problem.cell}：{problem.message}{left_out}")
    return 1 if note else 0


def _run_yitihua(args: argparse.Namespace, source: Path) -> int:
    from ..errors import PerfXLError
    from ..sinks.yitihua import write_yitihua
    from .common import open_source

    if args.docx or args.pdf:
        raise PerfXLError("--yitihua 不能与 --docx / --pdf 一起用")
    out = Path(args.output) if args.output else source.with_name(f"{source.stem}-一体化.zip")
    if source.exists() and out.exists() and out.resolve() == source.resolve():
        raise PerfXLError("输出文件不能与来源文件相同", path=str(out))
    read, _ = open_source(source, write=False)
    dept = read.department
    note = read.incomplete()
    if note:  # before any figure: a total that leaves something out says so first
        print(note)
    written = write_yitihua(dept, out, fmt="xlsx" if args.xlsx else None)
    where = out if len(written) == 1 else f"{out}（{len(written)} 个文件）"
    print(f"已导出一体化系统的预算项目绩效信息表：{where}，{len(dept.projects)} 个项目，"
          f"{sum(len(p.indicators) for p in dept.projects)} 个指标")
    return 1 if note else 0
