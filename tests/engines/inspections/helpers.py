"""Shared helpers for the inspection-page importer tests."""

from __future__ import annotations

import re
from pathlib import Path

from socmap.engines.inspections import ParsedFinding

FIXTURES = Path(__file__).parent / "fixtures"
SEED = "seed_gloucestershire_8786.txt"
TAG = re.compile(r"\[\s*/?\s*(?:on|status|comment)\s*\]", re.I)
#: A tag as it may stand in what the parser kept: on one line. Fragments the parser joins with a
#: blank line ("[" and "status]being-progressed" around a stray "[/comment]") show a person every
#: word, though the source's looser tag pattern would read "[\n\nstatus]" as a tag.
KEPT_TAG = re.compile(r"\[[ \t]*/?[ \t]*(?:on|status|comment)[ \t]*\]", re.I)


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def words(text: str, *, tag: re.Pattern[str] = TAG) -> set[str]:
    """The words of a text, tag tokens such as [on] and [/status] left out.

    Runs of letters and runs of digits count separately, so "review6th" (tags stripped with nothing
    in their place) is the words "review", "6" and "th", as the parser rightly splits it.
    """
    return set(re.findall(r"[^\W\d_]+|\d+", tag.sub(" ", text)))


def placed_words(page: ParsedFinding) -> set[str]:
    """Every word the parse kept somewhere a person can see it."""
    parts = [page.title, page.text, page.unplaced_text, page.url or "", *page.header_noise, *page.headings]
    parts += [page.report_title or "", page.reference or ""]
    for rec in page.recommendations:
        parts += [rec.text, rec.intro, rec.raw]
    for event in page.timeline:
        parts += [event.comment or "", event.status_raw or "", event.date_text]
    parts += [d.text for d in page.diagnostics]
    return words("\n".join(parts), tag=KEPT_TAG)
