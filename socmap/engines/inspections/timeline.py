"""The status timeline of a page: ``[on]date [status]slug[/status][/on]`` and
``[on]date [comment]text[/comment][/on]`` blocks, however broken, or dated lines whose tags were stripped.

Every repair is reported; every word that belongs to no event is kept as unplaced text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from socmap.engines.inspections.context import Context
from socmap.engines.inspections.dates import DateHit, date_at, date_search, line_start_dates
from socmap.engines.inspections.text import (
    NOISE,
    REPORT_LINE,
    SLUG_LIKE,
    SPACE,
    STATUS_END,
    STATUS_WORD,
    TAG,
    URL_LINE,
    clean_paragraphs,
    heading_kind,
    normalise_status,
    skip,
)
from socmap.engines.inspections.types import KNOWN_STATUSES, EventKind, Severity, TimelineEvent

_STATUS_RANK = {
    "awaiting-review": 0,
    "being-progressed": 1,
    "complete": 2,
    "no-further-action-needed": 2,
}


@dataclass
class _Part:
    kind: EventKind
    start: int
    chunks: list[str] = field(default_factory=list)


@dataclass
class _Block:
    """One [on] block while it is being read (or a block recovered without its [on])."""

    start: int
    pre: list[tuple[int, str]] = field(default_factory=list)  # text before the first part: the date
    parts: list[_Part] = field(default_factory=list)
    cur: _Part | None = None
    missing_close: list[str] = field(default_factory=list)
    settled: bool = False
    date: DateHit | None = None
    date_text: str = ""


class TimelineReader:
    """Reads the timeline of ``ctx.doc`` into ``ctx.events``, reporting into ``ctx.diags``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.doc = ctx.doc
        self.events = ctx.events
        self.block: _Block | None = None
        self.pending: tuple[int, str] | None = None
        self.ended_open = ""  # the closing tags missing when the page ended inside an event

    def line_of(self, offset: int) -> int:
        return self.ctx.line_of(offset)

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
        self.ctx.report(
            code, message, offset=offset, line=line, text=text, excerpt_of=excerpt_of, severity=severity
        )

    def unplace(self, code: str, why: str, offset: int, text: str) -> None:
        self.ctx.unplace(code, why, offset, text)

    def timeline_start(self) -> tuple[int, bool]:
        """Offset where the timeline begins and whether it carries tags at all."""
        doc = self.doc
        tag = TAG.search(doc)
        candidates: list[int] = []
        if tag:
            start = tag.start()
            if not (tag.group(2).lower() == "on" and not tag.group(1)):
                # The first event lost its [on]: begin at the date written just before the tag.
                line_begin = doc.rfind("\n", 0, start) + 1
                hit = date_search(doc[line_begin:start])
                if hit and not doc[line_begin + hit.end : start].strip():
                    start = line_begin + hit.start
            candidates.append(start)
        stripped = self._first_dated_line_after_finding()
        if stripped is not None:
            candidates.append(stripped)
        if not candidates:
            return len(doc), False
        return min(candidates), tag is not None

    def _first_dated_line_after_finding(self) -> int | None:
        """First line starting with a date after the finding's first paragraph.

        The heading, URL, noise and first paragraph are never the timeline, so a finding whose text
        begins with a date is not mistaken for one.
        """
        offset = 0
        state = "head"  # head -> first paragraph -> after it
        listing_line = True  # a listing page's first line (report title and number) is head too
        for line in self.doc.split("\n"):
            s = line.strip()
            if state == "head":
                if s and listing_line and REPORT_LINE.match(s) and not heading_kind(s):
                    listing_line = False
                elif s and not (heading_kind(s) or URL_LINE.match(s) or NOISE.match(s)):
                    state = "first"
            elif state == "first":
                if not s:
                    state = "after"
            elif s:
                h = date_at(line, len(line) - len(line.lstrip()))
                if h:
                    return offset + h.start
            offset += len(line) + 1
        return None

    def parse_timeline(self, start: int) -> None:
        doc = self.doc
        pos = start
        for m in TAG.finditer(doc, start):
            if m.start() > pos:
                self._text(pos, doc[pos : m.start()])
            self._tag(m)
            pos = m.end()
        if pos < len(doc):
            self._text(pos, doc[pos:])
        if self.block is not None:
            # The page ended inside an event: the caller reports it as cut off, not as a missing tag.
            self.block.missing_close.append("[/on]")
            self._close_block(len(doc), at_end=True)
        self._flush_pending()

    def _flush_pending(self) -> None:
        if self.pending is not None:
            offset, text = self.pending
            self.pending = None
            self._outside(offset, text)

    def _text(self, offset: int, text: str) -> None:
        b = self.block
        if b is None:
            self._flush_pending()
            self.pending = (offset, text)
        elif b.cur is not None:
            b.cur.chunks.append(text)
        elif not b.parts:
            b.pre.append((offset, text))
        elif text.strip():
            lead = len(text) - len(text.lstrip())
            if date_at(text, lead):
                # "[/status] 6th April 2018 [status]…": an [/on][on] pair went missing.
                b.missing_close.append("[/on]")
                self._close_block(offset + lead)
                self.report(
                    "missing-open-tag", "a dated event without [on]", offset=offset + lead, excerpt_of=text
                )
                self.block = _Block(start=offset + lead, pre=[(offset, text)])
                return
            last = b.parts[-1]
            if last.kind == "comment":
                last.chunks.append("\n\n" + text)
            else:
                b.parts.append(_Part("comment", offset, [text]))
            self.report(
                "text-outside-tags",
                "text inside an [on] block after a closing tag was kept as a comment",
                offset=offset + lead,
                excerpt_of=text,
            )

    def _tag(self, m: re.Match[str]) -> None:
        closing, name = bool(m.group(1)), m.group(2).lower()
        b = self.block
        if name == "on":
            if closing and b is not None:
                self._close_block(m.end())
            elif closing:
                self._flush_pending()
                self._orphan(m)
            else:
                if b is not None:
                    b.missing_close.append("[/on]")
                    self._close_block(m.start())
                self._flush_pending()
                self.block = _Block(start=m.start())
            return
        kind: EventKind = "status" if name == "status" else "comment"
        if not closing:
            if b is None:
                b = self._implicit_block(m)
            if b.cur is not None:
                if b.cur.kind == kind:
                    self.report(
                        "duplicate-tag",
                        f"[{kind}] inside an open [{kind}] was ignored",
                        offset=m.start(),
                        text=self._in_context(m),
                    )
                    return
                b.missing_close.append(f"[/{b.cur.kind}]")
                b.cur = None
            self._settle(b, mode="opener")
            part = _Part(kind, m.end())
            b.parts.append(part)
            b.cur = part
            return
        if b is not None and b.cur is not None and b.cur.kind == kind:
            b.cur = None
        elif b is not None and b.cur is None and not b.parts and self._settle(b, mode=kind):
            self.report(
                "missing-open-tag",
                f"[/{kind}] without [{kind}]: the text before it was read as the {kind}",
                offset=m.start(),
                excerpt_of=m.group(0),
            )
        else:
            if b is None:
                self._flush_pending()
            self._orphan(m)

    def _orphan(self, m: re.Match[str]) -> None:
        self.report(
            "orphan-close-tag",
            f"{m.group(0)} with nothing open to close was ignored",
            offset=m.start(),
            text=self._in_context(m),
        )

    def _in_context(self, m: re.Match[str]) -> str:
        """An ignored tag with the text touching it: "awa[/comment]iting-review".

        The text on either side is joined as if the tag were not there ("awaiting-review"), so the
        fragments as written are kept here, where the reader sees what was ignored and where.
        """
        doc = self.doc
        left, right = m.start(), m.end()
        # Bounded, so a hostile page of one endless "word" cannot make every diagnostic as long.
        floor, ceiling = max(0, left - 200), min(len(doc), right + 200)
        while left > floor and not doc[left - 1].isspace():
            left -= 1
        while right < ceiling and not doc[right].isspace():
            right += 1
        return doc[left:right]

    def _implicit_block(self, m: re.Match[str]) -> _Block:
        """A [status] or [comment] outside any [on]: its date is whatever was written just before."""
        start = m.start()
        pre: list[tuple[int, str]] = []
        if self.pending is not None:
            offset, text = self.pending
            self.pending = None
            line_begin = text.rfind("\n") + 1
            hit = date_search(text[line_begin:])
            if hit and not text[line_begin + hit.end :].strip():
                cut = line_begin + hit.start
                self._outside(offset, text[:cut])
                start = offset + cut
                pre = [(start, text[cut:])]
            else:
                self._outside(offset, text)
        self.report("missing-open-tag", f"{m.group(0)} without [on]", offset=m.start(), excerpt_of=m.group(0))
        self.block = _Block(start=start, pre=pre)
        return self.block

    def _settle(self, b: _Block, *, mode: str) -> bool:
        """Split the text before the first part into the date and any content.

        ``mode`` is "opener" (a [status]/[comment] follows: leftover text is unplaced), "status" or
        "comment" (a closing tag follows with no opener: leftover text is that part) or "close"
        (the block ends with no part: leftover text is a bare status or a comment).
        Returns whether a part was made from leftover text.
        """
        if b.settled:
            return False
        base = b.pre[0][0] if b.pre else b.start
        pre = "".join(t for _, t in b.pre)
        lead = len(pre) - len(pre.lstrip())
        first_line_end = pre.find("\n", lead)
        first_line_end = len(pre) if first_line_end < 0 else first_line_end
        hit = date_search(pre[lead:first_line_end])
        if hit:
            hit = DateHit(hit.start + lead, hit.end + lead, hit.raw, hit.value)
            rest_at, rest = hit.end, pre[hit.end :]
        else:
            rest_at, rest = 0, pre
        if mode in ("status", "comment") and not rest.strip():
            return False  # "[on]2nd March 2017 [/status]": nothing to recover; the tag is an orphan
        b.settled = True
        if hit:
            b.date, b.date_text = hit, hit.raw
            if pre[: hit.start].strip():
                self.unplace(
                    "unplaced-text", "text before the date of a timeline event", base, pre[: hit.start]
                )
        if mode == "opener":
            if hit is None:
                b.date_text = rest.strip()
            else:
                self.unplace(
                    "unplaced-text",
                    "text between the date and the tag of a timeline event",
                    base + rest_at,
                    rest,
                )
            return False
        if not rest.strip():
            return False
        if mode == "close":
            words = rest.split()
            if hit is None and words and STATUS_WORD.fullmatch(words[-1]):
                # "[on]Smarch 2nd 2017 complete[/on]": the date is unreadable but the status is not.
                cut = rest.rstrip().rfind(words[-1])
                b.date_text, rest_at, rest = rest[:cut].strip(), cut, rest[cut:]
            elif hit is None:
                b.date_text = rest.strip()
                return False
            bare = rest.strip()
            part_kind: EventKind = (
                "status"
                if normalise_status(bare) in KNOWN_STATUSES or (SLUG_LIKE.match(bare) and len(bare) <= 40)
                else "comment"
            )
            self.report(
                "missing-open-tag",
                f"an [on] block without [{part_kind}]: the text was read as a {part_kind}",
                offset=base + rest_at + len(rest) - len(rest.lstrip()),
                excerpt_of=bare,
            )
        else:
            part_kind = "status" if mode == "status" else "comment"
        b.parts.append(_Part(part_kind, base + rest_at, [rest]))
        return True

    def _close_block(self, end: int, *, at_end: bool = False) -> None:
        b = self.block
        if b is None:
            return
        self.block = None
        if b.cur is not None:
            b.missing_close.insert(0, f"[/{b.cur.kind}]")
            b.cur = None
        self._settle(b, mode="close")
        raw = self.doc[b.start : end].rstrip()
        line = self.line_of(b.start)
        if b.missing_close and at_end:
            self.ended_open = ", ".join(dict.fromkeys(b.missing_close))
        elif b.missing_close:
            missing = ", ".join(dict.fromkeys(b.missing_close))
            self.report(
                "unclosed-tag",
                f"missing {missing}; closed where the next event or the page ended",
                offset=b.start,
                excerpt_of=raw,
            )
        on = self._check_date(b.date, b.date_text, line, raw)
        if not b.parts:
            self.report(
                "empty-event",
                "a timeline event with no status or comment",
                line=line,
                text=b.date_text,
                excerpt_of=raw,
            )
            return
        if len(b.parts) > 1:
            self.report(
                "several-parts-in-event",
                f"one [on] block holds {len(b.parts)} statuses/comments",
                line=line,
                excerpt_of=raw,
            )
        for part in b.parts:
            content = "".join(part.chunks)
            if part.kind == "status":
                self._add_status(b.start, on, content, raw, line, b.date_text, part.start)
            else:
                self._add_comment(b.start, on, content, raw, line, b.date_text)

    def _check_date(self, hit: DateHit | None, date_text: str, line: int, raw: str) -> date | None:
        if hit is not None and hit.value is not None:
            return hit.value
        if hit is not None or date_text:
            self.report(
                "unparsable-date",
                "the date of a timeline event could not be read",
                line=line,
                text=date_text,
                severity="error",
            )
        else:
            self.report(
                "missing-date", "a timeline event has no date", line=line, excerpt_of=raw, severity="error"
            )
        return None

    def _add_status(
        self, at: int, on: date | None, content: str, raw: str, line: int, date_text: str, offset: int
    ) -> None:
        written = content.strip()
        lead = STATUS_WORD.match(written)
        if lead and lead.end() < len(written) and ("\n" in written or len(written) > 40):
            # "[status]complete\n\nThe force has…[/on]": a status followed by an unclosed comment.
            extra = written[lead.end() :]
            written = lead.group(0)
            self.report(
                "text-outside-tags",
                "text after a status was kept as a comment",
                offset=offset,
                excerpt_of=extra,
            )
            self._emit(at, on, "status", written, None, raw, line, date_text)
            self._add_comment(at, on, extra, raw, line, date_text)
            return
        self._emit(at, on, "status", written, None, raw, line, date_text)

    def _add_comment(
        self, at: int, on: date | None, content: str, raw: str, line: int, date_text: str
    ) -> None:
        comment = clean_paragraphs(content)
        if not comment:
            self.report("empty-event", "an empty comment", line=line, text=date_text, excerpt_of=raw)
            return
        self._emit(at, on, "comment", None, comment, raw, line, date_text)

    def _emit(
        self,
        at: int,
        on: date | None,
        kind: EventKind,
        status_raw: str | None,
        comment: str | None,
        raw: str,
        line: int,
        date_text: str,
    ) -> None:
        status = None
        if kind == "status":
            status = normalise_status(status_raw or "") or None
            if status is None:
                self.report("empty-event", "an empty status", line=line, text=date_text, excerpt_of=raw)
                return
            if status not in KNOWN_STATUSES:
                self.report(
                    "unknown-status",
                    f"status {status!r} is not one the inspectorate is known to use",
                    line=line,
                    excerpt_of=status_raw,
                )
        event = TimelineEvent(
            on=on,
            kind=kind,
            status=status,
            comment=comment,
            raw=raw,
            line=line,
            date_text=date_text,
            status_raw=status_raw,
        )
        self.events.append((at, event))

    # -- text outside any [on] block, and timelines whose tags were stripped --

    def _outside(self, offset: int, text: str) -> None:
        if not text.strip():
            return
        hits = line_start_dates(text)
        if not hits:
            self.unplace("unplaced-text", "text outside any recognised section", offset, text)
            return
        first = hits[0].start
        self.unplace("unplaced-text", "text outside any recognised section", offset, text[:first])
        self._stripped(offset + first, text[first:])

    def _stripped(self, offset: int, text: str) -> None:
        """Recover events from lines such as "2nd March 2017 awaiting-review" or a date then text."""
        self.report(
            "timeline-tags-missing",
            "timeline tags were missing; events were read from lines that start with a date",
            offset=offset,
            excerpt_of=text,
        )
        line_dates = line_start_dates(text)
        starts = [h.start for h in line_dates]

        def next_line_date(after: int, *, inclusive: bool) -> DateHit | None:
            i = (bisect.bisect_left if inclusive else bisect.bisect_right)(starts, after)
            return line_dates[i] if i < len(line_dates) else None

        hit = line_dates[0] if line_dates else None
        while hit is not None:
            at = offset + hit.start
            line = self.line_of(at)
            on = self._check_date(hit, hit.raw, line, hit.raw)
            p = skip(SPACE, text, hit.end)
            status = STATUS_WORD.match(text, p)
            nxt: DateHit | None = None
            if status:
                q = skip(STATUS_END, text, status.end())
                nxt = date_at(text, q)
                if nxt is None and not (q >= len(text) or text[q] == "\n"):
                    status = None  # "complete the plan by…": a sentence, not a status
            if status:
                raw = text[hit.start : status.end()]
                self._emit(at, on, "status", status.group(0), None, raw, line, hit.raw)
                if nxt is None:
                    nxt = next_line_date(status.end(), inclusive=True)
                    tail = text[status.end() : nxt.start if nxt else len(text)]
                    if tail.strip():
                        self._add_comment(
                            at,
                            on,
                            tail,
                            text[hit.start : nxt.start if nxt else len(text)].rstrip(),
                            line,
                            hit.raw,
                        )
                hit = nxt
                continue
            nxt = next_line_date(hit.start, inclusive=False)
            end = nxt.start if nxt else len(text)
            raw = text[hit.start : end].rstrip()
            body = text[hit.end : end]
            if body.strip():
                self._add_comment(at, on, body, raw, line, hit.raw)
            else:
                self.report("empty-event", "a dated line with no status or comment", line=line, text=hit.raw)
            hit = nxt

    # -- after parsing --

    def check_order(self, timeline: list[TimelineEvent]) -> str | None:
        latest: TimelineEvent | None = None
        for event in timeline:
            if event.on is None:
                continue
            if latest is not None and latest.on is not None and event.on < latest.on:
                self.report(
                    "dates-out-of-order",
                    f"dated {event.on.isoformat()}, earlier than line {latest.line} "
                    f"({latest.on.isoformat()})",
                    line=event.line,
                    excerpt_of=event.raw,
                )
            if latest is None or (latest.on is not None and event.on >= latest.on):
                latest = event

        statuses = [e for e in timeline if e.kind == "status" and e.status]
        dated = [e for e in statuses if e.on is not None]
        ordered = sorted(dated, key=lambda e: e.on or date.min) if dated else statuses
        previous: TimelineEvent | None = None
        for event in ordered:
            rank = _STATUS_RANK.get(event.status or "")
            if rank is None:
                continue
            if previous is not None and rank < _STATUS_RANK[previous.status or ""]:
                self.report(
                    "status-moved-backwards",
                    f"status moved backwards from {previous.status} (line {previous.line}) to {event.status}",
                    line=event.line,
                    excerpt_of=event.raw,
                )
            previous = event
        return ordered[-1].status if ordered else None
