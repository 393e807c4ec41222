"""perf-xl validate / perf-xl rules as processes."""

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from ruletools import clean_project, department

from perf_xl.errors import PerfXLError
from perf_xl.sources import load_department

ROOT = Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "perf_xl", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8")


def model_file(tmp_path, *projects, name="model.json"):
    path = tmp_path / name
    path.write_text(department(*projects).to_json(), encoding="utf-8")
    return path


def test_rules_lists_the_catalogue():
    r = cli("rules")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].split("\t") == ["编号", "级别", "审核意见", "规则"]
    assert len(lines) == 1 + 41 + 11  # PT101–PT505 (issue 13 added 8), PT601–PT606, PT701–PT705
    assert "PT204\t错误\t指标与指标值不匹配\t" in r.stdout
    data = json.loads(cli("rules", "--format", "json").stdout)
    assert {d["code"] for d in data} >= {"PT101", "PT502"}


def test_clean_model_exits_0(tmp_path):
    r = cli("validate", model_file(tmp_path, clean_project()))
    assert r.returncode == 0, r.stderr
    assert "未发现问题" in r.stdout
    assert json.loads(cli("validate", model_file(tmp_path, clean_project()), "--format", "json").stdout) == []


def test_errors_exit_1_and_json_lists_findings(tmp_path):
    bad = clean_project(plan=[D(25), D(50), D(75), None])
    path = model_file(tmp_path, bad)
    r = cli("validate", path, "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert [(d["code"], d["severity"], d["cell"], d["sheet"], d["project_code"]) for d in data] == [
        ("PT301", "error", "E7", "01 国家赔偿", "13070024P000482100018")]
    assert data[0]["category"] == "其他" and "12月底" in data[0]["message"]
    table = cli("validate", path)
    assert table.returncode == 1
    assert "01 国家赔偿（13070024P000482100018）" in table.stdout
    assert "PT301" in table.stdout and "错误 1 个" in table.stdout


def test_warnings_only_exit_0(tmp_path):
    p = clean_project()
    p.indicators[1].value = "≥100%"
    r = cli("validate", model_file(tmp_path, p), "--format", "json")
    assert r.returncode == 0
    assert [d["code"] for d in json.loads(r.stdout)] == ["PT403"]


def test_config_option(tmp_path):
    bad = clean_project(plan=[D(25), D(50), D(75), None])
    cfg = tmp_path / "rules.toml"
    cfg.write_text("[rules]\nPT301 = false\n", encoding="utf-8")
    r = cli("validate", model_file(tmp_path, bad), "--config", cfg)
    assert r.returncode == 0, r.stdout + r.stderr


def test_unreadable_inputs_exit_2(tmp_path):
    cases = {
        "missing.json": None,
        "broken.json": "{not json",
        "list.json": "[1, 2]",
        "wrong.json": json.dumps({"projects": [{"seq": 1}]}),
        "doc.docx": "x",
    }
    for name, text in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_text(text, encoding="utf-8")
        r = cli("validate", path)
        assert r.returncode == 2, (name, r.stdout, r.stderr)
        assert r.stderr.startswith("错误：") and "Traceback" not in r.stderr, r.stderr
    bad_cfg = tmp_path / "bad.toml"
    bad_cfg.write_text("[nope]\n", encoding="utf-8")
    r = cli("validate", model_file(tmp_path, clean_project()), "--config", bad_cfg)
    assert r.returncode == 2 and "未知的配置节" in r.stderr


def test_load_department_dispatches_on_suffix(tmp_path):
    path = model_file(tmp_path, clean_project(), name="MODEL.JSON")
    assert load_department(path).projects[0].code == "13070024P000482100018"
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    try:
        load_department(tmp_path / "x.pdf")
    except PerfXLError as exc:
        assert "不支持的文件类型「.pdf」" in exc.message
    else:
        raise AssertionError("an unsupported suffix must raise PerfXLError")
