"""Lists in a finding: the recommendations as bullets, their sub-items, and what follows the list.

Markers as pages write them: top-level items start with ``•``, ``●``, ``·``, a number (``1.``) or a
dash or star at the list's own indentation; sub-items start with ``◦``, ``▪``, ``‣``, ``○``, a
letter or roman numeral in brackets (``(a)``, ``ii)``), or a dash indented deeper than their item.
Several items may share one line ("…to: • assess…; • produce…"), as copied pages often do.

Structure is kept in the stored text with normalised markers: ``• item`` and ``  ◦ sub-item`` lines.
A paragraph after the last item that continues it ("This approach should include…") stays with it;
one that comments on progress ("Agreed this action is complete…") is commentary, returned apart so
that it becomes an undated timeline comment rather than recommendation text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from socmap.engines.inspections.context import Context
from socmap.engines.inspections.text import clean_paragraphs

TOP = "•"
SUB = "◦"

_TOP_INLINE = re.compile(r"[•●]")
_SUB_INLINE = re.compile(r"[◦▪‣○]")
_ROMAN = r"(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)"
_MARK = re.compile(
    r"^(?P<indent>[^\S\n]*)(?:"
    r"(?P<top>[•●·]|\d{1,2}[.)](?=\s))"
    rf"|(?P<sub>[◦▪‣○]|\([a-z]\)|[a-z]\)(?=\s)|\({_ROMAN}\)|{_ROMAN}\)(?=\s))"
    r"|(?P<dash>[-*–](?=\s))"
    r")[^\S\n]*"
)
_REC_TAIL = re.compile(r"\s*;\s*(?:and|or)?\s*$", re.I)
# Words that tell someone what to do: a paragraph after the list that has them still belongs to it.
_MODAL = re.compile(
    r"\b(?:should|must|shall|needs?\s+to|ought\s+to|will\s+need\s+to|is\s+to|are\s+to)\b", re.I
)


def _label(m: re.Match[str]) -> str:
    """A numbered or lettered marker ("1.", "(a)", "ii)") is part of the words: kept before the item."""
    mark = (m.group("top") or m.group("sub") or "").strip()
    return f"{mark} " if any(c.isalnum() for c in mark) else ""


def is_list_line(line: str) -> bool:
    return bool(_MARK.match(line)) or bool(_TOP_INLINE.search(line))


def _flat(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Item:
    intro: str
    offset: int
    indent: int
    text: list[str] = field(default_factory=list)
    subs: list[list[str]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)  # words continuing the item after its sub-items
    in_sub: bool = False  # the last words went to a sub-item: a wrapped line continues that

    def clean(self) -> str:
        """The item as one recommendation's text: its words, then its sub-items on "◦ " lines."""
        lines = [_flat(" ".join(self.text))] + [f"{SUB} {_flat(' '.join(s))}" for s in self.subs]
        lines.append(_flat(" ".join(self.tail)))
        return "\n".join(_REC_TAIL.sub("", line) for line in lines if line.strip(f"{SUB} "))

    def render(self) -> list[str]:
        """The item as lines of a list kept in a finding's text, words as written."""
        lines = [f"{TOP} {_flat(' '.join(self.text))}".rstrip()]
        lines += [f"  {SUB} {_flat(' '.join(s))}".rstrip() for s in self.subs]
        if self.tail:
            lines.append(f"  {_flat(' '.join(self.tail))}")
        return lines


@dataclass
class ListRead:
    intro: list[str]  # lines before the first item; with no item, the whole section
    items: list[Item]
    commentary: tuple[int, str] | None  # (offset, text) of the commentary after the list

    def render(self) -> str:
        """Intro lines and items, each group under its intro, as kept in a finding's text."""
        lines: list[str] = []
        shown: str | None = None
        for item in self.items:
            if item.intro != shown:
                lines += [ln for ln in item.intro.split("\n") if ln]
                shown = item.intro
            lines += item.render()
        if not self.items:
            lines = list(self.intro)
        return "\n".join(lines)


class _Reader:
    def __init__(self, ctx: Context, lines: list[tuple[int, str]]) -> None:
        self.ctx = ctx
        self.lines = lines
        self.intro: list[str] = []
        self.items: list[Item] = []
        self.commentary_at: int | None = None

    def read(self) -> ListRead:
        bullets = [off for off, ln in self.lines if is_list_line(ln)]
        last_bullet = bullets[-1] if bullets else -1
        blank_before = False
        for index, (off, line) in enumerate(self.lines):
            s = line.strip()
            if not s:
                blank_before = True
                continue
            more = off < last_bullet
            m = _MARK.match(line)
            rest = f"{_label(m)}{line[m.end() :]}" if m else ""
            if m and (m.group("top") or (m.group("dash") and not self._deeper(m))):
                self._new_items(rest, off, len(m.group("indent")), line)
            elif m and self.items:
                self._new_subs(rest, line)
            elif m:
                self._new_items(rest, off, len(m.group("indent")), line)
            elif _TOP_INLINE.search(line):
                head, *pieces = _TOP_INLINE.split(line)
                if head.strip():
                    self._plain(head.strip(), off, more=True, blank_before=blank_before)
                self._new_items("•".join(pieces), off, len(line) - len(line.lstrip()), line)
            elif not self._plain(s, off, more=more, blank_before=blank_before):
                self.commentary_at = index
                break
            blank_before = False
        commentary = None
        if self.commentary_at is not None:
            start = self.lines[self.commentary_at][0]
            text = "\n".join(ln for _, ln in self.lines[self.commentary_at :])
            commentary = (start, text)
        # The list's intro is the one before its first item; later intros stay with their items.
        first = self.items[0].intro.split("\n") if self.items and self.items[0].intro else []
        return ListRead(intro=first if self.items else self.intro, items=self.items, commentary=commentary)

    def _deeper(self, m: re.Match[str]) -> bool:
        """A dash indented deeper than the item before it is that item's sub-item."""
        return bool(self.items) and len(m.group("indent")) > self.items[-1].indent

    def _new_items(self, rest: str, offset: int, indent: int, raw: str) -> None:
        """One item per top-level marker in ``rest``; sub-item markers inside each begin its sub-items."""
        for piece in _TOP_INLINE.split(rest):
            main, *subs = _SUB_INLINE.split(piece)
            if not main.strip() and not any(s.strip() for s in subs):
                continue
            item = Item(intro="\n".join(self.intro), offset=offset, indent=indent, raw=[piece.strip()])
            if main.strip():
                item.text.append(main.strip())
            for sub in subs:
                if sub.strip():
                    item.subs.append([sub.strip()])
                    item.in_sub = True
            self.items.append(item)

    def _new_subs(self, rest: str, raw: str) -> None:
        item = self.items[-1]
        item.raw.append(raw.strip())
        for piece in _SUB_INLINE.split(rest):
            if piece.strip():
                item.subs.append([piece.strip()])
        item.in_sub = True

    def _plain(self, s: str, offset: int, *, more: bool, blank_before: bool) -> bool:
        """A line without a marker. False when it begins the commentary after the list."""
        if not self.items:
            self.intro.append(s)  # before the first item: the list's intro
            return True
        last = self.items[-1]
        if s.endswith(":") and more:
            self.intro = [s]  # a new intro for the items that follow
            return True
        if blank_before and not more and not (s[:1].islower() or _MODAL.search(s)):
            self.ctx.report(
                "undated-comment",
                f"a paragraph after the last of {len(self.items)} list items, with no date, was kept as an "
                "undated comment on the timeline",
                offset=offset,
                excerpt_of=s,
            )
            return False
        if blank_before:
            self.ctx.report(
                "recommendation-continued",
                f"a paragraph after bullet {len(self.items)} was added to that recommendation",
                offset=offset,
                excerpt_of=s,
            )
        last.raw.append(s)
        if last.in_sub and not blank_before:
            last.subs[-1].append(s)  # a wrapped line of the sub-item
        elif last.subs or last.tail:
            last.tail.append(s)  # after its sub-items: kept after them, in page order
            last.in_sub = False
        else:
            last.text.append(s)
        return True


def read_list(ctx: Context, lines: list[tuple[int, str]]) -> ListRead:
    """Read a list region (the lines after a "Recommendation" heading, or from the first bullet)."""
    return _Reader(ctx, lines).read()


def commentary_text(text: str) -> str:
    return clean_paragraphs(text)
