from pathlib import Path

import pytest
from support.samples import sample_department

from perf_xl.summary import summarize
from perf_xl.workbook.build import build_workbook


@pytest.fixture(scope="session")
def sample_book(tmp_path_factory) -> Path:
    """The sample department built once per session (read-only for tests: copy to modify)."""
    path = tmp_path_factory.mktemp("book") / "sample.xlsm"
    dept = sample_department()
    build_workbook(dept, path, summary=summarize(dept))  # as perf-xl build does
    return path

