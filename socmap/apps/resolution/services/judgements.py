"""Users' judgements on pairs: decide, undo, merge two records the model never paired. Each is
stored append-only, recomputes exactly the clusters it touches and is audited in its transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, User
from socmap.apps.core.services import require_role
from socmap.apps.core.visibility import can_see
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Decision, Judgement, Pair, PairState
from socmap.apps.resolution.services.caches import cluster_refresh, pair_states_refresh
from socmap.apps.resolution.services.common import JUDGES, pair_key
from socmap.engines import resolve
from socmap.errors import Conflict, InvalidInput, NotVisible


@dataclass(frozen=True)
class JudgementResult:
    judgement: Judgement
    pair: Pair
    clusters: resolve.ClusterResult


def _require_reason(reason: str, why: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(why, fields={"reason": [why]})
    if len(text) > 2000:
        raise InvalidInput(
            "The reason is too long", fields={"reason": ["Keep the reason under 2,000 characters"]}
        )
    return text


def _pair_for(actor: User, pair_id: int, *, lock: bool) -> Pair:
    query = Pair.objects.select_related("left", "right", "judgement__user")
    if lock:
        query = query.select_for_update(of=("self",))
    pair = query.filter(pk=pair_id).first()
    if pair is None:
        raise NotVisible(
            "This pair no longer exists: one of its records was erased, or a new run replaced it. "
            "Return to the review queue."
        )
    if not (can_see(actor, pair.left) and can_see(actor, pair.right)):
        raise NotVisible("No such pair")
    return pair


def _stale(pair: Pair) -> Conflict:
    standing = pair.judgement
    if standing is None:
        return Conflict("This pair changed while you were looking at it. Review it again.")
    who = standing.user.get_full_name() or standing.user.username if standing.user else "The model"
    return Conflict(
        f"{who} already decided this pair: {standing.get_decision_display().lower()} "
        f"({timezone.localtime(standing.created_at):%d %b %Y %H:%M}). Their decision stands; "
        "review it and judge again if you disagree."
    )


def judgement_decide(
    *,
    actor: User,
    pair_id: int,
    decision: str,
    reason: str = "",
    seen_version: int | None = None,
) -> JudgementResult:
    """Record a user's decision on a pair, then recompute the clusters it touches.

    ``seen_version`` is the pair's version when the user looked at it: if someone else decided in
    between, the decision is refused with theirs, and nothing is stored. A no-match, or overturning
    the model's merge, needs a reason.
    """
    require_role(actor, *JUDGES, action="judge possible matches")
    if decision not in (Decision.MATCH, Decision.NO_MATCH, Decision.UNSURE):
        raise InvalidInput(
            f"Unknown decision {decision!r}",
            fields={"decision": ["Choose same person, not the same, or unsure"]},
        )
    with transaction.atomic():
        pair = _pair_for(actor, pair_id, lock=True)
        if seen_version is not None and pair.version != seen_version:
            raise _stale(pair)
        overturns_model = (
            pair.state == PairState.MATCH and not pair.decided_by_user and decision != Decision.MATCH
        )
        if decision == Decision.NO_MATCH:
            reason = _require_reason(reason, "Say why these are not the same person")
        elif overturns_model:
            reason = _require_reason(reason, "Say why you overturn the model's match")
        judgement = Judgement.objects.create(
            left_id=pair.left_id,
            right_id=pair.right_id,
            decision=decision,
            user=actor,
            probability=pair.probability,
            reason=reason.strip(),
        )
        return _apply(actor, pair, judgement, f"{Decision(decision).label}: {reason.strip()}".strip(": "))


def judgement_undo(
    *, actor: User, judgement_id: int, reason: str, seen_version: int | None = None
) -> JudgementResult:
    """Reverse the standing decision on a pair with a new judgement; the pair returns to its earlier state."""
    require_role(actor, *JUDGES, action="undo match decisions")
    reason = _require_reason(reason, "Say why the decision is undone")
    with transaction.atomic():
        target = Judgement.objects.filter(pk=judgement_id).first()
        pair_id = (
            Pair.objects.filter(left_id=target.left_id, right_id=target.right_id)
            .values_list("id", flat=True)
            .first()
            if target
            else None
        )
        if target is None or pair_id is None:
            raise NotVisible("No such decision, or its records no longer exist")
        pair = _pair_for(actor, pair_id, lock=True)
        if seen_version is not None and pair.version != seen_version:
            raise _stale(pair)
        if pair.judgement_id != target.id:
            raise Conflict(
                "This decision no longer stands (it was already undone or decided again), "
                "so it cannot be undone."
            )
        judgement = Judgement.objects.create(
            left_id=pair.left_id,
            right_id=pair.right_id,
            decision=Decision.UNDO,
            user=actor,
            reason=reason,
            undoes=target,
        )
        return _apply(actor, pair, judgement, f"Undo {target.get_decision_display().lower()}: {reason}")


def _apply(actor: User, pair: Pair, judgement: Judgement, justification: str) -> JudgementResult:
    updated = Pair.objects.filter(pk=pair.pk, version=pair.version).update(version=pair.version + 1)
    if updated != 1:
        raise _stale(Pair.objects.select_related("judgement__user").get(pk=pair.pk))
    pair_states_refresh(keys=[(pair.left_id, pair.right_id)])
    pair.refresh_from_db()
    clusters = cluster_refresh(seed_ids=[pair.left_id, pair.right_id])
    audit_record(
        AuditAction.COMBINATION,
        actor=actor,
        obj=judgement,
        justification=justification,
        detail={
            "left": pair.left_id,
            "right": pair.right_id,
            "decision": judgement.decision,
            "undoes": judgement.undoes_id,
            "probability": pair.probability,
            "state": pair.state,
        },
    )
    return JudgementResult(judgement, pair, clusters)


def person_merge(*, actor: User, left_id: str, right_id: str, reason: str) -> JudgementResult:
    """Join two records the model never paired (an analyst's own finding): a new pair and a match."""
    require_role(actor, *JUDGES, action="merge people")
    reason = _require_reason(reason, "Say why these are the same person")
    if left_id == right_id:
        raise InvalidInput(
            "A record cannot be merged with itself", fields={"other": ["Choose another record"]}
        )
    left, right = pair_key(left_id, right_id)
    if len(reads.entity_list(viewer=actor, ids=[left, right], schemas={"Person"})) != 2:
        raise NotVisible("No such person record")
    with transaction.atomic():
        pair, _ = Pair.objects.get_or_create(left_id=left, right_id=right, defaults={"uncertainty": 0.5})
    return judgement_decide(
        actor=actor, pair_id=pair.pk, decision=Decision.MATCH, reason=reason, seen_version=pair.version
    )
