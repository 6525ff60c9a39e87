"""Resolution runs, judgements, undo, and the caches (pairs, memberships) rebuilt from them.

The engine (``socmap.engines.resolve``) scores and clusters; this module decides what is stored:
model judgements for pairs above the upper threshold, review pairs between the thresholds, user
judgements with reasons, and memberships recomputed for exactly the records a judgement touches.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from socmap.apps.core.audit import audit_record
from socmap.apps.core.bulk import WRITE_BATCH, chunks, executemany
from socmap.apps.core.chain import JUDGEMENT_CHAIN, chain_extend
from socmap.apps.core.models import AuditAction, Role, User
from socmap.apps.core.services import require_role, run_finished
from socmap.apps.core.visibility import can_see
from socmap.apps.intel import reads
from socmap.apps.resolution.models import (
    Decision,
    Judgement,
    Membership,
    Pair,
    PairState,
    ResolutionRun,
    RunKind,
    RunStatus,
)
from socmap.apps.resolution.selectors import cluster_pairs, component
from socmap.engines import resolve
from socmap.errors import ConfigurationError, Conflict, InvalidInput, InvalidModel, NotVisible, SocmapError

Progress = Callable[[str], None]
JUDGES = (Role.ANALYST, Role.SUPERVISOR)
#: Object schemas resolved by normalised identifier (no model): the engine's kind for each.
OBJECT_KINDS = {"Phone": "phone", "Vehicle": "vehicle", "BankAccount": "account", "Company": "company"}
BATCH = WRITE_BATCH


def config() -> resolve.ResolveConfig:
    """Thresholds come from settings (``SOCMAP_RESOLVE_UPPER`` / ``_LOWER``); defaults are the engine's."""
    default = resolve.ResolveConfig()
    upper = float(getattr(settings, "SOCMAP_RESOLVE_UPPER", default.upper_threshold))
    lower = float(getattr(settings, "SOCMAP_RESOLVE_LOWER", default.lower_threshold))
    if not 0.0 < lower < upper <= 1.0:
        raise ConfigurationError(
            f"SOCMAP_RESOLVE_LOWER ({lower}) must be above 0 and below SOCMAP_RESOLVE_UPPER ({upper}), "
            "which must be at most 1"
        )
    return resolve.ResolveConfig(upper_threshold=upper, lower_threshold=lower)


def model_dir() -> Path:
    path = Path(settings.VAR_DIR) / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


# --------------------------------------------------------------------------------------------- runs


def resolution_run(
    *,
    actor: User | None,
    kind: str = RunKind.FULL,
    retrain: bool = False,
    progress: Progress | None = None,
) -> ResolutionRun:
    """Score person records, store model judgements and review pairs, rebuild memberships.

    ``full`` scores every pair (training a model first when there is none or ``retrain``);
    ``incremental`` scores only records new since the last completed run against the rest, with the
    saved model. Decisions already made (by users or earlier runs) are kept, never overridden.
    """
    if actor is not None:
        require_role(actor, *JUDGES, action="run entity resolution")
    cfg = config()
    say = progress or (lambda _msg: None)
    previous = ResolutionRun.objects.filter(status=RunStatus.DONE).order_by("-id").first()
    if kind == RunKind.INCREMENTAL and previous is None:
        kind = RunKind.FULL  # nothing to be incremental to
    run = ResolutionRun.objects.create(
        kind=kind,
        status=RunStatus.RUNNING,
        upper_threshold=cfg.upper_threshold,
        lower_threshold=cfg.lower_threshold,
        created_by=actor,
    )
    started = time.perf_counter()
    try:
        job = reads.system_job(f"entity resolution run {run.pk}", actor=actor)
        watermark = reads.record_watermark(viewer=job)
        say("Reading person records")
        frame = pd.DataFrame(reads.person_rows(viewer=job))
        run.records = len(frame)
        if len(frame) >= 2:
            model, path = _model_for(previous, frame, cfg, retrain=retrain, say=say)
            run.model_path, run.model_version = str(path), _version(model)
            scored = _score(run, previous, frame, model, cfg, watermark, say, job)
            run.candidate_pairs = scored.candidate_pairs
            say(f"Storing {len(scored.pairs):,} scored pairs")
            run.auto_matched, queued = _store_scored(run, scored.pairs, model, cfg, job)
            attached = _attach_by_name(run, scored.pairs, model, cfg, job)
            run.auto_matched += len(attached)
            run.queued = len(queued - attached)
        say("Resolving phones, vehicles, accounts and companies by identifier")
        run.objects_merged = _rebuild_objects(job)
        say("Rebuilding canonical people")
        rebuild_people(job)
        run.record_watermark = watermark
        run.status = RunStatus.DONE
    except SocmapError as exc:
        run.status, run.message = RunStatus.FAILED, str(exc)
    run_finished(
        run,
        actor=actor,
        started=started,
        justification="Entity resolution run",
        detail={
            "kind": run.kind,
            "records": run.records,
            "auto_matched": run.auto_matched,
            "queued": run.queued,
            "model_version": run.model_version,
        },
    )
    return run


def _version(model: resolve.ResolverModel) -> str:
    meta = model.metadata
    return f"{meta.get('engine_version', '?')}/{meta.get('config_hash', '?')}/{meta.get('created_at', '?')}"[
        :80
    ]


def _model_for(
    previous: ResolutionRun | None,
    frame: pd.DataFrame,
    cfg: resolve.ResolveConfig,
    *,
    retrain: bool,
    say: Progress,
) -> tuple[resolve.ResolverModel, Path]:
    """The saved model of the last run, else the configured one, else a newly trained one.

    A corrupt model file is refused, never silently replaced.
    """
    if previous and previous.model_path and not retrain:
        path = Path(previous.model_path)
        if path.exists():
            try:
                return resolve.ResolverModel.load(str(path)), path
            except InvalidModel as exc:
                raise InvalidModel(
                    f"The saved model {path.name} cannot be used ({exc}). Retrain with "
                    "'socmap resolve run --retrain'."
                ) from exc
    shipped = getattr(settings, "SOCMAP_RESOLVE_MODEL", "")
    if shipped and not retrain:
        try:
            return resolve.ResolverModel.load(str(shipped)), Path(shipped)
        except InvalidModel as exc:
            raise InvalidModel(f"SOCMAP_RESOLVE_MODEL {shipped} cannot be used: {exc}") from exc
    say(f"Training the person model on {len(frame):,} records")
    model = resolve.train(frame, cfg)
    path = (
        model_dir() / f"person-{timezone.now():%Y%m%dT%H%M%S}-{model.metadata.get('config_hash', 'x')}.json"
    )
    model.save(str(path))
    return model, path


def _score(
    run: ResolutionRun,
    previous: ResolutionRun | None,
    frame: pd.DataFrame,
    model: resolve.ResolverModel,
    cfg: resolve.ResolveConfig,
    watermark: int,
    say: Progress,
    job: reads.SystemJob,
) -> resolve.ScoredPairs:
    if run.kind == RunKind.INCREMENTAL and previous is not None:
        new_ids = set(
            reads.entity_ids(
                viewer=job,
                schemas={"Person"},
                records_after=previous.record_watermark,
                records_upto=watermark,
            )
        )
        is_new = frame["record_id"].isin(new_ids)
        run.new_records = int(is_new.sum())
        if run.new_records == 0:
            return resolve.ScoredPairs(
                pairs=pd.DataFrame(
                    columns=["record_id_l", "record_id_r", "match_probability", "match_weight"]
                ),
                run=resolve.RunInfo("", "", "", 0, 0.0),
                model_created_at="",
                blocking_rules=(),
                candidate_pairs=0,
                kept_above=cfg.keep_above,
            )
        say(f"Scoring {run.new_records:,} new records against {int((~is_new).sum()):,}")
        return resolve.score_new(frame[is_new], frame[~is_new], model, cfg)
    run.new_records = len(frame)
    say(f"Scoring every candidate pair among {len(frame):,} records")
    return resolve.score_pairs(frame, model, cfg)


def compact_scores(pairs: pd.DataFrame) -> list[str]:
    """Each pair's comparison levels and weights as stored on it (JSON): enough to explain it later.

    The words of the waterfall come from the model at display time (``selectors.explanation``), so
    hundreds of thousands of pairs are not each explained up front.
    """
    columns = [c for c in pairs.columns if c.startswith(("gamma_", "mw_"))]
    narrow = pairs[columns].copy()
    for column in columns:
        if column.startswith("gamma_"):
            narrow[column] = narrow[column].fillna(0).astype(int)
        else:
            narrow[column] = narrow[column].astype(float).fillna(0.0).round(3)
    return [json.dumps(row, separators=(",", ":")) for row in narrow.to_dict("records")]


def _store_scored(
    run: ResolutionRun,
    pairs: pd.DataFrame,
    model: resolve.ResolverModel,
    cfg: resolve.ResolveConfig,
    job: reads.SystemJob,
) -> tuple[int, set[tuple[str, str]]]:
    """Upsert pairs in the review band and above; add a model judgement where nobody has decided yet.

    Returns how many the model merged and the new pairs it queued for review.

    Written with plain executemany: a large run keeps hundreds of thousands of pairs, and the ORM's
    per-field work would dominate the run.
    """
    kept = pairs[pairs["match_probability"] >= cfg.lower_threshold] if len(pairs) else pairs
    if len(kept) == 0:
        return 0, set()
    existing = {
        (left, right): pk
        for pk, left, right in Pair.objects.values_list("id", "left_id", "right_id").iterator(
            chunk_size=BATCH
        )
    }
    judged = set(Judgement.objects.values_list("left_id", "right_id").distinct().iterator(chunk_size=BATCH))
    # Records erased while the run was scoring have no pair any more.
    live = set(reads.entity_ids(viewer=job, schemas={"Person"}))
    version = _version(model)
    now = timezone.now()
    scores = compact_scores(kept)
    lefts = kept["record_id_l"].astype(str).tolist()
    rights = kept["record_id_r"].astype(str).tolist()
    probabilities = kept["match_probability"].astype(float).tolist()
    weights = kept["match_weight"].astype(float).tolist()
    new_rows: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    model_judgements: list[tuple[Any, ...]] = []
    recheck: list[tuple[str, str]] = []
    queued: set[tuple[str, str]] = set()
    for index, (a, b) in enumerate(zip(lefts, rights, strict=True)):
        key = ordered(a, b)
        if key[0] not in live or key[1] not in live:
            continue
        p, score = probabilities[index], scores[index]
        if key in existing:
            updates.append((p, weights[index], abs(p - 0.5), score, run.pk, existing[key]))
            # A pair nobody has decided that a newer model now scores above the threshold is
            # merged like a new one; a decision already made, by anyone, stands.
            if key not in judged and p >= cfg.upper_threshold:
                model_judgements.append((key[0], key[1], Decision.MATCH, version, p, "", run.pk, now))
                recheck.append(key)
            continue
        state = PairState.PENDING
        if key in judged:
            recheck.append(key)
        elif p >= cfg.upper_threshold:
            model_judgements.append((key[0], key[1], Decision.MATCH, version, p, "", run.pk, now))
            state = PairState.MATCH
        else:
            queued.add(key)
        new_rows.append(
            (key[0], key[1], p, weights[index], abs(p - 0.5), score, state, False, 0, run.pk, now)
        )
    pair_table, judgement_table = Pair._meta.db_table, Judgement._meta.db_table
    jsonb = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    # Table names are the models' own; every value is a parameter.
    with transaction.atomic(), connection.cursor() as cursor:
        _executemany(
            cursor,
            f"INSERT INTO {judgement_table} ({', '.join(JUDGEMENT_COLUMNS)}) "  # noqa: S608  # nosec B608 # the model's own table name; values are parameters
            f"VALUES ({', '.join(['%s'] * len(JUDGEMENT_COLUMNS))})",
            chain_extend(JUDGEMENT_CHAIN, JUDGEMENT_COLUMNS[:-3], model_judgements),
        )
        # The model's judgements stand on the pairs about to be written.
        made = {
            (left, right): pk
            for pk, left, right in Judgement.objects.filter(run=run)
            .values_list("id", "left_id", "right_id")
            .iterator(chunk_size=BATCH)
        }
        _executemany(
            cursor,
            f"INSERT INTO {pair_table} (left_id, right_id, probability, match_weight, uncertainty, "  # noqa: S608  # nosec B608 # the model's own table name; values are parameters
            "explanation, state, decided_by_user, version, run_id, updated_at, judgement_id) "
            f"VALUES (%s, %s, %s, %s, %s, {jsonb}, %s, %s, %s, %s, %s, %s)",
            [(*row, made.get((row[0], row[1]))) for row in new_rows],
        )
        _executemany(
            cursor,
            f"UPDATE {pair_table} SET probability = %s, match_weight = %s, uncertainty = %s, "  # noqa: S608  # nosec B608 # the model's own table name; values are parameters
            f"explanation = {jsonb}, run_id = %s WHERE id = %s",
            updates,
        )
    refresh_pair_states(recheck)
    return len(model_judgements), queued


ATTACH_REASON = "Attached by name: the one person of this name, and nothing else on this record to compare"


def _attach_by_name(
    run: ResolutionRun,
    pairs: pd.DataFrame,
    model: resolve.ResolverModel,
    cfg: resolve.ResolveConfig,
    job: reads.SystemJob,
) -> set[tuple[str, str]]:
    """Model judgements for the name-only pairs the engine's rule attaches (``cluster_scored``).

    A record that holds nothing but a name (a safeguarding referral, a legacy nominal) scores
    below the upper threshold with anyone, however unusual the name, and stayed a person of its
    own: on the small demo, three "John Shah" on one group page. From ``cfg.attach_threshold`` a
    name-only pair now attaches such a lone record to the single person its name points to, never
    when it points to two, and never joining two people. Each attachment is a model judgement with
    its reason, so it shows in the history and an analyst can undo it or say no-match. Pairs anyone
    has judged are left alone. Returns the pairs judged.
    """
    if not len(pairs) or "name_only" not in pairs.columns:
        return set()
    p = pairs["match_probability"].astype(float)
    weak = pairs[pairs["name_only"].astype(bool) & (p >= cfg.attach_threshold) & (p < cfg.upper_threshold)]
    if not len(weak):
        return set()
    stored = set(
        Pair.objects.filter(state=PairState.PENDING)
        .values_list("left_id", "right_id")
        .iterator(chunk_size=BATCH)
    )
    judged = set(Judgement.objects.values_list("left_id", "right_id").distinct().iterator(chunk_size=BATCH))
    candidates: dict[tuple[str, str], float] = {}
    for a, b, prob in zip(weak["record_id_l"], weak["record_id_r"], weak["match_probability"], strict=True):
        key = ordered(str(a), str(b))
        if key in stored and key not in judged:
            candidates[key] = max(float(prob), candidates.get(key, 0.0))
    if not candidates:
        return set()
    ids = sorted(reads.entity_ids(viewer=job, schemas={"Person"}))
    before = cluster_pairs(ids, Pair.objects.all())
    after = cluster_pairs(ids, Pair.objects.all(), attach=[(a, b, w) for (a, b), w in candidates.items()])
    size = Counter(before.cluster_of.values())
    chosen: dict[str, tuple[tuple[str, str], float]] = {}
    for (a, b), prob in candidates.items():
        for lone, other in ((a, b), (b, a)):
            moved = size[before.cluster_of[lone]] == 1 and size[before.cluster_of[other]] > 1
            if (
                moved
                and after.cluster_of[lone] == after.cluster_of[other]
                and prob > chosen.get(lone, ((a, b), 0.0))[1]
            ):
                chosen[lone] = ((a, b), prob)
    if not chosen:
        return set()
    version, now = _version(model), timezone.now()
    rows = [
        (a, b, Decision.MATCH, version, prob, ATTACH_REASON, run.pk, now) for (a, b), prob in chosen.values()
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        _executemany(
            cursor,
            f"INSERT INTO {Judgement._meta.db_table} ({', '.join(JUDGEMENT_COLUMNS)}) "  # noqa: S608  # nosec B608 # the model's own table name; values are parameters
            f"VALUES ({', '.join(['%s'] * len(JUDGEMENT_COLUMNS))})",
            chain_extend(JUDGEMENT_CHAIN, JUDGEMENT_COLUMNS[:-3], rows),
        )
    keys = {key for key, _ in chosen.values()}
    refresh_pair_states(keys)
    return keys


# Model judgements inserted in bulk, each with its link in the judgements' hash chain.
JUDGEMENT_COLUMNS = (
    "left_id",
    "right_id",
    "decision",
    "model_version",
    "probability",
    "reason",
    "run_id",
    "created_at",
    "chain_seq",
    "chain_prev",
    "chain_hash",
)


def _executemany(cursor: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
    executemany(cursor, sql, rows, BATCH)


def effective(history: Iterable[Judgement]) -> Judgement | None:
    """The judgement that stands for a pair: the latest by a user, else the latest by the model.

    Undone judgements and the undos themselves never stand.
    """
    items = list(history)
    undone = {j.undoes_id for j in items if j.decision == Decision.UNDO}
    live = [j for j in items if j.decision != Decision.UNDO and j.id not in undone]
    by_users = [j for j in live if j.user_id is not None]
    chosen = by_users or live
    return chosen[-1] if chosen else None


def refresh_pair_states(keys: Iterable[tuple[str, str]]) -> None:
    """Recompute the cached state of these pairs from their judgements."""
    wanted = set(keys)
    if not wanted:
        return
    lefts = {k[0] for k in wanted}
    history: dict[tuple[str, str], list[Judgement]] = {}
    for start_ids in chunks(sorted(lefts), 500):
        for j in Judgement.objects.filter(left_id__in=start_ids).order_by("id"):
            if (j.left_id, j.right_id) in wanted:
                history.setdefault((j.left_id, j.right_id), []).append(j)
    changed: list[Pair] = []
    for start_ids in chunks(sorted(lefts), 500):
        for pair in Pair.objects.filter(left_id__in=start_ids):
            key = (pair.left_id, pair.right_id)
            if key not in wanted:
                continue
            standing = effective(history.get(key, []))
            state = PairState(standing.decision) if standing else PairState.PENDING
            by_user = bool(standing and standing.user_id)
            judgement_id = standing.id if standing else None
            if (pair.state, pair.decided_by_user, pair.judgement_id) != (state, by_user, judgement_id):
                pair.state, pair.decided_by_user, pair.judgement_id = state, by_user, judgement_id
                changed.append(pair)
    table = Pair._meta.db_table
    sql = f"UPDATE {table} SET state = %s, decided_by_user = %s, judgement_id = %s WHERE id = %s"  # noqa: S608  # nosec B608 # the model's own table name; values are parameters
    with connection.cursor() as cursor:
        executemany(cursor, sql, [(p.state, p.decided_by_user, p.judgement_id, p.pk) for p in changed], BATCH)


# ------------------------------------------------------------------------------------ memberships


def _write_memberships(schema_filter: Q, clusters: Iterable[tuple[str, str, Iterable[str]]]) -> int:
    """Replace the memberships matching ``schema_filter`` by these (schema, canonical, members)."""
    rows = [
        Membership(entity_id=member, canonical_id=canonical, schema=schema)
        for schema, canonical, members in clusters
        for member in members
    ]
    with transaction.atomic():
        Membership.objects.filter(schema_filter).delete()
        for batch in chunks(rows, BATCH):
            Membership.objects.bulk_create(batch)
    return len(rows)


def rebuild_people(job: reads.SystemJob) -> int:
    """Recompute every person cluster from the standing pair decisions. Returns memberships written."""
    ids = list(reads.entity_ids(viewer=job, schemas={"Person"}))
    result = cluster_pairs(ids, Pair.objects.all())
    return _write_memberships(
        Q(schema="Person"), (("Person", min(c), c) for c in result.clusters if len(c) > 1)
    )


def recluster(seed_ids: Iterable[str]) -> resolve.ClusterResult:
    """Recompute the clusters of the records connected to the seeds, and nothing else."""
    members = component(seed_ids)
    old = set(Membership.objects.filter(entity_id__in=members).values_list("canonical_id", flat=True))
    # Records of the old clusters that are no longer connected must be rewritten too.
    members |= set(Membership.objects.filter(canonical_id__in=old).values_list("entity_id", flat=True))
    member_list = sorted(members)
    pairs = Pair.objects.filter(left_id__in=member_list, right_id__in=member_list)
    result = cluster_pairs(member_list, pairs)
    rows = [
        Membership(entity_id=m, canonical_id=min(c), schema="Person")
        for c in result.clusters
        if len(c) > 1
        for m in c
    ]
    Membership.objects.filter(entity_id__in=member_list).delete()
    Membership.objects.bulk_create(rows)
    return result


def _rebuild_objects(job: reads.SystemJob) -> int:
    """Phones, vehicles, accounts and companies are the same object when their identifiers are."""
    triples = [
        (row.id, OBJECT_KINDS[row.schema], row.identifier)
        for row in reads.entity_rows(viewer=job, schemas=set(OBJECT_KINDS), with_identifier=True)
    ]
    schema_of = {kind: schema for schema, kind in OBJECT_KINDS.items()}
    result = resolve.resolve_objects(triples)
    written = _write_memberships(
        Q(schema__in=list(OBJECT_KINDS)),
        (
            (schema_of[c.kind], min(c.record_ids), c.record_ids)
            for c in result.clusters
            if len(c.record_ids) > 1
        ),
    )
    return written


def rebuild(*, actor: User | None = None) -> dict[str, int]:
    """Drop and rebuild the caches from judgements: pair states, people, objects."""
    keys = list(Pair.objects.values_list("left_id", "right_id"))
    refresh_pair_states(keys)
    job = reads.system_job("rebuild of canonical entities", actor=actor)
    counts = {"pairs": len(keys), "people": rebuild_people(job), "objects": _rebuild_objects(job)}
    audit_record(
        AuditAction.COMBINATION,
        actor=actor,
        username="" if actor else "system",
        object_type="resolution.membership",
        object_id="*",
        justification="Rebuilt canonical entities from judgements",
        detail=counts,
    )
    return counts


# ------------------------------------------------------------------------------------- judgements


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


def judge(
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


def undo(*, actor: User, judgement_id: int, reason: str, seen_version: int | None = None) -> JudgementResult:
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
    refresh_pair_states([(pair.left_id, pair.right_id)])
    pair.refresh_from_db()
    clusters = recluster([pair.left_id, pair.right_id])
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


def merge(*, actor: User, left_id: str, right_id: str, reason: str) -> JudgementResult:
    """Join two records the model never paired (an analyst's own finding): a new pair and a match."""
    require_role(actor, *JUDGES, action="merge people")
    reason = _require_reason(reason, "Say why these are the same person")
    if left_id == right_id:
        raise InvalidInput(
            "A record cannot be merged with itself", fields={"other": ["Choose another record"]}
        )
    left, right = ordered(left_id, right_id)
    if len(reads.entity_list(viewer=actor, ids=[left, right], schemas={"Person"})) != 2:
        raise NotVisible("No such person record")
    with transaction.atomic():
        pair, _ = Pair.objects.get_or_create(left_id=left, right_id=right, defaults={"uncertainty": 0.5})
    return judge(
        actor=actor, pair_id=pair.pk, decision=Decision.MATCH, reason=reason, seen_version=pair.version
    )


# ------------------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Quality:
    """How the stored canonical entities compare with ground truth."""

    evaluation: resolve.Evaluation
    auto_matched: int
    auto_correct: int
    #: Stored pairs at each threshold: the precision the model estimates, and as measured.
    curve: tuple[resolve.ThresholdQuality, ...] = ()
    #: The merge threshold of the last completed run, None before any.
    chosen_threshold: float | None = None

    @property
    def auto_precision(self) -> float:
        return self.auto_correct / self.auto_matched if self.auto_matched else 1.0


def evaluate_against(truth: dict[str, str]) -> Quality:
    """Pairwise and B-cubed scores of the current clusters, and the precision of the model's own merges."""
    if not truth:
        raise InvalidInput(
            "None of the truth file's records are stored here", fields={"truth": ["no records"]}
        )
    memberships = dict(Membership.objects.filter(schema="Person").values_list("entity_id", "canonical_id"))
    predicted = {record: memberships.get(record, record) for record in truth}
    candidates = pd.DataFrame(
        list(Pair.objects.values_list("left_id", "right_id")), columns=["record_id_l", "record_id_r"]
    )
    evaluation = resolve.evaluate(predicted, truth, candidates=candidates if len(candidates) else None)
    auto = correct = 0
    for left, right in Pair.objects.filter(state=PairState.MATCH, decided_by_user=False).values_list(
        "left_id", "right_id"
    ):
        if left in truth and right in truth:
            auto += 1
            correct += truth[left] == truth[right]
    scored = pd.DataFrame(
        list(Pair.objects.values_list("left_id", "right_id", "probability")),
        columns=["record_id_l", "record_id_r", "match_probability"],
    )
    curve = resolve.pair_quality(scored, truth, resolve.estimated_curve(scored)) if len(scored) else ()
    last = ResolutionRun.objects.filter(status=RunStatus.DONE).order_by("-id").first()
    return Quality(evaluation, auto, correct, curve, last.upper_threshold if last else None)
