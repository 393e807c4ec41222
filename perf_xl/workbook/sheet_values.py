"""Every sheet's values and merged ranges as python-calamine reads them — for a large
workbook in two processes at once.

python-calamine holds the GIL while it parses a sheet, so threads do not help; parsing a
thousand project sheets takes well over a second. For a workbook that large, and a core
to spare, a second Python process (the same interpreter, so the same calamine) parses every
other sheet from the same bytes, sent on its stdin, while this one parses the rest, and
sends back what it read, pickled: the wall time of the read nearly halves, its CPU time
grows by about a fifth (the helper's start, the zip opened twice, the pickling). Should it
fail in any way, this process reads those sheets itself: the values, and any error, are
what a read in one process gives.
"""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import threading
from typing import Any

# Below this size the second process's start costs more than it saves.
PARALLEL_FROM = 4 * 2**20  # bytes of the file (about 250 project sheets)
_MIN_SHEETS = 16

# Started without the site module (its .pth files cost a tenth of a second on some
# machines), calamine's folder given; the site module after all should that not do.
_CHILD = r"""
import io, pickle, sys
sys.path.insert(0, sys.argv.pop(1))
try:
    from python_calamine import CalamineWorkbook
except ImportError:
    import site
    site.main()
    from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
out = {}
for i in map(int, sys.argv[1:]):
    s = wb.get_sheet_by_index(i)
    out[i] = (s.to_python(skip_empty_area=False), list(s.merged_cell_ranges or ()))
sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
"""

Rows = list[list[Any]]
Merges = list[tuple[tuple[int, int], tuple[int, int]]]


def read_values(data: bytes, parallel: bool | None = None) -> tuple[dict[str, Rows], dict[str, Merges]]:
    """(sheet -> rows, sheet -> merged ranges as calamine gives them), in workbook order.
    ``parallel``: None decides by the size of the file and the number of cores."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = list(wb.sheet_names)
    if parallel is None:
        parallel = (len(data) >= PARALLEL_FROM and len(names) >= _MIN_SHEETS and _idle_core()
                    and bool(sys.executable) and not getattr(sys, "frozen", False))  # (a bundled app is no interpreter)
    # Every other sheet, less a few at the end: the helper's start comes first.
    theirs = list(range(1, len(names), 2)) if parallel else []
    theirs = theirs[:len(theirs) * 23 // 25]
    helper = _Helper(data, theirs) if theirs else None
    got: dict[int, tuple[Rows, Merges]] = {}
    try:
        for i in range(len(names)):
            if helper is None or i not in helper.indexes:
                got[i] = _sheet(wb, i)
        if helper is not None:
            got.update(helper.result())
        for i in range(len(names)):  # (the helper failed: read here, errors and all)
            if i not in got:
                got[i] = _sheet(wb, i)
    finally:
        if helper is not None:
            helper.stop()
    return ({names[i]: got[i][0] for i in range(len(names))},
            {names[i]: got[i][1] for i in range(len(names))})


def _idle_core() -> bool:
    """A second core the helper would have to itself: more than one core, and (where the
    system says) fewer processes running than cores over the last minute, this one and
    its helper, had they run, among them. On a busy machine a second process only adds its
    own start and the pickling to the time."""
    cores = os.cpu_count() or 1
    if cores < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # (Windows)
        return True
    return load < cores


def _sheet(wb, i: int) -> tuple[Rows, Merges]:
    s = wb.get_sheet_by_index(i)
    return s.to_python(skip_empty_area=False), list(s.merged_cell_ranges or ())


class _Helper:
    """The second process, reading sheets ``indexes`` of ``data``."""

    def __init__(self, data: bytes, indexes: list[int]) -> None:
        self.indexes = set(indexes)
        self.proc: subprocess.Popen | None = None
        self.out: bytes | None = None
        try:
            import python_calamine

            folder = os.path.dirname(os.path.dirname(os.path.abspath(python_calamine.__file__)))
            self.proc = subprocess.Popen(
                [sys.executable, "-S", "-c", _CHILD, folder, *map(str, indexes)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            return
        # Fed, and read, by threads (a pipe's writes and reads release the GIL), so neither
        # process waits on a full pipe while this one parses its own sheets.
        self._feeder = threading.Thread(target=self._feed, args=(data,), daemon=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._feeder.start()
        self._reader.start()

    def _feed(self, data: bytes) -> None:
        try:
            self.proc.stdin.write(data)  # type: ignore[union-attr]
            self.proc.stdin.close()  # type: ignore[union-attr]
        except (OSError, ValueError):  # (the helper died, or was stopped)
            pass

    def _read(self) -> None:
        try:
            self.out = self.proc.stdout.read()  # type: ignore[union-attr]
        except (OSError, ValueError):
            self.out = None

    def result(self) -> dict[int, tuple[Rows, Merges]]:
        """What the helper read (nothing when it failed)."""
        if self.proc is None:
            return {}
        self._reader.join()
        if self.proc.wait() != 0 or not self.out:
            return {}
        try:
            found = pickle.loads(self.out)  # (our own child's output, never a file's)
        except Exception:
            return {}
        if not isinstance(found, dict) or set(found) != set(self.indexes):
            return {}
        return found

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._feeder.join(5)
        self._reader.join(5)
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass
