"""Which alerts are due on a date: order expiries, breaches, releases, reviews and lapsed training.

Pure: facts and a date in, alerts out. Each alert has a key that names what it is about and the date
it concerns (an order's end date, a review's due date), so that telling an officer "once" is a matter
of remembering keys: an order varied to a new end date is a new alert, the same date never is. The
caller decides who may be told (the visibility rule); this only proposes the LRO and deputy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from socmap.engines.lifetime.dates import long_date
from socmap.engines.lifetime.types import (
    Alert,
    Catalogue,
    OrderDates,
    ReleaseDate,
    SubjectFacts,
    TrainingDate,
)


def _officers(subject: SubjectFacts | None) -> tuple[int, ...]:
    if subject is None:
        return ()
    return tuple(dict.fromkeys(i for i in (subject.lro_id, subject.deputy_id) if i is not None))


def _window(day: date, today: date, lead: int, stale: int | None) -> bool:
    """Is ``day`` close enough to tell (``lead`` days ahead) and not long past (``stale`` days)?"""
    if today < day - timedelta(days=lead):
        return False
    return stale is None or day >= today - timedelta(days=stale)


def alerts_due(
    catalogue: Catalogue,
    *,
    today: date,
    subjects: Iterable[SubjectFacts],
    orders: Iterable[OrderDates] = (),
    releases: Iterable[ReleaseDate] = (),
    training: Iterable[TrainingDate] = (),
) -> list[Alert]:
    """Every alert due on ``today``, each with the officers it is for, in date order."""
    days = catalogue.alert_days
    stale = days["stale_after"]
    plans = {s.plan_id: s for s in subjects}
    out: list[Alert] = []
    for subject in plans.values():
        if subject.next_review_on is not None and today >= subject.next_review_on:
            word = (
                "due today"
                if today == subject.next_review_on
                else f"due since {long_date(subject.next_review_on)}"
            )
            out.append(
                Alert(
                    key=f"review:{subject.plan_id}:{subject.next_review_on.isoformat()}",
                    kind="review",
                    plan_id=subject.plan_id,
                    recipients=_officers(subject),
                    due_on=subject.next_review_on,
                    title=f"Review of the plan for {subject.label} {word}",
                )
            )
    for order in orders:
        owner = plans.get(order.plan_id)
        if order.ends_on is not None and _window(order.ends_on, today, days["order_expiry"], stale):
            verb = "expired on" if order.ends_on < today else "expires on"
            out.append(
                Alert(
                    key=f"order_expiry:{order.order_id}:{order.ends_on.isoformat()}",
                    kind="order_expiry",
                    plan_id=order.plan_id,
                    recipients=_officers(owner),
                    due_on=order.ends_on,
                    title=f"{order.label} {verb} {long_date(order.ends_on)}",
                )
            )
        for event_id, on in order.breaches:
            if on <= today:
                out.append(
                    Alert(
                        key=f"breach:{order.order_id}:{event_id}",
                        kind="breach",
                        plan_id=order.plan_id,
                        recipients=_officers(owner),
                        due_on=on,
                        title=f"{order.label} breached on {long_date(on)}",
                    )
                )
    for release in releases:
        if not _window(release.release_on, today, days["release"], stale):
            continue
        verb = "was released on" if release.release_on < today else "is due for release on"
        for plan_id in release.plan_ids:
            out.append(
                Alert(
                    key=f"release:{release.period_id}:{release.release_on.isoformat()}:{plan_id}",
                    kind="release",
                    plan_id=plan_id,
                    recipients=_officers(plans.get(plan_id)),
                    due_on=release.release_on,
                    title=f"{release.label} {verb} {long_date(release.release_on)}",
                )
            )
    for lapse in training:
        # Training is in date up to and including its expiry day: with no lead time, it is told the
        # day after, once it has lapsed; with a lead time, that many days before.
        lead = days["training"]
        if (today > lapse.expires_on) if lead == 0 else (today >= lapse.expires_on - timedelta(days=lead)):
            state = "has lapsed" if lapse.expires_on < today else "expires soon"
            out.append(
                Alert(
                    key=f"training:{lapse.person_id}:{lapse.expires_on.isoformat()}",
                    kind="training",
                    plan_id=None,
                    recipients=(lapse.person_id,),
                    due_on=lapse.expires_on,
                    title=f"{lapse.label}: LRO training {state} "
                    f"(in date until {long_date(lapse.expires_on)})",
                )
            )
    out.sort(key=lambda a: (a.due_on, a.kind, a.key))
    return out
