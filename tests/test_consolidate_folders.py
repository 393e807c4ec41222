"""Issue 12: a consolidation folder's links and unreadable entries are listed, never followed
out of the folder nor left out silently."""

from __future__ import annotations

import os
import shutil

from perf_xl.consolidate import collect, consolidate


def test_links_leaving_the_folder_dangling_or_inside_are_listed_with_a_reason(example_book, tmp_path):
    inbox, elsewhere = tmp_path / "收件", tmp_path / "别处"
    (inbox / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    shutil.copy(example_book, inbox / "单位1.xlsm")
    shutil.copy(example_book, elsewhere / "其他单位.xlsm")
    (inbox / "外部.xlsm").symlink_to(elsewhere / "其他单位.xlsm")
    (inbox / "外部文件夹").symlink_to(elsewhere)
    (inbox / "失效.xlsm").symlink_to(inbox / "已删除.xlsm")
    (inbox / "sub" / "重复.xlsm").symlink_to(inbox / "单位1.xlsm")
    os.mkfifo(inbox / "管道.xlsm")

    result = consolidate([inbox])
    assert [e.name for e in result.inputs] == ["单位1.xlsm"]  # counted once, nothing from 别处
    reasons = {e.name: e.reason for e in result.skipped}
    assert set(reasons) == {"外部.xlsm", "外部文件夹", "失效.xlsm", "sub/重复.xlsm", "管道.xlsm"}
    assert "文件夹之外" in reasons["外部.xlsm"] and "文件夹之外" in reasons["外部文件夹"]
    assert "不存在" in reasons["失效.xlsm"]
    assert "已按原位置计入" in reasons["sub/重复.xlsm"]
    assert "不是普通文件" in reasons["管道.xlsm"]
    assert result.summary.total["项目数"] == 39
    assert result.exit_code == 1  # listed, so the bureau knows the folder held more


def test_unreadable_folders_are_listed(tmp_path, monkeypatch):
    inbox = tmp_path / "收件"
    (inbox / "锁住").mkdir(parents=True)
    (inbox / "a.txt").write_text("x", encoding="utf-8")
    real_walk = os.walk

    def walk(top, onerror=None, followlinks=False):
        for folder, dirs, files in real_walk(top, onerror=onerror, followlinks=followlinks):
            if folder.endswith("锁住"):
                onerror(PermissionError(13, "Permission denied", folder))
                continue
            yield folder, dirs, files

    monkeypatch.setattr(os, "walk", walk)
    found = {f[1]: f.reason for f in collect([inbox])}
    assert found["a.txt"] is None
    assert "无法读取文件夹" in found["锁住"]
