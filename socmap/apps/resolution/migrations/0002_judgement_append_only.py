"""On PostgreSQL judgements refuse UPDATE and DELETE in the database itself: an undo is a new judgement."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION socmap_judgement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'socmap judgements are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS resolution_judgement_append_only ON resolution_judgement;
CREATE TRIGGER resolution_judgement_append_only
    BEFORE UPDATE OR DELETE ON resolution_judgement
    FOR EACH ROW EXECUTE FUNCTION socmap_judgement_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS resolution_judgement_append_only ON resolution_judgement;
DROP FUNCTION IF EXISTS socmap_judgement_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("resolution", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
