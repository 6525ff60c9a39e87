"""Alerts: a test clock moved past an order's expiry, a breach, a release, a review and an LRO's
training tells the LRO and deputy once each, and never someone who may not see the subject."""

from __future__ import annotations

from collections import Counter
from datetime import date

from socmap.apps.core import clock
from socmap.apps.core.clock import clock_set
from socmap.apps.core.models import AuditEvent
from socmap.apps.lifetime import services
from socmap.apps.lifetime.models import Notification
from socmap.apps.workforce import services as workforce
from tests import factories
from tests.apps.lifetime.conftest import World


def _prepare(world: World, deputy: object) -> None:
    services.plan_assign(
        actor=world.supervisor, plan=world.plan, lro=world.lro, deputy=deputy, reason="Cover"
    )  # type: ignore[arg-type]
    services.custody_sync()  # Jay Smith out on 20 June 2025
    order = services.order_record(
        actor=world.lro,
        plan=world.plan,
        data=services.OrderInput(
            kind="afo",
            entity_id=world.people[1],
            status="granted",
            applicant="Police",
            court="Magistrates' court",
            decided_on=date(2025, 1, 10),
            starts_on=date(2025, 1, 10),
            ends_on=date(2025, 7, 10),
            amount=5000,
        ),
    )
    services.order_step(
        actor=world.lro, order=order, step=services.OrderStep("breached", date(2025, 6, 1), "Withdrew cash")
    )
    workforce.training_record(
        actor=world.supervisor,
        person=world.lro,
        course="lro",
        passed_on=date(2022, 6, 30),
        expires_on=date(2025, 6, 30),
    )


def _told() -> Counter[tuple[str, str]]:
    return Counter(Notification.objects.values_list("recipient__username", "kind"))


def test_moving_the_clock_past_every_date_tells_lro_and_deputy_once_each(world: World) -> None:
    _prepare(world, world.deputy)
    first = services.alerts_run()  # 2 June 2025: the breach (1 June) and the release (due in 18 days)
    assert _told() == {
        ("lro", "breach"): 1,
        ("deputy", "breach"): 1,
        ("lro", "release"): 1,
        ("deputy", "release"): 1,
    }
    assert first.told == 4
    # Past the expiry (10 July), the training (30 June), Lee Brennan's release (1 September) and the
    # review (2 September).
    clock_set(date(2025, 9, 10))
    second = services.alerts_run()
    told = _told()
    for kind in ("breach", "order_expiry", "review"):
        assert told[("lro", kind)] == 1 and told[("deputy", kind)] == 1, kind
    assert told[("lro", "release")] == 2 and told[("deputy", "release")] == 2  # Jay Smith, then Lee Brennan
    assert told[("lro", "training")] == 1 and told[("deputy", "training")] == 0  # one's own training
    assert second.told == 7 and second.already == 4
    again = services.alerts_run()
    assert again.told == 0 and sum(_told().values()) == 11
    titles = set(Notification.objects.filter(recipient=world.lro).values_list("title", flat=True))
    assert "AFO against Daniel Okafor expired on 10 July 2025" in titles
    assert (
        "Jay Smith was released on 20 June 2025" in titles
        or "Jay Smith is due for release on 20 June 2025" in titles
    )
    assert AuditEvent.objects.filter(object_type="job", object_id="lifetime alerts").count() == 3


def test_an_officer_who_may_no_longer_see_the_subject_is_never_told(world: World) -> None:
    agreement = factories.agreement(world.glos, world.avon, compartments=(world.endeavour,))
    _prepare(world, world.avon_lro)
    agreement.revoked_at = clock.now()  # revoked today, before the dates come
    agreement.save(update_fields=["revoked_at"])
    clock_set(date(2025, 9, 10))
    run = services.alerts_run()
    assert not Notification.objects.filter(recipient=world.avon_lro).exists()
    assert run.withheld >= 4
    assert Notification.objects.filter(recipient=world.lro).count() == 6


def test_an_order_of_a_person_the_deputy_may_not_see_is_not_told_to_the_deputy(world: World) -> None:
    factories.agreement(world.glos, world.avon, compartments=(world.endeavour,))
    services.plan_assign(
        actor=world.supervisor, plan=world.plan, lro=world.lro, deputy=world.avon_lro, reason="Cover"
    )
    covert = factories.compartment("Financial investigation")
    services.order_record(
        actor=world.lro,
        plan=world.plan,
        data=services.OrderInput(
            kind="afo",
            entity_id=world.people[1],
            status="granted",
            applicant="Police",
            court="Magistrates' court",
            decided_on=date(2025, 1, 10),
            starts_on=date(2025, 1, 10),
            ends_on=date(2025, 7, 10),
            amount=5000,
            compartment=covert,
        ),
    )
    clock_set(date(2025, 7, 1))
    services.alerts_run()
    assert _told()[("lro", "order_expiry")] == 1
    assert _told()[("avon.lro", "order_expiry")] == 0


def test_a_varied_end_date_is_told_again(world: World) -> None:
    _prepare(world, world.deputy)
    clock_set(date(2025, 7, 1))
    services.alerts_run()
    from socmap.apps.lifetime.models import OrderRecord

    order = OrderRecord.objects.get()
    services.order_step(
        actor=world.lro,
        order=order,
        step=services.OrderStep("varied", date(2025, 7, 1), "Extended", ends_on=date(2025, 7, 20)),
    )
    services.alerts_run()
    assert _told()[("lro", "order_expiry")] == 2
    assert Notification.objects.filter(kind="order_expiry", key__endswith="2025-07-20").count() == 2


def test_two_prison_reports_of_one_resolved_person_make_one_release_alert(
    world: World, tmp_path: object
) -> None:
    from pathlib import Path

    from socmap.apps.resolution.models import Membership
    from tests.apps.lifetime.conftest import PRISONERS, ingest_prison

    # A second report on Jay Smith, resolved into the same person as the first.
    again = ingest_prison(world.analyst, Path(str(tmp_path)), [PRISONERS[0]], start=20)[0]
    canonical = min(world.people[0], again)
    for entity_id in (world.people[0], again):
        Membership.objects.create(entity_id=entity_id, canonical_id=canonical, schema="Person")
    services.plan_assign(
        actor=world.supervisor, plan=world.plan, lro=world.lro, deputy=world.deputy, reason="Cover"
    )
    services.custody_sync()
    services.alerts_run()
    assert Notification.objects.filter(recipient=world.lro, kind="release").count() == 1
    from socmap.apps.lifetime import selectors

    assert [r.label for r in selectors.coming_out(viewer=world.lro)] == ["Jay Smith"]
