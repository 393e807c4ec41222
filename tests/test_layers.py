"""Dependencies point one way: sources → model → operations → sinks, with the workbook
package below the operations it renders (the names both need live in conventions.py and
vocabulary.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "perf_xl"
# The operations and everything above them (the rule engine is left out: workbook/track.py
# reuses rules.facts' normalised indicator rows).
OPERATIONS = ("spendplan", "summary", "operations", "lifecycle_ops", "consolidate", "sinks", "commands",
              "cli")
# What the shared vocabularies may import: nothing of perf_xl but the model.
FOUNDATIONS = {"vocabulary.py": (), "conventions.py": ("model", "vocabulary")}


def _imported(path: Path) -> set[str]:
    """The perf_xl modules a file imports (first component below perf_xl), lazily or not."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                parts = base + (node.module.split(".") if node.module else [])
                names = [parts] if node.module else [[*base, a.name] for a in node.names]
            else:
                names = [(node.module or "").split(".")]
            for parts in names:
                if parts[:1] == ["perf_xl"] and len(parts) > 1:
                    out.add(parts[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "perf_xl" and len(parts) > 1:
                    out.add(parts[1])
    return out


WORKBOOK_FILES = sorted((PACKAGE / "workbook").glob("*.py"))


@pytest.mark.parametrize("path", WORKBOOK_FILES, ids=lambda p: p.name)
def test_the_workbook_package_does_not_import_the_operations(path):
    assert not _imported(path) & set(OPERATIONS), path.name


@pytest.mark.parametrize("name", sorted(FOUNDATIONS))
def test_the_vocabularies_sit_below_everything(name):
    assert _imported(PACKAGE / name) <= set(FOUNDATIONS[name])


def test_the_scan_sees_imports():
    # The checker itself: a file of the workbook package that imported summary is caught.
    assert "summary" in _imported(PACKAGE / "sinks" / "bureau.py")
    assert {"conventions", "vocabulary"} <= _imported(PACKAGE / "workbook" / "build.py")
