"""Alerts due on a date: each has a key naming what and when, so it can be told once."""

from __future__ import annotations

from datetime import date, timedelta

from socmap.engines.lifetime import (
    OrderDates,
    ReleaseDate,
    SubjectFacts,
    TrainingDate,
    alerts_due,
    load_catalogue,
)

CATALOGUE = load_catalogue()
SUBJECT = SubjectFacts(
    plan_id=1, label="GL-OCG-0001 Brook Street", lro_id=10, deputy_id=11, next_review_on=date(2025, 5, 1)
)
ORDER = OrderDates(
    order_id=7,
    plan_id=1,
    label="SCPO against Jay Smith",
    ends_on=date(2025, 6, 30),
    breaches=((3, date(2025, 4, 2)),),
)
RELEASE = ReleaseDate(period_id=5, plan_ids=(1,), label="Jay Smith", release_on=date(2025, 7, 15))
TRAINING = TrainingDate(person_id=10, label="Sarah Collins", expires_on=date(2025, 4, 30))


def _due(today: date) -> dict[str, tuple[int, ...]]:
    found = alerts_due(
        CATALOGUE, today=today, subjects=[SUBJECT], orders=[ORDER], releases=[RELEASE], training=[TRAINING]
    )
    return {a.key: a.recipients for a in found}


def test_nothing_is_due_well_before_any_date() -> None:
    assert _due(date(2025, 3, 1)) == {}


def test_a_breach_is_due_from_the_day_it_happened_to_the_lro_and_deputy() -> None:
    assert _due(date(2025, 4, 2)) == {"breach:7:3": (10, 11)}


def test_training_is_due_the_day_after_its_last_day_in_date_and_only_to_the_officer() -> None:
    assert "training:10:2025-04-30" not in _due(date(2025, 4, 30))
    assert _due(date(2025, 5, 1))["training:10:2025-04-30"] == (10,)


def test_a_review_is_due_on_its_date() -> None:
    assert "review:1:2025-05-01" not in _due(date(2025, 4, 30))
    assert _due(date(2025, 5, 1))["review:1:2025-05-01"] == (10, 11)


def test_an_order_expiry_is_due_from_its_lead_time_before() -> None:
    lead = CATALOGUE.alert_days["order_expiry"]
    assert "order_expiry:7:2025-06-30" not in _due(date(2025, 6, 30) - timedelta(days=lead + 1))
    assert "order_expiry:7:2025-06-30" in _due(date(2025, 6, 30) - timedelta(days=lead))


def test_a_release_is_due_from_its_lead_time_and_after_it_but_not_long_after() -> None:
    lead, stale = CATALOGUE.alert_days["release"], CATALOGUE.alert_days["stale_after"]
    key = "release:5:2025-07-15:1"
    assert key not in _due(date(2025, 7, 15) - timedelta(days=lead + 1))
    assert key in _due(date(2025, 7, 15) - timedelta(days=lead))
    assert key in _due(date(2025, 7, 16))  # a clock moved past the release still tells it
    assert key not in _due(date(2025, 7, 15) + timedelta(days=stale + 1))


def test_moving_past_every_date_makes_one_alert_each() -> None:
    found = alerts_due(
        CATALOGUE,
        today=date(2025, 7, 20),
        subjects=[SUBJECT],
        orders=[ORDER],
        releases=[RELEASE],
        training=[TRAINING],
    )
    assert sorted(a.kind for a in found) == ["breach", "order_expiry", "release", "review", "training"]
    assert len({a.key for a in found}) == 5
    expired = next(a for a in found if a.kind == "order_expiry")
    assert expired.title == "SCPO against Jay Smith expired on 30 June 2025"


def test_a_varied_end_date_is_a_new_alert() -> None:
    varied = OrderDates(order_id=7, plan_id=1, label="SCPO", ends_on=date(2025, 7, 10))
    keys = {
        a.key for a in alerts_due(CATALOGUE, today=date(2025, 7, 10), subjects=[SUBJECT], orders=[varied])
    }
    assert "order_expiry:7:2025-07-10" in keys


def test_a_subject_without_a_deputy_tells_the_lro_alone_and_one_without_officers_tells_nobody() -> None:
    alone = SubjectFacts(1, "G", lro_id=10, deputy_id=None, next_review_on=date(2025, 1, 1))
    nobody = SubjectFacts(2, "H", lro_id=None, deputy_id=None, next_review_on=date(2025, 1, 1))
    found = {
        a.plan_id: a.recipients
        for a in alerts_due(CATALOGUE, today=date(2025, 2, 1), subjects=[alone, nobody])
    }
    assert found == {1: (10,), 2: ()}


def test_a_person_managed_under_two_plans_is_told_to_each_plans_officers() -> None:
    other = SubjectFacts(
        plan_id=2, label="Priority individual", lro_id=20, deputy_id=None, next_review_on=None
    )
    release = ReleaseDate(period_id=5, plan_ids=(1, 2), label="Jay Smith", release_on=date(2025, 7, 15))
    found = alerts_due(CATALOGUE, today=date(2025, 7, 1), subjects=[SUBJECT, other], releases=[release])
    assert {a.plan_id: a.recipients for a in found if a.kind == "release"} == {1: (10, 11), 2: (20,)}
