"""Property tests of the inspectorate page parser.

Pages built from the pieces real pages are made of (headings, addresses, listing lines, bullets,
timeline markup with dates and statuses, stray brackets and tags, any text) in any order, and the
shipped fixtures with pieces spliced in: every one is refused with ``InvalidInput`` or parsed with
every word of the input placed where a person can see it; nothing else is raised. Any bytes at all:
refused or parsed, never a crash.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from socmap.engines.inspections import ParsedFinding, parse_recommendation_page
from socmap.errors import InvalidInput
from tests.engines.inspections.helpers import FIXTURES, SEED, placed_words, read_fixture, words

PIECES = st.sampled_from(
    [
        "Cause of concern",
        "Recommendation",
        "Area for improvement",
        "Recommendations",
        "https://hmicfrs.justiceinspectorates.gov.uk/recommendations/gloucestershire-8786/",
        "Report title – recommendation 3",
        "By 31 March 2024, the force should:",
        "• review its processes",
        "- make sure that",
        "  a) sub item",
        "[on]3rd May 2018 [status]complete[/status][/on]",
        "[on]12 June 2019 [comment]Progress noted [/comment][/on]",
        "[on]2020-01-01 [status]in-progress[/status]",
        "[/comment]",
        "[on]",
        "[status]",
        "[/on]",
        "[unrelated] brackets",
        "404 Page not found",
        "All forces should",
        "complete",
        "\r\n",
        "\n\n",
        "\t",
    ]
)
TEXTS = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
FIXTURE_TEXTS = sorted(p.read_text(encoding="utf-8") for p in FIXTURES.glob("*.txt"))


def _check(text: str | bytes, page: ParsedFinding) -> None:
    source = text if isinstance(text, str) else text.decode("utf-8", "replace")
    missing = words(source) - placed_words(page)
    if isinstance(text, str):
        assert not missing, f"words dropped: {sorted(missing)[:10]}"
    assert page.kind and page.title
    assert all(d.code and d.message and d.severity in {"warning", "error"} for d in page.diagnostics)


def _parse(text: str | bytes) -> None:
    try:
        page = parse_recommendation_page(text, source="page.txt")
    except InvalidInput as exc:
        assert exc.message.startswith("page.txt: "), exc.message
        return
    _check(text, page)


@given(parts=st.lists(st.one_of(PIECES, TEXTS), max_size=14), sep=st.sampled_from(["\n", " ", "", "\n\n"]))
@example(parts=["Recommendation", "[on]1 May 2020 [comment]a [/comment][/comment][/on]"], sep="\n")
@settings(max_examples=300)
def test_any_page_of_real_pieces_is_refused_or_loses_no_word(parts: list[str], sep: str) -> None:
    _parse(sep.join(parts))


@given(
    page=st.sampled_from(FIXTURE_TEXTS),
    splices=st.lists(st.tuples(st.floats(0, 1), st.one_of(PIECES, TEXTS)), min_size=1, max_size=4),
)
# A stray closing tag inside an opening one: "[[/comment]status]being-progressed[/stat".
@example(page=read_fixture("truncated_tag.txt"), splices=[(0.90625, "[/comment]")])
@settings(max_examples=150)
def test_any_fixture_with_pieces_spliced_in_is_refused_or_loses_no_word(
    page: str, splices: list[tuple[float, str]]
) -> None:
    for where, piece in splices:
        at = int(where * len(page))
        page = page[:at] + piece + page[at:]
    _parse(page)


@given(data=st.binary(max_size=400))
@settings(max_examples=150)
def test_any_bytes_are_refused_or_parsed(data: bytes) -> None:
    _parse(data)


@pytest.mark.parametrize("tag", ["[/comment]", "[status]"])
def test_a_tag_spliced_inside_a_status_is_ignored_and_shown_where_it_was(tag: str) -> None:
    page = read_fixture(SEED)
    value = page.index("[status]awaiting-review[/status]") + len("[status]")
    spliced = page[: value + 3] + tag + page[value + 3 :]
    parsed = parse_recommendation_page(spliced, source="page.txt")
    _check(spliced, parsed)
    statuses = [e.status for e in parsed.timeline if e.kind == "status"]
    assert statuses == [e.status for e in parse_recommendation_page(page).timeline if e.kind == "status"]
    assert any(f"[status]awa{tag}iting-review[/status]" in d.text for d in parsed.diagnostics)
