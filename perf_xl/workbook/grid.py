"""A worksheet as a grid of plain values: what every reader and operation works on.

Loaders: python-calamine (fast, for reading whole workbooks; the file adapter reads with it
too) and, for a workbook open in Excel, the live adapter builds the same Grid. A formula
cell reads as its cached value — what the file shows. Empty cells are ``None``.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from . import layout as L
from .safety import read_workbook_file, sheet_too_large


class Grid:
    """Values of one sheet, addressed by A1 references (row 1 is index 0)."""

    def __init__(self, name: str, rows: Sequence[Sequence[Any]],
                 formulas: Mapping[str, str] | None = None,
                 merges: Sequence[tuple[int, int, int, int]] | None = None) -> None:
        self.name = name
        # A formula cell holds its cached value in ``rows``; ``formulas`` says which cells
        # hold formulas (A1 reference -> formula text), where the reader knows it.
        self.formulas = formulas if formulas is not None else {}  # (may be lazy: no truth test)
        # Merged ranges as 1-based (first row, first col, last row, last col); None: unknown.
        self.merges = list(merges) if merges is not None else None
        # Kept as given; "" and blank text read as empty (None) when asked for. Cleaning on
        # access, not up front: readers look at ~200 of a project sheet's ~650 cells.
        self._raw = rows if isinstance(rows, list) else list(rows)
        self._rows: list[list[Any]] | None = None

    @property
    def raw(self) -> list[Sequence[Any]]:
        """The rows as the loader gave them ("" and blank text not yet cleaned to None)."""
        return self._raw

    @property
    def rows(self) -> list[list[Any]]:
        """Every row, blanks as None."""
        if self._rows is None:
            self._rows = [[_clean(v) for v in row] for row in self._raw]
        return self._rows

    def at(self, row: int, col: int) -> Any:
        """Value at 1-based (row, col); None outside the data."""
        raw = self._raw
        if row < 1 or col < 1 or row > len(raw):
            return None
        line = raw[row - 1]
        if col > len(line):
            return None
        v = line[col - 1]
        if v.__class__ is str:  # (_clean, inlined: the readers ask for ~200 cells of each sheet)
            return None if not v or v.isspace() else v
        return _clean(v) if isinstance(v, str) else v

    def raw_at(self, row: int, col: int) -> Any:
        """Value at 1-based (row, col) as the loader gave it ("" stays ""); None outside."""
        if row < 1 or row > len(self._raw):
            return None
        line = self._raw[row - 1]
        return line[col - 1] if col <= len(line) else None

    def row_values(self, row: int, cols: Sequence[int]) -> list[Any]:
        """The values of 1-based ``row`` in the 1-based columns ``cols`` (None for blanks)."""
        if row < 1 or row > len(self._raw):
            return [None] * len(cols)
        line = self._raw[row - 1]
        n = len(line)
        out = []
        for c in cols:  # (_clean, inlined: the readers ask for ~100,000 rows of 1,000 sheets)
            v = line[c - 1] if c <= n else None
            if v.__class__ is str:
                out.append(None if not v or v.isspace() else v)
            else:
                out.append(_clean(v))
        return out

    def formula(self, ref: str) -> str | None:
        """The formula of a cell ("=E4+G4"), None for a constant or where unknown."""
        return self.formulas.get(ref)

    def get(self, ref: str) -> Any:
        return self.at(*_split(ref))

    def text(self, ref: str) -> str:
        value = self.at(*_split(ref))
        if value is None:
            return ""
        return value.strip() if value.__class__ is str else _as_text(value)

    @property
    def height(self) -> int:
        return len(self._raw)

    def is_empty(self) -> bool:
        return all(_clean(v) is None for row in self._raw for v in row)

    def merged_into(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range that covers (row, col) without starting there (such a cell
        shows nothing and cannot be written), or None."""
        for r1, c1, r2, c2 in self.merges or ():
            if r1 <= row <= r2 and c1 <= col <= c2 and (row, col) != (r1, c1):
                return r1, c1, r2, c2
        return None

    def find(self, text: str, max_row: int = 60, max_col: int = 12) -> str | None:
        """The first cell (row by row) whose compacted text equals ``text``."""
        wanted = compact(text)
        for r in range(1, min(self.height, max_row) + 1):
            for c in range(1, max_col + 1):
                value = self.at(r, c)
                if isinstance(value, str) and compact(value) == wanted:
                    return L.a1(r, c)
        return None


# Readers ask for the same few hundred layout cells on every sheet: parse each A1 once.
_split = lru_cache(maxsize=8192)(L.split_a1)


_COMPACT = str.maketrans({"(": "（", ")": "）", ":": "："})


@lru_cache(maxsize=4096)  # the same captions are compared on every project sheet
def compact(text: str) -> str:
    """Text without whitespace and with half-width brackets/colons, for label matching."""
    return "".join(str(text).split()).translate(_COMPACT)


def _clean(value: Any) -> Any:
    """Empty text (or only blanks) is an empty cell."""
    if value.__class__ is str:
        return None if not value or value.isspace() else value
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def load_grids(path: str | Path, only: Iterable[str] | Callable[[str], bool] | None = None,
               ) -> tuple[list[str], dict[str, Grid]]:
    """Every sheet's name (in order) and the grids of the wanted ones (names, or a predicate
    on the name), via python-calamine, once the package has passed the safety check.
    A workbook of many sheets is parsed by two threads (see :func:`_parsed`)."""
    from python_calamine import CalamineWorkbook

    # Checked from its bytes in memory (cheap: no member is opened through zipfile); calamine
    # then reads the members it needs from the file itself, so the bytes are not held twice.
    read_workbook_file(path)
    if only is None or callable(only):
        wanted = only
    else:
        names_wanted = set(only)
        wanted = names_wanted.__contains__
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        grids = {}
        opener = partial(CalamineWorkbook.from_path, str(path))
        for name, sheet in _parsed(book, opener, [n for n in names if wanted is None or wanted(n)]):
            end = sheet.end or (0, 0)
            reason = sheet_too_large(end[0] + 1, end[1] + 1)
            if reason:
                raise WorkbookError(f"工作表「{name}」{reason}，拒绝读取", path=str(path))
            rows = sheet.to_python(skip_empty_area=False)
            merges = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1)
                      for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or ())]
            grids[name] = Grid(name, rows, merges=merges)  # skip_empty_area=False: row 0 is row 1
    except WorkbookError:
        raise
    except Exception as exc:  # calamine raises its own types for every kind of damage
        raise WorkbookError(f"工作簿已损坏或无法读取：{exc}", path=str(path)) from None
    return names, grids


def _parse_threads() -> int:
    """PERF_XL_PARSE_THREADS (1: parse in this thread only, e.g. on a shared server); 2 by default."""
    try:
        return max(1, int(os.environ.get("PERF_XL_PARSE_THREADS", "2")))
    except ValueError:
        return 2


PARSE_THREADS = _parse_threads()  # threads parsing the sheets of a large workbook
PARSE_THREADS_FROM = 64  # sheets: below this one thread (a 40-project workbook stays serial)
_CHUNK = 16  # sheets a thread parses at a time


def read_values(data: bytes) -> tuple[dict[str, list[list[Any]]], dict[str, list[tuple[int, int, int, int]]]]:
    """Every sheet's rows (row 0 is row 1) and merged ranges (1-based), in workbook order,
    read from a package's bytes — the file adapter's read; by two threads for many sheets
    (:func:`_parsed`). calamine's own errors pass through (the caller names the damage)."""
    import io

    from python_calamine import CalamineWorkbook

    def opener():
        return CalamineWorkbook.from_filelike(io.BytesIO(data))

    book = opener()
    rows, merges = {}, {}
    for name, sheet in _parsed(book, opener, list(book.sheet_names)):
        rows[name] = sheet.to_python(skip_empty_area=False)
        merges[name] = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or ())]
    return rows, merges


def _parsed(book: Any, opener: Callable[[], Any], names: list[str]) -> Iterator[tuple[str, Any]]:
    """(name, CalamineSheet) of each sheet in ``names``, in order. calamine parses a sheet
    without holding the GIL, so with many sheets two threads parse them (each with its own
    handle on the file: a handle is not shared between threads) while this thread turns
    the parsed ones into Python rows. A few sheets, or one core: parsed here, one by one."""
    threads = min(PARSE_THREADS, _cores())
    if threads < 2 or len(names) < PARSE_THREADS_FROM:
        for name in names:
            yield name, book.get_sheet_by_name(name)
        return
    import threading
    from concurrent.futures import ThreadPoolExecutor

    local = threading.local()

    def parse(chunk: list[str]) -> list[tuple[str, Any]]:
        mine = getattr(local, "book", None)
        if mine is None:
            mine = local.book = opener()
        return [(name, mine.get_sheet_by_name(name)) for name in chunk]

    chunks = [names[i:i + _CHUNK] for i in range(0, len(names), _CHUNK)]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="perfxl-parse") as pool:
        # A few chunks ahead of this thread, not all: parsed sheets wait in memory.
        ahead = deque(pool.submit(parse, chunk) for chunk in chunks[:2 * threads])
        following = iter(chunks[2 * threads:])
        try:
            while ahead:
                done = ahead.popleft().result()
                chunk = next(following, None)
                if chunk is not None:
                    ahead.append(pool.submit(parse, chunk))
                yield from done
        finally:
            for future in ahead:
                future.cancel()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except AttributeError:
        return os.cpu_count() or 1


def cell_text(value: Any) -> str:
    """A cell value as the readers see it in a text field: "" for empty, 20.0 -> "20"."""
    value = _clean(value)
    return "" if value is None else _as_text(value)
