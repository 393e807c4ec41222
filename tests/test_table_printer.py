"""The one table printer (commands.common.print_table) on a terminal: validate's findings
fold, never cut with "…" (Chinese text has no spaces to wrap at)."""

from __future__ import annotations

import argparse
import re
import sys

from perf_xl.commands import validate
from perf_xl.rules import validate as run_rules
from perf_xl.sources import load
from tests.importers.test_corpus import CORPUS


def test_validate_on_a_terminal_shows_every_message_whole(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    path = CORPUS / "shenbao-national.txt"
    args = argparse.Namespace(file=str(path), config=None, write=False, force=False, format="table")
    validate.run(args)
    out = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    shown: list[str] = []  # the 说明 column, its folded lines joined
    for line in out.splitlines():
        cells = line.split("│")
        if len(cells) != 8:
            continue
        if cells[2].strip():  # a 编号: a new finding
            shown.append("")
        shown[-1] += cells[5].strip()
    messages = [re.sub(r"\s", "", f.message) for f in run_rules(load(path).department)]
    assert "…" not in out
    assert [re.sub(r"\s", "", m) for m in shown] == messages


def test_aligned_plain_text_pads_by_display_width_and_sets_the_total_apart(capsys):
    from rich.cells import cell_len

    from perf_xl.commands.common import print_table

    rows = [{"名称": "法院", "预算数": "1598.90"}, {"名称": "ab", "预算数": "5.00"},
            {"名称": "合计", "预算数": "1603.90"}]
    print_table(rows, ("名称", "预算数"), title="标题", left=("名称",), total=True, aligned=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["标题", ""]
    assert lines[3] == lines[-2] and set(lines[3]) == {"-", " "}  # the rules over body and total
    body = [lines[2], lines[4], lines[5], lines[-1]]
    assert body[2] == "ab       5.00"  # 名称 left, 预算数 right-aligned
    assert {cell_len(line) for line in body} == {cell_len("法院  1598.90")}


def test_plain_text_for_scripts_is_tab_separated(capsys):
    from perf_xl.commands.common import print_table

    print_table([{"a": "x", "b": None}], ("a", "b"), title="不出现")
    assert capsys.readouterr().out == "a\tb\nx\t\n"


def test_a_terminal_table_never_cuts_a_column_but_the_folded_one(monkeypatch, capsys):
    from perf_xl.commands.common import print_table

    monkeypatch.setenv("COLUMNS", "30")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code = "13070024P000482100018"
    print_table([{"编码": code, "名称": "罚没安排—国家赔偿（市法院）"}], ("编码", "名称"), left=("编码", "名称"),
                fold="名称")
    out = capsys.readouterr().out
    assert code in out and "…" not in out
