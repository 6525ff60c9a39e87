"""Background work of resolution, through Django's task framework (django-tasks backport)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import TaskContext, task

from socmap.apps.core.models import User
from socmap.apps.resolution import services
from socmap.apps.resolution.models import Judgement, Pair, PairState, ResolutionRun, RunStatus

INTERRUPTED = "Interrupted: the worker running it stopped. The run was started again from the beginning."


def _interrupted(context: TaskContext) -> int:
    """Close the runs an earlier attempt of this job left running (its worker was killed), with the
    merges and reviews they had stored.

    A run is written to be started again (decisions already stored stand; pairs already stored are
    rescored), so the new attempt starts a new run; the old one would otherwise show "Running" for
    ever. Only runs created since the job was queued are closed, and only when no other resolution
    job is running, so a run another worker is busy with is never touched.
    """
    if context.attempt <= 1:
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    others = (
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, task_path=run_resolution.module_path)
        .exclude(pk=context.task_result.id)
        .exists()
    )
    if others:
        return 0
    since = context.task_result.enqueued_at
    left = ResolutionRun.objects.filter(status=RunStatus.RUNNING, created_at__gte=since)
    closed = 0
    for run in left:
        # What it had stored before it stopped, so that the runs' counts add up to a clean run's: the
        # next run rescores those pairs but does not count again what is already decided or queued.
        run.auto_matched = Judgement.objects.filter(run=run).count()
        run.queued = Pair.objects.filter(run=run, state=PairState.PENDING).count()
        run.status, run.message, run.finished_at = RunStatus.FAILED, INTERRUPTED, timezone.now()
        run.save(update_fields=["auto_matched", "queued", "status", "message", "finished_at"])
        closed += 1
    return closed


@task(takes_context=True)
def run_resolution(
    context: TaskContext, user_id: int | None, kind: str, retrain: bool = False
) -> dict[str, object]:
    """One resolution run; its progress and counts are recorded on the run."""
    _interrupted(context)
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    run = services.resolution_run(actor=actor, kind=kind, retrain=retrain)
    return {"run": run.pk, "status": run.status, "auto_matched": run.auto_matched, "queued": run.queued}
