from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from socmap.engines.render import html_to_pdf


def test_html_becomes_a_pdf_whose_text_reads_back(tmp_path: Path) -> None:
    pdf = html_to_pdf("<html><body><h1>Minutes: Regional TTCG</h1><p>Fund bid GL-0001.</p></body></html>")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Minutes: Regional TTCG" in text and "Fund bid GL-0001." in text
