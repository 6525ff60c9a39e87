"""The audit log becomes a hash chain: each event carries its link, and ChainHead the last one."""

from django.db import migrations, models

from socmap.apps.core.chain import AUDIT_CHAIN, chain_backfill


def link_existing_events(apps, schema_editor):
    """Events written before the chain are linked in the order they happened."""
    chain_backfill(
        schema_editor,
        AUDIT_CHAIN,
        apps.get_model("core", "AuditEvent"),
        trigger="core_auditevent_append_only",
        order=("at", "id"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_object_owner"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=40, unique=True)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_prev",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.RunPython(link_existing_events, migrations.RunPython.noop),
    ]
