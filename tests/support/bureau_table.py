"""Reading a bureau file's table back, as the tests of its sheets do."""

from __future__ import annotations

from perf_xl.sinks import bureau


def table(rows: list[list]) -> list[dict]:
    """The table under the two header rows (4 and 5), keyed by "group/caption" or caption,
    up to the first empty row or the notes (注：…)."""
    top, sub = rows[bureau.HEADER_ROW - 1], rows[bureau.HEADER_ROW]
    keys, group = [], ""
    for t, s in zip(top, sub, strict=True):
        group = t or group
        keys.append(f"{group}/{s}" if s else t)
    out = []
    for row in rows[bureau.HEADER_ROW + 1:]:
        if not any(v not in ("", None) for v in row) or str(row[0]).startswith("注："):
            break
        out.append(dict(zip(keys, row, strict=True)))
    return out
