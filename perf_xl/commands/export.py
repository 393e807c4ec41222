"""perf-xl export FILE -o 报送.xlsx [--pdf] | perf-xl export FILE --docx -o 绩效文本.docx

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
    p.add_argument("--config", metavar="rules.toml", help="校验配置文件（TOML）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import PerfXLError

    source = Path(args.file)
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
    from ..workbook.read import incomplete_note

    note = incomplete_note(read.problems)
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

    findings = [f.to_dict() for f in findings_of(read, load_config(args.config))]
    write_bureau_file(dept, findings, out, pdf=args.pdf)
    errors = sum(1 for f in findings if f["severity"] == "error")
    warnings = sum(1 for f in findings if f["severity"] == "warning")
    print(f"已导出：{out}（{len(dept.projects)} 个项目，预算合计 {dept.total_budget:.2f} 万元；"
          f"校验问题：错误 {errors} 条，警告 {warnings} 条，提示 {len(findings) - errors - warnings} 条）")
    if args.pdf:
        print(f"已导出：{pdf_path(out)}")
    for problem in read.problems:
        left_out = "（未计入汇总）" if problem.fatal or problem.kind == "row" else ""
        print(f"注意：工作表「{problem.sheet}」{problem.cell}：{problem.message}{left_out}")
    return 1 if note else 0
