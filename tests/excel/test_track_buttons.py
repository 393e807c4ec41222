"""The buttons of the year after the plan on the fake workbook leave the same cells as
``perf-xl monitor / selfeval --write`` leave in a copy of the same file, and the export
buttons write the same forms as ``perf-xl export --monitor N / --selfeval``."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest
from support.cli import cli
from support.fake_xlwings import FakeBook
from support.snapshots import book_state, differences, file_state

from perf_xl.excel import track_buttons as TB
from perf_xl.sources import load
from perf_xl.workbook import layout as L

NAME = "PerformanceTargets.xlsm"


@pytest.fixture
def prepared(example_book, tmp_path_factory) -> Path:
    """The example after a month-6 --write with an execution file, and then one 指标值
    changed by hand (its helper cells are stale until the next monitor)."""
    import openpyxl

    tmp = tmp_path_factory.mktemp("prep")
    book = tmp / NAME
    shutil.copy(example_book, book)
    dept = load(book).department
    with open(tmp / "a.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["项目编码", "三级指标", "执行数", "执行情况", "实际完成值"])
        for p in dept.projects:
            w.writerow([p.code, "", str((p.budget or 0) * 4 / 10), "", ""])
            for ind in p.indicators[:3]:
                w.writerow([p.code, ind.level3, "", "3", "5"])
    assert cli("monitor", book, "--month", "6", "--actuals", tmp / "a.csv", "--write").returncode == 1
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb[dept.projects[0].sheet]["F13"] = "≥80 件"
    wb.save(book)
    return book


def _pair(prepared: Path, tmp_path: Path) -> tuple[FakeBook, Path]:
    for d in ("live", "cli"):
        (tmp_path / d).mkdir()
        shutil.copy(prepared, tmp_path / d / NAME)
    return FakeBook.from_file(tmp_path / "live" / NAME), tmp_path / "cli" / NAME


@pytest.mark.parametrize("phase", ["monitor", "selfeval"])
def test_track_buttons_do_what_the_cli_does(prepared, tmp_path, phase):
    fake, path = _pair(prepared, tmp_path)
    message = getattr(TB, phase)(book=fake)
    done = cli(phase, path, "--write")
    assert done.returncode in (0, 1), done.stderr
    assert message.splitlines()[0] == done.stdout.splitlines()[-2]  # the summary line
    diff = differences(book_state(fake), file_state(path))
    assert not diff, "\n".join(diff[:30])
    sheet = load(path).department.projects[0].sheet
    assert fake.sheets[sheet].range(f"{L.TRACK_COLUMN['kind'].col}13").value == "正向"
    assert fake.sheets[sheet].range(f"{L.TRACK_COLUMN['target'].col}13").value == 80


@pytest.mark.parametrize(("button", "args"), [("export_monitor", ("--monitor", "6")),
                                              ("export_selfeval", ("--selfeval",))])
def test_export_buttons_equal_the_cli(prepared, tmp_path, button, args):
    from python_calamine import CalamineWorkbook

    fake, path = _pair(prepared, tmp_path)
    out_button = tmp_path / "button.xlsx"
    getattr(TB, button)(book=fake, path=str(out_button))
    out_cli = tmp_path / "cli.xlsx"
    assert cli("export", path, *args, "-o", out_cli).returncode == 0

    def values(p):
        wb = CalamineWorkbook.from_path(str(p))
        return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}

    a, b = values(out_button), values(out_cli)
    assert a.keys() == b.keys() and len(a) == 40
    for name in a:  # the self-evaluation form is dated: the date is today in both
        assert a[name] == b[name], name
    with zipfile.ZipFile(out_button) as z:
        assert not any(n.startswith("xl/vba") for n in z.namelist())


def test_export_button_needs_a_saved_workbook(prepared, tmp_path):
    fake, _path = _pair(prepared, tmp_path)
    fake._fullname = "https://example.com/book.xlsm"
    message = TB.export_monitor(book=fake)
    assert "保存到本机" in message
