"""Helpers for the report tests: PDF text (pdftotext), fonts (pdffonts), whitespace-free text."""

import re
import subprocess


def pdf_text(pdf: bytes, layout: bool = False) -> str:
    """The PDF's text; `layout` keeps each table row on one line."""
    command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def pdf_fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def page_size(pdf: bytes, tmp_path) -> tuple[float, float]:
    path = tmp_path / "size.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(width), float(height)


def flat(text) -> str:
    return re.sub(r"\s+", "", str(text))
