"""perf-xl addin -o PerfXL.xlam"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_OUTPUT = "PerfXL.xlam"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "addin", help="生成 Excel 加载项 PerfXL.xlam（功能区「绩效目标」选项卡）",
        description="生成 Excel 加载项：功能区「绩效目标」选项卡上的按钮与主工作簿首页的按钮相同，"
                    "作用于当前活动的工作簿，可驱动不含宏的主工作簿（perf-xl build --no-macros）。"
                    "把它放进受信任位置，在 Excel「文件 → 选项 → 加载项 → Excel 加载项 → 浏览」中勾选一次即可。")
    p.add_argument("-o", "--output", default=DEFAULT_OUTPUT, help=f"输出文件（默认 {DEFAULT_OUTPUT}）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import PerfXLError
    from ..workbook.addin import build_addin

    out = Path(args.output)
    if out.suffix.lower() != ".xlam":
        raise PerfXLError("加载项必须保存为 .xlam", path=str(out))
    if out.exists() and not args.force:
        raise PerfXLError("输出文件已存在；请换一个文件名，或加 --force 覆盖", path=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    build_addin(out)
    print(f"已生成加载项 {out}：功能区「绩效目标」选项卡。把它放进受信任位置，"
          f"在 Excel 的「文件 → 选项 → 加载项 → 管理：Excel 加载项 → 转到 → 浏览」中选中它。")
    return 0
