"""The PDF of a version: every page carries the handling marking and a page number, every section's
heading is there, and each page renders to an image (pdftoppm) that is not blank."""

from __future__ import annotations

import subprocess
from pathlib import Path

from socmap.apps.profile import services
from socmap.apps.profile.documents import document_html
from tests.apps.profile.conftest import World, as_of


def _pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [
        subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                       capture_output=True, text=True, check=True).stdout
        for n in range(1, count + 1)
    ]  # fmt: skip


def test_every_page_has_the_marking_and_every_section_its_heading(world: World, tmp_path: Path) -> None:
    profile = services.profile_create(actor=world.analyst, title="Profile", as_of=as_of(), partners=[])
    version = services.profile_issue(actor=world.analyst, profile=profile)[0]
    path = tmp_path / "profile.pdf"
    path.write_bytes(
        services.version_pdf(actor=world.analyst, version=version, html=document_html(version, links=False))
    )
    pages = _pages(path)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text, f"page {number} has no handling marking"
        assert f"Page {number} of {len(pages)}" in text
    everything = "\n".join(pages)
    for i, section in enumerate(version.content["sections"], start=1):
        assert f"{i}. {section['title']}" in everything
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(pages)
    assert all(p.stat().st_size > 2000 for p in images)


def test_the_pdf_is_tagged_for_screen_readers(world: World, tmp_path: Path) -> None:
    profile = services.profile_create(actor=world.analyst, title="Profile", as_of=as_of(), partners=[])
    version = services.profile_issue(actor=world.analyst, profile=profile)[0]
    pdf = services.version_pdf(actor=world.analyst, version=version, html=document_html(version, links=False))
    path = tmp_path / "profile.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert any(line.split() == ["Tagged:", "yes"] for line in info.splitlines())
