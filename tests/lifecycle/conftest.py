"""The scripted year's written workbook, shared by the lifecycle tests."""

from __future__ import annotations

import pytest
from support.cli import cli
from support.example import example_department

from lifecycle.scripted import with_qualitative, write_month6, write_year_end
from perf_xl.sources import load
from perf_xl.workbook.build import build_workbook


@pytest.fixture(scope="session")
def written(tmp_path_factory):
    """The example after a scripted month-6 monitoring and a year-end self-evaluation."""
    tmp = tmp_path_factory.mktemp("written")
    book = tmp / "PerformanceTargets.xlsm"
    build_workbook(with_qualitative(example_department()), book)
    dept = load(book).department
    m6, ye = write_month6(dept, tmp / "m6.csv"), write_year_end(dept, tmp / "ye.csv")
    assert cli("monitor", book, "--month", "6", "--actuals", m6, "--write").returncode == 1
    assert cli("selfeval", book, "--actuals", ye, "--write").returncode in (0, 1)
    return book
