"""The example workbook built once, the CLI's findings on it (as a process), its grids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli import cli
from support.example import example_department

from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.grid import load_grids


@pytest.fixture(scope="session")
def example_book(tmp_path_factory) -> Path:
    """The bundled 2024 document built as the master workbook (read-only: copy to change)."""
    path = tmp_path_factory.mktemp("example") / "PerformanceTargets.xlsm"
    build_workbook(example_department(), path)
    return path


@pytest.fixture(scope="session")
def cli_findings(example_book) -> list[dict]:
    """`perf-xl validate --format json` on the example workbook."""
    done = cli("validate", example_book, "--format", "json")
    assert done.returncode == 1, done.stderr  # the example has errors
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def example_grids(example_book):
    names, grids = load_grids(example_book)
    return names, grids
