"""Showing a finding's words: paragraphs, bullet lists and sub-items, every word escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@dataclass
class _Item:
    text: str
    subs: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)

    def html(self) -> SafeString:
        nested = (
            format_html(
                '<ul class="govuk-list govuk-list--bullet govuk-!-margin-bottom-1">{}</ul>',
                format_html_join("", "<li>{}</li>", ((s,) for s in self.subs)),
            )
            if self.subs
            else ""
        )
        return format_html(
            "<li>{}{}{}</li>", self.text, nested, format_html_join("", "<br>{}", ((t,) for t in self.tail))
        )


class _Block:
    """One paragraph block of a finding's text, turned into HTML as its lines are read."""

    def __init__(self) -> None:
        self.parts: list[SafeString] = []
        self.lines: list[str] = []
        self.items: list[_Item] = []
        self.loose = False  # the list is of sub-items only ("◦ " lines under a recommendation's words)

    def flush(self) -> None:
        if self.lines:
            self.parts.append(
                format_html(
                    '<p class="govuk-body">{}</p>',
                    format_html_join("", "{}<br>", ((ln,) for ln in self.lines[:-1]))
                    + format_html("{}", self.lines[-1]),
                )
            )
            self.lines = []
        if self.items:
            self.parts.append(
                format_html(
                    '<ul class="govuk-list govuk-list--bullet">{}</ul>',
                    format_html_join("", "{}", ((i.html(),) for i in self.items)),
                )
            )
            self.items = []
            self.loose = False

    def read(self, line: str) -> None:
        bare = line.strip()
        if bare.startswith("• "):
            if self.lines or self.loose:
                self.flush()
            self.loose = False
            self.items.append(_Item(bare[2:]))
        elif bare.startswith("◦ ") and self.items and not self.loose:
            self.items[-1].subs.append(bare[2:])
        elif bare.startswith("◦ "):  # sub-items with no item of their own: one recommendation's list
            if self.lines:
                self.flush()
            self.loose = True
            self.items.append(_Item(bare[2:]))
        elif line.startswith("  ") and self.items:
            self.items[-1].tail.append(bare)
        elif bare:
            if self.items:
                self.flush()
            self.lines.append(bare)


@register.filter
def finding_text(text: str) -> SafeString:
    """A finding's text as stored ("• " items, "◦ " sub-items, blank lines between paragraphs) as HTML."""
    parts: list[SafeString] = []
    for paragraph in re.split(r"\n\s*\n", text or ""):
        block = _Block()
        for line in paragraph.split("\n"):
            block.read(line)
        block.flush()
        parts += block.parts
    return format_html_join("", "{}", ((p,) for p in parts))


@register.filter
def status_words(status: str) -> str:
    """'being-progressed' -> 'Being progressed': a status in words, as the page shows it."""
    words = (status or "").replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


_LONG = re.compile(r"\S{25,}")


@register.filter
def breakable(text: str) -> SafeString:
    """Text with a line-break opportunity every 20 characters of a long unbroken run (an address, a file
    name): escaped, so a narrow screen wraps it instead of scrolling sideways."""
    value = text or ""
    parts: list[SafeString] = []
    last = 0
    for m in _LONG.finditer(value):
        parts.append(format_html("{}", value[last : m.start()]))
        run = m.group(0)
        parts.append(
            format_html_join(SafeString("<wbr>"), "{}", ((run[i : i + 20],) for i in range(0, len(run), 20)))
        )
        last = m.end()
    parts.append(format_html("{}", value[last:]))
    return format_html_join("", "{}", ((p,) for p in parts))
