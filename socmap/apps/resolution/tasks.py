"""Background work of resolution, through Django's task framework (django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from socmap.apps.core.models import User
from socmap.apps.resolution import services


@task()
def run_resolution(user_id: int | None, kind: str, retrain: bool = False) -> dict[str, object]:
    """One resolution run; its progress and counts are recorded on the run."""
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    run = services.resolution_run(actor=actor, kind=kind, retrain=retrain)
    return {"run": run.pk, "status": run.status, "auto_matched": run.auto_matched, "queued": run.queued}
