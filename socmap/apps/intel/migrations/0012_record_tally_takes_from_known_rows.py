"""The record tally's triggers take a deleted record from its tally row only, never making one.

Migration 0011's triggers added every change as an upsert, so a record deleted after its tally row
(a test database flushed table by table on SQLite) left a row of -1 behind. Records leaving a key
now only lower an existing row; records arriving add to it or make it. The tally is filled again
from the records, so a database that met that case is right again.
"""

from django.db import migrations

SEED = """
INSERT INTO intel_recordtally (owner_id, handling, compartment_id, slot, records)
SELECT owner_id, handling, compartment_id, COALESCE(compartment_id, 0), COUNT(*)
FROM intel_record GROUP BY owner_id, handling, compartment_id
"""

# The net change per key of one statement's rows (updates that keep the key change nothing).
_NET = """
    SELECT owner_id, handling, compartment_id, COALESCE(compartment_id, 0) AS slot, SUM(n) AS n
    FROM ({rows}) AS changed GROUP BY owner_id, handling, compartment_id HAVING SUM(n) <> 0
"""
# Rows added in key order, so two transactions touching the same tally rows lock them in one order.
_ADD = """
    INSERT INTO intel_recordtally (owner_id, handling, compartment_id, slot, records)
    SELECT owner_id, handling, compartment_id, slot, n FROM ({net}) AS net WHERE n > 0
    ORDER BY owner_id, handling, slot
    ON CONFLICT (owner_id, handling, slot)
    DO UPDATE SET records = intel_recordtally.records + EXCLUDED.records;
"""
_TAKE = """
    UPDATE intel_recordtally AS t SET records = t.records + net.n FROM ({net}) AS net
    WHERE net.n < 0 AND t.owner_id = net.owner_id AND t.handling = net.handling AND t.slot = net.slot;
"""
_NEW = "SELECT owner_id, handling, compartment_id, 1 AS n FROM new_rows"
_OLD = "SELECT owner_id, handling, compartment_id, -1 AS n FROM old_rows"
_BOTH = _NET.format(rows=f"{_NEW} UNION ALL {_OLD}")

# Constant SQL of this module, put together from the pieces above.
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION intel_record_tally() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_ADD.format(net=_NET.format(rows=_NEW))}
    ELSIF TG_OP = 'DELETE' THEN
        {_TAKE.format(net=_NET.format(rows=_OLD))}
    ELSIF TG_OP = 'UPDATE' THEN
        {_TAKE.format(net=_BOTH)}
        {_ADD.format(net=_BOTH)}
    ELSE
        DELETE FROM intel_recordtally;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""  # noqa: S608  # nosec B608


def _add(row: str) -> str:
    # Constant SQL of this module: ``row`` is NEW or OLD.
    return (
        "INSERT INTO intel_recordtally (owner_id, handling, compartment_id, slot, records) "  # noqa: S608  # nosec B608
        f"VALUES ({row}.owner_id, {row}.handling, {row}.compartment_id, "
        f"COALESCE({row}.compartment_id, 0), 1) "
        "ON CONFLICT (owner_id, handling, slot) DO UPDATE SET records = records + 1;"
    )


def _take(row: str) -> str:
    return (
        "UPDATE intel_recordtally SET records = records - 1 "  # noqa: S608  # nosec B608
        f"WHERE owner_id = {row}.owner_id AND handling = {row}.handling "
        f"AND slot = COALESCE({row}.compartment_id, 0);"
    )


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS intel_record_tally_insert;",
    "DROP TRIGGER IF EXISTS intel_record_tally_delete;",
    "DROP TRIGGER IF EXISTS intel_record_tally_update;",
]
SQLITE_CREATE = [
    f"CREATE TRIGGER intel_record_tally_insert AFTER INSERT ON intel_record BEGIN {_add('NEW')} END;",
    f"CREATE TRIGGER intel_record_tally_delete AFTER DELETE ON intel_record BEGIN {_take('OLD')} END;",
    "CREATE TRIGGER intel_record_tally_update AFTER UPDATE OF owner_id, handling, compartment_id "
    "ON intel_record WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.handling IS NOT NEW.handling "
    "OR OLD.compartment_id IS NOT NEW.compartment_id "
    f"BEGIN {_take('OLD')} {_add('NEW')} END;",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in [*SQLITE_DROP, *SQLITE_CREATE]:
            schema_editor.execute(sql, params=None)
    schema_editor.execute("DELETE FROM intel_recordtally", params=None)
    schema_editor.execute(SEED, params=None)


class Migration(migrations.Migration):
    dependencies = [("intel", "0011_record_tally")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
