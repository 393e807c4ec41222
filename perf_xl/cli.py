"""The ``perf-xl`` command line. Each sub-command lives in ``perf_xl.commands.<name>``
with ``add_parser(subparsers)``; heavy libraries are imported only when a command runs."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys

from . import __version__
from .errors import PerfXLError

# (command, module) in the order --help lists them.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("demo", "demo"),
    ("import", "import_text"),
    ("build", "build"),
    ("addin", "addin"),
    ("fill", "fill"),
    ("validate", "validate"),
    ("summary", "summary"),
    ("monitor", "monitor"),
    ("selfeval", "selfeval"),
    ("export", "export"),
    ("consolidate", "consolidate"),
    ("rules", "rules"),
)

DESCRIPTION = """\
perf-xl：部门预算绩效目标表工具。

把《部门预算绩效文本》读成模型，生成主工作簿 PerformanceTargets.xlsm（每个项目一张
绩效目标表），填充资金支出计划，按规则校验，汇总各资金来源并导出报送财政局的文件。
所有操作都可在命令行完成，无需 Excel。"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perf-xl",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"perf-xl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for _name, module in COMMANDS:
        importlib.import_module(f".commands.{module}", __package__).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        return int(args.run(args) or 0)
    except PerfXLError as exc:
        print(f"错误：{exc.describe()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into a reader that stopped early (`| head`): not a failure.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the exit flush quiet
        return 0
    finally:
        from .atomic import release_all

        release_all()  # the workbook locks of an update end with the command


def run() -> None:
    """``main`` as a process (the perf-xl script, python -m perf_xl): once the command is
    done and its output flushed, the process ends without the interpreter freeing every
    object of the run one by one (workbook trees, grids: ~20 ms of a 0.3 s update); the
    cyclic collector runs rarely meanwhile.
    Exit handlers still run; with a thread still alive, or output that cannot be flushed,
    the ordinary exit."""
    import gc

    # A command allocates hundreds of thousands of objects (modules, grids, workbook trees)
    # and hardly any cycles: at the default threshold (700) the collector walks them some
    # 60 times for a few hundred objects (~10 ms of a 0.3 s update). Rarer, not never.
    gc.set_threshold(100_000, 50, 50)
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    import threading

    if threading.active_count() > 1:
        raise SystemExit(code)
    import atexit

    atexit._run_exitfuncs()
    os._exit(code)


def _utf8_streams() -> None:
    # Chinese output on a Windows console or a pipe with a legacy code page.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
