"""Bad files get one clear message and exit code 2 — never a traceback, never a long wait."""

import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from perf_xl.errors import PerfXLError
from perf_xl.workbook.read import read_workbook
from perf_xl.workbook.safety import MAX_UNCOMPRESSED

ROOT = Path(__file__).resolve().parents[2]

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def cli(*args):
    return subprocess.run([sys.executable, "-m", "perf_xl", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def replace_part(src: Path, dst: Path, name: str, data: bytes | None = None, *, zeros: int = 0) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != name:
                zout.writestr(item, zin.read(item.filename))
        if zeros:
            with zout.open(name, "w", force_zip64=True) as part:
                chunk = b"0" * (1 << 20)
                for _ in range(zeros >> 20):
                    part.write(chunk)
        else:
            zout.writestr(name, data)
    return dst


@pytest.fixture(scope="module")
def plain_xlsx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bad") / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "金额"])
    wb.save(path)
    return path


def cases(sample_book, plain_xlsx, tmp: Path) -> dict[str, tuple[Path, str]]:
    renamed = tmp / "renamed.xlsm"
    shutil.copy(plain_xlsx, renamed)
    notzip = tmp / "notzip.xlsm"
    notzip.write_text("这不是工作簿", encoding="utf-8")
    other_zip = tmp / "other.xlsm"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "hello")
    truncated = tmp / "truncated.xlsm"
    truncated.write_bytes(sample_book.read_bytes()[: sample_book.stat().st_size // 2])
    legacy = tmp / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 508)
    return {
        "renamed": (renamed, "不含宏"),
        "notzip": (notzip, "不是 Excel 工作簿"),
        "other_zip": (other_zip, "不是 Excel 工作簿"),
        "truncated": (truncated, "不是 Excel 工作簿"),
        "foreign": (plain_xlsx, "不是 perf_xl 主工作簿"),
        "legacy": (legacy, ".xls"),
        "bomb": (replace_part(sample_book, tmp / "bomb.xlsm", "xl/worksheets/sheet3.xml", BOMB), "DTD"),
    }


def test_bad_workbooks_exit_2_with_one_clear_message(sample_book, plain_xlsx, tmp_path):
    for name, (path, words) in cases(sample_book, plain_xlsx, tmp_path).items():
        for command in (["validate", path], ["validate", path, "--write"], ["summary", path]):
            done = cli(*command)
            assert done.returncode == 2, (name, command, done.stdout, done.stderr)
            assert "Traceback" not in done.stderr and done.stderr.startswith("错误："), (name, done.stderr)
            assert words in done.stderr, (name, done.stderr)
            assert len(done.stderr.strip().splitlines()) == 1, (name, done.stderr)


def test_zip_bomb_is_refused_before_anything_is_inflated(sample_book, tmp_path):
    bomb = replace_part(sample_book, tmp_path / "zipbomb.xlsm", "xl/worksheets/sheet3.xml",
                        zeros=MAX_UNCOMPRESSED + (64 << 20))
    assert bomb.stat().st_size < 5 << 20  # a few MB on disk …
    start = time.perf_counter()
    with pytest.raises(PerfXLError, match=r"过大|压缩比"):
        read_workbook(bomb)  # … refused from the zip directory alone
    assert time.perf_counter() - start < 2


def test_failed_write_leaves_a_bad_file_untouched(sample_book, plain_xlsx, tmp_path):
    for _name, (path, _words) in cases(sample_book, plain_xlsx, tmp_path).items():
        before = path.read_bytes()
        cli("validate", path, "--write")
        cli("fill", path)
        assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left
