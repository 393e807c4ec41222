"""``perf-xl import`` as the user runs it: a separate process, its output and exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from rich.cells import cell_len

from perf_xl.importers.text import read_text
from perf_xl.model import Department
from perf_xl.resources import example_path

ROOT = Path(__file__).resolve().parents[2]


def perf_xl(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "perf_xl", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
    )


def test_table_of_the_example():
    run = perf_xl("import", str(example_path()))
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("161001 张家口市中级人民法院本级")
    header = lines[2].split()
    assert header == ["序号", "编码", "名称", "预算数", "支出计划", "指标数", "资金来源"]
    rows = [line.split() for line in lines[4:-2]]
    assert [int(r[0]) for r in rows] == list(range(1, 40))
    by_seq = {int(r[0]): r for r in rows}
    assert by_seq[1][1] == "13070024P000482100018"
    assert by_seq[3][-4:] == ["500.00", "25/50/75/—", "8", "罚没收入安排"]
    assert by_seq[21][-3] == "25/50/—/100"
    assert by_seq[27][-3] == "50/100/100/100"
    assert by_seq[6][-4] == "1598.90"
    total = lines[-1].split()
    assert total == ["合计", "39", "个项目", "7312.69", "249"]
    # Columns line up: every 预算数 ends in the same display column.
    assert "Traceback" not in run.stderr and run.stderr == ""


def test_plain_table_aligns_wide_characters(capsys):
    import argparse

    from perf_xl.commands import import_text

    import_text.run(argparse.Namespace(file=str(example_path()), output=None, format="table"))
    lines = capsys.readouterr().out.splitlines()
    data = [line for line in lines[4:] if not line.startswith("-")]
    assert len(data) == 40  # 39 projects and 合计
    ends = set()
    for line in data:
        # 预算数 is the 4th field from the right (plan, count and funding have no spaces);
        # on the 合计 line it is the 4th field from the left.
        fields = line.split()
        amount = fields[3] if fields[0] == "合计" else fields[-4]
        ends.add(cell_len(line[: line.index(amount) + len(amount)]))
    assert len(ends) == 1  # one right-aligned column, with CJK characters counted double


def test_json_output_is_the_model():
    run = perf_xl("import", str(example_path()), "--format", "json")
    assert run.returncode == 0, run.stderr
    dept = Department.from_dict(json.loads(run.stdout))
    assert dept == read_text(example_path())
    assert dept.total_budget == D("7312.69")


def test_output_file_written_atomically(tmp_path):
    out = tmp_path / "model.json"
    out.write_text("old content", encoding="utf-8")
    run = perf_xl("import", str(example_path()), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert "合计" in run.stdout
    assert str(out) in run.stderr
    assert Department.from_json(out.read_text(encoding="utf-8")) == read_text(example_path())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]  # no temp file left


def test_output_into_missing_folder(tmp_path):
    run = perf_xl("import", str(example_path()), "-o", str(tmp_path / "no" / "model.json"))
    assert run.returncode == 2
    assert run.stderr.startswith("错误：") and "输出目录不存在" in run.stderr
    assert "Traceback" not in run.stderr


def _mini_with(old: str, new: str) -> str:
    from .test_text_quirks import MINI

    assert old in MINI
    return MINI.replace(old, new, 1)


BAD = {
    "empty": (b"", None, "文件是空的"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00", None, "不是文本文件"),
    "no-table": ("张家口市测试法院\n一段话，没有任何表格。\n".encode(), None, "已知的版式"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exits_2_with_one_message(tmp_path, case):
    data, line, words = BAD[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    run = perf_xl("import", str(path))
    assert run.returncode == 2
    assert run.stdout == ""
    message = run.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"错误：{path}")
    if line is not None:
        assert f"第 {line} 行" in message
    assert words in message


# Damage inside one project's table no longer refuses the document (issue 13): the import
# succeeds and validate reports the damage at its line.
TOLERATED = {
    "cut": ("\n".join(_mini_with("", "").split("\n")[:12]).encode(), 12, "没有指标表"),
    "shiwan": (_mini_with("100.00", "十万").encode(), 8, "十万"),
    "tabs": (_mini_with("\t合格率\t", "\t合格率\t\t").encode(), 15, "多余的制表符"),
    "gbk-shiwan": (_mini_with("100.00", "十万").encode("gb18030"), 8, "十万"),
}


@pytest.mark.parametrize("case", sorted(TOLERATED))
def test_damaged_table_is_read_and_reported(tmp_path, case):
    data, line, words = TOLERATED[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    run = perf_xl("import", str(path))
    assert run.returncode == 0, run.stderr
    run = perf_xl("validate", str(path))
    assert run.returncode in (0, 1), run.stderr
    hits = [ln for ln in run.stdout.splitlines() if f"第{line}行" in ln]
    assert any(words in ln for ln in hits), run.stdout


def test_output_is_a_json_file_and_never_the_source(tmp_path):
    source = tmp_path / "绩效文本.txt"
    source.write_bytes(example_path().read_bytes())
    run = perf_xl("import", str(source), "-o", str(source))
    assert run.returncode == 2 and ".json" in run.stderr
    assert source.read_bytes() == example_path().read_bytes()  # the document is untouched
    model = tmp_path / "model.json"
    model.write_text(read_text(example_path()).to_json(), encoding="utf-8")
    run = perf_xl("import", str(model), "-o", str(model))
    assert run.returncode == 2 and "不能与来源文件相同" in run.stderr


def test_missing_file():
    run = perf_xl("import", "no-such-file.txt")
    assert run.returncode == 2
    assert run.stderr.strip() == "错误：no-such-file.txt：文件不存在"


def test_help_lists_import():
    run = perf_xl("--help")
    assert run.returncode == 0
    assert "import" in run.stdout
    run = perf_xl("import", "--help")
    assert "--format" in run.stdout and "-o" in run.stdout
