"""Judgements become a hash chain: each carries its link; ChainHead (core) holds the last one."""

import django.utils.timezone
from django.db import migrations, models

from socmap.apps.core.chain import JUDGEMENT_CHAIN, chain_backfill


def link_existing_judgements(apps, schema_editor):
    """Judgements made before the chain are linked in the order they were made."""
    chain_backfill(
        schema_editor,
        JUDGEMENT_CHAIN,
        apps.get_model("resolution", "Judgement"),
        trigger="resolution_judgement_append_only",
        order=("created_at", "id"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("resolution", "0003_fewer_indexes_to_keep_up"),
        ("core", "0004_hash_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="judgement",
            name="chain_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="judgement",
            name="chain_prev",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="judgement",
            name="chain_seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="judgement",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(link_existing_judgements, migrations.RunPython.noop),
    ]
