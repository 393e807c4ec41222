"""The example workbook built once, the CLI's findings on it (as a process), its grids."""

from __future__ import annotations

import json

import pytest
from support.cli import cli

from perf_xl.workbook.grid import load_grids


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
