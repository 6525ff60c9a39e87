"""Resolution runs: score person records, store model judgements for pairs above the upper threshold
and review pairs between the thresholds, attach lone name-only records, rebuild memberships.

The engine (``socmap.engines.resolve``) scores and clusters; this module decides what is stored.
Decisions already made (by users or earlier runs) are kept, never overridden.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from socmap.apps.core.alongside import alongside
from socmap.apps.core.bulk import (
    chunks,
    cycles_collected_after,
    memory_returned,
    statistics_refresh,
)
from socmap.apps.core.models import User
from socmap.apps.core.services import require_role, run_finished
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
from socmap.apps.resolution.selectors.caches import decided_edges
from socmap.apps.resolution.services.caches import objects_rebuild, pair_states_refresh, people_rebuild
from socmap.apps.resolution.services.common import (
    JUDGES,
    Progress,
    config_get,
    model_dir,
    model_judgements_insert,
    pair_key,
    upper_fixed,
)
from socmap.apps.resolution.services.storing import model_version, store_planned, storing_plan
from socmap.engines import resolve
from socmap.errors import InvalidModel, SocmapError


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
    cfg = config_get()
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
    # A run holds millions of Python objects: the cycle collector's passes over them took minutes.
    with cycles_collected_after():
        try:
            job = reads.system_job(f"entity resolution run {run.pk}", actor=actor)
            watermark = reads.record_watermark(viewer=job)
            run.objects_merged = _resolve_people(
                run, previous, cfg, watermark, job, retrain=retrain, say=say,
                objects=lambda: objects_rebuild(job=job),
            )  # fmt: skip
            say("Rebuilding canonical people")
            people_rebuild(job=job)
            run.record_watermark = watermark
            run.status = RunStatus.DONE
            statistics_refresh(Pair, Judgement, Membership, changed=run.auto_matched + run.queued)
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


OBJECTS = "Resolving phones, vehicles, accounts and companies by identifier"


def _resolve_people(
    run: ResolutionRun,
    previous: ResolutionRun | None,
    cfg: resolve.ResolveConfig,
    watermark: int,
    job: reads.SystemJob,
    *,
    retrain: bool,
    say: Progress,
    objects: Callable[[], int],
) -> int:
    """Read, score and store the person records: the run's counts are set on ``run``. Resolves
    the ``objects`` too, and returns what that returns.

    Each step lets go of what the next does not need (ADR 29), so the records' frame and the
    scored pairs live here, not in the caller.
    """
    say("Reading person records")
    # Prepared once here (train and score would each prepare it): the guard reads its dates.
    frame = resolve.prepare_records(reads.person_frame(viewer=job))
    memory_returned()
    run.records = len(frame)
    if len(frame) < 2:
        say(OBJECTS)
        return objects()
    model, path = _model_for(previous, frame, cfg, retrain=retrain, say=say)
    run.model_path, run.model_version = str(path), model_version(model)
    scored = _score(run, previous, frame, model, cfg, watermark, say, job)
    # Scoring's objects refer to each other (Splink's linker, DuckDB's results): freed
    # now, with few objects alive, rather than held through the storing.
    gc.collect()
    memory_returned()
    run.candidate_pairs = scored.candidate_pairs
    cfg = _operating(cfg, scored, previous, run)
    births = dict(zip(frame["record_id"].astype(str), frame["birth_date"], strict=True))
    weak = _attachable(scored.pairs, cfg)
    # What storing needs of the scoring, and nothing more held through it: the records'
    # frame, every candidate's probability and the pairs below the review floor were
    # 1.5 GB of a million-row run's peak.
    kept = scored.pairs  # storing_plan keeps those from the review floor up
    del frame, scored
    say(f"Storing {len(kept):,} scored pairs")
    plan = storing_plan(kept, cfg, job, births)
    del kept
    memory_returned()
    # Objects are resolved by identifier alone: on PostgreSQL beside the writing, which mostly
    # waits for the database (10 s of a million-row run). Not beside the reading, scoring or
    # choosing of merges, which keep both cores busy and hold the run's peak of memory.
    with alongside(objects) as objects_merged:
        run.auto_matched, queued = store_planned(run, plan, model)
        stored_before = plan.existing.keys()
        del plan
        memory_returned()
        # What follows reads the pairs just written by their keys: with the statistics of an
        # empty table, the planner read every pending pair for each lookup.
        statistics_refresh(Pair, Judgement, changed=run.auto_matched + len(queued))
        pending = _Pending(queued=queued, stored_before=stored_before)
        attached = _attach_by_name(run, weak, model, cfg, job, births, pending)
        run.auto_matched += len(attached)
        run.queued = len(queued - attached)
        say(OBJECTS)
        return objects_merged()


def _attachable(pairs: pd.DataFrame, cfg: resolve.ResolveConfig) -> pd.DataFrame:
    """The name-only pairs from the attachment threshold up, all ``_attach_by_name`` reads."""
    if not len(pairs) or "name_only" not in pairs.columns:
        return pairs.iloc[:0]
    p = pairs["match_probability"].astype(float)
    weak = pairs[pairs["name_only"].astype(bool) & (p >= cfg.attach_threshold)]
    return weak[["record_id_l", "record_id_r", "match_probability", "name_only"]]


def _operating(
    cfg: resolve.ResolveConfig,
    scored: resolve.ScoredPairs,
    previous: ResolutionRun | None,
    run: ResolutionRun,
) -> resolve.ResolveConfig:
    """The merge threshold of this run: ``SOCMAP_RESOLVE_UPPER`` when set; else a full run's
    calibrated operating point (best estimated F1 at an estimated precision of at least
    ``min_precision``), and an incremental run keeps the point of the run it adds to (its few new
    pairs would estimate it poorly). Stored on the run, so the queue and evaluation read it back."""
    if upper_fixed() is None:
        if run.kind == RunKind.INCREMENTAL and previous is not None:
            upper = previous.upper_threshold
        elif len(scored.pairs):
            upper = resolve.operating_point(scored, cfg).upper_threshold
        else:
            upper = cfg.upper_threshold
        cfg = dataclasses.replace(cfg, upper_threshold=upper, lower_threshold=min(cfg.lower_threshold, upper))
    run.upper_threshold, run.lower_threshold = cfg.upper_threshold, cfg.lower_threshold
    return cfg


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
    # Only the review band and above come back (with every probability, for the operating
    # point), without the compared values: the stored explanation needs levels and weights only.
    streamed = dataclasses.replace(
        cfg, return_from=min(cfg.lower_threshold, cfg.attach_threshold), retain_values=False
    )
    return resolve.score_pairs(frame, model, streamed)


@dataclasses.dataclass(frozen=True)
class _Pending:
    """What a run knows of the pairs waiting for review: those it has just queued (new, never
    judged), and the keys of the pairs stored before it, the only others that may be waiting."""

    queued: set[tuple[str, str]]
    stored_before: Collection[tuple[str, str]]

    def among(self, keys: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those of ``keys`` stored as pairs waiting for review that nobody has ever judged. The
        database is asked only of the keys stored before the run: at a million rows, asking it of
        every name-only pair took 13 s of a run, for pairs the run had itself just queued."""
        earlier = [key for key in keys if key in self.stored_before] if self.stored_before else []
        return {key for key in keys if key in self.queued} | _pending_among(earlier)


def _pending_among(keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of ``keys`` stored as pairs waiting for review that nobody has ever judged; read by
    the keys' left records (a region's million pending pairs are never loaded for a few)."""
    wanted = set(keys)
    if not wanted:
        return set()
    pending: set[tuple[str, str]] = set()
    judged: set[tuple[str, str]] = set()
    for part in chunks(sorted({a for a, _ in wanted}), 500):
        # By the pair's own key (its unique index), the state read with it: asked by state as
        # well, the planner may read every pending pair of the region for each slice.
        for left, right, state in Pair.objects.filter(left_id__in=part).values_list(
            "left_id", "right_id", "state"
        ):
            if state == PairState.PENDING:
                pending.add((left, right))
        judged.update(Judgement.objects.filter(left_id__in=part).values_list("left_id", "right_id"))
    return (pending - judged) & wanted


ATTACH_REASON = (
    "Attached by name: the person of this name most records belong to, and nothing else on this "
    "record to compare"
)


def _attach_by_name(
    run: ResolutionRun,
    pairs: pd.DataFrame,
    model: resolve.ResolverModel,
    cfg: resolve.ResolveConfig,
    job: reads.SystemJob,
    births: dict[str, str],
    pending: _Pending,
) -> set[tuple[str, str]]:
    """Model judgements for the name-only pairs the engine's rule attaches (``cluster_scored``).

    A record that holds nothing but a name (a safeguarding referral, a legacy nominal) scores
    below the upper threshold with anyone, however unusual the name, and stayed a person of its
    own: on the small demo, three "John Shah" on one group page. From ``cfg.attach_threshold`` a
    name-only pair now attaches such a lone record to the person its name points to (the one
    holding four in five of the records it points to, when it points to several; never against a
    date of birth), never joining two people. Each attachment is a model judgement with
    its reason, so it shows in the history and an analyst can undo it or say no-match. Pairs anyone
    has judged are left alone. Returns the pairs judged.
    """
    weak = _attachable(pairs, cfg)
    if not len(weak):
        return set()
    weak_keys: dict[tuple[str, str], float] = {}
    # As Python lists first: iterating Arrow-backed columns made a scalar of each value (2 s).
    lefts, rights = weak["record_id_l"].astype(str).tolist(), weak["record_id_r"].astype(str).tolist()
    probabilities = weak["match_probability"].to_numpy(dtype=float).tolist()
    for a, b, prob in zip(lefts, rights, probabilities, strict=True):
        key = pair_key(a, b)
        weak_keys[key] = max(float(prob), weak_keys.get(key, 0.0))
    # Only pairs waiting for review: a judged pair is no longer pending.
    # In key order, as the scored pairs come: of a lone record's equally scored pairs the first is
    # the one judged, so the same region always gives the same judgements.
    candidates = {key: weak_keys[key] for key in sorted(pending.among(weak_keys.keys()))}
    if not candidates:
        return set()
    ids = sorted(reads.entity_ids(viewer=job, schemas={"Person"}))
    # The people as the run's own links leave them, without earlier runs' attachments: counted in,
    # they made people larger, so each run attached more (a run again on the same data added two
    # on the small region, and a run resumed after its worker was killed differed from a clean one).
    by_name = Pair.objects.filter(decided_by_user=False, judgement__reason=ATTACH_REASON)
    earlier = {i for pair in by_name.values_list("left_id", "right_id") for i in pair}
    positive, negative = decided_edges(pairs=Pair.objects.exclude(pk__in=by_name.values("pk")))
    after = resolve.cluster(
        ids, positive, negative, attach_pairs=[(a, b, w) for (a, b), w in candidates.items()], births=births
    )
    chosen: dict[str, tuple[tuple[str, str], float]] = {}
    for (a, b), prob in candidates.items():
        for lone, other in ((a, b), (b, a)):
            # Attached (alone before, so ``other``, not attached, was in the larger cluster it
            # joined). A record an earlier run attached is joined already: not attached again by
            # another pair.
            moved = lone not in earlier and lone in after.attached and other not in after.attached
            if (
                moved
                and after.cluster_of[lone] == after.cluster_of[other]
                and prob > chosen.get(lone, ((a, b), 0.0))[1]
            ):
                chosen[lone] = ((a, b), prob)
    # Asked again of the few chosen: a reviewer may have decided one since the run queued it, and
    # a decision made stands.
    still = _pending_among(key for key, _ in chosen.values())
    chosen = {lone: choice for lone, choice in chosen.items() if choice[0] in still}
    if not chosen:
        return set()
    version, now = model_version(model), timezone.now()
    rows = [
        (a, b, Decision.MATCH, version, prob, ATTACH_REASON, run.pk, now) for (a, b), prob in chosen.values()
    ]
    keys = {key for key, _ in chosen.values()}
    # The judgements and their pairs' states in one transaction: a worker stopped between the two
    # left judged pairs pending, and the run that took over attached their records again (37
    # judgements more than a clean run on the small region).
    with transaction.atomic():
        model_judgements_insert(rows)
        pair_states_refresh(keys=keys)
    return keys
