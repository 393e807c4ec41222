"""The committed workbook/PerformanceTargets.xlsm is what the builder makes today from the
bundled example and macros/ — a change to either without a rebuild fails here."""

import re
import zipfile
from datetime import date
from pathlib import Path

from perf_xl.importers.text import read_text
from perf_xl.resources import example_path
from perf_xl.workbook.build import build_workbook
from perf_xl.workbook.read import read_workbook
from perf_xl.workbook.vba import read_project_id

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "workbook" / "PerformanceTargets.xlsm"
REBUILD = "perf-xl build perf_xl/data/zjk-court-2024.txt -o workbook/PerformanceTargets.xlsm --force"


def built_on(path: Path) -> date:
    core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    return date.fromisoformat(re.search(r"<dcterms:created[^>]*>(\d{4}-\d\d-\d\d)", core).group(1))


def test_committed_workbook_is_up_to_date(tmp_path):
    """Byte for byte: a build is a function of its inputs once the two free ones are fixed
    (the date it shows and the VBA project's ID, new in every build), so the fresh build
    takes both from the committed file."""
    fresh = tmp_path / "fresh.xlsm"
    build_workbook(read_text(example_path()), fresh, today=built_on(COMMITTED),
                   project_id=read_project_id(COMMITTED))
    with zipfile.ZipFile(COMMITTED) as old, zipfile.ZipFile(fresh) as new:
        assert sorted(old.namelist()) == sorted(new.namelist()), f"parts differ; rebuild: {REBUILD}"
        stale = [n for n in new.namelist() if old.read(n) != new.read(n)]
    assert not stale, f"{COMMITTED.name} is out of date ({', '.join(stale[:5])}); rebuild: {REBUILD}"


def test_committed_workbook_holds_the_example():
    assert read_workbook(COMMITTED).department.content() == read_text(example_path()).content()
