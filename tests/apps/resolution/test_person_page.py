"""The person page answers "who is this": a summary of what the records say with the date each value
was last reported, linked people by their resolved name (never a record's own label), and the merge
history in words."""

from __future__ import annotations

import re

import pytest

from socmap.apps.core.models import User
from socmap.apps.intel.models import Record, RecordEntity, RecordLink
from socmap.apps.resolution import selectors
from socmap.apps.resolution.models import ResolutionRun
from tests.conftest import signed_in


def _busiest_custody_subject() -> str:
    """The custody subject with co-accused whose person has the most records."""
    links = RecordLink.objects.filter(schema="CoArrestedWith").values_list("source_entity_id", flat=True)[
        :200
    ]
    assert links, "the small region's custody records name co-accused"
    return max(links, key=lambda e: (len(selectors.member_ids(viewer=None, entity_id=e)), e))


@pytest.mark.django_db
def test_co_accused_are_named_as_resolution_knows_them_never_by_a_records_label(
    resolved: ResolutionRun,
) -> None:
    analyst = User.objects.get(username="analyst")
    subject = _busiest_custody_subject()
    view = selectors.entity_get(viewer=analyst, entity_id=subject, justification="test")
    co = [r for r in view.related if r.schema == "CoArrestedWith"]
    assert co
    keys = set(RecordEntity.objects.filter(key__startswith="coaccused").values_list("key", flat=True))
    for r in co:
        assert r.label not in keys and not re.fullmatch(r"[a-z]+\d+", r.label), r.label
        others = selectors.member_list(viewer=analyst, entity_id=r.entity.id)
        named = [m.caption for m in others if m.caption]
        if named:
            assert r.label in named  # the name the person's own records give
    client = signed_in(analyst)
    page = client.get(f"/entities/{subject}/")
    # The page notes the links and reads them when they are opened: by script, or on their own page.
    assert page.context["view"].linked and not page.context["view"].related
    url = f"/entities/{page.context['view'].canonical_id}/links/"
    assert f'hx-get="{url}"' in page.content.decode()
    opened = client.get(url, headers={"HX-Request": "true"})
    assert [r.label for r in opened.context["view"].related] == [r.label for r in view.related]
    for html in (page.content.decode(), opened.content.decode(), client.get(url).content.decode()):
        assert not any(re.search(rf"\b{k}\b", html) for k in keys)
    assert all(r.label in opened.content.decode() for r in co)


@pytest.mark.django_db
def test_last_reported_is_the_day_the_source_reported_not_the_loading_day(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    subject = _busiest_custody_subject()
    view = selectors.entity_get(viewer=analyst, entity_id=subject, justification="test")
    records = {r.pk: r for r in Record.objects.filter(pk__in=[m.record_id for m in view.members])}
    observed = {r.observed_on for r in records.values() if r.observed_on}
    loaded = {r.first_seen.date() for r in records.values()}
    assert observed and not observed & loaded  # the synthetic region reports 2019-2024; loaded today
    assert view.summary is not None and view.summary.last_reported == max(observed)
    for _, items in view.table:
        for item in items:
            assert item.reported is None or item.reported in observed
    birth = next(row for row in view.summary.rows if row.label == "Date of birth")
    assert birth.values[0].reported in observed
    page = signed_in(analyst).get(f"/entities/{subject}/").content.decode()
    assert f"Last reported: {max(observed).day} {max(observed):%B %Y}" in page
    assert "Last seen" not in page


@pytest.mark.django_db
def test_the_merge_history_is_told_in_words(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    subject = _busiest_custody_subject()
    view = selectors.entity_get(viewer=analyst, entity_id=subject, justification="test")
    assert view.history_words is not None
    assert view.history_words.by_model == view.history.total
    if view.history.total:
        assert view.history_words.sentences[0].startswith("The matching model found")
    page = signed_in(analyst).get(f"/entities/{subject}/").content.decode()
    versions = {resolved.model_version} - {""}
    assert not any(v in page for v in versions)
    assert "( )" not in page and " and ." not in page and "() and" not in page
    for item in view.history.items:
        assert item.words and not item.words.startswith(" ")


@pytest.mark.django_db
def test_values_and_records_come_a_page_at_a_time_and_every_one_is_on_some_page(
    resolved: ResolutionRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socmap.apps.resolution.selectors import entities

    analyst = User.objects.get(username="analyst")
    subject = _busiest_custody_subject()
    whole = selectors.entity_get(viewer=analyst, entity_id=subject, justification="test")
    rows = [(prop, item.folded.value) for prop, items in whole.table for item in items]
    assert len(whole.members) > 1 and len(rows) > 3
    monkeypatch.setattr(entities, "VALUES_PAGE", 3)
    monkeypatch.setattr(entities, "RECORDS_PAGE", 2)
    seen_rows, seen_records = [], []
    # Every page of each list, and one past the last (which shows the last page again).
    for n in range(1, max(-(-len(rows) // 3), -(-len(whole.members) // 2)) + 2):
        view = selectors.entity_get(
            viewer=analyst, entity_id=subject, justification="test", values_page=n, records_page=n
        )
        assert view.value_rows is not None and view.records is not None
        assert (view.value_rows.total, view.records.total) == (len(rows), len(whole.members))
        if n <= view.value_rows.pages:
            page_rows = [(prop, item.folded.value) for prop, items in view.value_rows.items for item in items]
            assert len(page_rows) == min(3, len(rows) - 3 * (n - 1))
            # Grouped by property as the table shows them: a property's rows stay together.
            assert [p for p, _ in view.value_rows.items] == list(dict.fromkeys(p for p, _ in page_rows))
            seen_rows.extend(page_rows)
        if n <= view.records.pages:
            seen_records.extend(m.id for m in view.records.items)
    assert seen_rows == rows
    assert seen_records == [m.id for m in whole.members]

    client = signed_in(analyst)
    page = client.get(f"/entities/{subject}/?values_page=2&records_page=1").content.decode()
    assert 'aria-label="Pages of values"' in page and 'aria-label="Pages of records"' in page
    # Each list's links keep the other list's page, and land on their own list.
    assert "?records_page=2&amp;values_page=2#records" in page or len(whole.members) <= 2
    assert "?records_page=1&amp;values_page=3#values" in page or len(rows) <= 6
    # A page number that is no page shows the first (not a number, not positive) or the last.
    for bad in ("abc", "-3", "0", str(10**30)):
        answer = client.get(f"/entities/{subject}/?values_page={bad}&records_page={bad}")
        assert answer.status_code == 200, bad


@pytest.mark.django_db
def test_the_page_reads_its_records_and_decisions_in_lists_never_one_by_one(resolved: ResolutionRun) -> None:
    """The page reads only some fields of its records, pairs and decisions: a field it draws that
    was not read would be fetched again for each of them (a query per record on a person of
    hundreds). Every query is a list; none fetches one row by its key."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    analyst = User.objects.get(username="analyst")
    subject = _busiest_custody_subject()
    client = signed_in(analyst)
    client.get(f"/entities/{subject}/")  # the session, grants and caches of a first request
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/entities/{subject}/?page=1")
    assert page.status_code == 200
    view = page.context["view"]
    assert len(view.members) > 1 and view.history.total > 0
    tables = r'FROM "(intel_record|intel_recordentity|resolution_pair|resolution_judgement)"'
    by_key = r'WHERE "\w+"\."id" = (%s|\'?[\w.]+\'?) LIMIT 21'
    one_by_one = [
        q["sql"]
        for q in queries.captured_queries
        if re.search(tables, q["sql"]) and re.search(by_key, q["sql"])
    ]
    assert not one_by_one, one_by_one
    html = page.content.decode()
    for m in view.records.items:  # what the records list draws, from the fields read
        assert m.record.source.title in html and m.record.record_key in html
    for item in view.history.items:
        assert item.pair.left.record.record_key in item.words or item.pair.left.caption in item.words
