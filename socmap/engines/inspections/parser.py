"""Parse the text of an HMICFRS recommendation page into a :class:`ParsedFinding`.

The page has, in order: optional noise ("404 Page not found"), an optional URL line or, on a page
copied from the register's theme listings, a line with the report's title and the recommendation's
number; a type heading ("Cause of concern" …); the finding text, optionally a "Recommendation" heading
with an intro line and bullets (with sub-items), then a timeline marked up as
``[on]date [status]slug[/status][/on]`` and ``[on]date [comment]text[/comment][/on]``.

Real pages are messy, so the parser is forgiving but never silent: every repair is a
:class:`Diagnostic`, and any text it cannot place is kept verbatim in ``unplaced_text`` and in the
diagnostic that explains it. Nothing the user uploaded is dropped. A page in which nothing says it is
an inspection finding (no heading, no wording that names or implies a kind, no inspectorate address or
number) is refused rather than stored as one.
"""

from __future__ import annotations

import re

from socmap.engines.inspections.context import Context
from socmap.engines.inspections.finding import FindingPart, read_finding
from socmap.engines.inspections.lists import ListRead, commentary_text
from socmap.engines.inspections.text import (
    FINISHED,
    PARTIAL_TAG_AT_END,
    STATUS_WORD,
    addressed_to_all_forces,
    fingerprint,
    normalise_status,
    title_of,
)
from socmap.engines.inspections.timeline import TimelineReader
from socmap.engines.inspections.types import (
    Diagnostic,
    FindingKind,
    ParsedFinding,
    ParsedRecommendation,
    TimelineEvent,
)
from socmap.errors import InvalidInput

MAX_BYTES = 2_000_000

__all__ = ["MAX_BYTES", "fingerprint", "normalise_status", "parse_recommendation_page"]


def _decode(data: bytes, diags: list[Diagnostic], source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = f"{source}: " if source else ""
        for encoding in ("cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            diags.append(
                Diagnostic(
                    severity="warning",
                    code="encoding-fallback",
                    message=f"{where}the file is not UTF-8 (byte {exc.start}); it was read as {encoding}",
                )
            )
            return text
        raise  # pragma: no cover - latin-1 decodes every byte


def _invalid(message: str, source: str) -> InvalidInput:
    where = f"{source}: " if source else ""
    return InvalidInput(f"{where}{message}", fields={"text": [message]})


def _as_text(text: str | bytes, early: list[Diagnostic], source: str, max_bytes: int) -> str:
    if isinstance(text, bytes):
        if len(text) > max_bytes:
            raise _invalid(f"the page is {len(text):,} bytes; the limit is {max_bytes:,}", source)
        if b"\x00" in text:
            raise _invalid("the file looks binary (it contains NUL bytes); upload the page's text", source)
        return _decode(text, early, source)
    if not isinstance(text, str):
        raise _invalid(f"expected text or bytes, got {type(text).__name__}", source)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise _invalid(f"the page is {size:,} bytes; the limit is {max_bytes:,}", source)
    if "\x00" in text:
        raise _invalid("the text looks binary (it contains NUL characters); upload the page's text", source)
    return text


def _cut_partial_tag(ctx: Context) -> str:
    """A tag cut off by the end of the page ("[/stat"): return the page without it, and say so."""
    m = PARTIAL_TAG_AT_END.search(ctx.doc.rstrip())
    if m is None:
        return ""
    fragment = m.group(0).strip()
    ctx.doc = ctx.doc[: m.start()]
    ctx.report(
        "truncated",
        "the page ends with a cut-off tag, so it looks truncated; the fragment was left out of the "
        "value before it — check the full page",
        offset=m.start(),
        text=fragment,
    )
    return fragment


def _ends_mid_text(doc: str) -> str:
    """The last words of a page that stops mid-sentence or mid-word, or "" when it ends cleanly."""
    tail = doc.rstrip()
    if not tail or tail[-1] in FINISHED:
        return ""
    last_line = tail[tail.rfind("\n") + 1 :]
    if _STATUS_AT_END.search(last_line):
        return ""  # "3rd May 2018 complete": a timeline whose tags were stripped ends on a status
    return " ".join(last_line.split()[-6:])


_STATUS_AT_END = re.compile(rf"(?:{STATUS_WORD.pattern})\W*$", re.I)


def _recommendations(ctx: Context, listing: ListRead | None) -> tuple[ParsedRecommendation, ...]:
    if listing is None:
        return ()
    if not listing.items:
        if not listing.intro:
            return ()
        # A section without bullets is one recommendation.
        text = " ".join(" ".join(listing.intro).split())
        return (ParsedRecommendation(number=1, text=text, intro="", raw="\n".join(listing.intro)),)
    return tuple(
        ParsedRecommendation(
            number=n,
            text=item.clean(),
            intro=item.intro,
            raw="\n".join(item.raw),
            line=ctx.line_of(item.offset),
        )
        for n, item in enumerate(listing.items, start=1)
    )


def _compose(
    ctx: Context, part: FindingPart, kind: FindingKind | None
) -> tuple[str, tuple[ParsedRecommendation, ...], bool]:
    """The finding's text and recommendations, and whether it is made to every force.

    A recommendation (and any finding made to every force) keeps its list in its text: its bullets
    are parts of one recommendation. Another finding's bullets are recommendations of their own,
    each tracked apart.
    """
    listing = part.listing
    intro = "\n".join(listing.intro) if listing is not None else ""
    lead = "\n\n".join(part.lead)
    national = ctx.national_address or addressed_to_all_forces(f"{lead}\n{intro}")
    if listing is not None and listing.commentary is not None:
        at, words = listing.commentary
        comment = commentary_text(words)
        ctx.events.append(
            (at, TimelineEvent(on=None, kind="comment", status=None, comment=comment, raw=words.strip(),
                               line=ctx.line_of(at)))
        )  # fmt: skip
    if kind == "recommendation" or national:
        text = "\n\n".join(p for p in (lead, listing.render() if listing is not None else "") if p)
        return text, (), national
    return lead or intro, _recommendations(ctx, listing), national


def parse_recommendation_page(
    text: str | bytes, *, source: str = "", max_bytes: int = MAX_BYTES
) -> ParsedFinding:
    """Parse one HMICFRS recommendation page (its text as copied or saved) into a ParsedFinding.

    ``source`` (a file name or URL) is named in every diagnostic. Raises InvalidInput when the input
    is empty, binary, larger than ``max_bytes`` or not recognisably a finding page.
    """
    early: list[Diagnostic] = []
    text = _as_text(text, early, source, max_bytes)
    doc = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not doc.strip():
        raise _invalid("the page is empty", source)

    ctx = Context(doc, source)
    cut = _cut_partial_tag(ctx)
    reader = TimelineReader(ctx)
    start, _ = reader.timeline_start()
    part = read_finding(ctx, start)
    kind = part.kind
    if start < len(ctx.doc):
        reader.parse_timeline(start)
    if reader.ended_open and not cut:
        ctx.report(
            "truncated",
            f"the page ends inside a timeline event (missing {reader.ended_open}), so it may have been "
            "cut off — check the full page",
            offset=len(ctx.doc.rstrip()),
            excerpt_of=ctx.doc.rstrip()[-60:],
        )
    elif not cut and (tail := _ends_mid_text(ctx.doc)):
        ctx.report(
            "truncated",
            "the page ends mid-sentence, so it may have been cut off — check the full page",
            offset=len(ctx.doc.rstrip()),
            excerpt_of=tail,
        )
    body, recommendations, national = _compose(ctx, part, kind)
    timeline_events = [e for _, e in sorted(ctx.events, key=lambda pair: pair[0])]
    reference = ctx.external_id or ctx.listing_number

    if kind is None:
        if not (body or recommendations or timeline_events or ctx.force_slug or reference):
            raise _invalid(
                "no inspection finding was recognised: expected a heading such as 'Cause of concern', "
                "'Recommendation' or 'Area for improvement' followed by the finding's text",
                source,
            )
        if reference is None and not national:
            raise _invalid(
                "no inspection finding was recognised: there is no type heading (such as 'Cause of "
                "concern' or 'Recommendation'), the text does not say what kind of finding it is, and "
                "there is no inspectorate address or report number. Add the heading line at the top of "
                "the page",
                source,
            )
        kind = "recommendation"
        ctx.report(
            "heading-missing",
            "no type heading line and the text does not name the kind; assumed 'recommendation' — check it",
            line=1,
            severity="error",
        )
    elif not (body or recommendations or timeline_events or ctx.unplaced):
        raise _invalid("the page has a heading but no finding text, recommendations or timeline", source)

    if ctx.external_id and ctx.listing_number and ctx.external_id != ctx.listing_number:
        ctx.report(
            "reference-mismatch",
            f"the address gives number {ctx.external_id} and the listing line {ctx.listing_number}; "
            f"{ctx.external_id} was used",
            line=1,
            text=ctx.listing_number,
        )
    if not timeline_events:
        ctx.report("no-timeline", "the page has no status timeline")
    current_status = reader.check_order(timeline_events)

    diagnostics = early + sorted(ctx.diags, key=lambda d: d.line or 0)
    # The title is the lead sentence: the finding's first paragraph, else the line introducing its list.
    intro = "\n".join(part.listing.intro) if part.listing is not None else ""
    first_rec = recommendations[0].text if recommendations else ""
    title = title_of(part.lead[0] if part.lead else intro or body or first_rec)
    title = title or kind.replace("_", " ").capitalize()
    return ParsedFinding(
        kind=kind,
        title=title,
        text=body,
        recommendations=recommendations,
        timeline=tuple(timeline_events),
        diagnostics=tuple(diagnostics),
        unplaced_text="\n\n".join(t for _, t in sorted(ctx.unplaced, key=lambda pair: pair[0])),
        fingerprint=fingerprint(doc),
        current_status=current_status,
        url=ctx.url,
        force_slug=ctx.force_slug,
        external_id=ctx.external_id,
        source=source,
        header_noise=tuple(ctx.header_noise),
        headings=tuple(ctx.headings),
        reference=reference,
        report_title=ctx.report_title,
        national=national,
    )
