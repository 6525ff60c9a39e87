"""Entities and links, like statements (0005), find their owner by a BRIN index on PostgreSQL.

A B-tree on the owner cost every entity and link copied in (3.6 µs a row measured on statements);
rows arrive a batch, so an owner, at a time, which a BRIN index summarises for next to nothing.
Links lose their schema index too: they are read by record or by their ends, and a schema holds
too many links for an index to be worth reading.
"""

import django.db.models.deletion
from django.db import migrations, models

BRIN = {"entity_owner_brin": "intel_recordentity", "link_owner_brin": "intel_recordlink"}


def _brin_on_owner(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":  # type: ignore[attr-defined]
        for name, table in BRIN.items():
            schema_editor.execute(  # type: ignore[attr-defined]
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING brin (owner_id)"
            )


def _drop_brin_on_owner(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":  # type: ignore[attr-defined]
        for name in BRIN:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")  # type: ignore[attr-defined]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        ("intel", "0005_statements_found_by_entity"),
    ]

    operations = [
        migrations.AlterField(
            model_name="recordentity",
            name="owner",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="recordlink",
            name="owner",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="recordlink",
            name="schema",
            field=models.CharField(max_length=40),
        ),
        migrations.RunPython(_brin_on_owner, _drop_brin_on_owner),
    ]
