"""Migration 0003: statements held before keep their hash as key and get a number."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("intel", "0002_drop_unused_like_indexes")
AFTER = ("intel", "0003_bulk_tables_without_constraints")


def _migrate(target: tuple[str, str]) -> object:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_statements_held_before_keep_their_hash_as_key_and_get_a_number() -> None:
    apps = _migrate(BEFORE)
    try:
        Organisation = apps.get_model("core", "Organisation")  # type: ignore[attr-defined]
        User = apps.get_model("core", "User")  # type: ignore[attr-defined]
        intel = {name: apps.get_model("intel", name) for name in ("Source", "Batch", "Record")}  # type: ignore[attr-defined]
        entity_model = apps.get_model("intel", "RecordEntity")  # type: ignore[attr-defined]
        statement_model = apps.get_model("intel", "Statement")  # type: ignore[attr-defined]
        org = Organisation.objects.create(name="Force", slug="force", kind="force")
        user = User.objects.create(username="u", organisation=org)
        source = intel["Source"].objects.create(
            owner=org, name="s", title="S", kind="other", mapping_name="m"
        )
        batch = intel["Batch"].objects.create(source=source, file_name="f", sha256="x", created_by=user)
        now = timezone.now()
        record = intel["Record"].objects.create(
            owner=org, source=source, batch=batch, last_batch=batch, record_key="r1", row=1, raw={},
            source_evaluation="2", intelligence_assessment="B", first_seen=now, last_seen=now,
        )  # fmt: skip
        entity = entity_model.objects.create(id="e" * 40, owner=org, record=record, key="p", schema="Person")
        for n, value in enumerate(("Ann", "Smith")):
            statement_model.objects.create(
                id=f"{n}" * 40, owner=org, record=record, entity=entity, schema="Person", prop="name",
                value=value, grading="2B", batch=batch, first_seen=now, last_seen=now,
            )  # fmt: skip
        apps = _migrate(AFTER)
        statement_model = apps.get_model("intel", "Statement")  # type: ignore[attr-defined]
        rows = sorted(statement_model.objects.values_list("key", "value", "record_id", "entity_id"))
        assert rows == [("0" * 40, "Ann", record.pk, entity.pk), ("1" * 40, "Smith", record.pk, entity.pk)]
        numbers = list(statement_model.objects.values_list("id", flat=True))
        assert all(isinstance(n, int) for n in numbers) and len(set(numbers)) == 2
        later = statement_model.objects.create(
            key="2" * 40, owner_id=org.pk, record_id=record.pk, entity_id=entity.pk, schema="Person",
            prop="name", value="A.", grading="2B", batch_id=batch.pk, first_seen=now, last_seen=now,
        )  # fmt: skip
        assert later.pk not in numbers
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
