"""perf-xl fill FILE [--profile …] [--overwrite]: fill the spend plan of every project sheet."""

from __future__ import annotations

import argparse

from ..errors import PerfXLError


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..conventions import PROFILE_NAMES

    p = sub.add_parser(
        "fill", help="填充资金支出计划",
        description="按支出计划模板填写各项目表空缺的 3月底/6月底/10月底/12月底 累计进度。"
                    "默认只填空白单元格，已填写的数值不变；与模板不一致的数值作为冲突列出。"
                    "模板取自 --profile，否则取各项目表的「支出计划模板」，再否则为序时进度。")
    p.add_argument("file", help="主工作簿 .xlsm")
    p.add_argument("--profile", help="支出计划模板：" + "、".join(PROFILE_NAMES))
    p.add_argument("--overwrite", action="store_true", help="用模板数值覆盖已填写的数值（会列出每处改动）")
    p.add_argument("--monthly", metavar="金额,…",
                   help="按月度付款计划填写一个项目：12 个月的计划支出（万元，逗号分隔，空为 0），"
                        "换算为 3月底/6月底/10月底/12月底 的累计比例；须同时用 --project 指定项目")
    p.add_argument("--project", metavar="序号或编码", help="只填写这个项目（序号、项目编码或工作表名）")
    p.add_argument("--dry-run", action="store_true", help="只显示将要填写的内容，不修改文件")
    from .common import FORCE_HELP

    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(run=run)


def _find_project(dept, key: str):
    """A project by 序号, 项目编码 or sheet name."""
    for p in dept.projects:
        if key in (str(p.seq), f"{p.seq:02d}", p.code, p.sheet):
            return p
    raise PerfXLError(f"找不到项目「{key}」（可用序号、项目编码或工作表名）")


def run(args: argparse.Namespace) -> int:
    from ..operations import fill, read_book
    from .common import open_for_update

    if args.monthly is not None and not args.project:
        raise PerfXLError("--monthly 是一个项目的月度计划，请用 --project 指定项目")
    if args.monthly is not None and args.profile:
        raise PerfXLError("--monthly 与 --profile 只能选一个")
    book = open_for_update(args.file, force=args.force, dry_run=args.dry_run)
    read = read_book(book)
    dept = read.department
    profile: object = args.profile
    if args.project:
        dept.projects = [_find_project(dept, args.project)]
    if args.monthly is not None:
        from ..spendplan import plan_from_monthly

        plan, notes = plan_from_monthly(args.monthly.replace("，", ",").split(","), dept.projects[0].budget)
        profile = plan
        for note in notes:
            print("注意：" + note)
    from ..workbook import layout as L
    from ..workbook.track import workbook_params

    params = workbook_params(book.grid(L.CODES_SHEET) if L.CODES_SHEET in book.sheet_names else None)
    outcome = fill(dept, profile=profile, overwrite=args.overwrite, formulas=read.formulas,
                   lifecycle=params)
    for line in outcome.details:
        print(line)
    for problem in read.problems:
        print(f"跳过「{problem.sheet}」：{problem.message}")
    if args.dry_run:
        print(f"（试运行，未修改文件）{outcome.message}")
        return 0
    if outcome.patch:
        read.check_patch_cells(outcome.patch.values, args.file)
        book.apply(outcome.patch)
        book.save()
    print(outcome.message + ("" if outcome.patch else "（文件未改动）"))
    return 0
