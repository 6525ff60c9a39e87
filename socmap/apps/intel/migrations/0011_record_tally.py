"""Records counted by owner, handling code and compartment, kept by triggers on the record table.

The home and ingest pages said how many records the viewer may see by counting the record table
through the visibility rule: a second at a million source rows. The tally has a row per owner,
handling code and compartment (tens of rows), kept in the same transaction as every insert,
update, delete or truncate of records, whatever writes them: ingest's COPY on PostgreSQL fires
statement triggers, which add up each statement's rows at once (transition tables); SQLite's
triggers are per row. The migration fills the tally from the records already there.
"""

import django.db.models.deletion
from django.db import migrations, models

SEED = """
INSERT INTO intel_recordtally (owner_id, handling, compartment_id, slot, records)
SELECT owner_id, handling, compartment_id, COALESCE(compartment_id, 0), COUNT(*)
FROM intel_record GROUP BY owner_id, handling, compartment_id
"""

# Rows added in key order, so two transactions touching the same tally rows lock them in one order.
_ADD = """
    INSERT INTO intel_recordtally (owner_id, handling, compartment_id, slot, records)
    SELECT owner_id, handling, compartment_id, COALESCE(compartment_id, 0), SUM(n)
    FROM ({rows}) AS changed
    GROUP BY owner_id, handling, compartment_id
    HAVING SUM(n) <> 0
    ORDER BY owner_id, handling, COALESCE(compartment_id, 0)
    ON CONFLICT (owner_id, handling, slot)
    DO UPDATE SET records = intel_recordtally.records + EXCLUDED.records;
"""
_NEW = "SELECT owner_id, handling, compartment_id, 1 AS n FROM new_rows"
_OLD = "SELECT owner_id, handling, compartment_id, -1 AS n FROM old_rows"

# Constant SQL of this module, put together from the pieces above.
PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION intel_record_tally() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_ADD.format(rows=_NEW)}
    ELSIF TG_OP = 'DELETE' THEN
        {_ADD.format(rows=_OLD)}
    ELSIF TG_OP = 'UPDATE' THEN
        {_ADD.format(rows=_NEW + " UNION ALL " + _OLD)}
    ELSE
        DELETE FROM intel_recordtally;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intel_record_tally_insert AFTER INSERT ON intel_record
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION intel_record_tally();
CREATE TRIGGER intel_record_tally_update AFTER UPDATE ON intel_record
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION intel_record_tally();
CREATE TRIGGER intel_record_tally_delete AFTER DELETE ON intel_record
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION intel_record_tally();
CREATE TRIGGER intel_record_tally_truncate AFTER TRUNCATE ON intel_record
    FOR EACH STATEMENT EXECUTE FUNCTION intel_record_tally();
"""  # noqa: S608  # nosec B608

PG_BACKWARD = """
DROP TRIGGER IF EXISTS intel_record_tally_insert ON intel_record;
DROP TRIGGER IF EXISTS intel_record_tally_update ON intel_record;
DROP TRIGGER IF EXISTS intel_record_tally_delete ON intel_record;
DROP TRIGGER IF EXISTS intel_record_tally_truncate ON intel_record;
DROP FUNCTION IF EXISTS intel_record_tally();
"""


def _sqlite_step(row: str, n: int) -> str:
    # Constant SQL of this module: ``row`` is NEW or OLD, ``n`` 1 or -1.
    return (
        "INSERT INTO intel_recordtally (owner_id, handling, compartment_id, slot, records) "  # noqa: S608  # nosec B608
        f"VALUES ({row}.owner_id, {row}.handling, {row}.compartment_id, "
        f"COALESCE({row}.compartment_id, 0), {n}) "
        "ON CONFLICT (owner_id, handling, slot) "
        f"DO UPDATE SET records = records + ({n});"
    )


SQLITE_FORWARD = [
    f"CREATE TRIGGER intel_record_tally_insert AFTER INSERT ON intel_record "
    f"BEGIN {_sqlite_step('NEW', 1)} END;",
    f"CREATE TRIGGER intel_record_tally_delete AFTER DELETE ON intel_record "
    f"BEGIN {_sqlite_step('OLD', -1)} END;",
    "CREATE TRIGGER intel_record_tally_update AFTER UPDATE OF owner_id, handling, compartment_id "
    "ON intel_record WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.handling IS NOT NEW.handling "
    "OR OLD.compartment_id IS NOT NEW.compartment_id "
    f"BEGIN {_sqlite_step('OLD', -1)} {_sqlite_step('NEW', 1)} END;",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS intel_record_tally_insert;",
    "DROP TRIGGER IF EXISTS intel_record_tally_delete;",
    "DROP TRIGGER IF EXISTS intel_record_tally_update;",
]


def forward(apps, schema_editor):
    schema_editor.execute(SEED, params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_hash_chain"),
        ("intel", "0010_person_sound_code_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecordTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("handling", models.CharField(max_length=1)),
                ("slot", models.IntegerField()),
                ("records", models.BigIntegerField(default=0)),
                (
                    "compartment",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.compartment",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("owner", "handling", "slot"), name="record_tally_key")
                ],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
