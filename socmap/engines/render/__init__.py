"""Documents as PDF: HTML and CSS laid out by WeasyPrint (Pango), with no browser and nothing fetched;
charts as SVG from their Vega-Lite specs (``chart_svg``).

Pure: no Django. The caller hands over finished HTML; links to anything outside the document are
refused, so a PDF is made from what the page holds and nothing else.
"""

from __future__ import annotations

from typing import Any

from socmap.engines.render.charts import chart_svg
from socmap.errors import InvalidInput


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise InvalidInput(f"A PDF is made from its own content only; it refers to {url!r}")


def html_to_pdf(html: str, *, tagged: bool = False) -> bytes:
    """The HTML document as PDF bytes; ``tagged`` marks its structure (headings, tables, figures with
    their alt text) in the PDF for screen readers."""
    import weasyprint

    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf(pdf_tags=tagged)
    if pdf is None:  # write_pdf returns bytes when no target is given
        raise InvalidInput("The document could not be laid out as PDF")
    return bytes(pdf)


__all__ = ["chart_svg", "html_to_pdf"]
