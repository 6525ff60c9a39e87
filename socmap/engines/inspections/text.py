"""The register's vocabulary and the small text helpers every part of the parser shares."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from socmap.engines.inspections.types import FindingKind

TITLE_MAX = 120
EXCERPT_MAX = 60

HEADINGS: dict[str, FindingKind] = {
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
REC_HEADINGS = frozenset({"recommendation", "recommendations"})

# Phrases that name the kind in the finding text itself ("It is a cause of concern to HMIC that…"),
# used only when the heading line is missing. Most specific first.
KIND_PHRASES: tuple[tuple[re.Pattern[str], FindingKind], ...] = (
    (re.compile(r"\baccelerated causes? of concern\b", re.I), "accelerated_cause_of_concern"),
    (re.compile(r"\bcauses? of concern\b", re.I), "cause_of_concern"),
    (re.compile(r"\bareas? for improvement\b", re.I), "area_for_improvement"),
    (re.compile(r"\binnovative practice\b", re.I), "innovative_practice"),
)
# A finding that tells someone what to do, without naming its kind, is a recommendation.
_ADDRESSED = re.compile(r"\b(?:should|must|we\s+recommend|(?:is|are)\s+recommended)\b", re.I)

# A recommendation made to every force rather than one: "All forces should…", "By March 2019, every
# police force in England and Wales should…", "all chief constables should…", "We recommend that all
# forces…". The phrase must address them (a modal verb or "we recommend that" around it): "work with
# all forces in the region" is not a national recommendation.
_ALL_FORCES = (
    r"(?:all|every|each)\s+(?:of\s+the\s+)?(?:(?:43|home\s+office|territorial)\s+)?(?:police\s+)?"
    r"(?:forces?|constabular(?:y|ies)|chief\s+constables?|chief\s+officers?)"
    r"(?:\s+in\s+England\s+and\s+Wales)?"
)
_NATIONAL = re.compile(
    rf"\b{_ALL_FORCES}(?:\s*,?\s+(?:and|with|together\s+with)\s+[^.;:]{{1,60}}?)?\s*,?\s+"
    r"(?:should|must|shall|need\s+to|are\s+to|is\s+to|will\s+need\s+to)\b"
    rf"|\bwe\s+recommend\s+that\s+{_ALL_FORCES}\b"
    r"|(?:^|(?<=[.:;]\s)|(?<=,\s))(?:police\s+)?forces\s+(?:in\s+England\s+and\s+Wales\s+)?should\b"
    r"|(?:^|(?<=[.:;]\s)|(?<=,\s))chief\s+constables\s+should\b",
    re.I | re.M,
)
#: Slugs the register uses in place of a force for recommendations made to every force.
NATIONAL_SLUGS = frozenset({"national", "all-forces", "all", "england-and-wales"})

TAG = re.compile(r"\[\s*(/?)\s*(on|status|comment)\s*\]", re.I)
# A tag cut off by the end of the page: "[/stat", "[comm", "[".
PARTIAL_TAG_AT_END = re.compile(
    r"\[\s*/?\s*(?:o(?:n)?|s(?:t(?:a(?:t(?:u(?:s)?)?)?)?)?|c(?:o(?:m(?:m(?:e(?:n(?:t)?)?)?)?)?)?)?\s*\Z", re.I
)
URL_LINE = re.compile(r"^\s*(https?://\S+)\s*$", re.I)
REC_URL = re.compile(
    r"^https?://(?:www\.)?justiceinspectorates\.gov\.uk/hmicfrs/recommendations?/"
    r"(?P<force>[a-z0-9][a-z0-9-]*)/(?P<id>[a-z0-9][a-z0-9-]*)/?(?:[?#]\S*)?$",
    re.I,
)
NOISE = re.compile(
    r"^(?:(?:error\s+)?\d{3}\s*[-:–]?\s*)?(?:page\s+)?not\s+found\.?$"
    r"|^skip\s+to\s+(?:main\s+)?content$",
    re.I,
)
# The first line of a page copied from the register's theme listings: the report's title and the
# recommendation's number, "Core Business: an inspection into … police time (4822)".
REPORT_LINE = re.compile(r"^\s*(?P<title>\S.{2,298}?)\s*\(\s*(?P<number>\d{2,7}(?:-\d{1,3})?)\s*\)\s*$")
STATUS_WORD = re.compile(
    r"(?:awaiting[-_ ]review|being[-_ ]progressed|no[-_ ]further[-_ ]action[-_ ]needed|complete)"
    r"(?![A-Za-z_-])",  # a digit may follow: "awaiting-review6th April 2018" when tags were stripped
    re.I,
)
SPACE = re.compile(r"\s*")  # always matches; used to skip whitespace without slicing
STATUS_END = re.compile(r"[ \t.]*")
SLUG_LIKE = re.compile(r"^[a-z]+(?:[-_][a-z]+)+$", re.I)
# What a finished sentence, list item or tag ends with; anything else at the end of a page may be a cut.
FINISHED = frozenset(".!?\"'’”)]»…")


def normalise_status(raw: str) -> str:
    """'Being progressed' / 'BEING_PROGRESSED' / ' being-progressed ' -> 'being-progressed'."""
    slug = re.sub(r"[\s_]+", "-", raw.strip().lower())
    slug = re.sub(r"-{2,}", "-", slug)
    return slug.strip("-.,;:")


def skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Position after ``pattern`` matched at ``pos`` (without slicing: pages can be long)."""
    m = pattern.match(text, pos)
    return m.end() if m else pos


def excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def clean_paragraphs(text: str) -> str:
    """Trim each line, keep paragraph breaks (one blank line), trim the whole."""
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def title_of(text: str) -> str:
    """The first sentence of ``text``, cut at a word near TITLE_MAX characters."""
    flat = " ".join(text.split())
    m = re.search(r"[.!?](?=\s+[A-Z‘'\"(•]|$)", flat)
    sentence = flat[: m.end()] if m else flat
    sentence = sentence.rstrip(".:").strip()
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


def wording_key(kind: str, text: str) -> str:
    """What identifies a finding's wording across copies: its kind and its words, case, punctuation,
    bullet markers and line breaks aside. Two forces' pages for one national recommendation share it."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(f"{kind}|{' '.join(words)}".encode()).hexdigest()


def heading_kind(line: str) -> FindingKind | None:
    key = " ".join(line.strip().rstrip(":").split()).lower()
    return HEADINGS.get(key)


def is_rec_heading(line: str) -> bool:
    return " ".join(line.strip().rstrip(":").split()).lower() in REC_HEADINGS


def kind_from_text(text: str) -> FindingKind | None:
    """The kind a finding's own words give it when its heading is missing, or None."""
    for pattern, kind in KIND_PHRASES:
        if pattern.search(text):
            return kind
    return "recommendation" if _ADDRESSED.search(text) else None


def addressed_to_all_forces(text: str) -> bool:
    return bool(_NATIONAL.search(" ".join(text.split())))
