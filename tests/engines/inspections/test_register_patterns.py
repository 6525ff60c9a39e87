"""The register's patterns that a page-by-page importer got wrong: listing pages, recommendations made
to every force, cut-off pages, commentary after the list, pages without a heading, and lists."""

from __future__ import annotations

from datetime import date

import pytest

from socmap.engines.inspections import ParsedFinding, parse_recommendation_page, wording_key
from socmap.errors import InvalidInput
from tests.engines.inspections.expected import as_expected, load_expected
from tests.engines.inspections.helpers import FIXTURES, placed_words, read_fixture, words

PATTERNS = sorted(p.stem for p in FIXTURES.glob("*.yaml"))


def parse(name: str) -> ParsedFinding:
    return parse_recommendation_page(read_fixture(f"{name}.txt"), source=f"{name}.txt")


def codes(page: ParsedFinding) -> list[str]:
    return [d.code for d in page.diagnostics]


@pytest.mark.parametrize("name", PATTERNS)
def test_each_pattern_parses_as_its_expected_record(name: str) -> None:
    assert as_expected(parse(name)) == load_expected(FIXTURES / f"{name}.yaml")


@pytest.mark.parametrize("name", PATTERNS)
def test_no_word_of_a_pattern_page_is_dropped(name: str) -> None:
    assert words(read_fixture(f"{name}.txt")) - placed_words(parse(name)) == set()


# --- listing pages ----------------------------------------------------------------------------


def test_the_listing_line_is_the_report_and_the_reference_never_the_text() -> None:
    page = parse("listing_page")
    assert page.report_title == "PEEL: Police effectiveness 2017 – An inspection of Dorset Police"
    assert page.reference == "5150"
    assert "PEEL" not in page.text and "PEEL" not in page.title
    assert page.title.startswith("By March 2019, the force should ensure")


def test_a_listing_copy_and_the_recommendations_own_page_read_the_same() -> None:
    listing, single = parse("listing_page"), parse("listing_single_page")
    assert (listing.reference, listing.kind, listing.text) == (single.reference, single.kind, single.text)
    assert [(e.on, e.kind, e.status, e.comment) for e in listing.timeline] == [
        (e.on, e.kind, e.status, e.comment) for e in single.timeline
    ]
    assert single.force_slug == "dorset" and listing.force_slug is None


def test_an_address_and_a_listing_line_that_disagree_keep_the_address_number() -> None:
    text = read_fixture("listing_single_page.txt").replace(
        "Recommendation\n", "PEEL 2017 – Dorset (5151)\n\nRecommendation\n", 1
    )
    page = parse_recommendation_page(text)
    assert page.reference == "5150"
    assert "reference-mismatch" in codes(page)


def test_a_sentence_ending_in_a_year_in_brackets_is_not_a_listing_line() -> None:
    page = parse_recommendation_page(
        "Cause of concern\n\nThe force has not acted on the effectiveness inspection (2015)\n\n"
        "[on]2 May 2018 [status]awaiting-review[/status][/on]"
    )
    assert page.report_title is None and page.reference is None
    assert page.text == "The force has not acted on the effectiveness inspection (2015)"


# --- recommendations made to every force ------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "All forces should review how they record disruptions.",
        "By March 2019, all forces should review how they record disruptions.",
        "Every police force in England and Wales should review how it records disruptions.",
        "Within six months, all chief constables should review how their forces record disruptions.",
        "We recommend that all forces review how they record disruptions.",
        "By 31 March 2020, forces should review how they record disruptions.",
        "All forces and the National Crime Agency should agree how they record disruptions.",
        "Chief constables should review how their forces record disruptions.",
    ],
)
def test_a_recommendation_addressed_to_every_force_is_national(sentence: str) -> None:
    page = parse_recommendation_page(f"Recommendation\n\n{sentence}\n")
    assert page.national


@pytest.mark.parametrize(
    "sentence",
    [
        "The force should work with all forces in the region to record disruptions.",
        "The force should review how it records disruptions, as all forces in the south west do.",
        "The constabulary should share its approach with every force in the region.",
    ],
)
def test_a_recommendation_to_one_force_that_mentions_others_is_not_national(sentence: str) -> None:
    page = parse_recommendation_page(f"Recommendation\n\n{sentence}\n")
    assert not page.national


def test_an_address_naming_no_force_makes_the_page_national() -> None:
    page = parse_recommendation_page(
        "https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/national/4900/\n\n"
        "Recommendation\n\nThe National Police Chiefs' Council should publish guidance on disruptions.\n"
    )
    assert page.national and page.force_slug is None and page.reference == "4900"


def test_two_forces_pages_for_one_national_recommendation_share_its_wording() -> None:
    wiltshire, dorset = parse("national_wiltshire"), parse("national_dorset")
    assert wiltshire.national and dorset.national
    assert wording_key(wiltshire.kind, wiltshire.text) == wording_key(dorset.kind, dorset.text)
    assert [e.status for e in wiltshire.timeline if e.status] != [
        e.status for e in dorset.timeline if e.status
    ]


def test_a_national_finding_keeps_its_bullets_in_its_text_not_as_separate_findings() -> None:
    page = parse("national_listing")
    assert page.recommendations == ()
    assert "\n• the force's crime prevention work is co-ordinated with its partners;" in page.text
    assert "\n  ◦ advice to repeat victims of burglary; and" in page.text


def test_wording_keys_ignore_case_punctuation_markers_and_wrapping() -> None:
    a = wording_key("recommendation", "All forces should:\n• review X; and\n• do Y.")
    b = wording_key("recommendation", "all forces should: - review X and - do Y")
    assert a == b
    assert a != wording_key("area_for_improvement", "All forces should:\n• review X; and\n• do Y.")


# --- cut-off pages ----------------------------------------------------------------------------


def test_a_tag_cut_at_the_end_gives_the_value_without_the_fragment() -> None:
    page = parse("truncated_tag")
    assert page.timeline[-1].status == "being-progressed"
    assert page.current_status == "being-progressed"
    [cut] = [d for d in page.diagnostics if d.code == "truncated"]
    assert cut.text == "[/stat" and cut.severity == "warning"


@pytest.mark.parametrize("fragment", ["[", "[/", "[/on", "[stat", "[/comm", "[ / status"])
def test_every_cut_tag_is_left_out_of_the_status_and_kept_in_the_diagnostic(fragment: str) -> None:
    page = parse_recommendation_page(
        "Recommendation\n\nThe force should map its groups.\n\n[on]2 May 2018 [status]complete" + fragment
    )
    assert page.timeline[-1].status == "complete"
    assert [d.text for d in page.diagnostics if d.code == "truncated"] == [fragment.strip()]


def test_a_page_ending_inside_a_comment_is_diagnosed_as_cut_off_and_the_comment_kept() -> None:
    page = parse("truncated_mid_comment")
    assert page.timeline[-1].comment == "The force has appointed a disruptions lead and is traini"
    assert codes(page) == ["truncated"]
    assert "missing [/comment], [/on]" in page.diagnostics[0].message


def test_text_ending_mid_word_is_diagnosed_as_cut_off() -> None:
    page = parse("truncated_mid_sentence")
    assert page.text.endswith("with partner agen")
    assert "truncated" in codes(page)


@pytest.mark.parametrize(
    "ending",
    [
        "[on]3rd May 2018 [status]complete[/status][/on]",
        "3rd May 2018 complete",
        "3rd May 2018 no-further-action-needed",
        "The force should map its groups.",
        "Footer: contact the inspectorate (open weekdays)",
    ],
)
def test_a_page_that_ends_cleanly_is_not_diagnosed_as_cut_off(ending: str) -> None:
    page = parse_recommendation_page(f"Recommendation\n\nThe force should map its groups.\n\n{ending}")
    assert "truncated" not in codes(page)


# --- commentary after the recommendations -----------------------------------------------------


def test_commentary_after_the_list_is_an_undated_comment_in_page_order() -> None:
    page = parse("undated_commentary")
    first = page.timeline[0]
    assert (first.on, first.kind, first.comment) == (
        None,
        "comment",
        "Agreed this action is complete and the recommendation can be closed.",
    )
    assert "Agreed" not in page.text
    assert page.text.endswith("refer them to partner agencies.")
    assert [d.severity for d in page.diagnostics if d.code == "undated-comment"] == ["warning"]
    assert page.current_status == "complete"


def test_a_paragraph_that_still_tells_the_force_what_to_do_continues_the_last_bullet() -> None:
    page = parse_recommendation_page(
        "Cause of concern\n\nThe force does not manage organised criminals for life.\n\n"
        "Recommendation\n\nThe force should:\n\n• assess threats; and\n• enhance lifetime management.\n\n"
        "This approach should include routine consideration of preventative orders.\n\n"
        "[on]2 May 2018 [status]awaiting-review[/status][/on]"
    )
    assert page.recommendations[-1].text == (
        "enhance lifetime management. "
        "This approach should include routine consideration of preventative orders."
    )
    assert [e.kind for e in page.timeline] == ["status"]
    assert "recommendation-continued" in codes(page)


def test_commentary_with_several_paragraphs_is_one_undated_comment() -> None:
    page = parse_recommendation_page(
        "Recommendation\n\nThe force should:\n• map its groups\n• assess them\n\n"
        "Agreed this is done.\n\nEvidence was seen in May.\n"
    )
    comments = [e.comment for e in page.timeline]
    assert comments == ["Agreed this is done.\n\nEvidence was seen in May."]
    assert page.text == "The force should:\n• map its groups\n• assess them"


# --- pages without a heading ------------------------------------------------------------------


def test_without_a_heading_the_lead_sentence_is_the_text_and_the_title() -> None:
    page = parse("no_heading_lead_sentence")
    assert page.kind == "recommendation"
    assert page.text.startswith("The force should, by March 2020:\n• review its use of preventative orders")
    assert page.title == "The force should, by March 2020"
    assert [(d.code, d.severity) for d in page.diagnostics] == [("heading-missing", "warning")]


def test_without_a_heading_a_kind_named_in_the_text_is_inferred_with_a_warning() -> None:
    page = parse_recommendation_page(
        "It is a cause of concern that the force does not understand modern slavery.\n\n"
        "[on]2 May 2018 [status]awaiting-review[/status][/on]"
    )
    assert page.kind == "cause_of_concern"
    assert [(d.code, d.severity) for d in page.diagnostics] == [("heading-missing", "warning")]


def test_without_a_heading_an_unknown_kind_is_an_error_when_the_address_is_known() -> None:
    page = parse("no_heading_unknown_kind")
    assert page.kind == "recommendation" and page.has_errors
    assert [(d.code, d.severity) for d in page.diagnostics] == [("heading-missing", "error")]


def test_without_a_heading_an_unknown_kind_and_no_address_is_refused() -> None:
    text = read_fixture("no_heading_unknown_kind.txt").split("\n", 2)[2]  # the address line removed
    with pytest.raises(InvalidInput, match="no inspection finding was recognised"):
        parse_recommendation_page(text, source="page.txt")


# --- list structure ---------------------------------------------------------------------------


def test_a_recommendation_keeps_its_bullets_and_sub_items_in_its_text() -> None:
    page = parse("recommendation_list")
    assert page.recommendations == ()
    lines = page.text.split("\n")
    assert lines[1].startswith("• consider ancillary orders")
    assert lines[2:4] == [
        "  ◦ serious crime prevention orders; and",
        "  ◦ slavery and trafficking prevention orders;",
    ]
    assert lines[4].startswith("• use the powers of partner agencies")


def test_each_recommendation_of_a_cause_of_concern_keeps_its_sub_items() -> None:
    page = parse("bullets_sub_items")
    first, second, third = page.recommendations
    assert first.text.split("\n") == [
        "agree with the regional organised crime unit which capabilities the force will use, including:",
        "◦ covert units and undercover officers",
        "◦ cyber crime investigators",
        "◦ regional asset recovery",
    ]
    assert second.text.endswith(
        "◦ (b) agree a written arrangement for tasking them "
        "through the regional tasking and co-ordination group"
    )
    assert third.text == "review the arrangement every six months."
    assert [r.line for r in page.recommendations] == [11, 15, 19]


def test_inline_sub_items_on_one_line_are_split() -> None:
    page = parse_recommendation_page(
        "Area for improvement\n\nThe force should improve partnership working.\n\nRecommendations\n\n"
        "• share data with: ◦ councils; ◦ schools • brief the commissioner\n"
    )
    assert [r.text for r in page.recommendations] == [
        "share data with:\n◦ councils\n◦ schools",
        "brief the commissioner",
    ]


def test_an_undated_comment_does_not_move_the_status() -> None:
    page = parse("undated_commentary")
    assert [e.on for e in page.timeline if e.kind == "status"] == [date(2018, 3, 2), date(2019, 4, 9)]


def test_a_list_in_two_groups_keeps_each_intro_and_the_first_gives_the_title() -> None:
    page = parse_recommendation_page(
        "Recommendation\n\nThe force should immediately:\n• map its groups;\n• assess them.\n\n"
        "It should also, within a year:\n• train its officers.\n"
    )
    assert page.title == "The force should immediately"
    assert page.text == (
        "The force should immediately:\n• map its groups;\n• assess them.\n"
        "It should also, within a year:\n• train its officers."
    )
