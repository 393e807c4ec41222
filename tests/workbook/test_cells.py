"""workbook/cells.py: a number's text in a <v>, whatever was written before it (its cache)."""

from decimal import Decimal

from perf_xl.workbook.cells import number_text


def test_number_text_does_not_depend_on_what_was_cached_before():
    # An int and a float of the same value are written differently above 1e15; equal values
    # of other types must not share a cache entry, in either order.
    assert number_text(1e16) == "1e+16" and number_text(10**16) == "10000000000000000"
    assert number_text(10**17) == "100000000000000000" and number_text(1e17) == "1e+17"
    assert number_text(True) == "1" and number_text(1.0) == "1" and number_text(Decimal("1.00")) == "1"
    assert number_text(Decimal("42.78")) == "42.78" and number_text(float("nan")) is None
    assert number_text(Decimal("sNaN")) is None and number_text(Decimal("-Infinity")) is None  # (no hash: uncached)
