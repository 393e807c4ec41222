"""Shared fixtures. tests/support is importable as "support" from every test module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from support.lo import require_tools
from support.rich import rich_department

from perf_xl.model import Department


@pytest.fixture(scope="session")
def example_book(tmp_path_factory) -> Path:
    """The bundled 2024 document built as the master workbook, once per session
    (read-only: copy it before changing it)."""
    from support.example import example_department

    from perf_xl.summary import summarize
    from perf_xl.workbook.build import build_workbook

    path = tmp_path_factory.mktemp("example") / "PerformanceTargets.xlsm"
    dept = example_department()
    build_workbook(dept, path, summary=summarize(dept))  # as perf-xl build does
    return path


@pytest.fixture
def rich() -> Department:
    return rich_department()


@pytest.fixture
def need_lo() -> None:
    """For tests that run soffice, pdftoppm and pdffonts (fail, not skip, in CI)."""
    require_tools("soffice", "pdftoppm", "pdffonts")
