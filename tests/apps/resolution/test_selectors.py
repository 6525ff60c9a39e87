"""What the entity and pair pages read: values folded across records, linked people labelled or left
out, the merge history a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db.models import Q

from socmap.apps.core.models import AuditAction, AuditEvent, User
from socmap.apps.intel.models import RecordEntity, RecordLink
from socmap.apps.resolution import selectors
from socmap.apps.resolution.models import Decision, Judgement, Pair, PairState, ResolutionRun
from socmap.apps.resolution.selectors import HISTORY_PAGE, PENDING_SHOWN, Value, fold
from socmap.apps.resolution.selectors.person import pending_people
from tests.conftest import signed_in


def value(text: str, *, original: str = "", grading: str = "2B", record: int = 1, day: int = 1) -> Value:
    return Value(
        prop="last_name",
        value=text,
        original=original,
        grading=grading,
        handling="P",
        conditions="",
        source="Prison intelligence",
        record_id=record,
        last_seen=datetime(2026, 1, day, tzinfo=UTC),
    )


def test_fold_shows_a_value_repeated_across_records_once() -> None:
    folded = fold(
        [
            value("Smith", original="SMITH", grading="1B", record=7, day=3),
            value("Smith", original="MAUREEN SMITH", grading="1B", record=9, day=5),
            value("Smith", original="SMITH", grading="1B", record=11, day=4),
            value("Smith", original="Smith", grading="3C", record=12),
            value("Smtih", original="SMTIH", grading="1B", record=13),
        ]
    )
    assert [(f.value, f.grading, f.records) for f in folded] == [
        ("Smith", "1B", 3),
        ("Smith", "3C", 1),
        ("Smtih", "1B", 1),
    ]
    first = folded[0]
    assert first.originals == ("SMITH", "MAUREEN SMITH")  # each spelling received, once
    assert first.record_id == 9 and first.last_seen.day == 5  # links to the latest record
    assert folded[1].originals == ()  # received as it is shown


def test_fold_keeps_apart_values_of_other_sources_and_handling() -> None:
    other = value("Smith")
    restricted = Value(**{**other.__dict__, "handling": "C", "conditions": "Police only"})
    elsewhere = Value(**{**other.__dict__, "source": "Regional custody extract"})
    assert len(fold([other, restricted, elsewhere])) == 3


def associate_link() -> RecordLink:
    link = RecordLink.objects.filter(schema="AssociateOf", record__source__name="prison").first()
    assert link is not None, "the small region's prison reports name associates"
    return link


@pytest.mark.django_db
def test_a_person_page_lists_associates_as_links_not_as_the_persons_values(resolved: ResolutionRun) -> None:
    link = associate_link()
    client = signed_in(User.objects.get(username="analyst"))
    page = client.get(f"/entities/{link.source_entity_id}/")
    assert page.status_code == 200
    view = page.context["view"]
    props = {prop for prop, _ in view.values}
    assert props and not any(p.startswith(("person ", "associate ")) for p in props)
    # Read when the reader opens them (``entity_links``).
    view = client.get(f"/entities/{view.canonical_id}/links/", headers={"HX-Request": "true"}).context["view"]
    associates = [r for r in view.related if r.schema == "AssociateOf"]
    assert selectors.canonical_get(viewer=None, entity_id=link.target_entity_id) in {
        selectors.canonical_get(viewer=None, entity_id=r.entity.id) for r in associates
    }
    assert not any(r.entity.schema in selectors.event_schemata() for r in view.related)
    lines = [(r.schema, " ".join(r.entity.caption.lower().replace(",", " ").split())) for r in view.related]
    addresses = [line for line in lines if line[0] == "LivesAt"]
    assert len(addresses) == len(set(addresses))  # one line per address however many records give it
    assert "Linked to" in page.content.decode()


@pytest.mark.django_db
def test_a_person_page_shows_the_events_of_its_records_as_rows(resolved: ResolutionRun) -> None:
    link = associate_link()
    client = signed_in(User.objects.get(username="analyst"))
    page = client.get(f"/entities/{link.source_entity_id}/")
    assert not any(p.startswith("prison report ") for p, _ in page.context["view"].values)  # not values
    # The page counts the events and reads them when they are opened (script), or on a page of
    # their own (without): each a consultation.
    counted = page.context["view"].events
    assert counted.total and not counted.items
    url = f"/entities/{page.context['view'].canonical_id}/events/"
    assert f'hx-get="{url}"' in page.content.decode()
    opened = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in opened.content.decode() and 'id="entity-events"' in opened.content.decode()
    view = opened.context["view"]
    assert view.events.total == counted.total
    whole = client.get(url)
    assert "<html" in whole.content.decode() and whole.context["view"].events.items == view.events.items
    inline = client.get(f"/entities/{link.source_entity_id}/?events_page=1").context["view"].events
    assert inline.items == view.events.items
    reports = [e for e in view.events.items if e.schema == "PrisonReport"]
    assert reports and all(e.reference and e.date and e.summary for e in reports)
    report = RecordLink.objects.get(
        source_entity_id=link.source_entity_id, schema="SubjectOf", record_id=link.record_id
    )
    row = next(e for e in reports if e.entity_id == report.target_entity_id)
    assert row.record_id == link.record_id and row.source == "Prison intelligence"
    dates = [(e.date, e.time) for e in view.events.items]
    assert dates == sorted(dates, reverse=True)  # newest first

    api = client.get(f"/api/v1/resolution/entities/{link.source_entity_id}").json()
    assert api["events_total"] == view.events.total
    assert {e["id"] for e in api["events"]} >= {row.entity_id}


@pytest.mark.django_db
def test_a_person_page_shows_only_the_likeliest_pending_matches_once_per_person(
    resolved: ResolutionRun,
) -> None:
    subject = associate_link().source_entity_id
    mine = set(selectors.member_ids(viewer=None, entity_id=subject))
    people: dict[str, list[str]] = {}  # another person -> their prison records
    for pk in RecordEntity.objects.filter(schema="Person", record__source__name="prison").values_list(
        "pk", flat=True
    ):
        if pk not in mine:
            people.setdefault(selectors.canonical_get(viewer=None, entity_id=pk), []).append(pk)
    several = next(records for records in people.values() if len(records) > 1)
    others = [records[0] for records in people.values() if records is not several][: PENDING_SHOWN + 3]
    for n, other in enumerate([*others, *several]):
        left, right = sorted((subject, other))
        Pair.objects.update_or_create(
            left_id=left, right_id=right, defaults={"probability": 0.5 + n / 100, "state": PairState.PENDING}
        )
    client = signed_in(User.objects.get(username="analyst"))
    page = client.get(f"/entities/{subject}/")
    pending = page.context["view"].pending
    assert pending.total >= PENDING_SHOWN + 4 and len(pending.items) == PENDING_SHOWN
    probabilities = [p.probability for p in pending.items]
    assert probabilities == sorted(probabilities, reverse=True)
    # Each person waits once; the person of several records once for all their pairs, at their likeliest.
    waiting = sorted(
        Pair.objects.filter(
            Q(left_id__in=mine) | Q(right_id__in=mine), state=PairState.PENDING
        ).select_related("left__record__source", "right__record__source"),
        key=lambda p: (-(p.probability or 0.0), p.pk),
    )
    everyone = pending_people(viewer=User.objects.get(username="analyst"), pending=waiting, ids=sorted(mine))
    assert len(everyone) == pending.total
    whose = [
        selectors.canonical_get(
            viewer=None, entity_id=p.pair.right_id if p.pair.left_id in mine else p.pair.left_id
        )
        for p in everyone
    ]
    assert len(whose) == len(set(whose))
    (theirs,) = [p for p in everyone if {p.pair.left_id, p.pair.right_id} & set(several)]
    assert theirs.pairs == len(several)
    assert theirs.probability == pytest.approx(0.5 + (len(others) + len(several) - 1) / 100)
    assert "The review queue</a> has them all" in page.content.decode()


@pytest.mark.django_db
def test_the_pair_page_labels_an_associates_values_by_the_link(resolved: ResolutionRun) -> None:
    ids = list(
        RecordLink.objects.filter(schema="AssociateOf", record__source__name="prison").values_list(
            "source_entity_id", flat=True
        )
    )
    pair = Pair.objects.filter(Q(left_id__in=ids) | Q(right_id__in=ids)).first()
    assert pair is not None
    view = selectors.pair_get(
        viewer=User.objects.get(username="analyst"), pair_id=pair.pk, justification="test"
    )
    props = {row.prop for row in view.rows}
    assert any(p.startswith("associate ") for p in props), props
    assert not any(p.startswith("person ") for p in props)


@pytest.mark.django_db
def test_the_merge_history_comes_a_page_at_a_time(resolved: ResolutionRun) -> None:
    pair = Pair.objects.select_related("left").first()
    assert pair is not None
    before = selectors.entity_get(
        viewer=User.objects.get(username="analyst"), entity_id=pair.left_id, justification="test"
    ).history.total
    for _ in range(HISTORY_PAGE + 5):
        Judgement.objects.create(
            left_id=pair.left_id,
            right_id=pair.right_id,
            decision=Decision.MATCH,
            model_version="test",
            probability=0.99,
        )
    client = signed_in(User.objects.get(username="analyst"))
    first = client.get(f"/entities/{pair.left_id}/")
    view = first.context["view"]
    # The page counts the model's decisions and reads them when their details are opened.
    assert view.history.total == before + HISTORY_PAGE + 5 and not view.history.items
    html = first.content.decode()
    url = f"/entities/{view.canonical_id}/decisions/"
    assert f'hx-get="{url}"' in html and f"{view.history.total} decisions, newest first" in html
    consulted = AuditEvent.objects.filter(action=AuditAction.CONSULTATION, actor_username="analyst").count
    before_opening = consulted()
    opened = client.get(url, headers={"HX-Request": "true"})
    assert consulted() == before_opening + 1  # opening the decisions is a consultation of its own
    history = opened.context["view"].history
    assert history.total == view.history.total
    assert len(history.items) == HISTORY_PAGE and history.number == 1
    fragment = opened.content.decode()
    assert 'class="govuk-pagination"' in fragment and "<html" not in fragment
    newest = max(j.pk for j in Judgement.objects.filter(left_id=pair.left_id, right_id=pair.right_id))
    assert history.items[0].judgement.pk == newest

    # Without script the decisions are a page of their own, and a page of them by its number.
    last = client.get(f"{url}?page={history.pages}")
    assert "<html" in last.content.decode() and "Back to" in last.content.decode()
    assert last.context["view"].caption == view.caption  # the person named as their page names them
    assert last.context["view"].history.number == history.pages
    assert len(last.context["view"].history.items) == history.total - HISTORY_PAGE * (history.pages - 1)
    inline = client.get(f"/entities/{pair.left_id}/?page=2").context["view"].history
    assert inline.number == 2 and inline.items
    assert client.get(f"/entities/{pair.left_id}/?page=zzz").context["view"].history.number == 1
