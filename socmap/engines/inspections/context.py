"""What the parts of the parser share while reading one page: the page, and what was found in it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from socmap.engines.inspections.text import NATIONAL_SLUGS, REC_URL, excerpt
from socmap.engines.inspections.types import Diagnostic, Severity, TimelineEvent


@dataclass
class Context:
    doc: str
    source: str
    line_starts: list[int] = field(default_factory=list)
    diags: list[Diagnostic] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    events: list[tuple[int, TimelineEvent]] = field(default_factory=list)  # (offset in the page, event)
    header_noise: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    url: str | None = None
    force_slug: str | None = None
    external_id: str | None = None
    national_address: bool = False  # the address names no force but every force
    listing_number: str | None = None
    report_title: str | None = None

    def __post_init__(self) -> None:
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", self.doc)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def report(
        self,
        code: str,
        message: str,
        *,
        offset: int | None = None,
        line: int | None = None,
        text: str = "",
        excerpt_of: str | None = None,
        severity: Severity = "warning",
    ) -> None:
        """Record one diagnostic: ``message`` located by line, with a short excerpt of the text."""
        if line is None and offset is not None:
            line = self.line_of(offset)
        where = ", ".join(p for p in (self.source, f"line {line}" if line else "") if p)
        shown = excerpt(text if excerpt_of is None else excerpt_of)
        full = f"{where}: {message}" if where else message[:1].upper() + message[1:]
        if shown:
            full += f': "{shown}"'
        self.diags.append(Diagnostic(severity=severity, code=code, message=full, text=text, line=line))

    def unplace(self, code: str, why: str, offset: int, text: str) -> None:
        """Keep text that belongs nowhere: in unplaced_text and in a diagnostic saying where."""
        stripped = text.strip()
        if not stripped:
            return
        offset += len(text) - len(text.lstrip())
        self.unplaced.append((offset, stripped))
        self.report(code, why, offset=offset, text=stripped)

    def take_url(self, url: str, offset: int) -> None:
        self.url = url
        m = REC_URL.match(url)
        if m is None:
            self.report(
                "url-not-recognised",
                "the URL is not an HMICFRS recommendation address",
                offset=offset,
                text=url,
            )
            return
        slug = m.group("force").lower()
        self.external_id = m.group("id")
        if slug in NATIONAL_SLUGS:
            self.national_address = True
        else:
            self.force_slug = slug
