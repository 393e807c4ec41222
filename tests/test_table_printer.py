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
