"""``perf-xl docx SOURCE -o 绩效文本.docx``: write the 部门预算绩效文本 as a Word document.

SOURCE is a model JSON (``Department.to_json``), a 绩效文本 .docx (read back and written
anew), or — once the text importer is in — the text form. ``--json`` also saves the model
that was read (so ``perf-xl docx 文本.docx --json model.json`` reads a Word document).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HELP = "生成《部门预算绩效文本》Word 文档（.docx）"


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "docx",
        help=HELP,
        description=HELP + "：封面、第一部分 部门整体绩效目标、第二部分 每个项目一张绩效目标表。",
    )
    p.add_argument("source", help="来源：模型 JSON（.json）或绩效文本 Word 文档（.docx）")
    p.add_argument(
        "-o", "--output", help="输出的 .docx（默认：来源同目录下“<来源名>-绩效文本.docx”）"
    )
    p.add_argument("--json", dest="json_out", metavar="JSON", help="同时把读到的模型保存为 JSON")
    p.add_argument("--draft", action="store_true", help="封面标注“(草案)”")
    p.set_defaults(run=run)


def load_source(path: Path) -> Any:
    """The Department in a model JSON or a .docx (and the text form when available)."""
    from ..errors import PerfXLError

    suffix = path.suffix.lower()
    if suffix == ".docx":
        from ..importers.docx import read_docx

        return read_docx(path)
    if suffix == ".json":
        return _load_json(path)
    if suffix == ".txt":
        try:
            from ..importers import text as text_importer  # type: ignore[attr-defined]
        except ImportError:
            text_importer = None
        reader = getattr(text_importer, "read_text", None)
        if reader is None:
            raise PerfXLError(
                "暂不支持从文本（.txt）生成，请先用 perf-xl import 转成 JSON", path=str(path)
            )
        return reader(path)
    raise PerfXLError(
        "无法识别的来源类型：请给出模型 JSON（.json）或 Word 文档（.docx）", path=str(path)
    )


def _load_json(path: Path) -> Any:
    import json
    from decimal import InvalidOperation

    from ..errors import PerfXLError
    from ..model import Department

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PerfXLError("文件不存在", path=str(path)) from None
    except UnicodeDecodeError:
        raise PerfXLError("不是 UTF-8 编码的 JSON 文件", path=str(path)) from None
    except OSError as exc:
        raise PerfXLError(f"无法读取文件：{exc.strerror or exc}", path=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PerfXLError(f"不是有效的 JSON：{exc.msg}", path=str(path), line=exc.lineno) from None
    if not isinstance(data, dict):
        raise PerfXLError("模型 JSON 的最外层应是一个对象（{…}）", path=str(path))
    try:
        return Department.from_dict(data)
    except (TypeError, ValueError, KeyError, AttributeError, InvalidOperation) as exc:
        raise PerfXLError(f"模型 JSON 的结构不对：{exc}", path=str(path)) from None


def run(args: argparse.Namespace) -> int:
    from ..errors import PerfXLError

    source = Path(args.source)
    dept = load_source(source)
    if args.json_out:
        _write_text_atomic(Path(args.json_out), dept.to_json() + "\n")
        print(f"已保存模型：{args.json_out}")
        if not args.output:
            return 0
    out = Path(args.output) if args.output else source.with_name(f"{source.stem}-绩效文本.docx")
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise PerfXLError("输出文件不能与来源文件相同", path=str(out))
    from ..sinks.docx import write_docx

    with _progress(len(dept.projects)) as progress:
        write_docx(dept, out, progress=progress, draft=args.draft)
    total = dept.total_budget
    print(f"已生成：{out}（{len(dept.projects)} 个项目，预算合计 {total:.2f} 万元）")
    return 0


class _progress:
    """A rich progress bar on an interactive stderr; nothing when piped (CI, scripts)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not sys.stderr.isatty() or self.total < 2:
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("生成绩效目标表", total=self.total)
        return lambda done, total: self.bar.update(task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _write_text_atomic(path: Path, text: str) -> None:
    from ..atomic import write_text

    write_text(path, text)
