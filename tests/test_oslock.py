"""The OS lock behind one-writer-at-a-time (perf_xl.oslock)."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from perf_xl.oslock import FileLock, LockTimeout

ROOT = Path(__file__).resolve().parents[1]
HOLD = ("import sys, time\nfrom perf_xl.oslock import FileLock\n"
        "lock = FileLock(sys.argv[1])\nlock.acquire(timeout=5)\nprint('held', flush=True)\ntime.sleep(60)\n")


def _holder(path):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_reentrant_in_this_process_and_released_at_the_last_release(tmp_path):
    lock = FileLock(str(tmp_path / "a.lock"))
    lock.acquire(timeout=1)
    lock.acquire(timeout=1)
    lock.release()
    assert lock.is_locked
    lock.release()
    assert not lock.is_locked
    lock.release()  # (one release too many is harmless)


def test_another_process_waits_then_times_out(tmp_path):
    path = tmp_path / "a.lock"
    holder = _holder(path)
    try:
        start = time.monotonic()
        with pytest.raises(LockTimeout):
            FileLock(str(path)).acquire(timeout=0.5)
        assert time.monotonic() - start >= 0.5
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_leaves_the_lock_free(tmp_path):
    path = tmp_path / "a.lock"
    holder = _holder(path)
    holder.kill()
    holder.wait()
    lock = FileLock(str(path))
    lock.acquire(timeout=0.5)  # the kernel dropped the dead process's lock
    assert lock.is_locked
    lock.release()


def test_force_releases_every_acquire_and_a_second_lock_of_this_process_gets_it(tmp_path):
    path = str(tmp_path / "a.lock")
    lock = FileLock(path)
    lock.acquire(timeout=1)
    lock.acquire(timeout=1)
    lock.release(force=True)
    other = FileLock(path)
    other.acquire(timeout=0.2)  # (flock: a second descriptor would wait if the first still held it)
    other.release()


def test_one_process_runs_several_updates_of_one_file_in_turn(tmp_path):
    import shutil

    from perf_xl.cli import main

    book = tmp_path / "b.xlsm"
    shutil.copy(ROOT / "workbook" / "PerformanceTargets.xlsm", book)
    start = time.monotonic()
    assert [main(["fill", str(book)]), main(["fill", str(book)]), main(["summary", str(book), "--write"])] == [0, 0, 0]
    assert time.monotonic() - start < 25  # (no wait for a lock this process still held)
