"""Row heights for wrapped text: neither XlsxWriter nor openpyxl can autofit a row."""

from __future__ import annotations

import math

__all__ = ["display_width", "row_height"]


def display_width(text: str) -> int:
    """Columns ``text`` takes (a CJK character two); rich is imported when first needed."""
    from rich.cells import cell_len

    return cell_len(text)


def row_height(texts_and_widths: list[tuple[str, float]], line: float = 13.5) -> float:
    """Points a row needs so every (text, column width) pair shows whole when wrapped."""
    lines = 1
    for text, width in texts_and_widths:
        per_col = sum(max(1, math.ceil(display_width(para) / max(width - 1, 1)))
                      for para in str(text or "").split("\n"))
        lines = max(lines, per_col)
    return max(18.0, lines * line + 4)
