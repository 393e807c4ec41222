"""The README's main command: perf-xl demo on the bundled example."""

import json
import subprocess
import sys
from pathlib import Path

from perf_xl.workbook.read import read_workbook

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_the_whole_chain(tmp_path):
    out = tmp_path / "demo"
    done = subprocess.run([sys.executable, "-m", "perf_xl", "demo", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "导入 zjk-court-2024.txt：39 个项目" in done.stdout
    assert "已填充 13 个项目的支出计划，1 处冲突" in done.stdout
    book = out / "PerformanceTargets.xlsm"
    read = read_workbook(book)
    assert len(read.department.projects) == 39 and read.problems == []
    # after the fill every project has its four checkpoints (the fill ran before validation)
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert not [f for f in findings if f["code"] == "PT301"]
    assert {f["code"] for f in findings} >= {"PT204", "PT111"}
    for line in done.stdout.splitlines():
        if line.startswith("  ") and "：" in line:
            assert Path(line.split("：", 1)[-1]).exists(), line
