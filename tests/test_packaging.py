"""What an installed package needs: every subpackage listed, the example and macros shipped."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_every_subpackage_is_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "perf_xl").rglob("__init__.py")}
    assert on_disk <= listed, f"missing from [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert config["package-dir"]["perf_xl.macros"] == "macros"
    data = config["package-data"]
    assert "*.bas" in data["perf_xl.macros"] and "data/*.txt" in data["perf_xl"]


def test_the_example_is_package_data():
    from perf_xl.resources import example_path

    path = example_path()
    assert path.is_file() and path.parent == ROOT / "perf_xl" / "data"
