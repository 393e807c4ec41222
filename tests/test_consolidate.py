"""perf-xl consolidate: many departments' files into one bureau summary. The totals are
checked against sums computed here from the models that were written; damaged and foreign
files are skipped with their reason and never stop the run."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from support.example import example_department

from perf_xl import consolidate as cons
from perf_xl.model import Department
from perf_xl.rules import validate
from perf_xl.sinks import bureau
from perf_xl.summary import summarize
from perf_xl.workbook.build import build_workbook

ROOT = Path(__file__).resolve().parents[1]
CENT = D("0.01")

SKIPPED = {  # file -> a phrase its reason must contain
    "05 损坏.xlsm": "已损坏",
    "06 无关.xlsx": "不是 perf_xl 主工作簿",
    "07 改名.xlsm": "改名",
    "08 说明.txt": "没有找到任何项目绩效目标表",
    "sub/09 旧格式.xls": "不是一体化系统导出的表格",  # .xls is read since issue 13; this one is not a table
}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "perf_xl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def variant(code: str, name: str, factor: str, keep: int | None = None) -> Department:
    """The example under another unit, amounts scaled, optionally fewer projects."""
    dept = example_department()
    dept.unit_code, dept.unit_name = code, name
    dept.projects = dept.projects[:keep] if keep else dept.projects
    for p in dept.projects:
        p.sheet = None
        for attr in ("budget", "fiscal", "other"):
            value = getattr(p, attr)
            if value is not None:
                setattr(p, attr, (value * D(factor)).quantize(CENT))
        p.name = p.name.replace("市法院", name)
    return dept


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> tuple[Path, dict[str, Department]]:
    """A bureau's folder: three workbooks, a model JSON, and five files that cannot be read."""
    folder = tmp_path_factory.mktemp("inbox")
    (folder / "sub").mkdir()
    models = {
        "01 中院.xlsm": example_department(),
        "02 宣化区.xlsm": variant("161002", "宣化区人民法院", "1.5"),
        "sub/10 桥西区.xlsm": variant("161010", "桥西区人民法院", "0.37", keep=20),
        "04 模型.json": variant("161004", "万全区人民法院", "2"),
    }
    models["sub/10 桥西区.xlsm"].projects[3].funding_line = "上级专项补助"  # a line typed by a user
    for name, dept in models.items():
        if name.endswith(".json"):
            (folder / name).write_text(dept.to_json(), encoding="utf-8")
        else:
            build_workbook(copy.deepcopy(dept), folder / name)
    whole = (folder / "01 中院.xlsm").read_bytes()
    (folder / "05 损坏.xlsm").write_bytes(whole[: len(whole) // 3])  # a truncated download
    book = openpyxl.Workbook()
    book.active.append(["姓名", "金额"])
    book.active.append(["张三", 100])
    book.save(folder / "06 无关.xlsx")
    shutil.copy(folder / "06 无关.xlsx", folder / "07 改名.xlsm")
    (folder / "08 说明.txt").write_text("请于 3 月底前报送。\n联系人：李四\n", encoding="utf-8")
    (folder / "sub" / "09 旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 500)
    (folder / "~$01 中院.xlsm").write_bytes(b"lock")  # Excel's lock file: ignored
    (folder / ".DS_Store").write_bytes(b"\0")
    return folder, models


def independent(models: dict[str, Department]) -> dict[tuple[str, str], dict[str, D]]:
    """(unit code, funding line) -> 项目数 / 预算数 / 财政资金, from the models."""
    out: dict[tuple[str, str], dict[str, D]] = defaultdict(lambda: defaultdict(D))
    for dept in models.values():
        for p in dept.projects:
            for key in ((dept.unit_code, p.funding_line), (dept.unit_code, "*"), ("*", p.funding_line),
                        ("*", "*")):
                out[key]["项目数"] += 1
                out[key]["预算数"] += p.budget or 0
                out[key]["财政资金"] += p.fiscal or 0
    return out


def test_collect_walks_folders_in_natural_order_and_ignores_lock_files(inbox):
    folder, _ = inbox
    names = [name for _, name in cons.collect([folder])]
    assert names == ["01 中院.xlsm", "02 宣化区.xlsm", "04 模型.json", "05 损坏.xlsm", "06 无关.xlsx",
                     "07 改名.xlsm", "08 说明.txt", "sub/09 旧格式.xls", "sub/10 桥西区.xlsm"]
    # a file named twice (and the output) is taken once / not at all
    again = cons.collect([folder / "02 宣化区.xlsm", folder], exclude=[folder / "06 无关.xlsx"])
    assert [n for _, n in again].count("02 宣化区.xlsm") == 0 and str(folder / "02 宣化区.xlsm") in [
        n for _, n in again]
    assert "06 无关.xlsx" not in [n for _, n in again]


@pytest.mark.parametrize("jobs", [1, 2])
def test_totals_equal_the_models_and_bad_files_are_skipped(inbox, jobs):
    folder, models = inbox
    seen = []
    result = cons.consolidate([folder], jobs=jobs, progress=lambda d, t, n: seen.append((d, t)))
    assert sorted(seen) == [(i, 9) for i in range(1, 10)]
    assert {e.name: e.reason for e in result.skipped}.keys() == SKIPPED.keys()
    for e in result.skipped:
        assert SKIPPED[e.name] in e.reason, (e.name, e.reason)
        assert str(folder) not in e.reason  # the file is named in its own column
    assert [e.name for e in result.inputs] == ["01 中院.xlsm", "02 宣化区.xlsm", "04 模型.json", "sub/10 桥西区.xlsm"]

    expected = independent(models)
    s = result.summary
    units = {r["单位"].split()[0]: r for r in s.by_unit[:-1]}
    for (unit, line), want in expected.items():
        if unit == "*" and line == "*":
            row = s.total
        elif unit == "*":
            row = next(r for r in s.by_line if r["资金来源"] == line)
        elif line == "*":
            row = units[unit]
        else:
            row = next(r for r in s.by_unit_line if r["单位"].startswith(unit) and r["资金来源"] == line)
        for key, value in want.items():
            assert row[key] == value, (unit, line, key)
    assert s.by_unit[-1]["预算数"] == s.total["预算数"] == sum(d.total_budget for d in models.values())
    # one row per department and funding line; one row per project, with its unit
    assert len(s.by_unit_line) - 1 == len([k for k in expected if "*" not in k])
    assert len(s.projects) == sum(len(d.projects) for d in models.values())
    assert s.projects[-1]["单位"].startswith("161010")


def test_every_inputs_findings_are_kept_with_their_file(inbox):
    folder, _ = inbox
    result = cons.consolidate([folder], jobs=1)
    for e in result.inputs:
        mine = [f for f in result.findings if f["source"] == e.name]
        assert len(mine) == len(validate(e.department)) > 0
        assert {f["unit_code"] for f in mine} == {e.department.unit_code}
    s = result.summary
    assert s.total["错误"] == result.errors == sum(1 for f in result.findings if f["severity"] == "error")
    assert result.exit_code == 1  # the example has error-severity findings


def test_same_unit_code_twice_keeps_findings_apart(tmp_path):
    """Two files of one unit (sent twice): each file's findings stay on its own rows."""
    a = example_department()
    b = example_department()
    for p in b.projects:  # the second version fixes every missing 12月底
        if p.plan[3] is None:
            p.plan[3] = D(100)
    (tmp_path / "a.json").write_text(a.to_json(), encoding="utf-8")
    (tmp_path / "b.json").write_text(b.to_json(), encoding="utf-8")
    result = cons.consolidate([tmp_path], jobs=1)
    rows = result.summary.by_unit[:-1]
    errors_a = sum(1 for f in validate(a) if f.severity == "error")
    errors_b = sum(1 for f in validate(b) if f.severity == "error")
    assert errors_a > errors_b
    assert [r["错误"] for r in rows] == [errors_a, errors_b]
    assert any("161001 出现在 2 个文件中" in n for n in result.notes)
    # each file's one department-wide finding (PT503 on a 分项绩效目标, issue 13) belongs to
    # no project row: it is listed in the notes, not counted in the table
    assert [f["code"] for f in result.summary.unassigned_findings] == ["PT503", "PT503"]


def test_summary_attributes_findings_by_unit_index():
    a, b = example_department(), example_department()
    code = a.projects[0].code
    finding = {"code": "PT000", "severity": "error", "project_code": code, "unit_code": a.unit_code}
    by_code = summarize([a, b], [finding])
    by_index = summarize([a, b], [{**finding, "unit_index": 1}])
    assert [r["错误"] for r in by_code.by_unit[:-1]] == [1, 0]  # the unit code alone: the first
    assert [r["错误"] for r in by_index.by_unit[:-1]] == [0, 1]


def test_unexpected_reader_error_skips_only_that_file(inbox, monkeypatch):
    folder, _ = inbox
    import perf_xl.sources

    real = perf_xl.sources.load

    def flaky(path):
        if Path(path).name == "02 宣化区.xlsm":
            raise ValueError("boom")
        return real(path)

    monkeypatch.setattr(perf_xl.sources, "load", flaky)
    result = cons.consolidate([folder], jobs=1)
    reasons = {e.name: e.reason for e in result.skipped}
    assert "意外错误" in reasons["02 宣化区.xlsm"] and "boom" in reasons["02 宣化区.xlsm"]
    assert len(result.inputs) == 3


def test_cli_writes_the_bureau_workbook(inbox, tmp_path):
    folder, models = inbox
    folder = Path(shutil.copytree(folder, tmp_path / "inbox"))  # the fixture stays as it is
    out = folder / "汇总.xlsx"  # inside the folder: must not be read back as an input
    for _ in range(2):
        done = cli("consolidate", str(folder), "-o", str(out))
        assert done.returncode == 1, done.stderr  # error-severity findings in the inputs
        assert "已跳过 5 个无法读取的文件" in done.stdout
        for name, phrase in SKIPPED.items():
            assert any(name in line and phrase in line for line in done.stdout.splitlines()), name
        assert "已汇总 4 个文件" in done.stdout and "汇总.xlsx：" not in done.stdout
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == [bureau.SHEET_LINES, bureau.SHEET_UNITS, bureau.SHEET_UNIT_LINES,
                                bureau.SHEET_PROJECTS, bureau.SHEET_FINDINGS, bureau.SHEET_FILES]
    files = book.get_sheet_by_name(bureau.SHEET_FILES).to_python()
    first = bureau.first_data_row(bureau.FILE_COLUMNS) - 1
    listed = {r[1]: r for r in files[first:]}
    for name, phrase in SKIPPED.items():
        assert listed[name][2] == bureau.FILE_SKIPPED and phrase in listed[name][-1]
    for name, dept in models.items():
        assert listed[name][2] == bureau.FILE_READ
        assert listed[name][6] == pytest.approx(float(dept.total_budget))
    # the table by department and funding line, read back, equals the models
    expected = independent(models)
    rows = book.get_sheet_by_name(bureau.SHEET_UNIT_LINES).to_python()
    start = bureau.first_data_row(bureau.unit_line_columns()) - 1
    data = [r for r in rows[start:] if r[0]]
    assert data[-1][0] == "合计"
    assert data[-1][3] == pytest.approx(float(expected[("*", "*")]["预算数"]))
    for r in data[:-1]:
        want = expected[(r[0].split()[0], r[1])]
        assert (r[2], r[3], r[4]) == pytest.approx(
            (float(want["项目数"]), float(want["预算数"]), float(want["财政资金"])))
    findings = book.get_sheet_by_name(bureau.SHEET_FINDINGS).to_python()
    total_findings = sum(len(validate(d)) for d in models.values())
    assert len([r for r in findings[bureau.HEADER_ROW:] if r[0]]) == total_findings
    lines = book.get_sheet_by_name(bureau.SHEET_LINES).to_python()
    assert any("5 个文件无法读取" in str(r[0]) for r in lines)


def test_cli_json_and_exit_codes(inbox, tmp_path):
    folder, models = inbox
    done = cli("consolidate", str(folder), "--format", "json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert {s["file"] for s in data["skipped"]} == set(SKIPPED)
    assert D(data["by_line"][-1]["预算数"]) == sum(d.total_budget for d in models.values())
    assert data["exit_code"] == 1 and data["output"] is None

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.xlsm").write_bytes(b"PK\x03\x04 not really")
    (bad / "b.txt").write_text("无关内容", encoding="utf-8")
    none = cli("consolidate", str(bad), "-o", str(tmp_path / "x.xlsx"))
    assert none.returncode == 2 and "没有任何文件可以汇总" in none.stderr
    assert "a.xlsm" in none.stderr and not (tmp_path / "x.xlsx").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("consolidate", str(empty)).returncode == 2

    clean = example_department()
    bad_sheets = {f.project_code for f in validate(clean) if f.severity == "error"}
    clean.projects = [p for p in clean.projects if p.code not in bad_sheets]
    assert clean.projects and not any(f.severity == "error" for f in validate(clean))
    good = tmp_path / "good"
    good.mkdir()
    (good / "clean.json").write_text(clean.to_json(), encoding="utf-8")
    ok = cli("consolidate", str(good), "-o", str(tmp_path / "ok.xlsx"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert (tmp_path / "ok.xlsx").exists()


def test_cli_output_named_among_the_inputs_is_not_read(inbox, tmp_path):
    folder, _ = inbox
    target = tmp_path / "06.xlsx"
    shutil.copy(folder / "06 无关.xlsx", target)
    done = cli("consolidate", str(target), str(folder / "01 中院.xlsm"), "-o", str(target))
    assert done.returncode == 1 and "已汇总 1 个文件" in done.stdout and "已跳过" not in done.stdout
    assert CalamineWorkbook.from_path(str(target)).sheet_names[0] == bureau.SHEET_LINES  # replaced


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal_only(inbox, tmp_path):
    import pty

    folder, _ = inbox
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "perf_xl", "consolidate", str(folder), "-j", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=slave, text=True,
                            env={**os.environ, "COLUMNS": "120", "TERM": "xterm"})
    os.close(slave)
    out, _ = proc.communicate(timeout=300)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    text = seen.decode("utf-8", "replace")
    n = len(cons.collect([folder]))
    assert "汇总" in text and f"{n}/{n}" in text  # the bar with its done/total counter
    assert "━" in text or "█" in text
    assert "已汇总 4 个文件" in out  # the result on stdout, free of progress output
    assert f"/{n}" not in out


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_workbook_equals_the_one_written_after(inbox, tmp_path, jobs):
    """consolidate(output=…) writes each department while the next files are read; the
    result must be the very workbook write_bureau_file makes from the finished summary."""
    folder, _ = inbox
    streamed = tmp_path / "streamed.xlsx"
    result = cons.consolidate([folder], jobs=jobs, output=streamed)
    assert result.output == streamed
    after = result.write(tmp_path / "after.xlsx")
    a, b = CalamineWorkbook.from_path(str(streamed)), CalamineWorkbook.from_path(str(after))
    assert a.sheet_names == b.sheet_names
    for name in a.sheet_names:
        assert a.get_sheet_by_name(name).to_python() == b.get_sheet_by_name(name).to_python(), name
    rows = a.get_sheet_by_name(bureau.SHEET_PROJECTS).to_python()
    first = bureau.first_data_row(bureau.project_columns(True)) - 1
    keys = [c.key for c in bureau.project_columns(True)]
    assert len(rows) - first == len(result.summary.projects)
    for got, want in zip(rows[first:], result.summary.projects, strict=True):
        for key, value in zip(keys, got, strict=True):
            expected = want[key]
            if key in ("3月底", "6月底", "10月底", "12月底") and expected is not None:
                expected = expected / 100
            assert value == ("" if expected in (None, "") else pytest.approx(float(expected))
                             if not isinstance(expected, str) else expected), key


def test_nothing_readable_leaves_no_output(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.xlsm").write_bytes(b"not a zip")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous")
    result = cons.consolidate([bad], output=out)
    assert result.output is None and not result.inputs and len(result.skipped) == 1
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "out.xlsx"]  # no temporary left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers forked from this process")
def test_a_worker_that_dies_does_not_lose_files(inbox, monkeypatch):
    """A worker killed mid-run (out of memory, a crash in a native reader): the files it
    did not deliver are read in this process, and nothing is skipped for it."""
    folder, _ = inbox
    parent = os.getpid()
    real = cons.read_one

    in_parent = []

    def dying(path, name, config=None):
        if os.getpid() != parent and name == "02 宣化区.xlsm":
            os._exit(9)
        if os.getpid() == parent:
            in_parent.append(name)
        return real(path, name, config)

    monkeypatch.setattr(cons, "read_one", dying)
    result = cons.consolidate([folder], jobs=2)
    assert "02 宣化区.xlsm" in in_parent  # the pool broke and this process took over
    serial = cons.consolidate([folder], jobs=1)
    assert [e.name for e in result.inputs] == [e.name for e in serial.inputs]
    assert {e.name for e in result.skipped} == set(SKIPPED)
    assert result.summary.total == serial.summary.total


@pytest.mark.lo
def test_cli_pdf_of_the_consolidation(tmp_path):
    from support.lo import require_tools

    require_tools("soffice", "pdftotext")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for code in ("161001", "161002"):
        dept = variant(code, f"单位{code}", "1")
        (inbox / f"{code}.json").write_text(dept.to_json(), encoding="utf-8")
    out = tmp_path / "汇总.xlsx"
    done = cli("consolidate", str(inbox), "-o", str(out), "--pdf")
    assert done.returncode == 1, done.stderr
    assert "汇总.pdf" in done.stdout
    text = subprocess.run(["pdftotext", "-layout", str(out.with_suffix(".pdf")), "-"],
                          capture_output=True, text=True).stdout
    for caption in ("按单位汇总", "按单位和资金来源", "文件清单", "161002 单位161002", "14,625.38"):
        assert caption in text, caption
