"""What a workbook shows, in one comparable form, whether it is a file (read back through
the same loader as the fake) or a fake book changed by the live adapter."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from perf_xl.excel.live import NOTE_PREFIX
from perf_xl.workbook import layout as L

from .fake_xlwings import FakeBook, FakeSheet

OWNED = (L.SUMMARY_SHEET, L.FINDINGS_SHEET)
_STAMP = re.compile(r"校验时间：\d{4}-\d\d-\d\d \d\d:\d\d")


def _content(cell) -> Any:
    if cell.formula is not None:
        return cell.formula
    v = cell.value
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return float(v)
    return v


def sheet_state(sheet: FakeSheet, *, styles: bool = False) -> dict[str, Any]:
    cells, fills, notes, links, fmt = {}, {}, {}, {}, {}
    for (r, c), d in sorted(sheet.cells_data.items()):
        ref = L.a1(r, c)
        content = _content(d)
        if isinstance(content, str) and sheet.name == L.FINDINGS_SHEET and ref == "A2":
            content = _STAMP.sub("校验时间：…", content)
        if content is not None:
            cells[ref] = content
        if d.fill is not None:
            fills[ref] = d.fill
        if d.note is not None:
            notes[ref] = d.note.text.removeprefix(NOTE_PREFIX)
        if d.hyperlink is not None:
            links[ref] = d.hyperlink
        if styles and not d.is_blank():
            fmt[ref] = (d.font["name"], d.font["size"], d.font["bold"], d.font["color"], d.h_align,
                        d.v_align, d.wrap, tuple(sorted(d.borders.items())), d.number_format)
    state = {"cells": cells, "fills": fills, "notes": notes, "links": links,
             "merges": sorted(sheet.merges)}
    if styles:
        state["styles"] = fmt
        state["widths"] = dict(sorted(sheet.col_widths.items()))
        state["heights"] = dict(sorted(sheet.row_heights.items()))
        state["print_area"] = (sheet._print_area or "").replace("$", "").split("!")[-1] or None
    return state


def book_state(book: FakeBook, styled: tuple[str, ...] = OWNED) -> dict[str, dict[str, Any]]:
    """Every sheet's cells, fills, notes, links, merges; formats too for ``styled`` sheets."""
    return {s.name: sheet_state(s, styles=s.name in styled) for s in book.sheets}


def file_state(path: Path, styled: tuple[str, ...] = OWNED) -> dict[str, dict[str, Any]]:
    return book_state(FakeBook.from_file(path), styled)


def differences(a: dict, b: dict, path: str = "") -> list[str]:
    """Readable differences between two states (first few per sheet)."""
    out = []
    for key in sorted(set(a) | set(b), key=str):
        where = f"{path}/{key}"
        if key not in a or key not in b:
            out.append(f"{where}: only in {'second' if key not in a else 'first'}")
        elif isinstance(a[key], dict) and isinstance(b[key], dict):
            out.extend(differences(a[key], b[key], where))
        elif a[key] != b[key]:
            out.append(f"{where}: {a[key]!r} != {b[key]!r}")
    return out


def file_charts(path: Path, sheet: str) -> list[tuple]:
    """(kind, title, anchor, [(series name, values, categories)]) of the charts in a file."""
    import openpyxl

    ws = openpyxl.load_workbook(path)[sheet]
    out = []
    for chart in ws._charts:
        kind = "bar" if chart.tagname == "barChart" else "line"
        title = "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))
        marker = chart.anchor._from
        anchor = L.a1(marker.row + 1, marker.col + 1)
        series = []
        for s in chart.series:
            name = s.tx.v if s.tx is not None else None
            values = _plain_ref(s.val.numRef.f)
            cats = s.cat.strRef.f if s.cat.strRef is not None else s.cat.numRef.f
            series.append((name, values, _plain_ref(cats)))
        out.append((kind, title, anchor, series))
    return out


def fake_charts(book: FakeBook, sheet: str) -> list[tuple]:
    kinds = {"column_clustered": "bar", "line_markers": "line"}
    return [(kinds[c.chart_type], c.title, c.anchor_cell,
             [(s["name"], s["values"], s["categories"]) for s in c.series_data])
            for c in book.sheets[sheet].chart_list]


def _plain_ref(ref: str) -> str:
    return ref.split("!")[-1].replace("$", "")
