"""Background work of the intel app, through Django's task framework (django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from socmap.apps.intel import services


@task()
def ingest_batch(batch_id: int) -> dict[str, int]:
    """Ingest one batch; progress is recorded on the batch as it goes."""
    batch = services.batch_run(batch_id=batch_id)
    return {"rows": batch.rows_done, "records_new": batch.records_new, "quarantined": batch.quarantined}
