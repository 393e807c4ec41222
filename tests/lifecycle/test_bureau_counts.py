"""The bureau file (perf-xl export, consolidate -o 汇总.xlsx) carries the monitoring and
self-evaluation counts when the workbooks do: per funding line (and per unit when several),
projects by budget light and by project light, the average self-evaluation score and the
grades — values only, checked with python-calamine against counts made here from the
monitor / selfeval JSON."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from python_calamine import CalamineWorkbook
from support.bureau_table import table
from support.cli import cli

from perf_xl.sinks import bureau
from perf_xl.sources import load

LIGHTS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "blue": "蓝灯"}
GRADES = ("优", "良", "中", "差")


def rows_of(path, sheet) -> list[dict]:
    """The table of a sheet of the bureau file, up to the notes."""
    return table(CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python())


def independent(book, key) -> dict[str, Counter]:
    """Per funding line (``key`` "line") or for the one unit ("unit"), and 合计, from the JSON."""
    mon = json.loads(cli("monitor", book, "--format", "json").stdout)
    ev = json.loads(cli("selfeval", book, "--format", "json").stdout)
    lines = {p.code: p.funding_line for p in load(book).department.projects}
    out: dict[str, Counter] = {}
    for p in mon:
        for k in (lines[p["project_code"]] if key == "line" else "unit", "合计"):
            c = out.setdefault(k, Counter())
            c["监控项目数"] += 1
            c[f"预算灯（对序时进度，个）/{LIGHTS[p['budget_light']]}"] += 1
            c[f"项目灯（最差的指标灯，个）/{LIGHTS[p['light']]}"] += 1
    for p in ev:
        if p["total"] is None:
            continue
        for k in (lines[p["project_code"]] if key == "line" else "unit", "合计"):
            c = out[k]
            c["自评项目数"] += 1
            c["总分"] += p["total"]
            c[f"自评等级（个）/{p['grade']}"] += 1
    return out


def check(row: dict, want: Counter) -> None:
    for k, v in row.items():
        if k.startswith(("预算灯", "项目灯", "自评等级")) or k in ("监控项目数", "自评项目数"):
            assert v == want.get(k, 0), (row, k)
    assert row["监控月份"] == "6月"
    mean = (Decimal(str(want["总分"])) / want["自评项目数"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert row["平均自评得分"] == pytest.approx(float(mean))


@pytest.fixture(scope="module")
def exported(written, tmp_path_factory):
    out = tmp_path_factory.mktemp("bureau") / "报送.xlsx"
    done = cli("export", written, "-o", out)
    assert done.returncode in (0, 1), done.stderr
    return out


def test_export_counts_lights_scores_and_grades_per_funding_line(written, exported):
    names = CalamineWorkbook.from_path(str(exported)).sheet_names
    assert names[-1] == bureau.SHEET_TRACK_LINES and bureau.SHEET_TRACK_UNITS not in names
    rows = rows_of(exported, bureau.SHEET_TRACK_LINES)
    want = independent(written, "line")
    assert [r["资金来源"] for r in rows][-1] == "合计"
    assert {r["资金来源"] for r in rows} == set(want) and len(want) > 2
    for r in rows:
        check(r, want[r["资金来源"]])
    total = rows[-1]
    assert total["监控项目数"] == 39 and total["自评项目数"] > 30
    assert sum(total[f"自评等级（个）/{g}"] for g in GRADES) == total["自评项目数"]
    assert len({g for g in GRADES if total[f"自评等级（个）/{g}"]}) >= 3  # not vacuous


def test_the_counts_are_values_with_their_notes(exported):
    with zipfile.ZipFile(exported) as zf:
        for n in zf.namelist():
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n):
                xml = zf.read(n).decode()
                assert "<f>" not in xml and "<f " not in xml, n
    rows = CalamineWorkbook.from_path(str(exported)).get_sheet_by_name(bureau.SHEET_TRACK_LINES).to_python()
    assert "运行监控与绩效自评汇总表（按资金来源）" in rows[0][0]
    assert sum(1 for r in rows if str(r[0]).startswith("注：")) == len(bureau.TRACK_NOTES)


def test_consolidate_writes_them_per_unit_and_per_line(written, example_book, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(written, inbox / "a.xlsm")
    shutil.copy(example_book, inbox / "b.xlsm")  # a unit that has not monitored yet
    out = tmp_path / "汇总.xlsx"
    done = cli("consolidate", inbox, "-o", out)
    assert done.returncode in (0, 1), done.stderr
    names = CalamineWorkbook.from_path(str(out)).sheet_names
    assert names[-2:] == [bureau.SHEET_TRACK_LINES, bureau.SHEET_TRACK_UNITS]
    units = rows_of(out, bureau.SHEET_TRACK_UNITS)
    assert len(units) == 3 and units[-1]["单位"] == "合计"
    want = independent(written, "unit")
    check(units[0], want["unit"])
    check(units[-1], want["合计"])  # the unit that has not monitored adds nothing
    assert units[1]["监控项目数"] == 0 and units[1]["自评项目数"] == 0
    assert units[1]["平均自评得分"] in ("", None) and units[1]["监控月份"] in ("", None)
    lines = rows_of(out, bureau.SHEET_TRACK_LINES)
    assert lines[-1]["监控项目数"] == 39


def test_no_counts_without_monitoring(example_book, tmp_path):
    out = tmp_path / "报送.xlsx"
    assert cli("export", example_book, "-o", out).returncode in (0, 1)
    assert bureau.SHEET_TRACK_LINES not in CalamineWorkbook.from_path(str(out)).sheet_names
