"""perf-xl fill --project/--monthly: one project's plan from its monthly payment schedule."""

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from perf_xl.workbook.read import read_workbook

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbook" / "PerformanceTargets.xlsm"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "perf_xl", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_monthly_schedule_fills_one_project(tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(COMMITTED, path)
    # project 3 (500 万元): 25/50/75/— written; a schedule of 12 × 40 = 480 万元
    done = cli("fill", path, "--project", "13070024P00047710001D", "--monthly", ",".join(["40"] * 12))
    assert done.returncode == 0, done.stderr
    assert "少于预算数 500 万元" in done.stdout  # the schedule does not reach the budget
    assert "10月底（D7）已填 75%，模板「自定义」为 83.33%" in done.stdout
    plans = {p.seq: p.plan for p in read_workbook(path).department.projects}
    assert plans[3] == [Decimal(25), Decimal(50), Decimal(75), Decimal(100)]  # only the empty one filled
    assert plans[7][3] is None  # no other project touched

    done = cli("fill", path, "--project", "3", "--monthly", ",".join(["40"] * 12), "--overwrite")
    assert done.returncode == 0, done.stderr
    plan = read_workbook(path).department.projects[2].plan
    assert plan == [Decimal(25), Decimal(50), Decimal("83.33"), Decimal(100)]


def test_monthly_needs_a_project_and_twelve_amounts(tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(COMMITTED, path)
    before = path.read_bytes()
    for args, words in ((["--monthly", "1,2"], "--project"),
                        (["--project", "3", "--monthly", "1,2"], "12 个月"),
                        (["--project", "99"], "找不到项目「99」")):
        done = cli("fill", path, *args)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    assert path.read_bytes() == before
