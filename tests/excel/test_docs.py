"""docs/excel.md (the README's Windows section) names every button, function and setting
the workbook has, and the macros call the Python functions the docs describe."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from perf_xl.excel import buttons, udfs
from perf_xl.workbook import layout as L
from perf_xl.workbook.build import XLWINGS_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "excel.md").read_text(encoding="utf-8")
BAS = (ROOT / "macros" / "PerfXL.bas").read_text(encoding="ascii")


def test_every_button_is_described_with_its_macro():
    for button in (*L.HOME_BUTTONS, *L.PROJECT_BUTTONS):
        row = next((line for line in DOC.splitlines() if line.startswith(f"| {button.caption}（")), None)
        assert row and f"| {button.macro} |" in row, button.caption


def test_every_macro_calls_a_button_function_that_exists():
    calls = re.findall(r'RunPython "import perf_xl\.excel\.buttons as b; b\.(\w+)\((.*?)\)"', BAS)
    assert {name for name, _ in calls} == {"fill_spend_plan", "validate", "consolidate",
                                          "export_for_bureau", "add_project_sheet",
                                          "functions_refreshed"}
    for name, args in calls:
        params = inspect.signature(getattr(buttons, name).__wrapped__).parameters
        assert next(iter(params)) == "book", name  # the decorator passes the caller's book
        for kw in re.findall(r"(\w+)=", args):
            assert kw in params, (name, kw)


def test_every_udf_and_setting_is_described():
    for name in udfs.UDFS:
        assert f"`{name}(" in DOC, name
    for key, value in XLWINGS_SETTINGS:
        assert f"| {key.split(' / ')[0]}" in DOC or key.startswith("Conda"), key
        if isinstance(value, str) and value:
            assert f"`{value}`" in DOC, value
    assert "无法测试" in DOC or "没有自动测试" in DOC  # the COM path is said to be untested
