"""Run in a process of its own by the worker tests, against a database of its own:

python -m tests.apps.core.worker_script setup REGION [--now]   migrate, a source, a batch of ANPR
                                                                rows queued (--now: ingested here)
python -m tests.apps.core.worker_script digest                  what the statement store holds, as JSON
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    import django

    django.setup()


def setup(region: Path, now: bool) -> None:
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from socmap.apps.core.models import Handling
    from socmap.apps.intel import services
    from socmap.apps.intel.models import SourceKind
    from socmap.apps.intel.tasks import ingest_batch
    from tests import factories

    rocu = factories.organisation("rocu", name="South West Regional Organised Crime Unit")
    user = factories.user(rocu, "analyst", username="ingester")
    source = services.source_register(
        actor=None,
        owner=rocu,
        name="anpr",
        title="ANPR sightings",
        kind=SourceKind.ANPR,
        mapping_name="anpr.yaml",
        handling=Handling.P,
        conditions="",
    )
    path = region / "anpr.csv"
    start = services.batch_create(actor=user, source=source, path=path, file_name=path.name)
    if now:
        services.batch_run(batch_id=start.batch.pk)
    else:
        ingest_batch.enqueue(start.batch.pk)


def digest() -> dict[str, object]:
    """Counts and content digests that do not depend on when or by which run rows were stored.

    Entity and link ids begin with their record's number, which is storage's to choose: on
    PostgreSQL a transaction cut short by a kill still uses up the numbers it drew, so a resumed run
    numbers later records higher than a clean one. Ids are compared with that number replaced by the
    record's key in its source, which is the same in every run.
    """
    from socmap.apps.intel.models import Batch, QuarantinedRow, Record, RecordEntity, RecordLink, Statement

    def sha(rows: object) -> str:
        return hashlib.sha256(json.dumps(sorted(rows), sort_keys=True, default=str).encode()).hexdigest()  # type: ignore[call-overload]

    keys = dict(Record.objects.values_list("pk", "record_key"))

    def named(stored_id: str) -> str:  # "000000001234.person" -> "<record key>.person"
        return f"{keys[int(stored_id[:12])]}{stored_id[12:]}"

    statements = Statement.objects.values_list("key", "entity_id", "prop", "value", "original", "grading")
    entities = RecordEntity.objects.values_list("id", "schema", "caption")
    links = RecordLink.objects.values_list("id", "schema")
    return {
        "records": Record.objects.count(),
        "entities": RecordEntity.objects.count(),
        "statements": Statement.objects.count(),
        "links": RecordLink.objects.count(),
        "quarantined": QuarantinedRow.objects.count(),
        "batches": sorted(Batch.objects.values_list("status", "rows_done")),
        "record_digest": sha(list(Record.objects.values_list("record_key", "row", "raw", "raw_versions"))),
        "entity_digest": sha([(named(i), *rest) for i, *rest in entities]),
        "statement_digest": sha([(k, named(e), *rest) for k, e, *rest in statements]),
        "link_digest": sha([(named(i), *rest) for i, *rest in links]),
    }


if __name__ == "__main__":
    _django()
    if sys.argv[1] == "setup":
        setup(Path(sys.argv[2]), now="--now" in sys.argv)
    else:
        print(json.dumps(digest()))
