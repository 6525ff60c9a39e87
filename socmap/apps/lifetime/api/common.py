"""What the lifetime API's modules share: the router, the errors they document, and picking users,
organisations and plans out as JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from socmap.apps.core import selectors as core
from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Organisation, User
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.lifetime import selectors
from socmap.apps.lifetime.models import Plan
from socmap.apps.workforce.selectors import TrainingState
from socmap.engines import lifetime
from socmap.errors import InvalidInput

router = Router(tags=["lifetime"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None


def _user(request: HttpRequest, username: str, field: str) -> User | None:
    if not username:
        return None
    me = viewer(request)
    ids = list(core.organisation_list(viewer=me).values_list("pk", flat=True))
    found = core.user_choices(viewer=me, organisation_ids=ids).filter(username=username).first()
    if found is None:
        raise InvalidInput(f"No user called {username!r}", fields={field: ["Unknown user"]})
    return found


def _organisation(request: HttpRequest, slug: str, field: str) -> Organisation | None:
    if not slug:
        return None
    found = core.organisation_list(viewer=viewer(request)).filter(slug=slug).first()
    if found is None:
        raise InvalidInput(f"No organisation {slug!r}", fields={field: ["Unknown organisation"]})
    return found


def _plan_out(p: Plan, counts: dict[int, tuple[int, int]], band: str = "") -> dict[str, Any]:
    open_, overdue = counts.get(p.pk, (0, 0))
    return {
        "id": p.pk,
        "title": p.title,
        "kind": p.kind,
        "owner": p.owner.name,
        "ocg_id": p.ocg_id,
        "individual_id": p.individual_id,
        "lro": _name(p.lro),
        "deputy": _name(p.deputy),
        "next_review_on": p.next_review_on,
        "review": selectors.review_state(p),
        "band": band,
        "open_actions": open_,
        "overdue_actions": overdue,
    }


def _figures(officer: User, row: lifetime.WorkloadRow, training: TrainingState | None) -> dict[str, Any]:
    return {
        "officer": officer.username,
        "groups": row.groups,
        "individuals": row.individuals,
        "deputy_for": row.deputy_for,
        "open_actions": row.open_actions,
        "overdue_actions": row.overdue_actions,
        "overdue_reviews": row.overdue_reviews,
        "weighted_subjects": row.weighted_subjects,
        "weighted_actions": row.weighted_actions,
        "weighted_overdue_reviews": row.weighted_overdue_reviews,
        "training": training.state if training else None,
        "training_expires_on": training.expires_on if training else None,
    }
