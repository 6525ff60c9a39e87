"""The audit log is read through the visibility rule: each event names the owner of its object, and an
"Audit log" compartment lets a sharing agreement give another organisation's auditors the log."""

import django.db.models.deletion
from django.db import migrations, models

TRIGGER = "core_auditevent_append_only"


def forward(apps, schema_editor):
    Compartment = apps.get_model("core", "Compartment")
    Compartment.objects.get_or_create(
        slug="audit-log",
        defaults={
            "name": "Audit log",
            "description": "Name this compartment in a sharing agreement to let the recipient's auditors "
            "read the provider's audit log. It shares no intelligence.",
        },
    )
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        cursor.execute("SELECT DISTINCT object_type FROM core_auditevent WHERE object_type LIKE '%%.%%'")
        kinds = [row[0] for row in cursor.fetchall()]
        if postgres:
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {TRIGGER}")
        for kind in kinds:
            table = kind.replace(".", "_")
            if table not in tables:
                continue
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            owner = (
                "id"
                if table == "core_organisation"
                else next((c for c in ("owner_id", "organisation_id", "provider_id") if c in columns), "")
            )
            if not owner:
                continue
            # Table and column names come from the database's own catalogue; values are parameters.
            cursor.execute(
                f"UPDATE core_auditevent SET object_owner_id = (SELECT t.{owner} FROM {table} t "  # noqa: S608  # nosec B608 # names from the database's catalogue
                "WHERE CAST(t.id AS TEXT) = core_auditevent.object_id) WHERE object_type = %s",
                [kind],
            )
        if postgres:
            cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="object_owner",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.organisation",
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
