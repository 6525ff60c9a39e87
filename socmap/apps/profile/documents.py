"""A version as a document: its frozen content made ready for the page, the HTML document and the PDF."""

from __future__ import annotations

import copy
import re
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse

from socmap.apps.profile.models import ProfileVersion

INLINE = 30  # inputs listed under a figure in the document; the rest are on the figure's own page
KIND_PAGES = {
    "threat": "/threats/{}/",
    "group": "/groups/{}/",
    "disruption": "/lifetime/disruptions/{}/",
    "bid": "/tasking/bids/{}/",
}


def input_link(item: dict[str, Any]) -> str:
    """Where an input of a figure is in socmap (its page refuses whoever may not see it)."""
    if item.get("link"):
        return str(item["link"])
    page = KIND_PAGES.get(str(item.get("kind")))
    return page.format(int(item["id"])) if page else ""


def lineage_entry(key: str, fig: dict[str, Any]) -> dict[str, Any]:
    """A figure's lineage for the document: the first inputs and records, and how many more."""
    inputs = [dict(i, url=input_link(i)) for i in fig.get("inputs", [])]
    records = list(fig.get("records", []))
    return {
        "key": key,
        "label": fig.get("label", key),
        "value": fig.get("value"),
        "query": fig.get("query", ""),
        "inputs": inputs[:INLINE],
        "inputs_more": max(0, len(inputs) - INLINE),
        "records": [
            {"id": r, "ref": f"R{r}", "url": reverse("intel:record_detail", args=[r])}
            for r in records[:INLINE]
        ],
        "records_more": max(0, len(records) - INLINE),
        "has_records": "records" in fig,
    }


def figure_inputs(version: ProfileVersion, key: str) -> list[dict[str, Any]] | None:
    """Every input of one figure of the version (items, then records), or None: no such figure."""
    fig = version.content.get("figures", {}).get(key)
    if fig is None:
        return None
    items = [dict(i, url=input_link(i)) for i in fig.get("inputs", [])]
    records = [
        {"kind": "record", "id": r, "ref": f"R{r}", "url": reverse("intel:record_detail", args=[r])}
        for r in fig.get("records", [])
    ]
    return items + records


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
    content["lineage"] = [lineage_entry(k, v) for k, v in figures.items()]
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
