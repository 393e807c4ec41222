"""Shared fixtures. tests/support is importable as "support" from every test module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from support.lo import require_tools
from support.rich import rich_department

from perf_xl.model import Department


@pytest.fixture
def rich() -> Department:
    return rich_department()


@pytest.fixture
def need_lo() -> None:
    """For tests that run soffice, pdftoppm and pdffonts (fail, not skip, in CI)."""
    require_tools("soffice", "pdftoppm", "pdffonts")
