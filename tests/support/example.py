"""The real 2024 document (bundled example) read once through the text importer."""

from __future__ import annotations

import copy
from functools import lru_cache

from perf_xl.importers.text import read_text
from perf_xl.model import Department
from perf_xl.resources import example_path


@lru_cache(maxsize=1)
def _example() -> Department:
    return read_text(example_path())


def example_department() -> Department:
    """A fresh copy each call, so a test may change it."""
    return copy.deepcopy(_example())
