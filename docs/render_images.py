"""Regenerate the workbook pictures in docs/img/ as LibreOffice prints them:
``perf-xl demo`` into a temporary folder, LibreOffice → PDF, then pdftoppm of the page of
each sheet (found by the sheet name the page footer carries).

    python docs/render_images.py            # needs soffice and pdftoppm / pdftotext
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
# picture -> the sheet whose first printed page it shows
PICTURES = {
    "workbook-home.png": "首页",
    "workbook-project-sheet.png": "12 市中级人民法院辅警人员保障经费",
    "workbook-summary.png": "汇总",
    "workbook-findings.png": "校验结果",
}
DPI = "80"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="perfxl-img-") as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, "-m", "perf_xl", "demo", str(folder / "demo")],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        book = folder / "demo" / "PerformanceTargets.xlsm"
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), str(book)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pdf = folder / "PerformanceTargets.pdf"
        pages = _pages(pdf)
        for picture, sheet in PICTURES.items():
            page = next(i for i, text in enumerate(pages, 1) if _footer(text) == sheet)
            stem = folder / "page"
            subprocess.run(["pdftoppm", "-r", DPI, "-png", "-singlefile", "-f", str(page),
                            "-l", str(page), str(pdf), str(stem)], check=True)
            shutil.move(str(stem) + ".png", OUT / picture)
            print(f"{OUT / picture}: 「{sheet}」, page {page}")
    return 0


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


def _footer(page: str) -> str:
    """The sheet name of a page: the left part of its footer line (&A … 第 n 页)."""
    lines = [x for x in page.splitlines() if "页，共" in x]
    return lines[-1].split("第")[0].strip() if lines else ""


if __name__ == "__main__":
    sys.exit(main())
