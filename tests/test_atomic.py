import os

import pytest

from perf_xl.atomic import atomic_target, write_text
from perf_xl.errors import PerfXLError


def test_write_text_keeps_the_old_file_when_replace_fails(tmp_path, monkeypatch):
    out = tmp_path / "model.json"
    out.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise PermissionError(13, "拒绝访问")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(PerfXLError, match="无法写入"):
        write_text(out, "new")
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_an_error_inside_leaves_no_trace(tmp_path):
    out = tmp_path / "x.xlsm"
    with pytest.raises(ValueError), atomic_target(out) as tmp:
        tmp.write_bytes(b"half")
        raise ValueError("boom")
    assert list(tmp_path.iterdir()) == []


def test_new_file_gets_the_usual_permissions(tmp_path):
    out = tmp_path / "new.txt"
    write_text(out, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_missing_folder(tmp_path):
    with pytest.raises(PerfXLError, match="输出目录不存在"):
        write_text(tmp_path / "no" / "x.txt", "x")
