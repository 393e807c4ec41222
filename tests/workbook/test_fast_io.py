"""The fast paths of the part-level writer read and write what the plain ones do: sheets
read in two processes, members inflated and deflated in a worker thread (ISA-L), written
without zipfile's writestr."""

from __future__ import annotations

import io
import shutil
import zipfile
import zlib

import pytest
from support.damage import with_broken_sheet

from perf_xl.errors import WorkbookError
from perf_xl.workbook import grid as G
from perf_xl.workbook import parts as P
from perf_xl.workbook.file_adapter import FileAdapter
from perf_xl.workbook.patch import Patch


def test_sheets_read_by_two_threads_are_the_sheets_read_by_one(sample_book, monkeypatch):
    """The file adapter's read (grid.read_values): two threads parse a workbook of many
    sheets (calamine parses without the GIL); the result is the one-thread result."""
    data = sample_book.read_bytes()
    monkeypatch.setattr(G, "PARSE_THREADS", 1)
    one = G.read_values(data)
    monkeypatch.setattr(G, "PARSE_THREADS", 2)
    monkeypatch.setattr(G, "PARSE_THREADS_FROM", 2)
    monkeypatch.setattr(G, "_cores", lambda: 2)
    monkeypatch.setattr(G, "_CHUNK", 3)
    seen = []
    parsed = G._parsed
    monkeypatch.setattr(G, "_parsed", lambda *a: seen.append(1) or parsed(*a))
    two = G.read_values(data)
    assert seen and two == one and list(two[0]) == list(one[0])  # (workbook order)
    assert sum(len(r) for r in one[0].values()) > 300 and any(one[1].values())


def test_a_damaged_sheet_is_reported_the_same_by_two_threads(sample_book, tmp_path, monkeypatch):
    """A sheet calamine cannot parse: one message, whichever thread met it."""
    bad = with_broken_sheet(sample_book, tmp_path / "bad.xlsm", "xl/worksheets/sheet3.xml")
    messages = []
    for threads in (1, 2):
        monkeypatch.setattr(G, "PARSE_THREADS", threads)
        monkeypatch.setattr(G, "PARSE_THREADS_FROM", 2)
        monkeypatch.setattr(G, "_cores", lambda: 2)
        with pytest.raises(Exception) as caught:  # (calamine's own error types)
            G.read_values(bad.read_bytes())
        messages.append((type(caught.value), str(caught.value)))
    assert messages[0] == messages[1]


def test_members_written_raw_are_what_zipfile_reads(tmp_path):
    class Bare(P.Package):
        def __init__(self) -> None:
            self._deflating = {}

    data = b"<row/>" * 20000 + bytes(range(256))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        Bare()._write_new(out, "xl/worksheets/sheet1.xml", data, (1980, 1, 1, 0, 0, 0), 0)
        out.writestr("after.txt", b"next member")
    with zipfile.ZipFile(target) as z:
        assert z.testzip() is None
        info = z.getinfo("xl/worksheets/sheet1.xml")
        assert z.read(info) == data and zlib.crc32(data) == info.CRC
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.external_attr == 0o600 << 16
        assert z.read("after.txt") == b"next member"


def test_an_update_with_background_work_keeps_every_other_member(sample_book, tmp_path):
    book = tmp_path / "b.xlsm"
    shutil.copy(sample_book, book)
    adapter = FileAdapter(book)
    names = [n for n in adapter.sheet_names if adapter.grid(n).height > 20]
    patch = Patch()
    for name in names[:3]:
        patch.set(name, "M12", "五成")
    adapter.apply(patch)
    adapter.save()
    with zipfile.ZipFile(sample_book) as before, zipfile.ZipFile(book) as after:
        assert after.testzip() is None
        assert [i.filename for i in after.infolist()] == [i.filename for i in before.infolist()]
        changed = {n for n in before.namelist() if before.read(n) != after.read(n)}
        for name in before.namelist():
            if name not in changed:
                a, b = before.getinfo(name), after.getinfo(name)
                assert (a.CRC, a.compress_size) == (b.CRC, b.compress_size), name
        assert 3 <= len([n for n in changed if n.startswith("xl/worksheets/")]) <= 3
    assert all(FileAdapter(book).grid(n).get("M12") == "五成" for n in names[:3])


def test_a_sheet_that_fails_its_crc_is_named_though_inflated_in_the_background(sample_book, tmp_path):
    bad = tmp_path / "crc.xlsm"
    raw = bytearray(sample_book.read_bytes())
    with zipfile.ZipFile(sample_book) as z:
        info = z.getinfo("xl/worksheets/sheet3.xml")
    # The CRC in the member's central directory record, changed.
    head = raw.find(b"xl/worksheets/sheet3.xml", raw.find(b"PK\x01\x02")) - 46
    assert raw[head:head + 4] == b"PK\x01\x02"
    raw[head + 16:head + 20] = ((info.CRC ^ 0xFFFF) & 0xFFFFFFFF).to_bytes(4, "little")
    bad.write_bytes(bytes(raw))
    pkg = P.Package(bad)
    with pytest.raises(WorkbookError, match=r"sheet3\.xml"):
        pkg.original("xl/worksheets/sheet3.xml")
