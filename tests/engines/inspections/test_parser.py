"""Behaviour of the HMICFRS recommendation-page importer, one behaviour per test."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from socmap.engines.inspections import (
    DIAGNOSTIC_CODES,
    ParsedFinding,
    parse_recommendation_page,
)
from socmap.engines.inspections import parser as parser_module
from socmap.errors import InvalidInput
from tests.engines.inspections.helpers import SEED, TAG, placed_words, read_fixture, words


def parse_fixture(name: str) -> ParsedFinding:
    return parse_recommendation_page(read_fixture(name), source=name)


def codes(page: ParsedFinding) -> list[str]:
    return [d.code for d in page.diagnostics]


def summary(page: ParsedFinding) -> list[tuple[date | None, str, str | None]]:
    return [(e.on, e.kind, e.status) for e in page.timeline]


# --- the seed page ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> ParsedFinding:
    return parse_fixture(SEED)


def test_seed_is_a_cause_of_concern_from_its_url(seed: ParsedFinding) -> None:
    assert seed.kind == "cause_of_concern"
    assert seed.url == "https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/gloucestershire/8786/"
    assert (seed.force_slug, seed.external_id) == ("gloucestershire", "8786")
    assert seed.header_noise == ("404 Page not found",)
    assert seed.headings == ("Cause of concern", "Recommendation")


def test_seed_text_and_title_come_from_the_finding_paragraph(seed: ParsedFinding) -> None:
    assert seed.text.startswith("It is a cause of concern to HMIC that Gloucestershire Constabulary")
    assert seed.text.endswith("yet little has been done to address them.")
    assert seed.title.startswith("It is a cause of concern to HMIC that Gloucestershire Constabulary")
    assert len(seed.title) <= 121
    assert seed.title.endswith("…")


def test_seed_has_six_cleaned_recommendations_with_their_intro(seed: ParsedFinding) -> None:
    recs = seed.recommendations
    assert [r.number for r in recs] == [1, 2, 3, 4, 5, 6]
    assert {r.intro for r in recs} == {"The force should immediately take steps to:"}
    assert recs[0].text == (
        "implement a structured process for assessing serious and organised crime threats, including "
        "so-called newer threats such as organised child sexual exploitation and modern slavery"
    )
    assert recs[4].text.endswith("between forces in the south west region")  # "; and" removed
    assert recs[4].raw.endswith("south west region; and")
    assert recs[5].text.endswith("to deter organised criminals from continuing to offend.")
    assert not any(r.text.endswith(";") for r in recs)


def test_seed_timeline_is_read_in_document_order(seed: ParsedFinding) -> None:
    assert summary(seed) == [
        (date(2017, 3, 2), "status", "awaiting-review"),
        (date(2018, 4, 6), "status", "being-progressed"),
        (date(2018, 4, 6), "comment", None),
        (date(2018, 4, 26), "comment", None),
        (date(2018, 5, 3), "status", "complete"),
    ]
    assert seed.current_status == "complete"


def test_seed_comments_keep_their_paragraphs(seed: ParsedFinding) -> None:
    first, second = seed.timeline[2].comment, seed.timeline[3].comment
    assert first is not None and second is not None
    assert first.startswith("This was assessed as part of the 2017 effectiveness inspection")
    assert first.endswith("and minimises their duplication at force level'.")
    assert first.count("\n\n") == 2
    assert "ROCTA" in second
    assert second.count("\n\n") == 5
    assert second == second.strip()


def test_seed_events_keep_their_exact_source_and_line(seed: ParsedFinding) -> None:
    first = seed.timeline[0]
    assert first.raw == "[on]2nd March 2017 [status]awaiting-review[/status][/on]"
    assert (first.line, first.date_text, first.status_raw) == (15, "2nd March 2017", "awaiting-review")
    assert seed.timeline[3].line == 23
    assert seed.timeline[4].raw == "[on]3rd May 2018 [status]complete[/status][/on]"


def test_seed_parses_cleanly(seed: ParsedFinding) -> None:
    assert seed.diagnostics == ()
    assert seed.unplaced_text == ""
    assert not seed.has_errors


# --- fingerprints and encodings ---------------------------------------------------------------


def test_same_page_twice_gives_the_same_fingerprint() -> None:
    assert parse_fixture(SEED).fingerprint == parse_fixture(SEED).fingerprint


def test_line_endings_and_trailing_spaces_do_not_change_the_fingerprint() -> None:
    text = read_fixture(SEED)
    crlf = text.replace("\n", "\r\n")
    padded = "\n".join(line + "  \t" for line in text.split("\n")) + "\n\n"
    prints = {parse_recommendation_page(t).fingerprint for t in (text, crlf, padded, crlf.encode("utf-8"))}
    assert len(prints) == 1


def test_crlf_page_parses_like_the_lf_page() -> None:
    lf = parse_fixture(SEED)
    crlf = parse_recommendation_page(read_fixture(SEED).replace("\n", "\r\n"))
    assert crlf.timeline == lf.timeline
    assert crlf.recommendations == lf.recommendations


def test_a_different_page_has_a_different_fingerprint() -> None:
    text = read_fixture(SEED)
    assert (
        parse_recommendation_page(text).fingerprint
        != parse_recommendation_page(text.replace("3rd May 2018", "4th May 2018")).fingerprint
    )


def test_cp1252_bytes_are_decoded_with_a_warning() -> None:
    page = parse_recommendation_page(read_fixture(SEED).encode("cp1252"), source="saved.txt")
    assert "HMIC’s 2015 effectiveness inspection" in page.text
    assert codes(page) == ["encoding-fallback"]
    assert "saved.txt" in page.diagnostics[0].message


def test_utf8_bytes_with_a_bom_parse_without_diagnostics() -> None:
    page = parse_recommendation_page(b"\xef\xbb\xbf" + read_fixture(SEED).encode("utf-8"))
    assert page.diagnostics == ()
    assert page.header_noise == ("404 Page not found",)


# --- input that cannot be accepted ------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "  \n\t\n",
        "Cause of concern\n\nIt is\x00 binary",
        b"Cause of concern\x00\x01\x02",
        "Hello world, this is not an inspection page.",
        "Cause of concern\n\n",
    ],
    ids=["empty", "blank", "nul-text", "nul-bytes", "no-finding", "heading-only"],
)
def test_unusable_input_is_refused_with_a_field_message(bad: str | bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_recommendation_page(bad, source="upload.txt")
    assert caught.value.fields["text"]
    assert "upload.txt" in caught.value.message


def test_a_page_over_the_size_limit_is_refused() -> None:
    with pytest.raises(InvalidInput, match="limit is 100"):
        parse_recommendation_page(read_fixture(SEED), max_bytes=100)


# --- messy timelines --------------------------------------------------------------------------


def test_missing_closing_tags_are_repaired_with_warnings() -> None:
    page = parse_fixture("missing_closing_tags.txt")
    assert page.kind == "area_for_improvement"
    assert summary(page) == [
        (date(2017, 3, 2), "status", "awaiting-review"),
        (date(2018, 4, 6), "comment", None),
        (date(2018, 4, 26), "status", "being-progressed"),
        (date(2018, 5, 3), "status", "complete"),
    ]
    assert page.timeline[1].comment == (
        "The force has started a training programme for lead responsible officers.\n\n"
        "Twelve inspectors have completed it."
    )
    unclosed = [(d.line, d.severity) for d in page.diagnostics if d.code == "unclosed-tag"]
    assert unclosed == [(7, "warning"), (8, "warning"), (12, "warning")]
    assert "missing [/comment], [/on]" in page.diagnostics[1].message
    assert not page.has_errors


def test_orphan_closing_tags_are_ignored_and_their_text_kept() -> None:
    page = parse_fixture("orphan_closing_tags.txt")
    assert summary(page) == [
        (date(2017, 3, 2), "status", "awaiting-review"),
        (date(2018, 4, 6), "comment", None),
    ]
    assert page.timeline[1].comment == "The force now records disruptions.\n\nIt also reviews them monthly."
    assert codes(page).count("orphan-close-tag") == 3
    assert page.unplaced_text == "Orphaned words survive here."


def test_statuses_moving_backwards_are_kept_and_flagged() -> None:
    page = parse_fixture("status_backwards.txt")
    statuses = [e.status for e in page.timeline if e.kind == "status"]
    assert statuses == [
        "awaiting-review",
        "complete",
        "being-progressed",
        "no-further-action-needed",
        "under-review",
    ]
    [backwards] = [d for d in page.diagnostics if d.code == "status-moved-backwards"]
    assert "status moved backwards from complete (line 6) to being-progressed" in backwards.message
    assert backwards.line == 8


def test_several_events_on_one_date_stay_in_document_order() -> None:
    page = parse_fixture("status_backwards.txt")
    same_day = [(e.kind, e.status) for e in page.timeline if e.on == date(2018, 4, 6)]
    assert same_day == [("status", "complete"), ("comment", None), ("status", "being-progressed")]


def test_unknown_statuses_are_normalised_kept_and_flagged() -> None:
    page = parse_fixture("status_backwards.txt")
    assert page.timeline[-1].status == "under-review"
    assert page.timeline[-1].status_raw == "Under Review"
    assert page.current_status == "under-review"
    assert "unknown-status" in codes(page)


def test_current_status_is_the_latest_by_date_not_by_position() -> None:
    text = (
        "Recommendation\n\nThe force should map its organised crime groups.\n\n"
        "[on]3rd May 2018 [status]complete[/status][/on]\n"
        "[on]2nd March 2017 [status]awaiting-review[/status][/on]\n"
    )
    page = parse_recommendation_page(text)
    assert page.current_status == "complete"
    assert [e.status for e in page.timeline] == ["complete", "awaiting-review"]  # document order kept
    assert "dates-out-of-order" in codes(page)


def test_date_variants_are_all_read_day_first() -> None:
    page = parse_fixture("date_variants.txt")
    assert [e.on for e in page.timeline[:6]] == [date(2017, 3, 2)] * 6
    assert page.kind == "accelerated_cause_of_concern"


def test_unreadable_dates_keep_the_event_with_an_error() -> None:
    page = parse_fixture("date_variants.txt")
    unreadable = page.timeline[6:]
    assert [(e.on, e.status, e.date_text) for e in unreadable] == [
        (None, "being-progressed", "the second of Smarch"),
        (None, "being-progressed", "31/02/2018"),
    ]
    errors = [(d.code, d.line, d.text) for d in page.diagnostics if d.severity == "error"]
    assert errors == [("unparsable-date", 11, "the second of Smarch"), ("unparsable-date", 12, "31/02/2018")]
    assert page.has_errors


def test_timeline_with_tags_stripped_is_recovered_from_dated_lines() -> None:
    page = parse_fixture("tags_stripped_inline.txt")
    assert summary(page) == [
        (date(2017, 3, 2), "status", "awaiting-review"),
        (date(2018, 4, 6), "status", "being-progressed"),
        (date(2018, 4, 6), "comment", None),
        (date(2018, 4, 26), "comment", None),
        (date(2018, 5, 3), "status", "complete"),
    ]
    assert page.timeline[2].comment == (
        "This was assessed as part of the 2017 effectiveness inspection.\n\n"
        "The force has made improvements since 2016."
    )
    assert (
        page.timeline[3].comment
        == "As of Tuesday 3 April 2018, a new regional threat assessment (ROCTA) began."
    )
    assert codes(page) == ["timeline-tags-missing"]


def test_dash_and_star_bullets_one_per_line_are_recommendations() -> None:
    page = parse_fixture("tags_stripped_inline.txt")
    assert [r.text for r in page.recommendations] == [
        "produce a serious and organised crime local profile with partners",
        "engage with partner agencies at a senior level",
        "complete an action plan for regional capabilities.",
    ]


@pytest.mark.parametrize("joiner", ["", " ", "\n"], ids=["glued", "spaced", "lines"])
def test_the_seed_with_every_tag_stripped_gives_the_same_timeline(joiner: str) -> None:
    stripped = TAG.sub(joiner, read_fixture(SEED))
    page = parse_recommendation_page(stripped)
    assert summary(page) == summary(parse_fixture(SEED))
    assert page.timeline[2].comment == parse_fixture(SEED).timeline[2].comment
    assert codes(page) == ["timeline-tags-missing"]


def test_text_outside_any_section_is_kept_and_located() -> None:
    page = parse_fixture("stray_text.txt")
    assert page.kind == "innovative_practice"
    assert page.unplaced_text == (
        "Gloucestershire breadcrumb leftovers\n\n"
        "Stray sentence between events about Operation Endeavour.\n\n"
        "Footer text after the end: contact the inspectorate."
    )
    located = [(d.code, d.line, d.text) for d in page.diagnostics]
    assert located == [
        ("text-before-heading", 5, "Gloucestershire breadcrumb leftovers"),
        ("unplaced-text", 12, "Stray sentence between events about Operation Endeavour."),
        ("unplaced-text", 14, "Footer text after the end: contact the inspectorate."),
    ]
    assert 'line 12: text outside any recognised section: "Stray sentence' in page.diagnostics[1].message
    assert len(page.timeline) == 2


def test_status_without_its_on_tag_takes_the_date_before_it() -> None:
    text = read_fixture(SEED).replace(
        "[/on][on]6th April 2018 [status]being", "[/on]6th April 2018 [status]being"
    )
    page = parse_recommendation_page(text)
    assert summary(page) == summary(parse_fixture(SEED))
    assert "missing-open-tag" in codes(page)


def test_closing_tag_without_its_opener_reads_the_text_before_it() -> None:
    text = read_fixture(SEED).replace("[on]26th April 2018 [comment]", "[on]26th April 2018 ")
    page = parse_recommendation_page(text)
    assert summary(page) == summary(parse_fixture(SEED))
    assert page.timeline[3].comment == parse_fixture(SEED).timeline[3].comment
    assert "missing-open-tag" in codes(page)


def test_bare_status_inside_on_is_read_as_a_status() -> None:
    text = read_fixture(SEED).replace("[status]complete[/status]", "Complete")
    page = parse_recommendation_page(text)
    assert page.timeline[-1].status == "complete"
    assert page.current_status == "complete"
    assert "missing-open-tag" in codes(page)


HEAD = "Recommendation\n\nThe force should map its organised crime groups.\n\n"


def test_lost_on_pair_between_two_statuses_splits_the_events() -> None:
    page = parse_recommendation_page(
        HEAD
        + "[on]2nd March 2017 [status]awaiting-review[/status] 6th April 2018 [status]complete[/status][/on]"
    )
    assert summary(page) == [
        (date(2017, 3, 2), "status", "awaiting-review"),
        (date(2018, 4, 6), "status", "complete"),
    ]
    assert {"unclosed-tag", "missing-open-tag"} <= set(codes(page))


def test_status_and_comment_in_one_block_become_two_events() -> None:
    page = parse_recommendation_page(
        HEAD + "[on]6th April 2018 [status]complete[/status][comment]Signed off.[/comment][/on]"
    )
    assert summary(page) == [(date(2018, 4, 6), "status", "complete"), (date(2018, 4, 6), "comment", None)]
    assert codes(page) == ["several-parts-in-event"]


def test_duplicated_opening_tag_is_ignored() -> None:
    page = parse_recommendation_page(HEAD + "[on]6th April 2018 [comment][comment]Signed off.[/comment][/on]")
    assert [e.comment for e in page.timeline] == ["Signed off."]
    assert codes(page) == ["duplicate-tag"]


def test_event_without_a_date_is_kept_with_an_error() -> None:
    page = parse_recommendation_page(HEAD + "[on][status]complete[/status][/on]")
    assert summary(page) == [(None, "status", "complete")]
    assert [(d.code, d.severity) for d in page.diagnostics] == [("missing-date", "error")]


def test_an_unknown_url_is_kept_and_flagged() -> None:
    page = parse_recommendation_page(
        "https://example.org/page/1\n\n" + HEAD + "[on]2 May 2018 [status]complete[/status][/on]"
    )
    assert (page.url, page.force_slug, page.external_id) == ("https://example.org/page/1", None, None)
    assert codes(page) == ["url-not-recognised"]


def test_missing_heading_is_inferred_from_the_text() -> None:
    page = parse_recommendation_page(read_fixture(SEED).replace("Cause of concern\n", "", 1))
    assert page.kind == "cause_of_concern"
    assert len(page.recommendations) == 6
    assert codes(page) == ["heading-missing"]


def test_bullets_one_per_line_with_a_wrapped_continuation() -> None:
    text = (
        "Area for improvement\n\nThe force should improve its partnership working.\n\n"
        "Recommendation\n\nThe force should:\n\n"
        "• share data with councils;\n• brief the police and crime commissioner\n  every quarter; and\n"
        "• train lead responsible officers.\n"
    )
    page = parse_recommendation_page(text)
    assert [r.text for r in page.recommendations] == [
        "share data with councils",
        "brief the police and crime commissioner every quarter",
        "train lead responsible officers.",
    ]
    assert page.recommendations[0].intro == "The force should:"
    assert codes(page) == ["no-timeline"]


def test_every_diagnostic_code_is_documented_and_used() -> None:
    package = Path(parser_module.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.glob("*.py") if p.name != "types.py")
    used = set(re.findall(r'(?:report|unplace)\(\s*"([a-z-]+)"', source))
    used |= set(re.findall(r'code="([a-z-]+)"', source))
    assert used == set(DIAGNOSTIC_CODES)


@pytest.mark.parametrize(
    "name",
    [
        SEED,
        "missing_closing_tags.txt",
        "orphan_closing_tags.txt",
        "status_backwards.txt",
        "date_variants.txt",
        "tags_stripped_inline.txt",
        "stray_text.txt",
    ],
)
def test_no_word_of_a_fixture_is_dropped(name: str) -> None:
    page = parse_fixture(name)
    assert words(read_fixture(name)) - placed_words(page) == set()
