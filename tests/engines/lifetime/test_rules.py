"""Every rule of every order in the shipped catalogue, checked at and beyond each boundary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from socmap.engines.lifetime import OrderFacts, add_span, check_order, load_catalogue

CATALOGUE = load_catalogue()
START = date(2024, 3, 1)
DAY = timedelta(days=1)


def _granted(kind: str, **kw: object) -> OrderFacts:
    rule = CATALOGUE.orders[kind]
    facts = OrderFacts(
        kind=kind,
        status="granted",
        applicant=rule.applicants[0],
        court=rule.courts[0],
        applied_on=START - timedelta(days=30),
        decided_on=START,
        starts_on=START,
        ends_on=None,
        amount=None,
    )
    if rule.amount is not None:
        limit = rule.amount.more_than if rule.amount.more_than is not None else rule.amount.at_least
        facts = replace(facts, amount=(limit or Decimal(0)) + Decimal(1))
    duration = rule.duration
    if duration is not None and duration.from_release:
        facts = replace(facts, release_on=START + timedelta(days=100))
    if duration is not None and not duration.set_by_court and not duration.open_ended:
        base = facts.release_on or START
        span = duration.minimum or duration.maximum
        assert span is not None
        facts = replace(facts, ends_on=add_span(base, span))
    return replace(facts, **kw)  # type: ignore[arg-type]


def _fields(facts: OrderFacts) -> list[tuple[str, str]]:
    return [(v.field, v.rule) for v in check_order(CATALOGUE, facts)]


@pytest.mark.parametrize("kind", list(CATALOGUE.orders))
def test_an_order_inside_every_rule_of_its_kind_passes(kind: str) -> None:
    assert check_order(CATALOGUE, _granted(kind)) == []


MINIMUMS = [k for k, r in CATALOGUE.orders.items() if r.duration and r.duration.minimum]
MAXIMUMS = [k for k, r in CATALOGUE.orders.items() if r.duration and r.duration.maximum]


@pytest.mark.parametrize("kind", MINIMUMS)
def test_an_order_of_exactly_its_minimum_passes_and_a_day_shorter_is_refused(kind: str) -> None:
    rule = CATALOGUE.orders[kind]
    assert rule.duration and rule.duration.minimum
    base = START + timedelta(days=100) if rule.duration.from_release else START
    at = add_span(base, rule.duration.minimum)
    assert check_order(CATALOGUE, _granted(kind, ends_on=at)) == []
    violations = check_order(CATALOGUE, _granted(kind, ends_on=at - DAY))
    assert [(v.field, v.rule) for v in violations] == [("ends_on", "duration.minimum")]
    # The refusal names the order, its Act and the rule, in words.
    assert rule.name in violations[0].message and rule.act in violations[0].message
    assert f"lasts at least {rule.duration.minimum.words}" in violations[0].message


@pytest.mark.parametrize("kind", MAXIMUMS)
def test_an_order_of_exactly_its_maximum_passes_and_a_day_longer_is_refused(kind: str) -> None:
    rule = CATALOGUE.orders[kind]
    assert rule.duration and rule.duration.maximum
    at = add_span(START, rule.duration.maximum)
    assert check_order(CATALOGUE, _granted(kind, ends_on=at)) == []
    violations = check_order(CATALOGUE, _granted(kind, ends_on=at + DAY))
    assert [(v.field, v.rule) for v in violations] == [("ends_on", "duration.maximum")]
    assert (
        rule.act in violations[0].message and f"up to {rule.duration.maximum.words}" in violations[0].message
    )


def test_an_scpo_lasts_up_to_five_years_to_the_day() -> None:
    assert _fields(_granted("scpo", ends_on=date(2029, 3, 1))) == []
    assert _fields(_granted("scpo", ends_on=date(2029, 3, 2))) == [("ends_on", "duration.maximum")]


def test_an_stpo_lasts_at_least_five_years_or_until_further_order() -> None:
    assert _fields(_granted("stpo", ends_on=date(2029, 2, 28))) == [("ends_on", "duration.minimum")]
    assert _fields(_granted("stpo", ends_on=date(2029, 3, 1))) == []
    assert _fields(_granted("stpo", ends_on=None)) == []  # until further order


def test_an_stro_lasts_at_least_two_years() -> None:
    assert _fields(_granted("stro", ends_on=date(2026, 2, 28))) == [("ends_on", "duration.minimum")]
    assert _fields(_granted("stro", ends_on=date(2026, 3, 1))) == []


def test_a_travel_restriction_order_counts_two_years_from_release_not_from_sentence() -> None:
    release = date(2025, 6, 10)
    assert _fields(_granted("tro", release_on=release, ends_on=date(2027, 6, 10))) == []
    assert _fields(_granted("tro", release_on=release, ends_on=date(2027, 6, 9))) == [
        ("ends_on", "duration.minimum")
    ]
    # Two years from sentence is not two years from release.
    assert _fields(_granted("tro", release_on=release, ends_on=date(2026, 3, 1))) == [
        ("ends_on", "duration.minimum")
    ]


def test_a_travel_restriction_order_needs_the_release_date() -> None:
    assert _fields(_granted("tro", release_on=None)) == [("release_on", "duration.from_release")]


def test_a_criminal_behaviour_order_for_an_adult_lasts_at_least_two_years_or_indefinitely() -> None:
    assert _fields(_granted("cbo", ends_on=date(2026, 2, 28))) == [("ends_on", "duration.minimum")]
    assert _fields(_granted("cbo", ends_on=date(2026, 3, 1))) == []
    assert _fields(_granted("cbo", ends_on=None)) == []


def test_a_criminal_behaviour_order_for_a_child_lasts_one_to_three_years_and_must_end() -> None:
    assert _fields(_granted("cbo", under_18=True, ends_on=date(2025, 3, 1))) == []
    assert _fields(_granted("cbo", under_18=True, ends_on=date(2025, 2, 28))) == [
        ("ends_on", "duration.minimum")
    ]
    assert _fields(_granted("cbo", under_18=True, ends_on=date(2027, 3, 1))) == []
    assert _fields(_granted("cbo", under_18=True, ends_on=date(2027, 3, 2))) == [
        ("ends_on", "duration.maximum")
    ]
    assert _fields(_granted("cbo", under_18=True, ends_on=None)) == [("ends_on", "duration.open_ended")]


def test_an_order_with_a_maximum_cannot_run_until_further_order() -> None:
    assert _fields(_granted("scpo", ends_on=None)) == [("ends_on", "duration.open_ended")]
    assert _fields(_granted("afo", ends_on=None)) == [("ends_on", "duration.open_ended")]


def test_a_gang_injunction_has_no_statutory_length_but_cannot_end_before_it_starts() -> None:
    assert _fields(_granted("gang_injunction", ends_on=START + DAY)) == []
    assert _fields(_granted("gang_injunction", ends_on=None)) == []
    assert _fields(_granted("gang_injunction", ends_on=START - DAY)) == [("ends_on", "dates")]


@pytest.mark.parametrize("kind", list(CATALOGUE.orders))
def test_an_order_ending_before_it_starts_is_refused_whatever_its_kind(kind: str) -> None:
    violations = check_order(CATALOGUE, _granted(kind, ends_on=START - DAY))
    assert violations[0].field == "ends_on" and "before it starts" in violations[0].message
    assert all(v.rule != "duration.minimum" for v in violations)  # one clear message, not two


def test_an_unexplained_wealth_order_needs_property_worth_more_than_50000_pounds() -> None:
    assert _fields(_granted("uwo", amount=Decimal("50000.01"))) == []
    assert _fields(_granted("uwo", amount=Decimal("50000"))) == [("amount", "amount.more_than")]
    assert _fields(_granted("uwo", amount=Decimal("49999.99"))) == [("amount", "amount.more_than")]


def test_an_account_freezing_order_needs_at_least_1000_pounds_for_up_to_two_years() -> None:
    assert _fields(_granted("afo", amount=Decimal("1000"))) == []
    assert _fields(_granted("afo", amount=Decimal("999.99"))) == [("amount", "amount.at_least")]
    assert _fields(_granted("afo", ends_on=date(2026, 3, 1))) == []
    assert _fields(_granted("afo", ends_on=date(2026, 3, 2))) == [("ends_on", "duration.maximum")]


@pytest.mark.parametrize("kind", [k for k, r in CATALOGUE.orders.items() if r.amount])
def test_an_application_without_its_amount_is_refused(kind: str) -> None:
    facts = OrderFacts(kind, "applied", applicant=CATALOGUE.orders[kind].applicants[0], applied_on=START)
    assert _fields(facts) == [("amount", "amount")]


@pytest.mark.parametrize("kind", list(CATALOGUE.orders))
def test_an_applicant_the_act_does_not_name_is_refused(kind: str) -> None:
    violations = check_order(CATALOGUE, _granted(kind, applicant="Parish council"))
    assert [(v.field, v.rule) for v in violations] == [("applicant", "applicant")]
    assert "not Parish council" in violations[0].message


@pytest.mark.parametrize("kind", list(CATALOGUE.orders))
def test_a_court_that_cannot_make_the_order_is_refused(kind: str) -> None:
    violations = check_order(CATALOGUE, _granted(kind, court="Coroner's court"))
    assert [(v.field, v.rule) for v in violations] == [("court", "court")]


def test_a_decision_before_the_application_is_refused() -> None:
    assert ("decided_on", "dates") in _fields(_granted("scpo", applied_on=START + DAY))


def test_each_status_asks_for_its_own_dates() -> None:
    assert _fields(OrderFacts("scpo", "considered")) == []
    assert set(_fields(OrderFacts("scpo", "applied"))) == {
        ("applied_on", "dates"),
        ("applicant", "applicant"),
    }
    refused = OrderFacts("scpo", "refused", applicant="Crown Prosecution Service", applied_on=START)
    assert set(_fields(refused)) == {("decided_on", "dates"), ("court", "court")}
    assert ("starts_on", "dates") in _fields(_granted("scpo", starts_on=None))


def test_an_order_not_in_the_catalogue_and_an_unknown_status_are_refused() -> None:
    assert _fields(OrderFacts("asbo", "granted")) == [("kind", "kind")]
    assert _fields(OrderFacts("scpo", "pending")) == [("status", "status")]


def test_a_leap_day_start_ends_on_the_last_day_of_february() -> None:
    # 29 February 2024 + 2 years is 28 February 2026 (no 29th): the minimum is met that day.
    assert _fields(_granted("stro", starts_on=date(2024, 2, 29), ends_on=date(2026, 2, 28))) == []
    assert _fields(_granted("stro", starts_on=date(2024, 2, 29), ends_on=date(2026, 2, 27))) == [
        ("ends_on", "duration.minimum")
    ]
