"""Review queue, pair and entity pages and the API, as analysts and as a partner who sees nothing extra."""

from __future__ import annotations

import json

import pytest

from socmap.apps.core.models import AuditAction, AuditEvent, User
from socmap.apps.intel.models import RecordEntity
from socmap.apps.resolution import selectors, services
from socmap.apps.resolution.models import Decision, Judgement, Pair, PairState, ResolutionRun
from socmap.apps.resolution.selectors.review_queue import review_items
from tests.conftest import signed_in


@pytest.mark.django_db
def test_an_analyst_reviews_a_pair_side_by_side_and_decides(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    client = signed_in(analyst)
    queue = client.get("/review/")
    assert queue.status_code == 200 and b"Start reviewing" in queue.content
    first = selectors.pair_queue(viewer=analyst).first()  # the most uncertain pair the analyst may see
    assert first is not None
    assert client.get("/review/next/")["Location"] == f"/review/pairs/{first.pk}/"

    page = client.get(f"/review/pairs/{first.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    # "N waiting": the pairs of the analyst's queue items, counted from the queue, not the table.
    waiting = sum(len(item.pairs) for item in review_items(viewer=analyst))
    assert waiting > 0 and page.context["remaining"] == waiting and f"{waiting} waiting" in html
    assert first.left.caption in html and first.right.caption in html
    assert 'id="side-by-side"' in html and 'id="waterfall-table"' in html
    spec = json.loads(page.context["spec"])
    assert (
        spec["mark"]["type"] == "bar"
        and len(spec["data"]["values"]) == len(selectors.pair_explain(pair=first)["steps"]) + 2
    )
    consulted = AuditEvent.objects.filter(action=AuditAction.CONSULTATION, object_type="intel.recordentity")
    assert {e.object_id for e in consulted} >= {first.left_id, first.right_id}

    refused = client.post(f"/review/pairs/{first.pk}/", {"decision": "no_match", "reason": "", "version": 0})
    assert refused.status_code == 400 and b"Say why these are not the same person" in refused.content
    done = client.post(f"/review/pairs/{first.pk}/", {"decision": "match", "version": first.version})
    assert done.status_code == 302 and done["Location"] == "/review/next/"
    assert Pair.objects.get(pk=first.pk).state == PairState.MATCH

    stale = signed_in(User.objects.get(username="supervisor")).post(
        f"/review/pairs/{first.pk}/", {"decision": "unsure", "version": first.version}
    )
    assert stale.status_code == 409
    assert "already decided this pair: same person" in stale.content.decode()


@pytest.mark.django_db
def test_the_entity_page_shows_records_history_and_undoes_a_merge(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    client = signed_in(analyst)
    pair = next(
        p
        for p in selectors.pair_queue(viewer=analyst)  # pending pairs whose two records the analyst may see
        if selectors.canonical_get(viewer=None, entity_id=p.left_id)
        != selectors.canonical_get(viewer=None, entity_id=p.right_id)
    )
    result = services.judgement_decide(
        actor=analyst, pair_id=pair.pk, decision=Decision.MATCH, seen_version=pair.version
    )
    entity_id = selectors.canonical_get(viewer=None, entity_id=pair.left_id)
    page = client.get(f"/entities/{pair.right_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="merge-history"' in html and "Undo this decision" in html
    assert str(pair.left.record.record_key) in html and str(pair.right.record.record_key) in html

    no_reason = client.post(f"/entities/{entity_id}/undo/", {"judgement": result.judgement.pk, "reason": ""})
    assert no_reason.status_code == 400 and b"Say why the decision is undone" in no_reason.content
    undone = client.post(
        f"/entities/{entity_id}/undo/", {"judgement": result.judgement.pk, "reason": "Wrong person"}
    )
    assert undone.status_code == 302
    assert selectors.canonical_get(viewer=None, entity_id=pair.left_id) != selectors.canonical_get(
        viewer=None, entity_id=pair.right_id
    )
    assert Pair.objects.get(pk=pair.pk).state == PairState.PENDING


@pytest.mark.django_db
def test_a_partner_sees_only_its_own_records_of_a_merged_person(resolved: ResolutionRun) -> None:
    partner = User.objects.get(username="partner")
    theirs = RecordEntity.objects.filter(
        schema="Person", record__source__name="safeguarding-cheltenham"
    ).first()
    ours = RecordEntity.objects.filter(schema="Person", record__source__name="intel-gloucestershire").first()
    assert theirs is not None and ours is not None
    # The model resolves across every organisation's records (the analyst could not see the council's).
    left, right = services.pair_key(theirs.id, ours.id)
    judgement = Judgement.objects.create(
        left_id=left, right_id=right, decision=Decision.MATCH, model_version="test", probability=0.999
    )
    merged = Pair.objects.create(left_id=left, right_id=right, probability=0.999, judgement=judgement)
    services.pair_states_refresh(keys=[(left, right)])
    services.cluster_refresh(seed_ids=[left, right])
    assert selectors.canonical_get(viewer=None, entity_id=theirs.id) == selectors.canonical_get(
        viewer=None, entity_id=ours.id
    )

    client = signed_in(partner)
    page = client.get(f"/entities/{theirs.id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert ours.id not in html and ours.record.record_key not in html
    assert "Gloucestershire intelligence" not in html
    assert [m.id for m in page.context["view"].members] == [theirs.id]
    events = (
        client.get(f"/entities/{theirs.id}/events/", headers={"HX-Request": "true"}).context["view"].events
    )
    assert {e.record_id for e in events.items} == {theirs.record_id}
    assert client.get(f"/entities/{ours.id}/events/").status_code == 404
    links = client.get(f"/entities/{theirs.id}/links/", headers={"HX-Request": "true"}).context["view"]
    assert {r.entity.record_id for r in links.related} <= {theirs.record_id}
    assert client.get(f"/entities/{ours.id}/links/").status_code == 404
    assert page.context["view"].history.total == 0  # the merge names a record the partner may not see
    assert client.get(f"/entities/{ours.id}/").status_code == 404
    assert client.get(f"/entities/{ours.id}/decisions/").status_code == 404
    decisions = client.get(f"/entities/{theirs.id}/decisions/", headers={"HX-Request": "true"})
    assert decisions.status_code == 200 and decisions.context["view"].history.total == 0
    assert ours.id not in decisions.content.decode()
    assert client.get(f"/api/v1/resolution/entities/{ours.id}").status_code == 404
    api = client.get(f"/api/v1/resolution/entities/{theirs.id}").json()
    assert api["records"] == [theirs.record_id]
    assert selectors.display_id_get(viewer=partner, entity_id=ours.id) == theirs.id

    # Reviewing is for analysts: the queue, pairs and judging are refused to partners.
    assert client.get("/review/").status_code == 403
    assert client.get(f"/review/pairs/{merged.pk}/").status_code == 403
    assert client.get("/api/v1/resolution/queue").status_code == 403
    assert AuditEvent.objects.filter(actor=partner, action=AuditAction.PERMISSION_DENIED).exists()


@pytest.mark.django_db
def test_the_api_judges_with_versions_and_reasons(resolved: ResolutionRun) -> None:
    client = signed_in(User.objects.get(username="analyst"))
    queue = client.get("/api/v1/resolution/queue?limit=2").json()
    assert len(queue) == 2 and queue[0]["state"] == "pending"
    pair = queue[0]
    url = f"/api/v1/resolution/pairs/{pair['id']}/judgements"
    bad = client.post(
        url, {"decision": "no_match", "version": pair["version"]}, content_type="application/json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()["fields"]
    ok = client.post(
        url,
        {"decision": "no_match", "reason": "Different people", "version": pair["version"]},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["pair"]["state"] == "no_match"
    stale = client.post(
        url, {"decision": "match", "version": pair["version"]}, content_type="application/json"
    )
    assert stale.status_code == 409 and "already decided" in stale.json()["message"]
    undo = client.post(
        f"/api/v1/resolution/judgements/{ok.json()['id']}/undo",
        {"reason": "Misread"},
        content_type="application/json",
    )
    assert undo.status_code == 201 and undo.json()["pair"]["state"] == "pending"
    assert Judgement.objects.filter(decision=Decision.UNDO).count() == 1
    assert (
        client.post(
            "/api/v1/resolution/pairs/999999/judgements",
            {"decision": "match"},
            content_type="application/json",
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_runs_page_starts_a_run_in_the_background(resolved: ResolutionRun) -> None:
    client = signed_in(User.objects.get(username="analyst"))
    page = client.get("/review/runs/")
    assert page.status_code == 200 and b"Full run" in page.content
    started = client.post("/review/runs/", {"kind": "incremental"})
    assert started.status_code == 302
    latest = ResolutionRun.objects.order_by("-id").first()
    assert latest is not None and latest.kind == "incremental" and latest.status == "done"
    assert latest.new_records == 0


@pytest.mark.django_db
def test_the_parts_a_person_page_opens_answer_bad_ids_and_page_numbers_plainly(
    resolved: ResolutionRun,
) -> None:
    client = signed_in(User.objects.get(username="analyst"))
    pair = Pair.objects.first()
    assert pair is not None
    refusals = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).count
    before = refusals()
    for part in ("links", "events", "decisions"):
        for bad in ("no-such-record", "x" * 300, "..%2F..%2Fetc"):
            answer = client.get(f"/entities/{bad}/{part}/")
            assert answer.status_code == 404, (part, bad)  # refused as absent, and audited
        assert client.get(f"/entities/%00/{part}/").status_code == 400  # bad input (the middleware)
        for number in ("0", "-3", "zzz", "99999", "1e9"):
            param = "events_page" if part == "events" else "page"
            answer = client.get(f"/entities/{pair.left_id}/{part}/?{param}={number}")
            assert answer.status_code == 200, (part, number)
    # Every refusal of an id is in the audit log; "../../etc" is no address of these pages at all.
    assert refusals() == before + 6
