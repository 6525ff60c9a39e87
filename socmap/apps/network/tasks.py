"""Background work of the network app, through Django's task framework (django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from socmap.apps.core.models import User
from socmap.apps.network import services


@task()
def run_analysis(user_id: int | None) -> dict[str, object]:
    """One network analysis; its counts and explanation are recorded on the run."""
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    run = services.analysis_run(actor=actor)
    return {"run": run.pk, "status": run.status, "groups_new": run.groups_new}
