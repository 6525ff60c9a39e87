"""Bulk decisions on a review item (every pair between the people it is about) and their undo.

A bulk decision is one judgement per pair, made together: the same append-only judgements as a
decision on one pair (ADR 3), written in one transaction, recomputing the clusters they touch once
and audited as one event that names every judgement. Its undo is one undo judgement per pair that
still stands as decided, so the pairs return to the decisions that stood before and the clusters,
recomputed from them, are exactly what they were (the canonical id is the smallest member id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BigIntegerField, Case, F, Value, When

from socmap.apps.core.audit import audit_record
from socmap.apps.core.chain import JUDGEMENT_CHAIN, chain_seal
from socmap.apps.core.models import AuditAction, User
from socmap.apps.core.services import require_role
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Decision, Judgement, Membership, Pair, PairState
from socmap.apps.resolution.selectors.caches import canonical_map
from socmap.apps.resolution.selectors.review_group import QueuePair
from socmap.apps.resolution.services.caches import cluster_refresh, pair_states_refresh
from socmap.apps.resolution.services.common import JUDGES
from socmap.apps.resolution.services.judgements import _require_reason
from socmap.apps.resolution.services.learning import VERSION, rescore
from socmap.engines import resolve
from socmap.errors import Conflict, InvalidInput, NotVisible

#: The most pairs one bulk decision may cover (an item larger than this is decided in parts).
BATCH_LIMIT = 200
#: The most judgements one undo may reverse: a decision's pairs and those that followed its pattern.
UNDO_LIMIT = 5000
#: The reason written on a pair decided because it repeats the pattern of a decision.
PATTERN = "Follows the decision about these people"


@dataclass(frozen=True)
class BatchResult:
    judgements: tuple[Judgement, ...]
    clusters: resolve.ClusterResult
    #: Pairs decided with it because they repeat its pattern, and pairs its re-scoring settled.
    pattern: int = 0
    rescored: int = 0

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(j.pk for j in self.judgements)


def _pattern(actor: User, pairs: list[Pair], decision: str, left_out: set[int]) -> dict[int, int]:
    """The other pending pairs a decision about people settles (pair id -> version): "same person"
    makes one person of every person its pairs touch, so each pair among their records follows;
    "not the same" says every pair between the two people is not the same. Not the pairs the
    analyst was shown and left out (``left_out``), and only pairs whose two records the analyst may
    see: a decision never reaches what its maker cannot see."""
    if decision not in (Decision.MATCH, Decision.NO_MATCH):
        return {}
    ends = {i for p in pairs for i in (p.left_id, p.right_id)}
    person = canonical_map(viewer=actor, entity_ids=ends)
    people = {person.get(i, i) for i in ends}
    members = {i: i for i in people} | dict(
        Membership.objects.filter(canonical_id__in=sorted(people)).values_list("entity_id", "canonical_id")
    )
    couples = {
        frozenset((person.get(p.left_id, p.left_id), person.get(p.right_id, p.right_id))) for p in pairs
    }
    skip = left_out | {p.pk for p in pairs}
    found: dict[int, tuple[int, str, str]] = {}
    for pk, left, right, version in Pair.objects.filter(
        state=PairState.PENDING, left_id__in=sorted(members), right_id__in=sorted(members)
    ).values_list("id", "left_id", "right_id", "version"):
        couple = frozenset((members[left], members[right]))
        if pk not in skip and len(couple) == 2 and (decision == Decision.MATCH or couple in couples):
            found[pk] = (version, left, right)
    if not found:
        return {}
    seen = reads.entities_visible(viewer=actor, ids={i for _, a, b in found.values() for i in (a, b)})
    return {pk: version for pk, (version, a, b) in found.items() if a in seen and b in seen}


def _locked_pairs(actor: User, versions: dict[int, int]) -> list[Pair]:
    pairs = list(Pair.objects.select_for_update().filter(pk__in=sorted(versions)).order_by("pk"))
    # One read of the rule for every record (``can_see`` per record read the grants each time).
    records = {i for p in pairs for i in (p.left_id, p.right_id)}
    if len(pairs) != len(versions) or reads.entities_visible(viewer=actor, ids=records) != records:
        raise NotVisible(
            "Some of these pairs no longer exist (a record was erased or a new run replaced them). "
            "Return to the review queue."
        )
    stale = [p for p in pairs if p.version != versions[p.pk]]
    if stale:
        raise Conflict(
            f"{len(stale)} of these pairs changed while you were looking at them (someone else decided). "
            "Nothing was recorded: review the item again."
        )
    return pairs


def _insert(rows: list[Judgement]) -> list[Judgement]:
    """New judgements in one statement, each with its link in the hash chain (as ``save`` gives one)."""
    chain_seal(JUDGEMENT_CHAIN, rows)
    return Judgement.objects.bulk_create(rows)


def _stand(pairs: list[Pair], judgements: list[Judgement]) -> None:
    """Each pair's new judgement stands on it: a statement per decision bumps the versions and sets
    the states. A new decision by a user is the latest by a user and undone by none, and a pending
    pair has no user's decision standing, so the model's new judgement is the latest that counts
    (``standing_judgement``): no history needs reading, as an undo's does."""
    rows: dict[tuple[str, bool], list[tuple[int, int]]] = defaultdict(list)
    for pair, judgement in zip(pairs, judgements, strict=True):
        rows[(judgement.decision, judgement.user_id is not None)].append((pair.pk, judgement.pk))
    for (decision, by_user), chosen in rows.items():
        Pair.objects.filter(pk__in=[pk for pk, _ in chosen]).update(
            version=F("version") + 1,
            state=decision,
            decided_by_user=by_user,
            judgement_id=Case(
                *(When(pk=pk, then=Value(j)) for pk, j in chosen), output_field=BigIntegerField()
            ),
        )


def _store(
    actor: User,
    pairs: list[Pair],
    judgements: list[Judgement],
    detail: dict[str, object],
    *,
    stands: bool = False,
) -> BatchResult:
    """Bump each pair's version, refresh their states and the clusters they touch, audit once.
    ``stands``: each judgement is a new decision that stands on its pair (``_stand``)."""
    if stands:
        _stand(pairs, judgements)
    else:
        # The pairs are locked and their versions checked (``_locked_pairs``): one statement bumps them.
        Pair.objects.filter(pk__in=[p.pk for p in pairs]).update(version=F("version") + 1)
        pair_states_refresh(keys=[(p.left_id, p.right_id) for p in pairs])
    clusters = cluster_refresh(seed_ids=sorted({i for p in pairs for i in (p.left_id, p.right_id)}))
    first = judgements[0]
    audit_record(
        AuditAction.COMBINATION,
        actor=actor,
        obj=first,
        justification=str(detail.pop("justification")),
        detail={**detail, "judgements": [j.pk for j in judgements], "pairs": [p.pk for p in pairs]},
    )
    return BatchResult(tuple(judgements), clusters)


def judgement_batch_decide(
    *,
    actor: User,
    versions: dict[int, int],
    decision: str,
    reason: str = "",
    left_out: Iterable[int] = (),
    around: Collection[QueuePair] | None = None,
) -> BatchResult:
    """One decision on every pair of ``versions`` (pair id -> the version the user saw), and on the
    pending pairs that repeat its pattern (``_pattern``; ``left_out``: pairs shown and not chosen),
    audited as such and undone with it; then the pending pairs around its people re-scored
    (``learning.rescore``). ``around``: the pending pairs of the decided people as the review queue
    holds them for the actor (the item's group), when the caller has it: the re-score takes them
    instead of reading them, and when the decision and its pattern decide them all it is spared.

    Refused whole, storing nothing, when any pair changed since it was shown. "Not the same" and
    overturning a merge the model made need a reason, as for one pair.
    """
    _batch_allowed(actor, versions, decision)
    with transaction.atomic():
        pairs = _locked_pairs(actor, versions)
        pattern = _pattern(actor, pairs, decision, set(left_out))
        following = _locked_pairs(actor, pattern) if pattern else []
        overturns = any(
            p.state == PairState.MATCH and not p.decided_by_user and decision != Decision.MATCH for p in pairs
        )
        if decision == Decision.NO_MATCH:
            reason = _require_reason(reason, "Say why these are not the same person")
        elif overturns:
            reason = _require_reason(reason, "Say why you overturn the model's match")
        reason = (reason or "").strip()
        judgements = _insert(
            [
                Judgement(
                    left_id=p.left_id,
                    right_id=p.right_id,
                    decision=decision,
                    user=actor,
                    probability=p.probability,
                    reason=reason if n < len(pairs) else f"{PATTERN}: {reason}".strip(": "),
                )
                for n, p in enumerate([*pairs, *following])
            ]
        )
        label = Decision(decision).label
        stored = _store(
            actor,
            [*pairs, *following],
            judgements,
            {
                "justification": f"{label} ({len(pairs)} pairs): {reason}".strip(": "),
                "decision": decision,
                # Pairs decided because they repeat this decision's pattern, audited as such.
                "pattern": [p.pk for p in following],
            },
            stands=True,
        )
        decided = [*pairs, *following]
        done = {p.pk for p in decided}
        left = None if around is None else [p for p in around if p.id not in done]
        settled = (
            _rescored(actor, decided, judgements[0], joined=decision == Decision.MATCH, pending=left)
            if left != []
            else None
        )
        return BatchResult(
            (*stored.judgements, *(settled.judgements if settled else ())),
            settled.clusters if settled else stored.clusters,
            pattern=len(following),
            rescored=len(settled.judgements) if settled else 0,
        )


def _batch_allowed(actor: User, versions: dict[int, int], decision: str) -> None:
    """Refuse a batch decision the actor may not make, or one that is not a decision on 1 to
    ``BATCH_LIMIT`` pairs."""
    require_role(actor, *JUDGES, action="judge possible matches")
    if decision not in (Decision.MATCH, Decision.NO_MATCH, Decision.UNSURE):
        raise InvalidInput(
            f"Unknown decision {decision!r}",
            fields={"decision": ["Choose same person, not the same, or unsure"]},
        )
    if not versions:
        raise InvalidInput("Choose at least one pair", fields={"pairs": ["Choose at least one pair"]})
    if len(versions) > BATCH_LIMIT:
        raise InvalidInput(
            f"At most {BATCH_LIMIT} pairs in one decision",
            fields={"pairs": [f"Choose at most {BATCH_LIMIT}"]},
        )


def _rescored(
    actor: User, pairs: list[Pair], decision: Judgement, *, joined: bool, pending: list[QueuePair] | None
) -> BatchResult | None:
    """Re-score the pending pairs around the people the decision touched (``learning.rescore``)
    and judge those it settles, by the model with its reason, audited as following the decision."""
    found = rescore(
        actor=actor,
        seeds={i for p in pairs for i in (p.left_id, p.right_id)},
        joined=joined,
        pending=None if pending is None else [(p.id, p.left_id, p.right_id, p.version) for p in pending],
    )
    if not found:
        return None
    by_pair = {r.pair_id: r for r in found}
    # A pair someone decided since it was read is left as they decided it: the analyst never saw
    # these pairs, so a change to one must not refuse their decision (as ``_locked_pairs`` would).
    locked = [
        p
        for p in Pair.objects.select_for_update()
        .filter(pk__in=sorted(by_pair))
        .only("id", "left_id", "right_id", "version", "state")
        .order_by("pk")
        if p.version == by_pair[p.pk].version and p.state == PairState.PENDING
    ]
    if not locked:
        return None
    judgements = _insert(
        [
            Judgement(
                left_id=p.left_id,
                right_id=p.right_id,
                decision=by_pair[p.pk].decision,
                model_version=VERSION,
                probability=by_pair[p.pk].probability,
                reason=by_pair[p.pk].reason,
            )
            for p in locked
        ]
    )
    return _store(
        actor,
        locked,
        judgements,
        {
            "justification": f"{len(locked)} pairs re-scored after a decision about their people",
            "follows": decision.pk,
            "rescored": {str(p.pk): round(by_pair[p.pk].probability, 4) for p in locked},
        },
        stands=True,
    )


def judgement_batch_undo(*, actor: User, judgement_ids: list[int], reason: str) -> BatchResult:
    """Undo every judgement of a bulk decision that still stands; refused whole when one does not."""
    require_role(actor, *JUDGES, action="undo match decisions")
    reason = _require_reason(reason, "Say why the decision is undone")
    if not judgement_ids or len(judgement_ids) > UNDO_LIMIT:
        raise InvalidInput("No decision to undo", fields={"judgements": ["Choose a decision to undo"]})
    with transaction.atomic():
        targets = {j.pk: j for j in Judgement.objects.filter(pk__in=judgement_ids)}
        keyed = {(j.left_id, j.right_id): j for j in targets.values()}
        found = {
            p.pk: p.version
            for p in Pair.objects.filter(left_id__in=sorted({k[0] for k in keyed}))
            if (p.left_id, p.right_id) in keyed
        }
        if len(targets) != len(set(judgement_ids)) or len(found) != len(targets):
            raise NotVisible("No such decision, or its records no longer exist")
        pairs = _locked_pairs(actor, found)
        if any(p.judgement_id != keyed[(p.left_id, p.right_id)].pk for p in pairs):
            raise Conflict(
                "Part of this decision no longer stands (it was undone or decided again), "
                "so it cannot be undone as a whole. Undo the pairs one by one from the person's page."
            )
        undos = _insert(
            [
                Judgement(
                    left_id=p.left_id,
                    right_id=p.right_id,
                    decision=Decision.UNDO,
                    user=actor,
                    reason=reason,
                    undoes=keyed[(p.left_id, p.right_id)],
                )
                for p in pairs
            ]
        )
        return _store(
            actor,
            pairs,
            undos,
            {
                "justification": f"Undo of a decision on {len(pairs)} pairs: {reason}",
                "undoes": sorted(targets),
            },
        )
