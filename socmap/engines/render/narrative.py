"""Narrative written in Markdown, made safe to show: raw HTML is kept as text, never run.

Pure: no Django. markdown-it renders with HTML switched off, so ``<script>`` or ``<img onerror>`` in a
narrative comes out escaped; links to anything but http(s) and mail addresses are not made.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")


def _validate(url: str) -> bool:
    return url.strip().lower().startswith(_SAFE_SCHEMES)


_md.validateLink = _validate  # type: ignore[method-assign]


def narrative_html(text: str) -> str:
    """The Markdown as HTML in which no tag of the writer's survives."""
    html: str = _md.render(text or "")
    return html
