"""The part of a page before its timeline: noise, address, listing line, heading, text and list."""

from __future__ import annotations

from dataclasses import dataclass

from socmap.engines.inspections.context import Context
from socmap.engines.inspections.lists import ListRead, is_list_line, read_list
from socmap.engines.inspections.text import (
    NOISE,
    REPORT_LINE,
    URL_LINE,
    heading_kind,
    is_rec_heading,
    kind_from_text,
)
from socmap.engines.inspections.types import FindingKind


@dataclass(frozen=True)
class FindingPart:
    kind: FindingKind | None  # from the heading, or inferred from the text (a warning says so)
    lead: tuple[str, ...]  # the finding's own paragraphs, before any list
    listing: ListRead | None  # the list region: the recommendations, or the recommendation's list
    lead_offset: int | None


def read_finding(ctx: Context, end: int) -> FindingPart:
    """Read ``ctx.doc[:end]``: header lines into ``ctx``, the finding's words into a FindingPart."""
    lines: list[tuple[int, str]] = []
    offset = 0
    for line in ctx.doc[:end].split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1

    def furniture(s: str) -> bool:
        return not s or bool(URL_LINE.match(s)) or bool(NOISE.match(s))

    first = next((i for i, (_, ln) in enumerate(lines) if not furniture(ln.strip())), None)
    listing_idx = (
        first
        if first is not None and REPORT_LINE.match(lines[first][1]) and heading_kind(lines[first][1]) is None
        else None
    )

    def is_header(i: int, s: str) -> bool:
        return furniture(s) or i == listing_idx

    type_idx: int | None = None
    kind: FindingKind | None = None
    for i, (_, line) in enumerate(lines):
        k = heading_kind(line)
        if k is None:
            continue
        content_before = any(not is_header(j, ln.strip()) for j, (_, ln) in enumerate(lines[:i]))
        if not (k == "recommendation" and content_before):
            type_idx, kind = i, k
        break  # a "Recommendation" heading after text is the recommendations heading

    if type_idx is not None:
        head, body_start = lines[:type_idx], type_idx + 1
        ctx.headings.append(lines[type_idx][1].strip())
    else:
        body_start = next((i for i, (_, ln) in enumerate(lines) if not is_header(i, ln.strip())), len(lines))
        head = lines[:body_start]

    for i, (off, line) in enumerate(head):
        s = line.strip()
        url = URL_LINE.match(s)
        if not s:
            continue
        if url and ctx.url is None:
            ctx.take_url(url.group(1), off)
        elif NOISE.match(s):
            ctx.header_noise.append(s)
        elif i == listing_idx and (m := REPORT_LINE.match(line)):
            ctx.report_title, ctx.listing_number = m.group("title").strip(), m.group("number")
        else:
            ctx.unplace("text-before-heading", "text before the finding's heading", off, line)

    body = lines[body_start:]
    section = next((i for i, (_, ln) in enumerate(body) if is_rec_heading(ln)), None)
    region: list[tuple[int, str]] = []
    if section is not None:
        ctx.headings.append(body[section][1].strip())
        region, body = body[section + 1 :], body[:section]
    else:
        bullet = next((i for i, (_, ln) in enumerate(body) if is_list_line(ln)), None)
        if bullet is not None:
            before = next((i for i in range(bullet - 1, -1, -1) if body[i][1].strip()), None)
            if before is not None and body[before][1].rstrip().endswith(":"):
                bullet = before  # "The force should:" introduces the list
            region, body = body[bullet:], body[:bullet]

    paragraphs: list[str] = []
    current: list[str] = []
    for _, line in [*body, (0, "")]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    lead_offset = next((off for off, ln in body if ln.strip()), None)
    listing = read_list(ctx, region) if region else None

    if kind is None:
        words = "\n".join(paragraphs)
        if listing is not None:
            words += (
                "\n"
                + "\n".join(listing.intro)
                + "\n"
                + "\n".join(" ".join(item.text) for item in listing.items)
            )
        kind = kind_from_text(words)
        if kind is not None:
            at = lead_offset if lead_offset is not None else (region[0][0] if region else None)
            ctx.report(
                "heading-missing",
                f"no type heading line; the kind {kind.replace('_', ' ')!r} was inferred from the text — "
                "check it",
                line=ctx.line_of(at) if at is not None else None,
            )
    return FindingPart(kind=kind, lead=tuple(paragraphs), listing=listing, lead_offset=lead_offset)
