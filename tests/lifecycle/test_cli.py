"""perf-xl monitor / selfeval as processes: JSON, --actuals, bad input."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from support.cli import cli

from perf_xl.model import Department, IndicatorTrack, ProjectTrack
from perf_xl.sources import load


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture(scope="module")
def projects(example_book):
    return load(example_book).department.projects


def test_monitor_json_with_actuals(example_book, projects, tmp_path):
    p = projects[0]
    actuals = write_csv(tmp_path / "a.csv", [
        ["项目编码", "三级指标", "执行数（万元）", "执行情况"],
        [p.code, "", "40", ""],
        [p.code, "精准发放率", "", "40"],
        [p.code, "平均审理天数", "", "35"],
    ])
    r = cli("monitor", example_book, "--month", "6", "--actuals", actuals, "--format", "json")
    assert r.returncode == 1, r.stderr  # PT601 for the projects without 执行数, PT605
    data = json.loads(r.stdout)
    assert len(data) == len(projects)
    first = data[0]
    for key in ("project_code", "month", "executed", "execution_rate", "standard_rate", "plan_rate",
                "budget_light", "light", "indicators"):
        assert key in first
    assert first["project_code"] == p.code and first["month"] == 6
    assert first["executed"] == 40 and first["execution_rate"] == 40 and first["standard_rate"] == 50
    assert first["budget_light"] == "green"  # 40 / 50 × 100 = 80
    names = {i["name"]: i for i in first["indicators"]}
    assert names["精准发放率"]["actual"] == 40 and names["精准发放率"]["light"] == "red"
    assert names["平均审理天数"]["light"] == "green"
    assert first["light"] == "red"
    assert {f["code"] for f in first["findings"]} >= {"PT604", "PT605"}
    assert data[1]["findings"][0]["code"] == "PT601"


def test_actuals_keyed_by_seq_from_xlsx(example_book, projects, tmp_path):
    import xlsxwriter

    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["序号", "执行数"])
    for i, p in enumerate(projects, 1):
        ws.write_row(i, 0, [p.seq, float(p.budget or 0) * 0.6])
    book.close()
    r = cli("monitor", example_book, "--month", "6", "--actuals", path, "--format", "json")
    data = json.loads(r.stdout)
    assert all(d["execution_rate"] == 60 for d in data if d["budget"])
    assert not [f for d in data for f in d["findings"] if f["code"] == "PT601"]


@pytest.mark.parametrize("month", ["2", "12", "0"])
def test_month_outside_3_to_11_is_refused(example_book, month):
    r = cli("monitor", example_book, "--month", month)
    assert r.returncode == 2
    assert "3–11" in r.stderr and "Traceback" not in r.stderr


def test_a_bad_month_is_refused_before_the_file_is_opened(tmp_path):
    r = cli("monitor", str(tmp_path / "no-such-book.xlsm"), "--month", "13")
    assert r.returncode == 2 and "3–11" in r.stderr and "文件不存在" not in r.stderr


def test_unknown_code_in_actuals_names_the_line(example_book, projects, tmp_path):
    actuals = write_csv(tmp_path / "a.csv", [["项目编码", "执行数"], [projects[0].code, "1"],
                                            ["13070024P000000000000", "2"]])
    r = cli("monitor", example_book, "--month", "6", "--actuals", actuals)
    assert r.returncode == 2
    assert "第 3 行" in r.stderr and "13070024P000000000000" in r.stderr
    assert "Traceback" not in r.stderr


def test_text_in_executed_column_names_the_line(example_book, projects, tmp_path):
    actuals = write_csv(tmp_path / "a.csv", [["项目编码", "执行数"], [projects[0].code, "四十"]])
    r = cli("monitor", example_book, "--month", "6", "--actuals", actuals)
    assert r.returncode == 2
    assert "第 2 行" in r.stderr and "四十" in r.stderr


def test_unknown_indicator_in_actuals(example_book, projects, tmp_path):
    actuals = write_csv(tmp_path / "a.csv", [["项目编码", "三级指标", "执行情况"],
                                            [projects[0].code, "不存在的指标", "3"]])
    r = cli("monitor", example_book, "--month", "6", "--actuals", actuals)
    assert r.returncode == 2 and "不存在的指标" in r.stderr


def test_selfeval_json_scores(example_book, projects, tmp_path):
    p = projects[0]
    rows = [["项目编码", "三级指标", "执行数", "实际完成值"], [p.code, "", "100", ""]]
    for ind in p.indicators:
        rows.append([p.code, ind.level3, "", "95" if "%" in ind.value else "30"])
    actuals = write_csv(tmp_path / "a.csv", rows)
    r = cli("selfeval", example_book, "--actuals", actuals, "--format", "json")
    data = json.loads(r.stdout)
    first = data[0]
    for key in ("execution_score", "indicator_score", "total", "grade"):
        assert key in first
    assert first["execution_score"] == 10
    assert all("weight" in i and "score" in i for i in first["indicators"])
    assert sum(i["weight"] for i in first["indicators"]) == pytest.approx(90)
    assert first["total"] == 100 and first["grade"] == "优"


def test_model_json_round_trip_with_tracks(example_book, tmp_path):
    dept = load(example_book).department
    dept.projects[0].track = ProjectTrack(month=6, executed=__import__("decimal").Decimal("12.5"),
                                          analysis="资金下达晚")
    dept.projects[0].indicators[0].track = IndicatorTrack(progress="35", deviation="经费保障",
                                                          weight=__import__("decimal").Decimal("10"))
    back = Department.from_json(dept.to_json())
    assert back == dept
    # JSON written before tracks existed has no "track" keys and still loads
    data = json.loads(dept.to_json())
    for pr in data["projects"]:
        pr.pop("track", None)
        for i in pr["indicators"]:
            i.pop("track", None)
    old = Department.from_dict(data)
    assert old.projects[0].track is None and old.projects[0].indicators[0].track is None
    assert "track" not in json.loads(old.to_json())["projects"][0]


def test_monitor_runs_on_a_model_json_too(example_book, tmp_path):
    dept = load(example_book).department
    dept.projects[0].track = ProjectTrack(month=7, executed=dept.projects[0].budget)
    path = tmp_path / "m.json"
    path.write_text(dept.to_json(), encoding="utf-8")
    r = cli("monitor", path, "--format", "json")  # month from the model
    data = json.loads(r.stdout)
    assert data[0]["month"] == 7 and data[0]["execution_rate"] == 100


def test_write_needs_a_workbook(tmp_path, example_book):
    book = tmp_path / "b.xlsm"
    shutil.copy(example_book, book)
    r = cli("monitor", tmp_path / "nothing.xlsm", "--month", "6", "--write")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_text_in_the_executed_cell_is_a_finding_with_its_cell(example_book, tmp_path):
    import openpyxl

    from perf_xl.workbook import layout as L

    book = tmp_path / "b.xlsx"
    wb = openpyxl.load_workbook(example_book)
    sheet = load(example_book).department.projects[0].sheet
    wb[sheet][L.TRACK_EXECUTED.cell] = "约五十万"
    wb.save(book)
    r = cli("monitor", book, "--month", "6", "--format", "json")
    data = json.loads(r.stdout)
    [f] = [f for f in data[0]["findings"] if f["code"] == "PT601"]
    assert f["cell"] == L.TRACK_EXECUTED.cell == "N4" and "约五十万" in f["message"]
    assert f["sheet"] == sheet


def test_a_qualitative_score_outside_its_band_is_pt703(example_book, tmp_path):
    from support.example import example_department

    from perf_xl.workbook.build import build_workbook

    dept = example_department()
    dept.projects[0].indicators[4].value = "有效化解矛盾"
    book = tmp_path / "q.xlsm"
    build_workbook(dept, book)
    p = load(book).department.projects[0]
    actuals = write_csv(tmp_path / "a.csv", [["项目编码", "三级指标", "实际完成值", "得分"],
                                            [p.code, p.indicators[4].level3, "部分达成", "29"]])
    r = cli("selfeval", book, "--actuals", actuals, "--format", "json")
    assert r.returncode == 1
    [f] = [f for f in json.loads(r.stdout)[0]["findings"] if f["code"] == "PT703"]
    assert f["cell"] == "W16" and "29" in f["message"] and "[18, 24)" in f["message"]
