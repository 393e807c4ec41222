"""Update a master workbook in place with openpyxl, without losing anything of the user's.

- ``keep_vba=True`` keeps vbaProject.bin byte-identical and the VML of buttons and notes.
- openpyxl copies VML parts back with the pattern ``vmlDrawing\\d\\.vml``, so the buttons of
  sheets 10, 11 … would vanish while their relationships stay. ``_Writer`` matches every
  number. A sheet whose notes were all removed has its notes-only VML dropped (or the stale
  note shapes stripped when buttons share it) instead of pointing at a missing part.
- The file is saved atomically: a temporary file beside it, then ``os.replace``; on any
  error the original stays exactly as it was.
"""

from __future__ import annotations

import contextlib
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..atomic import atomic_target
from ..errors import WorkbookError
from .safety import MACRO_CONTENT_TYPE, check_workbook_file

_VML_NS = "urn:schemas-microsoft-com:vml"
_VML_PREFIXES = {"v": _VML_NS, "o": "urn:schemas-microsoft-com:office:office",
                 "x": "urn:schemas-microsoft-com:office:excel"}
_NOTE_SHAPE = "#_x0000_t202"  # the shape type of a cell note (comment)
_ARC_VBA = re.compile("|".join((
    "xl/vba", r"xl/drawings/.*vmlDrawing\d+\.vml", "xl/ctrlProps", "customUI", "xl/activeX",
    r"xl/media/.*\.emf",
)))


def load_for_update(path: str | Path):
    """Open a workbook with openpyxl for an in-place update (VBA and buttons kept)."""
    import openpyxl

    kind = check_workbook_file(path)
    keep_vba = kind == MACRO_CONTENT_TYPE
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions (e.g. data validation lists) it cannot keep.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(str(path), keep_vba=keep_vba, keep_links=True,
                                          rich_text=True)
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(f"工作簿已损坏或无法打开：{exc}", path=str(path)) from None


def save_atomic(book, path: str | Path) -> None:
    """Save ``book`` over ``path``: temporary file in the same folder, then replace."""
    with atomic_target(path) as tmp:
        _prepare_legacy_drawings(book)
        archive = zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        _writer_class()(book, archive).save()


@contextlib.contextmanager
def updating(path: str | Path) -> Iterator[object]:
    """``with updating(path) as book: …`` — saved atomically when the block succeeds."""
    book = load_for_update(path)
    try:
        yield book
        save_atomic(book, path)
    finally:
        with contextlib.suppress(Exception):
            book.close()


def _writer_class():
    from openpyxl.writer.excel import ExcelWriter

    class _Writer(ExcelWriter):
        def _merge_vba(self) -> None:
            if not self.workbook.vba_archive:
                return
            archive = self.workbook.vba_archive
            for name in set(archive.namelist()) - self.vba_modified:
                if _ARC_VBA.match(name):
                    self._archive.writestr(name, archive.read(name))

        def write_data(self) -> None:
            # Stripped VMLs (buttons kept, stale notes gone) replace the archived ones.
            for ws in self.workbook.worksheets:
                stripped = getattr(ws, "_perf_xl_vml", None)
                if stripped is not None and ws.legacy_drawing:
                    self._archive.writestr(ws.legacy_drawing, stripped)
                    self.vba_modified.add(ws.legacy_drawing)
            super().write_data()

    return _Writer


def _prepare_legacy_drawings(book) -> None:
    """Sheets without notes must not keep note shapes, nor point at a notes-only VML."""
    archive = getattr(book, "vba_archive", None)
    for ws in book.worksheets:
        ws._perf_xl_vml = None
        # ws._comments is filled only while writing: look at the cells themselves.
        has_notes = any(cell.comment is not None for cell in ws._cells.values())
        if not ws.legacy_drawing or has_notes or archive is None:
            continue
        try:
            vml = archive.read(ws.legacy_drawing)
        except KeyError:
            ws.legacy_drawing = None  # it pointed at nothing: drop the dangling link
            continue
        kept, dropped = _strip_note_shapes(vml)
        if dropped and kept is None:
            ws.legacy_drawing = None
        elif dropped:
            ws._perf_xl_vml = kept


def _strip_note_shapes(vml: bytes) -> tuple[bytes | None, int]:
    """The VML without note shapes (None when nothing else is left), and how many went."""
    from xml.etree import ElementTree

    from defusedxml.ElementTree import fromstring

    # Excel reads VML only with its usual prefixes (v:, o:, x:), not ns0: …
    for prefix, uri in _VML_PREFIXES.items():
        ElementTree.register_namespace(prefix, uri)
    root = fromstring(vml)
    shapes = root.findall(f"{{{_VML_NS}}}shape")
    notes = [s for s in shapes if s.get("type") == _NOTE_SHAPE]
    if not notes:
        return vml, 0
    for s in notes:
        root.remove(s)
    if len(notes) == len(shapes):
        return None, len(notes)
    return ElementTree.tostring(root), len(notes)
