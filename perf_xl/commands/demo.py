"""perf-xl demo [DIR]: the whole chain on the bundled real document."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

DEFAULT_DIR = "perf-xl-demo"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="用自带示例走一遍全流程",
        description="用自带的真实绩效文本（张家口市中级人民法院 2024 年）依次执行：导入 → 生成主工作簿 → "
                    "填充支出计划 → 校验并标记 → 重建汇总 → 导出报送文件，并列出生成的文件。")
    p.add_argument("dir", nargs="?", default=DEFAULT_DIR, help=f"输出目录（默认 ./{DEFAULT_DIR}）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..importers.text import read_text
    from ..operations import fill, findings_of, read_book, status_text, summary_patch, validate_patch
    from ..resources import example_path
    from ..summary import summarize
    from ..workbook.build import build_workbook
    from ..workbook.file_adapter import FileAdapter

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files: list[tuple[str, Path]] = []

    def step(text: str) -> None:
        print(f"[{time.perf_counter() - started:5.1f}s] {text}")

    source = example_path()
    dept = read_text(source)
    model = out / "model.json"
    model.write_text(dept.to_json(), encoding="utf-8")
    files.append(("模型（JSON）", model))
    step(f"导入 {source.name}：{len(dept.projects)} 个项目，"
         f"{sum(len(p.indicators) for p in dept.projects)} 个指标，预算合计 {dept.total_budget:.2f} 万元")

    book_path = out / "PerformanceTargets.xlsm"
    report = build_workbook(dept, book_path, summary=summarize(dept))
    files.append(("主工作簿", book_path))
    step(f"生成主工作簿：{len(report.sheets)} 张工作表（{report.projects} 张项目表）")

    book = FileAdapter(book_path)
    read = read_book(book)
    filled = fill(read.department, formulas=read.formulas)
    book.apply(filled.patch)
    step(f"填充支出计划：{filled.message}")

    read = read_book(book)  # the filled values, as the workbook now holds them
    findings = findings_of(read)
    book.apply(validate_patch(read, findings, source=book_path.name))
    step(f"校验：{status_text(findings, read.department)}；已写入「校验结果」并标记单元格")
    book.apply(summary_patch(read.department, [f.to_dict() for f in findings], grid_of=book.grid))
    book.save()
    step("重建「汇总」：按资金来源合计，附图表")

    findings_path = out / "findings.json"
    findings_path.write_text(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2),
                             encoding="utf-8")
    files.append(("校验结果（JSON）", findings_path))
    for label, path, write in _exports(read.department, findings, out):
        write()
        files.append((label, path))
        step(f"导出{label}")

    print("\n生成的文件：")
    for label, path in files:
        print(f"  {label}：{path}")
    print(f"\n用 Excel 打开 {book_path} 试试按钮；或运行 perf-xl validate {book_path}")
    return 0


def _exports(dept, findings, out: Path):
    """The bureau file and the Word document."""
    from ..sinks.bureau import write_bureau_file
    from ..sinks.docx import write_docx

    path = out / "报送财政局.xlsx"
    items = [("报送文件", path, lambda: write_bureau_file(dept, [f.to_dict() for f in findings], path))]
    docx = out / "绩效文本.docx"
    items.append(("绩效文本（Word）", docx, lambda: write_docx(dept, docx)))
    return items
