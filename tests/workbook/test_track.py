"""The monitoring block's patch helpers (perf_xl.workbook.track)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perf_xl.lifecycle.judge import Judged
from perf_xl.workbook import layout as L
from perf_xl.workbook.track import _HELPER_COLS, _same, helper_values


def test_helper_values_come_in_the_columns_block_patch_reads_them_from():
    """block_patch compares helper_values with the row's cells read in _HELPER_COLS order."""
    j = Judged(0, "案件数", "positive", Decimal("100"), True, "产出", False)
    keys = tuple(helper_values(j))
    assert keys == L.TRACK_HELPER_KEYS
    assert tuple(L.col_index(L.TRACK_COLUMN[k].col) for k in keys) == _HELPER_COLS


@pytest.mark.parametrize(("shown", "value", "same"), [
    (1, Decimal("1.00"), True), (0.45, Decimal("0.45"), True), (1, Decimal("1.0001"), False),
    (True, 1, False),  # (a truth value is not the number 1)
    ("1", 1, False), (None, "", True), ("", None, True), (0, None, False),
    ("正向", "正向", True), ("正向", "反向", False), (1, True, True),
])
def test_a_cell_shows_a_value(shown, value, same):
    assert _same(shown, value) is same
