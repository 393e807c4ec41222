"""Issue 12: one writer at a time, links and read-only files, and every bad file a message.

Each test reproduces what a user did (a second update while one runs, Excel or LibreOffice
holding the file, a link, a full disk, a damaged zip, a FIFO …) and fails on the code before
the fix: a lost update, a traceback, a hang, a rewritten read-only file.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from support.cli import ROOT, cli

from perf_xl.atomic import atomic_target, begin_update, release_all
from perf_xl.errors import PerfXLError
from perf_xl.workbook.read import read_workbook


def copy(src: Path, dst: Path) -> Path:
    shutil.copy(src, dst)
    return dst


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def one_message(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.stdout[-500:], done.stderr)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.stderr.startswith("错误：") and len(done.stderr.strip().splitlines()) == 1, done.stderr
    for w in words:
        assert w in done.stderr, done.stderr


# -- one writer at a time ----------------------------------------------------------------------
@pytest.mark.parametrize("lock_name", ["~${}", ".~lock.{}#"])
def test_refuses_while_excel_or_libreoffice_has_the_file_open(example_book, tmp_path, lock_name):
    book = copy(example_book, tmp_path / "PerformanceTargets.xlsm")
    (tmp_path / lock_name.format(book.name)).write_bytes(b"\x0bperf user")
    before = book.read_bytes()
    for command in (["fill", book], ["validate", book, "--write"], ["summary", book, "--write"]):
        one_message(cli(*command), "正被其他程序打开", "--force", lock_name.format(book.name))
    assert book.read_bytes() == before
    forced = cli("fill", book, "--force")
    assert forced.returncode == 0, forced.stderr
    assert book.read_bytes() != before


def test_two_updates_at_once_both_land(example_book, tmp_path):
    book = copy(example_book, tmp_path / "book.xlsm")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-m", "perf_xl", *args, str(book)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for args in (["fill"], ["validate", "--write"])]
    outs = [r.communicate(timeout=120) for r in runs]
    assert [r.returncode for r in runs] == [0, 1], outs  # 1: validate found errors
    import openpyxl

    wb = openpyxl.load_workbook(book)
    # fill's values and validate's sheet are both there: neither run lost the other's work
    assert wb["03 综合事务经费"]["E7"].value == 1
    assert wb["校验结果"].max_row > 10
    assert hidden(tmp_path) == []


def test_a_change_made_meanwhile_is_never_overwritten(example_book, tmp_path):
    book = copy(example_book, tmp_path / "book.xlsm")
    guard = begin_update(book)
    try:
        # Another program saves the file while we work on it (new content, new inode).
        other = copy(example_book, tmp_path / "other.xlsm")
        other.write_bytes(other.read_bytes() + b"\0")
        os.replace(other, book)
        changed = book.read_bytes()
        with pytest.raises(PerfXLError, match="被其他程序修改"), atomic_target(book) as tmp:
            tmp.write_bytes(b"ours")
        assert book.read_bytes() == changed
    finally:
        guard.release()
    assert hidden(tmp_path) == []


def test_a_second_perf_xl_waits_for_the_lock(example_book, tmp_path):
    book = copy(example_book, tmp_path / "book.xlsm")
    guard = begin_update(book)
    try:
        start = time.perf_counter()
        waiting = subprocess.run(
            [sys.executable, "-c", "import sys; from perf_xl.atomic import begin_update;"
             "from perf_xl.errors import PerfXLError\n"
             "try: begin_update(sys.argv[1], timeout=1)\n"
             "except PerfXLError as e: print(e.message)", str(book)],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert "另一个 perf-xl 正在更新此文件" in waiting.stdout, waiting
        assert time.perf_counter() - start >= 1
    finally:
        guard.release()


def test_stale_temp_files_of_a_killed_run_are_removed(example_book, tmp_path):
    book = copy(example_book, tmp_path / "book.xlsm")
    stale = tmp_path / ".book-abcd1234.xlsm"
    stale.write_bytes(b"half a workbook")
    unrelated = tmp_path / ".book-notes.txt"
    unrelated.write_text("mine", encoding="utf-8")
    done = cli("fill", book)
    assert done.returncode == 0, done.stderr
    assert hidden(tmp_path) == [".book-notes.txt"]


def test_a_killed_update_leaves_at_most_a_temp_file_the_next_run_removes(example_book, tmp_path):
    book = copy(example_book, tmp_path / "book.xlsm")
    before = book.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen([sys.executable, "-c",
                            "import os, signal, sys\n"
                            "import perf_xl.atomic as a\n"
                            "real = a._replace\n"
                            "def die(*args):\n"
                            "    os.kill(os.getpid(), signal.SIGKILL)\n"
                            "a._replace = die\n"
                            "from perf_xl.cli import main\n"
                            "main(['fill', sys.argv[1]])\n", str(book)], cwd=ROOT, env=env)
    assert run.wait(timeout=120) == -9
    assert book.read_bytes() == before  # killed before the replace: the original is intact
    assert len(hidden(tmp_path)) == 1  # … and its temp file is there
    assert cli("fill", book).returncode == 0
    assert hidden(tmp_path) == []


# -- links and read-only files -----------------------------------------------------------------
def test_a_symbolic_link_is_written_through_to_its_target(example_book, tmp_path):
    (tmp_path / "real").mkdir()
    target = copy(example_book, tmp_path / "real" / "book.xlsm")
    link = tmp_path / "link.xlsm"
    link.symlink_to(target)
    before = target.read_bytes()
    done = cli("fill", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() != before
    assert read_workbook(target).department.projects[2].plan[-1] == 100
    assert hidden(tmp_path) == [] and hidden(target.parent) == []


def test_a_hard_linked_file_is_refused(example_book, tmp_path):
    book = copy(example_book, tmp_path / "book.xlsm")
    os.link(book, tmp_path / "same.xlsm")
    before = book.read_bytes()
    one_message(cli("fill", book), "硬链接")
    assert book.read_bytes() == before and os.stat(book).st_nlink == 2


def test_a_read_only_file_is_refused(example_book, tmp_path):
    book = copy(example_book, tmp_path / "book.xlsm")
    book.chmod(0o444)
    before = book.read_bytes()
    for command in (["fill", book], ["validate", book, "--write"]):
        one_message(cli(*command), "只读")
    assert book.read_bytes() == before and book.stat().st_mode & 0o777 == 0o444


# -- bad files ----------------------------------------------------------------------------------
def _part_offset(data: bytes, info: zipfile.ZipInfo) -> int:
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + name_len + extra_len


def damaged(src: Path, dst: Path, part: str, how: str) -> Path:
    data = bytearray(src.read_bytes())
    info = zipfile.ZipFile(src).getinfo(part)
    start = _part_offset(data, info)
    if how == "flip":  # bits flipped early in the deflate stream
        for k in range(50, 60):
            data[start + k] ^= 0xFF
    elif how == "crc":  # one bit near the end: inflates, but the CRC is wrong
        data[start + info.compress_size - 40] ^= 0x10
    elif how == "method":  # a compression method Python's zipfile does not know
        struct.pack_into("<H", data, info.header_offset + 8, 99)
        i = data.find(b"PK\x01\x02")
        while i != -1:
            n = struct.unpack_from("<H", data, i + 28)[0]
            if data[i + 46:i + 46 + n] == part.encode():
                struct.pack_into("<H", data, i + 10, 99)
            i = data.find(b"PK\x01\x02", i + 4)
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize(("part", "how"), [("xl/worksheets/sheet5.xml", "flip"),
                                            ("xl/worksheets/sheet5.xml", "method"),
                                            ("xl/worksheets/sheet5.xml", "crc"),
                                            ("xl/vbaProject.bin", "crc")])
def test_damaged_zip_parts_are_a_message(example_book, tmp_path, part, how):
    bad = damaged(example_book, tmp_path / "bad.xlsm", part, how)
    before = bad.read_bytes()
    commands = [["fill", bad]]
    if how != "crc":  # a reader may inflate a part without checking its CRC
        commands.append(["validate", bad])
    for command in commands:
        one_message(cli(*command), "已损坏", part)
    assert bad.read_bytes() == before and hidden(tmp_path) == []


def _limit_file_size(limit: int):
    def pre() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return pre


@pytest.mark.parametrize(("command", "limit"), [
    (["build", "perf_xl/data/zjk-court-2024.txt", "-o", "{out}.xlsm", "--force"], 20_000),  # the VBA scratch file
    (["build", "perf_xl/data/zjk-court-2024.txt", "-o", "{out}.xlsm", "--force"], 100_000),  # the workbook
    (["export", "{book}", "--docx", "-o", "{out}.docx"], 10_000),
    (["fill", "{book}"], 100_000)])
def test_a_full_disk_is_a_message_and_leaves_nothing(example_book, tmp_path, command, limit):
    """A full disk, as the kernel reports it to a process over its file size limit (EFBIG)."""
    book = copy(example_book, tmp_path / "book.xlsm")
    before = book.read_bytes()
    args = [a.format(out=tmp_path / "out", book=book) for a in command]
    done = subprocess.run([sys.executable, "-m", "perf_xl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, preexec_fn=_limit_file_size(limit))
    one_message(done, "磁盘空间不足")
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]


def test_fifos_and_devices_are_refused_at_once(tmp_path):
    for name in ("pipe.xlsm", "pipe.txt", "pipe.docx", "pipe.json"):
        os.mkfifo(tmp_path / name)
        one_message(cli("validate", tmp_path / name), "命名管道")
    one_message(cli("validate", "/dev/zero"), "设备")
    os.mkfifo(tmp_path / "in.xlsm")
    one_message(cli("fill", tmp_path / "in.xlsm"), "不是普通文件")


def test_a_dangling_link_is_named_as_such(tmp_path):
    (tmp_path / "gone.xlsm").symlink_to(tmp_path / "nowhere.xlsm")
    one_message(cli("validate", tmp_path / "gone.xlsm"), "符号链接")


def _sheet_with_rows(src: Path, dst: Path, last_row: int) -> Path:
    """The example with one project sheet claiming (and holding a cell in) ``last_row``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet3.xml":
                text = data.decode()
                text = re.sub(r'<dimension ref="A1:([A-Z]+)\d+"/>', rf'<dimension ref="A1:\g<1>{last_row}"/>', text)
                text = text.replace("</sheetData>", f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr">'
                                    "<is><t>x</t></is></c></row></sheetData>")
                data = text.encode()
            zout.writestr(item, data)
    return dst


def test_a_sheet_of_a_million_rows_is_refused_quickly(example_book, tmp_path):
    big = _sheet_with_rows(example_book, tmp_path / "big.xlsm", 1_000_000)
    start = time.perf_counter()
    with pytest.raises(PerfXLError, match="1,000,000 行，超过上限 100,000 行"):
        read_workbook(big)
    assert time.perf_counter() - start < 2
    one_message(cli("validate", big), "sheet3.xml", "超过上限")


def test_docx_bomb_is_refused_before_inflating(tmp_path):
    from support.samples import sample_department

    from perf_xl.sinks.docx import write_docx

    good = tmp_path / "good.docx"
    write_docx(sample_department(), good)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        with zout.open("word/media/huge.bin", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                part.write(chunk)
    assert bomb.stat().st_size < 2 << 20
    start = time.perf_counter()
    one_message(cli("validate", bomb), "bomb.docx", "过大")
    assert time.perf_counter() - start < 10


# -- values that are not numbers, fills that cannot be --------------------------------------------
def test_nan_and_infinity_in_budget_are_findings_not_tracebacks(example_book, tmp_path):
    import openpyxl

    book = tmp_path / "nan.xlsx"
    wb = openpyxl.load_workbook(example_book)
    s1, s2, s3, s4 = wb.sheetnames[2:6]
    wb[s1]["C4"] = "NaN"
    wb[s2]["C4"] = "Infinity"
    wb[s3]["E4"] = "-inf"
    wb[s4]["C4"] = 1e300
    wb.save(book)
    read = read_workbook(book)
    from perf_xl.operations import findings_of

    found = {(f.sheet, f.code, f.cell) for f in findings_of(read)}
    assert (s1, "PT202", "C4") in found
    assert (s2, "PT202", "C4") in found
    assert (s3, "PT201", "E4") in found
    assert (s4, "PT202", "C4") in found
    done = cli("validate", book)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr


def test_a_fill_never_writes_more_than_100_percent(example_book, tmp_path):
    import openpyxl

    book = copy(example_book, tmp_path / "book.xlsm")
    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = wb["03 综合事务经费"]
    values = [ws[c].value for c in ("B7", "C7", "D7", "E7")]
    wb.close()
    assert values[-1] is None  # the example leaves 12月底 empty here
    from perf_xl.operations import fill
    from perf_xl.workbook.read import read_workbook as read

    dept = read(book).department
    project = next(p for p in dept.projects if p.sheet == "03 综合事务经费")
    from decimal import Decimal

    project.plan = [Decimal(3000), None, None, None]
    outcome = fill(dept)
    cells = {cell: v for (sheet, cell), v in outcome.patch.values.items() if sheet == "03 综合事务经费"}
    assert cells == {}
    text = "\n".join(outcome.details)
    assert "不能超过 100%" in text and "6月底（C7）" in text and "12月底（E7）" in text
    assert all(v <= 1 for v in outcome.patch.values.values())


@pytest.fixture(autouse=True)
def _no_guards_left():
    yield
    release_all()
