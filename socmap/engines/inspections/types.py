"""What the inspection-page importer returns: frozen dataclasses, no behaviour beyond reading them.

An HMICFRS recommendation page is one *finding* (a cause of concern, an accelerated cause of concern,
a recommendation, an area for improvement or innovative practice), optionally the recommendations
that answer it, and a timeline of status changes and comments marked up as ``[on]…[/on]``.
A finding may be made to one force (its page's address names the force) or to every force (a
*national* recommendation: "All forces should…"); a page copied from the register's theme listings
starts with the report's title and the recommendation's number, ``Core Business: … (4822)``.

Lists keep their structure in the text: a top-level item is a line starting ``• ``, a sub-item a
line starting ``◦ `` (indented by two spaces under a top-level item).
Real pages are messy, so everything the parser could not place is kept (``unplaced_text`` and
``Diagnostic.text``) and every repair it made is reported as a :class:`Diagnostic`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Literal

FindingKind = Literal[
    "cause_of_concern",
    "accelerated_cause_of_concern",
    "recommendation",
    "area_for_improvement",
    "innovative_practice",
]
EventKind = Literal["status", "comment"]
Severity = Literal["warning", "error"]

FINDING_KINDS: tuple[FindingKind, ...] = (
    "cause_of_concern",
    "accelerated_cause_of_concern",
    "recommendation",
    "area_for_improvement",
    "innovative_practice",
)

#: Statuses the inspectorate is known to use, in the order a finding normally moves through them.
#: Others are kept as written (normalised to a lower-case hyphenated slug) with an ``unknown-status``
#: warning.
KNOWN_STATUSES: tuple[str, ...] = (
    "awaiting-review",
    "being-progressed",
    "complete",
    "no-further-action-needed",
)

#: Every diagnostic code the parser can emit, with what it means. Codes are stable: the web page,
#: API and CLI may key help text on them.
DIAGNOSTIC_CODES: Mapping[str, str] = MappingProxyType(
    {
        "encoding-fallback": "The bytes were not UTF-8; they were decoded as cp1252 (or latin-1).",
        "text-before-heading": "Text before the finding's type heading that is not the URL or page noise.",
        "heading-missing": "No type heading line ('Cause of concern' …): a warning when the kind was "
        "inferred from the text, an error when it could not be and 'recommendation' was assumed.",
        "url-not-recognised": "A URL line that is not an HMICFRS recommendation address.",
        "recommendation-continued": "A paragraph after a bullet was added to that recommendation.",
        "undated-comment": "Commentary after the recommendations, with no date: kept as an undated comment.",
        "reference-mismatch": "The page's address and its listing line give different numbers; the address's "
        "is the reference.",
        "truncated": "The page looks cut off: a tag cut at its end (the fragment is kept here), a timeline "
        "event or comment left open at its end, or text ending mid-sentence.",
        "no-timeline": "The page has no status timeline.",
        "timeline-tags-missing": "No [on] tags; the timeline was read from lines starting with a date.",
        "missing-open-tag": "A tag or a status/comment lacked its opening tag; its meaning was recovered.",
        "unclosed-tag": "An [on], [status] or [comment] was not closed; it was closed where the next began.",
        "orphan-close-tag": "A closing tag with nothing open to close; the tag was ignored, text kept.",
        "duplicate-tag": "An opening tag repeated inside the same open tag; the repeat was ignored.",
        "text-outside-tags": "Text inside an [on] block but outside [status]/[comment]; kept as a comment.",
        "several-parts-in-event": "One [on] block held several statuses/comments; one event each, same date.",
        "empty-event": "An [on] block or dated line with no status or comment.",
        "unknown-status": "A status slug outside KNOWN_STATUSES; kept as written.",
        "missing-date": "A timeline event without a date; kept with on=None.",
        "unparsable-date": "A timeline date that could not be read; kept with on=None and the raw text.",
        "dates-out-of-order": "A timeline event dated earlier than one before it in the document.",
        "status-moved-backwards": "A later status is earlier in the normal progression than the one before.",
        "unplaced-text": "Text outside any recognised section; kept in unplaced_text.",
    }
)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found, or one repair made, while parsing a page.

    ``message`` says what and where (line number and a short excerpt). ``text`` holds, verbatim,
    any text the parser could not place, so that nothing a user uploaded is lost.
    """

    severity: Severity
    code: str
    message: str
    text: str = ""
    line: int | None = None


@dataclass(frozen=True)
class ParsedRecommendation:
    """One bullet of the recommendations that answer a finding."""

    number: int  # 1-based, in document order
    text: str  # cleaned: whitespace collapsed, trailing "; and" / ";" removed; sub-items on "◦ " lines
    intro: str  # the line that introduced the list, e.g. "The force should immediately take steps to:"
    raw: str = ""  # the bullet as written, before cleaning
    line: int | None = None


@dataclass(frozen=True)
class TimelineEvent:
    """One dated status change or comment from the page's timeline."""

    on: date | None  # None for undated commentary, or when the date is missing or could not be read
    kind: EventKind
    status: str | None  # normalised slug, e.g. "being-progressed"; None for comments
    comment: str | None  # paragraphs kept, separated by blank lines, trimmed; None for statuses
    raw: str  # the exact source text of the event (the whole [on]…[/on] block when tagged)
    line: int  # 1-based line where the event starts
    date_text: str = ""  # the date as written
    status_raw: str | None = None  # the status as written, before normalising


@dataclass(frozen=True)
class ParsedFinding:
    """The result of parsing one inspectorate recommendation page."""

    kind: FindingKind
    title: str
    text: str
    recommendations: tuple[ParsedRecommendation, ...]
    timeline: tuple[TimelineEvent, ...]
    diagnostics: tuple[Diagnostic, ...]
    unplaced_text: str
    fingerprint: str
    current_status: str | None
    url: str | None = None
    force_slug: str | None = None
    external_id: str | None = None
    source: str = ""
    header_noise: tuple[str, ...] = ()  # lines such as "404 Page not found" before the heading
    headings: tuple[str, ...] = ()  # the heading lines recognised, as written
    reference: str | None = None  # the inspectorate's number: from the address, else the listing line
    report_title: str | None = None  # the report named on a listing page's first line
    national: bool = False  # addressed to every force ("All forces should…"), not to one

    @property
    def has_errors(self) -> bool:
        """True when a diagnostic is an error: a person should check the page before relying on it."""
        return any(d.severity == "error" for d in self.diagnostics)
