"""A version as a document: its frozen content made ready for the page, the HTML document and the PDF."""

from __future__ import annotations

import copy
import re
from typing import Any

from django.template.loader import render_to_string

from socmap.apps.profile.models import ProfileVersion


def prepared(version: ProfileVersion) -> dict[str, Any]:
    """The frozen content with each figure's value and earlier value beside every cell that shows it."""
    content: dict[str, Any] = copy.deepcopy(version.content)
    figures = content.get("figures", {})
    for sec in content.get("sections", []):
        for block in sec.get("blocks", []):
            cells = [c for row in block.get("rows", []) for c in row]
            if block.get("type") == "figures":
                block["cells"] = [dict(f) for f in block.get("items", [])]
                cells = block["cells"]
            for cell in cells:
                fig = figures.get(cell.get("figure", ""))
                if fig is not None:
                    cell["label"] = fig["label"]
                    cell["previous"] = fig.get("previous")
    content["lineage"] = [{"key": k, **v} for k, v in figures.items()]
    return content


def document_html(version: ProfileVersion, *, links: bool) -> str:
    return render_to_string(
        "profile/document.html",
        {
            "version": version,
            "content": prepared(version),
            "links": links,
            "css_marking": css_marking(version),
        },
    )


def css_marking(version: ProfileVersion) -> str:
    """The handling marking as it may stand in a CSS string (page margins): letters, digits and plain
    punctuation only, so nothing in it can end the string."""
    return re.sub(r"[^A-Za-z0-9 ,.:;()/-]", "", str(version.content.get("marking", "")))
