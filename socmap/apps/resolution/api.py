"""Resolution over the API: the review queue, judging a pair, undoing a decision, reading an entity."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from socmap.apps.core.auth import viewer
from socmap.apps.core.models import User
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.core.services import require_role
from socmap.apps.intel import selectors as intel_selectors
from socmap.apps.intel.ftm_web import FtmExportIn
from socmap.apps.resolution import ftm, search, selectors, services
from socmap.apps.resolution.models import Pair
from socmap.apps.resolution.schemas import (
    EntityOut,
    JudgementIn,
    JudgementOut,
    PairOut,
    PersonHitOut,
    UndoIn,
)

router = Router(tags=["resolution"])


def _pair(p: Pair) -> dict[str, object]:
    return {
        "id": p.pk,
        "left": p.left_id,
        "right": p.right_id,
        "left_name": p.left.caption,
        "right_name": p.right.caption,
        "probability": p.probability,
        "state": p.state,
        "version": p.version,
    }


@router.get(
    "/resolution/queue", response={200: list[PairOut], 403: ErrorOut}, operation_id="resolution_queue"
)
def queue(request: HttpRequest, limit: int = 50) -> list[dict[str, object]]:
    """Pairs awaiting review that the caller may see both sides of, most uncertain first."""
    user = viewer(request)
    require_role(user, *services.JUDGES, action="review possible matches")
    return [_pair(p) for p in selectors.pair_queue_list(viewer=user, limit=limit)]


@router.post(
    "/resolution/pairs/{pair_id}/judgements",
    response={201: JudgementOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="resolution_judge",
)
def judge(request: HttpRequest, pair_id: int, body: JudgementIn) -> Status[dict[str, object]]:
    """Decide a pair. Send the pair's ``version`` as you saw it: a stale decision answers 409 with theirs."""
    user = viewer(request)
    result = services.judgement_decide(
        actor=user,
        pair_id=pair_id,
        decision=body.decision,
        reason=body.reason,
        seen_version=body.version,
    )
    return Status(201, _judgement(result, user))


@router.post(
    "/resolution/judgements/{judgement_id}/undo",
    response={201: JudgementOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="resolution_undo",
)
def undo(request: HttpRequest, judgement_id: int, body: UndoIn) -> Status[dict[str, object]]:
    user = viewer(request)
    result = services.judgement_undo(
        actor=user, judgement_id=judgement_id, reason=body.reason, seen_version=body.version
    )
    return Status(201, _judgement(result, user))


def _judgement(result: services.JudgementResult, actor: User) -> dict[str, object]:
    return {
        "id": result.judgement.pk,
        "decision": result.judgement.decision,
        "pair": _pair(result.pair),
        "left_entity": selectors.canonical_get(viewer=actor, entity_id=result.pair.left_id),
        "right_entity": selectors.canonical_get(viewer=actor, entity_id=result.pair.right_id),
    }


@router.get(
    "/resolution/entities/{entity_id}",
    response={200: EntityOut, 404: ErrorOut},
    operation_id="resolution_entity",
)
def entity(
    request: HttpRequest, entity_id: str, justification: str = "API read", events_page: int = 1
) -> dict[str, object]:
    """A canonical entity as the caller may see it (a logged consultation): its own values and those of
    the addresses, phones, vehicles and accounts its records link it to; the events its records link
    it to, newest first, a page at a time."""
    view = selectors.entity_get(
        viewer=viewer(request),
        entity_id=entity_id,
        justification=justification,
        events_page=max(1, events_page),
    )
    return {
        "id": view.canonical_id,
        "schema_name": view.entity.schema,
        "caption": view.caption,
        "records": sorted({m.record_id for m in view.members}),
        "conditions": list(view.conditions),
        "values": [
            {
                "prop": prop,
                "value": v.value,
                "grading": v.grading,
                "handling": v.handling,
                "source": v.source,
                "record_id": v.record_id,
            }
            for prop, values in view.values
            for v in values
        ],
        "events": [
            {
                "id": e.entity_id,
                "schema_name": e.schema,
                "date": e.date,
                "time": e.time,
                "summary": e.summary,
                "description": e.description,
                "reference": e.reference,
                "grading": e.grading,
                "handling": e.handling,
                "source": e.source,
                "record_id": e.record_id,
            }
            for e in view.events.items
        ],
        "events_total": view.events.total,
    }


@router.post(
    "/resolution/entities/{entity_id}/export.ftm",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    operation_id="resolution_entity_export_ftm",
)
def entity_export_ftm(request: HttpRequest, entity_id: str, payload: FtmExportIn) -> HttpResponse:
    """A person as FollowTheMoney JSON lines (a disclosure, audited): every record of them the caller
    may see with the FtM id and values it came with, what they link to and the links; ``canonical``:
    the resolved person too, naming the records it merges as ``referents``."""
    lines = ftm.person_export(
        viewer=viewer(request),
        entity_id=entity_id,
        justification=payload.justification,
        canonical=payload.canonical,
        cleaned=payload.cleaned,
    )
    return HttpResponse("".join(lines), content_type="application/x-ndjson")


@router.get(
    "/resolution/people",
    response={200: list[PersonHitOut], 400: ErrorOut},
    operation_id="resolution_people_search",
)
def people(
    request: HttpRequest,
    name: str = "",
    birth_date: str = "",
    postcode: str = "",
    phone: str = "",
    vrm: str = "",
    justification: str = "API search",
) -> list[dict[str, object]]:
    """People, not records: one per resolved person, the best first (a logged consultation). Dates
    of birth as typed in the UK (15/09/1957, 15 Sep 1957, Sept 1957, 1957)."""
    user = viewer(request)
    query = search.PeopleQuery(name=name, birth_date=birth_date, postcode=postcode, phone=phone, vrm=vrm)
    hits = search.people_search(viewer=user, query=query)
    intel_selectors.search_audit(
        actor=user, query=query, justification=justification, results=len(hits), of="people"
    )
    return [
        {
            "id": h.id,
            "name": h.name,
            "other_names": list(h.other_names),
            "birth_dates": list(h.birth_dates),
            "postcodes": list(h.postcodes),
            "records": h.records,
            "sources": list(h.sources),
            "score": round(h.score, 3),
        }
        for h in hits
    ]
