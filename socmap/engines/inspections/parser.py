"""Parse the text of an HMICFRS recommendation page into a :class:`ParsedFinding`.

The page has, in order: optional noise ("404 Page not found"), an optional URL line, a type heading
("Cause of concern" …), the finding text, optionally a "Recommendation" heading with an intro line
and bullets, then a timeline marked up as ``[on]date [status]slug[/status][/on]`` and
``[on]date [comment]text[/comment][/on]``.

Real pages are messy, so the parser is forgiving but never silent: every repair is a
:class:`Diagnostic`, and any text it cannot place is kept verbatim in ``unplaced_text`` and in the
diagnostic that explains it. Nothing the user uploaded is dropped.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from socmap.engines.inspections.types import (
    KNOWN_STATUSES,
    Diagnostic,
    EventKind,
    FindingKind,
    ParsedFinding,
    ParsedRecommendation,
    Severity,
    TimelineEvent,
)
from socmap.errors import InvalidInput

MAX_BYTES = 2_000_000
TITLE_MAX = 120
EXCERPT_MAX = 60

# --- vocabulary -------------------------------------------------------------------------------

_HEADINGS: dict[str, FindingKind] = {
    "cause of concern": "cause_of_concern",
    "causes of concern": "cause_of_concern",
    "accelerated cause of concern": "accelerated_cause_of_concern",
    "accelerated causes of concern": "accelerated_cause_of_concern",
    "recommendation": "recommendation",
    "recommendations": "recommendation",
    "area for improvement": "area_for_improvement",
    "areas for improvement": "area_for_improvement",
    "area for improvement (afi)": "area_for_improvement",
    "innovative practice": "innovative_practice",
    "innovative practices": "innovative_practice",
}
_REC_HEADINGS = frozenset({"recommendation", "recommendations"})

# Phrases that name the kind in the finding text itself ("It is a cause of concern to HMIC that…"),
# used only when the heading line is missing. Most specific first.
_KIND_PHRASES: tuple[tuple[re.Pattern[str], FindingKind], ...] = (
    (re.compile(r"\baccelerated causes? of concern\b", re.I), "accelerated_cause_of_concern"),
    (re.compile(r"\bcauses? of concern\b", re.I), "cause_of_concern"),
    (re.compile(r"\bareas? for improvement\b", re.I), "area_for_improvement"),
    (re.compile(r"\binnovative practice\b", re.I), "innovative_practice"),
)

_STATUS_RANK = {
    "awaiting-review": 0,
    "being-progressed": 1,
    "complete": 2,
    "no-further-action-needed": 2,
}

_TAG = re.compile(r"\[\s*(/?)\s*(on|status|comment)\s*\]", re.I)
_URL_LINE = re.compile(r"^\s*(https?://\S+)\s*$", re.I)
_REC_URL = re.compile(
    r"^https?://(?:www\.)?justiceinspectorates\.gov\.uk/hmicfrs/recommendations?/"
    r"(?P<force>[a-z0-9][a-z0-9-]*)/(?P<id>[a-z0-9][a-z0-9-]*)/?(?:[?#]\S*)?$",
    re.I,
)
_NOISE = re.compile(
    r"^(?:(?:error\s+)?\d{3}\s*[-:–]?\s*)?(?:page\s+)?not\s+found\.?$"
    r"|^skip\s+to\s+(?:main\s+)?content$",
    re.I,
)
_BULLET_START = re.compile(r"^\s*(?:[•●▪◦‣·]|[-*–](?=\s))\s*")
_INLINE_BULLET = re.compile(r"[•●▪]")
_REC_TAIL = re.compile(r"\s*;\s*(?:and|or)?\s*$", re.I)
_STATUS_WORD = re.compile(
    r"(?:awaiting[-_ ]review|being[-_ ]progressed|no[-_ ]further[-_ ]action[-_ ]needed|complete)"
    r"(?![A-Za-z_-])",  # a digit may follow: "awaiting-review6th April 2018" when tags were stripped
    re.I,
)
_SPACE = re.compile(r"\s*")  # always matches; used to skip whitespace without slicing
_STATUS_END = re.compile(r"[ \t.]*")
_SLUG_LIKE = re.compile(r"^[a-z]+(?:[-_][a-z]+)+$", re.I)

# --- dates ------------------------------------------------------------------------------------

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")  # fmt: skip
_MONTHS = {name: n for n, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS |= {name[:3]: n for n, name in enumerate(_MONTH_NAMES, start=1)} | {"sept": 9}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = (
    r"(?:(?<![^\W\d_])(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\b\.?,?[^\S\n]+)?"
)
_SP = r"[^\S\n]+"  # horizontal whitespace only: a date never spans lines
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 2nd March 2017, 2 March 2017, Tuesday 3 April 2018, 2 Mar. 2017
    re.compile(
        rf"(?<![\d/]){_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{_SP}(?:of{_SP})?"
        rf"(?P<m>{_MONTH})\b\.?,?{_SP}(?P<y>\d{{4}})(?!\d)",
        re.I,
    ),
    # March 2, 2017
    re.compile(
        rf"(?<![\w/]){_WEEKDAY}(?P<m>{_MONTH})\b\.?{_SP}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?{_SP}(?P<y>\d{{4}})(?!\d)",
        re.I,
    ),
    # 02/03/2017 (UK: day first), 2.3.2017, 02-03-2017
    re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)"),
    # 2017-03-02
    re.compile(r"(?<![\d/.-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\w/])"),
)


@dataclass(frozen=True)
class _DateHit:
    start: int
    end: int
    raw: str
    value: date | None  # None when the pattern matched but the date does not exist (31/02/2017)


def _hit(m: re.Match[str], shift: int = 0) -> _DateHit:
    month = m.group("m")
    month_no = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
    try:
        value: date | None = date(int(m.group("y")), month_no, int(m.group("d")))
    except ValueError:
        value = None
    return _DateHit(m.start() + shift, m.end() + shift, m.group(0), value)


def _date_at(text: str, pos: int) -> _DateHit | None:
    """A date starting exactly at ``pos`` (the longest if several patterns match)."""
    best: re.Match[str] | None = None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text, pos)
        if m and (best is None or m.end() > best.end()):
            best = m
    return _hit(best) if best else None


def _date_search(text: str) -> _DateHit | None:
    """The first date anywhere in ``text``."""
    best: re.Match[str] | None = None
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if m and (best is None or (m.start(), -m.end()) < (best.start(), -best.end())):
            best = m
    return _hit(best) if best else None


def _line_start_dates(text: str) -> list[_DateHit]:
    """Dates that begin a line of ``text`` (after indentation); the start of ``text`` counts."""
    hits = []
    for m in re.finditer(r"(?:^|(?<=\n))[^\S\n]*", text):
        h = _date_at(text, m.end())
        if h:
            hits.append(h)
    return hits


# --- small helpers ----------------------------------------------------------------------------


def normalise_status(raw: str) -> str:
    """'Being progressed' / 'BEING_PROGRESSED' / ' being-progressed ' -> 'being-progressed'."""
    slug = re.sub(r"[\s_]+", "-", raw.strip().lower())
    slug = re.sub(r"-{2,}", "-", slug)
    return slug.strip("-.,;:")


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Position after ``pattern`` matched at ``pos`` (without slicing: pages can be long)."""
    m = pattern.match(text, pos)
    return m.end() if m else pos


def _excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _clean_paragraphs(text: str) -> str:
    """Trim each line, keep paragraph breaks (one blank line), trim the whole."""
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _title(text: str) -> str:
    flat = " ".join(text.split())
    m = re.search(r"[.!?](?=\s+[A-Z‘'\"(]|$)", flat)
    sentence = flat[: m.end()] if m else flat
    sentence = sentence.rstrip(".").strip()
    if len(sentence) <= TITLE_MAX:
        return sentence
    cut = sentence[: TITLE_MAX - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;: ") + "…"


def fingerprint(text: str) -> str:
    """sha256 of the text with Unicode NFC applied and all whitespace runs collapsed to one space.

    Line endings, indentation, trailing spaces and re-wrapping do not change it, so the same page
    pasted or uploaded twice is recognised. It is taken over the input, not the parse, so a newer
    parser still recognises pages imported by an older one.
    """
    flat = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(flat.encode("utf-8")).hexdigest()


def _heading_kind(line: str) -> FindingKind | None:
    key = " ".join(line.strip().rstrip(":").split()).lower()
    return _HEADINGS.get(key)


def _is_rec_heading(line: str) -> bool:
    return " ".join(line.strip().rstrip(":").split()).lower() in _REC_HEADINGS


def _is_bullet_line(line: str) -> bool:
    return bool(_BULLET_START.match(line)) or bool(_INLINE_BULLET.search(line))


# --- the parser -------------------------------------------------------------------------------


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
    date: _DateHit | None = None
    date_text: str = ""


@dataclass
class _Rec:
    intro: str
    line: int
    pieces: list[str]


class _Parser:
    def __init__(self, doc: str, source: str) -> None:
        self.doc = doc
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", doc)]
        self.diags: list[Diagnostic] = []
        self.unplaced: list[tuple[int, str]] = []
        self.events: list[tuple[int, TimelineEvent]] = []
        self.block: _Block | None = None
        self.pending: tuple[int, str] | None = None
        self.header_noise: list[str] = []
        self.headings: list[str] = []
        self.url: str | None = None
        self.force_slug: str | None = None
        self.external_id: str | None = None

    # -- reporting --

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
        excerpt: str | None = None,
        severity: Severity = "warning",
    ) -> None:
        if line is None and offset is not None:
            line = self.line_of(offset)
        where = ", ".join(p for p in (self.source, f"line {line}" if line else "") if p)
        shown = _excerpt(text if excerpt is None else excerpt)
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

    # -- where the timeline begins --

    def timeline_start(self) -> tuple[int, bool]:
        """Offset where the timeline begins and whether it carries tags at all."""
        doc = self.doc
        tag = _TAG.search(doc)
        candidates: list[int] = []
        if tag:
            start = tag.start()
            if not (tag.group(2).lower() == "on" and not tag.group(1)):
                # The first event lost its [on]: begin at the date written just before the tag.
                line_begin = doc.rfind("\n", 0, start) + 1
                hit = _date_search(doc[line_begin:start])
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
        for line in self.doc.split("\n"):
            s = line.strip()
            if state == "head":
                if s and not (_heading_kind(s) or _URL_LINE.match(s) or _NOISE.match(s)):
                    state = "first"
            elif state == "first":
                if not s:
                    state = "after"
            elif s:
                h = _date_at(line, len(line) - len(line.lstrip()))
                if h:
                    return offset + h.start
            offset += len(line) + 1
        return None

    # -- the finding, before the timeline --

    def parse_finding(self, end: int) -> tuple[FindingKind | None, str, tuple[ParsedRecommendation, ...]]:
        lines: list[tuple[int, str]] = []
        offset = 0
        for line in self.doc[:end].split("\n"):
            lines.append((offset, line))
            offset += len(line) + 1

        def is_header(s: str) -> bool:
            return not s or bool(_URL_LINE.match(s)) or bool(_NOISE.match(s))

        type_idx: int | None = None
        kind: FindingKind | None = None
        for i, (_, line) in enumerate(lines):
            k = _heading_kind(line)
            if k is None:
                continue
            content_before = any(not is_header(ln.strip()) for _, ln in lines[:i])
            if not (k == "recommendation" and content_before):
                type_idx, kind = i, k
            break  # a "Recommendation" heading after text is the recommendations heading

        if type_idx is not None:
            head, body_start = lines[:type_idx], type_idx + 1
            self.headings.append(lines[type_idx][1].strip())
        else:
            body_start = next((i for i, (_, ln) in enumerate(lines) if not is_header(ln.strip())), len(lines))
            head = lines[:body_start]

        for off, line in head:
            s = line.strip()
            url = _URL_LINE.match(s)
            if not s:
                continue
            if url and self.url is None:
                self._take_url(url.group(1), off)
            elif _NOISE.match(s):
                self.header_noise.append(s)
            else:
                self.unplace("text-before-heading", "text before the finding's heading", off, line)

        body = lines[body_start:]
        section = next((i for i, (_, ln) in enumerate(body) if _is_rec_heading(ln)), None)
        rec_lines: list[tuple[int, str]] = []
        if section is not None:
            self.headings.append(body[section][1].strip())
            rec_lines = body[section + 1 :]
            body = body[:section]
        else:
            bullet = next((i for i, (_, ln) in enumerate(body) if _is_bullet_line(ln)), None)
            if bullet is not None:
                before = next((i for i in range(bullet - 1, -1, -1) if body[i][1].strip()), None)
                if before is not None and body[before][1].rstrip().endswith(":"):
                    bullet = before
                rec_lines = body[bullet:]
                body = body[:bullet]

        paragraphs: list[str] = []
        current: list[str] = []
        for _, line in [*body, (0, "")]:
            if line.strip():
                current.append(line.strip())
            elif current:
                paragraphs.append("\n".join(current))
                current = []
        text = "\n\n".join(paragraphs)

        if kind is None and text:
            for pattern, k in _KIND_PHRASES:
                if pattern.search(text):
                    kind = k
                    line_no = self.line_of(body[0][0]) if body else None
                    self.report(
                        "heading-missing",
                        f"no type heading line; the kind {k!r} was inferred from the text",
                        line=line_no,
                    )
                    break
        return kind, text, self._parse_recommendations(rec_lines)

    def _take_url(self, url: str, offset: int) -> None:
        self.url = url
        m = _REC_URL.match(url)
        if m:
            self.force_slug = m.group("force").lower()
            self.external_id = m.group("id")
        else:
            self.report(
                "url-not-recognised",
                "the URL is not an HMICFRS recommendation address",
                offset=offset,
                text=url,
            )

    def _parse_recommendations(self, lines: list[tuple[int, str]]) -> tuple[ParsedRecommendation, ...]:
        intro: list[str] = []
        recs: list[_Rec] = []
        blank_before = False
        bullet_offsets = [off for off, ln in lines if _is_bullet_line(ln)]
        any_bullet = bool(bullet_offsets)
        for off, line in lines:
            more_bullets = bool(bullet_offsets) and off < bullet_offsets[-1]
            s = line.strip()
            if not s:
                blank_before = True
                continue
            if not any_bullet:
                intro.append(s)  # a section without bullets is one recommendation (below)
                continue
            if _is_bullet_line(line):
                m = _BULLET_START.match(line)
                if m and not _INLINE_BULLET.match(line.lstrip()):
                    head, bullets = "", [line[m.end() :]]
                else:
                    head, *bullets = _INLINE_BULLET.split(line)
                if head.strip():
                    self._rec_text(head.strip(), off, intro, recs, blank_before, more_bullets=True)
                for piece in bullets:
                    if piece.strip():
                        recs.append(
                            _Rec(intro="\n".join(intro), line=self.line_of(off), pieces=[piece.strip()])
                        )
            else:
                self._rec_text(s, off, intro, recs, blank_before, more_bullets=more_bullets)
            blank_before = False

        if not any_bullet and intro:
            first = next(off for off, ln in lines if ln.strip())
            recs, intro = [_Rec(intro="", line=self.line_of(first), pieces=["\n".join(intro)])], []
        result = []
        for number, rec in enumerate(recs, start=1):
            raw = "\n".join(rec.pieces)
            clean = _REC_TAIL.sub("", " ".join(raw.split()))
            result.append(
                ParsedRecommendation(number=number, text=clean, intro=rec.intro, raw=raw, line=rec.line)
            )
        return tuple(result)

    def _rec_text(
        self, s: str, off: int, intro: list[str], recs: list[_Rec], blank_before: bool, *, more_bullets: bool
    ) -> None:
        """A non-bullet line in the recommendations: intro before the bullets, continuation after."""
        if not recs:
            intro.append(s)
        elif s.endswith(":") and more_bullets:
            intro[:] = [s]  # a new intro for the bullets that follow
        else:
            recs[-1].pieces.append(s)
            if blank_before:
                self.report(
                    "recommendation-continued",
                    f"a paragraph after bullet {len(recs)} was added to that recommendation",
                    offset=off,
                    excerpt=s,
                )

    # -- the timeline --

    def parse_timeline(self, start: int) -> None:
        doc = self.doc
        pos = start
        for m in _TAG.finditer(doc, start):
            if m.start() > pos:
                self._text(pos, doc[pos : m.start()])
            self._tag(m)
            pos = m.end()
        if pos < len(doc):
            self._text(pos, doc[pos:])
        if self.block is not None:
            self.block.missing_close.append("[/on]")
            self._close_block(len(doc))
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
            if _date_at(text, lead):
                # "[/status] 6th April 2018 [status]…": an [/on][on] pair went missing.
                b.missing_close.append("[/on]")
                self._close_block(offset + lead)
                self.report(
                    "missing-open-tag", "a dated event without [on]", offset=offset + lead, excerpt=text
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
                excerpt=text,
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
                        excerpt=m.group(0),
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
                excerpt=m.group(0),
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
            excerpt=m.group(0),
        )

    def _implicit_block(self, m: re.Match[str]) -> _Block:
        """A [status] or [comment] outside any [on]: its date is whatever was written just before."""
        start = m.start()
        pre: list[tuple[int, str]] = []
        if self.pending is not None:
            offset, text = self.pending
            self.pending = None
            line_begin = text.rfind("\n") + 1
            hit = _date_search(text[line_begin:])
            if hit and not text[line_begin + hit.end :].strip():
                cut = line_begin + hit.start
                self._outside(offset, text[:cut])
                start = offset + cut
                pre = [(start, text[cut:])]
            else:
                self._outside(offset, text)
        self.report("missing-open-tag", f"{m.group(0)} without [on]", offset=m.start(), excerpt=m.group(0))
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
        hit = _date_search(pre[lead:first_line_end])
        if hit:
            hit = _DateHit(hit.start + lead, hit.end + lead, hit.raw, hit.value)
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
            if hit is None and words and _STATUS_WORD.fullmatch(words[-1]):
                # "[on]Smarch 2nd 2017 complete[/on]": the date is unreadable but the status is not.
                cut = rest.rstrip().rfind(words[-1])
                b.date_text, rest_at, rest = rest[:cut].strip(), cut, rest[cut:]
            elif hit is None:
                b.date_text = rest.strip()
                return False
            bare = rest.strip()
            part_kind: EventKind = (
                "status"
                if normalise_status(bare) in KNOWN_STATUSES or (_SLUG_LIKE.match(bare) and len(bare) <= 40)
                else "comment"
            )
            self.report(
                "missing-open-tag",
                f"an [on] block without [{part_kind}]: the text was read as a {part_kind}",
                offset=base + rest_at + len(rest) - len(rest.lstrip()),
                excerpt=bare,
            )
        else:
            part_kind = "status" if mode == "status" else "comment"
        b.parts.append(_Part(part_kind, base + rest_at, [rest]))
        return True

    def _close_block(self, end: int) -> None:
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
        if b.missing_close:
            missing = ", ".join(dict.fromkeys(b.missing_close))
            self.report(
                "unclosed-tag",
                f"missing {missing}; closed where the next event or the page ended",
                offset=b.start,
                excerpt=raw,
            )
        on = self._check_date(b.date, b.date_text, line, raw)
        if not b.parts:
            self.report(
                "empty-event",
                "a timeline event with no status or comment",
                line=line,
                text=b.date_text,
                excerpt=raw,
            )
            return
        if len(b.parts) > 1:
            self.report(
                "several-parts-in-event",
                f"one [on] block holds {len(b.parts)} statuses/comments",
                line=line,
                excerpt=raw,
            )
        for part in b.parts:
            content = "".join(part.chunks)
            if part.kind == "status":
                self._add_status(b.start, on, content, raw, line, b.date_text, part.start)
            else:
                self._add_comment(b.start, on, content, raw, line, b.date_text)

    def _check_date(self, hit: _DateHit | None, date_text: str, line: int, raw: str) -> date | None:
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
                "missing-date", "a timeline event has no date", line=line, excerpt=raw, severity="error"
            )
        return None

    def _add_status(
        self, at: int, on: date | None, content: str, raw: str, line: int, date_text: str, offset: int
    ) -> None:
        written = content.strip()
        lead = _STATUS_WORD.match(written)
        if lead and lead.end() < len(written) and ("\n" in written or len(written) > 40):
            # "[status]complete\n\nThe force has…[/on]": a status followed by an unclosed comment.
            extra = written[lead.end() :]
            written = lead.group(0)
            self.report(
                "text-outside-tags", "text after a status was kept as a comment", offset=offset, excerpt=extra
            )
            self._emit(at, on, "status", written, None, raw, line, date_text)
            self._add_comment(at, on, extra, raw, line, date_text)
            return
        self._emit(at, on, "status", written, None, raw, line, date_text)

    def _add_comment(
        self, at: int, on: date | None, content: str, raw: str, line: int, date_text: str
    ) -> None:
        comment = _clean_paragraphs(content)
        if not comment:
            self.report("empty-event", "an empty comment", line=line, text=date_text, excerpt=raw)
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
                self.report("empty-event", "an empty status", line=line, text=date_text, excerpt=raw)
                return
            if status not in KNOWN_STATUSES:
                self.report(
                    "unknown-status",
                    f"status {status!r} is not one the inspectorate is known to use",
                    line=line,
                    excerpt=status_raw,
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
        hits = _line_start_dates(text)
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
            excerpt=text,
        )
        line_dates = _line_start_dates(text)
        starts = [h.start for h in line_dates]

        def next_line_date(after: int, *, inclusive: bool) -> _DateHit | None:
            i = (bisect.bisect_left if inclusive else bisect.bisect_right)(starts, after)
            return line_dates[i] if i < len(line_dates) else None

        hit = line_dates[0] if line_dates else None
        while hit is not None:
            at = offset + hit.start
            line = self.line_of(at)
            on = self._check_date(hit, hit.raw, line, hit.raw)
            p = _skip(_SPACE, text, hit.end)
            status = _STATUS_WORD.match(text, p)
            nxt: _DateHit | None = None
            if status:
                q = _skip(_STATUS_END, text, status.end())
                nxt = _date_at(text, q)
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
                    excerpt=event.raw,
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
                    excerpt=event.raw,
                )
            previous = event
        return ordered[-1].status if ordered else None


# --- entry point ------------------------------------------------------------------------------


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


def parse_recommendation_page(
    text: str | bytes, *, source: str = "", max_bytes: int = MAX_BYTES
) -> ParsedFinding:
    """Parse one HMICFRS recommendation page (its text as copied or saved) into a ParsedFinding.

    ``source`` (a file name or URL) is named in every diagnostic. Raises InvalidInput when the input
    is empty, binary, larger than ``max_bytes`` or not recognisably a finding page.
    """
    early: list[Diagnostic] = []
    if isinstance(text, bytes):
        if len(text) > max_bytes:
            raise _invalid(f"the page is {len(text):,} bytes; the limit is {max_bytes:,}", source)
        if b"\x00" in text:
            raise _invalid("the file looks binary (it contains NUL bytes); upload the page's text", source)
        text = _decode(text, early, source)
    elif not isinstance(text, str):
        raise _invalid(f"expected text or bytes, got {type(text).__name__}", source)
    else:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise _invalid(f"the page is {size:,} bytes; the limit is {max_bytes:,}", source)
        if "\x00" in text:
            raise _invalid(
                "the text looks binary (it contains NUL characters); upload the page's text", source
            )
    doc = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not doc.strip():
        raise _invalid("the page is empty", source)

    parser = _Parser(doc, source)
    start, tagged = parser.timeline_start()
    kind, body, recommendations = parser.parse_finding(start)
    if start < len(doc):
        parser.parse_timeline(start)
    timeline_events = [e for _, e in sorted(parser.events, key=lambda pair: pair[0])]

    if kind is None:
        if not (body or recommendations or timeline_events or parser.force_slug):
            raise _invalid(
                "no inspection finding was recognised: expected a heading such as 'Cause of concern', "
                "'Recommendation' or 'Area for improvement' followed by the finding's text",
                source,
            )
        if not (tagged or parser.force_slug or timeline_events):
            raise _invalid(
                "no inspection finding was recognised: there is no type heading "
                "(such as 'Cause of concern'), no HMICFRS recommendation URL and no [on]…[/on] timeline",
                source,
            )
        kind = "recommendation"
        parser.report(
            "heading-missing",
            "no type heading line and the text does not name the kind; assumed 'recommendation' — check it",
            line=1,
            severity="error",
        )
    elif not (body or recommendations or timeline_events or parser.unplaced):
        raise _invalid("the page has a heading but no finding text, recommendations or timeline", source)

    if not timeline_events:
        parser.report("no-timeline", "the page has no status timeline")
    current_status = parser.check_order(timeline_events)

    diagnostics = early + sorted(parser.diags, key=lambda d: d.line or 0)
    title = (
        _title(body or (recommendations[0].text if recommendations else ""))
        or kind.replace("_", " ").capitalize()
    )
    return ParsedFinding(
        kind=kind,
        title=title,
        text=body,
        recommendations=recommendations,
        timeline=tuple(timeline_events),
        diagnostics=tuple(diagnostics),
        unplaced_text="\n\n".join(t for _, t in sorted(parser.unplaced, key=lambda pair: pair[0])),
        fingerprint=fingerprint(doc),
        current_status=current_status,
        url=parser.url,
        force_slug=parser.force_slug,
        external_id=parser.external_id,
        source=source,
        header_noise=tuple(parser.header_noise),
        headings=tuple(parser.headings),
    )
