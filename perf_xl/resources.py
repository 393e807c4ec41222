"""Files shipped with the package (available to an installed package, not only a checkout)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

EXAMPLE_NAME = "zjk-court-2024.txt"
_CHECKOUT_MACROS = Path(__file__).resolve().parent.parent / "macros"


def example_path() -> Path:
    """The bundled real 绩效文本 (张家口市中级人民法院 2024)."""
    return Path(str(resources.files("perf_xl") / "data" / EXAMPLE_NAME))


def macros_dir() -> Path:
    """The project's VBA modules (.bas): top-level ``macros/`` in a checkout, the
    ``perf_xl.macros`` package data (mapped from the same folder) when installed."""
    if _CHECKOUT_MACROS.is_dir():
        return _CHECKOUT_MACROS
    return Path(str(resources.files("perf_xl.macros")))
