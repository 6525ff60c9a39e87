"""What every lifetime service shares: the catalogue, who may change a plan, the plan's timeline,
refusals (always audited) and the people a plan manages."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django.conf import settings

from socmap.apps.core import clock
from socmap.apps.core.models import Organisation, PartnerType, Role, User
from socmap.apps.core.refusal import refuse as core_refuse
from socmap.apps.core.visibility import decide, organisation_sees
from socmap.apps.lifetime.models import Plan, PlanEvent
from socmap.apps.network import selectors as network
from socmap.apps.resolution import selectors as resolution
from socmap.engines import lifetime
from socmap.errors import InvalidInput, NotAllowed

MAX_TEXT = 5000


def catalogue_path() -> Path:
    """The catalogue in use: ``SOCMAP_LIFETIME_CATALOGUE`` or the one socmap ships."""
    return Path(getattr(settings, "SOCMAP_LIFETIME_CATALOGUE", "") or lifetime.DEFAULT_CATALOGUE)


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> lifetime.Catalogue:
    return lifetime.load_catalogue(path, owner_types=PartnerType.values)


def catalogue() -> lifetime.Catalogue:
    """The catalogue of orders and powers, read once per file change and checked at load."""
    path = catalogue_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load(str(path), mtime)


def refuse(
    actor: User, action: str, obj: Any = None, fields: dict[str, list[str]] | None = None
) -> NotAllowed:
    """A refusal the actor may know of (they see the object), logged once: the caller raises it."""
    exc = core_refuse(actor, f"You may not {action}", hidden=False, obj=obj, reason=action, fields=fields)
    assert isinstance(exc, NotAllowed)
    return exc


def see_or_hide(actor: User, obj: Any, label: str) -> None:
    """The object must be visible to the actor; otherwise it does not exist for them (logged)."""
    decision = decide(actor, obj)
    if not decision.visible:
        raise core_refuse(actor, f"No such {label}", obj=obj, reason=decision.reason)


def is_supervisor_of(actor: User, organisation_id: int) -> bool:
    return actor.organisation_id == organisation_id and actor.has_role(Role.SUPERVISOR)


def may_manage(actor: User, plan: Plan) -> bool:
    """The plan's LRO and deputy, and supervisors of the organisation that owns it, change it."""
    return actor.pk in (plan.lro_id, plan.deputy_id) or is_supervisor_of(actor, plan.owner_id)


def require_manager(actor: User, plan: Plan, action: str) -> None:
    see_or_hide(actor, plan, "plan")
    if not may_manage(actor, plan):
        raise refuse(
            actor,
            f"{action} on the plan for {plan.title}: only its LRO, deputy or a supervisor of "
            f"{plan.owner.name} may",
            plan,
        )


def event(plan: Plan, actor: User | None, kind: str, text: str) -> None:
    PlanEvent.objects.create(plan=plan, at=clock.now(), actor=actor, kind=kind, text=text[:MAX_TEXT])


def text(value: str, field: str, label: str, problems: dict[str, list[str]], *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        problems.setdefault(field, []).append(f"Enter {label}")
    elif len(cleaned) > MAX_TEXT:
        problems.setdefault(field, []).append(f"Use {MAX_TEXT} characters or fewer")
    return cleaned


def person_entities(plan: Plan) -> list[str]:
    """The record entities of the people a plan manages: a group's current members, or the
    individual. Visibility is applied by the caller (``resolution.person_label_map``)."""
    if plan.ocg_id:
        return [e for e, _ in network.ocg_members(ocg_ids=[plan.ocg_id]).get(plan.ocg_id, [])]
    return [plan.individual.entity_id] if plan.individual is not None else []


def managed_person(actor: User, plan: Plan, entity_id: str, problems: dict[str, list[str]]) -> str:
    """The caption of a person the plan manages and the actor may see; a problem otherwise."""
    if not entity_id:
        problems.setdefault("entity_id", []).append("Choose the person")
        return ""
    members = person_entities(plan)
    labels = resolution.person_label_map(viewer=actor, entity_ids=members)
    shown = dict(labels.values())
    by_member = {e: labels[e] for e in members if e in labels}
    if entity_id in by_member:
        return by_member[entity_id][1]
    if entity_id in shown:
        return shown[entity_id]
    problems.setdefault("entity_id", []).append(
        f"Choose one of the people managed under the plan for {plan.title}"
    )
    return ""


def shared_with(organisation: Organisation, obj: Any, owner: Organisation) -> str:
    """Why ``organisation`` could not see ``obj`` (a problem message), or "" when it could."""
    if organisation_sees(organisation.pk, obj).visible:
        return ""
    place = f"the {obj.compartment.name} compartment" if obj.compartment_id else "general items"
    return (
        f"{organisation.name} has no sharing agreement in force with {owner.name} covering {place} with "
        f"handling code {obj.handling}: record and approve one first, or choose another owner"
    )


def require_input(problems: dict[str, list[str]], message: str) -> None:
    if problems:
        raise InvalidInput(message, fields=problems)
