"""The buttons of the year after the plan (macros/PerfXLLifecycle.bas): 运行监控, 绩效自评,
导出监控表, 导出自评表. The same operations as ``perf-xl monitor / selfeval --write`` and
``perf-xl export --monitor N / --selfeval`` (perf_xl.lifecycle_ops), on the open workbook
through the live adapter; the result in a message box, bad input as a message box too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import PerfXLError
from ..lifecycle_ops import run_track
from ..operations import read_book
from .buttons import _button, _say, _with_details
from .live import LiveAdapter


def _run(book: Any, phase: str, config: str | None) -> str:
    from ..rules import load_config

    adapter = LiveAdapter(book)
    read = read_book(adapter)
    outcome = run_track(read, phase, None, load_config(config), write=True, grid_of=adapter.grid)
    adapter.apply(outcome.patch)
    details = [f"「{f.sheet}」{f.cell or ''} {f.severity_label} {f.code} {f.message}"
               for f in outcome.findings if f.severity != "info"]
    return _say(book, _with_details(outcome.message(), details))


@_button
def monitor(book: Any, config: str | None = None) -> str:
    """运行监控: the month typed on the project sheets (监控月份), lights and PT601–PT606."""
    return _run(book, "monitor", config)


@_button
def selfeval(book: Any, config: str | None = None) -> str:
    """绩效自评: scores, grade and PT701–PT705."""
    return _run(book, "selfeval", config)


def _target(book: Any, suffix: str) -> Path:
    full = str(book.fullname)
    path = Path(full)
    if "://" in full or not path.is_absolute() or not path.parent.is_dir():
        raise PerfXLError("请先把工作簿保存到本机文件夹（导出文件写在工作簿旁边）")
    return path.with_name(path.stem + suffix)


def _export(book: Any, phase: str, path: str | None) -> str:
    from ..rules import default_config
    from ..sinks.lifecycle import write_track_file

    read = read_book(LiveAdapter(book))
    outcome = run_track(read, phase)
    label = f"{outcome.month}月运行监控表" if phase == "monitor" else "绩效自评表"
    target = Path(path) if path else _target(book, f"_{label}.xlsx")
    write_track_file(read.department, outcome.results, target, phase=phase, month=outcome.month,
                     cfg=default_config().lifecycle)
    return _say(book, f"已导出{label}：{target}（{len(outcome.results)} 个项目）")


@_button
def export_monitor(book: Any, path: str | None = None) -> str:
    """导出监控表: the 河北 运行监控表 of the month on the sheets, next to the workbook."""
    return _export(book, "monitor", path)


@_button
def export_selfeval(book: Any, path: str | None = None) -> str:
    """导出自评表: the 河北 自评表, next to the workbook."""
    return _export(book, "selfeval", path)
